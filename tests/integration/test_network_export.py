"""A clinic's aggregate file from its database, on SQLite and PostgreSQL: counts and summaries by hand,
small cells suppressed, nothing of another clinic."""

from __future__ import annotations

import statistics
from datetime import date

import pytest
from integration_support import Staff
from sqlalchemy import Engine
from test_analytics_cohort import PAINS, _course

from acupath.analytics import CohortFilter
from acupath.analytics.network_aggregates import export_aggregates, parse_aggregates


@pytest.fixture
def courses(engine: Engine, staff: Staff, kb):
    # The analytics cohort's knee courses (intake NRS 5; pains before each session; [] never treated).
    return [_course(engine, staff, kb, pains, n) for n, pains in enumerate(PAINS)]


def _export(engine: Engine, kb, clinic_id: str, min_cell: int) -> dict:
    with engine.connect() as connection:
        return export_aggregates(connection, kb, CohortFilter(clinic_id=clinic_id), exported_on=date(2026, 12, 6),
                                 at_session=None, min_cell=min_cell)


def test_the_file_holds_the_courses_responders_and_mean_improvement_by_hand(engine, staff, kb, courses) -> None:
    payload = _export(engine, kb, staff.clinic_id, min_cell=1)
    assert payload["clinic"] == "Harbour Clinic" and payload["min_cell"] == 1
    [knee] = payload["conditions"]
    # By hand: baseline 5 (the intake's NRS); the last pains 3, 4 and 2 reach the MCID (2 points or 30 %).
    improvements = [5 - pains[-1] for pains in PAINS if pains]
    assert knee == {"condition": "knee_osteoarthritis", "courses": 7, "responders": 3, "followed_up": 6,
                    "mean_improvement": pytest.approx(statistics.mean(improvements)),
                    "sd_improvement": pytest.approx(statistics.stdev(improvements))}
    parse_aggregates(payload, "export")  # what is signed is what pool accepts


def test_a_cell_under_min_cell_is_suppressed_whole(engine, staff, kb, courses) -> None:
    payload = _export(engine, kb, staff.clinic_id, min_cell=7)  # 7 courses shown, 6 followed up suppressed
    assert payload["conditions"] == [{"condition": "knee_osteoarthritis", "courses": 7, "responders": 3,
                                      "followed_up": None, "mean_improvement": None, "sd_improvement": None}]
    payload = _export(engine, kb, staff.clinic_id, min_cell=10)
    assert all(value is None for key, value in payload["conditions"][0].items() if key != "condition")


def test_another_clinic_exports_none_of_these_courses(engine, staff, kb, courses) -> None:
    payload = _export(engine, kb, staff.dr_outsider.clinic_id, min_cell=1)
    assert payload["clinic"] == "Hill Clinic" and payload["conditions"] == []
