"""The whole server: the JSON API and the clinic's web pages in one FastAPI application.

The API (``acupath.api``) and the pages (``acupath.web``) are composition roots that never import each
other (import-linter); this module composes them. ``create_site`` builds the API with
``api.app.create_app`` and adds the pages, handing them what they share with the API: the unit-of-work
factory, the knowledge base, the token signer and clock (one login for both), and a CSRF key derived
from the server's secret key. ``app_from_environment`` is what ``acupath serve`` runs under uvicorn.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI

from acupath.api.app import create_app
from acupath.api.deps import SESSION_COOKIE, ApiState
from acupath.api.tokens import InvalidToken
from acupath.knowledge import KnowledgeBase
from acupath.security.passwords import Argon2idHasher
from acupath.services.login_throttle import LoginLimits
from acupath.services.portal.mail import SmtpLinkSender
from acupath.services.portal.tokens import PortalTimes
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.settings import Settings
from acupath.web import WebState, install_web


def csrf_key(secret_key: str) -> bytes:
    """Return the key of the forms' CSRF tokens: HMAC-SHA256 of a label under the server's secret key
    (a key of its own, so that a CSRF token can never pass for a login token's signature)."""
    return hmac.new(secret_key.encode(), b"acupath web csrf v1", hashlib.sha256).digest()


def create_site(
    settings: Settings,
    *,
    uow_factory: Callable[[], AbstractUnitOfWork] | None = None,
    kb: KnowledgeBase | None = None,
) -> FastAPI:
    """Return the API of ``api.app.create_app`` (same arguments) with the web pages added.

    Raises what ``create_app`` raises (``KnowledgeError``, ``InputError`` without a secret key).
    """
    app = create_app(settings, uow_factory=uow_factory, kb=kb)
    api: ApiState = app.state.acupath
    # One hasher for the process (its bound on concurrent hashes must hold for pages and API alike):
    # the API's account routes keep theirs on ``app.state.logins``.
    logins = getattr(app.state, "logins", None)
    hasher = logins.hasher if logins is not None else Argon2idHasher(settings.password_hashes)
    limits = logins.limits if logins is not None else LoginLimits(
        account_failures=settings.login_account_failures, address_failures=settings.login_address_failures,
        window=timedelta(minutes=settings.login_lockout_minutes))
    install_web(app, WebState(
        uow_factory=api.uow_factory,
        kb=api.kb,
        tokens=api.signer,
        invalid_token=InvalidToken,
        # Through the API's state, so that tests moving its clock or idle timeout move the pages' too.
        clock=lambda: api.clock(),
        idle_timeout=lambda: api.idle_timeout,
        hasher=hasher,
        login_limits=limits,
        csrf_key=csrf_key(settings.signing_key()),
        cookie_name=SESSION_COOKIE,
        secure_cookies=api.secure_cookies,
        portal_times=PortalTimes(idle=timedelta(minutes=settings.token_idle_minutes)),
        link_sender=SmtpLinkSender(settings.smtp) if settings.smtp is not None else None,
        portal_url=settings.portal_url,
    ))
    return app


def app_from_environment() -> FastAPI:
    """Return ``create_site(Settings.from_env())``: what ``acupath serve`` runs under uvicorn.

    The objects made at start-up (the knowledge base: some 100,000) live as long as the server, so
    they are moved out of the garbage collector's sight (``gc.freeze``), as the API's factory does.
    """
    app = create_site(Settings.from_env())
    gc.collect()
    gc.freeze()
    return app
