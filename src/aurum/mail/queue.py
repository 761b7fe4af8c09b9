"""Delivery off the request path: a bounded in-process queue with retries.

A request submits a *job*: a coroutine function that, run later by the queue, prepares the
message (it may read and write the database in its own transaction) and returns it, or
None when there is nothing to send. Requests therefore do the same work whether or not an
account exists. Sending is retried with exponential back-off; a message that still fails,
or that does not fit in the queue, is logged as an error and counted, never dropped
silently. The queue lives in memory: a message queued when the process dies is lost, and
the user asks again (every flow that sends mail can be repeated).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

from aurum.config import Settings
from aurum.mail.message import masked
from aurum.mail.senders import Sender

logger = logging.getLogger(__name__)

MailJob = Callable[[], Awaitable[EmailMessage | None]]


class MailQueue:
    def __init__(self, sender: Sender, settings: Settings) -> None:
        self.sender = sender
        self.max_attempts = settings.mail_max_attempts
        self.retry_base = settings.mail_retry_base_seconds
        self._queue: asyncio.Queue[MailJob] = asyncio.Queue(maxsize=settings.mail_queue_size)
        self._slots = asyncio.Semaphore(settings.mail_concurrency)
        self._running: set[asyncio.Task[None]] = set()
        self._dispatcher: asyncio.Task[None] | None = None
        self.delivered = 0
        self.failed = 0
        self.dropped = 0

    def start(self) -> None:
        self._dispatcher = asyncio.create_task(self._dispatch(), name="aurum-mail")

    def submit(self, job: MailJob) -> None:
        """Queue a job; never waits. A full queue drops the job and logs it."""
        if self._queue.full():
            self.dropped += 1
            logger.error("mail queue full (%d jobs): a message was dropped", self._queue.maxsize)
            return
        self._queue.put_nowait(job)

    async def drain(self) -> None:
        """Wait until every job queued so far has been delivered or has failed."""
        await self._queue.join()

    async def close(self, grace: float) -> None:
        """Finish queued work for up to `grace` seconds, then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), grace)
        pending = self._queue.qsize() + len(self._running)
        if pending:
            logger.error("mail queue stopped with %d message(s) not delivered", pending)
        tasks = [*self._running, *([self._dispatcher] if self._dispatcher else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _dispatch(self) -> None:
        while True:
            job = await self._queue.get()
            await self._slots.acquire()
            task = asyncio.create_task(self._run(job))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _run(self, job: MailJob) -> None:
        try:
            try:
                message = await job()
            except Exception:
                self.failed += 1
                logger.exception("an email could not be prepared")
                return
            if message is not None:
                await self._deliver(message)
        finally:
            self._slots.release()
            self._queue.task_done()

    async def _deliver(self, message: EmailMessage) -> None:
        recipient = masked(str(message["To"]))
        for attempt in range(1, self.max_attempts + 1):
            error = await self._attempt(message)
            if error is None:
                self.delivered += 1
                return
            if attempt == self.max_attempts:
                self.failed += 1
                logger.error(
                    "email to %s not delivered after %d attempts: %s", recipient, attempt, error
                )
                return
            delay = self.retry_base * 2 ** (attempt - 1)
            logger.warning(
                "email to %s failed (attempt %d of %d: %s); retrying in %.1f s",
                recipient,
                attempt,
                self.max_attempts,
                error,
                delay,
            )
            await asyncio.sleep(delay)

    async def _attempt(self, message: EmailMessage) -> str | None:
        """None when the message was accepted, else what went wrong (retried)."""
        try:
            await self.sender.send(message)
        except Exception as exc:  # every failure is retried, then reported
            return str(exc) or type(exc).__name__
        return None
