"""The protocol for an intake's condition, compiled once per knowledge base.

A ``Protocol`` resolves a condition file, its variant (upper back pain uses the low back protocol with
its own local points) and the shared programme into plain tuples the planner walks quickly. Compiled
protocols are cached per knowledge base, so building many plans costs one compilation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acupath.errors import InputError
from acupath.knowledge.schema.conditions import (
    AshiPoints,
    Checkpoint,
    ConditionFile,
    Electroacupuncture,
    Pattern,
    Phase,
    ProtocolPoint,
)
from acupath.knowledge.schema.programme import AdjunctSet, Component, ProgrammeFile


@dataclass(frozen=True)
class Protocol:
    """Everything the planner needs for one intake condition, from one knowledge base."""

    condition: str
    source: ConditionFile
    points: tuple[ProtocolPoint, ...]
    ashi: AshiPoints | None
    patterns: dict[str, Pattern]
    electroacupuncture: Electroacupuncture
    electrode_pairs: tuple[tuple[str, str], ...]
    phases: tuple[Phase, ...]
    checkpoints: tuple[Checkpoint, ...]
    minimum_sessions: int
    reassessment_instruments: tuple[str, ...]
    variant_source: str
    #: The body regions the condition is treated at (a variant's own when it names them).
    regions: tuple[str, ...] = ()

    def fits(self, instrument: Any) -> bool:
        """Return whether ``instrument`` (an instrument file, or None) was made for this condition's regions:
        one made for any region (none named) fits every condition; STarT Back (low back) fits no knee."""
        made_for = tuple(getattr(instrument, "regions", ()) or ())
        return not made_for or bool(set(made_for) & set(self.regions))

    def pattern(self, pattern_id: str | None) -> Pattern | None:
        """Return the named pattern, or None when no pattern was given.

        Raises ``InputError`` on ``pattern`` naming the allowed patterns when the id is unknown.
        """
        if pattern_id is None:
            return None
        try:
            return self.patterns[pattern_id]
        except KeyError:
            raise InputError(
                "pattern", f"{pattern_id!r} is not a pattern of {self.condition}", sorted(self.patterns) or "none"
            ) from None


@dataclass(frozen=True)
class Programme:
    """The shared programme, indexed: components, adjunct sets by id, budget, spacing."""

    source: ProgrammeFile
    components: tuple[Component, ...]
    adjuncts: dict[str, AdjunctSet]
    min_needles: int
    max_needles: int
    min_gap_days: int


@dataclass(frozen=True)
class Compiled:
    """All protocols (by intake condition) and the programme of one knowledge base."""

    version: str
    protocols: dict[str, Protocol]
    programme: Programme


def compiled(kb: Any) -> Compiled:
    """Return the compiled protocols of ``kb`` (compiled once per knowledge base: ``kb.derived``)."""
    return kb.derived.get("planning.protocols", kb.version, lambda: _compile(kb), capacity=1)


def protocol_for(kb: Any, condition: str) -> Protocol:
    """Return the protocol for an intake ``condition``.

    Raises ``InputError`` on ``condition`` naming the conditions the knowledge base has protocols for.
    """
    protocols = compiled(kb).protocols
    try:
        return protocols[condition]
    except KeyError:
        raise InputError("condition", f"no protocol for {condition!r}", sorted(protocols)) from None


def _compile(kb: Any) -> Compiled:
    protocols: dict[str, Protocol] = {}
    for condition_file in kb.conditions.values():
        protocols[condition_file.id] = _protocol(condition_file)
        for variant in condition_file.variants:
            local = tuple(p for p in condition_file.points if p.role != "local")
            protocols[variant.condition] = _protocol(
                condition_file,
                condition=variant.condition,
                points=variant.local_points + local,
                pairs=variant.electrode_pairs or condition_file.electroacupuncture.electrode_pairs,
                variant_source=f"{condition_file.id}:{variant.condition}",
                instruments=variant.reassessment_instruments,
                regions=variant.regions or condition_file.regions,
            )
    source: ProgrammeFile = kb.programme
    programme = Programme(
        source=source,
        components=source.components,
        adjuncts={a.id: a for a in source.adjunct_sets},
        min_needles=source.needle_budget.minimum,
        max_needles=source.needle_budget.maximum,
        min_gap_days=source.spacing.min_days,
    )
    return Compiled(version=kb.version, protocols=protocols, programme=programme)


def _protocol(
    source: ConditionFile,
    condition: str | None = None,
    points: tuple[ProtocolPoint, ...] | None = None,
    pairs: tuple[tuple[str, str], ...] | None = None,
    variant_source: str | None = None,
    instruments: tuple[str, ...] | None = None,
    regions: tuple[str, ...] | None = None,
) -> Protocol:
    return Protocol(
        condition=condition or source.id,
        source=source,
        points=points if points is not None else source.points,
        ashi=source.ashi,
        patterns={p.id: p for p in source.patterns},
        electroacupuncture=source.electroacupuncture,
        electrode_pairs=pairs if pairs is not None else source.electroacupuncture.electrode_pairs,
        phases=source.phases,
        checkpoints=source.checkpoints,
        minimum_sessions=source.minimum_sessions,
        reassessment_instruments=instruments if instruments is not None else source.reassessment_instruments,
        variant_source=variant_source or source.id,
        regions=tuple(regions if regions is not None else source.regions),
    )
