"""What the web pages hold for the server's life: how to open a unit of work, tokens, keys, settings.

The web is a composition root of its own and never imports the API (import-linter's independence
contract), so what it shares with the API (the unit-of-work factory, the knowledge base, the token
signer, the clock) is handed to it by ``acupath.site`` as values satisfying the protocols below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from acupath.knowledge import KnowledgeBase
from acupath.services.login_throttle import LoginLimits
from acupath.services.passwords import PasswordHasher
from acupath.services.portal.mail import LinkSender
from acupath.services.portal.tokens import DEFAULT_TIMES, PortalTimes
from acupath.services.unit_of_work import AbstractUnitOfWork


class Claims(Protocol):
    """What a genuine login token says (the API's ``TokenClaims``)."""

    @property
    def token_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def issued_at(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime: ...


class Tokens(Protocol):
    """Issues and checks the signed login tokens (the API's ``TokenSigner``; one for both roots)."""

    lifetime: timedelta

    def issue(self, user_id: str, clinic_id: str, role: str, now: datetime) -> tuple[str, Claims]:
        """Return a new token and its claims."""
        ...

    def verify(self, token: str, now: datetime) -> Claims:
        """Return the claims of a genuine, unexpired token; raise an exception otherwise."""
        ...


@dataclass(frozen=True)
class WebState:
    """Everything a page needs besides the request.

    ``cookie_name`` is the API's session cookie (one login for pages and API); ``csrf_key`` signs the
    forms' CSRF tokens (``web.csrf``), derived from the server's secret key by ``acupath.site``;
    ``invalid_token`` is the exception ``tokens.verify`` raises for a forged or expired token.
    """

    uow_factory: Callable[[], AbstractUnitOfWork]
    kb: KnowledgeBase
    tokens: Tokens
    invalid_token: type[Exception]
    clock: Callable[[], datetime]
    idle_timeout: Callable[[], timedelta]
    hasher: PasswordHasher
    login_limits: LoginLimits
    csrf_key: bytes
    cookie_name: str
    secure_cookies: bool
    #: How long portal links and sign-ins last (``services.portal.tokens``).
    portal_times: PortalTimes = DEFAULT_TIMES
    #: Sends portal links by email when SMTP is configured (``ACUPATH_SMTP_*``); None: links are shown only.
    link_sender: LinkSender | None = None
    #: The address patients reach the portal at (``ACUPATH_PORTAL_URL``); None: the request's own.
    portal_url: str | None = None
    #: Each clinic's locale and when it was read (``web.locales.clinic_locale`` keeps it a minute).
    locales: dict[str, tuple[str, datetime]] = field(default_factory=dict)
