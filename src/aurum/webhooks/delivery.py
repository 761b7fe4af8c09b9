"""One delivery attempt of one message: sign, POST, log the answer.

The request goes out between two short transactions (one reads the message, one logs the
attempt), never inside one. The caller (the job that delivers the message) retries on
RETRY and WAITING, and stops on the others.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
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


class Outcome(StrEnum):
    DELIVERED = "delivered"  # a 2xx answer
    RETRY = "retry"  # no answer, a 5xx, a redirect, 408 or 429: try again later
    DEAD = "dead"  # any other 4xx, or the endpoint is disabled: no more attempts
    WAITING = "waiting"  # an older message to the endpoint goes first: try again later
    SKIPPED = "skipped"  # gone, or no longer pending (delivered meanwhile): nothing to do


@dataclass(frozen=True, slots=True)
class _Send:
    message_id: str
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
    ) -> None:
        self.sessionmaker = sessionmaker
        self.http = http
        self.box = box
        self.timeout = timeout

    async def attempt(self, message_id: str) -> Outcome:
        """Try once to deliver `message_id`; the attempt is logged unless it waited."""
        async with self.sessionmaker() as db, db.begin():
            send = await self._prepare(WebhookRepository(db), message_id)
        if isinstance(send, Outcome):
            return send
        started = time.perf_counter()
        attempted_at = utcnow()
        status_code, error = await self._post(send, attempted_at)
        outcome = Outcome.RETRY if status_code is None else classify(status_code)
        attempt = WebhookAttempt(
            message_id=message_id,
            attempted_at=attempted_at,
            status_code=status_code,
            duration_ms=round((time.perf_counter() - started) * 1000),
            outcome=str(outcome),
            error=error,
        )
        async with self.sessionmaker() as db, db.begin():
            status = "pending" if outcome is Outcome.RETRY else str(outcome)
            if not await WebhookRepository(db).record_attempt(attempt, status=status):
                return Outcome.SKIPPED  # redelivered or deleted while this one was out
        return outcome

    async def _prepare(self, webhooks: WebhookRepository, message_id: str) -> _Send | Outcome:
        message = await webhooks.session.get(WebhookMessage, message_id)
        if message is None or message.status != "pending":
            return Outcome.SKIPPED
        endpoint = await webhooks.get(message.endpoint_id, secrets=True)
        if endpoint is None:
            return Outcome.SKIPPED
        if not endpoint.enabled:
            await webhooks.record_attempt(
                WebhookAttempt(
                    message_id=message.id,
                    attempted_at=utcnow(),
                    status_code=None,
                    duration_ms=0,
                    outcome=str(Outcome.DEAD),
                    error="endpoint disabled",
                ),
                status=str(Outcome.DEAD),
            )
            return Outcome.DEAD
        if await webhooks.waits_for_older(message):
            return Outcome.WAITING
        return _Send(message.id, endpoint.url, message.payload, list(self._secrets(endpoint)))

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
