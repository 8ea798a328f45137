"""Every safety rule says what it means to the patient: in plain words, to "you", without point codes,
placeholders or the clinician's terms (the printed plan's "For your safety" reads these sentences)."""

from __future__ import annotations

import re

import pytest

from acupath.knowledge import load_knowledge

KB = load_knowledge()
#: Words of the clinician's message a patient should not meet unexplained.
CLINICIAN_TERMS = ("contraindicat", "red flag", "referral", "override", "EA ", "myelopathy", "cauda equina",
                   "supratherapeutic", "asepsis", "auricular", "PHQ-9", "seed ")


@pytest.mark.parametrize("rule", KB.safety.rules, ids=lambda rule: rule.code)
def test_a_rule_speaks_to_the_patient_in_plain_words(rule) -> None:
    text = rule.for_patient
    assert re.search(r"\byou(r)?\b", text, re.IGNORECASE), "said to the patient"
    assert "{" not in text and "}" not in text, "no placeholder is filled in the patient's sentence"
    assert not [term for term in CLINICIAN_TERMS if term in text]
    codes = set(KB.points.codes())
    assert not [word for word in re.findall(r"\b[A-Z]{1,3}\d{1,2}\b", text) if word in codes]
    assert text.endswith(".") and text[0].isupper()


def test_a_former_code_finds_the_rule_it_became_and_an_unknown_code_none() -> None:
    assert KB.safety.rule_answering("lbp_malignancy") is KB.safety.rule("systemic_malignancy")
    assert KB.safety.rule_answering("systemic_malignancy") is KB.safety.rule("systemic_malignancy")
    assert KB.safety.rule_answering("no_such_rule") is None
    # A former code split between two rules names neither: a finding from osteoporosis must not be told
    # "after your recent injury" (lbp_fracture became systemic_fracture and back_fracture_risk).
    assert {r.code for r in KB.safety.rules if "lbp_fracture" in r.former_codes} == {"systemic_fracture",
                                                                                     "back_fracture_risk"}
    assert KB.safety.rule_answering("lbp_fracture") is None and KB.safety.rule_answering("lbp_infection") is None
