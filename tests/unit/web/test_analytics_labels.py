"""The practice-evidence chart's row labels: codes in words, and a yes or no with what it answers."""

from __future__ import annotations

from acupath.web.routes.analytics import _label


def test_a_rows_label_says_its_groups_in_words_and_names_a_yes_or_no() -> None:
    assert _label({"condition": "chronic_low_back_pain", "ea": "no"}) == "Chronic low back pain · EA: no"
    assert _label({"payer": "self_pay"}) == "Self pay"
    assert _label({"ea": "yes", "start_back": "high"}) == "EA: yes · High"
