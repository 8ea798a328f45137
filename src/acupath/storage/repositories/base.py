"""What every SQLAlchemy repository shares: its session, and turning duplicates into ``Conflict``."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acupath.errors import Conflict


class SqlRepository:
    """A repository working in the unit of work's session; it flushes, and never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def flush(self, what: str) -> None:
        """Send pending writes now, so a duplicate surfaces here. Raises ``Conflict`` naming ``what``."""
        try:
            self.session.flush()
        except IntegrityError:
            # The unit of work rolls the whole transaction back; nothing of it is kept.
            raise Conflict(f"{what} conflicts with a stored record") from None
