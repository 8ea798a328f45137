"""The integrity check refuses free-text claims and unknown evidence ids in condition and programme files
(issue 10 item 6: plans say only what the evidence library supports)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acupath.errors import KnowledgeError
from acupath.knowledge import check_integrity, read_knowledge
from acupath.knowledge.loader import DATA_DIR


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_packaged_files_have_no_free_text_claim_and_no_unknown_evidence_id(kb):
    problems = [p for p in check_integrity(kb) if "evidence" in p or "free-text claim" in p]
    assert problems == []


def test_a_free_text_effect_size_claim_in_a_rationale_is_refused(tmp_path):
    data = _copy(tmp_path)
    _edit(
        data / "conditions" / "chronic_low_back_pain.yaml",
        "regulates the lower back (seed 001); named for lower back pain by seed 003.",
        "regulates the lower back (seed 001); among the highest average effect sizes (seed 003).",
    )
    problems = check_integrity(read_knowledge(data))
    assert any(
        p.startswith("conditions/chronic_low_back_pain.yaml: points.BL25.rationale: free-text claim 'effect sizes'")
        for p in problems
    ), problems


def test_a_guideline_summary_stating_a_grade_is_refused(tmp_path):
    data = _copy(tmp_path)
    _edit(
        data / "conditions" / "fibromyalgia.yaml",
        'summary: "Acupuncture weak for; exercise strong for."',
        'summary: "Moderate-quality evidence for pain reduction with electroacupuncture."',
    )
    problems = check_integrity(read_knowledge(data))
    assert any("guidelines.EULAR 2017.summary: free-text claim 'Moderate-quality evidence'" in p for p in problems)


def test_an_unknown_evidence_id_is_refused(tmp_path):
    data = _copy(tmp_path)
    _edit(
        data / "conditions" / "knee_osteoarthritis.yaml",
        "evidence_claims: [acr2019_acupuncture_conditional]",
        "evidence_claims: [acr2019_made_up]",
    )
    problems = check_integrity(read_knowledge(data))
    assert "conditions/knee_osteoarthritis.yaml: evidence 'acr2019_made_up' is not in evidence.yaml" in problems


def test_a_guideline_without_evidence_claims_does_not_load(tmp_path):
    data = _copy(tmp_path)
    _edit(
        data / "conditions" / "knee_osteoarthritis.yaml",
        ", evidence_claims: [acr2019_acupuncture_conditional]}",
        "}",
    )
    with pytest.raises(KnowledgeError, match="evidence_claims"):
        read_knowledge(data)


def test_a_component_that_promises_ear_points_must_add_a_set_that_places_them(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "programme.yaml", "    adds_points: sleep\n", "")
    with pytest.raises(KnowledgeError, match="promises auricular points"):
        read_knowledge(data)
