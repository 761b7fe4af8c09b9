"""Rate limits as route dependencies, for any endpoint that needs them.

    @router.post(
        "/password-reset/request",
        dependencies=[
            rate_limit("password_reset", per_ip="5/minute;20/hour",
                       per_account="3/hour", account_field="email"),
        ],
    )

`per_ip` counts requests by client address (IPv6 by /64); `per_account` counts them by
the value of `account_field` in the JSON or form body (case-insensitive). Limits use the
`limits` notation ("N/second|minute|hour|day", several separated by ";"); each can be
overridden by name (`<scope>.ip`, `<scope>.account`) in `RATE_LIMITS`. Over a limit the
answer is 429 `rate_limited` with `Retry-After`. Where the account is only known inside a
service, hand it `RateLimiterDep` and call `await limiter.hit(name, account_key(...), default)`.
For endpoints of the signed-in user, `rate_limit_per_user` counts requests by the user's id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from aurum.app_state import AppStateDep, app_state
from aurum.callers.dependencies import CurrentUser
from aurum.request_body import read_form_or_json
from aurum.security.rate_limiter import RateLimiter, account_key, client_key


async def get_rate_limiter(state: AppStateDep) -> RateLimiter:
    return state.rate_limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def rate_limit(
    scope: str,
    *,
    per_ip: str | None = None,
    per_account: str | None = None,
    account_field: str | None = None,
) -> Any:  # FastAPI's Depends marker
    """A route dependency that counts each request against the scope's limits."""
    if per_account is not None and account_field is None:
        msg = "per_account needs account_field"
        raise ValueError(msg)

    # The limiter straight from the app's state: on hot routes (sign-in, introspection)
    # every dependency FastAPI solves costs CPU.
    async def limit_requests(request: Request) -> None:
        limiter = app_state(request).rate_limiter
        if not limiter.enabled:
            return
        if per_ip is not None:
            address = request.client.host if request.client else None
            await limiter.hit(f"{scope}.ip", client_key(address), per_ip)
        if per_account is not None and account_field is not None:
            value = (await read_form_or_json(request)).get(account_field)
            if isinstance(value, str) and value.strip():
                await limiter.hit(f"{scope}.account", account_key(value), per_account)

    return Depends(limit_requests)


def rate_limit_per_user(scope: str, *, per_account: str) -> Any:  # FastAPI's Depends marker
    """Count each request of the signed-in user against `<scope>.account`."""

    async def limit_user_requests(user: CurrentUser, limiter: RateLimiterDep) -> None:
        await limiter.hit(f"{scope}.account", account_key(user.id.hex), per_account)

    return Depends(limit_user_requests)
