"""CSRF protection of every form: a signed double-submit token (OWASP CSRF Prevention Cheat Sheet).

Each browser gets a random nonce in the ``acupath_csrf`` cookie (HttpOnly, SameSite=Strict); every
form carries ``HMAC-SHA256(csrf_key, nonce)`` in its hidden ``csrf_token`` field (htmx posts the form,
so the field goes with it). A POST is refused (403) unless the field matches the cookie's nonce. A
site that is not ours can neither read the cookie nor compute the HMAC without the server's key, and
cannot plant a cookie whose token it knows. The nonce is renewed at sign-in and sign-out, so a token
seen before a sign-in does not outlive it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

CSRF_COOKIE = "acupath_csrf"
CSRF_FIELD = "csrf_token"
#: htmx requests may carry the token as this header instead of the field.
CSRF_HEADER = "x-csrf-token"


def new_nonce() -> str:
    """Return a fresh random nonce for the CSRF cookie (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_for(key: bytes, nonce: str) -> str:
    """Return the form token of ``nonce``: its HMAC-SHA256 under ``key``, hex."""
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def nonce_of(request: Request) -> str:
    """Return the request's nonce: its cookie's, or a fresh one kept on the request for the response.

    ``remember_nonce`` sets the cookie of a fresh nonce on the response.
    """
    kept = getattr(request.state, "csrf_nonce", None)
    if kept is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        kept = cookie if 20 <= len(cookie) <= 100 and cookie.isascii() else new_nonce()
        request.state.csrf_nonce = kept
    return str(kept)


def remember_nonce(request: Request, response: Response, secure: bool) -> None:
    """Set the CSRF cookie on ``response`` when the request's nonce is not the browser's already."""
    nonce = nonce_of(request)
    if request.cookies.get(CSRF_COOKIE) != nonce:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=secure, path="/")


def renew_nonce(request: Request) -> None:
    """Give the request a fresh nonce (at sign-in and sign-out); the response sets its cookie."""
    request.state.csrf_nonce = new_nonce()


def genuine(key: bytes, request: Request, sent: str | None) -> bool:
    """Return True when ``sent`` (the form's field or header) is the token of the browser's cookie nonce."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not sent:
        return False
    return hmac.compare_digest(token_for(key, cookie), sent)
