"""``acupath cds token``: a signed JWT as an EHR would send it to the CDS Hooks services (for testing).

An EHR signs its own tokens; this command lets a clinic's IT person try the services with ``curl``
(README, "CDS Hooks"): it signs ``iss``, ``aud`` (the service URL), ``iat``, ``exp`` (``--minutes``
later, at most 10: the service refuses longer lives) and a random ``jti`` with the private key of a
client configured in ``ACUPATH_CDS_CLIENTS``, ES384 for an EC key and RS384 for an RSA key (the CDS
Hooks 2.0 recommended algorithms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

group = typer.Typer(help="CDS Hooks: tools for testing the services.", no_args_is_help=True)


@group.command("token")
def token(
    key: Annotated[Path, typer.Option(help="The EHR's private key (PEM, EC P-384 or RSA).", exists=True, dir_okay=False)],
    iss: Annotated[str, typer.Option(help="The issuer, as configured in ACUPATH_CDS_CLIENTS.")],
    aud: Annotated[str, typer.Option(help="The URL of the service called, e.g. https://acupath.example/cds-services/order-sign.")],
    kid: Annotated[str, typer.Option(help="The key id (the JWK's kid).")] = "ehr-1",
    minutes: Annotated[int, typer.Option(min=1, max=10, help="Lifetime in minutes (1-10).")] = 5,
    tenant: Annotated[str | None, typer.Option(help="The optional tenant claim.")] = None,
) -> None:
    """Print a JWT signed with KEY for one call (a new jti each time: a token is used once)."""
    import time
    import uuid

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from acupath.errors import InputError

    try:
        private = load_pem_private_key(key.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise InputError("--key", "is not an unencrypted PEM private key", "EC P-384 or RSA, PEM") from None
    if isinstance(private, ec.EllipticCurvePrivateKey):
        algorithm = "ES384"
    elif isinstance(private, rsa.RSAPrivateKey):
        algorithm = "RS384"
    else:
        raise InputError("--key", "is neither an EC nor an RSA key", "EC P-384 or RSA, PEM")
    now = int(time.time())
    claims = {"iss": iss, "aud": aud, "iat": now, "exp": now + 60 * minutes, "jti": str(uuid.uuid4())}
    if tenant:
        claims["tenant"] = tenant
    typer.echo(jwt.encode(claims, private, algorithm=algorithm, headers={"kid": kid, "typ": "JWT"}))


def register(app: typer.Typer) -> None:
    """Add the ``cds`` group to ``app``."""
    app.add_typer(group, name="cds")
