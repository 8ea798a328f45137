"""The administration pages' accounts: create with the password policy, role, deactivate and activate, the
last administrator kept; 403 to clinicians and reception, 404 for another clinic's account, forms refused
without their CSRF token."""

from __future__ import annotations

import html
import re

from admin_world import (
    AUDIT,
    GOOD_PASSWORD,
    NEW,
    USERS,
    account,
    admin_actor,
    audit_rows,
    new_account,
    summary_links,
)
from web_world import Browser, Site, sign_in

from acupath.services import users
from web_clinic import EMAILS


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
                            ("x" * 401, "Reason: is too long or over more than one line (allowed: one line of at "
                                        "most 400 characters)")):
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
    others = [u for u in users.list_users(site.uow_factory(), admin_actor(site), limit=200).items
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
