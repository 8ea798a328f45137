"""What every request and response passes through: security headers, the body limit, control characters.

Two plain ASGI middlewares (Starlette's documented pure-ASGI form rather than ``BaseHTTPMiddleware``,
which runs each response through a second task and a memory stream):

* ``SecurityHeaders`` adds ``SECURITY_HEADERS`` to every response that does not set its own (the
  Swagger page at ``/docs`` sets a Content-Security-Policy that lets its own script run). The headers
  follow the OWASP REST Security and Secure Headers cheat sheets for an API that serves JSON only:
  nothing may be framed, sniffed, cached, or sent as a referrer.
* ``RequestGuard`` answers before the application does: 413 for a body larger than the limit (its
  ``Content-Length``, or its bytes as they arrive), and 422 naming the field for a control character
  (U+0000-U+001F, U+007F-U+009F) or a lone UTF-16 surrogate in the path, a query parameter or any key
  or string of a JSON body, and for ``NaN`` or ``Infinity`` as a number (not JSON; a reassessment
  stored NaN as an answer). Newline, carriage return and tab are allowed in a body's strings, where
  clinicians write notes; nothing else of these ever belongs in a clinic's record, and PostgreSQL
  refuses NUL in text and in ``jsonb`` outright (a 500 before this guard).

``Cache-Control: no-store`` is on every response, not only on patient data: every answer but
``/health`` and the docs carries patient data, an account or a token, and a rule by path would be one
more place to forget a new route. The docs' assets are fetched once per visit of a developer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from acupath.api.fhir_responses import FHIR_JSON, is_fhir_path
from acupath.fhir import as_json
from acupath.fhir.outcome import operation_outcome
from acupath.validation import field_path

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The policy of every JSON answer: it loads nothing, runs nothing and may not be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", API_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate CSP 2
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)

#: Characters never accepted: C0 and C1 controls (but tab, newline, carriage return) and lone surrogates.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_REFUSED_IN_URL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: A body holds a refused character only if one of these is in its bytes: a JSON escape of a control
#: character or surrogate, a raw DEL, or a raw C1 control in UTF-8 (strict JSON has no raw C0 in strings);
#: or one of the constants ``NaN``, ``Infinity`` that Python's JSON reader accepts and RFC 8259 does not.
_SUSPECT_BODY = re.compile(rb"\\u00(?:[0189][0-9a-fA-F]|7[fF])|\\u[dD][89a-fA-F]|\x7f|\xc2[\x80-\x9f]|NaN|Infinity")
_SUSPECT_QUERY = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF]|[cC]2%[89][0-9a-fA-F])")
#: Request methods that carry no body unless they announce one.
_BODYLESS = frozenset(("GET", "HEAD", "OPTIONS", "DELETE"))


class HttpMiddleware:
    """A pure-ASGI middleware that acts on HTTP requests (``handle``); lifespan and others pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run ``handle`` for an HTTP request, else the application as it is."""
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request through ``self.app``."""
        raise NotImplementedError


