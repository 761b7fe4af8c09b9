"""One delivery attempt of one message: sign, POST, log the answer.

The request goes out between two short transactions (one reads the message, one logs the
attempt), never inside one. Both lock the endpoint's row, so one endpoint's messages
change state one at a time: a message with an older one still pending is parked instead
of sent, and the older one's final attempt (delivered or dead) queues it again. Messages
therefore reach each endpoint in the order they were made.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.models.webhook import WebhookAttempt, WebhookEndpoint, WebhookMessage
from aurum.webhooks.repository import WebhookRepository
from aurum.webhooks.signing import SecretBox, signature_header

# A receiver's 4xx is its final word, except "too slow" and "too many": those pass.
_RETRIED_CLIENT_ERRORS = frozenset({408, 429})
_USER_AGENT = "Aurum-Webhooks/1"

# Queues the delivery of a message in the session's transaction.
Enqueue = Callable[[AsyncSession, str], None]


class Outcome(StrEnum):
    DELIVERED = "delivered"  # a 2xx answer
    RETRY = "retry"  # no answer, a 5xx, a redirect, 408 or 429: try again later
    DEAD = "dead"  # another 4xx, the last retry failed, or the endpoint is disabled
    WAITING = "waiting"  # parked behind an older message, which will queue it again
    SKIPPED = "skipped"  # gone, or no longer pending (delivered meanwhile): nothing to do


@dataclass(frozen=True, slots=True)
class _Send:
    message_id: str
    endpoint_id: uuid.UUID
    url: str
    body: str
    secrets: list[str]


def classify(status_code: int) -> Outcome:
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    if 400 <= status_code < 500 and status_code not in _RETRIED_CLIENT_ERRORS:
        return Outcome.DEAD
    return Outcome.RETRY


def build_webhook_client(settings: Settings) -> httpx.AsyncClient:
    """Pooled, short timeouts, redirects not followed (a 3xx is retried, not chased)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
        headers={"user-agent": _USER_AGENT},
    )


class WebhookDelivery:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        box: SecretBox,
        timeout: float,
        enqueue: Enqueue,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.http = http
        self.box = box
        self.timeout = timeout
        self.enqueue = enqueue

    async def attempt(self, message_id: str, *, last: bool = False) -> Outcome:
        """Try once to deliver `message_id`; logged unless parked or skipped. After the
        `last` try a failure that could be retried is final too (dead)."""
        async with self.sessionmaker.begin() as db:
            send = await self._prepare(WebhookRepository(db), message_id)
        if isinstance(send, Outcome):
            return send
        started = time.perf_counter()
        attempted_at = utcnow()
        status_code, error = await self._post(send, attempted_at)
        outcome = Outcome.RETRY if status_code is None else classify(status_code)
        if outcome is Outcome.RETRY and last:
            outcome, error = Outcome.DEAD, f"{error}; no attempts left"
        attempt = WebhookAttempt(
            message_id=message_id,
            attempted_at=attempted_at,
            status_code=status_code,
            duration_ms=round((time.perf_counter() - started) * 1000),
            outcome=str(outcome),
            error=error,
        )
        async with self.sessionmaker.begin() as db:
            if not await self._record(WebhookRepository(db), send, attempt, outcome):
                return Outcome.SKIPPED  # redelivered or deleted while this one was out
        return outcome

    async def _prepare(self, webhooks: WebhookRepository, message_id: str) -> _Send | Outcome:
        endpoint_id = await webhooks.endpoint_of(message_id)
        endpoint = (
            None
            if endpoint_id is None
            else await webhooks.get(endpoint_id, secrets=True, lock=True)
        )
        message = await webhooks.session.get(WebhookMessage, message_id)
        if endpoint is None or message is None or message.status != "pending":
            return Outcome.SKIPPED
        if not endpoint.enabled:
            attempt = WebhookAttempt(
                message_id=message.id,
                attempted_at=utcnow(),
                status_code=None,
                duration_ms=0,
                outcome=str(Outcome.DEAD),
                error="endpoint disabled",
            )
            send = _Send(message.id, endpoint.id, endpoint.url, "", [])
            await self._record(webhooks, send, attempt, Outcome.DEAD)
            return Outcome.DEAD
        if await webhooks.waits_for_older(message):
            await webhooks.park(message.id)
            return Outcome.WAITING
        secrets = list(self._secrets(endpoint))
        return _Send(message.id, endpoint.id, endpoint.url, message.payload, secrets)

    async def _record(
        self, webhooks: WebhookRepository, send: _Send, attempt: WebhookAttempt, outcome: Outcome
    ) -> bool:
        """Log the attempt; a final one queues the endpoint's next parked message."""
        endpoint = await webhooks.get(send.endpoint_id, lock=True)
        if endpoint is None:
            return False
        status = "pending" if outcome is Outcome.RETRY else str(outcome)
        if not await webhooks.record_attempt(attempt, status=status):
            return False
        if status != "pending" and (following := await webhooks.unpark_next(endpoint.id)):
            self.enqueue(webhooks.session, following)
        return True

    def _secrets(self, endpoint: WebhookEndpoint) -> Iterator[str]:
        yield self.box.open(endpoint.secret_encrypted)
        expires = endpoint.previous_secret_expires_at
        if endpoint.previous_secret_encrypted and expires is not None and expires > utcnow():
            yield self.box.open(endpoint.previous_secret_encrypted)

    async def _post(self, send: _Send, attempted_at: datetime) -> tuple[int | None, str | None]:
        headers = {
            "content-type": "application/json",
            "webhook-id": send.message_id,
            "webhook-timestamp": str(int(attempted_at.timestamp())),
            "webhook-signature": signature_header(
                send.secrets, send.message_id, attempted_at, send.body
            ),
        }
        try:
            async with asyncio.timeout(self.timeout):
                # Streamed and closed unread: a receiver's body is never needed or kept.
                async with self.http.stream(
                    "POST", send.url, content=send.body.encode(), headers=headers
                ) as response:
                    status_code = response.status_code
        except (TimeoutError, httpx.TimeoutException):
            return None, "timed out"
        except httpx.HTTPError as exc:
            return None, type(exc).__name__
        return status_code, None if 200 <= status_code < 300 else f"HTTP {status_code}"
