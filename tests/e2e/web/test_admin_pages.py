"""The administration pages: accounts (create with the password policy, role, deactivate and activate,
the last administrator kept) and the audit log's search and export; 403 to clinicians and reception,
404 for another clinic's account, forms refused without their CSRF token."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from web_world import Browser, Site, sign_in

from acupath.services import audit_export, audit_log, patients, users
from acupath.services.actor import Actor, Role
from acupath.services.records import User
from acupath.settings import Settings
from acupath.site import create_site
from web_clinic import EMAILS, SECRET, demo_clinics

USERS = "/clinic/admin/users"
NEW = "/clinic/admin/users/new"
AUDIT = "/clinic/admin/audit"
GOOD_PASSWORD = "lantern harbour violet 42"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo clinic's site on the real clock, the one the accounts made here are stamped with.

    The shared fixture moves the pages' clock to its ``TODAY``, before an account made now set its password,
    so that account's tokens would count as issued before it (``services.sign_ins``); these pages date
    no clinical record, so they need no frozen day.
    """
    clinics = demo_clinics(tmp_path_factory.mktemp("admin"), datetime.now(UTC).date(), per_condition=1)
    app = create_site(Settings(env="test", database_url=clinics.url, secret_key=SECRET),
                      uow_factory=clinics.uow_factory, kb=clinics.kb)
    yield Site(app=app, uow_factory=clinics.uow_factory, demo=clinics.demo)
    clinics.dispose()


def account(site: Site, email: str) -> User:
    """Return the stored account of ``email`` (as the database holds it now)."""
    return users.user_by_email(site.uow_factory(), email)


def new_account(site: Site, admin: Browser, email: str, role: str = "clinician", name: str = "Dr Temp Account") -> User:
    """Create an account through the form; return it as stored."""
    created = admin.post_form(NEW, NEW, {"name": name, "email": email, "role": role, "password": GOOD_PASSWORD})
    assert created.status_code == 303, created.text
    return account(site, email)


