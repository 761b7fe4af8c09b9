"""Logging for the whole process, set up once: JSON lines or readable lines.

Every record, the service's own and the server's (Uvicorn, Granian), goes through
structlog's formatter on the root logger, with the request id of the request it belongs
to. The servers' own access logs are off: `RequestLogging` writes one line per request.
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

from aurum.config import LogFormat, Settings

# The servers' loggers: their records go to the root logger's one handler.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "_granian")
SERVER_ACCESS_LOGGERS = ("uvicorn.access", "granian.access")
# httpx logs each request's full URL at INFO (a URL can carry a token); aiosqlite logs
# each statement with its parameters at DEBUG; Alembic lists its plugins at INFO.
QUIET_LOGGERS = ("httpx", "httpcore", "aiosqlite", "alembic.runtime.plugins")
# Fields a standard-library record may add with `extra=`.
EXTRA_FIELDS = ("request_id", "status")


class _AurumHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler this module installs (so a second setup replaces it, not others)."""


def _processors(settings: Settings) -> tuple[list[Processor], Processor]:
    """What every record gets (time, level, logger, request id), and how it is written."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if settings.log_renderer is LogFormat.JSON:
        shared.append(structlog.processors.format_exc_info)
        return shared, structlog.processors.JSONRenderer()
    return shared, structlog.dev.ConsoleRenderer(colors=False)


def log_formatter(settings: Settings) -> logging.Formatter:
    """The formatter of every line: JSON or readable, with the request's id."""
    shared, renderer = _processors(settings)
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder(allow=EXTRA_FIELDS)],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def configure_logging(settings: Settings) -> None:
    """Send every log record through one formatter (idempotent: replaces its own handler)."""
    shared, _ = _processors(settings)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _AurumHandler(sys.stderr)
    handler.setFormatter(log_formatter(settings))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _AurumHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    for name in SERVER_ACCESS_LOGGERS:
        logging.getLogger(name).disabled = True
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
