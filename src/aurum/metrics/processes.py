"""Metrics under `aurum serve`: one directory for every worker's values, and the scrape port.

With metrics on, `aurum serve` makes the client library's multiprocess directory before
any worker starts (or empties the one PROMETHEUS_MULTIPROC_DIR names), so each worker
writes its values there and a scrape adds up all of them; it removes (or empties) it when
the server stops. With METRICS_PORT set, it also answers scrapes on that port, from a
thread of its own process: the workers' event loops never see them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import start_http_server, values

from aurum.config import Settings
from aurum.metrics.exposition import exposition_registry
from aurum.metrics.instruments import MULTIPROCESS_DIRECTORY


def _empty(directory: Path) -> None:
    for path in directory.glob("*.db"):
        path.unlink(missing_ok=True)


@contextmanager
def multiprocess_metrics(settings: Settings) -> Iterator[None]:
    """While the server runs (nothing happens with metrics off)."""
    if not settings.metrics_enabled:
        yield
        return
    given = os.environ.get(MULTIPROCESS_DIRECTORY)
    directory = Path(given) if given else Path(tempfile.mkdtemp(prefix="aurum-metrics-"))
    _empty(directory)  # values of an earlier run would be counted again
    os.environ[MULTIPROCESS_DIRECTORY] = str(directory)  # inherited by every worker
    # The library chose its storage when first imported; with one worker this process
    # serves too, so it must write to the directory like any worker.
    values.ValueClass = values.get_value_class()
    server = None
    if settings.metrics_port is not None:
        server, _ = start_http_server(
            settings.metrics_port,
            settings.metrics_host,
            registry=exposition_registry(str(directory)),
        )
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if given:
            _empty(directory)
        else:
            shutil.rmtree(directory, ignore_errors=True)
