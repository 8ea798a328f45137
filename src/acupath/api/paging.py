"""The query parameters and the answer of every paginated list: ``offset``/``limit`` in, a page out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query

from acupath.services.paging import MAX_PAGE
from acupath.services.records import Page

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """Which page a client asked for."""

    offset: int
    limit: int


async def page_params(
    offset: Annotated[int, Query(ge=0, description="How many items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items.")] = 50,
) -> PageParams:
    """Return the requested page (422 for a negative offset or a limit outside 1..200)."""
    return PageParams(offset=offset, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


def page_body(page: Page[T], item: Callable[[T], Any]) -> dict[str, Any]:
    """Return the JSON of a page: ``items`` (each through ``item``), ``total``, ``offset``, ``limit``."""
    return {"items": [item(x) for x in page.items], "total": page.total, "offset": page.offset,
            "limit": page.limit}