class SecurityHeaders(HttpMiddleware):
    """ASGI middleware: adds ``SECURITY_HEADERS`` to every HTTP response that did not set them itself."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application, adding the headers to its response start."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & _SECURITY_NAMES
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def refusal(problem_field: str, problem: str, allowed: str | None = None) -> dict[str, Any]:
    """Return one entry of a 422 ``errors`` list: the field, the problem and (when known) what is allowed."""
    entry: dict[str, Any] = {"field": problem_field, "problem": problem}
    if allowed:
        entry["allowed"] = allowed
    return entry


def _describe(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return "contains a lone UTF-16 surrogate"
    return f"contains the control character U+{ord(char):04X}"


_TEXT_ALLOWED = "printable text; newline and tab only in a body's free text"


def refused_in_url(scope: Scope) -> dict[str, Any] | None:
    """Return the 422 entry for a control character in the path or a query parameter, else None."""
    found = _REFUSED_IN_URL.search(scope.get("path", ""))
    if found:
        return refusal("path", _describe(found.group()), _TEXT_ALLOWED)
    query: bytes = scope.get("query_string", b"")
    if query and _SUSPECT_QUERY.search(query):
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            found = _REFUSED_IN_URL.search(name) or _REFUSED_IN_URL.search(value)
            if found:
                return refusal(name if not _REFUSED_IN_URL.search(name) else "query", _describe(found.group()),
                               _TEXT_ALLOWED)
    return None


def refused_in_body(body: bytes) -> dict[str, Any] | None:
    """Return the 422 entry for a refused character in a JSON body's keys or strings, else None.

    A body that is not JSON is left to the route, which answers 422 for it.
    """
    if not _SUSPECT_BODY.search(body):
        return None
    try:
        document = json.loads(body, parse_constant=_NotANumber)
    except (ValueError, RecursionError):
        return None
    return _walk(document, [])


class _NotANumber(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a body: not JSON, and stored it was a score of nothing."""


def _walk(value: Any, path: list[Any]) -> dict[str, Any] | None:
    if isinstance(value, _NotANumber):
        return refusal(field_path(path) or "body", f"{value} is not a JSON number", "a finite number")
    if isinstance(value, str):
        found = _REFUSED.search(value)
        return refusal(field_path(path) or "body", _describe(found.group()), _TEXT_ALLOWED) if found else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _REFUSED.search(key)
            if found:
                return refusal(field_path(path) or "body", f"a key {_describe(found.group())}", _TEXT_ALLOWED)
            entry = _walk(item, [*path, key])
            if entry:
                return entry
    elif isinstance(value, list):
        for index, item in enumerate(value):
            entry = _walk(item, [*path, index])
            if entry:
                return entry
    return None


async def send_json(send: Send, status: int, body: dict[str, Any], scope: Scope | None = None) -> None:
    """Send a whole JSON response of ``status`` (the security headers are added on the way out).

    Under the FHIR API (``scope``'s path) the same refusal goes as an OperationOutcome naming the fields.
    """
    media = b"application/json"
    if scope is not None and is_fhir_path(scope["path"]):
        fields = [entry["field"] for entry in body.get("errors", ())]
        body, media = as_json(operation_outcome(status, body["detail"], fields)), FHIR_JSON.encode()
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def _too_large(limit: int) -> dict[str, Any]:
    return {"detail": f"the request body is larger than {limit} bytes",
            "errors": [refusal("body", "too large", f"at most {limit} bytes (ACUPATH_MAX_BODY_BYTES)")]}


def _unprocessable(entry: dict[str, Any]) -> dict[str, Any]:
    return {"detail": f"invalid request: {entry['field']}", "errors": [entry]}


class RequestGuard(HttpMiddleware):
    """ASGI middleware: 413 above ``max_body_bytes``, 422 for control characters, before the app runs."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 or 422 itself, or run the application on the (already read) body."""
        entry = refused_in_url(scope)
        if entry:
            await send_json(send, 422, _unprocessable(entry), scope)
            return
        length: bytes | None = None
        announced = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length, announced = value, True
            elif name == b"transfer-encoding":
                announced = True
        if not announced and scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await send_json(send, 413, _too_large(self.max_body_bytes), scope)
            return
        messages: list[Message] = []
        size = 0
        while True:  # read the whole body: the app receives it again, in one message
            message = await receive()
            if message["type"] != "http.request":
                messages.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await send_json(send, 413, _too_large(self.max_body_bytes), scope)
                return
            messages.append(message)
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        entry = refused_in_body(body)
        if entry:
            await send_json(send, 422, _unprocessable(entry), scope)
            return
        replay = [{"type": "http.request", "body": body, "more_body": False}]
        replay += [m for m in messages if m["type"] != "http.request"]

        async def receive_again() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, receive_again, send)
