"""The FastAPI application factory: ``create_app(settings)``; OpenAPI at ``/docs`` when enabled.

Nothing happens at import time. ``create_app`` loads the knowledge base once, builds the database
engine from the settings (or takes a unit-of-work factory from tests), and registers every route and
the one mapping from errors to HTTP statuses. ``app_from_environment`` is the zero-argument factory
uvicorn calls (``uvicorn --factory acupath.api.app:app_from_environment``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from acupath import __version__
from acupath.api.cds_auth import CdsConfig, load_clients
from acupath.api.deps import ApiState
from acupath.api.docs import install_docs
from acupath.api.errors import UnexpectedErrors, install_error_handlers
from acupath.api.fhir_export_runner import ExportRunner
from acupath.api.guards import RequestGuard, SecurityHeaders
from acupath.api.routes import (
    amendments,
    analytics,
    audit,
    auth,
    cds_hooks,
    fhir,
    fhir_export,
    fhir_import,
    health,
    intakes,
    patients,
    plans,
    progress,
    reports,
    sessions,
    users,
)
from acupath.api.tokens import TokenSigner
from acupath.fhir import Canon
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.settings import Settings

#: FastAPI tries the routes in this order, one after another, until one matches the path: the routers
#: of progress and session records, which a clinic's day calls most, come first (matching the 27 routes
#: ahead of progress cost about a tenth of its request). ``OPENAPI_TAGS`` keeps /docs in pathway order.
ROUTERS = (progress.router, sessions.router, health.router, auth.router, users.router, patients.router,
           intakes.router, plans.router, amendments.router, reports.router, audit.router,
           fhir_export.router, fhir_import.router, fhir.router, analytics.router,
           cds_hooks.router)  # fhir_export first: fhir's /{type}/{id} matches its paths
OPENAPI_TAGS = [{"name": name} for name in ("health", "accounts", "patients", "intakes and screening", "plans",
                                            "sessions and adverse events", "follow-up", "documents", "FHIR R4",
                                            "practice evidence", "CDS Hooks")]


def _storage_uow_factory(settings: Settings) -> Callable[[], AbstractUnitOfWork]:
    from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory

    sessions_of = make_session_factory(make_engine(settings.database_url, echo=settings.sql_echo))
    return lambda: SqlAlchemyUnitOfWork(sessions_of)


def create_app(
    settings: Settings,
    *,
    uow_factory: Callable[[], AbstractUnitOfWork] | None = None,
    kb: KnowledgeBase | None = None,
) -> FastAPI:
    """Return the acupath API for ``settings``.

    ``uow_factory`` defaults to SQLAlchemy units of work on ``settings.database_url``; ``kb`` to the
    packaged knowledge base. Raises ``KnowledgeError`` if the knowledge base does not load, and
    ``InputError`` (``ACUPATH_SECRET_KEY``) when there is no secret key to sign tokens with.
    """
    app = FastAPI(
        title="acupath",
        version=__version__,
        summary="Acupuncture-centred, multimodal care of chronic pain: the clinic's JSON API.",
        # /docs is served from the package by ``install_docs``, and only when the settings say so.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs else None,
        openapi_tags=OPENAPI_TAGS,
    )
    app.state.acupath = ApiState(
        uow_factory=uow_factory or _storage_uow_factory(settings),
        kb=kb or load_knowledge(),
        signer=TokenSigner(settings.signing_key(), timedelta(minutes=settings.token_minutes)),
        secure_cookies=True,
        idle_timeout=timedelta(minutes=settings.token_idle_minutes),
    )
    app.state.fhir_canon = Canon(settings.fhir_base)  # canonical URLs of the FHIR definitions (routes.fhir)
    app.state.fhir_export = ExportRunner.for_settings(settings)  # bulk exports' threads and files
    app.state.logins = auth.logins_for(settings)  # the password hasher and login throttle (routes.auth)
    app.state.analytics_min_cell = settings.analytics_min_cell  # small-cell suppression (routes.analytics)
    app.state.cds = CdsConfig(load_clients(settings.cds_clients), settings.cds_url)  # routes.cds_hooks
    install_error_handlers(app)
    if settings.docs:
        install_docs(app, "/openapi.json")
    # Added innermost first: the proxy's headers are read before anything else, and every answer of
    # the guard (413, 422) gets the security headers.
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # uvicorn's own middleware (its --forwarded-allow-ips), wrapped here rather than by uvicorn so
        # that the setting means the same under every server and in tests; ``acupath serve`` turns
        # uvicorn's off, which would otherwise trust X-Forwarded-For from 127.0.0.1.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """Return ``create_app(Settings.from_env())``: what ``acupath serve`` runs under uvicorn.

    The objects made at start-up (the knowledge base: some 100,000) live as long as the server, so
    they are moved out of the garbage collector's sight (``gc.freeze``): a full collection walked them
    all, stopping the event loop for about 70 ms, every few hundred requests.
    """
    app = create_app(Settings.from_env())
    gc.collect()
    gc.freeze()
    return app
