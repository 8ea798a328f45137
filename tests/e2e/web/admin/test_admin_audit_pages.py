"""The audit log page: searched by action, user, patient and days, bad filters named in the form, paged back
by its cursor, and exported as the services' CSV and NDJSON."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from admin_world import (
    AUDIT,
    USERS,
    account,
    admin_actor,
    audit_rows,
    log_day,
    new_account,
    summary_links,
)
from web_world import Site

from acupath.services import audit_export, patients
from acupath.services.patient_actor import PatientActor
from acupath.services.portal import own_record
from web_clinic import EMAILS


def test_the_audit_log_is_searched_by_action_user_patient_and_days(site: Site) -> None:
    admin = site.as_("admin")
    lee = account(site, EMAILS["clinician"])
    patient_id = patients.list_patients(site.uow_factory(), admin_actor(site), limit=1).items[0].id
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
    assert "/clinic/admin/audit/export" not in backwards.text  # no "entries from 5 Dec to 1 Dec" to export
    assert "/clinic/admin/audit/export" in admin.get(AUDIT).text
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


def test_a_patients_own_portal_read_is_shown_as_the_patient_not_an_id(site: Site) -> None:
    patient = patients.list_patients(site.uow_factory(), admin_actor(site), limit=1).items[0]
    own_record.portal_patient(site.uow_factory(), PatientActor(patient.id, site.demo["clinic_id"]))
    page = site.as_("admin").get(f"{AUDIT}?action=portal.patient_read").text
    rows = audit_rows(page)
    assert rows and all("The patient, on the portal" in row for row in rows)
    assert f"patient:{patient.id}" not in page
