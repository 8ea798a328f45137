"""The loader rejects malformed files with the file, the path inside it and the reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from acupath.errors import KnowledgeError
from acupath.knowledge import check_integrity, check_lock, read_knowledge
from acupath.knowledge.loader import DATA_DIR


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_packaged_knowledge_base_is_valid_and_locked(kb) -> None:
    assert check_integrity(kb) == []
    assert check_lock(kb) == []
    assert kb.version.startswith("kb-")


def test_unknown_key_is_rejected_naming_file_and_path(data_copy: Path) -> None:
    path = data_copy / "citations.yaml"
    path.write_text(path.read_text().replace("    kind: seed\n", "    kind: seed\n    kidn: typo\n", 1))
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "citations.yaml"
    assert err.value.path == "sources[0].kidn"
    assert "Extra inputs are not permitted" in err.value.reason


def test_bad_semver_is_rejected(data_copy: Path) -> None:
    path = data_copy / "citations.yaml"
    path.write_text(re.sub(r"(?m)^version: .*$", "version: one", path.read_text(), count=1))
    with pytest.raises(KnowledgeError, match=r"citations.yaml: version: .*semver"):
        read_knowledge(data_copy)


def test_yaml_is_never_evaluated_as_code(data_copy: Path) -> None:
    path = data_copy / "citations.yaml"
    path.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        read_knowledge(data_copy)


def test_content_change_without_version_bump_fails_the_lock(data_copy: Path) -> None:
    path = data_copy / "citations.yaml"
    path.write_text(path.read_text().replace("Seed 004.", "Seed 004 (edited).", 1))
    problems = check_lock(read_knowledge(data_copy))
    assert any("content changed but version is still" in p for p in problems)


def test_content_change_with_version_bump_only_asks_for_a_new_lock(data_copy: Path) -> None:
    path = data_copy / "citations.yaml"
    text = path.read_text().replace("Seed 004.", "Seed 004 (edited).", 1)
    path.write_text(re.sub(r"(?m)^version: .*$", "version: 99.0.0", text, count=1))
    problems = check_lock(read_knowledge(data_copy))
    assert any(p.startswith("citations.yaml: version bumped") for p in problems)
    assert not any(p.startswith("citations.yaml: content changed") for p in problems)
