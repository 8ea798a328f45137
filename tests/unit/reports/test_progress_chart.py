"""The progress chart places each measure by its value and session, draws the baseline and the MCID band
exactly where ``classify_change`` puts the MCID, marks checkpoints, and says so when there is no trend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.cli.intake import read_intake
from acupath.knowledge import load_knowledge
from acupath.outcomes import Reassessment, SessionRecord, evaluate
from acupath.planning import build_plan
from acupath.reports.progress_chart import (
    CheckpointMark,
    improved,
    mcid_band,
    progress_charts,
    scale_range,
    trend_chart,
    worsened,
)
from acupath.safety import screen
from acupath.services.progress_trends import Measure, ProgressTrends, Trend

KB = load_knowledge()
SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[3]
START = date(2026, 12, 1)
#: Instruments whose total has an MCID in the knowledge data (the band's subjects).
WITH_MCID = sorted(i for i, doc in KB.instruments.items()
                   if doc.total and any((m.scale or doc.total) == doc.total for m in doc.mcid))


def _reassessed(session: int, value: float) -> Measure:
    return Measure(session, START + timedelta(days=3 * session), value, "reassessment")


def _chart(trend: Trend, last: int = 20, checkpoints: tuple[CheckpointMark, ...] = ()) -> tuple[ET.Element, object]:
    chart = trend_chart(trend, KB.instruments[trend.instrument], KB, last_session=last, checkpoints=checkpoints,
                        id_prefix="t")
    return ET.fromstring(chart.svg), chart


def _y_of(root: ET.Element) -> dict[float, float]:
    """Each value-axis tick's value and its y on the drawing."""
    return {float(line.get("data-y-tick")): float(line.get("y1")) for line in root.iter(f"{SVG}line")
            if line.get("data-y-tick")}


def _x_of(root: ET.Element) -> dict[int, float]:
    return {int(line.get("data-x-tick")): float(line.get("x1")) for line in root.iter(f"{SVG}line")
            if line.get("data-x-tick")}


def _at(ticks: dict[float, float], value: float) -> float:
    """The y of ``value``, interpolated between the two outermost ticks (the axis is linear)."""
    (v0, y0), (v1, y1) = min(ticks.items()), max(ticks.items())
    return y0 + (value - v0) * (y1 - y0) / (v1 - v0)


ODI = Trend("odi", 84.0, (_reassessed(6, 78.0), _reassessed(8, 66.0), _reassessed(12, 38.5)))


def test_each_measure_sits_at_its_value_and_session() -> None:
    root, _ = _chart(ODI)
    ys, xs = _y_of(root), _x_of(root)
    assert min(ys) == 0 and max(ys) == 100  # the ODI's range, from odi.yaml
    circles = root.findall(f".//{SVG}g[@data-series='reassessment']/{SVG}circle")
    assert [(c.get("data-session"), c.get("data-value")) for c in circles] == [("6", "78"), ("8", "66"), ("12", "38.5")]
    for circle, measure in zip(circles, ODI.measures, strict=True):
        assert float(circle.get("cy")) == pytest.approx(_at(ys, measure.value), abs=0.01)
        assert float(circle.get("cx")) == pytest.approx(xs[measure.session], abs=0.01)
    # Lower is better on the ODI: a lower score is drawn lower.
    assert float(circles[0].get("cy")) < float(circles[2].get("cy"))
    line = root.find(f".//{SVG}g[@data-series='reassessment']/{SVG}polyline")
    assert len(line.get("points").split()) == 3


def test_the_baseline_is_marked_at_session_0_and_drawn_across() -> None:
    root, chart = _chart(ODI)
    ys, xs = _y_of(root), _x_of(root)
    marker = root.find(f".//{SVG}path[@data-baseline]")
    assert marker.get("data-baseline") == "84"
    assert marker.find(f"{SVG}title").text == "Baseline 84 at intake"
    x, top = (float(n) for n in re.match(r"M([\d.]+) ([\d.]+)l", marker.get("d")).groups())
    assert top + 7 == pytest.approx(_at(ys, 84), abs=0.01)  # the diamond's top point is 7 above the baseline
    assert x == pytest.approx(xs[0])
    across = root.find(f".//{SVG}line[@data-baseline-line]")
    assert float(across.get("y1")) == pytest.approx(_at(ys, 84), abs=0.01)
    assert chart.baseline == 84


def test_the_mcid_band_of_the_odi_runs_from_74_to_94_around_a_baseline_of_84() -> None:
    # odi.yaml: MCID 10 points or 30 % (Ostelo 2008). From 84: 74 is 10 points better (30 % would be 58.8,
    # reached later); 94 is 10 points worse (30 % of 94 back to 84 would need 120, beyond the scale).
    root, chart = _chart(ODI)
    band = root.find(f".//{SVG}rect[@data-mcid-band]")
    assert (band.get("data-from"), band.get("data-to")) == ("74", "94")
    ys = _y_of(root)
    assert float(band.get("y")) == pytest.approx(_at(ys, 94), abs=0.01)
    assert float(band.get("y")) + float(band.get("height")) == pytest.approx(_at(ys, 74), abs=0.01)
    assert chart.band.mcid.source == "ostelo_2008" and chart.band.criterion == "10 points or 30 % of baseline"
    assert "ostelo_2008" in band.find(f"{SVG}title").text
    edges = {line.get("data-mcid-edge"): line.get("data-value") for line in root.iter(f"{SVG}line")
             if line.get("data-mcid-edge")}
    assert edges == {"better": "74", "worse": "94"}
    assert [r.status for r in chart.rows] == ["within the MCID of baseline", "improved by at least the MCID",
                                              "improved by at least the MCID"]


