"""Parsed plans kept in memory, keyed by plan id and version, so progress need not rebuild them.

A stored plan's document never changes under the same version (every amendment raises it), so a
parsed ``planning.Plan`` found under (clinic, plan id, version) is the one the store holds: the cache
needs no invalidation, and each server process may keep its own. ``LruCache`` is the same cache for
any value that is a function of its key alone (progress keeps ``outcomes.evaluate`` results in one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from acupath.planning import Plan

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Plans kept per process; one is a few kilobytes, and a clinic's day touches far fewer.
CAPACITY = 512


class LruCache(Generic[K, V]):
    """A bounded, thread-safe LRU of values that depend on their key alone."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._plans: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        """Return the value under ``key``, calling ``load()`` on a miss. Raises what ``load`` raises."""
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
                return plan
        # Parse outside the lock: two threads missing at once both parse, and either result is right.
        plan = load()
        with self._lock:
            self._plans[key] = plan
            self._plans.move_to_end(key)
            while len(self._plans) > self.capacity:
                self._plans.popitem(last=False)
        return plan


#: A bounded, thread-safe LRU of parsed plans by (clinic id, plan id, version).
PlanCache = LruCache[tuple[str, str, int], Plan]

#: The process's cache (plans are immutable per version, so sharing it between requests is safe).
parsed_plans = PlanCache()
