"""The password hasher the services take: hash, verify, and a dummy hash for unknown accounts.

Services take a ``PasswordHasher`` so that tests can pass a fast, counting fake; production passes
the argon2id one of ``acupath.security.passwords`` (infrastructure, made by the API and the CLI).
"""

from __future__ import annotations

import abc


class PasswordHasher(abc.ABC):
    """Hash and verify passwords."""

    @abc.abstractmethod
    def hash(self, password: str) -> str:
        """Return a salted hash of ``password``."""

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool:
        """Return True when ``password`` matches ``password_hash`` (False for a malformed hash)."""

    @abc.abstractmethod
    def needs_rehash(self, password_hash: str) -> bool:
        """Return True when the hash was made with weaker parameters than today's."""

    @abc.abstractmethod
    def dummy_hash(self) -> str:
        """Return a hash of a random password made with today's parameters, the same on every call.

        A login of an unknown (or deactivated) account verifies against it, so it costs the time a
        wrong password costs and the answer's delay does not tell which accounts exist.
        """
