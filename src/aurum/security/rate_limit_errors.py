from __future__ import annotations

import math

from aurum.errors import AppError


class _RetryLater(AppError):
    status_code = 429

    def __init__(self, retry_after: float) -> None:
        super().__init__()
        # Whole seconds, rounded up; the millisecond of slack absorbs the rounding of
        # timestamps in storage (Redis returns them to 14 significant digits).
        self.retry_after = max(1, math.ceil(retry_after - 0.001))

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class RateLimited(_RetryLater):
    code = "rate_limited"
    message = "Too many requests. Try again later."
    message_es = "Demasiadas solicitudes. Inténtalo más tarde."


class TooManyFailedAttempts(_RetryLater):
    """Sign-in is throttled for this account (from this address, or everywhere)."""

    code = "too_many_failed_attempts"
    message = "Too many failed sign-in attempts. Try again later."
    message_es = "Demasiados intentos fallidos de inicio de sesión. Inténtalo más tarde."
