"""Urgent overrides are governed (issue 10, item 5): one rule, in ``acupath.safety.overrides``.

Every override needs a reason that says why ("ok", "n/a", "cleared" or a key held down are refused); an
urgent finding also needs a longer reason, the clearing clinician (``by``) and the date (``on``), never
after the screening day. The error names the field (``overrides[0].reason``) and what is allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.errors import InputError
from acupath.safety import apply_overrides, screen
from acupath.safety.findings import Override, ScreeningStatus
from strategies import START, build_intake, intake_data

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
URGENT = {"red_flag_answers": {"saddle_anaesthesia": True}}
URGENT_CODE = "systemic_cauda_equina_or_myelopathy"
GOOD_URGENT = "Emergency MRI 2026-11-20 excluded cauda equina compression (ED letter on file)"
#: Reasons the issue says must be refused, whatever the finding.
REFUSED = ["ok", "OK.", "fine", "n/a", "N/A", "cleared", "Cleared!", "aaaaaaaaaaaaaaaa", "x x x x x x x x",
           "ok ok ok ok ok ok", "fine, cleared, ok", "......", "n/a n/a n/a n/a", "yes", "short"]


def _override(**fields: Any) -> dict[str, Any]:
    return {"finding": URGENT_CODE, "reason": GOOD_URGENT, "by": "Dr Lee", "on": "2026-11-30"} | fields


def _error(kb: Any, override: dict[str, Any], **sections: Any) -> InputError:
    with pytest.raises(InputError) as error:
        screen(build_intake(overrides=[override], **(sections or URGENT)), kb=kb)
    return error.value


def test_an_urgent_finding_overridden_with_reason_by_and_on_stands_overridden_and_shown(kb) -> None:
    result = screen(build_intake(overrides=[_override()], **URGENT), kb=kb)
    finding = result.findings[0]
    assert finding.code == URGENT_CODE and not finding.in_force
    assert finding.to_dict()["override"] == {"reason": GOOD_URGENT, "by": "Dr Lee", "on": "2026-11-30"}
    assert result.status == ScreeningStatus.PROCEED


@pytest.mark.parametrize("reason", REFUSED)
def test_ok_style_reasons_are_refused_for_urgent_findings(kb, reason) -> None:
    error = _error(kb, _override(reason=reason))
    assert error.field == "overrides[0].reason"
    assert "'ok'" in (error.allowed or "") and "20 characters" in (error.allowed or "")


@pytest.mark.parametrize("reason", REFUSED)
def test_ok_style_reasons_are_refused_for_any_finding(kb, reason) -> None:
    override = {"finding": "systemic_malignancy", "reason": reason, "by": "Dr Lee"}
    assert _error(kb, override, history={"cancer": True}).field == "overrides[0].reason"


def test_a_reason_long_enough_for_a_referral_is_too_short_for_an_urgent_finding(kb) -> None:
    reason = "GP letter: fine now"
    ok = screen(build_intake(history={"cancer": True},
                             overrides=[{"finding": "systemic_malignancy", "reason": reason, "by": "Dr Lee"}]), kb=kb)
    assert not ok.findings[0].in_force
    error = _error(kb, _override(reason=reason))
    assert error.field == "overrides[0].reason" and "urgent" in error.problem


def test_an_urgent_override_without_a_date_is_refused_naming_on(kb) -> None:
    override = _override()
    del override["on"]
    error = _error(kb, override)
    assert error.field == "overrides[0].on" and URGENT_CODE in error.problem


@pytest.mark.parametrize("by", ["n/a", "x", "session", "ok"])
def test_an_urgent_override_must_name_the_clearing_clinician(kb, by) -> None:
    assert _error(kb, _override(by=by)).field == "overrides[0].by"


def test_an_override_dated_after_the_screening_day_is_refused(kb) -> None:
    error = _error(kb, _override(on=(START + timedelta(days=1)).isoformat()))
    assert error.field == "overrides[0].on" and START.isoformat() in (error.allowed or "")


def test_the_error_names_the_index_of_the_bad_override(kb) -> None:
    overrides = [{"finding": "systemic_malignancy", "reason": "oncology review 2026-11-20: in remission",
                  "by": "Dr Lee"}, _override(reason="ok")]
    with pytest.raises(InputError) as error:
        screen(build_intake(history={"cancer": True}, overrides=overrides, **URGENT), kb=kb)
    assert error.value.field == "overrides[1].reason"


def test_a_kept_override_that_the_rule_refuses_leaves_the_finding_in_force(kb) -> None:
    found = screen(build_intake(**URGENT), kb=kb)
    weak = Override(finding=URGENT_CODE, reason="cleared", by="lee", on=date(2026, 11, 30))
    kept = apply_overrides(found, [], kept=[weak])
    assert kept.findings[0].in_force and kept.status == ScreeningStatus.URGENT_REFERRAL
    good = Override(finding=URGENT_CODE, reason=GOOD_URGENT, by="lee", on=date(2026, 11, 30))
    assert apply_overrides(found, [], kept=[good]).status == ScreeningStatus.PROCEED


# --- the property: no urgent finding is ever overridden with a refused reason or without by/on -------

_reasons = st.one_of(
    st.sampled_from(REFUSED + [GOOD_URGENT, "GP letter: fine now", "oncology review: in remission"]),
    st.text(min_size=3, max_size=60).filter(lambda t: t.strip()),
    st.builds(lambda c, n: c * n, st.characters(min_codepoint=33, max_codepoint=126), st.integers(3, 40)),
)
_overrides = st.fixed_dictionaries(
    {"reason": _reasons, "by": st.sampled_from(["Dr Lee", "n/a", "x", "Dr Patel"])},
    optional={"on": st.sampled_from(["2026-11-30", "2026-12-01", "2026-12-02", "2025-01-01"])},
)


def _acceptable_for_urgent(override: Override, day: date) -> bool:
    """The issue's requirement, written independently: a real reason, a named clinician and a date."""
    reason = " ".join(override.reason.split())
    words = [w for w in reason.lower().replace(",", " ").split() if w.strip(".!?") not in
             {"ok", "okay", "fine", "n/a", "cleared", "yes"}]
    return (len(reason) >= 20 and len(words) >= 4 and len(set(reason.lower()) - {" "}) >= 4
            and override.by.strip().lower() not in {"", "n/a", "x", "ok", "session"}
            and override.on is not None and override.on <= day)


@PROPERTY
@given(data=intake_data(), choice=st.data())
def test_no_urgent_finding_is_ever_overridden_with_a_refused_reason_or_without_by_and_on(
    kb, data: dict[str, Any], choice: st.DataObject
) -> None:
    codes = [f.code for f in screen(parse_intake(data), kb=kb).findings]
    chosen = choice.draw(st.lists(st.sampled_from(codes), unique=True) if codes else st.just([]))
    data["overrides"] = [{"finding": c, **choice.draw(_overrides)} for c in chosen]
    try:
        result = screen(parse_intake(data), kb=kb)
    except InputError as error:
        assert error.field.startswith("overrides[")
        return
    day = START
    for finding in result.findings:
        if finding.override is not None and (finding.severity == "urgent" or finding.action == "urgent_referral"):
            assert _acceptable_for_urgent(finding.override, day), finding.override
