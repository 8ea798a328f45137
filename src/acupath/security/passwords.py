"""argon2id password hashing with a bound on how many hashes run at once in the process.

argon2id (RFC 9106) through argon2-cffi with its default, OWASP-conforming parameters: 64 MiB of
memory and about 50 ms of one core per hash or verify. argon2-cffi releases the GIL while it hashes,
so every thread that logs someone in allocates its own 64 MiB at once: 24 concurrent wrong logins
took a server from 122 MiB to 1.5 GiB and patient reads to 1.5 s (issue 12). ``Argon2idHasher`` lets
at most ``at_once`` hashes run together (a semaphore); the others wait their turn without memory, so
the peak stays near ``at_once`` × 64 MiB and the other cores stay free for reads
(``benchmarks/logins.py`` measures it).
"""

from __future__ import annotations

import secrets
import threading

import argon2

from acupath.services.passwords import PasswordHasher

#: How many hashes run at once when the settings do not say (``ACUPATH_PASSWORD_HASHES_AT_ONCE``).
DEFAULT_AT_ONCE = 2


class Argon2idHasher(PasswordHasher):
    """argon2id hashes (``$argon2id$v=19$...``), at most ``at_once`` computed at a time by this object.

    One object per process (the API's state, the command line): the bound holds across its threads.
    Raises ``ValueError`` for ``at_once`` below 1.
    """

    def __init__(self, at_once: int = DEFAULT_AT_ONCE) -> None:
        if at_once < 1:
            raise ValueError("at_once must be at least 1")
        self._hasher = argon2.PasswordHasher(type=argon2.Type.ID)
        self._turns = threading.BoundedSemaphore(at_once)
        self.at_once = at_once
        # Made now, so that the first unknown email costs a verify like every other login, not a hash.
        self._dummy = self.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        with self._turns:
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._turns:
            try:
                return self._hasher.verify(password_hash, password)
            except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
                return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def dummy_hash(self) -> str:
        return self._dummy
