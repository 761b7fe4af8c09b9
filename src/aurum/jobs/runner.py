"""The runner every service process starts: claims due jobs, runs them, records the outcome.

It polls every JOBS_POLL_SECONDS and wakes at once when this process commits a new job,
so requests pay nothing for it. Claims carry a lease: a process that dies leaves its jobs
to be claimed again once the lease runs out, and a claim token keeps a runner whose lease
ran out from finishing a job another has taken over. With metrics on, it also counts the
backlog (at most once per poll) for `aurum_jobs` and the oldest due job's age.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from secrets import SystemRandom

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.db.after_commit import after_commit
from aurum.db.base import utcnow
from aurum.jobs.kinds import (
    JobContext,
    JobKind,
    JobRegistry,
    Payload,
    PermanentFailure,
    TemporaryFailure,
)
from aurum.jobs.payloads import PayloadCipher
from aurum.jobs.repository import Backlog, ClaimedJob, JobRepository
from aurum.metrics.instruments import instruments
from aurum.models.job import Job, JobStatus

logger = logging.getLogger(__name__)

_jitter = SystemRandom()
DATABASE_ERRORS = (SQLAlchemyError, OSError)
_Change = Callable[[JobRepository], Awaitable[bool]]


class JobRunner:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        registry: JobRegistry,
        settings: Settings,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.registry = registry
        self.cipher = PayloadCipher(settings.secret_key.get_secret_value())
        self.poll_seconds = settings.jobs_poll_seconds
        self.lease = timedelta(seconds=settings.jobs_lease_seconds)
        self.concurrency = settings.jobs_concurrency
        self.counts_backlog = settings.metrics_enabled
        self._counted_at = -float("inf")  # monotonic time of the last backlog count
        self._wake = asyncio.Event()
        self._running: dict[asyncio.Task[None], tuple[uuid.UUID, uuid.UUID]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._retries: list[float] = []  # heap: monotonic times of retries this runner set
        self._periodic_scheduled = False
        self._stopping = False
        self.completed = 0
        self.dead = 0

    # Producers

    def enqueue(
        self, db: AsyncSession, kind: str, payload: Payload, *, delay: timedelta | None = None
    ) -> uuid.UUID:
        """Record a job in `db`'s transaction; it runs once that commits (never if not)."""
        if self.registry.get(kind) is None:
            msg = f"unknown job kind {kind!r}"
            raise ValueError(msg)
        job = Job(
            id=uuid.uuid4(),
            kind=kind,
            status=JobStatus.QUEUED,
            payload=self.cipher.seal(payload),
            attempts=0,
            run_at=utcnow() + (delay or timedelta()),
        )
        db.add(job)
        after_commit(db, self.wake)
        return job.id

    def wake(self) -> None:
        self._wake.set()

    # Lifecycle

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._loop(), name="aurum-jobs")

    async def close(self, grace: float) -> None:
        """Stop claiming; let running jobs finish for up to `grace` s, give the rest back."""
        self._stopping = True
        self.wake()
        if self._loop_task is not None:
            # Not cancelled in the middle of a claim: it stops at its next wait.
            await asyncio.wait([self._loop_task], timeout=grace)
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._running:
            await asyncio.wait(list(self._running), timeout=grace)
        unfinished = dict(self._running)
        for task in unfinished:
            task.cancel()
        for task in unfinished:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if unfinished:
            logger.warning("jobs: %d job(s) stopped at shutdown, given back", len(unfinished))
            with contextlib.suppress(*DATABASE_ERRORS):
                async with self.sessionmaker.begin() as db:
                    for job_id, token in unfinished.values():
                        await JobRepository(db).release(token, [job_id])

    async def drain(self, within: float = 30) -> None:
        """Wait until no job (periodic ones aside) is queued or running: for tests and tools."""
        periodic = tuple(kind.name for kind in self.registry.periodic)
        async with asyncio.timeout(within):
            while True:
                async with self.sessionmaker() as db:
                    pending = await JobRepository(db).count_pending(excluding=periodic)
                if not pending and not self._running:
                    return
                self.wake()
                await asyncio.sleep(0.02)

    # The loop

    async def _loop(self) -> None:
        while not self._stopping:
            claimed = 0
            try:
                await self._schedule_periodic()
                free = self.concurrency - len(self._running)
                if free > 0 and not self._stopping:
                    claimed = await self._claim(free)
                await self._count_backlog()
            except DATABASE_ERRORS as exc:
                logger.warning("jobs: cannot reach the database (%s)", type(exc).__name__)
            except Exception:  # a bug must not stop every later job: logged, loop goes on
                logger.exception("jobs: claiming failed")
            if claimed:
                logger.debug("jobs: claimed %d", claimed)
            await self._sleep()  # a finished job, a commit or a retry falling due wakes it

    async def _sleep(self) -> None:
        timeout = self.poll_seconds
        if self._retries:
            timeout = min(timeout, max(0.0, self._retries[0] - time.monotonic()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        self._wake.clear()
        now = time.monotonic()
        while self._retries and self._retries[0] <= now:
            heapq.heappop(self._retries)

    async def _schedule_periodic(self) -> None:
        if self._periodic_scheduled:
            return
        async with self.sessionmaker.begin() as db:
            for kind in self.registry.periodic:
                await _schedule_next(JobRepository(db), kind)
        self._periodic_scheduled = True

    async def _count_backlog(self) -> None:
        if not self.counts_backlog or time.monotonic() - self._counted_at < self.poll_seconds:
            return
        self._counted_at = time.monotonic()
        async with self.sessionmaker() as db:
            record_backlog(await JobRepository(db).backlog(utcnow()))

    async def _claim(self, limit: int) -> int:
        token = uuid.uuid4()
        async with self.sessionmaker.begin() as db:
            claimed = await JobRepository(db).claim(
                limit=limit, now=utcnow(), lease=self.lease, token=token
            )
        for job in claimed:
            task = asyncio.create_task(self._run(job, token), name=f"aurum-job-{job.id}")
            self._running[task] = (job.id, token)
            task.add_done_callback(self._done)
        return len(claimed)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._wake.set()  # a slot is free

    async def _run(self, job: ClaimedJob, token: uuid.UUID) -> None:
        kind = self.registry.get(job.kind)
        if kind is None or job.attempts > kind.max_attempts:
            # A kind this version does not know, or runners that died running it each time.
            await self._dead(job, token, "unknown kind" if kind is None else "lease expired")
            return
        try:
            context = JobContext(job.id, job.kind, self.cipher.open(job.payload), job.attempts)
            async with asyncio.timeout(self.lease.total_seconds()):
                await kind.handler(context)
        except PermanentFailure as exc:
            await self._dead(job, token, str(exc) or "permanent failure")
            return
        except Exception as exc:  # any other failure is temporary: retried with back-off
            await self._retry(job, token, kind, _describe(exc))
            return
        await self._finish(job, token, JobStatus.DONE, None)

    async def _dead(self, job: ClaimedJob, token: uuid.UUID, error: str) -> None:
        logger.error("job %s (%s) failed for good: %s", job.id, job.kind, error)
        await self._finish(job, token, JobStatus.DEAD, error)

    async def _retry(self, job: ClaimedJob, token: uuid.UUID, kind: JobKind, error: str) -> None:
        if job.attempts >= kind.max_attempts:
            await self._dead(job, token, f"{error} (after {job.attempts} attempts)")
            return
        delay = backoff(kind, job.attempts)
        logger.warning(
            "job %s (%s) failed (attempt %d of %d: %s); retrying in %.1f s",
            job.id,
            job.kind,
            job.attempts,
            kind.max_attempts,
            error,
            delay.total_seconds(),
        )
        await self._record(
            job, lambda jobs: jobs.reschedule(job.id, token, run_at=utcnow() + delay, error=error)
        )
        heapq.heappush(self._retries, time.monotonic() + delay.total_seconds())

    async def _finish(
        self, job: ClaimedJob, token: uuid.UUID, status: JobStatus, error: str | None
    ) -> None:
        if await self._record(
            job, lambda jobs: jobs.finish(job.id, token, status=status, now=utcnow(), error=error)
        ):
            if status is JobStatus.DONE:
                self.completed += 1
            else:
                self.dead += 1
        kind = self.registry.get(job.kind)
        if kind is not None and kind.every is not None:
            with contextlib.suppress(*DATABASE_ERRORS):
                async with self.sessionmaker.begin() as db:
                    await _schedule_next(JobRepository(db), kind)

    async def _record(self, job: ClaimedJob, change: _Change) -> bool:
        """Write an outcome; a lost claim or an unreachable database leaves the job to the
        lease (it runs again: delivery is at least once)."""
        try:
            async with self.sessionmaker.begin() as db:
                kept = await change(JobRepository(db))
        except DATABASE_ERRORS as exc:
            logger.warning(
                "job %s (%s): outcome not recorded (%s); it runs again after its lease",
                job.id,
                job.kind,
                type(exc).__name__,
            )
            return False
        if not kept:
            logger.warning("job %s (%s): its claim was taken over", job.id, job.kind)
        return kept


async def _schedule_next(jobs: JobRepository, kind: JobKind) -> None:
    every = kind.every or timedelta()
    await jobs.schedule_once(kind=kind.name, key=kind.name, run_at=utcnow() + every)


def record_backlog(backlog: Backlog) -> None:
    metrics = instruments()
    for status, count in backlog.counts.items():
        metrics.jobs.labels(status.value).set(count)
    oldest = backlog.oldest_due
    metrics.jobs_oldest_due.set(oldest.timestamp() if oldest is not None else 0)


def backoff(kind: JobKind, attempts: int) -> timedelta:
    """Exponential, capped, with jitter: half fixed, half random, so retries spread out."""
    full: timedelta = min(kind.retry_base * 2 ** (attempts - 1), kind.retry_max)
    return full / 2 + full / 2 * _jitter.random()


def _describe(exc: BaseException) -> str:
    """What is logged and kept: a handler's own words, else only the error's type (the
    text of a database error may quote parameters)."""
    if isinstance(exc, TemporaryFailure):
        return (str(exc) or type(exc).__name__)[:500]
    return type(exc).__name__
