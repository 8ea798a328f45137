"""acupath.assessment: questionnaire scoring, bands, flags and change classification.

``score(instrument_id, answers)`` scores one questionnaire; ``classify_change`` compares two scores;
``acupath.assessment.bulk.score_csv`` scores a CSV of responses (vectorised where the instrument allows).
"""

from acupath.assessment.change import Change, McidRule, classify_change, mcid_rule
from acupath.assessment.scoring import Score, Scorer, display_number, score, score_questionnaires, scorer_for

__all__ = ["Change", "McidRule", "Score", "Scorer", "classify_change", "display_number", "mcid_rule", "score", "score_questionnaires", "scorer_for"]
