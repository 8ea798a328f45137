"""CDS Hooks cards from a screening: one card per finding, none dropped.

The indicator (CDS Hooks 2.0 "Card Attributes"):

- ``critical`` — a finding in force that forbids what is being ordered (it excludes a modality of an
  acupuncture order: electroacupuncture with an implanted device; any needling with a severe bleeding
  disorder), a red flag that stops treatment until a medical assessment (referral, urgent referral) when
  acupuncture is ordered, and any urgent finding; unless the finding holds only for some of the pain
  conditions screened (the record did not say which is treated), when it is at most a warning;
- ``warning`` — any other finding in force of high or moderate severity (pregnancy-restricted points,
  an anticoagulant, a referral red flag seen at patient-view);
- ``info`` — low severity, and a finding a clinician overrode in acupath (shown with the reason).

The finding's citations are its ``links`` (each cited source with a URL or DOI); the first of them is the
card's ``source``. Where a finding excludes electroacupuncture from an EA order, the card suggests
ordering acupuncture without electrical stimulation instead (delete the EA ServiceRequest, create a
manual one) when manual needling is allowed, or removing the order; a critical finding that forbids any
needling, or stops treatment until a medical assessment, suggests removing the order. An order without
an id gets no suggestion (a delete needs the resource's id); its card says which order it is about.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from acupath.fhir.canonical import Canon
from acupath.fhir.cds.ehr_screening import EhrScreening
from acupath.fhir.cds.orders import AcupunctureOrder, manual_instead
from acupath.fhir.terminology import CDS_OVERRIDE_CONCEPTS, CDS_OVERRIDE_REASONS, FINDINGS
from acupath.knowledge import KnowledgeBase
from acupath.safety.findings import Action, Finding, Severity

SUMMARY_MAX = 139  # CDS Hooks: "<140-character summary"
_STOPS = (Action.URGENT_REFERRAL, Action.REFERRAL)


@dataclass(frozen=True)
class CardContext:
    """What every card of one answer shares: the hook instance (card uuids derive from it), the
    acupuncture orders being signed (none at patient-view), the knowledge base and canonical URLs."""

    hook_instance: str
    orders: tuple[AcupunctureOrder, ...]
    kb: KnowledgeBase
    canon: Canon

    def uuid(self, *parts: str) -> str:
        """Return a uuid that is the same for the same hook instance and parts (a card, a suggestion)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("acupath-cds", self.hook_instance, *parts))))


