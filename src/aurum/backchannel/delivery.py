"""Posting a logout token to an app (Back-Channel Logout 1.0 §2.5)."""

from __future__ import annotations

from enum import StrEnum

import httpx

# The app could not take it now: asking again later may work.
_TRANSIENT_CLIENT_ERRORS = {408, 429}


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # a network error, a timeout, a redirect, 408, 429 or 5xx
    REFUSED = "refused"  # any other 4xx: the app will not take this token, ever


def outcome_of(status: int) -> Outcome:
    if status in {200, 204}:
        return Outcome.DELIVERED
    if 400 <= status < 500 and status not in _TRANSIENT_CLIENT_ERRORS:
        return Outcome.REFUSED
    return Outcome.RETRY


async def post_logout_token(http: httpx.AsyncClient, uri: str, token: str) -> tuple[Outcome, str]:
    """What became of one attempt, and why (for the log: never the token).

    `http` follows no redirects (a redirect is not an answer, and must not carry the token
    elsewhere) and has a short timeout: a slow app only delays its own retry."""
    try:
        response = await http.post(uri, data={"logout_token": token}, follow_redirects=False)
    except httpx.HTTPError as exc:
        return Outcome.RETRY, type(exc).__name__
    return outcome_of(response.status_code), f"HTTP {response.status_code}"
