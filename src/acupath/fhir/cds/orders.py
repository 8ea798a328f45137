"""Acupuncture orders among an EHR's draft orders: which ServiceRequests, and with electrical stimulation?

An order is recognised by a CPT code of coverage.yaml ``billing.cpt`` (97810/97811 manual, 97813/97814
with electrical stimulation: shared/reference/clinical.md §4.5), a SNOMED CT code of ehr_terms.yaml, or
the words of its code's text. Any sign of electrical stimulation makes it electroacupuncture: a code
saying so wins over one that does not (the cautious reading of an order carrying both).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from acupath.fhir.cds.record_terms import codings, concept_text, matches_terms, resources_in
from acupath.fhir.terminology import CPT
from acupath.knowledge import KnowledgeBase

SNOMED = "http://snomed.info/sct"
#: Orders that no longer stand are not screened (FHIR R4 request-status).
_GONE = {"revoked", "entered-in-error", "completed"}


@dataclass(frozen=True)
class AcupunctureOrder:
    """One acupuncture ServiceRequest of the draft orders: its id (None when the EHR gave none), whether
    it is electroacupuncture, the resource as sent, and what recognised it (``CPT 97813``, ``text``)."""

    resource_id: str | None
    electrical: bool
    resource: dict[str, Any]
    recognised_by: str

    @property
    def modalities(self) -> frozenset[str]:
        """Return the modalities the order asks for: needling, and electrical stimulation for EA."""
        return frozenset({"manual", "electro"}) if self.electrical else frozenset({"manual"})

    @property
    def reference(self) -> str | None:
        """Return ``ServiceRequest/{id}``, or None when the order has no id."""
        return f"ServiceRequest/{self.resource_id}" if self.resource_id else None


def _coded(order: dict[str, Any], kb: KnowledgeBase) -> list[tuple[bool, str]]:
    cpt = {c.code: c.electrical_stimulation for c in kb.coverage.billing.cpt.codes}
    snomed = {c.code: c.electrical_stimulation for c in kb.ehr_terms.orders.snomed.codes}
    found = []
    for coding in codings(order.get("code")):
        system, code = coding.get("system"), coding.get("code")
        if not isinstance(code, str):
            continue
        if system == CPT and code in cpt:
            found.append((cpt[code], f"CPT {code}"))
        elif system == SNOMED and code in snomed:
            found.append((snomed[code], f"SNOMED CT {code}"))
    return found


def recognise(order: dict[str, Any], kb: KnowledgeBase) -> AcupunctureOrder | None:
    """Return ``order`` as an ``AcupunctureOrder``, or None when it is not one (or no longer stands)."""
    status = order.get("status")  # as sent: a status that is not a string cannot say the order is gone
    if order.get("resourceType") != "ServiceRequest" or (isinstance(status, str) and status in _GONE):
        return None
    found = _coded(order, kb)
    terms = kb.ehr_terms.orders.terms
    text = concept_text(order.get("code"))
    if text and matches_terms(text, terms.electrical):
        found.append((True, "text"))
    elif text and matches_terms(text, terms.manual):
        found.append((False, "text"))
    if not found:
        return None
    electrical = any(e for e, _ in found)
    by = next(b for e, b in found if e is electrical)
    rid = order.get("id")
    return AcupunctureOrder(resource_id=rid if isinstance(rid, str) and rid else None, electrical=electrical,
                            resource=order, recognised_by=by)


def acupuncture_orders(draft_orders: Any, kb: KnowledgeBase) -> list[AcupunctureOrder]:
    """Return the acupuncture orders of the ``draftOrders`` Bundle (in its order; none when it holds none)."""
    return [o for o in (recognise(r, kb) for r in resources_in(draft_orders)) if o is not None]


def manual_instead(order: AcupunctureOrder, kb: KnowledgeBase) -> dict[str, Any]:
    """Return a copy of the EA ``order`` asking for acupuncture without electrical stimulation.

    The CPT codes become their manual counterparts of the same unit (97813 → 97810, 97814 → 97811);
    every other coding and the text are replaced by the manual CPT code's descriptor; the id is dropped
    (a new order).
    """
    codes = kb.coverage.billing.cpt.codes
    unit_of = {c.code: c.unit for c in codes}
    units = [unit_of[c["code"]] for c in _cpt_codings(order.resource) if c.get("code") in unit_of] or ["initial"]
    manual = [kb.coverage.billing.cpt.code_for(False, unit) for unit in dict.fromkeys(units)]
    resource = copy.deepcopy(order.resource)
    resource.pop("id", None)
    resource["code"] = {"coding": [{"system": CPT, "code": c.code, "display": c.descriptor} for c in manual],
                        "text": "Acupuncture without electrical stimulation"}
    return resource


def _cpt_codings(resource: dict[str, Any]) -> Iterable[dict[str, Any]]:
    return [c for c in codings(resource.get("code")) if c.get("system") == CPT and isinstance(c.get("code"), str)]
