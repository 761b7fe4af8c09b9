"""Where an app may send people back: the rules for registering an address, and the one
exception to exact matching (RFC 8252 §7.3, a native app's loopback port)."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

# Loopback hosts allowed with plain http (RFC 8252 §7.3 and §8.3; `localhost` for
# development servers).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
# Loopback IP literals: a native app listens on whichever port is free when it asks, so
# the port of the request may differ from the registered one (RFC 8252 §7.3).
LOOPBACK_IPS = frozenset({"127.0.0.1", "::1"})


def _parts(value: str) -> tuple[SplitResult, int | None] | None:
    """The URI split, and its port; None when it cannot be split (`http://[::1`) or its
    port is not a number."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    return parts, port


def checked_redirect_uri(value: str) -> str:
    """An absolute https URI, or http on a loopback address; no fragment, no user
    information. Kept as written: it is matched by exact string comparison."""
    split = _parts(value)
    if split is None:
        msg = "a well-formed URI, its port a number from 0 to 65535"
        raise ValueError(msg)
    parts, _ = split
    if parts.fragment or "#" in value or not parts.hostname or "@" in parts.netloc:
        msg = "an absolute URI without a fragment or user information"
        raise ValueError(msg)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return value
    msg = "https, or http on a loopback address (127.0.0.1, [::1], localhost)"
    raise ValueError(msg)


def is_registered(requested: str, registered: list[str]) -> bool:
    """Exact string match; for an http loopback IP address, any port (RFC 8252 §7.3)."""
    if requested in registered:
        return True
    split = _parts(requested)
    if split is None:
        return False
    parts, _ = split
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_IPS or "@" in parts.netloc:
        return False
    return any(_same_but_port(parts, candidate) for candidate in registered)


def _same_but_port(requested: SplitResult, candidate: str) -> bool:
    split = _parts(candidate)
    if split is None:
        return False
    parts, _ = split
    # Both hosts are loopback IP literals in the one form each has (no `[0::1]`).
    return (parts.scheme, parts.hostname, parts.path, parts.query) == (
        requested.scheme,
        requested.hostname,
        requested.path,
        requested.query,
    )
