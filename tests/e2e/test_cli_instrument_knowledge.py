"""``score`` reads one instrument file, but prints the whole knowledge base's version, and falls back to
the full load whenever the files differ from the lock."""

from __future__ import annotations

import shutil

import pytest

from acupath.cli.instrument_knowledge import instrument_knowledge
from acupath.errors import KnowledgeError
from acupath.knowledge import load_knowledge, read_knowledge
from acupath.knowledge.loader import DATA_DIR


@pytest.mark.parametrize("instrument", ["phq9", "psqi", "womac"])
def test_one_instrument_with_the_whole_version(instrument) -> None:
    full = load_knowledge()
    kb = instrument_knowledge(instrument)
    assert kb is not full and list(kb.instruments) == [instrument]
    assert kb.version == full.version
    assert kb.instruments[instrument] == full.instruments[instrument]


def test_an_unknown_instrument_takes_the_full_load() -> None:
    assert instrument_knowledge("gad8") is load_knowledge()


def test_a_file_changed_since_the_lock_takes_the_full_load(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    odi = data / "instruments" / "odi.yaml"
    odi.write_text(odi.read_text() + "\n# an edit without a version bump\n")
    kb = instrument_knowledge("phq9", data)
    assert set(kb.instruments) == set(read_knowledge(data).instruments)  # everything was read


def test_a_malformed_file_is_reported_on_the_full_load(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "instruments" / "extra.yaml").write_text("id: [unclosed\n")
    with pytest.raises(KnowledgeError, match="extra.yaml"):
        instrument_knowledge("phq9", data)
