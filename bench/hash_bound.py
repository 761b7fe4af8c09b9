"""R3, the password-hash bound: cores ÷ CPU seconds per Argon2id hash."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace

from pwdlib.hashers.argon2 import Argon2Hasher

from aurum.config import Settings


@dataclass(frozen=True, slots=True)
class HashBound:
    cores: int
    cpu_seconds_per_hash: float
    memory_kib: int
    time_cost: int
    parallelism: int
    measured: tuple[float, ...]  # CPU seconds per hash of each measurement

    @property
    def hashes_per_second(self) -> float:
        return self.cores / self.cpu_seconds_per_hash

    def again(self, later: HashBound) -> HashBound:
        """Both measurements, counted as their mean (the machine drifts during a run)."""
        measured = (*self.measured, later.cpu_seconds_per_hash)
        return replace(self, cpu_seconds_per_hash=sum(measured) / len(measured), measured=measured)

    @property
    def parameters(self) -> str:
        return f"m={self.memory_kib} KiB, t={self.time_cost}, p={self.parallelism}"


def cores() -> int:
    return len(os.sched_getaffinity(0))


def measure(settings: Settings, hashes: int) -> HashBound:
    """CPU time (not wall time: the machine may be busy) of `hashes` hashes on one thread."""
    hasher = Argon2Hasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
    )
    hasher.hash("warm-up password")
    started = time.thread_time()
    for number in range(hashes):
        hasher.hash(f"bench password {number}")
    spent = time.thread_time() - started
    return HashBound(
        cores=cores(),
        cpu_seconds_per_hash=spent / hashes,
        measured=(spent / hashes,),
        memory_kib=settings.argon2_memory_cost,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
    )
