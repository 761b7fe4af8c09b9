"""Every log record of the process, written as the service writes it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aurum.config import LogFormat, Settings
from aurum.logs.setup import log_formatter


class LogCapture:
    def __init__(self, log_format: LogFormat) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        settings = Settings(_env_file=None, log_format=log_format)
        self.handler.setFormatter(log_formatter(settings))
        self.handler.setLevel(logging.DEBUG)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """The JSON lines written so far."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@contextmanager
def captured_logs(log_format: LogFormat = LogFormat.JSON) -> Iterator[LogCapture]:
    """Records at every level, from every logger, while the block runs."""
    capture = LogCapture(log_format)
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
        root.setLevel(level)
