"""Plans say only what the evidence library supports (issue 10 item 6).

Every evidence sentence a plan prints, in text, Markdown and JSON, is generated from an evidence.yaml
entry: a contradicted claim shows its correction and source and never its original figure, an
unverified one carries "unverified". Condition and programme files hold no free-text claims.
"""

from __future__ import annotations

import json
import re

import pytest

from acupath.cli.plan_render import render_plan
from acupath.planning import build_plan
from acupath.planning.claims import statement
from acupath.planning.plan import Plan
from acupath.safety import screen
from strategies import build_intake

_ISI_SEVERE = {"isi": {f"q{i}": 3 for i in range(1, 8)}}

# Intakes that reach every part of a plan that prints evidence: plain, EA indicated, acute flare,
# a pattern, a sleep trigger (adjunct points and the ear seeds), for every condition and variant.
_SECTIONS = [
    {"pain": {"nrs": 5}},
    {"pain": {"nrs": 8, "radiating_leg_pain": True, "widespread": True}},
    {"pain": {"nrs": 5, "acute_exacerbation": True}, "questionnaires": _ISI_SEVERE},
]


def _conditions(kb) -> list[str]:
    names = []
    for condition in kb.conditions.values():
        names.append(condition.id)
        names.extend(v.condition for v in condition.variants)
    return names


def _plans(kb):
    for condition in _conditions(kb):
        for sections in _SECTIONS:
            yield _plan(kb, condition=condition, **sections)
        source = next(c for c in kb.conditions.values() if condition in (c.id, *(v.condition for v in c.variants)))
        for pattern in source.patterns:
            yield _plan(kb, condition=condition, pattern=pattern.id, pain={"nrs": 5})


def _plan(kb, **sections) -> Plan:
    intake = build_intake(**sections)
    screening = screen(intake, kb=kb, today=intake.schedule.start)
    plan = build_plan(intake, screening, kb)
    assert plan.status == "planned", sections
    return plan


def _renderings(plan: Plan) -> dict[str, str]:
    return {
        "text": render_plan(plan),
        "markdown": render_plan(plan, markdown=True),
        "json": json.dumps(plan.to_dict(), ensure_ascii=False),
    }


_LINE = re.compile(r"^- (?P<id>[a-z][a-z0-9_]*) \[(?P<status>verified|unverified|contradicted)\]: (?P<rest>.*)$")


def _evidence_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "evidence.yaml" in line.lower() and "EVIDENCE" in line.upper())
    return [line for line in lines[start + 1:] if line.startswith("- ")]


def _original_figures(entry) -> list[str]:
    """Return the figures of a contradicted claim that its correction does not restate."""
    figures = []
    for value in (entry.effect, entry.ci_lower, entry.ci_upper):
        if value is not None and value != entry.corrected.effect:
            figures.append(f"{value:g}")
    # Ranges and decimals stated in the claim itself ("0.5-2.0 mA", "-0.51"), unless the correction has them.
    for token in re.findall(r"-?\d+\.\d+(?:-\d+(?:\.\d+)?)?|\d+-\d+(?:\.\d+)?", entry.claim):
        if token not in entry.corrected.text:
            figures.append(token)
    return figures


def test_every_evidence_line_of_every_condition_maps_to_its_evidence_yaml_entry(kb):
    seen_statuses = set()
    for plan in _plans(kb):
        assert plan.evidence, plan.condition
        text = render_plan(plan)
        lines = _evidence_lines(text)
        assert len(lines) == len(plan.evidence)
        for line, said in zip(lines, plan.evidence, strict=True):
            match = _LINE.match(line)
            assert match, line
            expected = statement(kb.evidence.get(match["id"]))
            assert said == expected
            assert match["status"] == expected.status
            assert match["rest"] == expected.text + (f" ({expected.source})" if expected.source else "")
            seen_statuses.add(expected.status)
        # Every "[evidence: ...]" marker in the plan names a statement the plan prints.
        cited = {i.strip() for group in re.findall(r"\[evidence: ([^\]]+)\]", text) for i in group.split(",")}
        assert cited <= {e.id for e in plan.evidence}
    assert seen_statuses == {"verified", "unverified", "contradicted"}


