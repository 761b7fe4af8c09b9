"""Password hashing: Argon2id, legacy bcrypt verified and upgraded, always off the event loop.

Hashes run on a dedicated thread pool whose threads run at the lowest CPU priority, so a
flood of sign-ins uses idle CPU but never delays the event loop serving other requests.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from aurum.config import Settings

logger = logging.getLogger(__name__)

BCRYPT_MAX_BYTES = 72
_M_MMAP_THRESHOLD = -3  # glibc's mallopt() parameter number
_MMAP_THRESHOLD_BYTES = 1 << 20
_LOWEST_PRIORITY = 19


def _return_large_buffers_to_the_system() -> None:
    """Each hash allocates `m` KiB (19 MiB). glibc would keep such buffers in each hashing
    thread's malloc arena after the first free (its mmap threshold adapts upwards), about
    19 MiB of resident memory per thread for good; a fixed threshold keeps them mmapped,
    so they go back to the system after every hash."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    try:
        libc = ctypes.CDLL(libc_name)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc
        logger.debug("could not set the malloc mmap threshold")


def _lower_thread_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _LOWEST_PRIORITY)
    except (AttributeError, OSError):  # not Linux, or not permitted: run at normal priority
        logger.debug("could not lower the priority of a hashing thread")


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    new_hash: str | None = None  # set when the stored hash should be upgraded


class PasswordHasher:
    def __init__(self, settings: Settings) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost,
            parallelism=settings.argon2_parallelism,
        )
        self._bcrypt = BcryptHasher()
        _return_large_buffers_to_the_system()
        self._context = PasswordHash((self._argon2, self._bcrypt))
        threads = settings.password_hash_threads or (os.cpu_count() or 1)
        self._executor = ThreadPoolExecutor(
            max_workers=threads,
            thread_name_prefix="aurum-hash",
            initializer=_lower_thread_priority,
        )
        # Unknown users are checked against this, so they cost the same as a wrong password.
        self._dummy_hash = self._context.hash(os.urandom(16).hex())

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._context.hash, password)

    async def verify(self, password: str, stored_hash: str | None) -> Verification:
        """Check a password; `None` (no such account) still spends one full hash."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._verify, password, stored_hash)

    def _verify(self, password: str, stored_hash: str | None) -> Verification:
        if stored_hash is None:
            self._context.verify(password, self._dummy_hash)
            return Verification(valid=False)
        if self._bcrypt.identify(stored_hash) and len(password.encode()) > BCRYPT_MAX_BYTES:
            # bcrypt only ever saw 72 bytes; accepting a longer password would mean
            # truncating it silently. Such accounts reset their password instead.
            self._context.verify(password, self._dummy_hash)
            return Verification(valid=False)
        valid, new_hash = self._context.verify_and_update(password, stored_hash)
        return Verification(valid=valid, new_hash=new_hash if valid else None)
