"""The RFC 6749 §3.3 scope syntax (the scopes themselves: `aurum.callers.scopes.SCOPES`)."""

from __future__ import annotations

import re

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
