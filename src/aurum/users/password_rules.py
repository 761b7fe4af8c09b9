"""Password rules after NIST SP 800-63B: length, a common-password list, no composition.

The list is the 30,000 most common passwords from leaked-password corpora, as the
`zxcvbn` project publishes them, shipped in `aurum/data/common_passwords.txt` (source and
licence in its header) and read once per process; nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from aurum.users.errors import (
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    PasswordTooSimilar,
)

MIN_IDENTIFIER_LENGTH = 3  # shorter names are too likely to occur in any passphrase


@cache
def common_passwords() -> frozenset[str]:
    text = files("aurum.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """Case-insensitive; surrounding spaces do not make a listed password uncommon."""
    return password.strip().casefold() in common_passwords()


def check_password(
    password: str,
    *,
    min_length: int,
    max_length: int,
    username: str | None = None,
    email: str | None = None,
) -> None:
    """Raise the first rule the password breaks. Length counts characters, not bytes."""
    if len(password) < min_length:
        raise PasswordTooShort
    if len(password) > max_length:
        raise PasswordTooLong
    if is_common(password):
        raise PasswordTooCommon
    if _built_on_identity(password, min_length, username, email):
        raise PasswordTooSimilar


def _built_on_identity(
    password: str, min_length: int, username: str | None, email: str | None
) -> bool:
    """True when the password is the username or email (or the email's local part) with
    little else: what is left without it is shorter than the minimum, or common."""
    identifiers = {username or "", email or "", (email or "").partition("@")[0]}
    text = password.casefold()
    for identifier in sorted(identifiers, key=len, reverse=True):
        name = identifier.strip().casefold()
        if len(name) < MIN_IDENTIFIER_LENGTH or name not in text:
            continue
        rest = text.replace(name, "").strip()
        if len(rest) < min_length or is_common(rest):
            return True
    return False
