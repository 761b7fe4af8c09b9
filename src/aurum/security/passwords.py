"""Password hashing: Argon2id, legacy bcrypt verified and upgraded, always off the event loop.

Hashes run in a child process of each worker (`aurum.security.password_process`) at the
lowest priority, so they never delay a request; when requests keep the cores busy, the
worker gives hashing its turns (`aurum.security.hash_turns`). Two reasons for a process
rather than threads:

- A hashing thread would have to take the worker's GIL back after every hash, and while
  the scheduler keeps it waiting the event loop waits for the GIL too; a process shares
  nothing with the loop but a pipe.
- Each hash needs `m` KiB (19 MiB). The child keeps that buffer per hashing thread and
  reuses it; in the worker it would either stay resident in every worker or, returned to
  the system after each hash, cost half a hash more in page faults.

The child is started on first use and started again if it dies; requests in flight when
it dies fail with `PasswordHashingUnavailable` (503).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import sys
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from aurum.config import Settings
from aurum.errors import ServiceUnavailable
from aurum.metrics.instruments import instruments
from aurum.security.hash_turns import HashingTurns

logger = logging.getLogger(__name__)

_STOP_TIMEOUT_SECONDS = 5.0
_LINE_LIMIT = 1 << 20  # a password is at most a few KiB of JSON


class PasswordHashingUnavailable(ServiceUnavailable):
    message = "Password checks are unavailable; try again."
    message_es = "La verificación de contraseñas no está disponible; inténtalo de nuevo."


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    new_hash: str | None = None  # set when the stored hash should be upgraded


class PasswordHasher:
    def __init__(self, settings: Settings) -> None:
        self._arguments = (
            f"--time-cost={settings.argon2_time_cost}",
            f"--memory-cost={settings.argon2_memory_cost}",
            f"--parallelism={settings.argon2_parallelism}",
            f"--threads={settings.password_hash_threads or os.cpu_count() or 1}",
        )
        self.turns = HashingTurns()
        metrics = instruments()
        self._queued = metrics.password_hash_queue
        self._seconds = {
            operation: metrics.password_hash_seconds.labels(operation)
            for operation in ("hash", "verify")
        }
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count()

    @property
    def process_id(self) -> int | None:
        """The hashing process's pid while it runs (for operators and tests)."""
        process = self._process
        return process.pid if process is not None and process.returncode is None else None

    async def hash(self, password: str) -> str:
        reply = await self._call({"op": "hash", "password": password})
        return str(reply["hash"])

    async def verify(self, password: str, stored_hash: str | None) -> Verification:
        """Check a password; `None` (no such account) still spends one full hash."""
        reply = await self._call({"op": "verify", "password": password, "hash": stored_hash})
        return Verification(valid=reply["valid"] is True, new_hash=reply["new_hash"])

    async def close(self) -> None:
        """Let the child finish what it holds and exit (it stops when stdin closes)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), _STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            await self._reader

    async def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        self.turns.asked()
        self._queued.inc()
        started = perf_counter()
        try:
            return await self._answer(request)
        finally:
            self.turns.answered()
            self._queued.dec()
            self._seconds[request["op"]].observe(perf_counter() - started)

    async def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        process = await self._running()
        pending = self._pending  # this process's: a replacement gets a dict of its own
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        pending[request_id] = future
        line = json.dumps({"id": request_id, **request}).encode() + b"\n"
        try:
            assert process.stdin is not None  # noqa: S101 - started with a pipe
            process.stdin.write(line)
            await process.stdin.drain()
            reply = await future
        except (ConnectionError, RuntimeError) as exc:
            raise PasswordHashingUnavailable from exc
        finally:
            pending.pop(request_id, None)
        if "error" in reply:
            msg = f"password hashing failed: {reply['error']}"
            raise RuntimeError(msg)
        return reply

    async def _running(self) -> asyncio.subprocess.Process:
        async with self._starting:
            if self._process is None or self._process.returncode is not None:
                self._process = await self._start()
            return self._process

    async def _start(self) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "aurum.security.password_process",
            *self._arguments,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=_LINE_LIMIT,
        )
        assert process.stdout is not None  # noqa: S101 - started with a pipe
        ready = await process.stdout.readline()
        if not ready:
            await process.wait()
            raise PasswordHashingUnavailable
        self.turns.hash_costs(json.loads(ready)["hash_seconds"])
        self._pending = {}
        self._reader = asyncio.create_task(self._read_replies(process, self._pending))
        return process

    async def _read_replies(
        self,
        process: asyncio.subprocess.Process,
        pending: dict[int, asyncio.Future[dict[str, Any]]],
    ) -> None:
        assert process.stdout is not None  # noqa: S101 - started with a pipe
        try:
            while line := await process.stdout.readline():
                reply: dict[str, Any] = json.loads(line)
                future = pending.get(reply["id"])
                if future is not None and not future.done():
                    future.set_result(reply)
        finally:  # the child exited: nothing more will be answered
            if self._process is process:  # not closing: it died
                logger.warning("the password hashing process exited; it starts again on use")
                self._process = None
            for future in pending.values():
                if not future.done():
                    future.set_exception(ConnectionResetError("the hashing process exited"))
