"""Where acupath keeps what it computes once and reads many times: ``LruCache`` and ``Derived``.

``LruCache`` is the one cache of the code base: bounded, thread-safe, for values that depend on their
key alone. ``Derived`` holds the caches of what is computed from one knowledge base (compiled
protocols, the constraints of a set of findings, dated schedules, flagged points): each
``KnowledgeBase`` owns one (``kb.derived``), so these values are keyed by the knowledge base they
come from and go with it, and the domain modules keep no state of their own. The services keep
their evaluated progress and session verdicts there too (functions of the knowledge base and their
key), and parsed plans by version in ``services.plan_cache``.
Why cache at all: building a plan computed these again for every plan (``benchmarks/planning.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A bounded, thread-safe LRU of values that depend on their key alone (``capacity`` of them)."""

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        """Return the value under ``key``, calling ``load()`` on a miss. Raises what ``load`` raises."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        # Computed outside the lock: two threads missing at once both compute, and either result is right.
        value = load()
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)
        return value


class Derived:
    """The named caches of values derived from one knowledge base (``KnowledgeBase.derived``)."""

    def __init__(self) -> None:
        self._caches: dict[str, LruCache[Any, Any]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, key: Hashable, load: Callable[[], V], capacity: int = 4096) -> V:
        """Return the value of ``key`` in the cache ``name`` (made with ``capacity`` on first use),
        calling ``load()`` on a miss. Raises what ``load`` raises."""
        cache = self._caches.get(name)
        if cache is None:
            with self._lock:
                cache = self._caches.setdefault(name, LruCache(capacity))
        return cache.get(key, load)  # type: ignore[no-any-return]