def summary_links(page: str) -> list[tuple[str, str]]:
    """Return (target, text) of each link of the page's error summary."""
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(target, html.unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


def audit_rows(page: str) -> list[str]:
    """Return the rows of the audit table, each as its text without tags."""
    body = page.split('<table class="list audit">', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for row in body.split("</tr>")[:-1]]


def log_day(site: Site) -> date:
    """Return the UTC day of the clinic's newest audit entry (the day the log's clock says it is)."""
    newest = audit_log.search_audit(site.uow_factory(), _admin_actor(site), limit=1).items[0]
    return newest.at.astimezone(UTC).date()


def test_the_administration_link_is_shown_to_administrators_only(site: Site) -> None:
    assert '<a href="/clinic/admin/users" >Administration</a>' in site.as_("admin").get("/clinic/today").text
    for persona in ("clinician", "reception"):
        assert "Administration" not in site.as_(persona).get("/clinic/today").text


def test_the_users_page_lists_the_clinics_accounts_without_password_hashes(site: Site) -> None:
    page = site.as_("admin").get(USERS)
    assert page.status_code == 200
    for persona in ("clinician", "reception", "admin"):
        assert EMAILS[persona] in page.text
    assert EMAILS["outsider"] not in page.text
    assert "argon2" not in page.text
    lee = account(site, EMAILS["clinician"])
    assert '<option value="clinician" selected>Clinician</option>' in page.text
    assert f'href="/clinic/admin/users/{lee.id}/deactivate">Deactivate' in page.text
    admin_row = page.text.split(EMAILS["admin"], 1)[1].split("</tr>", 1)[0]
    assert " UTC" in admin_row and "Not recorded" not in admin_row  # signed in through the form just now


def test_the_users_page_shows_a_clinicians_licence_and_qualifications(site: Site) -> None:
    row = users_row(site.as_("admin"), EMAILS["clinician"])
    assert "Licence SYNTHETIC-AC-10482, Demo State Acupuncture Board (synthetic); expires " in row
    assert "L.Ac.; Dipl. Ac. (NCCAOM) (NCCAOM, 2011)" in html.unescape(row)
    assert "Licence " not in users_row(site.as_("admin"), EMAILS["reception"]).replace("Licence and", "")


def users_row(admin: Browser, email: str) -> str:
    """Return the users page's row of ``email``, as HTML."""
    return admin.get(USERS).text.split(email, 1)[1].split("</tr>", 1)[0]


def test_an_account_that_never_signed_in_says_so_until_it_does(site: Site) -> None:
    admin = site.as_("admin")
    temp = new_account(site, admin, "fresh@harbour.demo")
    assert "Not recorded" in users_row(admin, temp.email)
    signed = Browser(site.client()).post_form("/sign-in", "/sign-in", {"email": temp.email, "password": GOOD_PASSWORD})
    assert signed.status_code == 303
    stored = account(site, temp.email).last_sign_in_at
    row = users_row(admin, temp.email)
    assert stored is not None and "Not recorded" not in row and f"{stored:%H:%M} UTC" in row


def test_clinicians_and_reception_get_the_403_page_on_every_administration_page(site: Site) -> None:
    lee = account(site, EMAILS["clinician"])
    for persona in ("clinician", "reception"):
        visitor = site.as_(persona)
        for path in (USERS, NEW, f"{USERS}/{lee.id}/deactivate", AUDIT, AUDIT + "/export?format=csv"):
            answer = visitor.get(path)
            assert answer.status_code == 403, (persona, path)
            assert "Not available to your role" in answer.text
        created = visitor.post_form(NEW, "/clinic/today", {"name": "Sneaky", "email": "sneaky@harbour.demo",
                                                           "role": "admin", "password": GOOD_PASSWORD})
        assert created.status_code == 403
        bad = visitor.post_form(NEW, "/clinic/today", {"name": "", "email": "", "role": "", "password": ""})
        assert bad.status_code == 403  # refused for the role, not answered as a form
        promoted = visitor.post_form(f"{USERS}/{lee.id}/role", "/clinic/today", {"role": "admin"})
        assert promoted.status_code == 403
        for reason in ("", "trying it"):
            stopped = visitor.post_form(f"{USERS}/{lee.id}/deactivate", "/clinic/today", {"reason": reason})
            assert stopped.status_code == 403
    assert account(site, EMAILS["clinician"]).role == "clinician" and account(site, EMAILS["clinician"]).active
    assert "sneaky@harbour.demo" not in site.as_("admin").get(USERS).text


def test_an_empty_new_account_form_names_every_field(site: Site) -> None:
    answer = site.as_("admin").post_form(NEW, NEW, {"name": "", "email": "", "role": "", "password": ""})
    assert answer.status_code == 422
    links = summary_links(answer.text)
    assert [target for target, _ in links] == ["name", "email", "role", "password"]  # the form's order
    assert ("role", "Role: choose one of the options") in links
    assert ("password", "Initial password: must have at least 12 characters") in links
    assert 'id="password-error"' in answer.text and 'aria-invalid="true"' in answer.text


def test_a_password_the_policy_refuses_is_named_and_never_sent_back(site: Site) -> None:
    admin = site.as_("admin")
    for password, problem in (("short one", "must have at least 12 characters"),
                              ("newperson@harbour.demo", "must not be the account's email"),
                              ("Summer2024!!", "is a commonly used password")):
        answer = admin.post_form(NEW, NEW, {"name": "New Person", "email": "newperson@harbour.demo",
                                            "role": "clinician", "password": password})
        assert answer.status_code == 422
        assert summary_links(answer.text)[0][0] == "password"
        assert problem in html.unescape(answer.text)
        assert 'id="password" name="password" type="password" autocomplete="new-password"' in answer.text
        assert password not in answer.text.replace('value="newperson@harbour.demo"', "")
        assert 'value="New Person"' in answer.text and 'value="newperson@harbour.demo"' in answer.text
        assert 'value="clinician" checked' in answer.text
    assert "newperson@harbour.demo" not in admin.get(USERS).text


def test_a_bad_email_and_a_taken_email_are_named(site: Site) -> None:
    admin = site.as_("admin")
    bad = admin.post_form(NEW, NEW, {"name": "X", "email": "not an email", "role": "reception",
                                     "password": GOOD_PASSWORD})
    assert bad.status_code == 422 and summary_links(bad.text)[0][0] == "email"
    taken = admin.post_form(NEW, NEW, {"name": "Twin", "email": EMAILS["outsider"], "role": "reception",
                                       "password": GOOD_PASSWORD})
    assert taken.status_code == 422
    assert summary_links(taken.text) == [("email", "Email: another account has this email already; each person "
                                                   "signs in with an email of their own")]


def test_a_new_account_is_listed_and_can_sign_in_with_its_role(site: Site) -> None:
    admin = site.as_("admin")
    created = admin.post_form(NEW, NEW, {"name": "Dr Nova Reyes", "email": "Nova@Harbour.demo", "role": "reception",
                                         "password": GOOD_PASSWORD})
    stored = account(site, "nova@harbour.demo")
    assert created.headers["location"] == f"{USERS}?done=created&who={stored.id}"
    listed = admin.get(created.headers["location"]).text
    assert "The account of Dr Nova Reyes is created" in listed and "nova@harbour.demo" in listed
    assert stored.role == "reception" and stored.clinic_id == site.demo["clinic_id"] and stored.active
    nova = Browser(site.client())
    signed = nova.post_form("/sign-in", "/sign-in", {"email": "nova@harbour.demo", "password": GOOD_PASSWORD})
    assert signed.status_code == 303
    assert nova.get(USERS).status_code == 403


def test_a_deactivated_user_is_signed_out_of_their_open_pages_and_nothing_they_send_is_saved(site: Site) -> None:
    admin = site.as_("admin")
    temp = new_account(site, admin, "leaving@harbour.demo")
    leaving = Browser(site.client())
    assert leaving.post_form("/sign-in", "/sign-in", {"email": temp.email, "password": GOOD_PASSWORD}).status_code == 303
    form_page = leaving.get("/clinic/patients/new")
    assert form_page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page.text).group(1)  # type: ignore[union-attr]
    confirm = admin.get(f"{USERS}/{temp.id}/deactivate")
    assert confirm.status_code == 200 and "Deactivate Dr Temp Account?" in confirm.text and temp.email in confirm.text
    done = admin.post_form(f"{USERS}/{temp.id}/deactivate", f"{USERS}/{temp.id}/deactivate",
                           {"reason": "left the clinic today"})
    assert done.headers["location"] == f"{USERS}?done=deactivated&who={temp.id}"
    assert "Dr Temp Account is deactivated" in admin.get(done.headers["location"]).text
    assert not account(site, temp.email).active
    sent = leaving.client.post("/clinic/patients/new", follow_redirects=False, data={
        "csrf_token": token, "given_name": "Unsaved", "family_name": "Afterdeactivation",
        "birth_date": "1970-01-01", "sex": "female"})
    assert sent.status_code == 303 and sent.headers["location"] == "/sign-in"
    assert leaving.get("/sign-in").status_code == 200  # the cookie is forgotten: no loop back to the form
    assert "No patient matches" in admin.get("/clinic/patients?q=Afterdeactivation").text
    again = Browser(site.client()).post_form("/sign-in", "/sign-in", {"email": temp.email, "password": GOOD_PASSWORD})
    assert again.status_code == 400
    back = admin.post_form(f"{USERS}/{temp.id}/activate", USERS, {})
    assert back.headers["location"] == f"{USERS}?done=activated&who={temp.id}"
    assert account(site, temp.email).active
    assert Browser(site.client()).post_form("/sign-in", "/sign-in", {
        "email": temp.email, "password": GOOD_PASSWORD}).status_code == 303


