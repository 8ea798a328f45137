"""``acupath evidence list`` and ``show``: statuses, JSON, one-line errors."""

from __future__ import annotations

import json

import pytest

from acupath.knowledge import load_knowledge
from cli_run import run


@pytest.mark.parametrize("status", ["verified", "unverified", "contradicted"])
def test_list_by_status_shows_only_that_status(capsys, status):
    code, out, _ = run(capsys, "evidence", "list", "--status", status, "--json")
    entries = json.loads(out)
    assert code == 0 and entries and {e["status"] for e in entries} == {status}
    assert len(entries) == len(load_knowledge().evidence.by_status(status))


def test_show_contradicted_claim_gives_the_correction(capsys):
    entry = load_knowledge().evidence.by_status("contradicted")[0]
    code, out, _ = run(capsys, "evidence", "show", entry.id)
    assert code == 0 and f"{entry.id} (contradicted)" in out and "corrected:" in out


def test_show_json_has_reanalysis_key(capsys):
    entry = load_knowledge().evidence.entries[0]
    code, out, _ = run(capsys, "evidence", "show", entry.id, "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == entry.id and "reanalysis" in data


def test_unknown_id_and_unknown_status_exit_2(capsys):
    assert run(capsys, "evidence", "show", "no_such_claim")[0] == 2
    code, _, err = run(capsys, "evidence", "list", "--status", "maybe")
    assert code == 2 and "--status: unknown status" in err


def test_forest_needs_per_study_data(capsys, tmp_path):
    entry = next(e for e in load_knowledge().evidence.entries if not e.studies)
    code, _, err = run(capsys, "evidence", "show", entry.id, "--forest", str(tmp_path / "f.png"))
    assert code == 2 and "no per-study data" in err


def test_show_reanalyses_per_study_data_with_a_forest_plot(capsys, tmp_path, monkeypatch):
    from types import SimpleNamespace

    from acupath.cli import evidence as evidence_cli
    from acupath.knowledge.schema.evidence import EvidenceEntry

    tables = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619)]
    entry = EvidenceEntry(id="bcg_four", claim="BCG vaccine lowers the risk of tuberculosis", seed="s",
                          design="meta_analysis", measure="RR", condition="x", outcome="tuberculosis",
                          status="verified", studies=[{"label": f"trial {i + 1}", "ai": a, "bi": b, "ci": c, "di": d}
                                                      for i, (a, b, c, d) in enumerate(tables)])
    kb = SimpleNamespace(evidence=SimpleNamespace(get=lambda _id: entry))
    monkeypatch.setattr(evidence_cli, "load_knowledge", lambda: kb)
    forest = tmp_path / "bcg.svg"
    code, out, _ = run(capsys, "evidence", "show", "bcg_four", "--method", "DL", "--forest", str(forest))
    assert code == 0 and "re-analysis (DL, k = 4)" in out and f"wrote {forest}" in out
    assert "trial 4" in forest.read_text()
    code, out, _ = run(capsys, "evidence", "show", "bcg_four", "--json")
    assert code == 0 and json.loads(out)["reanalysis"]["k"] == 4
