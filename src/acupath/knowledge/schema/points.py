"""points.yaml: the 361 WHO meridian points, the extra points and auricular Shenmen.

Codes follow WHO 2008 / WHO 1991 (``BL23``, ``EX-HN3``); the auricular point uses its GB/T 13734
code (``TF4``). ``PointsFile.find`` accepts the other spellings the seeds and older texts use:
hyphens, spaces and dots are ignored (``BL-23``, ``L.I. 4``), legacy meridian prefixes are mapped
(``UB23`` → ``BL23``, ``LIV3`` → ``LR3``; table in the file, after clinical.md §1), and each point may
carry aliases (``Yintang``, ``Shenmen_ear``) and is found by its pinyin name when that name is unique.

A point flagged ``needling_prohibited`` is never plannable (clinical.md §2.3: CAM 1999 CV8, NZASA).

``chart`` places a point on the body chart (``body_chart.yaml`` views, ``acupath.reports.body_chart``):
``x``, ``y`` in the 0..1 box of the view, for the patient's LEFT side (front view: right half of the
picture; back view: left half; side and ear views: the left side seen from the left). The renderer
mirrors a bilateral point to the right side (x -> 1 - x, on the mirrored panel for side and ear views).
A midline point sits at x = 0.5 on the front and back views and has no side or ear position. Positions
are placed from the point's location note (``who_2008_locations``), so a charted point needs one.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from acupath.errors import NotFound
from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.regions import Region

MeridianCode = Literal["LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR", "GV", "CV"]
MERIDIAN_CODES: tuple[str, ...] = get_args(MeridianCode)

PointKind = Literal["meridian", "extra", "auricular"]

SafetyFlag = Literal[
    "pneumothorax_risk",
    "pregnancy_caution",
    "major_vessel",
    "major_nerve",
    "viscera",
    "spinal_cord_or_medulla",
    "eye_orbit",
    "bony_foramen",
    "infant_fontanelle",
    "needling_prohibited",
    "moxibustion_caution",
]
SAFETY_FLAGS: tuple[str, ...] = get_args(SafetyFlag)

Angle = Literal[
    "perpendicular",
    "oblique",
    "perpendicular-oblique",
    "transverse-oblique",
    "subcutaneous/transverse",
    "superficial",
    "prick to bleed",
]


def normalise_code(text: str) -> str:
    """Return ``text`` upper-cased with everything but letters and digits removed (``bl-23`` → ``BL23``)."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class Note(Strict):
    """A short text in our own words with the sources it rests on."""

    text: str
    sources: tuple[str, ...]

    @field_validator("sources")
    @classmethod
    def _cited(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        if not sources:
            raise ValueError("a note must cite at least one source")
        return sources


ChartView = Literal["front", "back", "side", "ear"]
CHART_VIEWS: tuple[str, ...] = get_args(ChartView)


class ChartPosition(Strict):
    """Where a point sits on one view of the body chart: ``x``, ``y`` in the view's 0..1 box (patient's left)."""

    view: ChartView
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class FlagRule(Strict):
    """What a safety flag means and the general needling guidance for every point carrying it."""

    flag: SafetyFlag
    meaning: str
    guidance: str
    sources: tuple[str, ...]
    #: True when a point with this flag may never appear in a plan (no override possible).
    blocks_planning: bool = False


class Meridian(Strict):
    """One of the 14 WHO meridians/vessels, with its expected point count and legacy prefixes."""

    code: MeridianCode
    name: str
    traditional_name: str
    chinese: str
    points: int
    legacy_codes: tuple[str, ...] = ()


class Point(Strict):
    """One acupuncture point: names, where it is, how deep, and what to watch for."""

    code: str
    kind: PointKind
    meridian: MeridianCode | None = None
    number: int | None = None
    aliases: tuple[str, ...] = ()
    pinyin: str
    pinyin_tone: str | None = None
    hanzi: str | None = None
    english: str | None = None
    who_region: str | None = None
    region: Region
    other_regions: tuple[Region, ...] = ()
    midline: bool = False
    bilateral: bool
    depth_cun_min: float | None = None
    depth_cun_max: float | None = None
    angles: tuple[Angle, ...] = ()
    safety_flags: tuple[SafetyFlag, ...] = ()
    location: Note | None = None
    #: Body-chart positions (module docstring: patient's left side, mirrored for the right).
    chart: tuple[ChartPosition, ...] = ()
    caution: Note | None = None
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}\d{1,2}|EX-[A-Za-z]+\d*|TF\d", value):
            raise ValueError(f"point code must look like BL23, EX-HN3 or TF4, got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Point:
        if self.kind == "meridian":
            if self.meridian is None or self.number is None:
                raise ValueError(f"{self.code}: a meridian point needs meridian and number")
            if self.code != f"{self.meridian}{self.number}":
                raise ValueError(f"{self.code}: code does not match meridian {self.meridian} and number {self.number}")
        if self.meridian in ("GV", "CV") and (self.bilateral or not self.midline):
            raise ValueError(f"{self.code}: Governor and Conception Vessel points are midline, not bilateral")
        if self.midline and self.bilateral:
            raise ValueError(f"{self.code}: a midline point cannot also be bilateral")
        low, high = self.depth_cun_min, self.depth_cun_max
        if (low is None) != (high is None):
            raise ValueError(f"{self.code}: give both depth_cun_min and depth_cun_max, or neither")
        if low is not None and high is not None and not 0 <= low <= high:
            raise ValueError(f"{self.code}: depth range {low}-{high} cun is not 0 <= min <= max")
        if len(set(self.safety_flags)) != len(self.safety_flags):
            raise ValueError(f"{self.code}: a safety flag is listed twice")
        self._chart_consistent()
        return self

    def _chart_consistent(self) -> None:
        if self.chart and self.location is None:
            raise ValueError(f"{self.code}: a chart position is placed from a location note; give one")
        for position in self.chart:
            if self.midline and position.view in ("side", "ear"):
                raise ValueError(f"{self.code}: a midline point is charted on the front or back view only")
            if self.midline and position.x != 0.5:
                raise ValueError(f"{self.code}: a midline point sits at x = 0.5, got {position.x}")

    @property
    def plannable(self) -> bool:
        """Return False when needling this point is prohibited outright."""
        return "needling_prohibited" not in self.safety_flags

    def names(self) -> str:
        """Return the names as one line: pinyin (tone pinyin, hanzi), English."""
        extra = ", ".join(x for x in (self.pinyin_tone, self.hanzi) if x)
        text = self.pinyin + (f" ({extra})" if extra else "")
        return text + (f", {self.english}" if self.english else "")


#: How many resolved point names ``PointsFile.find`` keeps (codes, aliases and their spellings).
FOUND_KEPT = 10_000


class PointsFile(Document):
    """The points.yaml document: meridian table, flag rules, legacy prefixes and every point."""

    meridians: tuple[Meridian, ...]
    flag_rules: tuple[FlagRule, ...]
    legacy_prefixes: dict[str, MeridianCode]
    points: tuple[Point, ...]

    @model_validator(mode="after")
    def _unique_and_complete(self) -> PointsFile:
        seen: dict[str, str] = {}
        for point in self.points:
            for name in (point.code, *point.aliases):
                key = normalise_code(name)
                if key in seen and seen[key] != point.code:
                    raise ValueError(f"{name!r} names both {seen[key]} and {point.code}")
                seen[key] = point.code
        ruled = {rule.flag for rule in self.flag_rules}
        for point in self.points:
            missing = set(point.safety_flags) - ruled
            if missing:
                raise ValueError(f"{point.code}: flag {sorted(missing)[0]!r} has no entry in flag_rules")
        for meridian in self.meridians:
            count = sum(1 for p in self.points if p.meridian == meridian.code)
            if count != meridian.points:
                raise ValueError(f"meridian {meridian.code} should have {meridian.points} points, has {count}")
        return self

    @cached_property
    def _by_key(self) -> dict[str, Point]:
        index: dict[str, Point] = {}
        for point in self.points:
            for name in (point.code, *point.aliases):
                index[normalise_code(name)] = point
        return index

    @cached_property
    def _by_pinyin(self) -> dict[str, list[Point]]:
        index: dict[str, list[Point]] = {}
        for point in self.points:
            index.setdefault(normalise_code(point.pinyin), []).append(point)
        return index

    def codes(self) -> tuple[str, ...]:
        """Return every point code, in file order."""
        return tuple(point.code for point in self.points)

    def _legacy(self, key: str) -> str | None:
        match = re.fullmatch(r"([A-Z]+)(\d{1,2})", key)
        if match and match.group(1) in self.legacy_prefixes:
            return f"{self.legacy_prefixes[match.group(1)]}{int(match.group(2))}"
        return None

    @cached_property
    def _found(self) -> dict[str, Point]:
        # Texts already resolved (at most ``FOUND_KEPT``): recording a session names each needle two or
        # three times over.
        return {}

    def find(self, code_or_alias: str) -> Point:
        """Return the point named by a code, a legacy code, an alias or a unique pinyin name.

        Raises ``NotFound`` naming the text (and the candidates when a pinyin name is shared).
        """
        known = self._found.get(code_or_alias)
        if known is not None:
            return known
        point = self._resolve(code_or_alias)
        if len(self._found) < FOUND_KEPT:
            self._found[code_or_alias] = point
        return point

    def _resolve(self, code_or_alias: str) -> Point:
        key = normalise_code(code_or_alias)
        if not key:
            raise NotFound(f"point {code_or_alias!r}: empty code")
        for candidate in (key, self._legacy(key)):
            if candidate and candidate in self._by_key:
                return self._by_key[candidate]
        same_name = self._by_pinyin.get(key, [])
        if len(same_name) == 1:
            return same_name[0]
        if same_name:
            options = ", ".join(p.code for p in same_name)
            raise NotFound(f"point {code_or_alias!r} is ambiguous: it is the pinyin name of {options}")
        raise NotFound(f"unknown point {code_or_alias!r}")

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return up to ``limit`` point codes that look like ``text`` (for "did you mean")."""
        from difflib import get_close_matches

        key = normalise_code(text)
        names = {normalise_code(p.code): p.code for p in self.points}
        names.update({normalise_code(p.pinyin): p.code for p in self.points})
        found = get_close_matches(key, list(names), n=limit * 2, cutoff=0.6)
        return list(dict.fromkeys(names[f] for f in found))[:limit]

    def flag_rule(self, flag: str) -> FlagRule:
        """Return the rule for a safety flag. Raises ``NotFound`` for an unknown flag."""
        for rule in self.flag_rules:
            if rule.flag == flag:
                return rule
        raise NotFound(f"unknown safety flag {flag!r} (allowed: {', '.join(SAFETY_FLAGS)})")

    def with_flag(self, flag: str) -> tuple[Point, ...]:
        """Return every point carrying ``flag``. Raises ``NotFound`` for an unknown flag."""
        self.flag_rule(flag)
        return tuple(p for p in self.points if flag in p.safety_flags)

    def cited_keys(self) -> set[str]:
        """Return the header citations plus every source cited by a note or flag rule."""
        keys = set(self.citations)
        for rule in self.flag_rules:
            keys.update(rule.sources)
        for point in self.points:
            for note in (point.location, point.caution):
                if note is not None:
                    keys.update(note.sources)
        return keys

    def point_codes(self) -> set[str]:
        """Return every point code defined here (they trivially exist)."""
        return set(self.codes())
