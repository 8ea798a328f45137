"""The pages' words for codes: abbreviations keep their capitals (it said "Iv drug use" and "tcm")."""

from __future__ import annotations

import pytest

from acupath.web.wording import words


@pytest.mark.parametrize(("code", "capital", "said"), [
    ("iv_drug_use", True, "IV drug use"),
    ("long_term_steroids", True, "Long-term steroids"),
    ("saddle_anaesthesia", True, "Saddle anaesthesia"),
    ("tcm", False, "TCM"),
    ("five_element", False, "five element"),
    ("japanese", False, "Japanese"),                # a proper adjective, in the middle of a list too
    ("ea_implanted_device", True, "EA implanted device"),   # an abbreviation within a code
    ("phq9_self_harm", True, "PHQ-9 self harm"),
    ("electro", True, "Electroacupuncture"),        # the plan's modality, not its code
    ("self_pay", True, "Self pay"),
])
def test_a_code_is_said_in_words(code: str, capital: bool, said: str) -> None:
    assert words(code, capital) == said
