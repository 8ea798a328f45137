"""The opioid-sparing outcome (seed 004): MME per day at baseline (the intake) and now (reassessments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from acupath.cli.intake import read_intake
from acupath.errors import InputError
from acupath.outcomes import evaluate, parse_records
from acupath.outcomes.opioids import OpioidUse, describe, opioid_use
from acupath.planning import build_plan
from acupath.safety import screen

ROOT = Path(__file__).resolve().parents[3]
INTAKE = ROOT / "examples/intakes/chronic_low_back_pain_opioids.yaml"
RECORDS = ROOT / "examples/records/chronic_low_back_pain_opioid_sparing.yaml"


@pytest.fixture(scope="module")
def opioid_plan(kb):
    intake = read_intake(INTAKE)
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def _reassessment(**extra: Any) -> dict[str, Any]:
    return {"reassessments": [{"date": "2026-12-18", "session": 6, **extra}]}


def test_the_plan_baseline_carries_the_intakes_mme(opioid_plan) -> None:
    assert opioid_plan.baseline["opioid_mme_per_day"] == 40.0
    assert opioid_plan.to_dict()["baseline"]["opioid_mme_per_day"] == 40.0


def test_the_example_tapers_from_40_to_15_mme_a_day(kb, opioid_plan) -> None:
    progress = evaluate(opioid_plan, *parse_records(yaml.safe_load(RECORDS.read_text())), kb=kb)
    assert progress.opioids == OpioidUse(baseline=40.0, current=15.0, measured_at_session=12, change=-25.0,
                                         percent_change=-62.5)
    assert progress.to_dict()["opioids"]["change"] == -25.0
    assert describe(progress.opioids) == "Opioid MME/day: 40 at baseline -> 15 at session 12 (-25, -62%)"


def test_a_reassessment_reads_a_medication_list_or_a_number() -> None:
    listed = parse_records(_reassessment(medications=[
        {"name": "morphine", "class": "opioid", "opioid": {"mme_per_day": 12}},
        {"name": "naproxen", "class": "nsaid"}]))[1]
    assert listed[0].opioid_mme_per_day == 12.0
    assert parse_records(_reassessment(medications=[]))[1][0].opioid_mme_per_day == 0.0
    assert parse_records(_reassessment(opioid_mme_per_day=7.5))[1][0].opioid_mme_per_day == 7.5
    assert parse_records(_reassessment())[1][0].opioid_mme_per_day is None


@pytest.mark.parametrize(("extra", "field"), [
    ({"medications": [{"name": "morphine", "class": "opioid"}]}, "reassessments[0].medications[0].opioid"),
    ({"medications": [{"name": "x", "class": "painkiller"}]}, "reassessments[0].medications[0].class"),
    ({"opioid_mme_per_day": -5}, "reassessments[0].opioid_mme_per_day"),
    ({"opioid_mme_per_day": "20"}, "reassessments[0].opioid_mme_per_day"),
    ({"opioid_mme_per_day": True}, "reassessments[0].opioid_mme_per_day"),
    ({"opioid_mme_per_day": 5, "medications": []}, "reassessments[0]"),
])
def test_a_bad_reassessment_entry_is_refused_naming_its_field(extra: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as error:
        parse_records(_reassessment(**extra))
    assert error.value.field == field


class _Measured:
    def __init__(self, session: int, mme: float | None) -> None:
        self.session, self.opioid_mme_per_day = session, mme


def test_the_latest_reassessment_with_an_mme_is_the_current_value() -> None:
    use = opioid_use({"opioid_mme_per_day": 60.0}, [_Measured(3, 45.0), _Measured(6, 30.0), _Measured(9, None)])
    assert use == OpioidUse(60.0, 30.0, 6, -30.0, -50.0)


def test_a_rise_is_reported_as_a_positive_change() -> None:
    assert opioid_use({"opioid_mme_per_day": 20.0}, [_Measured(6, 30.0)]).change == 10.0


def test_no_percent_from_a_zero_baseline() -> None:
    use = opioid_use({"opioid_mme_per_day": 0.0}, [_Measured(6, 10.0)])
    assert use.change == 10.0 and use.percent_change is None
    assert describe(use) == "Opioid MME/day: 0 at baseline -> 10 at session 6 (+10)"


def test_without_a_baseline_the_current_value_is_still_shown() -> None:
    use = opioid_use({"nrs": 6.0}, [_Measured(6, 10.0)])
    assert use == OpioidUse(None, 10.0, 6, None, None)
    assert describe(use) == "Opioid MME/day: not recorded at baseline -> 10 at session 6"


def test_a_baseline_without_a_reassessment_says_none_recorded_yet() -> None:
    use = opioid_use({"opioid_mme_per_day": 40.0}, [])
    assert use == OpioidUse(40.0, None, None, None, None)
    assert "no reassessment has recorded it yet" in describe(use)


def test_nothing_to_report_without_any_mme() -> None:
    assert opioid_use({"nrs": 6.0}, [_Measured(6, None)]) is None
