"""points.yaml: complete, every point in the region vocabulary, flags as clinical.md §2 lists them.

The expected values below are copied from shared/reference/clinical.md (§1 table, §2.1-2.3 flag lists)
so that a change to points.yaml that drifts from the reference fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acupath.errors import KnowledgeError, NotFound
from acupath.knowledge import read_knowledge
from acupath.knowledge.loader import DATA_DIR
from acupath.knowledge.schema.regions import REGIONS

# clinical.md §1: WHO 2008 points per meridian.
WHO_COUNTS = {"LU": 11, "LI": 20, "ST": 45, "SP": 21, "HT": 9, "SI": 19, "BL": 67, "KI": 27, "PC": 9,
              "TE": 23, "GB": 44, "LR": 14, "GV": 28, "CV": 24}

# clinical.md §2.1 (76 points).
PREGNANCY = """LI4 ST12 ST17 ST19 ST20 ST21 ST22 ST23 ST24 ST25 ST26 ST27 ST28 ST29 ST30 SP6 SP12 SP13 SP14 SP15
SP16 BL22 BL23 BL24 BL25 BL26 BL27 BL28 BL29 BL30 BL31 BL32 BL33 BL34 BL51 BL52 BL60 BL67 KI11 KI12 KI13 KI14
KI15 KI16 KI17 KI18 KI19 KI20 KI21 GB21 GB25 GB26 GB27 GB28 LR12 LR13 GV1 GV2 GV3 GV4 GV5 CV1 CV2 CV3 CV4 CV5
CV6 CV7 CV8 CV9 CV10 CV11 CV12 CV13 CV14 CV15"""
# clinical.md §2.2 (55 points).
PNEUMOTHORAX = """LU1 LU2 LI16 ST11 ST12 ST13 ST14 ST15 ST16 ST17 ST18 SP17 SP18 SP19 SP20 SP21 HT1 SI12 SI13 SI14
SI15 BL11 BL12 BL13 BL14 BL15 BL16 BL17 BL18 BL19 BL20 BL21 BL41 BL42 BL43 BL44 BL45 BL46 BL47 BL48 BL49 BL50
KI22 KI23 KI24 KI25 KI26 KI27 PC1 TE15 GB21 GB22 GB23 GB24 LR14"""
# clinical.md §2.3.
MAJOR_VESSEL = """LU5 LU7 LU8 LU9 LI5 LI13 LI17 LI18 ST5 ST9 ST11 ST12 ST13 ST41 ST42 SP11 SP12 HT1 HT2 HT7 SI16
SI17 BL40 PC3 TE22 LR12 CV22"""
MAJOR_NERVE = "ST2 ST41 SP12 HT7 BL40 PC6 PC7"
VISCERA = """ST19 ST20 ST21 ST22 ST23 ST24 ST25 ST26 ST27 ST28 ST29 ST30 SP13 SP15 SP16 BL22 BL23 BL51 BL52 KI11
KI12 KI13 KI14 KI16 KI17 KI18 KI19 KI20 KI21 KI22 GB25 GB26 LR13 CV2 CV3 CV4 CV5 CV6 CV7 CV9 CV10 CV12 CV13
CV14 CV15 CV22"""
SPINAL = "GB20 GV2 GV3 GV4 GV5 GV6 GV7 GV8 GV9 GV10 GV11 GV12 GV13 GV14 GV15 GV16"
EYE = "ST1 ST2 BL1"
PROHIBITED = "ST17 CV8"
FONTANELLE = "GV22 GV23"

FLAG_LISTS = {
    "pregnancy_caution": (PREGNANCY, 76),
    "pneumothorax_risk": (PNEUMOTHORAX, 55),
    "major_vessel": (MAJOR_VESSEL, None),
    "major_nerve": (MAJOR_NERVE, None),
    "viscera": (VISCERA, None),
    "spinal_cord_or_medulla": (SPINAL, 16),
    "eye_orbit": (EYE, 3),
    "needling_prohibited": (PROHIBITED, 2),
    "infant_fontanelle": (FONTANELLE, 2),
}

# Every point the protocols of seeds 001-004 name, in the spellings the seeds use.
SEED_PROTOCOL_POINTS = (
    "BL-23", "BL-25", "BL-40", "GV-3", "GV-4", "BL-60", "LI-4", "LR-3", "GB-20", "GV-20", "Taiyang", "Yintang",
    "GB-8", "LR-2", "GB-34", "GB-43", "ST-36", "SP-6", "BL-17", "ST-40", "SP-9", "CV-12", "KI-3", "KI-7", "HT-7",
    "BL-18", "BL-20", "ST-35", "Xiyan", "SP-10", "PC-6", "BL23", "GV3", "BL20", "BL40", "BL25", "GB30", "GB34",
    "GV4", "GB21", "BL12", "SI11", "Yaotongdian", "KI3", "HT7", "SP6", "Shenmen_ear", "LI 4", "Neixiyan",
)


def test_all_361_who_meridian_points_with_the_reference_counts(kb) -> None:
    meridian_points = [p for p in kb.points.points if p.kind == "meridian"]
    assert len(meridian_points) == 361
    counts = {code: sum(1 for p in meridian_points if p.meridian == code) for code in WHO_COUNTS}
    assert counts == WHO_COUNTS
    assert {m.code: m.points for m in kb.points.meridians} == WHO_COUNTS
    for code, count in WHO_COUNTS.items():
        assert {p.number for p in meridian_points if p.meridian == code} == set(range(1, count + 1))


def test_extra_points_and_auricular_shenmen_are_present(kb) -> None:
    codes = set(kb.points.codes())
    assert {"EX-HN3", "EX-HN5", "EX-UE7", "EX-LE4", "EX-LE5", "EX-B2", "TF4"} <= codes
    assert kb.points.find("TF4").kind == "auricular"


def test_every_point_has_a_region_from_the_vocabulary(kb) -> None:
    for point in kb.points.points:
        assert point.region in REGIONS, point.code
        assert set(point.other_regions) <= set(REGIONS), point.code


def test_midline_points_are_not_bilateral(kb) -> None:
    for point in kb.points.points:
        if point.meridian in ("GV", "CV"):
            assert point.midline and not point.bilateral, point.code
    assert kb.points.find("Yintang").midline
    assert not kb.points.find("Yintang").bilateral
    assert kb.points.find("BL23").bilateral


@pytest.mark.parametrize("flag", sorted(FLAG_LISTS))
def test_flagged_points_match_clinical_reference(kb, flag: str) -> None:
    listed, count = FLAG_LISTS[flag]
    expected = set(listed.split())
    if count is not None:
        assert len(expected) == count
    assert {p.code for p in kb.points.with_flag(flag)} == expected


def test_needling_prohibited_points_are_never_plannable(kb) -> None:
    blocked = {p.code for p in kb.points.points if not p.plannable}
    assert blocked == {"ST17", "CV8"}
    assert kb.points.flag_rule("needling_prohibited").blocks_planning


@pytest.mark.parametrize("spelling", SEED_PROTOCOL_POINTS)
def test_every_seed_protocol_point_resolves_and_has_a_location_note(kb, spelling: str) -> None:
    point = kb.points.find(spelling)
    assert point.location is not None, point.code
    assert point.location.sources


def test_flagged_protocol_points_carry_a_caution(kb) -> None:
    for spelling in SEED_PROTOCOL_POINTS:
        point = kb.points.find(spelling)
        if set(point.safety_flags) - {"moxibustion_caution"}:
            assert point.caution is not None, point.code


@pytest.mark.parametrize(
    ("spelling", "code"),
    [("BL-23", "BL23"), ("UB23", "BL23"), ("bl 23", "BL23"), ("LIV3", "LR3"), ("SJ5", "TE5"), ("Du20", "GV20"),
     ("Ren12", "CV12"), ("L.I. 4", "LI4"), ("Hegu", "LI4"), ("Yintang", "EX-HN3"), ("Taiyang", "EX-HN5"),
     ("Xiyan", "EX-LE5"), ("Neixiyan", "EX-LE4"), ("Shenmen_ear", "TF4"), ("EX-UE7", "EX-UE7")],
)
def test_find_accepts_the_spellings_the_seeds_use(kb, spelling: str, code: str) -> None:
    assert kb.points.find(spelling).code == code


def test_find_refuses_an_unknown_or_ambiguous_name(kb) -> None:
    with pytest.raises(NotFound, match="BL99"):
        kb.points.find("BL99")
    with pytest.raises(NotFound, match="HT7, TF4"):
        kb.points.find("Shenmen")


def test_depth_ranges_are_ordered(kb) -> None:
    for point in kb.points.points:
        if point.depth_cun_min is not None:
            assert 0 <= point.depth_cun_min <= point.depth_cun_max, point.code


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _break(data_copy: Path, old: str, new: str) -> None:
    path = data_copy / "points.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_schema_rejects_a_region_outside_the_vocabulary(data_copy: Path) -> None:
    _break(data_copy, "  region: lower_back\n", "  region: lumbar\n")
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "points.yaml"
    assert err.value.path.startswith("points[") and err.value.path.endswith("].region")
    assert "lower_back" in err.value.reason


def test_schema_rejects_an_unknown_safety_flag(data_copy: Path) -> None:
    _break(data_copy, "safety_flags: [pneumothorax_risk]", "safety_flags: [lung]")
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "points.yaml"
    assert ".safety_flags[0]" in err.value.path


def test_schema_rejects_a_bilateral_governor_vessel_point(data_copy: Path) -> None:
    path = data_copy / "points.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- code: GV1\n")
    end = text.index("bilateral: false", start)
    path.write_text(text[:end] + "bilateral: true" + text[end + len("bilateral: false"):], encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "points.yaml"


def test_schema_rejects_an_inverted_depth_range(data_copy: Path) -> None:
    _break(data_copy, "depth_cun_min: 0.5\n  depth_cun_max: 1.0\n", "depth_cun_min: 1.5\n  depth_cun_max: 1.0\n")
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "points.yaml"
    assert "depth range" in err.value.reason


def test_every_point_another_file_names_has_a_location_note_and_caution_when_flagged(kb) -> None:
    named: set[str] = set()
    for rel, doc in kb.documents.items():
        if rel != "points.yaml":
            named |= doc.point_codes()
    assert named, "no knowledge file names a point"
    for code in sorted(named):
        point = kb.points.find(code)
        assert point.location is not None, f"{code}: no location note"
        if set(point.safety_flags) - {"moxibustion_caution"}:
            assert point.caution is not None, f"{code}: flagged but no caution"
