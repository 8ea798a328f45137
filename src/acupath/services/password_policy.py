"""What a new password must be: at least 12 characters, not the email, not a common password.

NIST SP 800-63B §5.1.1.2 asks a verifier to refuse passwords found in lists of commonly used or
compromised passwords, and to impose no other composition rules; 12 characters is issue 12's floor.
The list (``common_passwords.txt`` beside this module, 40,101 entries) is the union of the lists
Django and zxcvbn ship on PyPI; its header names both and ``scripts/build_common_passwords.py``
rebuilds it. A listed password padded with digits or symbols (``Summer2024!!``) is refused too: that
padding is what a length rule alone invites.

The list is read from the package each time a new password is checked (about 10 ms, against the
50 ms of the argon2id hash that follows), so the process keeps no state of its own.
"""

from __future__ import annotations

from importlib import resources

from acupath.errors import InputError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can ask for
# What padding looks like around a common password: digits, punctuation and spaces.
_PADDING = "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def common_passwords() -> frozenset[str]:
    """Return the packaged list of common passwords (lowercase), read now."""
    text = resources.files("acupath.services").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("# "))


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Return nothing when ``password`` may be set for the account with ``email``.

    Raises ``InputError`` on ``field``: shorter than 12 or longer than 1024 characters, the email
    or its local part (ignoring case), or a common password (ignoring case and padding). The message
    never repeats the password.
    """
    if len(password) < MIN_LENGTH:
        raise InputError(field, f"must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InputError(field, f"must have at most {MAX_LENGTH} characters")
    plain = password.strip().lower()
    core = plain.strip(_PADDING)
    address = email.strip().lower()
    own = {address, address.split("@", 1)[0]}
    if plain in own or core in own:
        raise InputError(field, "must not be the account's email or its name before the @")
    listed = common_passwords()
    if plain in listed or (core and core in listed):
        raise InputError(field, "is a commonly used password (in the list shipped with acupath); "
                                     "choose a longer phrase of unrelated words")
