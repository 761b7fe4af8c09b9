"""Every metric the service records, built once per process on first use.

Built on first use rather than at import: the client library picks its storage (memory,
or the multiprocess directory's files) when a metric is created, and `aurum serve` names
that directory only after the command line was read.
"""

from __future__ import annotations

import functools
import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.multiprocess import mark_process_dead

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"  # the client library's variable
# Seconds. Authenticated reads take about a millisecond, sign-ins tens of milliseconds.
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
HASH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
WAIT_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30)
PROVIDER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class BreakerState:
    """Values of `aurum_sso_breaker_state` (the highest of the live workers' is shown)."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class Instruments:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.http_requests = Histogram(
            "aurum_http_request_duration_seconds",
            "HTTP requests by route template, method and status, and how long they took.",
            ["route", "method", "status"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.sign_ins = Counter(
            "aurum_sign_ins",
            "Password sign-ins by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.sign_ups = Counter(
            "aurum_sign_ups", "Sign-ups by outcome.", ["outcome"], registry=registry
        )
        self.password_hash_queue = Gauge(
            "aurum_password_hash_queue",
            "Password hashes asked for and not answered yet.",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.password_hash_seconds = Histogram(
            "aurum_password_hash_seconds",
            "Time from asking for a password hash to its answer, waiting included.",
            ["operation"],
            buckets=HASH_BUCKETS,
            registry=registry,
        )
        self.db_pool_in_use = Gauge(
            "aurum_db_pool_connections_in_use",
            "Database connections checked out of the pool.",
            ["pool"],
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.db_pool_waits = Histogram(
            "aurum_db_pool_wait_seconds",
            "Checkouts that found every connection in use, and how long they waited.",
            ["pool"],
            buckets=WAIT_BUCKETS,
            registry=registry,
        )
        self.redis_errors = Counter(
            "aurum_redis_errors",
            "Redis calls that failed, by what they were for.",
            ["use"],
            registry=registry,
        )
        self.sso_introspection_seconds = Histogram(
            "aurum_sso_introspection_seconds",
            "Token introspections at the SSO provider (retries included), by outcome.",
            ["outcome"],
            buckets=PROVIDER_BUCKETS,
            registry=registry,
        )
        self.sso_breaker_state = Gauge(
            "aurum_sso_breaker_state",
            "The SSO provider's circuit breaker: 0 closed, 1 half-open, 2 open.",
            multiprocess_mode="livemax",
            registry=registry,
        )
        self.signing_key_created = Gauge(
            "aurum_signing_key_created_timestamp_seconds",
            "When the key that signs now was created, per chain (algorithm).",
            ["algorithm"],
            multiprocess_mode="livemax",
            registry=registry,
        )
        # Counted in the database by each process's job runner (every JOBS_POLL_SECONDS at
        # most): every instance sees the same jobs, so the most recent count is the one shown.
        self.jobs = Gauge(
            "aurum_jobs",
            "Background jobs waiting (queued), claimed (running) or failed for good (dead).",
            ["status"],
            multiprocess_mode="livemostrecent",
            registry=registry,
        )
        self.jobs_oldest_due = Gauge(
            "aurum_jobs_oldest_due_timestamp_seconds",
            "When the longest-waiting queued job fell due; 0 when none is waiting.",
            multiprocess_mode="livemostrecent",
            registry=registry,
        )


@functools.cache
def instruments() -> Instruments:
    """This process's instruments."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        # A reused process id must not inherit the gauges of the process that had it.
        mark_process_dead(os.getpid())
    return Instruments()
