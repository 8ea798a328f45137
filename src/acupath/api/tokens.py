"""Login tokens: HMAC-SHA256-signed with the secret key, expiring, revocable at logout.

A token is ``<payload>.<signature>``, both URL-safe base64; the payload names the user, their clinic
and role, when it was issued (``iat``, seconds to the millisecond: a password changed later refuses
it, ``services.sign_ins``, and a login just after the change must not be taken for one before it), when
it expires and a random token id. Nothing secret is in it (it is signed, not
encrypted). Logout revokes the token id in the database (``acupath.services.logouts``), so every
worker refuses it; the revocation is kept only until the token would have expired anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from acupath.services.plan_cache import LruCache

#: Genuine tokens whose claims a signer keeps (see ``TokenSigner.verify``); one per signed-in user.
GENUINE_KEPT = 10_000
#: Longer than any token ``issue`` makes (about 250 characters), far below the server's header limit.
MAX_TOKEN = 2048


class InvalidToken(Exception):
    """A token that is malformed, forged, expired or revoked (the API answers 401).

    ``claims`` are the token's when it is genuine but expired (for the audit entry), else None.
    """

    def __init__(self, message: str, claims: TokenClaims | None = None) -> None:
        super().__init__(message)
        self.claims = claims


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who, of which clinic, in which role, from and until when, and its id."""

    user_id: str
    clinic_id: str
    role: str
    expires_at: datetime
    token_id: str
    issued_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens with one secret key."""

    def __init__(self, secret_key: str, lifetime: timedelta) -> None:
        # Derive a key for this one purpose, so the secret key can sign other things without confusion.
        self._key = hashlib.sha256(b"acupath.api.tokens\x00" + secret_key.encode()).digest()
        self.lifetime = lifetime
        self._genuine: LruCache[str, TokenClaims] = LruCache(capacity=GENUINE_KEPT)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def issue(self, user_id: str, clinic_id: str, role: str, now: datetime) -> tuple[str, TokenClaims]:
        """Return a new token and its claims, valid from ``now`` for the signer's lifetime."""
        # As the token holds it, to the millisecond (truncated: never later than the issue itself).
        issued_at = now.replace(microsecond=now.microsecond - now.microsecond % 1000)
        claims = TokenClaims(user_id=user_id, clinic_id=clinic_id, role=role, issued_at=issued_at,
                             expires_at=(issued_at + self.lifetime).replace(microsecond=0),
                             token_id=secrets.token_urlsafe(16))
        body = {"sub": claims.user_id, "clinic": claims.clinic_id, "role": claims.role,
                "iat": claims.issued_at.timestamp(), "exp": int(claims.expires_at.timestamp()),
                "jti": claims.token_id}
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._sign(payload)}", claims

    def verify(self, token: str, now: datetime) -> TokenClaims:
        """Return the claims of a genuine, unexpired token. Raises ``InvalidToken`` otherwise."""
        if not token.isascii() or len(token) > MAX_TOKEN:  # a header may carry any Latin-1 text
            raise InvalidToken("the token is malformed")
        claims = self._genuine.get(token, lambda: self._read(token))  # a refusal raises and is not kept
        if claims.expires_at <= now:
            raise InvalidToken("the token has expired; log in again", claims)
        return claims

    def _read(self, token: str) -> TokenClaims:
        # The signature and payload of a token string never change, so a genuine one is kept
        # (``_genuine``): every request checks its token, and the HMAC and JSON were a twentieth of one.
        payload, _, signature = token.partition(".")
        if not payload or not signature or not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidToken("the token is not genuine")
        try:
            body = json.loads(_unb64(payload))
            expires_at = datetime.fromtimestamp(int(body["exp"]), UTC)
            # A token issued before tokens named their issue time: as if issued a lifetime before expiry.
            issued_at = (datetime.fromtimestamp(float(body["iat"]), UTC) if "iat" in body
                         else expires_at - self.lifetime)
            claims = TokenClaims(user_id=str(body["sub"]), clinic_id=str(body["clinic"]),
                                 role=str(body["role"]), token_id=str(body["jti"]), expires_at=expires_at,
                                 issued_at=issued_at)
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
            raise InvalidToken("the token is malformed") from exc
        return claims
