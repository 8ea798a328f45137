"""Renamed red flags keep their overrides (issue 10: intake keys keep their meaning).

safety.yaml 1.5 made the back-pain-only red flags (``lbp_malignancy``, ``lbp_infection``, ``lbp_fracture``,
``lbp_cauda_equina``) systemic, and split two of them. An override written against an old code, in an
intake file or a stored plan, answers the rules that took the code over (``former_codes``) instead of
being refused or dropped; it is shown under the current code.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from acupath.errors import InputError
from acupath.safety import apply_overrides, screen
from acupath.safety.findings import Override, ScreeningStatus
from strategies import build_intake

CLEARED = "MRI and oncology review clear, letter from Dr Patel on 2026-11-20"


def _screen(kb: Any, overrides: list[dict[str, Any]] = (), **sections: Any):  # type: ignore[assignment]
    return screen(build_intake(overrides=list(overrides), **sections), kb=kb)


def test_an_override_of_lbp_malignancy_answers_systemic_malignancy(kb) -> None:
    override = {"finding": "lbp_malignancy", "reason": CLEARED, "by": "Dr Lee", "on": "2026-11-21"}
    result = _screen(kb, [override], history={"cancer": True})
    finding = next(f for f in result.findings if f.code == "systemic_malignancy")
    assert not finding.in_force
    assert finding.override is not None and finding.override.finding == "systemic_malignancy"
    assert finding.override.reason == CLEARED
    assert not result.blocks_planning


def test_an_override_of_a_split_code_answers_every_rule_that_took_it_over(kb) -> None:
    override = {"finding": "lbp_infection", "reason": "Bloods and MRI normal, reviewed by GP 2026-11-18", "by": "Dr Lee"}
    result = _screen(kb, [override], red_flag_answers={"fever": True}, history={"immunosuppression": True})
    answered = {f.code: f.in_force for f in result.findings if f.code in ("systemic_infection", "back_infection_risk")}
    assert answered == {"systemic_infection": False, "back_infection_risk": False}


def test_a_former_code_of_an_urgent_flag_still_meets_the_urgent_rule(kb) -> None:
    override = {"finding": "lbp_cauda_equina", "reason": "cleared by phone", "by": "Dr Lee"}
    with pytest.raises(InputError) as error:
        _screen(kb, [override], red_flag_answers={"saddle_anaesthesia": True})
    assert error.value.field == "overrides[0].reason"


def test_a_stored_override_under_a_former_code_is_kept_when_the_plan_is_screened_again(kb) -> None:
    screening = _screen(kb, history={"cancer": True})
    assert screening.status == ScreeningStatus.REFERRAL
    kept = [Override(finding="lbp_malignancy", reason=CLEARED, by="Dr Lee")]
    again = apply_overrides(screening, (), kept=kept)
    finding = next(f for f in again.findings if f.code == "systemic_malignancy")
    assert finding.override is not None and finding.override.finding == "systemic_malignancy"
    assert not again.blocks_planning


def test_a_former_code_with_no_finding_is_refused_naming_the_field(kb) -> None:
    override = {"finding": "lbp_fracture", "reason": "DEXA normal, no trauma, GP letter 2026-11-02", "by": "Dr Lee"}
    with pytest.raises(InputError) as error:
        _screen(kb, [override])
    assert error.value.field == "overrides[0].finding"


def test_every_former_code_is_retired(kb) -> None:
    current = {rule.code for rule in kb.safety.rules}
    former = {code for rule in kb.safety.rules for code in rule.former_codes}
    assert former and not former & current


def test_the_schema_refuses_a_former_code_that_a_rule_still_carries(kb) -> None:
    data = kb.safety.model_dump(by_alias=True, exclude_none=True)
    data["rules"][0]["former_codes"] = [data["rules"][1]["code"]]
    with pytest.raises(ValidationError, match="former code"):
        type(kb.safety).model_validate(data)
