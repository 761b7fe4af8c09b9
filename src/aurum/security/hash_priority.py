"""How the password-hashing process shares the cores with the service's workers.

Two needs pull apart: a read flood must not stop sign-ins (hashing needs a guaranteed share
of the CPU while the workers are busy), and a sign-in flood must not delay reads (a worker
that wakes up with a request must get its core at once). A weight gives the first, a long
time slice the second:

- Weight: a busy thread at nice 0 weighs 1024 in Linux's scheduler, at 5 335, at 10 110
  and at 19 15; a hashing thread that shares a core with a busy worker gets
  weight / (weight + 1024) of it. SCHED_IDLE (or nice 19) leaves sign-ins next to nothing
  while requests keep the cores busy. The hashing process's nice value is the worker's
  plus PASSWORD_HASH_NICE.
- SCHED_BATCH: a hashing thread that wakes up never preempts a worker; it waits its turn.
- Slice: since Linux 6.12, a task may ask for its own time slice (`sched_runtime`), and a
  task with a shorter slice that wakes up, when its turn is due, preempts one with a longer
  slice without waiting for that slice to end. The hashing process asks for a long one, so
  a worker that wakes up need not wait for the hash on its core to use up a slice first.
  Older kernels ignore the request.

Linux only; elsewhere, or when not permitted, the process keeps its parent's priority.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform

HASH_SLICE_NS = 20_000_000  # about one Argon2id hash at OWASP's parameters
_SCHED_SETATTR = {"x86_64": 314, "aarch64": 274, "riscv64": 274}  # syscall numbers
_NICEST = 19


class _SchedAttr(ctypes.Structure):
    """`struct sched_attr`, its first version (48 bytes)."""

    _fields_ = (
        ("size", ctypes.c_uint32),
        ("sched_policy", ctypes.c_uint32),
        ("sched_flags", ctypes.c_uint64),
        ("sched_nice", ctypes.c_int32),
        ("sched_priority", ctypes.c_uint32),
        ("sched_runtime", ctypes.c_uint64),
        ("sched_deadline", ctypes.c_uint64),
        ("sched_period", ctypes.c_uint64),
    )


def share_the_cores(nice: int) -> None:
    """Run the calling thread, and the threads it starts afterwards, as hashing should run."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux
        target = min(_NICEST, os.getpriority(os.PRIO_PROCESS, 0) + nice)
        if _batch_with_long_slice(target):
            return
        os.setpriority(os.PRIO_PROCESS, 0, target)  # raising it needs no privilege
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def _batch_with_long_slice(nice: int) -> bool:
    number = _SCHED_SETATTR.get(platform.machine())
    if number is None:
        return False
    attributes = _SchedAttr(
        size=ctypes.sizeof(_SchedAttr),
        sched_policy=os.SCHED_BATCH,
        sched_nice=nice,
        sched_runtime=HASH_SLICE_NS,
    )
    libc = ctypes.CDLL(None, use_errno=True)
    result: int = libc.syscall(number, 0, ctypes.byref(attributes), 0)
    return result == 0
