"""The password-hashing process: what `PasswordHasher` runs as its child.

Started as `python -m aurum.security.password_process` with the Argon2 parameters on the
command line. It reads one JSON request per line on stdin and answers one JSON line per
request on stdout, in completion order, matched by `id`:

    {"id": 1, "op": "hash", "password": "..."}
        -> {"id": 1, "hash": "$argon2id$..."}
    {"id": 2, "op": "verify", "password": "...", "hash": "$argon2id$..."}
        -> {"id": 2, "valid": true, "new_hash": null}

`hash` may be null in a verify request (no such account): the password is then checked
against a dummy hash, so it costs the same as a wrong password. It exits when stdin
closes. Its first line says it is ready and what one hash cost in CPU time:
`{"ready": true, "hash_seconds": 0.024}`. It runs at the lowest priority (`SCHED_IDLE`);
how it still gets its share of the cores is `aurum.security.hash_turns`. This module
imports only the hashing libraries: the process stays small.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import functools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

BCRYPT_MAX_BYTES = 72
IDLE_SECONDS_BEFORE_TRIM = 1.0
# glibc mallopt() parameters and values
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_MAX_MMAP_THRESHOLD = 32 << 20  # the largest glibc accepts on 64-bit
_NO_AUTOMATIC_TRIM = 1 << 30


class Hashing:
    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._bcrypt = BcryptHasher()
        self._context = PasswordHash(
            (
                Argon2Hasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism),
                self._bcrypt,
            )
        )
        started = time.process_time()
        self._dummy_hash = self._context.hash(os.urandom(16).hex())
        self.hash_seconds = time.process_time() - started

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        password = request["password"]
        if request["op"] == "hash":
            return {"hash": self._context.hash(password)}
        valid, new_hash = self._verify(password, request.get("hash"))
        return {"valid": valid, "new_hash": new_hash}

    def _verify(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        if stored_hash is None:
            return self._refuse(password)
        if self._bcrypt.identify(stored_hash) and len(password.encode()) > BCRYPT_MAX_BYTES:
            # bcrypt only ever saw 72 bytes; accepting a longer password would mean
            # truncating it silently. Such accounts reset their password instead.
            return self._refuse(password)
        try:
            valid, new_hash = self._context.verify_and_update(password, stored_hash)
        except UnknownHashError:  # not a hash we can check: no password matches it
            return self._refuse(password)
        return valid, new_hash if valid else None

    def _refuse(self, password: str) -> tuple[bool, None]:
        """No match, after the same work as a wrong password."""
        self._context.verify(password, self._dummy_hash)
        return False, None


def _lowest_priority() -> None:
    """Only the CPU nothing else wants: a worker that wakes up preempts a hash at once."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or refused
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, 0, 19)


def _tune_malloc() -> Callable[[], object]:
    """Make glibc keep hash buffers while busy and hand them back on demand.

    One malloc arena for every thread (only the main arena's free memory at the top can
    be given back), big blocks from that heap rather than mmap (so a buffer is reused,
    not faulted in afresh each hash), and no automatic trimming. Returns malloc_trim,
    which the process calls when it runs out of work."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None:
            libc.mallopt(_M_ARENA_MAX, 1)
            libc.mallopt(_M_MMAP_THRESHOLD, _MAX_MMAP_THRESHOLD)
            libc.mallopt(_M_TRIM_THRESHOLD, _NO_AUTOMATIC_TRIM)
            return functools.partial(libc.malloc_trim, 0)
    except (OSError, AttributeError):  # not glibc: its allocator decides
        pass
    return lambda: None


class IdleTrim:
    """Gives the hash buffers back to the system once no request came for a while.

    Under load every thread reuses its `m` KiB buffer (allocating it afresh would cost
    page faults on every hash); an idle process shrinks to its code and data."""

    def __init__(self, release_memory: Callable[[], object], idle_seconds: float) -> None:
        self._release_memory = release_memory
        self._idle_seconds = idle_seconds
        self._changed = threading.Condition()
        self._in_flight = 0
        self._last_finished = 0.0
        self._holding = False  # buffers freed since the last release

    def started(self) -> None:
        with self._changed:
            self._in_flight += 1

    def finished(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._last_finished = time.monotonic()
            self._holding = True
            self._changed.notify()

    def run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._holding and self._in_flight == 0)
                quiet_for = time.monotonic() - self._last_finished
                if quiet_for < self._idle_seconds:
                    self._changed.wait(self._idle_seconds - quiet_for)
                    continue
                self._holding = False
            self._release_memory()  # outside the lock: a new request need not wait


def serve(hashing: Hashing, threads: int, source: BinaryIO, sink: BinaryIO, trim: IdleTrim) -> None:
    """Answer requests from `source` on `threads` threads until it closes."""
    write_lock = threading.Lock()

    def handle(line: bytes) -> None:
        try:
            request: dict[str, Any] = json.loads(line)
            try:
                reply = {"id": request["id"], **hashing.answer(request)}
            except Exception as exc:  # reported to the caller by name, never the password
                reply = {"id": request["id"], "error": type(exc).__name__}
            data = json.dumps(reply).encode() + b"\n"
            with write_lock:
                sink.write(data)
                sink.flush()
        finally:
            trim.finished()

    threading.Thread(target=trim.run, name="aurum-hash-trim", daemon=True).start()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="aurum-hash") as executor:
        for line in source:
            trim.started()
            executor.submit(handle, line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-cost", type=int, required=True)
    parser.add_argument("--memory-cost", type=int, required=True)
    parser.add_argument("--parallelism", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    # The service stops this process by closing stdin. Ctrl-C in a terminal, or a stop
    # signal sent to the whole process group, is for the parent to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _lowest_priority()
    release_memory = _tune_malloc()  # before any thread or buffer exists
    hashing = Hashing(
        time_cost=args.time_cost, memory_cost=args.memory_cost, parallelism=args.parallelism
    )
    ready = {"ready": True, "hash_seconds": hashing.hash_seconds}
    sys.stdout.buffer.write(json.dumps(ready).encode() + b"\n")
    sys.stdout.buffer.flush()
    trim = IdleTrim(release_memory, IDLE_SECONDS_BEFORE_TRIM)
    serve(hashing, args.threads, sys.stdin.buffer, sys.stdout.buffer, trim)


if __name__ == "__main__":
    main()
