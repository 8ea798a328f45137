"""Bounded types of the API's parameters: values a clinic's record can hold, refused with 422 otherwise.

``ClinicTime`` is a time between ``EARLIEST`` and ``LATEST`` (UTC when given without a zone): a time
at the very end of Python's range (``9999-12-31T23:59:59-12:00``) overflows when converted to UTC or
moved by a day, which was a 500. Integers of request bodies are bounded where they are declared, by
``acupath.validation.MAX_STORED_INT`` and ``MAX_SESSION_NUMBER``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_ALLOWED = f"a time from {EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} (UTC if no zone)"


def within_clinic_times(value: datetime) -> datetime:
    """Return ``value`` (UTC when it has no zone) if between ``EARLIEST`` and ``LATEST``.

    Raises ``ValueError`` (a 422 naming the parameter) otherwise.
    """
    try:
        in_utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"must be {_ALLOWED}") from None
    if not EARLIEST <= in_utc < LATEST:
        raise ValueError(f"must be {_ALLOWED}")
    return in_utc


ClinicTime = Annotated[datetime, AfterValidator(within_clinic_times)]
