"""The one exception hierarchy of acupath.

Every error a user can cause is an ``AcupathError``; the composition roots map each branch to an
HTTP status or a CLI exit code in one place (``acupath.cli`` and ``acupath.api``)::

    AcupathError
    ├── InputError              bad input: names the field and what is allowed (CLI 2, HTTP 422)
    │   ├── UnknownInstrument   an instrument id that the knowledge base does not hold
    │   ├── UnknownItem         an item key that the instrument does not have
    │   └── ValueNotAllowed     an answer outside the item's options
    ├── KnowledgeError          a knowledge file is malformed: file, path inside it, reason
    ├── NotFound                a record or knowledge entry that does not exist (CLI 2, HTTP 404)
    ├── NotAuthenticated        the login token no longer counts (HTTP 401)
    ├── TooManyAttempts         too many failed logins: wait ``retry_after`` seconds (HTTP 429)
    ├── PermissionDenied        the user may not see or change this record (HTTP 403)
    │   └── PasswordChangeRequired  a temporary password: set a new one first (HTTP 403)
    ├── Conflict                a stale version or a duplicate (HTTP 409)
    └── SafetyBlock             planning stopped by a finding that has not been overridden (HTTP 409)
"""

from __future__ import annotations

from collections.abc import Iterable


class AcupathError(Exception):
    """Base of every error that acupath raises on purpose."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AcupathError):
    """Input that cannot be accepted; ``field`` names where, ``allowed`` says what would be."""

    http_status = 422

    def __init__(self, field: str, problem: str, allowed: Iterable[object] | str | None = None) -> None:
        self.field = field
        self.problem = problem
        if allowed is None:
            self.allowed: str | None = None
        elif isinstance(allowed, str):
            self.allowed = allowed
        else:
            self.allowed = ", ".join(str(a) for a in allowed)
        text = f"{field}: {problem}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        super().__init__(text)


class UnknownInstrument(InputError):
    """An instrument id that the knowledge base does not hold."""


class UnknownItem(InputError):
    """An answer keyed by an item the instrument does not have."""


class ValueNotAllowed(InputError):
    """An answer value outside the item's response options."""


class KnowledgeError(AcupathError):
    """A knowledge file that does not match its schema, or content that contradicts itself."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        self.file = file
        self.path = path
        self.reason = reason
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {reason}")


class NotFound(AcupathError):
    """A record or knowledge entry that does not exist."""

    http_status = 404


class NotAuthenticated(AcupathError):
    """The request's login token no longer counts (revoked at logout): log in again."""

    http_status = 401


class TooManyAttempts(AcupathError):
    """Logins refused for a while after too many failures; ``retry_after`` is in whole seconds."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins: try again in {retry_after} s")


class PermissionDenied(AcupathError):
    """The user's role or clinic does not allow this read or write."""

    http_status = 403


class PasswordChangeRequired(PermissionDenied):
    """The password was reset to a temporary one: set a new one (``POST /auth/password``) to sign in."""


class Conflict(AcupathError):
    """A write that would silently overwrite newer data, or duplicate a unique record."""

    http_status = 409


class SafetyBlock(AcupathError):
    """Planning refused because a referral or contraindication finding stands without override."""

    http_status = 409
