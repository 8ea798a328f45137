"""Recording an adverse event and a reassessment through their own pages (TestClient, demo clinic).

The plans and the posting helpers are ``test_session_charting``'s: each form is posted as a browser
would, every control with the value it shows, then the changes of the test.
"""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from test_session_charting import TODAY, Plans, chart, clinician, form_of, fresh, fresh_plan, given  # noqa: F401  (fresh: the fixture)
from web_world import Site

from acupath.services import patient_records


def test_an_adverse_event_after_a_session_is_recorded_from_its_own_form(site: Site) -> None:
    plan = fresh_plan(site)
    browser = site.as_("clinician")
    response = chart(browser, plan, adverse_event_next="true")
    session = given(site, plan)[0]
    assert response.headers["location"] == f"/clinic/plans/{plan.id}/adverse-events/new?session={session.id}"
    path = f"/clinic/plans/{plan.id}/adverse-events/new"
    fields = form_of(browser.get(response.headers["location"]).text, path)
    assert fields["session_id"] == session.id and fields["occurred_on"] == TODAY.isoformat()
    events = lambda: patient_records.list_adverse_events(site.uow_factory(), clinician(site),  # noqa: E731
                                                         plan.patient_id).items
    for changes, field in (({"type": "bruising", "severity": "mild"}, "outcome"),
                           ({"severity": "mild", "outcome": "resolved"}, "type"),
                           ({"type": "bruising", "severity": "mild", "outcome": "resolved",
                             "occurred_on": (session.session_date - timedelta(days=1)).isoformat()}, "occurred_on")):
        refused = browser.client.post(path, data={**fields, **changes}, follow_redirects=False)
        assert refused.status_code == 422 and f'id="{field}-error"' in refused.text
        assert events() == []
    done = browser.client.post(path, data={**fields, "type": "bruising", "severity": "mild", "outcome": "resolved",
                                           "description": "small bruise at LI4"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/clinic/plans/{plan.id}?recorded=adverse-event"
    [event] = events()
    assert (event.session_id, event.type, event.severity, event.occurred_on) == (session.id, "bruising", "mild", TODAY)
    assert "The adverse event is recorded." in browser.get(done.headers["location"]).text


def test_a_reassessment_is_scored_from_the_plans_questionnaires(site: Site, fresh: Plans) -> None:  # noqa: F811
    browser = site.as_("clinician")
    path = f"/clinic/plans/{fresh.plain.id}/reassessments/new"
    page = browser.get(path).text
    wanted = list(dict.fromkeys(i for v in fresh.plain.plan["sessions"] for i in v["reassess"]))
    shown = [i for i in wanted if f'id="questionnaires.{i}"' in page]
    assert shown, "the plan's questionnaires should be on the page"
    kb = site.app.state.acupath.kb
    instrument = next(kb.instruments[i] for i in shown if all(it.kind == "choice" for it in kb.instruments[i].items))
    fields = form_of(page, path)
    answers = {f"questionnaires.{instrument.id}.{item.key}": str(instrument.option_sets[item.options][0].answer)
               for item in instrument.items}
    reassessments = lambda: patient_records.list_reassessments(  # noqa: E731
        site.uow_factory(), clinician(site), fresh.plain.patient_id).items
    before = len(reassessments())
    for changes, field in (({}, "questionnaires"),
                           ({**answers, "assessed_on": (TODAY + timedelta(days=1)).isoformat()}, "assessed_on"),
                           ({**answers, f"questionnaires.{instrument.id}.{instrument.items[0].key}": "99"},
                            f"questionnaires.{instrument.id}.{instrument.items[0].key}")):
        refused = browser.client.post(path, data={**fields, **changes}, follow_redirects=False)
        assert refused.status_code == 422 and f'id="{field}-error"' in refused.text, field
        assert len(reassessments()) == before
    done = browser.client.post(path, data={**fields, **answers}, follow_redirects=False)
    assert done.status_code == 303
    stored = reassessments()[-1]
    assert stored.plan_id == fresh.plain.id and set(stored.scores) == {instrument.id}
    assert stored.scores[instrument.id]["total"] is not None


def test_a_reassessment_records_the_pain_nrs_the_plan_reassesses_with(site: Site, fresh: Plans) -> None:  # noqa: F811
    # Every condition reassesses with the pain NRS, a number item: the form offered no box for it.
    browser = site.as_("clinician")
    path = f"/clinic/plans/{fresh.plain.id}/reassessments/new"
    page = browser.get(path).text
    assert '<input type="number" class="small-number" id="questionnaires.nrs.nrs"' in page
    fields = form_of(page, path)
    refused = browser.client.post(path, data={**fields, "questionnaires.nrs.nrs": "11"}, follow_redirects=False)
    assert refused.status_code == 422 and 'id="questionnaires.nrs.nrs-error"' in refused.text
    assert 'id="questionnaires.nrs.nrs" name="questionnaires.nrs.nrs" value="11"' in refused.text
    done = browser.client.post(path, data={**fields, "questionnaires.nrs.nrs": "4"}, follow_redirects=False)
    assert done.status_code == 303, unescape(done.text)
    stored = patient_records.list_reassessments(site.uow_factory(), clinician(site), fresh.plain.patient_id).items[-1]
    assert stored.scores["nrs"]["total"] == 4
