"""Every worked example in instruments/*.yaml, and the published band boundaries (instruments.md §0)."""

from __future__ import annotations

import pytest

from acupath.assessment import score
from acupath.knowledge import load_knowledge

INSTRUMENT_IDS = ("nrs", "vas", "bpi_sf", "peg", "pcs", "isi", "psqi", "odi", "ndi", "rmdq", "phq9", "gad7",
                  "start_back", "womac", "koos", "hit6", "midas", "fiqr", "tsk17", "tsk11")


def _examples():
    kb = load_knowledge()
    for iid, doc in sorted(kb.instruments.items()):
        for example in doc.examples:
            yield pytest.param(iid, example, id=f"{iid}: {example['name']}")


def _rounded(value):
    return None if value is None else round(value, 2)


def test_all_twenty_instruments_are_in_the_knowledge_base(kb) -> None:
    assert sorted(kb.instruments) == sorted(INSTRUMENT_IDS)
    for doc in kb.instruments.values():
        assert doc.version == "1.0.0" or doc.version.count(".") == 2
        assert len(doc.examples) >= 3, f"{doc.id} needs worked examples"


@pytest.mark.parametrize(("instrument", "example"), list(_examples()))
def test_worked_example(instrument, example, kb) -> None:
    result = score(instrument, example["answers"], kb)
    assert _rounded(result.total) == example["total"]
    assert (result.band or {}).get("id") == example["band"]
    assert result.valid is example["valid"]
    assert (result.reason is None) is example["valid"]
    for key, expected in example.get("subscales", {}).items():
        assert _rounded(result.subscales[key]) == expected, key
    if "flags" in example:
        assert list(result.flags) == example["flags"]


# upper bounds of each band but the last, as published (instruments.md §0 and the sections cited)
PUBLISHED_BAND_TOPS = {
    "nrs": [0, 3, 6],  # §1 convention 0 / 1-3 / 4-6 / 7-10
    "vas": [4, 44, 74],  # §2 Jensen 2003
    "bpi_sf": [4, 6],  # §3 ePPOC 0-4 / 5-6 / 7-10
    "pcs": [29],  # §5 >= 30 clinically relevant
    "isi": [7, 14, 21],  # §6
    "psqi": [5],  # §7 > 5 poor sleeper
    "odi": [20, 40, 60, 80],  # §8
    "ndi": [4, 14, 24, 34],  # §9 raw score
    "phq9": [4, 9, 14, 19],  # §11
    "gad7": [4, 9, 14],  # §12
    "hit6": [49, 55, 59],  # §16
    "midas": [5, 10, 20],  # §17
    "fiqr": [23, 40, 63, 82],  # §18 Salaffi 2020
    "tsk17": [37],  # §19 > 37 high
}


@pytest.mark.parametrize("instrument", sorted(PUBLISHED_BAND_TOPS))
def test_band_boundaries_match_the_reference(instrument, kb) -> None:
    bands = kb.instruments[instrument].bands
    assert [b.upto for b in bands[:-1]] == PUBLISHED_BAND_TOPS[instrument]
    assert bands[-1].upto is None and bands[-1].at_least is None


def test_start_back_risk_rule_is_data(kb) -> None:
    bands = {b.id: b for b in kb.instruments["start_back"].bands}
    assert bands["high"].scale == "psychosocial" and bands["high"].at_least == 4
    assert bands["low"].upto == 3


def test_instruments_without_published_bands_have_none(kb) -> None:
    for iid in ("peg", "rmdq", "womac", "koos", "tsk11"):
        assert kb.instruments[iid].bands == ()


def test_loinc_codes_only_where_a_reference_found_them(kb) -> None:
    # instruments.md §21: NRS, PHQ-9, GAD-7 and PEG; stack.md ("FHIR") adds the ODI and marks the PEG unverified.
    with_loinc = {iid for iid, doc in kb.instruments.items()
                  if doc.loinc is not None or any(item.loinc for item in doc.items)}
    assert with_loinc == {"nrs", "phq9", "gad7", "peg", "odi"}
    assert {iid for iid in with_loinc if not kb.instruments[iid].loinc.verified} == {"peg"}
    assert kb.instruments["odi"].loinc.score == "97909-6"
    assert kb.instruments["phq9"].loinc.score == "44261-6"
    assert kb.instruments["gad7"].loinc.score == "70274-6"
    assert kb.instruments["peg"].loinc.panel == "91148-7"
    assert kb.instruments["nrs"].loinc.score == "72514-3"


def test_disagreements_record_chosen_value_and_alternatives(kb) -> None:
    for iid, topic_word in (("nrs", "bands"), ("pcs", "threshold"), ("tsk17", "threshold"),
                            ("psqi", "boundaries")):
        found = [d for d in kb.instruments[iid].disagreements if topic_word in d.topic]
        assert found and found[0].alternatives, iid
