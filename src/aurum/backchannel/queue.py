"""Delivering logout tokens off the request path, with retries.

Notices are handed over once the transaction that ended the session has committed; each is
posted in a task of its own, retried with exponential back-off, and logged as an error
when it is refused or still fails after the last attempt. The queue lives in memory: a
notice not yet delivered when the process stops is lost (the app's own session then ends
when its tokens expire).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

import httpx

from aurum.backchannel.delivery import Outcome, post_logout_token
from aurum.backchannel.logout_tokens import LogoutTokens
from aurum.backchannel.notice import LogoutNotice

logger = logging.getLogger(__name__)


class LogoutQueue:
    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: LogoutTokens,
        *,
        max_attempts: int,
        retry_base: float,
        concurrency: int,
    ) -> None:
        self.http = http
        self.tokens = tokens
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self._slots = asyncio.Semaphore(concurrency)
        self._running: set[asyncio.Task[None]] = set()
        self.delivered = 0
        self.failed = 0

    def submit(self, notices: Iterable[LogoutNotice]) -> None:
        """Start delivering; never waits."""
        for notice in notices:
            task = asyncio.create_task(self._deliver(notice), name="aurum-backchannel-logout")
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def drain(self) -> None:
        """Wait until every notice submitted so far was delivered or given up on."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def close(self, grace: float) -> None:
        """Finish deliveries for up to `grace` seconds, then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), grace)
        if self._running:
            logger.error(
                "back-channel logout stopped with %d notice(s) undelivered", len(self._running)
            )
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, notice: LogoutNotice) -> None:
        for attempt in range(1, self.max_attempts + 1):
            async with self._slots:
                token = self.tokens.issue(
                    client_id=notice.client_id, subject=notice.subject, session_id=notice.session_id
                )
                outcome, why = await post_logout_token(self.http, notice.uri, token)
            if outcome is Outcome.DELIVERED:
                self.delivered += 1
                return
            if outcome is Outcome.REFUSED or attempt == self.max_attempts:
                self.failed += 1
                logger.error(
                    "logout token for client %s not delivered after %d attempt(s): %s",
                    notice.client_id,
                    attempt,
                    why,
                )
                return
            delay = self.retry_base * 2 ** (attempt - 1)
            logger.warning(
                "logout token for client %s failed (attempt %d of %d: %s); retrying in %.1f s",
                notice.client_id,
                attempt,
                self.max_attempts,
                why,
                delay,
            )
            await asyncio.sleep(delay)