def test_a_deactivation_asks_why_and_keeps_the_reason_in_the_audit_log(site: Site) -> None:
    admin = site.as_("admin")
    temp = new_account(site, admin, "reasoned@harbour.demo")
    page = f"{USERS}/{temp.id}/deactivate"
    for reason, problem in (("  ", "Reason: say why the account is deactivated (it is kept in the audit log)"),
                            ("x" * 501, "Reason: is too long or over more than one line (allowed: one line of at "
                                        "most 500 characters)")):
        answer = admin.post_form(page, page, {"reason": reason})
        assert answer.status_code == 422 and summary_links(answer.text) == [("reason", problem)]
        assert account(site, temp.email).active
    assert admin.post_form(page, page, {"reason": "moved to the Hill clinic"}).status_code == 303
    rows = audit_rows(admin.get(f"{AUDIT}?action=user.update").text)
    assert any("active true -> false; reason: moved to the Hill clinic" in row for row in rows)


def test_a_role_change_applies_from_the_users_next_page(site: Site) -> None:
    admin = site.as_("admin")
    temp = new_account(site, admin, "promoted@harbour.demo")
    promoted = Browser(site.client())
    promoted.post_form("/sign-in", "/sign-in", {"email": temp.email, "password": GOOD_PASSWORD})
    assert promoted.get(USERS).status_code == 403
    done = admin.post_form(f"{USERS}/{temp.id}/role", USERS, {"role": "admin"})
    assert done.headers["location"] == f"{USERS}?done=role&who={temp.id}"
    assert "Dr Temp Account is now Administrator" in admin.get(done.headers["location"]).text
    assert promoted.get(USERS).status_code == 200
    assert admin.post_form(f"{USERS}/{temp.id}/role", USERS, {"role": "reception"}).status_code == 303
    assert promoted.get(USERS).status_code == 403
    assert account(site, temp.email).role == "reception"


