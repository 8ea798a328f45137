"""Shared fixtures: the knowledge base is read once per test session."""

from __future__ import annotations

import pytest

from acupath.knowledge import KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The packaged knowledge base."""
    return load_knowledge()
