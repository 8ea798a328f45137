"""Evidence library re-analysis from per-study data, and the GRADE helper."""

from __future__ import annotations

import pytest

from acupath.errors import InputError
from acupath.evidence.effect_sizes import binary_effect_sizes
from acupath.evidence.grade import (
    Judgement,
    Upgrade,
    rate_certainty,
    suggest_imprecision,
    suggest_inconsistency,
)
from acupath.evidence.library import reanalyse
from acupath.evidence.random_effects import meta_analysis
from acupath.knowledge.schema.evidence import EvidenceEntry

BCG = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619)]


def _entry(studies, measure="RR"):
    return EvidenceEntry(id="example", claim="c", seed="s", design="meta_analysis", measure=measure,
                         condition="x", outcome="y", status="unverified", studies=studies)


def test_reanalysis_of_2x2_tables_equals_direct_pooling():
    entry = _entry([{"label": f"t{i}", "ai": a, "bi": b, "ci": c, "di": d} for i, (a, b, c, d) in enumerate(BCG)])
    res = reanalyse(entry, "DL")
    es = binary_effect_sizes("RR", *zip(*BCG, strict=True))
    assert res.estimate == pytest.approx(meta_analysis(es.yi, es.vi, "DL").estimate, rel=1e-12)
    assert res.labels == ("t0", "t1", "t2", "t3") and res.measure == "RR"


def test_reanalysis_without_studies_is_none():
    assert reanalyse(_entry([])) is None


def test_two_by_two_tables_cannot_be_pooled_as_a_mean_difference():
    entry = _entry([{"label": "a", "ai": 1, "bi": 2, "ci": 3, "di": 4}] * 2, measure="MD")
    with pytest.raises(InputError, match="cannot be pooled as MD"):
        reanalyse(entry)


def test_randomised_evidence_starts_high_and_loses_a_level_per_serious_domain():
    c = rate_certainty("randomised", [Judgement("risk_of_bias", 1, "unblinded outcome assessment"),
                                      Judgement("inconsistency", 1, "I² = 92%")])
    assert c.level == "low" and c.start == "high" and c.symbols == "⊕⊕○○"
    assert c.steps[1] == "-1 risk_of_bias: unblinded outcome assessment"


def test_certainty_never_falls_below_very_low():
    c = rate_certainty("rct", [Judgement("imprecision", 3, "tiny"), Judgement("indirectness", 2, "other population")])
    assert c.level == "very low"


def test_observational_evidence_can_be_rated_up_but_randomised_cannot():
    assert rate_certainty("observational", upgrades=[Upgrade("large_effect", 1, "RR 0.2")]).level == "moderate"
    with pytest.raises(InputError):
        rate_certainty("randomised", upgrades=[Upgrade("large_effect", 1, "RR 0.2")])


@pytest.mark.parametrize("bad", [Judgement("vibes", 1, "?"), Judgement("risk_of_bias", 3, "too many")])
def test_unknown_domain_or_too_many_levels_is_refused(bad):
    with pytest.raises(InputError):
        rate_certainty("randomised", [bad])


def test_suggestions_follow_the_given_thresholds():
    assert suggest_inconsistency(92.0).levels == 2 and suggest_inconsistency(30.0).levels == 0
    assert suggest_imprecision(-0.2, 0.1).levels == 1
    assert suggest_imprecision(-0.9, 0.1, mid=0.5).levels == 2
    assert suggest_imprecision(-0.9, -0.3).levels == 0
