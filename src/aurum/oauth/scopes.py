"""The RFC 6749 §3.3 scope syntax (the scopes themselves: `aurum.callers.scopes.SCOPES`)."""

from __future__ import annotations

import re

# What a person may allow an app that signs them in (OpenID Connect Core §5.4), shown on
# the consent page in words. `openid` asks for an ID token.
USER_SCOPES: dict[str, tuple[str, str]] = {
    "openid": ("Know who you are on Aurum", "Saber quién eres en Aurum"),
    "profile": ("See your name and username", "Ver tu nombre y nombre de usuario"),
    "email": ("See your email address", "Ver tu correo electrónico"),
    # Aurum's own: what the platform knows of a person beyond OpenID Connect's claims.
    "aurum:profile": (
        "See your XP, your level and where you are (region, province and canton)",
        "Ver tu XP, tu nivel y dónde estás (región, provincia y cantón)",
    ),
    "offline_access": (
        "Stay signed in when you are not using it",
        "Mantener la sesión cuando no la estás usando",
    ),
}

# scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")


def parse_scope(value: str | None) -> frozenset[str] | None:
    """A space-delimited scope parameter; None when a token is not valid scope syntax."""
    tokens = [token for token in (value or "").split(" ") if token]
    if not all(_SCOPE_TOKEN.match(token) for token in tokens):
        return None
    return frozenset(tokens)


def format_scope(scopes: frozenset[str] | set[str] | list[str]) -> str:
    return " ".join(sorted(scopes))
