"""Charting a session through its page (TestClient, demo clinic); the adverse event and reassessment
forms are ``test_follow_up_forms``.

Each plan charted here is a fresh patient's, made through the services on the module's database: a
plain low back pain plan with electroacupuncture, one whose screening excludes the left lower back (a
tumour site), one whose patient has a pacemaker (no electroacupuncture), and one whose patient's
later intake found a red flag (referral). The forms are posted as a browser would: every control of
the page's form with the values it shows, then the changes of the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from web_world import Browser, Site

from acupath.services import intakes, patients, plans, sessions
from acupath.services.actor import Actor, Role
from acupath.services.records import PlanRecord
from strategies import base_intake_data

#: The pages' clock in these tests (``conftest.py`` sets it; ``fresh`` checks it is this day).
TODAY = date(2026, 12, 1)
START = TODAY - timedelta(days=14)
URGENT_REASON = "Saddle sensation retested normal by Dr Lee today; GP confirms no cauda equina signs."


class FormFields(HTMLParser):
    """The fields a browser would send for the form posting to ``action``: ticked boxes, chosen options."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect each control's value (checkboxes and radios only when checked)."""
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        """Close the open select, textarea or form."""
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data: str) -> None:
        """A textarea's text is its value."""
        if self._textarea:
            self.fields[self._textarea] += data


def form_of(html: str, action: str) -> dict[str, str]:
    """Return the fields of the page's form posting to ``action``, as a browser would send them."""
    parser = FormFields(action)
    parser.feed(html)
    return {name: unescape(value) for name, value in parser.fields.items()}


