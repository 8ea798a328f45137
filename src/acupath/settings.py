"""Typed settings read from the environment, strictly: a bad value stops start-up naming the variable.

=========================  ==========================================  ===========================
variable                   meaning                                     default
=========================  ==========================================  ===========================
ACUPATH_ENV                development, test or production             production
ACUPATH_DATABASE_URL       SQLAlchemy URL (sqlite:/// or postgresql)   sqlite:///acupath.sqlite3
ACUPATH_SECRET_KEY         signs login tokens; at least 32 bytes       none (development: a public key)
ACUPATH_TOKEN_MINUTES      lifetime of a login token, 5..10080         480 (one clinic day)
ACUPATH_TOKEN_IDLE_MINUTES a token unused this long is refused, 5..1440 30
ACUPATH_SQL_ECHO           log every SQL statement (true/false)        false
ACUPATH_DOCS               serve /docs and /openapi.json (true/false)  true in development only
ACUPATH_MAX_BODY_BYTES     largest request body, 1024..67108864        1048576 (1 MiB; else 413)
ACUPATH_TRUSTED_PROXIES    addresses or networks whose X-Forwarded-*   none (forwarded headers are
                           headers are believed, comma-separated, or   ignored)
                           ``*`` for any
ACUPATH_PASSWORD_HASHES    argon2id hashes computed at once, 1..32     2 (64 MiB of memory each)
ACUPATH_LOGIN_ACCOUNT_     failed logins of one email that lock it,    5
FAILURES                   1..1000
ACUPATH_LOGIN_ADDRESS_     failed logins from one client address that  30
FAILURES                   lock it, 1..100000
ACUPATH_LOGIN_LOCKOUT_     how long failures count and lock, 1..1440   15
MINUTES
ACUPATH_PORTAL_URL         the address patients open the portal at     the address of the request
                           (``https://clinic.example``), for invitation  (fine on one machine)
                           links and their QR codes
ACUPATH_SMTP_HOST          SMTP server that emails portal links        none (links are shown only)
ACUPATH_SMTP_PORT          its port, 1..65535                          587
ACUPATH_SMTP_USER          login at the server (optional)              none
ACUPATH_SMTP_PASSWORD      its password (optional)                     none
ACUPATH_SMTP_FROM          the From address; needed with a host        none
ACUPATH_SMTP_SECURITY      starttls, ssl (implicit TLS) or none        starttls
ACUPATH_FHIR_BASE          base of the canonical URLs of the FHIR      https://acupath.example/fhir
                           definitions acupath publishes (http(s) URL)
ACUPATH_FHIR_EXPORT_DIR    where Bulk Data ``$export`` files are       <temp dir>/acupath-fhir-export
                           written (kept 24 h, removed on DELETE)
ACUPATH_FHIR_EXPORT_       bulk exports running at once (all clinics;  2
WORKERS                    one per clinic), 1..16
ACUPATH_CDS_CLIENTS        JSON file of the EHRs allowed to call the   none (every CDS call is 401)
                           CDS Hooks services: issuer, clinic, public
                           key (``api.cds_auth``)
ACUPATH_CDS_URL            the public base URL EHRs call the CDS       the address of the request
                           services at (a token's ``aud`` is it +
                           ``/cds-services/{id}``)
=========================  ==========================================  ===========================

Secure by default: without ``ACUPATH_ENV`` the environment is production, where the server refuses to
start without a secret key of its own (``Settings.signing_key``), as the full-stack-fastapi-template
refuses "changethis"; only an explicit ``ACUPATH_ENV=development`` signs with the public development
key. Commands that sign nothing (``db upgrade``, ``users create``) need no key. Nothing is read at import
time: call ``Settings.from_env()``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from acupath.errors import InputError
from acupath.services.portal.mail import Security, SmtpSettings

ENVIRONMENTS = ("development", "test", "production")
DEVELOPMENT_SECRET = "acupath-development-secret-do-not-use-in-production"  # public on purpose: refused outside development
MIN_SECRET = 32  # bytes: 256 bits for HMAC-SHA256 (RFC 2104 section 3: at least the hash's length)
URL_SCHEMES = ("sqlite", "postgresql")
MAX_BODY_BYTES = 1024 * 1024  # the largest intake document of the demo clinic is under 8 KiB


@dataclass(frozen=True)
class Settings:
    """The settings of one running acupath (server, CLI or tests)."""

    env: Literal["development", "test", "production"] = "production"
    database_url: str = "sqlite:///acupath.sqlite3"
    #: None when no key is configured outside development: ``signing_key`` refuses to serve then.
    secret_key: str | None = None
    token_minutes: int = 480
    token_idle_minutes: int = 30
    sql_echo: bool = False
    docs: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    trusted_proxies: tuple[str, ...] = ()
    password_hashes: int = 2
    login_account_failures: int = 5
    login_address_failures: int = 30
    login_lockout_minutes: int = 15
    portal_url: str | None = None
    #: None: no SMTP server configured, portal links are shown to the clinician only.
    smtp: SmtpSettings | None = None
    #: The base of the canonical URLs of acupath's FHIR definitions (``acupath.fhir.Canon``).
    fhir_base: str = "https://acupath.example/fhir"
    #: Practice-evidence groups of fewer courses are suppressed on the page and in the API (``acupath.analytics``).
    analytics_min_cell: int = 10
    #: Where the Bulk Data ``$export`` files are written (None: ``acupath-fhir-export`` in the temp dir).
    fhir_export_dir: str | None = None
    #: Bulk exports running at once in one server process (threads beside the request thread pool).
    fhir_export_workers: int = 2
    #: The JSON file of the EHRs allowed to call the CDS Hooks services (None: none is).
    cds_clients: str | None = None
    #: The public base URL of the CDS Hooks services, for a token's ``aud`` (None: the request's address).
    cds_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return the settings from ``environ`` (default ``os.environ``).

        Raises ``InputError`` naming the variable for a bad value: an unknown environment, a secret key
        shorter than ``MIN_SECRET`` bytes, or the development key outside development.
        """
        source = os.environ if environ is None else environ
        env = source.get("ACUPATH_ENV", "production").strip().lower()
        if env not in ENVIRONMENTS:
            raise InputError("ACUPATH_ENV", f"unknown environment {env!r}", ", ".join(ENVIRONMENTS))
        url = source.get("ACUPATH_DATABASE_URL", cls.database_url).strip()
        if url.split(":", 1)[0].split("+", 1)[0] not in URL_SCHEMES:
            raise InputError("ACUPATH_DATABASE_URL", f"unsupported database URL {url.split(':', 1)[0]!r}",
                             "sqlite:///<file>, postgresql+psycopg://user@host/db")
        secret = source.get("ACUPATH_SECRET_KEY") or (DEVELOPMENT_SECRET if env == "development" else None)
        if secret is not None:
            _check_secret(secret, env)
        return cls(
            env=cast(Literal["development", "test", "production"], env),
            database_url=url,
            secret_key=secret,
            token_minutes=_integer(source, "ACUPATH_TOKEN_MINUTES", cls.token_minutes, 5, 10080),
            token_idle_minutes=_integer(source, "ACUPATH_TOKEN_IDLE_MINUTES", cls.token_idle_minutes, 5, 1440),
            sql_echo=_boolean(source, "ACUPATH_SQL_ECHO", cls.sql_echo),
            docs=_boolean(source, "ACUPATH_DOCS", env == "development"),
            max_body_bytes=_integer(source, "ACUPATH_MAX_BODY_BYTES", MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
            trusted_proxies=_proxies(source.get("ACUPATH_TRUSTED_PROXIES", "")),
            password_hashes=_integer(source, "ACUPATH_PASSWORD_HASHES", cls.password_hashes, 1, 32),
            login_account_failures=_integer(source, "ACUPATH_LOGIN_ACCOUNT_FAILURES", cls.login_account_failures,
                                            1, 1000),
            login_address_failures=_integer(source, "ACUPATH_LOGIN_ADDRESS_FAILURES", cls.login_address_failures,
                                            1, 100_000),
            login_lockout_minutes=_integer(source, "ACUPATH_LOGIN_LOCKOUT_MINUTES", cls.login_lockout_minutes,
                                           1, 1440),
            portal_url=_portal_url(source.get("ACUPATH_PORTAL_URL", "")),
            smtp=_smtp(source),
            fhir_base=_url(source, "ACUPATH_FHIR_BASE", cls.fhir_base),
            analytics_min_cell=_integer(source, "ACUPATH_ANALYTICS_MIN_CELL", cls.analytics_min_cell, 5, 1000),
            fhir_export_dir=source.get("ACUPATH_FHIR_EXPORT_DIR", "").strip() or None,
            fhir_export_workers=_integer(source, "ACUPATH_FHIR_EXPORT_WORKERS", cls.fhir_export_workers, 1, 16),
            cds_clients=source.get("ACUPATH_CDS_CLIENTS", "").strip() or None,
            cds_url=_url(source, "ACUPATH_CDS_URL", "") if source.get("ACUPATH_CDS_URL", "").strip() else None,
        )

    def signing_key(self) -> str:
        """Return the secret key that signs login tokens.

        Raises ``InputError`` (``ACUPATH_SECRET_KEY``) when none is configured: outside development the
        server does not start without a key of its own.
        """
        if self.secret_key is None:
            raise InputError("ACUPATH_SECRET_KEY", f"must be set to your own secret of at least {MIN_SECRET} "
                             f"bytes when ACUPATH_ENV={self.env} (or set ACUPATH_ENV=development on a "
                             "developer's machine)")
        _check_secret(self.secret_key, self.env)
        return self.secret_key


def _check_secret(secret: str, env: str) -> None:
    if env != "development" and secret == DEVELOPMENT_SECRET:
        raise InputError("ACUPATH_SECRET_KEY", f"is the public development key, refused when ACUPATH_ENV={env}",
                         f"your own random secret of at least {MIN_SECRET} bytes")
    if len(secret.encode()) < MIN_SECRET:
        raise InputError("ACUPATH_SECRET_KEY", f"must have at least {MIN_SECRET} bytes",
                         "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'")


def _portal_url(raw: str) -> str | None:
    """Return the portal's public base URL of ``ACUPATH_PORTAL_URL`` without a trailing slash, or None."""
    url = raw.strip().rstrip("/")
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    if scheme not in ("http", "https") or not rest or any(c in rest for c in "?# "):
        raise InputError("ACUPATH_PORTAL_URL", f"{url!r} is not an http(s) address without query",
                         "e.g. https://portal.harbour-clinic.example")
    return url


def _smtp(source: Mapping[str, str]) -> SmtpSettings | None:
    """Return the SMTP settings of ``ACUPATH_SMTP_*``, or None when no host is set."""
    host = source.get("ACUPATH_SMTP_HOST", "").strip()
    if not host:
        return None
    sender = source.get("ACUPATH_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise InputError("ACUPATH_SMTP_FROM", "must be the From address of portal emails when ACUPATH_SMTP_HOST is set",
                         "e.g. portal@harbour-clinic.example")
    security = source.get("ACUPATH_SMTP_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "ssl", "none"):
        raise InputError("ACUPATH_SMTP_SECURITY", f"unknown value {security!r}", "starttls, ssl, none")
    return SmtpSettings(host=host, port=_integer(source, "ACUPATH_SMTP_PORT", 587, 1, 65535), sender=sender,
                        user=source.get("ACUPATH_SMTP_USER") or None, password=source.get("ACUPATH_SMTP_PASSWORD") or None,
                        security=cast(Security, security))


def _proxies(raw: str) -> tuple[str, ...]:
    """Return the trusted proxies of ``ACUPATH_TRUSTED_PROXIES``: addresses, networks (CIDR) or ``*``."""
    entries = tuple(part.strip() for part in raw.split(",") if part.strip())
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise InputError("ACUPATH_TRUSTED_PROXIES", f"{entry!r} is not an IP address or network",
                             "e.g. 10.0.0.5, 10.0.0.0/24, or * behind a proxy that is the only way in") from None
    return entries


def _url(source: Mapping[str, str], name: str, default: str) -> str:
    # A canonical base: an absolute http(s) URL without query or fragment (FHIR canonical URLs).
    raw = source.get(name, "").strip() or default
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?", raw):
        raise InputError(name, f"is not an http(s) URL without query: {raw[:80]!r}",
                         "an absolute URL such as https://clinic.example/fhir")
    return raw.rstrip("/")


def _integer(source: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = source.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(name, f"{raw!r} is not a whole number", f"{low}..{high}") from None
    if not low <= value <= high:
        raise InputError(name, f"{value} is out of range", f"{low}..{high}")
    return value


def _boolean(source: Mapping[str, str], name: str, default: bool) -> bool:
    raw = source.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise InputError(name, f"{raw!r} is not a yes/no value", "true, false")
