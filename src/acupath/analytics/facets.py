"""The facets a cohort is grouped by: their names, and the SQL column each one reads.

Facet names are the issue's (condition, pattern, protocol_version, ea, ea_frequency, start_back,
practitioner, payer, component) and the plan's point set. ``component`` is many-valued: a course with
three components counts once in each of their groups, and a course with none in ``none``.
"""

from __future__ import annotations

from acupath.errors import InputError

#: facet name -> the column of the per-course query (``acupath.analytics.cohort``) that holds its value
FACETS: dict[str, str] = {
    "condition": "condition",
    "pattern": "pattern",
    "protocol_version": "protocol_version",
    "ea": "ea",
    "ea_frequency": "ea_frequency",
    "point_set": "point_set",
    "component": "component",
    "start_back": "start_back",
    "practitioner": "practitioner",
    "payer": "payer",
}

#: At most this many facets at once (a facet, or a pair of facets).
MOST_FACETS = 2


def parse_facets(by: str | tuple[str, ...] | list[str], field: str = "by") -> tuple[str, ...]:
    """Return the facet names of ``by`` ("condition,ea" or a sequence), in order, without repeats.

    Raises ``InputError`` naming ``field`` and the allowed facets for an unknown name, none, or more than two.
    """
    names = [n.strip() for n in (by.split(",") if isinstance(by, str) else by)]
    names = [n for n in names if n]
    if not names:
        raise InputError(field, "name one facet or two, separated by a comma", sorted(FACETS))
    for name in names:
        if name not in FACETS:
            raise InputError(field, f"unknown facet {name!r}", sorted(FACETS))
    if len(set(names)) != len(names) or len(names) > MOST_FACETS:
        raise InputError(field, "name one facet or two different ones", sorted(FACETS))
    return tuple(names)


#: The two analyses every question reports: every course (intention to treat), or those followed up.
ANALYSES = ("itt", "completers")


def parse_analysis(analysis: str, field: str = "analysis") -> str:
    """Return ``analysis`` when it is ``itt`` or ``completers``. Raises ``InputError`` naming ``field``."""
    if analysis not in ANALYSES:
        raise InputError(field, f"unknown analysis {analysis[:40]!r}", list(ANALYSES))
    return analysis
