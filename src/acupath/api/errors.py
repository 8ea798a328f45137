"""Every error the API returns is mapped here, in one place.

* ``AcupathError`` → its ``http_status`` (InputError 422, NotFound 404, PermissionDenied 403,
  Conflict 409, SafetyBlock 409, NotAuthenticated 401 with ``WWW-Authenticate: Bearer``, TooManyAttempts
  429 with ``Retry-After``) with ``{"detail": message}``; an ``InputError`` also names the field
  and what is allowed: ``{"detail": ..., "errors": [{"field", "problem", "allowed"}]}``.
* A request that does not match its schema → 422 with one entry per field, the field named as a path
  inside the body or query (``pain.nrs``, ``points[1].code``, ``limit``).
* A database connection lost mid-request (the server restarted, or terminated the backend) → 503 with
  ``Retry-After: 1``: its transaction is gone, nothing of it stayed, and the next request gets a fresh
  connection (``pool_pre_ping``, ``storage.engine``).
* Anything unexpected → 500 with a fixed message, answered by ``UnexpectedErrors`` inside the other
  middlewares (so with the security headers) and not raised further (so the server does not log it
  again with its message); the exception's type and frames go to the log, never its message (which
  may quote request values) and never anything to the client.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from acupath.api.fhir_responses import is_fhir_path, outcome_response
from acupath.api.guards import SECURITY_HEADERS, HttpMiddleware, Message, Receive, Scope, Send, send_json
from acupath.errors import AcupathError, InputError, TooManyAttempts
from acupath.validation import describe, field_path

log = logging.getLogger("acupath.api")

# Where a value came from is not part of the field's name: "body.pain.nrs" is reported as "pain.nrs".
_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = list(location)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return field_path(parts) or "body"


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the 422 entries for pydantic/FastAPI ``errors``: one per field, naming it and the problem."""
    out: list[dict[str, Any]] = []
    for error in errors:
        problem, allowed = describe(error)
        entry: dict[str, Any] = {"field": _field_name(error.get("loc", ())), "problem": problem}
        if allowed:
            entry["allowed"] = allowed
        out.append(entry)
    return out


def _error_body(message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": message}
    if errors is not None:
        body["errors"] = errors
    return body


async def _on_acupath_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AcupathError)
    if is_fhir_path(request.url.path):
        fields = [exc.field] if isinstance(exc, InputError) else None
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        return outcome_response(exc.http_status, exc.message, fields, headers)
    if isinstance(exc, InputError):
        entry: dict[str, Any] = {"field": exc.field, "problem": exc.problem}
        if exc.allowed:
            entry["allowed"] = exc.allowed
        return JSONResponse(_error_body(exc.message, [entry]), status_code=exc.http_status)
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(_error_body(exc.message), status_code=exc.http_status, headers=headers)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(list(exc.errors()))
    fields = ", ".join(sorted({e["field"] for e in errors}))
    if is_fhir_path(request.url.path):
        problems = "; ".join(f"{e['field']}: {e['problem']}" for e in errors)
        return outcome_response(422, f"invalid request: {problems}", sorted({e["field"] for e in errors}))
    return JSONResponse(_error_body(f"invalid request: {fields}", errors), status_code=422)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_fhir_path(request.url.path):
        return outcome_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))
    return JSONResponse(_error_body(str(exc.detail)), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def frames_without_values(exc: BaseException) -> str:
    """Return where ``exc`` and the exceptions that led to it were raised: types and frames, no messages.

    An exception's message may hold request values (psycopg quotes the offending text, SQLAlchemy
    appends the statement's parameters), and so patient data; its type and frames are enough to find
    the fault, and never hold a value.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # File, line and function of each frame; not the frame's source line, which may quote a literal.
        frames = "".join(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                         for frame in traceback.extract_tb(current.__traceback__))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} (message withheld)\n{frames}")
        current = current.__cause__ or current.__context__
    return "\n... which was raised while handling:\n".join(parts)


_UNEXPECTED = "internal error; the clinic's administrator can find it in the log"


def _log_unexpected(scope: Scope, exc: BaseException) -> None:
    # The traceback is for the operator's log, without the exception's message (it may quote patient
    # data). The route template, not the path, is logged, so that no id nor value of the request
    # reaches the log.
    where = getattr(scope.get("route"), "path", "an unmatched path")
    log.error("unexpected error on %s %s: %s", scope.get("method"), where, frames_without_values(exc))


class UnexpectedErrors(HttpMiddleware):
    """ASGI middleware: an exception no handler maps is logged without values and answered 500 here.

    Starlette's own last resort (``ServerErrorMiddleware``, which runs ``_on_unexpected``) raises the
    exception again after answering, so that the server logs it, and uvicorn logs it with its message
    ("Exception in ASGI application"), which may quote patient data. Here it goes no further. A
    response already started (a streamed export) is cut short; uvicorn logs only that it was incomplete.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application; on an exception, log it without values and answer 500 if nothing was sent."""
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as exc:
            _log_unexpected(scope, exc)
            if not started:
                await send_json(send, 500, _error_body(_UNEXPECTED), scope)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Only for an exception outside ``UnexpectedErrors`` (in an outer middleware): the client learns
    # only that it was not their fault.
    _log_unexpected(request.scope, exc)
    return JSONResponse(_error_body(_UNEXPECTED), status_code=500,
                        headers={name.decode(): value.decode() for name, value in SECURITY_HEADERS})


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    # pool_pre_ping replaces a dead pooled connection before a request uses it; only a request whose
    # statement was running when the database went away meets the loss. Any other database error is
    # unexpected (500).
    if not getattr(exc, "connection_invalidated", False):
        return await _on_unexpected(request, exc)
    route = request.scope.get("route")
    log.warning("database connection lost on %s %s; answered 503", request.method, getattr(route, "path", "?"))
    return JSONResponse(_error_body("the database connection was lost and nothing was stored; retry"),
                        status_code=503, headers={"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    """Register the one mapping from exceptions to HTTP responses on ``app``."""
    app.add_exception_handler(AcupathError, _on_acupath_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)
