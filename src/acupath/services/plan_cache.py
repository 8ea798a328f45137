"""Parsed plans kept in memory, keyed by plan id and version, so progress need not rebuild them.

A stored plan's document never changes under the same version (every amendment raises it), so a
parsed ``planning.Plan`` found under (clinic, plan id, version) is the one the store holds: the cache
needs no invalidation, and each server process may keep its own. ``LruCache`` (``knowledge.memo``)
is the same cache for any value that is a function of its key alone (the API keeps progress's JSON
in one, ``api.routes.progress``).
"""

from __future__ import annotations

from acupath.knowledge.memo import LruCache
from acupath.planning import Plan

__all__ = ["CAPACITY", "LruCache", "PlanCache", "parsed_plans"]

#: Plans kept per process; one is a few kilobytes, and a clinic's day touches far fewer.
CAPACITY = 512


#: A bounded, thread-safe LRU of parsed plans by (clinic id, plan id, version).
PlanCache = LruCache[tuple[str, str, int], Plan]

#: The process's cache (plans are immutable per version, so sharing it between requests is safe).
parsed_plans = PlanCache(CAPACITY)