def test_an_unknown_role_is_a_form_error_on_that_accounts_control(site: Site) -> None:
    lee = account(site, EMAILS["clinician"])
    answer = site.as_("admin").post_form(f"{USERS}/{lee.id}/role", USERS, {"role": "superuser"})
    assert answer.status_code == 422
    [(target, text)] = summary_links(answer.text)
    assert target == f"role-{lee.id}" and text.startswith("Role: unknown role 'superuser' (allowed: admin")
    assert f'id="role-{lee.id}-error"' in answer.text
    assert account(site, EMAILS["clinician"]).role == "clinician"


def test_the_last_active_administrator_cannot_demote_or_deactivate_themselves(site: Site) -> None:
    admin = site.as_("admin")
    me = account(site, EMAILS["admin"])
    others = [u for u in users.list_users(site.uow_factory(), _admin_actor(site), limit=200).items
              if u.role == "admin" and u.active and u.id != me.id]
    for other in others:  # an administrator made by another test is demoted first, so that Ada is the last
        assert admin.post_form(f"{USERS}/{other.id}/role", USERS, {"role": "clinician"}).status_code == 303
    demoted = admin.post_form(f"{USERS}/{me.id}/role", USERS, {"role": "clinician"})
    assert demoted.status_code == 409
    [(target, text)] = summary_links(demoted.text)
    assert target == f"role-{me.id}"
    assert text.startswith("Role: cannot demote or deactivate yourself: the clinic would have no active administrator")
    gone = admin.post_form(f"{USERS}/{me.id}/deactivate", USERS, {"reason": "stepping down as administrator"})
    assert gone.status_code == 409
    [(target, text)] = summary_links(gone.text)
    assert target == "confirm" and text.startswith("Not deactivated: cannot demote or deactivate yourself")
    assert 'value="stepping down as administrator"' in gone.text
    stored = account(site, EMAILS["admin"])
    assert stored.role == "admin" and stored.active
    assert admin.get(USERS).status_code == 200


def _admin_actor(site: Site) -> Actor:
    return Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)


def test_another_clinics_account_is_not_found(site: Site) -> None:
    outsider = account(site, EMAILS["outsider"])
    admin = site.as_("admin")
    for path, fields in ((f"{USERS}/{outsider.id}/role", {"role": "reception"}),
                         (f"{USERS}/{outsider.id}/deactivate", {"reason": "probing another clinic"}),
                         (f"{USERS}/{outsider.id}/deactivate", {"reason": ""})):
        answer = admin.post_form(path, USERS, fields)
        assert answer.status_code == 404 and "Page not found" in answer.text
    assert admin.get(f"{USERS}/{outsider.id}/deactivate").status_code == 404
    stored = account(site, EMAILS["outsider"])
    assert stored.role == "clinician" and stored.active
    sign_in(site.client(), EMAILS["outsider"])  # still signs in


def test_administration_forms_without_their_csrf_token_are_refused(site: Site) -> None:
    admin = site.as_("admin")
    lee = account(site, EMAILS["clinician"])
    for path, fields in ((f"{USERS}/{lee.id}/deactivate", {"reason": "forged from another site"}),
                         (f"{USERS}/{lee.id}/role", {"role": "admin"}),
                         (NEW, {"name": "Forged", "email": "forged@harbour.demo", "role": "admin",
                                "password": GOOD_PASSWORD})):
        for token in (None, "0" * 64):
            data = fields if token is None else {"csrf_token": token, **fields}
            answer = admin.client.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403 and "This form was not accepted" in answer.text
    stored = account(site, EMAILS["clinician"])
    assert stored.active and stored.role == "clinician"
    assert "forged@harbour.demo" not in admin.get(USERS).text


