"""SQL of the authorization endpoint: codes and remembered consents."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.backchannel.notices import client_signed_out
from aurum.db.base import utcnow
from aurum.models.auth_session import AuthSession
from aurum.models.authorization import AuthorizationCode, Consent
from aurum.models.browser_session import BrowserSessionClient
from aurum.models.oauth_client import OAuthClient


class AuthorizationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_code(self, code: AuthorizationCode) -> None:
        self.session.add(code)
        await self.session.flush()

    async def remember_signed_in_client(self, session_id: uuid.UUID, client_id: str) -> None:
        """The app signed the person in through this browser session (once is enough)."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(BrowserSessionClient)
            .values(session_id=session_id, client_id=client_id, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["session_id", "client_id"])
        )

    async def get_code(self, code_hash: str) -> AuthorizationCode | None:
        return await self.session.get(AuthorizationCode, code_hash)

    async def claim_code(self, code_hash: str, now: datetime, session_id: uuid.UUID) -> bool:
        """Mark the code used by the session its tokens will belong to; False if it already
        was (two exchanges racing: one wins)."""
        result = await self.session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.code_hash == code_hash, AuthorizationCode.used_at.is_(None))
            .values(used_at=now, issued_session_id=session_id)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def consent(self, user_id: uuid.UUID, client_id: str) -> Consent | None:
        return await self.session.scalar(
            select(Consent).where(Consent.user_id == user_id, Consent.client_id == client_id)
        )

    async def remember_consent(self, user_id: uuid.UUID, client_id: str, scope: str) -> None:
        found = await self.consent(user_id, client_id)
        if found is None:
            self.session.add(Consent(user_id=user_id, client_id=client_id, scope=scope))
        else:
            found.scope = scope
            found.granted_at = utcnow()
        await self.session.flush()

    async def consents(self, user_id: uuid.UUID) -> list[tuple[Consent, str]]:
        """The person's consents with each app's name, most recent first."""
        rows = await self.session.execute(
            select(Consent, OAuthClient.name)
            .join(OAuthClient, OAuthClient.client_id == Consent.client_id)
            .where(Consent.user_id == user_id)
            .order_by(Consent.granted_at.desc(), Consent.client_id)
        )
        return [(row[0], row[1]) for row in rows]

    async def forget_consent(self, user_id: uuid.UUID, client_id: str) -> bool:
        """Forget the consent and end the app's sessions of this person (and tell it)."""
        result = await self.session.execute(
            delete(Consent).where(Consent.user_id == user_id, Consent.client_id == client_id)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        await client_signed_out(self.session, user_id, client_id)
        await self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.client_id == client_id,
                AuthSession.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow(), revoked_reason="consent_revoked")
            .execution_options(synchronize_session=False)
        )
        return True
