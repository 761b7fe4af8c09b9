"""The HTTP server behind `aurum serve`: Uvicorn or Granian, chosen by measurement.

Uvicorn (with uvloop and httptools) is the default: in `bench/run` it served Aurum's
authenticated reads with fewer CPU cycles per request than Granian, and held the reads'
tail latency better during a sign-in flood (docs/benchmarks.md). Granian stays
available (`--server granian`).
"""

from __future__ import annotations

import errno
import gc
import os
import socket
from enum import StrEnum

from starlette.types import ASGIApp

from aurum.config import Environment, get_settings
from aurum.metrics.processes import multiprocess_metrics

# Container allocations (net of frees) between two young-generation collections. Python's
# default, 700, is less than what a few dozen requests in flight hold at once.
GC_YOUNG_THRESHOLD = 10_000
# Seconds a worker may take to answer Uvicorn's supervisor before it is killed and
# replaced. Uvicorn's 5 s is less than a new worker takes to start when its pod's CPU is
# throttled (a Kubernetes CPU limit) or the machine is busy: measured on a busy 2-core
# machine, every worker of `--workers 2` was killed before it could start, again and again.
WORKER_HEALTHCHECK_SECONDS = 60
GRANIAN_MIN_BUFFER = 8192  # the smallest read buffer Granian accepts


class ServerKind(StrEnum):
    GRANIAN = "granian"
    UVICORN = "uvicorn"


class CannotListen(Exception):
    """The address to serve cannot be bound (in use, not this machine's, privileged)."""


def address(host: str, port: int) -> str:
    """host:port as in a URL (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_address(host: str, port: int) -> None:
    """Fail before anything starts if the server could not listen on host:port.

    Binds and closes a socket the way the servers do (SO_REUSEADDR: a port that only has
    closing connections of an earlier run is free), for every address the host names.
    """
    try:
        candidates = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        msg = f"cannot listen on {address(host, port)}: {exc.strerror}"
        raise CannotListen(msg) from exc
    for family, kind, protocol, _, sockaddr in candidates:
        with socket.socket(family, kind, protocol) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(sockaddr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    msg = f"{address(host, port)} is already in use"
                else:
                    msg = f"cannot listen on {address(host, port)}: {exc.strerror}"
                raise CannotListen(msg) from exc


def check_addresses(host: str, port: int) -> None:
    """The service's address and, with METRICS_PORT set, the metrics port's."""
    check_address(host, port)
    settings = get_settings()
    if settings.metrics_port is None:
        return
    if settings.metrics_port == port:
        msg = f"METRICS_PORT is the port served, {port}"
        raise CannotListen(msg)
    check_address(settings.metrics_host, settings.metrics_port)


def follow_served_address(host: str, port: int) -> None:
    """In development, an unset ISSUER and PUBLIC_BASE_URL are the address served.

    So `aurum serve --port 8011` advertises http://127.0.0.1:8011 in its discovery
    documents and its emails' links. Set through the environment, so that every worker
    (and a reloaded one) reads them. Elsewhere the settings stay as configured.
    """
    settings = get_settings()
    if settings.environment is not Environment.DEVELOPMENT:
        return
    # A wildcard address is reached on this machine as localhost.
    shown = "localhost" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104 - compared
    for name in ("issuer", "public_base_url"):
        if name not in settings.model_fields_set:
            os.environ[name.upper()] = f"http://{address(shown, port)}"
    get_settings.cache_clear()


def behind_proxy(app: ASGIApp, trusted: list[str]) -> ASGIApp:
    """Believe X-Forwarded-For/-Proto from the listed proxies only (Granian leaves it to
    apps); with none listed, the client is always the connection's peer."""
    if not trusted:
        return app
    from granian.utils.proxies import wrap_asgi_with_proxy_headers  # noqa: PLC0415

    wrapped: ASGIApp = wrap_asgi_with_proxy_headers(app, trusted_hosts=trusted)
    return wrapped


def served_app() -> ASGIApp:
    """What each worker serves (Uvicorn)."""
    from aurum.main import create_app  # noqa: PLC0415 - built in each worker

    app = create_app()
    settle_garbage_collector()
    return app


def proxied_app() -> ASGIApp:
    """What each Granian worker serves."""
    return behind_proxy(served_app(), get_settings().forwarded_allow_ips)


def settle_garbage_collector() -> None:
    """Keep the cycle collector off the hot path of a long-running worker.

    The ~150,000 objects that importing and building the app creates live as long as
    the process; frozen, full collections no longer walk them (measured: they were ~17%
    of a worker's CPU under load, each pause tens of milliseconds). A higher young
    threshold stops collections that find nothing but the objects of requests in flight
    (which they then promote, to be walked again later). Garbage in cycles is still
    collected, only in larger batches.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def share_hashing_threads(workers: int) -> None:
    """With several workers, each gets its share of the cores for password hashing.

    PASSWORD_HASH_THREADS defaults to the number of cores per process; with one worker
    per core that would run twice as many hashes as cores, and the memory-hard hashes
    then evict each other from the caches (about 10% more CPU per sign-in, measured).
    """
    if workers > 1 and get_settings().password_hash_threads == 0:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        os.environ["PASSWORD_HASH_THREADS"] = str(max(1, cores // workers))
        get_settings.cache_clear()  # forked workers read the settings again


def run(
    kind: ServerKind, *, host: str, port: int, workers: int, reload: bool, access_log: bool
) -> None:
    follow_served_address(host, port)
    share_hashing_threads(1 if reload else workers)
    if not access_log:
        os.environ["ACCESS_LOG"] = "false"  # read by every worker's app factory
        get_settings.cache_clear()
    with multiprocess_metrics(get_settings()):
        if kind is ServerKind.GRANIAN and not reload:
            _granian(host=host, port=port, workers=workers)
        else:
            _uvicorn(host=host, port=port, workers=workers, reload=reload)


def _granian(*, host: str, port: int, workers: int) -> None:
    from granian import Granian  # noqa: PLC0415 - only when chosen
    from granian.constants import Interfaces, Loops  # noqa: PLC0415
    from granian.http import HTTP1Settings  # noqa: PLC0415
    from granian.log import LogLevels  # noqa: PLC0415

    settings = get_settings()
    Granian(
        "aurum.server:proxied_app",
        factory=True,
        address=host,
        port=port,
        workers=workers,
        interface=Interfaces.ASGI,
        loop=Loops.uvloop,
        websockets=False,
        # A header block must fit in the read buffer; past it Granian answers 431.
        http1_settings=HTTP1Settings(
            max_buffer_size=max(GRANIAN_MIN_BUFFER, settings.max_request_header_bytes)
        ),
        # Granian's records go to the root logger's formatter (aurum.logs.setup);
        # RequestLogging writes the access lines.
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig={"loggers": {"_granian": {"propagate": True}}},
        log_access=False,
    ).serve()


def _uvicorn(*, host: str, port: int, workers: int, reload: bool) -> None:
    import uvicorn  # noqa: PLC0415 - only when chosen

    from aurum.header_limit import BoundedHeadersProtocol  # noqa: PLC0415 - imports uvicorn

    settings = get_settings()
    trusted = settings.forwarded_allow_ips

    uvicorn.run(
        "aurum.server:served_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        loop="uvloop",
        http=BoundedHeadersProtocol,
        # Not Uvicorn's default (127.0.0.1): only the proxies the operator lists.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        server_header=False,
        # Logging is set up by `aurum serve` and in each worker by the app factory;
        # RequestLogging writes the access lines.
        log_config=None,
        access_log=False,
        log_level=settings.log_level.lower(),
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
