"""Cited, versioned clinical content held as YAML, its schemas and its loader (no clinical logic).

Public entry points: ``load_knowledge()`` returns the validated ``KnowledgeBase``;
``check_integrity`` and ``check_lock`` report broken references and unversioned changes.
"""

from acupath.knowledge.integrity import check_integrity
from acupath.knowledge.loader import KnowledgeBase, load_knowledge, read_knowledge
from acupath.knowledge.lock import check_lock, write_lock

__all__ = ["KnowledgeBase", "check_integrity", "check_lock", "load_knowledge", "read_knowledge", "write_lock"]
