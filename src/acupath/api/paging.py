"""The query parameters and the answer of every paginated list.

Keyset lists (patients, the audit log, a patient's schedule): ``cursor``, ``limit`` and ``total`` in;
``items``, ``next_cursor``, ``limit`` (and ``total`` when asked) out. The short lists of one patient or
plan: ``offset``/``limit`` in, ``items``, ``total``, ``offset``, ``limit`` out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query

from acupath.services.paging import MAX_PAGE, KeysetPage
from acupath.services.records import Page
from acupath.validation import MAX_STORED_INT

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """Which page a client asked for."""

    offset: int
    limit: int


async def page_params(
    offset: Annotated[int, Query(ge=0, le=MAX_STORED_INT, description="How many items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items.")] = 50,
) -> PageParams:
    """Return the requested page (422 for a negative offset or a limit outside 1..200)."""
    return PageParams(offset=offset, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


def page_body(page: Page[T], item: Callable[[T], Any]) -> dict[str, Any]:
    """Return the JSON of a page: ``items`` (each through ``item``), ``total``, ``offset``, ``limit``."""
    return {"items": [item(x) for x in page.items], "total": page.total, "offset": page.offset,
            "limit": page.limit}


@dataclass(frozen=True)
class CursorParams:
    """Which page of a keyset list a client asked for, and whether to count the list."""

    cursor: str | None
    limit: int
    total: bool


#: The query parameters every keyset list takes (a cursor is ASCII, about 60 characters).
CursorQuery = Annotated[str | None, Query(min_length=1, max_length=200,
                                          description="The previous page's next_cursor; none for the first page.")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items.")]


async def cursor_params(
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    total: Annotated[bool, Query(description="Also count the items (exact up to 1,000, then estimated).")] = False,
    offset: Annotated[int, Query(ge=0, le=0, description="Replaced by cursor: only 0 is accepted.",
                                 deprecated=True)] = 0,
) -> CursorParams:
    """Return the requested page (422 naming ``limit``, ``cursor``, or ``offset`` other than 0).

    ``offset`` is still accepted as 0 so that a client written for offsets keeps getting its first
    page; a later offset is refused rather than silently answered with the first page again.
    """
    return CursorParams(cursor=cursor, limit=limit, total=total)


CursorDep = Annotated[CursorParams, Depends(cursor_params)]


def keyset_body(page: KeysetPage[T], item: Callable[[T], Any]) -> dict[str, Any]:
    """Return the JSON of a keyset page: ``items`` (each through ``item``), ``next_cursor``, ``limit``, and
    ``total`` (``{"value", "relation"}``: ``eq`` exact, ``gt`` more than, ``about`` estimated) when asked."""
    body: dict[str, Any] = {"items": [item(x) for x in page.items], "next_cursor": page.next_cursor,
                            "limit": page.limit}
    if page.total is not None:
        body["total"] = {"value": page.total.value, "relation": page.total.relation}
    return body
