"""Typed settings read from the environment, strictly: a bad value stops start-up naming the variable.

=========================  ==========================================  ===========================
variable                   meaning                                     default
=========================  ==========================================  ===========================
ACUPATH_ENV                development, test or production             development
ACUPATH_DATABASE_URL       SQLAlchemy URL (sqlite:/// or postgresql)   sqlite:///acupath.sqlite3
ACUPATH_SECRET_KEY         signs login tokens; at least 32 characters  a development-only key
ACUPATH_TOKEN_MINUTES      lifetime of a login token, 5..10080         480 (one clinic day)
ACUPATH_SQL_ECHO           log every SQL statement (true/false)        false
=========================  ==========================================  ===========================

Outside development the secret key must be set and must not be the development default (as the
full-stack-fastapi-template refuses "changethis"). Nothing is read at import time: call
``Settings.from_env()``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from acupath.errors import InputError

ENVIRONMENTS = ("development", "test", "production")
DEVELOPMENT_SECRET = "acupath-development-secret-do-not-use-in-production"  # public on purpose: refused outside development
MIN_SECRET = 32
URL_SCHEMES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Settings:
    """The settings of one running acupath (server, CLI or tests)."""

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///acupath.sqlite3"
    secret_key: str = DEVELOPMENT_SECRET
    token_minutes: int = 480
    sql_echo: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return the settings from ``environ`` (default ``os.environ``).

        Raises ``InputError`` naming the variable for a bad value, and for a missing or default
        secret key outside development.
        """
        source = os.environ if environ is None else environ
        env = source.get("ACUPATH_ENV", "development").strip().lower()
        if env not in ENVIRONMENTS:
            raise InputError("ACUPATH_ENV", f"unknown environment {env!r}", ENVIRONMENTS)
        url = source.get("ACUPATH_DATABASE_URL", cls.database_url).strip()
        if url.split(":", 1)[0].split("+", 1)[0] not in URL_SCHEMES:
            raise InputError("ACUPATH_DATABASE_URL", f"unsupported database URL {url.split(':', 1)[0]!r}",
                             "sqlite:///<file>, postgresql+psycopg://user@host/db")
        secret = source.get("ACUPATH_SECRET_KEY", DEVELOPMENT_SECRET)
        if env != "development" and secret == DEVELOPMENT_SECRET:
            raise InputError("ACUPATH_SECRET_KEY", f"must be set to your own secret when ACUPATH_ENV={env}")
        if len(secret) < MIN_SECRET:
            raise InputError("ACUPATH_SECRET_KEY", f"must have at least {MIN_SECRET} characters")
        return cls(
            env=cast(Literal["development", "test", "production"], env),
            database_url=url,
            secret_key=secret,
            token_minutes=_integer(source, "ACUPATH_TOKEN_MINUTES", cls.token_minutes, 5, 10080),
            sql_echo=_boolean(source, "ACUPATH_SQL_ECHO", cls.sql_echo),
        )


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
