"""Signed aggregate files: a clinic's Ed25519 key pair, the signature over a file's content, its check.

A clinic makes its key pair once (``acupath analytics keygen``) and keeps the private key; it gives the
public key to the network, whose members keep the public keys they trust in a folder. An aggregate file
is a JSON object ``{"format", "payload", "signature": {"algorithm", "key_id", "value"}}``: the
signature is Ed25519 (RFC 8032, through ``cryptography``) over the canonical JSON of ``format`` and
``payload`` (keys sorted, no spaces, UTF-8), so re-indenting the file does not break it but changing
any number does. The key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key:
the file names its signer, and only a key among the trusted ones can vouch for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from acupath.errors import InputError

FORMAT = "acupath.network-aggregates/1"
ALGORITHM = "Ed25519"
PUBLIC_SUFFIX = ".pub.pem"
PRIVATE_SUFFIX = ".key.pem"


def key_id(public_key: Ed25519PublicKey) -> str:
    """Return the key id of ``public_key``: 16 hex digits of the SHA-256 of its raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical(document: dict[str, Any]) -> bytes:
    """Return the bytes a signature covers: ``format`` and ``payload`` as canonical JSON.

    Raises ``InputError`` when the payload holds a number JSON cannot carry (NaN, infinity).
    """
    try:
        text = json.dumps({"format": document.get("format"), "payload": document.get("payload")}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise InputError("payload", "holds a number that is not finite", "finite numbers or null") from None
    return text.encode("utf-8")


@dataclass(frozen=True)
class KeyFiles:
    """Where ``write_key_pair`` put the two keys, and the key id."""

    private: Path
    public: Path
    key_id: str


def write_key_pair(folder: Path, name: str) -> KeyFiles:
    """Make a new Ed25519 key pair and write ``NAME.key.pem`` (PKCS#8, readable by its owner only) and
    ``NAME.pub.pem`` (SubjectPublicKeyInfo) into ``folder``; return the files and the key id.

    Raises ``InputError`` for a name that is not a plain file name, or when either file exists already
    (a key is never overwritten: files signed with it would no longer be checkable).
    """
    if not name or name in (".", "..") or any(c in name for c in "/\\\0") or name.startswith("."):
        raise InputError("--name", f"{name!r} is not a plain file name", "letters, digits, - and _")
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / f"{name}{PRIVATE_SUFFIX}", folder / f"{name}{PUBLIC_SUFFIX}"
    for path in (private_path, public_path):
        if path.exists():
            raise InputError("--name", f"{path} exists already; a key is never overwritten", "a new name")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    # Created with mode 0600 from the start: the private key is never readable by others, even briefly.
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public = private.public_key()
    public_path.write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    return KeyFiles(private_path, public_path, key_id(public))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Return the Ed25519 private key in the PEM file ``path``.

    Raises ``InputError`` naming ``--key`` when the file is missing, unreadable or not an Ed25519 private key.
    """
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise InputError("--key", f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, TypeError):
        raise InputError("--key", f"{path} is not an unencrypted PEM private key",
                         "the .key.pem file of acupath analytics keygen") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("--key", f"{path} is not an Ed25519 key", "the .key.pem file of acupath analytics keygen")
    return key


def trusted_keys(paths: list[Path]) -> dict[str, Ed25519PublicKey]:
    """Return the trusted public keys by key id: each path is a ``.pub.pem`` file or a folder of them.

    Raises ``InputError`` naming ``--trust`` for a missing path, a folder without public keys, or a file
    that is not an Ed25519 public key.
    """
    keys: dict[str, Ed25519PublicKey] = {}
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.name.endswith(PUBLIC_SUFFIX))
            if not files:
                raise InputError("--trust", f"{path} holds no public key (*{PUBLIC_SUFFIX})")
        elif path.is_file():
            files = [path]
        else:
            raise InputError("--trust", f"{path} does not exist", f"a folder of *{PUBLIC_SUFFIX} files or one file")
        for file in files:
            try:
                key = serialization.load_pem_public_key(file.read_bytes())
            except (OSError, ValueError, TypeError):
                raise InputError("--trust", f"{file} is not a PEM public key") from None
            if not isinstance(key, Ed25519PublicKey):
                raise InputError("--trust", f"{file} is not an Ed25519 public key")
            keys[key_id(key)] = key
    return keys


def sign(payload: dict[str, Any], private: Ed25519PrivateKey) -> dict[str, Any]:
    """Return the signed document of ``payload``: format, payload and the Ed25519 signature with its key id.

    Raises ``InputError`` when the payload holds a non-finite number.
    """
    document: dict[str, Any] = {"format": FORMAT, "payload": payload}
    signature = private.sign(canonical(document))
    document["signature"] = {"algorithm": ALGORITHM, "key_id": key_id(private.public_key()),
                             "value": base64.b64encode(signature).decode("ascii")}
    return document


def verify(document: Any, keys: dict[str, Ed25519PublicKey], where: str) -> tuple[str, dict[str, Any]]:
    """Check the signed ``document`` (read from ``where``) against the trusted ``keys``.

    Returns (key id, payload). Raises ``InputError`` naming ``where`` for a document that is not an
    aggregate file of this format, an unknown signer, or a signature that does not match the content
    (the file was changed after signing).
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(where, "is not an acupath aggregate file", FORMAT)
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        raise InputError(where, "carries no Ed25519 signature", "a file written by acupath analytics export-aggregates")
    signer = signature.get("key_id")
    if not isinstance(signer, str) or signer not in keys:
        raise InputError(where, f"is signed by key {signer!r}, which is not among the trusted public keys",
                         "files of clinics whose public key is in --trust")
    try:
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
        keys[signer].verify(value, canonical(document))
    except (InvalidSignature, binascii.Error, ValueError):
        raise InputError(where, f"the signature of key {signer} does not match the content (changed after signing)",
                         "the file as the clinic signed it") from None
    payload = document.get("payload")
    if not isinstance(payload, dict):
        raise InputError(where, "has no payload object")
    return signer, payload
