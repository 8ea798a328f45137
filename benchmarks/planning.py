"""Screening + planning throughput on one core, over varied intakes (issue 3, item 7).

Run: ``.venv/bin/python -m benchmarks.planning [--seconds 3] [--intakes 400]``.

Each "complete plan" is ``screen(intake)`` then ``build_plan(intake, screening, kb)`` on an already
parsed intake (questionnaires scored inside). The baseline measured in the same run is parsing the same
intake mappings (``parse_intake``), so the ratio says how many intake parses one plan costs; the
target is at least 2,000 plans a second. Intakes vary condition, pattern, pain, safety facts, payer,
clinic days and questionnaires, from a fixed seed so runs compare.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from acupath.assessment.intake import parse_intake
from acupath.knowledge import load_knowledge
from acupath.planning import build_plan
from acupath.safety import screen

TARGET_PER_SECOND = 2000
CONDITIONS = ("chronic_low_back_pain", "upper_back_pain", "neck_pain", "migraine", "fibromyalgia",
              "knee_osteoarthritis")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat")
SITES = ("lower_back", "upper_back", "neck_posterior", "left_knee", "right_knee", "knee", "scalp", "shoulder")


def varied_intakes(count: int, seed: int = 3, start_days: int = 60) -> list[dict[str, Any]]:
    """Return ``count`` intake mappings varied over every field planning reads (fixed seed).

    Start dates spread over ``start_days`` days from 2026-12-01.
    """
    kb = load_knowledge()
    rng = random.Random(seed)
    found = []
    for i in range(count):
        condition = CONDITIONS[i % len(CONDITIONS)]
        source = "chronic_low_back_pain" if condition == "upper_back_pain" else condition
        patterns = [p.id for p in kb.conditions[source].patterns]
        rare = lambda: rng.random() < 0.1  # noqa: E731 - a one-line local draw
        data: dict[str, Any] = {
            "patient": {"id": f"bench-{i}", "birth_date": f"{rng.randint(1940, 2000)}-0{rng.randint(1, 9)}-15",
                        "sex": rng.choice(["female", "male"])},
            "condition": condition,
            "pain": {"duration_weeks": rng.randint(12, 300), "nrs": rng.randint(2, 10),
                     "sites": rng.sample(SITES, rng.randint(1, 2)), "radiating_leg_pain": rare(),
                     "widespread": rare()},
            "history": {"osteoporosis": rare(), "immunosuppression": rare()},
            "safety": {"anticoagulant": rare(), "implanted_electronic_device": rare(), "needle_phobia": rare(),
                       "skin_lesions_at": ["left_knee"] if rare() else []},
            "payer": rng.choice(["medicare", "private", "self_pay"]),
            "schedule": {"start": (date(2026, 12, 1) + timedelta(days=rng.randint(0, start_days))).isoformat(),
                         "clinic_days": sorted(rng.sample(WEEKDAYS, rng.randint(1, 4)), key=WEEKDAYS.index)},
            "questionnaires": {},
        }
        if patterns and rng.random() < 0.5:
            data["pattern"] = rng.choice(patterns)
        if rng.random() < 0.5:
            data["questionnaires"]["isi"] = {f"q{k}": rng.randint(0, 4) for k in range(1, 8)}
        if rng.random() < 0.3:
            data["questionnaires"]["pcs"] = {f"q{k}": rng.randint(0, 4) for k in range(1, 14)}
        if rng.random() < 0.3:
            data["questionnaires"]["phq9"] = {f"q{k}": rng.randint(0, 3) for k in range(1, 9)} | {"q9": 0}
        found.append(data)
    return found


def rate(work: Callable[[Any], Any], items: list[Any], seconds: float) -> float:
    """Return how many items ``work`` handles per second, cycling ``items`` for about ``seconds``."""
    done = 0
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for item in items:
            work(item)
        done += len(items)
    return done / (time.perf_counter() - began)


def main(argv: list[str] | None = None) -> None:
    """Measure and print the baseline, the plan throughput and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each measurement")
    parser.add_argument("--intakes", type=int, default=400, help="how many varied intakes to cycle")
    parser.add_argument("--fresh", type=int, default=3000, help="intakes planned once, with rare start dates")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    kb = load_knowledge()
    raw = varied_intakes(args.intakes)
    intakes = [parse_intake(data) for data in raw]
    statuses: dict[str, int] = {}

    def plan_one(intake: Any) -> Any:
        screening = screen(intake, kb=kb, today=intake.schedule.start)
        return build_plan(intake, screening, kb)

    for intake in intakes:  # warm the caches once and count outcomes
        status = plan_one(intake).status
        statuses[status] = statuses.get(status, 0) + 1
    fresh = [parse_intake(d) for d in varied_intakes(args.fresh, seed=11, start_days=3000)]
    began = time.perf_counter()
    for intake in fresh:  # one pass: start dates over 8 years, so schedules are mostly not cached
        plan_one(intake)
    cold = len(fresh) / (time.perf_counter() - began)
    baseline = rate(parse_intake, raw, args.seconds)
    plans = rate(plan_one, intakes, args.seconds)
    print(f"intakes: {len(intakes)} varied ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))})")
    print(f"baseline parse_intake:        {baseline:10.0f} /s")
    print(f"screen + build_plan (1 core): {plans:10.0f} plans/s  (target {TARGET_PER_SECOND})")
    print(f"ratio plan / parse:           {baseline / plans:10.2f} parses per plan")
    print(f"one pass over {len(fresh)} fresh intakes:  {cold:6.0f} plans/s  (schedules mostly uncached)")
    print("result: " + ("meets target" if plans >= TARGET_PER_SECOND else "BELOW target"))


if __name__ == "__main__":
    main()
