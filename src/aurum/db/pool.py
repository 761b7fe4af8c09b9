"""The engines' pool, with metrics on: connections in use, and checkouts that waited.

A pool has no event for a checkout that must wait, so the pool class itself notes when
every connection is out as one is asked for (the pools are fixed: no overflow), and times
only those checkouts: the common one, with a connection idle, costs one gauge update.
"""

from __future__ import annotations

import functools
from time import perf_counter
from typing import ClassVar

from prometheus_client import Gauge, Histogram
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from aurum.metrics.instruments import instruments


@functools.cache
def _series(pool: str) -> tuple[Gauge, Histogram]:
    """One pool's series (looked up once: each checkout and return updates them)."""
    metrics = instruments()
    return metrics.db_pool_in_use.labels(pool), metrics.db_pool_waits.labels(pool)


class MeteredPool(AsyncAdaptedQueuePool):
    label: ClassVar[str]

    def _do_get(self) -> ConnectionPoolEntry:
        in_use, waits = _series(self.label)
        if self.checkedout() < self.size():
            entry = super()._do_get()
        else:
            started = perf_counter()
            try:
                entry = super()._do_get()
            finally:  # a checkout that timed out waited too
                waits.observe(perf_counter() - started)
        in_use.set(self.checkedout())
        return entry

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        super()._do_return_conn(record)
        _series(self.label)[0].set(self.checkedout())


class TransactionPool(MeteredPool):
    """The pool of request transactions (`build_engine`)."""

    label = "transactions"


class ReadPool(MeteredPool):
    """The pool of single-statement autocommit reads (`build_read_engine`)."""

    label = "reads"