def clinician(site: Site) -> Actor:
    """Return the demo clinician as an ``Actor`` (to read and set up records through the services)."""
    return Actor(user_id="charting-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)


def fresh_plan(site: Site, **sections: Any) -> PlanRecord:
    """Register a patient and make a low back pain plan from an intake with ``sections`` merged in."""
    actor, kb = clinician(site), site.app.state.acupath.kb
    patient = patients.register_patient(site.uow_factory(), actor, {
        "given_name": "Chart", "family_name": "Tester", "birth_date": "1990-03-04", "sex": "female"})
    data = base_intake_data()
    del data["patient"]
    data["schedule"]["start"] = START.isoformat()
    data["pain"]["radiating_leg_pain"] = True
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    intake = intakes.record_intake(site.uow_factory(), actor, patient.id, data, kb)
    intakes.screen_intake(site.uow_factory(), actor, intake.id, kb, today=TODAY)
    return plans.create_plan(site.uow_factory(), actor, intake.id, kb, today=TODAY)


def given(site: Site, plan: PlanRecord) -> list[Any]:
    """Return the plan's sessions as stored."""
    return sessions.list_sessions(site.uow_factory(), clinician(site), plan.id, limit=200).items


def new_session(plan: PlanRecord) -> str:
    """Return the charting page's address."""
    return f"/clinic/plans/{plan.id}/sessions/new"


def chart(browser: Browser, plan: PlanRecord, **changes: str | None) -> Any:
    """Post the charting form as shown, with ``changes`` (None removes a field); return the response."""
    page = browser.get(new_session(plan)).text
    fields = form_of(page, new_session(plan))
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return browser.client.post(new_session(plan), data=fields, follow_redirects=False)


@dataclass
class Plans:
    """The fresh plans of this module."""

    plain: PlanRecord
    tumour: PlanRecord
    pacemaker: PlanRecord


@pytest.fixture(scope="module")
def fresh(site: Site) -> Plans:
    """A plain plan, one excluding the left lower back, one without electroacupuncture."""
    assert site.app.state.acupath.clock().date() == TODAY
    return Plans(plain=fresh_plan(site), tumour=fresh_plan(site, safety={"tumour_sites": ["left_lower_back"]}),
                 pacemaker=fresh_plan(site, safety={"implanted_electronic_device": True}))


def test_the_first_session_is_pre_filled_from_the_plan(site: Site) -> None:
    record = fresh_plan(site)
    plan = record.plan
    page = site.as_("clinician").get(new_session(record))
    assert page.status_code == 200
    fields = form_of(page.text, new_session(record))
    assert "Pre-filled from the plan" in page.text
    needled = [p for p in plan["points"] if p["technique"] == "needle"]
    assert [(fields[f"points.{i}.code"], fields[f"points.{i}.side"]) for i in range(len(needled))] == [
        (p["code"], p["side"]) for p in needled]
    assert all(fields[f"points.{i}.given"] == "true" for i in range(len(needled)))
    assert fields[f"points.{len(needled)}.code"] == ""  # then empty rows to add points
    ea = plan["electroacupuncture"]
    assert fields["stimulation.kind"] == "electro"
    assert float(fields["stimulation.frequency_hz"]) == float(ea["frequency_hz"].split("/")[0])
    assert fields["stimulation.waveform"] == ("dense_disperse" if "/" in ea["frequency_hz"] else "continuous")
    assert float(fields["stimulation.intensity_ma"]) == ea["intensity_ma"][0]
    assert int(fields["stimulation.minutes"]) == ea["duration_min"][0]
    pairs = [(fields[f"stimulation.electrode_pairs.{i}.0.code"], fields[f"stimulation.electrode_pairs.{i}.1.code"],
              fields[f"stimulation.electrode_pairs.{i}.0.side"]) for i in range(len(ea["pairs"]))]
    assert pairs == [tuple(pair) for pair in ea["pairs"]]
    assert int(fields["retention_minutes"]) == min(r["minutes"][0] for r in plan["retention"])
    assert fields["session_date"] == TODAY.isoformat()


def test_the_next_session_carries_forward_what_was_given_not_the_plan(site: Site) -> None:
    record = fresh_plan(site)
    browser = site.as_("clinician")
    planned = [p for p in record.plan["points"] if p["technique"] == "needle"]
    response = chart(browser, record, **{
        "points.2.given": None, "retention_minutes": "33", "face_to_face_minutes": "35",
        "stimulation.intensity_ma": "4.5",
        "needle.length_mm": "40", "needle.diameter_mm": "0.25", "needle.material": "stainless steel",
        "pain_before": "6", "pain_after": "3", "session_date": (TODAY - timedelta(days=1)).isoformat()})
    assert response.status_code == 303, unescape(response.text)
    assert response.headers["location"] == f"/clinic/plans/{record.id}?recorded=session&number=1"
    stored = given(site, record)
    assert len(stored) == 1 and planned[2]["code"] not in [p.code for p in stored[0].points]
    assert stored[0].face_to_face_minutes == 35
    confirmation = browser.get(response.headers["location"]).text
    assert "Session 1 is recorded." in confirmation

    page = browser.get(new_session(record)).text
    fields = form_of(page, new_session(record))
    assert "Carried forward from session 1" in page
    carried = [(p.code, p.side) for p in stored[0].points]
    assert [(fields[f"points.{i}.code"], fields[f"points.{i}.side"]) for i in range(len(carried))] == carried
    assert planned[2]["code"] not in [fields[f"points.{i}.code"] for i in range(len(carried))]
    assert fields["retention_minutes"] == "33" and fields["stimulation.intensity_ma"] == "4.5"
    assert "face_to_face_minutes" not in fields or fields["face_to_face_minutes"] == ""  # each session's own time
    assert fields["needle.length_mm"] == "40" and fields["needle.material"] == "stainless steel"
    assert fields["session_date"] == TODAY.isoformat()
    assert "Chart session 2" in page


def test_a_point_typed_in_any_empty_row_is_needled(site: Site) -> None:
    # Every empty row is shown ticked: a point typed in the last one was dropped without a word when
    # only the first few empty rows were ticked.
    record = fresh_plan(site)
    browser = site.as_("clinician")
    fields = form_of(browser.get(new_session(record)).text, new_session(record))
    empty = [i for i in range(100) if f"points.{i}.code" in fields and not fields[f"points.{i}.code"]]
    assert empty and all(fields.get(f"points.{i}.given") == "true" for i in empty)
    response = chart(browser, record, **{f"points.{empty[-1]}.code": "ST36", f"points.{empty[-1]}.side": "left",
                                         "pain_before": "5", "pain_after": "3"})
    assert response.status_code == 303, unescape(response.text)
    assert ("ST36", "left") in [(p.code, p.side) for p in given(site, record)[0].points]


ERRORS = [
    ({"session_date": (TODAY + timedelta(days=1)).isoformat()}, "session_date", "after today"),
    ({"session_date": (START - timedelta(days=1)).isoformat()}, "session_date", "before"),
    ({"session_date": "31/12/2026"}, "session_date", "date"),
    ({"style": ""}, "style", "Style"),
    ({"rationale": ""}, "rationale", "Rationale"),
    ({"points.0.code": "XX999"}, "points.0.code", "XX999"),
    ({"points.1.side": ""}, "points.1.side", "Point row 2"),
    ({"points.0.given": None, "points.2.code": "XX999"}, "points.2.code", "Point row 3"),  # rows left out count
    ({"stimulation.electrode_pairs.0.1.side": ""}, "stimulation.electrode_pairs.0.1.side", "Electrode pair 1"),
    ({"pain_before": "11"}, "pain_before", "10"),
    ({"pain_after": "-1"}, "pain_after", "0"),
    ({"retention_minutes": "0"}, "retention_minutes", "1"),
    ({"face_to_face_minutes": "241"}, "face_to_face_minutes", "240"),
    ({"stimulation.frequency_hz": "500"}, "stimulation.frequency_hz", "200"),
    ({"stimulation.intensity_ma": None}, "stimulation", "intensity_ma"),
    ({"stimulation.electrode_pairs.0.1.side": "right"}, "stimulation.electrode_pairs.0", "standing rule"),
    ({"stimulation.electrode_pairs.0.1.code": "ST36"}, "stimulation.electrode_pairs.0.1.code", "no needle"),
    ({"needle.diameter_mm": "3"}, "needle.diameter_mm", "1"),
    ({"overrides.0.reason": "Discussed with the patient, who consents"}, "overrides.0.finding", "Override 1"),
]


@pytest.mark.parametrize(("changes", "field", "said"), ERRORS, ids=[e[1] + "-" + e[2] for e in ERRORS])
def test_each_bad_field_is_named_beside_its_box_and_nothing_is_stored(
        site: Site, fresh: Plans, changes: dict[str, str | None], field: str, said: str) -> None:
    before = len(given(site, fresh.plain))
    response = chart(site.as_("clinician"), fresh.plain, **changes)
    assert response.status_code == 422
    page = unescape(response.text)
    named = [line for line in page.split("\n") if f'class="field-error" id="{field}-error"' in line]
    assert named, f"no error beside {field}"
    assert said in " ".join(named)
    assert f'href="#{field}' in page  # the summary links to the box
    assert f'id="{field}' in page.replace(f'id="{field}-error"', "")
    assert len(given(site, fresh.plain)) == before
    for name, value in changes.items():  # nothing typed is lost
        if value:
            assert form_of(response.text, new_session(fresh.plain)).get(name) == value


def test_a_point_in_an_excluded_region_is_refused_beside_its_row(site: Site, fresh: Plans) -> None:
    page = site.as_("clinician").get(new_session(fresh.tumour)).text
    row = sum(1 for name, value in form_of(page, new_session(fresh.tumour)).items()
              if name.endswith(".code") and name.startswith("points.") and value)
    response = chart(site.as_("clinician"), fresh.tumour, **{
        f"points.{row}.code": "BL25", f"points.{row}.side": "left", f"points.{row}.given": "true"})
    assert response.status_code == 422
    text = unescape(response.text)
    error = text[text.index(f'id="points.{row}.code-error"'):]
    assert "tumour_site_regions" in error[:error.index("</p>")] and "left_lower_back" in error[:error.index("</p>")]
    assert given(site, fresh.tumour) == []


def test_electroacupuncture_withheld_by_a_finding_is_refused_at_the_stimulation(site: Site, fresh: Plans) -> None:
    assert fresh.pacemaker.plan["modality"]["primary"] == "manual"
    response = chart(site.as_("clinician"), fresh.pacemaker, **{
        "stimulation.kind": "electro", "stimulation.frequency_hz": "2", "stimulation.intensity_ma": "3",
        "stimulation.minutes": "20", "stimulation.electrode_pairs.0.0.code": "BL23",
        "stimulation.electrode_pairs.0.0.side": "left", "stimulation.electrode_pairs.0.1.code": "BL25",
        "stimulation.electrode_pairs.0.1.side": "left"})
    assert response.status_code == 422
    text = unescape(response.text)
    for field in ("stimulation.kind", "stimulation.electrode_pairs.0"):
        error = text[text.index(f'id="{field}-error"'):]
        assert "ea_implanted_device" in error[:error.index("</p>")]
    assert given(site, fresh.pacemaker) == []


def test_a_referral_found_since_the_plan_stops_charting_until_it_is_overridden(site: Site) -> None:
    plan = fresh_plan(site)
    actor, kb = clinician(site), site.app.state.acupath.kb
    data = base_intake_data()
    del data["patient"]
    data["schedule"]["start"] = START.isoformat()
    data["red_flag_answers"] = {"saddle_anaesthesia": True}
    later = intakes.record_intake(site.uow_factory(), actor, plan.patient_id, data, kb)
    intakes.screen_intake(site.uow_factory(), actor, later.id, kb, today=TODAY)
    browser = site.as_("clinician")
    page = unescape(browser.get(new_session(plan)).text)
    assert 'class="referral-block" role="alert"' in page and "systemic_cauda_equina_or_myelopathy" in page
    refused = chart(browser, plan)
    assert refused.status_code == 422
    text = unescape(refused.text)
    error = text[text.index('id="overrides-error"'):]
    assert "Referral" in error[:error.index("</p>")] and "systemic_cauda_equina_or_myelopathy" in error
    assert given(site, plan) == []
    accepted = chart(browser, plan, **{"overrides.0.finding": "systemic_cauda_equina_or_myelopathy",
                                       "overrides.0.reason": URGENT_REASON})
    assert accepted.status_code == 303, unescape(accepted.text)
    assert given(site, plan)[0].overrides == [{"finding": "systemic_cauda_equina_or_myelopathy",
                                               "reason": URGENT_REASON}]


def test_a_form_without_its_csrf_token_is_refused_and_nothing_stored(site: Site, fresh: Plans) -> None:
    browser = site.as_("clinician")
    fields = form_of(browser.get(new_session(fresh.pacemaker)).text, new_session(fresh.pacemaker))
    del fields["csrf_token"]
    for path in (new_session(fresh.pacemaker), f"/clinic/plans/{fresh.pacemaker.id}/adverse-events/new",
                 f"/clinic/plans/{fresh.pacemaker.id}/reassessments/new"):
        assert browser.client.post(path, data=fields, follow_redirects=False).status_code == 403
    assert given(site, fresh.pacemaker) == []


PAGES = ("sessions/new", "adverse-events/new", "reassessments/new")


@pytest.mark.parametrize("page", PAGES)
def test_reception_gets_403_and_another_clinic_404_on_each_page(site: Site, fresh: Plans, page: str) -> None:
    path = f"/clinic/plans/{fresh.plain.id}/{page}"
    reception = site.as_("reception")
    assert reception.get(path).status_code == 403
    assert reception.post_form(path, "/clinic/today", {"session_date": TODAY.isoformat()}).status_code == 403
    outsider = site.as_("outsider")
    assert outsider.get(path).status_code == 404
    assert outsider.post_form(path, "/clinic/today", {"session_date": TODAY.isoformat()}).status_code == 404


def test_the_plan_page_and_the_chart_link_to_the_three_forms(site: Site, fresh: Plans) -> None:
    browser = site.as_("clinician")
    for page in (f"/clinic/plans/{fresh.plain.id}", f"/clinic/patients/{fresh.plain.patient_id}"):
        text = browser.get(page).text
        for form, words in zip(PAGES, ("Chart a session", "Record an adverse event", "Record a reassessment"),
                               strict=True):
            assert f'href="/clinic/plans/{fresh.plain.id}/{form}">{words}</a>' in text


def test_a_refused_date_is_described_by_its_hint_and_its_error(site: Site, fresh: Plans) -> None:
    response = chart(site.as_("clinician"), fresh.plain, session_date=(TODAY + timedelta(days=1)).isoformat())
    box = response.text[response.text.index('<input id="session_date"'):]
    box = box[:box.index(">")]
    assert 'aria-invalid="true"' in box and box.count("aria-describedby") == 1
    assert 'aria-describedby="session_date-hint session_date-error"' in box


def test_no_non_responder_badge_before_the_plans_first_checkpoint(site: Site) -> None:
    # After one session without relief the chart and today's list said "Non-responder": the plan
    # expects a response by sessions 4-6 and judges it at its first checkpoint.
    record = fresh_plan(site)
    browser = site.as_("clinician")
    done = chart(browser, record, pain_before="7", pain_after="7", session_date=(TODAY - timedelta(days=1)).isoformat())
    assert done.status_code == 303, unescape(done.text)
    page = unescape(browser.get(f"/clinic/patients/{record.patient_id}").text)
    first = min(s["number"] for s in record.plan["sessions"] if s.get("checkpoint"))
    assert f"Too early to judge: the first checkpoint is at session {first}" in page
    assert "Non-responder" not in page
