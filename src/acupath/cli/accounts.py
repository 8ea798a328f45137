"""``acupath users create | deactivate | activate | set-role | reset-password | set-licence |
add-qualification | clear-qualifications``: a clinic's accounts.

The command line acts as the clinic's trusted administrator (``Actor.system``) of the account's
clinic, so the IT person who runs the server can recover a clinic whose administrators are locked
out; every change is audited like one made through the API (address ``cli``). Services, argon2 and
storage are imported inside the commands, so ``acupath --help`` loads none of them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from acupath.cli.output import emit_json
from acupath.cli.server import DbOption, settings_for, unit_of_work_factory
from acupath.services.actor import Role

if TYPE_CHECKING:
    from collections.abc import Callable

    from acupath.services.unit_of_work import AbstractUnitOfWork

users_group = typer.Typer(help="Accounts of a clinic.", no_args_is_help=True)
EmailArgument = Annotated[str, typer.Argument(help="The account's login email.")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of "
                                             "stdin instead of prompting.")]


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


def _uows(db: str | None) -> Callable[[], AbstractUnitOfWork]:
    return unit_of_work_factory(settings_for(db))


@users_group.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Login email (unique).")],
    clinic: Annotated[str, typer.Option(help="Clinic id (see `acupath clinics create`).")],
    role: Annotated[Role, typer.Option(help="admin, clinician or reception.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the email).")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Create an account; the password (12+ characters, not common) is hashed with argon2id, never stored."""
    from acupath.security.passwords import Argon2idHasher
    from acupath.services import users
    from acupath.services.actor import Actor

    password = _read_password(password_stdin)
    user = users.create_user(_uows(db)(), Actor.system(clinic), email=email, name=name or email, role=role.value,
                             password=password, hasher=Argon2idHasher())
    emit_json({"id": user.id, "email": user.email, "clinic_id": user.clinic_id, "role": user.role})


def _update(email: str, db: str | None, *, role: str | None = None, active: bool | None = None,
            licence: dict[str, Any] | None = None, qualifications: list[dict[str, object]] | None = None,
            adding: dict[str, Any] | None = None) -> None:
    """Change the account (``adding``: one more qualification after the stored ones) and print it."""
    from acupath.services import users
    from acupath.services.actor import Actor

    uows = _uows(db)
    user = users.user_by_email(uows(), email)
    if adding is not None:
        qualifications = [*users.qualification_fields(user), adding]
    changed = users.update_user(uows(), Actor.system(user.clinic_id), user.id, role=role, active=active,
                                licence=licence, qualifications=qualifications)
    emit_json(users.public_user(changed))


@users_group.command("deactivate")
def users_deactivate(email: EmailArgument, db: DbOption = None) -> None:
    """Stop an account from signing in; its tokens are refused from their next request.

    Refused (exit 2) for the clinic's last active administrator: make another one first.
    """
    _update(email, db, active=False)


@users_group.command("activate")
def users_activate(email: EmailArgument, db: DbOption = None) -> None:
    """Let a deactivated account sign in again."""
    _update(email, db, active=True)


@users_group.command("set-role")
def users_set_role(
    email: EmailArgument,
    role: Annotated[Role, typer.Argument(help="admin, clinician or reception.")],
    db: DbOption = None,
) -> None:
    """Change an account's role; it applies from the account's next request."""
    _update(email, db, role=role.value)


@users_group.command("reset-password")
def users_reset_password(
    email: EmailArgument,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the temporary password from "
                                                 "the first line of stdin instead of generating one.")] = False,
    db: DbOption = None,
) -> None:
    """Give an account a one-time temporary password, printed once; it must be changed at next sign-in.

    Without ``--password-stdin`` a random 16-character password is generated and printed on stdout
    (hand it to the user; it is stored only as a hash). The user's next login is refused (403) until
    they set their own with ``POST /auth/password``. Also ends a lockout after failed logins.
    """
    from acupath.security.passwords import Argon2idHasher
    from acupath.services import users
    from acupath.services.actor import Actor

    given = _read_password(True) if password_stdin else None
    uows = _uows(db)
    user = users.user_by_email(uows(), email)
    temporary = users.reset_password(uows(), Actor.system(user.clinic_id), user.id, Argon2idHasher(), password=given)
    if given is None:
        typer.echo(f"temporary password for {user.email}: {temporary}")
        typer.echo("give it to the user; they must set their own at their next sign-in (POST /auth/password)",
                   err=True)
    else:
        typer.echo(f"temporary password set for {user.email}; they must set their own at their next sign-in")


@users_group.command("set-licence")
def users_set_licence(
    email: EmailArgument,
    number: Annotated[str | None, typer.Option(help="The licence or registration number.")] = None,
    authority: Annotated[str | None, typer.Option(help="Who issued it: a state board, the BAcC...")] = None,
    expires: Annotated[str | None, typer.Option(help="Its expiry date, e.g. 2027-06-30.")] = None,
    db: DbOption = None,
) -> None:
    """Record a practitioner's licence (replacing the stored one); with no option, clear it.

    Exit 2 with one line naming ``licence.number``, ``licence.authority`` or ``licence.expires`` when
    a part is too long, not one line of printable text, or not a real date.
    """
    given = {"number": number, "authority": authority, "expires": expires}
    _update(email, db, licence={key: value for key, value in given.items() if value is not None})


@users_group.command("add-qualification")
def users_add_qualification(
    email: EmailArgument,
    text: Annotated[str, typer.Option(help='As on the certificate: "L.Ac.", "MSc Acupuncture"...')],
    issuer: Annotated[str | None, typer.Option(help="Who awarded it: NCCAOM, a university...")] = None,
    year: Annotated[int | None, typer.Option(help="The year it was awarded.")] = None,
    db: DbOption = None,
) -> None:
    """Add one qualification after the account's others (at most 20).

    Exit 2 with one line naming ``qualifications[N].text`` (or ``.issuer``, ``.year``) when bad.
    """
    _update(email, db, adding={"text": text, "issuer": issuer, "year": year})


@users_group.command("clear-qualifications")
def users_clear_qualifications(email: EmailArgument, db: DbOption = None) -> None:
    """Remove every qualification of the account (then add the right ones back)."""
    _update(email, db, qualifications=[])
