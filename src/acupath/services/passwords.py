"""Password hashing behind a small interface, with the argon2id implementation the clinic uses.

Services take a ``PasswordHasher`` so that tests can pass a fast fake; production uses argon2id
(RFC 9106) through argon2-cffi with its default, OWASP-conforming parameters.
"""

from __future__ import annotations

import abc

import argon2


class PasswordHasher(abc.ABC):
    """Hash and verify passwords."""

    @abc.abstractmethod
    def hash(self, password: str) -> str:
        """Return a salted hash of ``password``."""

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool:
        """Return True when ``password`` matches ``password_hash``."""

    @abc.abstractmethod
    def needs_rehash(self, password_hash: str) -> bool:
        """Return True when the hash was made with weaker parameters than today's."""


class Argon2idHasher(PasswordHasher):
    """argon2id hashes (``$argon2id$v=19$...``)."""

    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher(type=argon2.Type.ID)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