def test_a_percent_only_mcid_is_a_share_of_the_baseline() -> None:
    # pcs.yaml: 38 % (Scott 2014). From 30: improved at 30 x 0.62 = 18.6.
    band = mcid_band("pcs", 30.0, KB, *scale_range(KB.instruments["pcs"], Trend("pcs", 30.0, ())))
    assert band.better_at == pytest.approx(18.6, abs=1e-6)
    assert band.criterion == "38 % of baseline"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WITH_MCID), st.floats(0, 1))
def test_the_band_edges_are_where_classify_change_starts_to_call_an_mcid(instrument: str, share: float) -> None:
    lo, hi = scale_range(KB.instruments[instrument], Trend(instrument, None, ()))
    baseline = lo + share * (hi - lo)
    band = mcid_band(instrument, baseline, KB, lo, hi)
    step = (hi - lo) * 1e-6
    lower_is_better = KB.instruments[instrument].direction != "higher_is_better"
    towards_better = -step if lower_is_better else step
    if band.better_at is not None:
        assert improved(instrument, baseline, band.better_at, KB)
        assert not improved(instrument, baseline, band.better_at - towards_better, KB)
    else:
        assert not improved(instrument, baseline, lo if lower_is_better else hi, KB)
    if band.worse_at is not None:
        assert worsened(instrument, baseline, band.worse_at, KB)
        assert not worsened(instrument, baseline, band.worse_at + towards_better, KB)
    else:
        assert not worsened(instrument, baseline, hi if lower_is_better else lo, KB)


def test_an_instrument_without_an_mcid_has_no_band_and_says_so() -> None:
    assert not any(m.scale is None for m in KB.instruments["midas"].mcid)
    root, chart = _chart(Trend("midas", 30.0, (_reassessed(6, 20.0),)))
    assert chart.band is None and root.find(f".//{SVG}rect[@data-mcid-band]") is None
    assert not any("MCID band" in (t.text or "") for t in root.iter(f"{SVG}text"))
    assert chart.rows[0].status == "no MCID in the knowledge data"


@pytest.mark.parametrize(("trend", "note"), [
    (Trend("odi", None, ()), "No measure yet: a trend needs two."),
    (Trend("odi", 84.0, ()), "One measure so far: a trend needs two."),
    (Trend("odi", None, (_reassessed(6, 70.0),)), "One measure so far: a trend needs two."),
])
def test_with_one_measure_or_none_the_chart_says_a_trend_needs_two(trend: Trend, note: str) -> None:
    root, _ = _chart(trend)
    assert root.get("data-empty") == "true"
    texts = [t.text for t in root.iter(f"{SVG}text") if t.get("data-empty-note") is not None]
    assert texts == [note]
    assert root.find(f".//{SVG}polyline") is None


def test_two_measures_make_a_trend() -> None:
    root, _ = _chart(Trend("odi", 84.0, (_reassessed(6, 70.0),)))
    assert root.get("data-empty") == "false"
    assert not [t for t in root.iter(f"{SVG}text") if t.get("data-empty-note") is not None]


def test_pain_before_and_after_needling_differ_by_marker_and_dash_not_only_colour() -> None:
    measures = []
    for n, (pre, post) in enumerate([(7, 5), (6, 4), (5, 3)], start=1):
        day = START + timedelta(days=3 * n)
        measures += [Measure(n, day, pre, "before"), Measure(n, day, post, "after")]
    measures.append(Measure(3, START + timedelta(days=9), 5, "reassessment"))
    root, _ = _chart(Trend("nrs", 7.0, tuple(measures)), last=10)
    before = root.find(f".//{SVG}g[@data-series='before']")
    after = root.find(f".//{SVG}g[@data-series='after']")
    ring = root.find(f".//{SVG}g[@data-series='reassessment']")
    assert [r.get("data-value") for r in before.findall(f"{SVG}rect")] == ["7", "6", "5"]
    assert [c.get("fill") for c in after.findall(f"{SVG}circle")] == ["#ffffff"] * 3
    assert after.find(f"{SVG}polyline").get("stroke-dasharray") and before.find(f"{SVG}polyline").get(
        "stroke-dasharray") is None
    assert ring.find(f"{SVG}polyline") is None and ring.find(f"{SVG}circle").get("fill") == "none"
    legend = [t.text for t in root.find(f".//{SVG}g[@data-legend]").iter(f"{SVG}text")]
    assert legend[:3] == ["Pain before needling", "Pain after needling", "Pain NRS at a reassessment"]
    for marker in list(before) + list(after):
        if marker.tag != f"{SVG}polyline":
            assert marker.find(f"{SVG}title").text.startswith(("Pain before needling, session",
                                                                "Pain after needling, session"))


