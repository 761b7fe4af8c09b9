"""`aurum serve --workers 2`: one scrape counts both workers' requests, on the metrics port
and on the service's own; a worker killed is replaced, its counts kept and its live gauges
dropped; the directory the values live in is made and removed by `aurum serve`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.live_server import free_port
from tests.metrics.scrape import AUTHORIZATION, TOKEN, parse, value
from tests.serve import serve_environment, serving

HEALTH = {"route": "/health", "method": "GET", "status": "200"}
REQUESTS = "aurum_http_request_duration_seconds_count"


def worker_requests(directory: Path, pid: int, scratch: Path) -> float:
    """The /health requests one worker counted: its own file, read alone."""
    alone = scratch / str(pid)
    alone.mkdir(exist_ok=True)
    shutil.copy(directory / f"histogram_{pid}.db", alone)
    for family in MultiProcessCollector(None, path=str(alone)).collect():
        for sample in family.samples:
            if sample.name == REQUESTS and sample.labels == HEALTH:
                return float(sample.value)
    return 0.0


def health_requests(metrics_port: int, expected: float) -> float:
    """The /health requests scraped, once `expected` are counted or after a few seconds:
    a worker records a request once its response is sent, so the last may trail it."""
    deadline = time.monotonic() + 10
    while True:
        scraped = parse(httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text)
        counted = value(scraped, REQUESTS, **HEALTH)
        if counted >= expected or time.monotonic() > deadline:
            return counted
        time.sleep(0.1)


def metrics_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """`aurum serve`'s environment with these metrics settings and no others."""
    environment = {
        name: value
        for name, value in serve_environment(tmp_path).items()
        if not name.startswith(("METRICS_", "PROMETHEUS_"))
    }
    return environment | settings


def worker_pids(directory: Path) -> set[int]:
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob("histogram_*.db")}


@pytest.mark.slow
def test_two_workers_are_counted_together(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = metrics_environment(
        tmp_path, METRICS_PORT=str(metrics_port), METRICS_TOKEN=TOKEN, TMPDIR=str(temporary)
    )
    command = [sys.executable, "-m", "aurum", "serve", "--port", str(port), "--workers", "2"]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, our own entry point
            command, env=environment, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        assert serving(process, port, within=60), (tmp_path / "serve.log").read_text()
        [directory] = temporary.glob("aurum-metrics-*")
        sent = 1  # serving() asked once
        # Each request on a new connection, until both workers have answered some.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for _ in range(20):
                assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
                sent += 1
            pids = worker_pids(directory)
            counts = {pid: worker_requests(directory, pid, tmp_path) for pid in pids}
            if len([count for count in counts.values() if count]) >= 2:
                break
        assert len([count for count in counts.values() if count]) == 2, counts
        assert health_requests(metrics_port, sent) == sent
        counts = {pid: worker_requests(directory, pid, tmp_path) for pid in counts}
        assert sum(counts.values()) == sent
        service_port = httpx.get(f"http://127.0.0.1:{port}/metrics", headers=AUTHORIZATION)
        assert value(parse(service_port.text), REQUESTS, **HEALTH) == sent

        # A worker dies: its counts stay, its live gauges go at the next scrape.
        victim = next(pid for pid, count in counts.items() if count)
        assert (directory / f"gauge_livesum_{victim}.db").exists()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(worker_pids(directory)) < 3:
            time.sleep(0.2)  # until the replacement has started
        scraped = parse(httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text)
        assert value(scraped, REQUESTS, **HEALTH) == sent
        assert not (directory / f"gauge_livesum_{victim}.db").exists()
        assert (directory / f"histogram_{victim}.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not directory.exists()


@pytest.mark.slow
def test_one_worker_writes_where_the_metrics_port_reads(tmp_path: Path) -> None:
    # With one worker, `aurum serve`'s own process serves: it imported the client library
    # before it named the directory, and must write there all the same.
    port, metrics_port = free_port(), free_port()
    environment = metrics_environment(tmp_path, METRICS_PORT=str(metrics_port))
    command = [sys.executable, "-m", "aurum", "serve", "--port", str(port)]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, our own entry point
            command, env=environment, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        assert serving(process, port, within=60), (tmp_path / "serve.log").read_text()
        for _ in range(4):
            assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        assert health_requests(metrics_port, 5) == 5  # serving() asked once
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 404  # no token
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_metrics_port_must_differ_from_the_service_port(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run(  # noqa: S603 - this interpreter, our own entry point
        [sys.executable, "-m", "aurum", "serve", "--port", str(port)],
        env=metrics_environment(tmp_path, METRICS_PORT=str(port)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == f"error: METRICS_PORT is the port served, {port}\n"