def test_the_audit_log_is_searched_by_action_user_patient_and_days(site: Site) -> None:
    admin = site.as_("admin")
    lee = account(site, EMAILS["clinician"])
    patient_id = patients.list_patients(site.uow_factory(), _admin_actor(site), limit=1).items[0].id
    clinician = site.as_("clinician")
    assert clinician.get(f"/clinic/patients/{patient_id}").status_code == 200
    temp = new_account(site, admin, "audited@harbour.demo")
    admin.post_form(f"{USERS}/{temp.id}/role", USERS, {"role": "reception"})

    by_action = admin.get(f"{AUDIT}?action=user.update")
    assert by_action.status_code == 200
    rows = audit_rows(by_action.text)
    assert rows and all(" user.update " in f" {row} " for row in rows)
    assert any("role clinician -> reception" in row and "Ada Admin" in row for row in rows)

    by_user = audit_rows(admin.get(f"{AUDIT}?user={lee.id}").text)
    assert by_user and all(row.split(" UTC ")[0] and "Lee" in row for row in by_user)
    assert f'<option value="{lee.id}" selected>' in admin.get(f"{AUDIT}?user={lee.id}").text

    by_patient = audit_rows(admin.get(f"{AUDIT}?patient={patient_id}&action=patient.read").text)
    assert by_patient and all(patient_id in row and "patient.read" in row for row in by_patient)

    today = log_day(site)
    within = audit_rows(admin.get(f"{AUDIT}?action=user.update&since={today}&until={today}").text)
    assert any("role clinician -> reception" in row for row in within)
    # Ada's own changes: the demo's set-up (the clinicians' licences) is audited on the demo's past days.
    ada = account(site, EMAILS["admin"])
    before = admin.get(f"{AUDIT}?action=user.update&user={ada.id}&since=2000-01-01&until={today - timedelta(days=2)}")
    assert "No entry matches" in before.text
    after = admin.get(f"{AUDIT}?since={today + timedelta(days=1)}")
    assert after.status_code == 200 and "No entry matches" in after.text


def test_bad_audit_filters_are_named_in_the_form(site: Site) -> None:
    admin = site.as_("admin")
    backwards = admin.get(f"{AUDIT}?since=2026-12-05&until=2026-12-01")
    assert backwards.status_code == 422
    assert summary_links(backwards.text) == [("until", "To (UTC, inclusive): must be on or after the From date")]
    not_a_day = admin.get(f"{AUDIT}?since=2026-02-30&patient=" + "p" * 65)
    assert not_a_day.status_code == 422
    assert [t for t, _ in summary_links(not_a_day.text)] == ["patient"]
    bad_day = admin.get(f"{AUDIT}?since=2026-02-30")
    assert summary_links(bad_day.text)[0] == ("since", "From (UTC): enter a real date, day, month and year "
                                                       "(allowed: 01 Jan 1900 to 31 Dec 2199)")
    assert 'value="2026-02-30"' in bad_day.text
    cursor = admin.get(f"{AUDIT}?cursor=not-a-cursor")
    assert cursor.status_code == 422 and summary_links(cursor.text)[0][0] == "cursor"
    long_action = admin.get(f"{AUDIT}?action=" + "a" * 65)
    assert summary_links(long_action.text) == [("action", "Action: at most 64 characters")]
    position = admin.get(f"{USERS}?offset=minus-one")
    assert position.status_code == 422 and summary_links(position.text)[0][0] == "offset"


def test_the_audit_log_pages_back_by_its_cursor_keeping_the_filters(site: Site) -> None:
    admin = site.as_("admin")
    first = admin.get(f"{AUDIT}?since=2000-01-01").text
    link = re.search(r'href="(/clinic/admin/audit\?since=2000-01-01&amp;cursor=[^"]+)">Older entries', first)
    assert link, "the demo clinic's log has more than one page"
    second = admin.get(link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    first_ids = [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', first)]
    second_ids = [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', second.text)]
    assert len(first_ids) == 50 and second_ids and max(second_ids) < min(first_ids)


def test_the_audit_export_streams_the_services_csv_and_ndjson(site: Site) -> None:
    admin = site.as_("admin")
    today = log_day(site)
    page = admin.get(f"{AUDIT}?since={today}").text
    assert f'href="/clinic/admin/audit/export?format=csv&amp;since={today}&amp;until="' in page
    csv_answer = admin.get(f"{AUDIT}/export?format=csv&since={today}")
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["content-disposition"]
    lines = csv_answer.text.splitlines()
    assert lines[0] == ",".join(audit_export.COLUMNS)
    assert lines[-1].split(",")[5] == "audit.export"  # the export's own entry ends it
    ndjson = admin.get(f"{AUDIT}/export?format=ndjson&until={today - timedelta(days=3650)}")
    assert ndjson.status_code == 200 and ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert all(json.loads(line)["at"] < str(today) for line in ndjson.text.splitlines())
    refused = admin.get(f"{AUDIT}/export?format=csv&since=yesterday")
    assert refused.status_code == 422 and summary_links(refused.text)[0][0] == "since"
    unknown = admin.get(f"{AUDIT}/export?format=xlsx")
    assert unknown.status_code == 422
    assert summary_links(unknown.text) == [("format", "Export format: unknown format 'xlsx' (allowed: csv, ndjson)")]

