"""acupath.analytics: practice evidence, which plans work in this clinic (infrastructure: SQL over storage).

``cohort`` is the outcome cohort (one ``Course`` per treatment course); ``responder_table`` /
``responder_rates``, ``mean_changes`` and ``time_to_response`` answer the questions by one facet or
a pair (``FACETS``), every small cell suppressed. Each takes a SQLAlchemy connection (or session) of
the clinic's database, the knowledge base and a ``CohortFilter``; the roots call them through
``services.practice_evidence`` (role, audit, the actor's clinic).
"""

from acupath.analytics.cohort import CohortFilter, Course, cohort
from acupath.analytics.facets import FACETS, parse_facets
from acupath.analytics.questions import (
    MIN_CELL,
    Curve,
    MeanRow,
    RateRow,
    ResponderTable,
    mean_changes,
    responder_rates,
    responder_table,
    time_to_response,
)

__all__ = ["FACETS", "MIN_CELL", "CohortFilter", "Course", "Curve", "MeanRow", "RateRow", "ResponderTable",
           "cohort", "mean_changes", "parse_facets", "responder_rates", "responder_table", "time_to_response"]
