"""The screening page's scores: a questionnaire without a total (the KOOS) shows its subscales, one
without bands a dash, never a blank cell."""

from __future__ import annotations

import re
from html import unescape

from test_intake_pages import a_new_patient
from web_world import Site

from acupath.services import intakes
from acupath.services.actor import Actor, Role
from example_records import example_intake

NO_PROBLEMS = {f"{part}{i}": 0 for part, count in (("P", 9), ("S", 7), ("A", 17), ("SP", 5), ("Q", 4))
               for i in range(1, count + 1)}


def test_the_koos_shows_its_subscales_and_no_cell_is_blank(site: Site) -> None:
    clinician = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    answers = example_intake("knee_osteoarthritis")
    answers["questionnaires"] = {**answers.get("questionnaires", {}), "koos": NO_PROBLEMS}
    kb = site.app.state.acupath.kb
    intake = intakes.record_intake(site.uow_factory(), clinician, a_new_patient(site), answers, kb)
    intakes.screen_intake(site.uow_factory(), clinician, intake.id, kb)
    page = unescape(site.as_("clinician").get(f"/clinic/intakes/{intake.id}").text)
    table = page[page.index('id="scores-h"'):page.index('id="findings-h"')]
    rows = {re.sub(r"<[^>]+>", "", row.split("</td>")[0]).strip(): row for row in table.split("<tr>")[2:]}
    koos = next(row for name, row in rows.items() if "KOOS" in name or "Knee injury" in name)
    assert "Pain 100" in koos and "Symptoms 100" in koos
    assert "<td></td>" not in table
