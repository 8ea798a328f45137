"""argon2id hashing: hashes verify and reject, and the dummy hash is a real one of today's parameters."""

from __future__ import annotations

import threading

import argon2
import pytest

from acupath.security.passwords import Argon2idHasher


def test_argon2id_hashes_verify_and_reject() -> None:
    hasher = Argon2idHasher()
    hashed = hasher.hash("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert hasher.verify(hashed, "correct horse battery")
    assert not hasher.verify(hashed, "wrong")
    assert not hasher.verify("not a hash", "wrong")
    assert not hasher.needs_rehash(hashed)


def test_the_dummy_hash_is_a_stable_argon2id_hash_that_matches_no_guess() -> None:
    hasher = Argon2idHasher()
    dummy = hasher.dummy_hash()
    assert dummy == hasher.dummy_hash() and dummy.startswith("$argon2id$")
    assert not hasher.needs_rehash(dummy)
    assert not hasher.verify(dummy, "")


class _CountingLibrary:
    """argon2-cffi's hasher, counting the verifies running at once inside it (a fake of the library seen from within)."""

    def __init__(self, library: argon2.PasswordHasher) -> None:
        self.library = library
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def verify(self, password_hash: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return self.library.verify(password_hash, password)
        finally:
            with self.lock:
                self.running -= 1


def test_no_more_hashes_than_allowed_run_at_once() -> None:
    hasher = Argon2idHasher(at_once=2)
    hashed = hasher.hash("correct horse battery")
    counting = _CountingLibrary(hasher._hasher)
    hasher._hasher = counting  # type: ignore[assignment]
    threads = [threading.Thread(target=hasher.verify, args=(hashed, "correct horse battery")) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= counting.peak <= 2  # six threads asked at once; without the bound the peak is 6


def test_at_least_one_hash_must_be_allowed() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Argon2idHasher(at_once=0)
