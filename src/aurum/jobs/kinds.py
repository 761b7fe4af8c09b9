"""What a job kind is: a name, a handler, and how it is retried.

Features register their kinds (`aurum.job_kinds`); the runner knows nothing else about them.
A handler returns when the work is done, raises `PermanentFailure` when retrying cannot
help (the job goes to the dead state at once), and `TemporaryFailure` (or anything else)
to be retried with back-off until the kind's `max_attempts`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

Payload = dict[str, Any]


class PermanentFailure(Exception):
    """Retrying cannot help (a mail server's 5xx, a receiver's 4xx): dead at once.

    Its text is logged and kept on the job: never put an address or a secret in it."""


class TemporaryFailure(Exception):
    """Worth another attempt later. Its text is logged and kept, like `PermanentFailure`'s;
    any other exception counts as temporary too, recorded by its type alone."""


@dataclass(frozen=True, slots=True)
class JobContext:
    id: uuid.UUID  # stable across attempts: the message's id for receivers' deduplication
    kind: str
    payload: Payload
    attempt: int  # 1 for the first run


Handler = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int = 5
    retry_base: timedelta = timedelta(seconds=2)
    retry_max: timedelta = timedelta(hours=1)
    every: timedelta | None = None  # periodic: one pending run at a time, across instances


class JobRegistry:
    def __init__(self, kinds: Iterable[JobKind] = ()) -> None:
        self._kinds: dict[str, JobKind] = {}
        for kind in kinds:
            self.add(kind)

    def add(self, kind: JobKind) -> None:
        if kind.name in self._kinds:
            msg = f"job kind {kind.name!r} is registered twice"
            raise ValueError(msg)
        self._kinds[kind.name] = kind

    def get(self, name: str) -> JobKind | None:
        return self._kinds.get(name)

    @property
    def periodic(self) -> list[JobKind]:
        return [kind for kind in self._kinds.values() if kind.every is not None]
