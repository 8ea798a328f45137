"""coverage.yaml's CPT codes: the four acupuncture codes are there once each, cited, and a billing section
missing one is refused naming what is wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from acupath.knowledge.schema.coverage import Billing


def test_the_cpt_codes_are_97810_to_97814_by_stimulation_and_unit(kb) -> None:
    cpt = kb.coverage.billing.cpt
    assert cpt.unit_minutes == 15
    assert {(c.code, c.electrical_stimulation, c.unit) for c in cpt.codes} == {
        ("97810", False, "initial"), ("97811", False, "additional"),
        ("97813", True, "initial"), ("97814", True, "additional")}
    known = {c.key for c in kb.citations.sources}
    assert cpt.citations and set(cpt.citations) <= known


def test_a_billing_section_without_an_additional_code_is_refused(kb) -> None:
    data = kb.coverage.billing.model_dump()
    data["cpt"]["codes"] = [c for c in data["cpt"]["codes"] if c["code"] != "97814"]
    with pytest.raises(ValidationError, match="exactly one code"):
        Billing.model_validate(data)
