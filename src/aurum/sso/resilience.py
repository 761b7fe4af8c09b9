"""Not hammering a provider that is down: a circuit breaker and a retry budget.

Both are per process and run on the event loop (no locks needed).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aurum.metrics.instruments import BreakerState

RETRY_RESERVE = 10.0  # retries available before any call has earned some


class CircuitBreaker:
    """Closed; open after `threshold` failures in a row; after `reset_after` seconds one
    probe call goes through (half-open): its success closes the circuit, its failure
    opens it again. While open, calls fail at once without touching the provider."""

    def __init__(
        self,
        threshold: int,
        reset_after: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    @property
    def state(self) -> int:
        """As `aurum_sso_breaker_state` shows it: closed, half-open (a probe may go, or
        went) or open."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or self._clock() - self._opened_at >= self.reset_after:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self.reset_after:
            return False
        self._probing = True
        return True

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self.threshold:
            self._opened_at = self._clock()
        self._probing = False

    def abandon(self) -> None:
        """A call ended without an answer either way (it was cancelled): free the probe."""
        self._probing = False


class RetryBudget:
    """Retries may add at most `ratio` to the calls made (plus a small reserve), so a
    struggling provider never sees a retry storm."""

    def __init__(self, ratio: float, reserve: float = RETRY_RESERVE) -> None:
        self.ratio = ratio
        self.reserve = reserve
        self._balance = reserve

    def record_call(self) -> None:
        self._balance = min(self.reserve, self._balance + self.ratio)

    def try_spend(self) -> bool:
        if self._balance < 1:
            return False
        self._balance -= 1
        return True
