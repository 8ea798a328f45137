"""One rule for every paginated list: ``offset`` from 0, ``limit`` from 1 to ``MAX_PAGE``."""

from __future__ import annotations

from acupath.errors import InputError

#: The longest page any list returns (a bigger ``limit`` is an input error, not silently cut).
MAX_PAGE = 200


def check_page(offset: int, limit: int) -> None:
    """Raise ``InputError`` naming ``offset`` (negative) or ``limit`` (outside 1..``MAX_PAGE``)."""
    if offset < 0:
        raise InputError("offset", "must not be negative")
    if not 1 <= limit <= MAX_PAGE:
        raise InputError("limit", f"must be between 1 and {MAX_PAGE}")
