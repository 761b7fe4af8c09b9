"""What a scrape returns: the metrics of every live and past process, in Prometheus text.

In multiprocess mode the values come from the directory's files; the live-only gauges of
processes that have exited (a worker that crashed and was replaced) are dropped first.
Signing keys' ages, and how long the oldest due job has waited, are computed at scrape
time from the timestamps the processes record.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from aurum.metrics.instruments import MULTIPROCESS_DIRECTORY, instruments

KEY_CREATED = "aurum_signing_key_created_timestamp_seconds"
KEY_AGE = "aurum_signing_key_age_seconds"
JOBS_OLDEST_DUE = "aurum_jobs_oldest_due_timestamp_seconds"
JOBS_OLDEST_AGE = "aurum_jobs_oldest_due_age_seconds"


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def forget_dead_processes(directory: str) -> None:
    """Drop the live-only gauges (connections in use, hashes queued...) of exited processes."""
    pids = {int(path.stem.rsplit("_", 1)[1]) for path in Path(directory).glob("gauge_live*.db")}
    for pid in pids:
        if not is_alive(pid):
            mark_process_dead(pid, directory)


def key_ages(created: Metric, now: float) -> GaugeMetricFamily:
    ages = GaugeMetricFamily(
        KEY_AGE, "Age in seconds of the key that signs now, per chain.", labels=["algorithm"]
    )
    for sample in created.samples:
        ages.add_metric([sample.labels["algorithm"]], max(0.0, now - sample.value))
    return ages


def oldest_job_age(oldest_due: Metric, now: float) -> GaugeMetricFamily:
    due = max((sample.value for sample in oldest_due.samples), default=0.0)
    return GaugeMetricFamily(
        JOBS_OLDEST_AGE,
        "Seconds the longest-waiting queued job has waited since it fell due; 0 when none.",
        value=max(0.0, now - due) if due > 0 else 0.0,
    )


class Exposition(Collector):
    """Every process's metrics (or this one's, without a multiprocess directory)."""

    def __init__(self, directory: str | None) -> None:
        self._directory = directory

    def collect(self) -> Iterable[Metric]:
        if self._directory is None:
            families = instruments().registry.collect()
        else:
            forget_dead_processes(self._directory)
            families = MultiProcessCollector(None, path=self._directory).collect()
        now = time.time()
        for family in families:
            yield family
            if family.name == KEY_CREATED:
                yield key_ages(family, now)
            elif family.name == JOBS_OLDEST_DUE:
                yield oldest_job_age(family, now)


def exposition_registry(directory: str | None) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Exposition(directory))
    return registry


def render(accept: str) -> tuple[bytes, str]:
    """This service's metrics, in the format the scraper accepts, and its content type."""
    registry = exposition_registry(os.environ.get(MULTIPROCESS_DIRECTORY) or None)
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
