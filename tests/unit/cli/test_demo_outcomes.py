"""How a demo course goes: who stops, when a course ends, how the improvement builds up (``cli.demo_outcomes``)."""

from __future__ import annotations

import random

import pytest

from acupath.cli.demo_outcomes import SiteOutcomes, draw_outcome, response_share

# A 20-session plan reassessed at sessions 6, 8, 12, 16 and 20 (the low back pain protocol's shape).
PLAN = [{"number": n, "reassess": ["nrs"] if n in (6, 8, 12, 16, 20) else []} for n in range(1, 21)]


def _draws(site: SiteOutcomes, n: int = 4000) -> list:
    rng = random.Random(3)
    return [draw_outcome(rng, site, PLAN) for _ in range(n)]


def test_each_kind_ends_where_the_protocols_checkpoints_say() -> None:
    site = SiteOutcomes(mix=(("responder", 0.5, 0.4, 0.6), ("partial", 0.25, 0.1, 0.2),
                             ("non_responder", 0.25, 0.0, 0.05)), no_follow_up=0.1, early_stop=0.1)
    for outcome in _draws(site):
        if outcome.kind == "no_follow_up":
            assert outcome.last_session == 0 and outcome.ending == "discontinued"
        elif outcome.kind == "stopped_early":
            assert 1 <= outcome.last_session < 6 and outcome.ending == "discontinued"
        elif outcome.kind == "responder":
            assert outcome.last_session in (8, 12) and outcome.ending == "completed"
            assert 0.4 <= outcome.improvement <= 0.6
        elif outcome.kind == "partial":
            assert outcome.last_session in (12, 16) and outcome.ending == "completed"
        else:
            assert outcome.kind == "non_responder"
            assert outcome.last_session == 8 and outcome.ending == "discontinued"


@pytest.mark.parametrize("no_follow_up", [0.0, 0.1, 0.3])
def test_the_share_without_follow_up_is_the_sites(no_follow_up: float) -> None:
    site = SiteOutcomes(mix=(("responder", 1.0, 0.4, 0.6),), no_follow_up=no_follow_up, early_stop=0.05)
    draws = _draws(site)
    share = sum(d.kind == "no_follow_up" for d in draws) / len(draws)
    assert share == pytest.approx(no_follow_up, abs=0.025)


def test_a_plan_without_reassessment_stops_early_rather_than_running_on() -> None:
    site = SiteOutcomes(mix=(("responder", 1.0, 0.4, 0.6),), no_follow_up=0.0, early_stop=0.0)
    plan = [{"number": n, "reassess": []} for n in range(1, 5)]
    outcome = draw_outcome(random.Random(1), site, plan)
    assert outcome.kind == "stopped_early" and 1 <= outcome.last_session <= 4


def test_the_improvement_builds_up_to_the_first_checkpoint_and_holds() -> None:
    assert [response_share(n, 6) for n in (1, 3, 6, 8, 20)] == [1 / 6, 0.5, 1.0, 1.0, 1.0]
