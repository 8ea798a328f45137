"""Signed aggregate files: the key pair, a signature that survives re-indenting, tampering and strangers refused."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from network_files import HARBOUR

from acupath.analytics.network_signing import (
    FORMAT,
    load_private_key,
    sign,
    trusted_keys,
    verify,
    write_key_pair,
)
from acupath.errors import InputError


@pytest.fixture
def keys(tmp_path: Path):
    harbour = write_key_pair(tmp_path / "keys", "harbour")
    return tmp_path / "keys", harbour


def test_keygen_writes_a_private_key_only_its_owner_can_read_and_a_public_key(keys) -> None:
    folder, files = keys
    assert stat.S_IMODE(files.private.stat().st_mode) == 0o600
    assert files.public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert list(trusted_keys([folder])) == [files.key_id] and len(files.key_id) == 16


def test_a_key_is_never_overwritten(keys) -> None:
    folder, files = keys
    before = files.private.read_bytes()
    with pytest.raises(InputError, match="exists already"):
        write_key_pair(folder, "harbour")
    assert files.private.read_bytes() == before


@pytest.mark.parametrize("name", ["", "../up", "a/b", ".hidden"])
def test_a_key_name_must_be_a_plain_file_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="--name"):
        write_key_pair(tmp_path, name)


def test_a_signed_file_verifies_after_re_indenting_and_names_its_signer(keys) -> None:
    folder, files = keys
    document = sign(HARBOUR, load_private_key(files.private))
    assert document["format"] == FORMAT and document["signature"]["key_id"] == files.key_id
    reread = json.loads(json.dumps(document, indent=7, sort_keys=False))
    signer, payload = verify(reread, trusted_keys([folder]), "harbour.json")
    assert signer == files.key_id and payload == HARBOUR


@pytest.mark.parametrize("change", [
    lambda d: d["payload"]["conditions"][0].__setitem__("responders", 61),
    lambda d: d["payload"]["conditions"][0].__setitem__("mean_improvement", 1.9),
    lambda d: d["payload"].__setitem__("clinic", "Harbour (improved)"),
    lambda d: d["payload"]["conditions"].pop(),
    lambda d: d["signature"].__setitem__("value", d["signature"]["value"][:-4] + "AAA="),
    lambda d: d["signature"].__setitem__("value", "not base64!"),
])
def test_a_changed_file_is_refused_naming_the_file(keys, change) -> None:
    folder, files = keys
    document = sign(HARBOUR, load_private_key(files.private))
    change(document)
    with pytest.raises(InputError) as refused:
        verify(document, trusted_keys([folder]), "harbour.json")
    assert str(refused.value).startswith("harbour.json: the signature of key") and "\n" not in str(refused.value)


def test_a_file_signed_by_an_untrusted_key_is_refused(keys, tmp_path: Path) -> None:
    folder, _ = keys
    stranger = write_key_pair(tmp_path / "elsewhere", "stranger")
    document = sign(HARBOUR, load_private_key(stranger.private))
    with pytest.raises(InputError, match=f"harbour.json: is signed by key '{stranger.key_id}', which is not among"):
        verify(document, trusted_keys([folder]), "harbour.json")


def test_a_file_re_signed_with_another_key_under_the_trusted_key_id_is_refused(keys, tmp_path: Path) -> None:
    folder, files = keys
    forger = write_key_pair(tmp_path / "forger", "forger")
    document = sign(HARBOUR, load_private_key(forger.private))
    document["signature"]["key_id"] = files.key_id
    with pytest.raises(InputError, match="does not match the content"):
        verify(document, trusted_keys([folder]), "harbour.json")


@pytest.mark.parametrize("document", [[], {"format": "other"}, {"format": FORMAT, "payload": {}}])
def test_what_is_not_a_signed_aggregate_file_is_refused(keys, document) -> None:
    folder, _ = keys
    with pytest.raises(InputError, match="x.json: "):
        verify(document, trusted_keys([folder]), "x.json")


def test_trust_refuses_a_missing_folder_and_a_folder_without_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--trust: .* does not exist"):
        trusted_keys([tmp_path / "nowhere"])
    with pytest.raises(InputError, match="holds no public key"):
        trusted_keys([tmp_path])


def test_a_private_key_that_is_not_ed25519_pem_is_refused(tmp_path: Path, keys) -> None:
    _, files = keys
    with pytest.raises(InputError, match="--key: .* is not an unencrypted PEM private key"):
        load_private_key(files.public)
    with pytest.raises(InputError, match="--key: cannot read"):
        load_private_key(tmp_path / "missing.key.pem")


@pytest.fixture(scope="module")
def signed_harbour(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    files = write_key_pair(folder, "harbour")
    return folder, sign(HARBOUR, load_private_key(files.private))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_change_to_any_number_or_text_of_a_signed_file_is_refused(signed_harbour, data) -> None:
    folder, signed = signed_harbour
    document = json.loads(json.dumps(signed))
    conditions = document["payload"]["conditions"]
    index = data.draw(st.integers(0, len(conditions) - 1))
    key = data.draw(st.sampled_from(["courses", "responders", "followed_up", "mean_improvement", "sd_improvement",
                                     "condition"]))
    before = conditions[index][key]
    after = data.draw(st.one_of(st.none(), st.integers(0, 500), st.floats(0, 10, allow_nan=False), st.text(max_size=8))
                      .filter(lambda v: v != before or type(v) is not type(before)))
    conditions[index][key] = after
    with pytest.raises(InputError, match="does not match the content"):
        verify(document, trusted_keys([folder]), "harbour.json")
