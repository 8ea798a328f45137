"""GRADE certainty of evidence for one outcome (meta-analysis.md §3.11).

Randomised trials start at High, observational studies at Low. Each of the five domains may rate
down by 1 (serious) or 2 (very serious) levels, imprecision by up to 3 (GRADE 34/35); observational
evidence may rate up for a large effect, a dose-response gradient or opposing residual confounding.
Every change carries its reason. The helpers ``suggest_*`` propose a judgement from numbers; the
thresholds (I² cut-off, MID) are inputs, and a person confirms the suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from acupath.errors import InputError

LEVELS = ("very low", "low", "moderate", "high")
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
UPGRADES = ("large_effect", "dose_response", "opposing_confounding")
START = {"randomised": "high", "randomized": "high", "rct": "high", "observational": "low"}


@dataclass(frozen=True)
class Judgement:
    """A rating down (``levels`` ≥ 1) in one domain, or 0 for "no serious concern", with the reason."""

    domain: str
    levels: int
    reason: str


@dataclass(frozen=True)
class Upgrade:
    """A rating up by ``levels`` for one of the GRADE upgrading factors, with the reason."""

    factor: str
    levels: int
    reason: str


@dataclass(frozen=True)
class Certainty:
    """The final certainty, where it started and every step that moved it."""

    level: str
    start: str
    steps: tuple[str, ...]

    @property
    def symbols(self) -> str:
        """The GRADE symbols, e.g. ⊕⊕⊕○ for moderate."""
        n = LEVELS.index(self.level) + 1
        return "⊕" * n + "○" * (4 - n)


def rate_certainty(design: str, judgements: Sequence[Judgement] = (), upgrades: Sequence[Upgrade] = ()) -> Certainty:
    """Return the GRADE certainty for a body of evidence of ``design`` after the given judgements.

    Raises:
        InputError: unknown design, domain or factor, a domain judged twice, or an out-of-range level.
    """
    start = START.get(design.lower())
    if start is None:
        raise InputError("design", f"unknown study design {design!r}", sorted(START))
    seen: set[str] = set()
    score = LEVELS.index(start)
    steps = [f"start {start} ({design})"]
    for j in judgements:
        if j.domain not in DOMAINS:
            raise InputError("domain", f"unknown GRADE domain {j.domain!r}", DOMAINS)
        if j.domain in seen:
            raise InputError("domain", f"{j.domain} judged twice", "one judgement per domain")
        seen.add(j.domain)
        top = 3 if j.domain == "imprecision" else 2
        if not 0 <= j.levels <= top:
            raise InputError(j.domain, f"cannot rate down {j.levels} levels", f"0 to {top}")
        if j.levels:
            score -= j.levels
            steps.append(f"-{j.levels} {j.domain}: {j.reason}")
    if upgrades and start != "low":
        raise InputError("upgrades", "rating up applies to observational evidence only")
    for u in upgrades:
        if u.factor not in UPGRADES:
            raise InputError("factor", f"unknown upgrading factor {u.factor!r}", UPGRADES)
        if not 1 <= u.levels <= 2:
            raise InputError(u.factor, f"cannot rate up {u.levels} levels", "1 or 2")
        score += u.levels
        steps.append(f"+{u.levels} {u.factor}: {u.reason}")
    level = LEVELS[min(max(score, 0), 3)]
    return Certainty(level, start, tuple(steps))


def suggest_inconsistency(i2: float, *, serious: float = 50.0, very_serious: float = 75.0) -> Judgement:
    """Suggest an inconsistency judgement from I² (%) against the given cut-offs."""
    if i2 >= very_serious:
        return Judgement("inconsistency", 2, f"I² = {i2:.0f}% (>= {very_serious:.0f}%)")
    if i2 >= serious:
        return Judgement("inconsistency", 1, f"I² = {i2:.0f}% (>= {serious:.0f}%)")
    return Judgement("inconsistency", 0, f"I² = {i2:.0f}%")


def suggest_imprecision(ci_lb: float, ci_ub: float, *, null: float = 0.0, mid: float | None = None) -> Judgement:
    """Suggest an imprecision judgement: the CI crosses the null (−1), and also the MID on the other
    side (−2), on the analysis scale."""
    crosses_null = ci_lb < null < ci_ub
    if mid is not None and crosses_null and (ci_lb < null - abs(mid) or ci_ub > null + abs(mid)):
        return Judgement("imprecision", 2, f"CI [{ci_lb:.3g}, {ci_ub:.3g}] includes no effect and the MID")
    if crosses_null:
        return Judgement("imprecision", 1, f"CI [{ci_lb:.3g}, {ci_ub:.3g}] includes no effect")
    return Judgement("imprecision", 0, f"CI [{ci_lb:.3g}, {ci_ub:.3g}] excludes no effect")
