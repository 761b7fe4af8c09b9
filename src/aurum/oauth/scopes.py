"""Every scope a client may be granted, and the RFC 6749 §3.3 scope syntax."""

from __future__ import annotations

import re

# What each scope allows. An endpoint requires one with `aurum.auth.scopes.RequireScopes`;
# a new scope is declared here first, so registrations and discovery know it.
SCOPES: dict[str, str] = {
    "sessions:read": "List any user's sign-in sessions.",
    "sessions:write": "End any user's sign-in sessions.",
    "xp:write": "Award experience points to users.",
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
