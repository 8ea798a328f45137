"""The portal's random tokens: links and sign-in cookies hold one, the database only its SHA-256.

A token is 32 random bytes (``secrets.token_urlsafe``), so guessing one is hopeless and a fast hash
is enough to keep it (a slow password hash protects low-entropy secrets; a lookup by SHA-256 lets the
database find the row by a unique index). Someone who reads the database cannot use what it holds.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

#: Characters of a token as made by ``new_token`` (43 for 32 bytes); longer input is not looked up.
MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    """Return a new random token: 32 bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the hex SHA-256 of ``token``: what the database keeps and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token: str) -> bool:
    """Return True when ``token`` could be one of ours (URL-safe characters, sane length)."""
    return 20 <= len(token) <= MAX_TOKEN_LENGTH and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)


@dataclass(frozen=True)
class PortalTimes:
    """How long portal links and sign-ins last.

    ``invitation``: a clinician's invitation (7 days: a week for the patient to find the time);
    ``sign_in_link``: an emailed one-time sign-in link (30 minutes: it is asked for on the spot);
    ``session``: a sign-in's longest life; ``idle``: a sign-in unused this long is refused.
    """

    invitation: timedelta = timedelta(days=7)
    sign_in_link: timedelta = timedelta(minutes=30)
    session: timedelta = timedelta(hours=8)
    idle: timedelta = timedelta(minutes=30)


DEFAULT_TIMES = PortalTimes()
