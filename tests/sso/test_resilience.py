"""The circuit breaker and the retry budget, on a clock of the test's own."""

from __future__ import annotations

from aurum.metrics.instruments import BreakerState
from aurum.sso.resilience import CircuitBreaker, RetryBudget


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_then_probes_once() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, reset_after=10, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    breaker.record_success()  # the count restarts
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.is_open
    assert not breaker.allow()

    clock.now = 10
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one at a time
    breaker.record_failure()  # it failed: open for another period
    assert not breaker.allow()
    clock.now = 20
    assert breaker.allow()
    breaker.record_success()
    assert not breaker.is_open
    assert breaker.allow()
    assert breaker.allow()


def test_an_abandoned_probe_frees_the_next_one() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, reset_after=1, clock=clock)
    breaker.record_failure()
    clock.now = 1
    assert breaker.allow()
    breaker.abandon()
    assert breaker.allow()


def test_retry_budget_allows_a_share_of_calls_plus_a_reserve() -> None:
    budget = RetryBudget(ratio=0.25, reserve=2)
    assert budget.try_spend()
    assert budget.try_spend()
    assert not budget.try_spend()  # the reserve is spent
    for _ in range(4):
        budget.record_call()
    assert budget.try_spend()  # four calls earned one retry
    assert not budget.try_spend()
    for _ in range(100):
        budget.record_call()
    spent = 0
    while budget.try_spend():
        spent += 1
    assert spent == 2  # never more than the reserve saved up


def test_breaker_state_as_the_metric_shows_it() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, reset_after=10, clock=clock)
    assert breaker.state == BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state == BreakerState.OPEN
    clock.now = 10
    assert breaker.state == BreakerState.HALF_OPEN  # a probe may go
    assert breaker.allow()
    assert breaker.state == BreakerState.HALF_OPEN
    breaker.record_success()
    assert breaker.state == BreakerState.CLOSED