def shorten(text: str, limit: int = SUMMARY_MAX) -> str:
    """Return ``text`` (spaces collapsed) cut at a word to at most ``limit`` characters, with ``…``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _blocked_orders(finding: Finding, ctx: CardContext) -> list[AcupunctureOrder]:
    if not finding.in_force:
        return []
    if finding.action in _STOPS:
        return list(ctx.orders)
    return [o for o in ctx.orders if finding.affects.modalities & o.modalities]


def indicator(finding: Finding, ctx: CardContext, conditional: bool = False) -> str:
    """Return ``critical``, ``warning`` or ``info`` for ``finding`` (see the module docstring).

    A ``conditional`` finding holds only for some of the pain conditions screened (the record did not
    say which is treated): at most a warning, since it may not apply.
    """
    if not finding.in_force:
        return "info"
    if not conditional and (finding.severity is Severity.URGENT or _blocked_orders(finding, ctx)):
        return "critical"
    return "info" if finding.severity is Severity.LOW else "warning"


def _citations(codes: Iterable[str], kb: KnowledgeBase) -> list[tuple[str, str | None]]:
    sources = {s.key: s for s in kb.citations.sources}
    out = []
    for code in codes:
        source = sources.get(code)
        if source is None:
            continue
        url = source.url or (f"https://doi.org/{source.doi}" if source.doi else None)
        out.append((shorten(source.text, 90), url))
    return out


def _suggestions(finding: Finding, blocked: list[AcupunctureOrder], ctx: CardContext,
                 manual_allowed: bool) -> list[dict[str, Any]]:
    orders = [o for o in blocked if o.reference]
    if not orders:
        return []
    suggestions = []
    ea = [o for o in orders if o.electrical]
    if ea and manual_allowed and "electro" in finding.affects.modalities and finding.action not in _STOPS:
        actions: list[dict[str, Any]] = []
        for order in ea:
            actions.append({"type": "delete", "description": "Remove the electroacupuncture order",
                            "resourceId": order.reference})
            actions.append({"type": "create", "description": "Order acupuncture without electrical stimulation",
                            "resource": manual_instead(order, ctx.kb)})
        suggestions.append({"label": "Order manual acupuncture instead of electroacupuncture",
                            "uuid": ctx.uuid(finding.code, "manual-instead"), "isRecommended": True,
                            "actions": actions})
    removed = [{"type": "delete", "description": "Remove the acupuncture order", "resourceId": o.reference}
               for o in orders]
    label = "Remove the electroacupuncture order" if all(o.electrical for o in orders) else "Remove the acupuncture order"
    suggestions.append({"label": label, "uuid": ctx.uuid(finding.code, "remove"), "actions": removed})
    return suggestions


def _detail(finding: Finding, ctx: CardContext, blocked: list[AcupunctureOrder], applies_to: tuple[str, ...],
            citations: list[tuple[str, str | None]], origin: str) -> str:
    lines = [finding.message]
    if blocked:
        names = ", ".join(f"`{o.reference or 'ServiceRequest'}` ({o.recognised_by})" for o in blocked)
        lines.append(f"**Order{'s' if len(blocked) > 1 else ''} affected:** {names}.")
    if applies_to:
        lines.append("**Applies if the pain treated is:** " + ", ".join(c.replace("_", " ") for c in applies_to) + ".")
    if finding.override is not None:
        o = finding.override
        when = f" on {o.on.isoformat()}" if o.on else ""
        lines.append(f"**Overridden in acupath** by {o.by}{when}: {o.reason}")
    if finding.note:
        lines.append(f"*Note:* {finding.note}")
    lines.append("**Sources:** " + "; ".join(text for text, _ in citations) if citations else "")
    lines.append(f"*{origin}; rule `{finding.code}`, knowledge {ctx.kb.version}.*")
    return "\n\n".join(line for line in lines if line)


def finding_card(finding: Finding, ctx: CardContext, *, applies_to: tuple[str, ...] = (), origin: str,
                 manual_allowed: bool = True) -> dict[str, Any]:
    """Return the card of one finding (``origin`` says whose screening found it)."""
    level = indicator(finding, ctx, conditional=bool(applies_to))
    blocked = _blocked_orders(finding, ctx) if level == "critical" else []
    citations = _citations(finding.citations, ctx.kb)
    linked = [(text, url) for text, url in citations if url]
    first_sentence = finding.message.split(". ")[0]
    prefix = ""
    if level == "critical" and blocked:
        prefix = "Electroacupuncture order: " if all(o.electrical for o in blocked) and finding.action not in _STOPS \
            else "Acupuncture order: "
    card: dict[str, Any] = {
        "uuid": ctx.uuid(finding.code),
        "summary": shorten(prefix + first_sentence),
        "detail": _detail(finding, ctx, blocked, applies_to, citations, origin),
        "indicator": level,
        "source": {"label": "acupath safety screening" + (f" · {shorten(linked[0][0], 60)}" if linked else ""),
                   "topic": {"system": ctx.canon.code_system(FINDINGS), "code": finding.code,
                             "display": shorten(first_sentence, 80)}},
    }
    if linked:
        card["source"]["url"] = linked[0][1]
        card["links"] = [{"label": text, "url": url, "type": "absolute"} for text, url in linked]
    suggestions = _suggestions(finding, blocked, ctx, manual_allowed)
    if suggestions:
        card["suggestions"] = suggestions
        card["selectionBehavior"] = "at-most-one"
    if level != "info":
        system = ctx.canon.code_system(CDS_OVERRIDE_REASONS)  # published: GET /fhir/R4/CodeSystem/cds-override-reasons
        card["overrideReasons"] = [{"system": system, "code": c, "display": d} for c, d, _ in CDS_OVERRIDE_CONCEPTS]
    return card


def record_card(screening: EhrScreening, ctx: CardContext) -> dict[str, Any] | None:
    """Return the info card of what was read from the EHR's record and what it did not say (None: nothing to say)."""
    read = [f"- {m.answer.answer.replace('_', ' ')} = {m.answer.value} ← `{m.source}` “{shorten(m.text, 60)}”"
            for m in screening.matches]
    if not read and not screening.unknown:
        return None
    lines = []
    if read:
        lines.append("**Read from the record:**\n" + "\n".join(read))
    if screening.unknown:
        lines.append("**Not known from the request** (acupath does not query the EHR's FHIR server):\n"
                     + "\n".join(f"- {u}" for u in screening.unknown))
    summary = "acupath screened what the EHR sent" + (
        f"; {len(screening.unknown)} part{'s' if len(screening.unknown) > 1 else ''} of the record unknown"
        if screening.unknown else "")
    return {"uuid": ctx.uuid("record"), "summary": shorten(summary), "detail": "\n\n".join(lines),
            "indicator": "info", "source": {"label": "acupath safety screening"}}
