"""The parsed-plan cache returns what it was given by key and forgets the least recently used."""

from __future__ import annotations

from typing import Any

from acupath.services.plan_cache import PlanCache


def test_a_hit_does_not_load_again_and_the_oldest_entry_goes_first() -> None:
    cache = PlanCache(capacity=2)
    loads: list[tuple[str, str, int]] = []

    def loader(key: tuple[str, str, int]) -> Any:
        def load() -> Any:
            loads.append(key)
            return f"plan {key[1]} v{key[2]}"
        return load

    a1, b1, a2 = ("c", "a", 1), ("c", "b", 1), ("c", "a", 2)
    assert cache.get(a1, loader(a1)) == "plan a v1"
    assert cache.get(a1, loader(a1)) == "plan a v1"
    cache.get(b1, loader(b1))
    cache.get(a2, loader(a2))  # a new version is another key; a1 is now the least recently used
    cache.get(b1, loader(b1))
    cache.get(a1, loader(a1))
    assert loads == [a1, b1, a2, a1]