def test_a_contradicted_claim_renders_its_correction_and_never_its_original_figure(kb):
    contradicted_seen = set()
    for plan in _plans(kb):
        outputs = _renderings(plan)
        for said in plan.evidence:
            entry = kb.evidence.get(said.id)
            if entry.status != "contradicted":
                continue
            contradicted_seen.add(entry.id)
            assert said.text == f"Corrected: {entry.corrected.text}"
            assert said.source == entry.corrected.source
            for name, output in outputs.items():
                assert entry.claim not in output, (entry.id, name)
                for figure in _original_figures(entry):
                    assert not re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", output), (entry.id, name, figure)
                assert entry.corrected.text in output or json.dumps(entry.corrected.text)[1:-1] in output
    # Today's offenders print by their correction: the seed's Cochrane 2023 figures, its reading of
    # Deare 2013 and seed 001's EA intensity of 0.5-2.0 mA.
    assert {"cochrane2023_pain_md_sham", "deare2013_ea_moderate_one_month", "lbp_ea_parameters"} <= contradicted_seen


def test_the_ea_intensity_printed_is_the_corrected_range_not_seed_001s(kb):
    plan = _plan(kb, condition="chronic_low_back_pain", pain={"radiating_leg_pain": True})
    assert plan.electroacupuncture.intensity_ma == (2.0, 10.0)
    assert "2-10 mA" in render_plan(plan) and "0.5-2" not in render_plan(plan)
    assert "lbp_ea_parameters" in {e.id for e in plan.evidence}


def test_an_unverified_claim_carries_unverified_in_every_rendering(kb):
    found = 0
    for plan in _plans(kb):
        outputs = _renderings(plan)
        for said in plan.evidence:
            if said.status != "unverified":
                continue
            found += 1
            assert said.text.endswith("(unverified)")
            for name, output in outputs.items():
                assert said.text in output or json.dumps(said.text)[1:-1] in output, (said.id, name)
    assert found


def test_guideline_summaries_and_rationales_state_no_figure_of_their_own(kb):
    from acupath.knowledge.schema.evidence import quantitative_claims

    for condition in kb.conditions.values():
        for where, text in condition.free_text():
            assert quantitative_claims(text) == [], (condition.id, where)
        for guideline in condition.guidelines:
            assert guideline.evidence_claims
    for where, text in kb.programme.free_text():
        assert quantitative_claims(text) == [], where


@pytest.mark.parametrize(
    "text, claim",
    [
        ("Moderate-quality evidence for pain reduction with electroacupuncture.", "Moderate-quality evidence"),
        ("Large Intestine Back-Shu point; among the highest average effect sizes (seed 003).", "effect sizes"),
        ("A clinically meaningful pain reduction versus sham (MD -0.51).", "clinically meaningful"),
        ("Reduces attack frequency by ~40% at 3 months.", "40%"),
        ("Pooled 29 RCTs with 17,922 patients.", "17,922 patients"),
        ("OR = 4.30, p < 0.00001", "p < 0.0"),
    ],
)
def test_the_claim_finder_finds_figures_and_grades(text, claim):
    from acupath.knowledge.schema.evidence import quantitative_claims

    assert any(found.startswith(claim) or claim.startswith(found) for found in quantitative_claims(text)), text


@pytest.mark.parametrize(
    "text",
    ["Improvement by sessions 8-10.", "Midline at L4; strengthens the lower back (seed 001).",
     "2/100 Hz dense-disperse, each frequency about 3 s, to patient tolerance (Han; reference §6).",
     "Walk 5-10 minutes a day, increasing gradually.", "Four Gates; LI4 or LR3."],
)
def test_the_claim_finder_leaves_protocol_wording_alone(text):
    from acupath.knowledge.schema.evidence import quantitative_claims

    assert quantitative_claims(text) == []


def test_the_plan_json_round_trips_evidence_retention_and_dropped_points(kb):
    plan = _plan(kb, condition="chronic_low_back_pain", pain={"nrs": 5, "acute_exacerbation": True})
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.evidence == plan.evidence
    assert again.retention == plan.retention
    assert again.dropped_points == plan.dropped_points
    assert again.points == plan.points
