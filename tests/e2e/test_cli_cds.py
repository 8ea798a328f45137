"""``acupath cds token``: a JWT that the CDS Hooks services accept from a configured EHR (ES384 for an EC
key, RS384 for RSA); a file that is no private key exits 2 with one line."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from acupath.api.cds_auth import ClientKeys, verify
from acupath.services.cds_hooks import CdsClient
from cli_run import run

AUD = "https://acupath.example/cds-services/order-sign"




@pytest.mark.parametrize("make", [lambda: ec.generate_private_key(ec.SECP384R1()),
                                  lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)],
                         ids=["ES384", "RS384"])
def test_the_token_is_accepted_by_the_service_it_names(make, capsys, tmp_path: Path) -> None:
    key = make()
    path = tmp_path / "ehr-key.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    code, out, err = run(capsys, "cds", "token", "--key", str(path), "--iss", "https://ehr.example", "--aud", AUD,
                         "--minutes", "2")
    assert code == 0 and err == "" and out.count("\n") == 1
    clients = {"https://ehr.example": ClientKeys(CdsClient("https://ehr.example", "harbour"), {None: key.public_key()})}
    client, use = verify(out.strip(), clients, AUD, datetime.now(UTC))
    assert client.client.clinic_id == "harbour" and use.expires_at.timestamp() <= time.time() + 2 * 60 + 31


def test_a_file_that_is_no_private_key_exits_2_with_one_line(capsys, tmp_path: Path) -> None:
    path = tmp_path / "public.pem"
    path.write_text("not a key")
    code, out, err = run(capsys, "cds", "token", "--key", str(path), "--iss", "i", "--aud", AUD)
    assert code == 2 and out == "" and err.count("\n") == 1 and "--key" in err
