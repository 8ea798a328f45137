"""evidence.yaml: every seed claim is traceable, and every contradicted claim says what is right.

Status expectations come from shared/reference/meta-analysis.md §5 and the seeds' own contradictions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acupath.errors import KnowledgeError, NotFound
from acupath.knowledge import read_knowledge
from acupath.knowledge.loader import DATA_DIR

SEEDS = {"seed_000_ma_2026", "seed_001_pain_protocols", "seed_002_clbp_cochrane", "seed_003_back_pain_research",
         "seed_004_multimodal"}


def test_every_entry_names_its_seed_and_every_seed_has_claims(kb) -> None:
    # Only guideline positions (from clinical.md, printed by plans) stand without a seed.
    seeds = {entry.seed for entry in kb.evidence.entries if entry.seed is not None}
    assert seeds == SEEDS
    assert {entry.design for entry in kb.evidence.entries if entry.seed is None} == {"guideline"}


def test_every_contradicted_claim_has_a_corrected_figure_and_source(kb) -> None:
    contradicted = kb.evidence.by_status("contradicted")
    assert contradicted
    known = {source.key for source in kb.citations.sources}
    for entry in contradicted:
        assert entry.corrected is not None, entry.id
        assert entry.corrected.text.strip(), entry.id
        assert entry.corrected.source in known, entry.id


@pytest.mark.parametrize(
    ("entry_id", "status"),
    [
        ("ma2026_vas_md", "contradicted"),  # sign dropped: -2.31
        ("ma2026_relief_rate_or", "verified"),
        ("vickers2012_trials_patients", "verified"),
        ("vickers2018_additional_patients", "contradicted"),  # 20,827 in total, 13 new trials
        ("macpherson2017_persistence_15pct", "contradicted"),  # 15% is Vickers 2018
        ("cochrane2023_trials_participants", "contradicted"),  # Mu 2020 CD013814 is the review
        ("deare2013_ea_moderate_one_month", "contradicted"),
        ("ae_bruising_2_1pct", "unverified"),
        ("practitioner_effect_32pct", "unverified"),
        ("medicare_12_plus_8", "verified"),
    ],
)
def test_status_follows_the_meta_analysis_reference(kb, entry_id: str, status: str) -> None:
    assert kb.evidence.get(entry_id).status == status


def test_sign_of_the_vas_difference_is_corrected(kb) -> None:
    corrected = kb.evidence.get("ma2026_vas_md").corrected
    assert corrected is not None and corrected.effect == -2.31


def test_no_per_study_data_is_invented(kb) -> None:
    assert all(entry.studies == () for entry in kb.evidence.entries)


def test_get_unknown_entry_raises_not_found(kb) -> None:
    with pytest.raises(NotFound, match="no_such_claim"):
        kb.evidence.get("no_such_claim")


def test_schema_rejects_contradicted_without_correction(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "evidence.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: clbp_mcid_0_3\n")
    cut = text.index("    corrected:\n", start)
    end = text.index("  - id:", cut)
    path.write_text(text[:cut] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data)
    assert err.value.file == "evidence.yaml"
    assert err.value.path.startswith("entries[")
    assert "corrected" in err.value.reason
