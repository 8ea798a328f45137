"""JWT bearer authentication of the EHRs that call the CDS Hooks services (CDS Hooks 2.0, "Trusting CDS
Clients").

Every call to a service or its feedback endpoint carries ``Authorization: Bearer <JWT>``, signed by the
EHR's private key. It is accepted only when

- the header's ``alg`` is ES384 or RS384 (the specification's recommended algorithms; never ``none`` or
  a shared-secret HMAC) and it names a ``kid``;
- the payload's ``iss`` is a client of ``ACUPATH_CDS_CLIENTS`` and the signature verifies with that
  client's key (its JWK set by ``kid``, or its one PEM public key); a ``jku`` header must be the client's
  own if one is configured (keys are never fetched from a URL the token names), and so must ``sub`` and
  ``tenant`` when the client's entry names them;
- ``aud`` is the URL of the endpoint called (``ACUPATH_CDS_URL`` + the path, else the request's own
  URL), ``exp`` has not passed, ``iat`` is not in the future, and the token lives at most
  ``MAX_LIFETIME`` (so that its ``jti`` is remembered, used once, for a bounded time);
- its ``jti`` was not used before (``services.cds_hooks.use_token``, in the database).

Otherwise the answer is 401 and the refusal is in the audit log with a fixed reason phrase (never the
token). The clients file (JSON) lists each client's issuer, clinic and key::

    {"clients": [{"iss": "https://ehr.example.org", "clinic": "harbour",
                  "jwks": {"keys": [{"kty": "EC", "crv": "P-384", "kid": "ehr-1", "x": "...", "y": "..."}]}},
                 {"iss": "https://other.example", "clinic": "harbour", "public_key_file": "other.pem"}]}

``public_key_pem`` holds a PEM in the file itself; ``public_key_file`` is relative to the clients file;
``jku``, ``sub`` and ``tenant`` are optional allowlisted values.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from acupath.api.deps import remote_address
from acupath.api.refusals import route_of
from acupath.errors import InputError, NotAuthenticated
from acupath.services import audit
from acupath.services.cds_hooks import CdsClient, TokenUse

ALGORITHMS = ("ES384", "RS384")
#: The kind of public key each algorithm verifies with (PyJWT raises TypeError, not an error of its own,
#: when an RS384 token meets a client's EC key).
_KEY_KINDS: dict[str, type] = {"ES384": EllipticCurvePublicKey, "RS384": RSAPublicKey}
MAX_LIFETIME = timedelta(minutes=10)
LEEWAY = timedelta(seconds=30)  # clocks of two machines differ a little
_VARIABLE = "ACUPATH_CDS_CLIENTS"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientKeys:
    """One configured EHR: who it is (issuer, clinic), its keys by ``kid`` (``None``: the one PEM key)."""

    client: CdsClient
    keys: dict[str | None, Any]
    jku: str | None = None
    #: When configured, the token's ``sub`` and ``tenant`` must be these (the specification's allowlist).
    sub: str | None = None
    tenant: str | None = None

    def key_for(self, kid: str) -> Any | None:
        """Return the public key for ``kid``: the JWK with that id, else the client's single PEM key."""
        return self.keys.get(kid, self.keys.get(None))


def _entry(raw: Any, index: int, folder: Path) -> ClientKeys:
    where = f"{_VARIABLE} clients[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("iss"), str) or not isinstance(raw.get("clinic"), str):
        raise InputError(where, "needs iss and clinic (strings)", "iss, clinic, and jwks, public_key_pem or public_key_file")
    keys: dict[str | None, Any] = {}
    try:
        if "jwks" in raw:
            for jwk in raw["jwks"].get("keys", ()):
                key = jwt.PyJWK(jwk)
                keys[key.key_id] = key.key
        elif "public_key_pem" in raw or "public_key_file" in raw:
            pem = raw.get("public_key_pem") or (folder / raw["public_key_file"]).read_text(encoding="ascii")
            keys[None] = load_pem_public_key(pem.encode("ascii"))
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        raise InputError(where, f"has an unreadable key ({type(exc).__name__})", "an EC P-384 or RSA public key") from None
    if not keys:
        raise InputError(where, "has no public key", "jwks, public_key_pem or public_key_file")
    return ClientKeys(client=CdsClient(issuer=raw["iss"], clinic_id=raw["clinic"]), keys=keys, jku=raw.get("jku"),
                      sub=raw.get("sub"), tenant=raw.get("tenant"))


def load_clients(path: str | None) -> dict[str, ClientKeys]:
    """Return the clients of the JSON file at ``path`` by issuer (none when ``path`` is None).

    Raises ``InputError`` naming ``ACUPATH_CDS_CLIENTS`` for a missing or malformed file.
    """
    if not path:
        return {}
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(_VARIABLE, f"cannot read {file.name} ({type(exc).__name__})", "a JSON file {\"clients\": [...]}") from None
    clients = data.get("clients") if isinstance(data, dict) else None
    if not isinstance(clients, list):
        raise InputError(_VARIABLE, "has no clients list", "{\"clients\": [{\"iss\", \"clinic\", \"jwks\"}]}")
    found = [_entry(raw, i, file.parent) for i, raw in enumerate(clients)]
    return {c.client.issuer: c for c in found}


