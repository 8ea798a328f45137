"""Codes as the pages and the PDF documents say them: ``words`` (``iv_drug_use`` -> "IV drug use").

A code's underscores become spaces; an abbreviation keeps its capitals (``ABBREVIATIONS``, word by word:
"EA implanted device", "PHQ-9 self harm"), which ``str.capitalize`` lowered ("Iv drug use", "tcm"); a few
codes are spelled otherwise as a whole (``SPELLED``). ``finding_for_patient`` says what a safety
finding means, to the patient.
"""

from __future__ import annotations

from acupath.knowledge.schema.safety import SafetyFile

#: Codes whose words are not their letters with spaces: hyphenated words and proper adjectives.
SPELLED = {"long_term_steroids": "long-term steroids", "japanese": "Japanese", "korean": "Korean",
           "electro": "electroacupuncture", "medicare": "Medicare"}
#: Words of a code that are abbreviations, as the clinic writes them.
ABBREVIATIONS = {"ea": "EA", "iv": "IV", "tcm": "TCM", "nrs": "NRS", "phq9": "PHQ-9", "lbp": "LBP",
                 "ncd": "NCD", "mcid": "MCID", "gad7": "GAD-7", "odi": "ODI", "pcs": "PCS", "ndi": "NDI"}


def words(code: str, capital: bool = True) -> str:
    """Return ``code`` in words, its first letter a capital when ``capital`` (a label), else as spelled."""
    text = SPELLED.get(code) or " ".join(ABBREVIATIONS.get(word, word) for word in code.split("_"))
    return text[:1].upper() + text[1:] if capital else text


#: What a finding means for the patient by its action, for a stored finding whose rule the knowledge
#: base no longer holds (every current rule has its own ``for_patient`` sentence in safety.yaml).
FINDING_BY_ACTION = {
    "exclude": "some points or treatments are left out of your plan for your safety",
    "caution": "your clinician keeps an eye on it at every visit; tell them if your pain gets worse, does not get "
               "better, or something new worries you",
    "referral": "a doctor's assessment comes first",
    "urgent_referral": "see a doctor urgently",
}


def finding_for_patient(code: str, action: str | None, safety: SafetyFile) -> str:
    """Return what the finding ``code`` means, in the patient's words: its rule's ``for_patient`` sentence
    (found by its code or a former one), else the code in words with what ``action`` means. Never raises."""
    rule = safety.rule_answering(code)
    if rule is not None:
        return rule.for_patient
    meaning = FINDING_BY_ACTION.get(action or "", "your clinician will explain what it means for your plan")
    return f"{words(code)}: {meaning}."