def test_checkpoints_are_dotted_lines_at_their_session_labelled_with_a_word() -> None:
    marks = (CheckpointMark("response_expected", 6, True, True, False),
             CheckpointMark("reassess_diagnosis", 8, True, False, False),
             CheckpointMark("medicare_extension", 12, False, None, False))
    root, _ = _chart(ODI, checkpoints=marks)
    xs = _x_of(root)
    drawn = {g.get("data-checkpoint"): g for g in root.iter(f"{SVG}g") if g.get("data-checkpoint")}
    assert {k: g.get("data-status") for k, g in drawn.items()} == {
        "response_expected": "MCID met", "reassess_diagnosis": "not met", "medicare_extension": "ahead"}
    for mark in marks:
        group = drawn[mark.id]
        assert float(group.find(f"{SVG}line").get("x1")) == pytest.approx(xs[mark.session])
        assert group.find(f"{SVG}text").text.startswith(f"C{mark.session} ")
    labels = [(float(g.find(f"{SVG}text").get("x")), float(g.find(f"{SVG}text").get("y"))) for g in drawn.values()]
    assert labels[0][1] != labels[1][1]  # two sessions apart: the labels take two rows, not one on the other


def test_the_chart_is_one_accessible_self_contained_svg() -> None:
    _, chart = _chart(ODI)
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").get("id") == "t-title"
    desc = root.find(f"{SVG}desc").text
    latest_day = ODI.measures[-1].on.isoformat()
    assert desc == (f"Baseline 84 at intake. Latest 38.5 at session 12 ({latest_day}), 45.5 better. "
                    "MCID 10 points or 30 % of baseline (ostelo_2008): improved at 74 and worse at 94.")
    assert "<style" not in chart.svg and "<script" not in chart.svg and "href" not in chart.svg
    assert chart.svg == _chart(ODI)[1].svg


def test_progress_charts_draw_every_trend_of_a_plan_to_its_last_session() -> None:
    intake = read_intake(ROOT / "examples/intakes/chronic_low_back_pain.yaml")
    plan = build_plan(intake, screen(intake, kb=KB, today=intake.schedule.start), KB)
    first = plan.sessions[0].date
    records = tuple(SessionRecord(number=n, date=first + timedelta(days=3 * n), pain_nrs_before=7 - n // 2,
                                  pain_nrs_after=6 - n // 2) for n in range(1, 7))
    reassessments = (Reassessment(date=first + timedelta(days=18), session=6, totals={"odi": 20.0}),)
    report = evaluate(plan, records, reassessments, KB)
    trends = ProgressTrends(
        plan_id="p", patient_id=plan.patient_id, plan=plan, progress=report, started=first,
        trends=(Trend("nrs", plan.baseline.get("nrs"), tuple(
            m for r in records for m in (Measure(r.number, r.date, r.pain_nrs_before, "before"),
                                         Measure(r.number, r.date, r.pain_nrs_after, "after")))),
                Trend("odi", plan.baseline["odi"], (Measure(6, first + timedelta(days=18), 20.0, "reassessment"),))))
    charts = progress_charts(trends, KB)
    assert [c.instrument for c in charts] == ["nrs", "odi"]
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert max(_x_of(root)) <= len(plan.sessions)
        assert {g.get("data-checkpoint") for g in root.iter(f"{SVG}g") if g.get("data-checkpoint")} == {
            c.id for c in plan.checkpoints}
    odi_at_6 = next(m for m in charts[1].checkpoints if m.session == 6)
    assert odi_at_6.reached and odi_at_6.met is True


def test_the_description_judges_the_pain_before_needling_not_after() -> None:
    day = START + timedelta(days=3)
    trend = Trend("nrs", 7.0, (Measure(1, day, 4.0, "before"), Measure(1, day, 1.0, "after")))
    _, chart = _chart(trend, last=10)
    desc = ET.fromstring(chart.svg).find(f"{SVG}desc").text
    assert desc.startswith(f"Baseline 7 at intake. Latest 4 at session 1 ({day.isoformat()}), 3 better.")


def test_an_instrument_without_a_total_is_not_charted() -> None:
    intake = read_intake(ROOT / "examples/intakes/knee_osteoarthritis.yaml")
    plan = build_plan(intake, screen(intake, kb=KB, today=intake.schedule.start), KB)
    trends = ProgressTrends(plan_id="p", patient_id=plan.patient_id, plan=plan, progress=evaluate(plan, (), (), KB),
                            started=None, trends=(Trend("koos", None, ()), Trend("nrs", 6.0, ())))
    assert KB.instruments["koos"].total is None
    assert [c.instrument for c in progress_charts(trends, KB)] == ["nrs"]
