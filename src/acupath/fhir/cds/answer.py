"""The answer to one CDS Hooks call: the cards of the EHR record's screening and of acupath's own record.

``prepare`` reads the request (acupuncture orders, the EHR record's screening, acupath's MRN if the
Patient carries it) before the service is asked about acupath's record; ``respond`` turns both into the
``{"cards": [...]}`` the CDS Client shows, most urgent first. ``order-sign`` without an acupuncture order
among the draft orders has nothing to say (``{"cards": []}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.fhir.canonical import Canon
from acupath.fhir.cds.cards import CardContext, finding_card, record_card, shorten
from acupath.fhir.cds.ehr_screening import EhrScreening, screen_record
from acupath.fhir.cds.hooks import HookRequest
from acupath.fhir.cds.orders import AcupunctureOrder, acupuncture_orders
from acupath.fhir.cds.record_terms import listed, resources_in
from acupath.knowledge import KnowledgeBase
from acupath.outcomes import Alert
from acupath.services.cds_hooks import AcupathPatient

_ORDER = {"critical": 0, "warning": 1, "info": 2}
#: Progress alerts that ask the clinician to act (the others inform).
_ACT_ON = {"discontinue", "reassess_diagnosis", "medicare_not_improving", "medicare_annual_cap_reached",
           "safety_follow_up"}


@dataclass(frozen=True)
class Prepared:
    """A call read: its orders (order-sign), the EHR record's screening, and acupath's MRN (or None)."""

    request: HookRequest
    orders: tuple[AcupunctureOrder, ...]
    screening: EhrScreening | None
    mrn: str | None

    @property
    def silent(self) -> bool:
        """True for an order-sign call without an acupuncture order: no screening, no cards."""
        return self.screening is None


def acupath_mrn(patient: dict[str, Any] | None, canon: Canon, clinic_id: str) -> str | None:
    """Return the MRN the EHR's Patient carries under acupath's identifier system for ``clinic_id``."""
    system = canon.identifier_system(f"mrn/{clinic_id}")
    for identifier in listed((patient or {}).get("identifier")):
        if isinstance(identifier, dict) and identifier.get("system") == system and isinstance(identifier.get("value"), str):
            return identifier["value"]
    return None


def prepare(service_id: str, request: HookRequest, kb: KnowledgeBase, canon: Canon, clinic_id: str,
            today: date) -> Prepared:
    """Return the ``Prepared`` call. Raises ``KnowledgeError`` (ehr_terms.yaml refused by the intake)."""
    prefetch = request.prefetch or {}
    orders = tuple(acupuncture_orders(request.context.get("draftOrders"), kb)) if service_id == "order-sign" else ()
    if service_id == "order-sign" and not orders:
        return Prepared(request=request, orders=(), screening=None, mrn=None)
    screening = screen_record(prefetch, [o.resource for o in orders], kb, today)
    patient = next(resources_in(prefetch.get("patient")), None)
    return Prepared(request=request, orders=orders, screening=screening, mrn=acupath_mrn(patient, canon, clinic_id))


def _alert_card(alert: Alert, ctx: CardContext, kb: KnowledgeBase) -> dict[str, Any]:
    sources = {s.key: s for s in kb.citations.sources}
    links = [{"label": shorten(sources[c].text, 90), "url": sources[c].url, "type": "absolute"}
             for c in alert.citations if c in sources and sources[c].url]
    card: dict[str, Any] = {
        "uuid": ctx.uuid("alert", alert.code, str(alert.session)),
        "summary": shorten(alert.message.split(": ")[0] if len(alert.message) > 139 else alert.message),
        "detail": f"{alert.message}\n\n*acupath progress, session {alert.session}; alert `{alert.code}`.*",
        "indicator": "warning" if alert.code in _ACT_ON else "info",
        "source": {"label": "acupath progress"},
    }
    if links:
        card["links"] = links
    return card


def respond(prepared: Prepared, acupath: AcupathPatient | None, kb: KnowledgeBase, canon: Canon) -> dict[str, Any]:
    """Return the CDS Hooks response: every finding's card, acupath's alerts, what was read; most urgent first."""
    screening = prepared.screening
    if screening is None:
        return {"cards": []}
    ctx = CardContext(hook_instance=prepared.request.hookInstance, orders=prepared.orders, kb=kb, canon=canon)
    in_force = [f for f in screening.findings if f.in_force]
    ehr_codes = {f.code for f in screening.findings}
    own = [f for f in (acupath.findings if acupath else ()) if f.code not in ehr_codes]
    manual_allowed = not any("manual" in f.affects.modalities for f in [*in_force, *(f for f in own if f.in_force)])
    cards = [finding_card(f, ctx, applies_to=screening.applies_to.get(f.code, ()), manual_allowed=manual_allowed,
                          origin="Screened from the EHR's record") for f in screening.findings]
    if acupath is not None:
        on = acupath.screened_on.isoformat() if acupath.screened_on else "an unknown day"
        cards += [finding_card(f, ctx, manual_allowed=manual_allowed, origin=f"acupath's screening of {on}")
                  for f in own]
        cards += [_alert_card(a, ctx, kb) for a in acupath.alerts]
        cards += [{"uuid": ctx.uuid("overdue", plan_id), "indicator": "warning",
                   "summary": "acupath: a planned reassessment is overdue; give the questionnaires at the next visit",
                   "detail": f"The plan `{plan_id}` scheduled a reassessment that has not been recorded.",
                   "source": {"label": "acupath progress"}} for plan_id in acupath.overdue_plans]
    record = record_card(screening, ctx)
    if record is not None:
        cards.append(record)
    cards.sort(key=lambda card: _ORDER[card["indicator"]])
    return {"cards": cards}