def expected_audience(request: Request, base: str | None) -> str:
    """Return the URL the token must name as ``aud``: ``base`` + the path, else the request's URL."""
    if base:
        return base.rstrip("/") + request.url.path
    return str(request.url.replace(query=None))


def verify(token: str, clients: dict[str, ClientKeys], audience: str, now: datetime) -> tuple[ClientKeys, TokenUse]:
    """Return the client and the token's use when ``token`` is acceptable (see the module docstring).

    Raises ``NotAuthenticated`` with a fixed reason phrase (the client's issuer is in ``.issuer`` when known).
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise NotAuthenticated("malformed token") from None
    if header.get("alg") not in ALGORITHMS:
        raise NotAuthenticated("algorithm not allowed (ES384, RS384)")
    kid, issuer = header.get("kid"), unverified.get("iss")
    if not isinstance(kid, str) or not kid:
        raise NotAuthenticated("no kid in the header")
    client = clients.get(issuer) if isinstance(issuer, str) else None
    if client is None:
        raise NotAuthenticated("unknown issuer")
    refused = _Refusal(client)
    if header.get("jku") is not None and client.jku is not None and header["jku"] != client.jku:
        raise refused("jku not allowed")
    key = client.key_for(kid)
    if key is None:
        raise refused("unknown key id")
    if not isinstance(key, _KEY_KINDS[header["alg"]]):
        raise refused("algorithm does not fit the client's key")
    try:
        claims = jwt.decode(token, key, algorithms=[header["alg"]], audience=audience, issuer=issuer,
                            leeway=LEEWAY, options={"require": ["iss", "aud", "exp", "iat", "jti"]})
    except jwt.ExpiredSignatureError:
        raise refused("expired") from None
    except jwt.InvalidAudienceError:
        raise refused("wrong audience") from None
    except jwt.ImmatureSignatureError:
        raise refused("issued in the future") from None
    except jwt.MissingRequiredClaimError as exc:
        raise refused(f"missing claim {exc.claim}") from None
    except jwt.PyJWTError:
        raise refused("bad signature or claims") from None
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    if not isinstance(claims["jti"], str) or not claims["jti"] or len(claims["jti"]) > 200:
        raise refused("jti must be a string")
    for claim in ("sub", "tenant"):
        wanted = getattr(client, claim)
        if wanted is not None and claims.get(claim) != wanted:
            raise refused(f"{claim} not allowed")
    if expires - now > MAX_LIFETIME + LEEWAY:
        raise refused(f"lives longer than {int(MAX_LIFETIME.total_seconds() // 60)} minutes")
    return client, TokenUse(issuer=issuer, jti=claims["jti"], expires_at=expires + LEEWAY)


class _Refusal:
    """Makes the ``NotAuthenticated`` of a known client (its clinic gets the audit entry)."""

    def __init__(self, client: ClientKeys) -> None:
        self.client = client

    def __call__(self, reason: str) -> NotAuthenticated:
        error = NotAuthenticated(reason)
        error.cds_client = self.client.client  # type: ignore[attr-defined]
        return error


@dataclass(frozen=True)
class CdsCaller:
    """A verified call: the client, the token's use, the caller's address."""

    client: CdsClient
    token: TokenUse
    address: str


async def cds_caller(request: Request) -> CdsCaller:
    """FastAPI dependency: return the verified ``CdsCaller`` of the request.

    Raises ``NotAuthenticated`` (401) after auditing the refusal (route, address, reason; the clinic of a
    known issuer).
    """
    config = request.app.state.cds
    address = remote_address(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("missing bearer token")
        client, use = verify(token.strip(), config.clients, expected_audience(request, config.base_url),
                             request.app.state.acupath.clock())
    except NotAuthenticated as exc:
        known: CdsClient | None = getattr(exc, "cds_client", None)
        await run_in_threadpool(_audit_refusal, request, address, str(exc), known)
        raise
    return CdsCaller(client=client.client, token=use, address=address)


def _audit_refusal(request: Request, address: str, reason: str, client: CdsClient | None) -> None:
    state = request.app.state.acupath
    try:
        audit.record_refused_token(state.uow_factory(), route=route_of(request), reason=f"CDS Hooks JWT: {reason}",
                                   remote_address=address, clinic_id=client.clinic_id if client else None,
                                   user_id=f"cds:{client.issuer}" if client else None)
    except Exception as exc:  # the 401 stands whatever happens here
        log.warning("a refused CDS call could not be audited (%s)", type(exc).__name__)


@dataclass(frozen=True)
class CdsConfig:
    """The app's CDS Hooks settings: the clients by issuer and the public base URL (``aud``)."""

    clients: dict[str, ClientKeys]
    base_url: str | None
