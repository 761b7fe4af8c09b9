"""The back-channel logout job: one logout token posted to one app (docs/oidc.md).

Recorded in the transaction that ends the session, run by the job runner: retried with
back-off while the app cannot take it, dead at once when it refuses it (docs/jobs.md).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.backchannel.delivery import Outcome, post_logout_token
from aurum.backchannel.logout_tokens import LogoutTokens
from aurum.backchannel.notice import LogoutNotice
from aurum.config import Settings
from aurum.jobs.kinds import JobContext, JobKind, Payload, PermanentFailure, TemporaryFailure
from aurum.models.oauth_client import OAuthClient
from aurum.security.keys import KeyStore

BACKCHANNEL_LOGOUT = "oidc.backchannel_logout"


def logout_payload(notice: LogoutNotice) -> Payload:
    return {
        "client_id": notice.client_id,
        "subject": str(notice.subject),
        "session_id": str(notice.session_id),
    }


class LogoutJobs:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: LogoutTokens,
        settings: Settings,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.http = http
        self.tokens = tokens
        self.settings = settings

    @classmethod
    def build(
        cls, sessionmaker: async_sessionmaker[AsyncSession], keys: KeyStore, settings: Settings
    ) -> LogoutJobs:
        """Its own HTTP client: a short timeout (a slow app only delays its own retry), no
        redirect followed (not an answer, and the token must go nowhere else)."""
        http = httpx.AsyncClient(
            timeout=settings.backchannel_logout_timeout_seconds, follow_redirects=False
        )
        tokens = LogoutTokens(
            keys,
            issuer=settings.issuer,
            algorithm=settings.id_token_signing_algorithm,
            ttl=timedelta(seconds=settings.logout_token_expire_seconds),
        )
        return cls(sessionmaker, http, tokens, settings)

    async def aclose(self) -> None:
        await self.http.aclose()

    def kind(self) -> JobKind:
        return JobKind(
            BACKCHANNEL_LOGOUT,
            self.run,
            max_attempts=self.settings.backchannel_logout_max_attempts,
            retry_base=timedelta(seconds=self.settings.backchannel_logout_retry_base_seconds),
        )

    async def run(self, job: JobContext) -> None:
        client_id = str(job.payload["client_id"])
        uri, algorithm = await self._app(client_id) or (None, None)
        if uri is None:
            return  # the app was disabled, deleted, or removed its address since
        # A fresh token at every attempt: a late retry still carries a recent `iat`.
        token = await self.tokens.issue(
            client_id=client_id,
            subject=uuid.UUID(job.payload["subject"]),
            session_id=uuid.UUID(job.payload["session_id"]),
            algorithm=algorithm,
        )
        outcome, why = await post_logout_token(self.http, uri, token)
        if outcome is Outcome.REFUSED:
            raise PermanentFailure(why)
        if outcome is Outcome.RETRY:
            raise TemporaryFailure(why)

    async def _app(self, client_id: str) -> tuple[str | None, str | None] | None:
        """Its back-channel logout URI and ID-token algorithm, if it is enabled."""
        async with self.sessionmaker() as db:
            row = (
                await db.execute(
                    select(
                        OAuthClient.backchannel_logout_uri,
                        OAuthClient.id_token_signed_response_alg,
                    ).where(OAuthClient.client_id == client_id, OAuthClient.disabled.is_(False))
                )
            ).one_or_none()
        return None if row is None else (row[0], row[1])
