"""Generate src/acupath/knowledge/data/points.yaml from shared/reference/acupoints.csv (run by hand).

Usage: ``.venv/bin/python scripts/generate_points.py [path/to/acupoints.csv]``

Reads the reference CSV (codes, names, WHO region text, depth range, angles, safety flags), maps each
point to the controlled body-region vocabulary, adds aliases, the hand-written location and caution
notes of ``point_notes.py`` and the body-chart positions of ``point_charts.py``, and writes the YAML.
Never run by tests or CI: the committed YAML is the artefact. After running, bump the version in the
header if content changed, then ``acupath knowledge lock``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from point_charts import CHARTS
from point_notes import CAUTIONS, LOCATIONS

ROOT = Path(__file__).resolve().parents[1]
CSV_DEFAULT = Path("/work/shared/reference/acupoints.csv")
OUT = ROOT / "src/acupath/knowledge/data/points.yaml"
HEADER = Path(__file__).with_name("points_header.yaml")

# WHO 2008 region text -> controlled region (acupath.knowledge.schema.regions); first match wins.
REGION_WORDS: tuple[tuple[str, str], ...] = (
    ("on the head", "scalp"),
    ("on the face", "face"),
    ("anterior region of the neck", "neck_anterior"),
    ("anterior aspect of the neck", "neck_anterior"),
    ("posterior region of the neck", "neck_posterior"),
    ("shoulder girdle", "shoulder"),
    ("scapular region", "upper_back"),
    ("upper back region", "upper_back"),
    ("thoracic region", "chest"),
    ("axilla", "axilla"),
    ("upper abdomen", "abdomen_upper"),
    ("lateral abdomen", "abdomen_upper"),
    ("lower abdomen", "abdomen_lower"),
    ("groin region", "abdomen_lower"),
    ("perineal region", "perineum"),
    ("lumbar region", "lower_back"),
    ("sacral region", "sacrum"),
    ("buttock region", "buttock"),
    ("forearm", "forearm"),
    ("elbow", "elbow"),
    ("wrist", "wrist"),
    ("of the arm", "upper_arm"),
    ("hand", "hand"),
    ("palm", "hand"),
    ("finger", "hand"),
    ("thumb", "hand"),
    ("thigh", "thigh"),
    ("knee", "knee"),
    ("of the leg", "lower_leg"),
    ("ankle", "ankle"),
    ("foot", "foot"),
    ("toe", "foot"),
)

# Points whose WHO region text names a wider area than the clinic would: the eye (orbit), the
# forehead/brow (face), the base of the skull and mastoid (back of the neck), the top of the shoulder.
REGION_OVERRIDES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ST1": ("eye_orbit", ("face",)),
    "BL1": ("eye_orbit", ("face",)),
    "BL2": ("face", ()),
    "GB1": ("face", ()),
    "GB14": ("face", ()),
    "TE23": ("face", ()),
    "GB12": ("neck_posterior", ()),
    "GB20": ("neck_posterior", ()),
    "GB21": ("shoulder", ("neck_posterior",)),
    "EX-HN3": ("face", ()),
    "EX-HN5": ("face", ()),
    "EX-HN1": ("scalp", ()),
    "EX-B1": ("neck_posterior", ("upper_back",)),
    "EX-B2": ("upper_back", ("lower_back",)),
    "EX-B7": ("lower_back", ()),
    "EX-B8": ("lower_back", ()),
    "EX-UE7": ("hand", ()),
    "EX-UE8": ("hand", ()),
    "EX-UE9": ("hand", ()),
    "EX-LE2": ("knee", ()),
    "EX-LE4": ("knee", ()),
    "EX-LE5": ("knee", ()),
    "EX-LE6": ("lower_leg", ()),
    "EX-LE7": ("lower_leg", ()),
    "EX-LE10": ("foot", ()),
    "EX-Anmian": ("neck_posterior", ()),
    "TF4": ("ear", ()),
}

# Single points on the midline (WHO 1991 / CAM 1999): not bilateral.
MIDLINE_EXTRAS = {"EX-HN3", "EX-B8", "EX-HN1"}

ALIASES: dict[str, tuple[str, ...]] = {
    "EX-HN3": ("Yintang",),
    "EX-HN5": ("Taiyang",),
    "EX-HN1": ("Sishencong",),
    "EX-B2": ("Jiaji", "Huatuojiaji"),
    "EX-UE7": ("Yaotongdian", "Yaotongxue"),
    "EX-UE8": ("Wailaogong", "Luozhen"),
    "EX-LE4": ("Neixiyan", "Xiyan_medial", "Medial Xiyan"),
    "EX-LE5": ("Xiyan",),
    "EX-Anmian": ("Anmian",),
    "TF4": ("Shenmen_ear", "auricular Shenmen", "ear Shenmen", "Shen Men ear"),
}

NOTES: dict[str, str] = {
    "EX-HN1": "A group of four needles around GV20; treated as one midline point.",
    "EX-HN3": "WHO 2008 keeps Yintang as an extra point; GB/T 12346 reportedly lists it as GV29 (unverified).",
    "EX-B2": "17 pairs from T1 to L5; at thoracic levels apply the upper-back pneumothorax precautions "
             "(clinical.md §2.2).",
    "EX-UE7": "Two points per hand, four in all (CAM 1999).",
    "EX-UE8": "CAM/TARA describe this site as Luozhen (stiff-neck point); WHO 1991 names it Wailaogong.",
    "EX-LE4": "Seed 001 pairs ST35 with 'Xiyan (Medial Eye of the Knee)': that is this point.",
    "EX-LE5": "The pair of knee eyes; the lateral one coincides with ST35, so ST35 + EX-LE4 is the same pair.",
    "EX-Anmian": "Not in the WHO 1991 extra-point list; code kept as in acupoints.csv.",
    "TF4": "Auricular point (triangular fossa); code per GB/T 13734-2008, to be checked against the "
           "standard text (clinical.md §1.3).",
}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _region(code: str, who_region: str) -> tuple[str, list[str]]:
    if code in REGION_OVERRIDES:
        region, others = REGION_OVERRIDES[code]
        return region, list(others)
    lowered = who_region.lower()
    for words, region in REGION_WORDS:
        if words in lowered:
            return region, []
    raise SystemExit(f"{code}: no region for {who_region!r}")


def build_point(row: dict[str, str]) -> dict[str, object]:
    """Return one point as a plain mapping in points.yaml field order."""
    code, kind = row["code"], row["kind"]
    meridian = row["meridian"] or None
    region, others = _region(code, row["body_region"])
    midline = meridian in ("GV", "CV") or code in MIDLINE_EXTRAS
    point: dict[str, object] = {"code": code, "kind": kind}
    if meridian:
        point["meridian"] = meridian
        point["number"] = int(code[len(meridian):])
    if code in ALIASES:
        point["aliases"] = list(ALIASES[code])
    point["pinyin"] = row["pinyin"]
    for key, column in (("pinyin_tone", "pinyin_tone"), ("hanzi", "hanzi"), ("english", "english_name")):
        if row[column]:
            point[key] = row[column]
    if kind == "meridian":
        point["who_region"] = row["body_region"]
    point["region"] = region
    if others:
        point["other_regions"] = others
    point["midline"] = midline
    point["bilateral"] = not midline
    if row["depth_cun_min"]:
        point["depth_cun_min"] = float(row["depth_cun_min"])
        point["depth_cun_max"] = float(row["depth_cun_max"])
    if row["angles"]:
        point["angles"] = _split(row["angles"])
    if row["safety_flags"]:
        point["safety_flags"] = _split(row["safety_flags"])
    if code in LOCATIONS:
        text, sources = LOCATIONS[code]
        point["location"] = {"text": text, "sources": list(sources)}
    if code in CHARTS:
        point["chart"] = [{"view": view, "x": x, "y": y} for view, x, y in CHARTS[code]]
    if code in CAUTIONS:
        text, sources = CAUTIONS[code]
        point["caution"] = {"text": text, "sources": list(sources)}
    if code in NOTES:
        point["note"] = NOTES[code]
    return point


def main(argv: list[str]) -> None:
    """Write points.yaml from the CSV named in ``argv`` (default: the shared reference)."""
    source = Path(argv[1]) if len(argv) > 1 else CSV_DEFAULT
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = (set(LOCATIONS) | set(CHARTS)) - {row["code"] for row in rows}
    if missing:
        raise SystemExit(f"notes for unknown points: {sorted(missing)}")
    points = [build_point(row) for row in rows]
    body = yaml.safe_dump({"points": points}, sort_keys=False, allow_unicode=True, width=110,
                          default_flow_style=None)
    OUT.write_text(HEADER.read_text(encoding="utf-8") + body, encoding="utf-8")
    print(f"wrote {OUT} ({len(points)} points)")


if __name__ == "__main__":
    main(sys.argv)
