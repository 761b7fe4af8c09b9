"""Which apps are told that a session ended, recorded in the transaction that ends it.

An app is told about a browser session at Aurum when it obtained a code in it and has a
`backchannel_logout_uri` (the authorization endpoint then records it in
`browser_session_clients`). Everything that ends sessions goes through the session store,
which calls `sessions_ended`; taking back a consent ends one app's sign-ins without ending
the browser session, and calls `client_signed_out`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.backchannel.notice import LogoutNotice
from aurum.backchannel.outbox import enqueue
from aurum.models.auth_session import AuthSession
from aurum.models.browser_session import BrowserSessionClient
from aurum.models.oauth_client import OAuthClient


def _notices() -> Select[str, uuid.UUID, uuid.UUID]:
    return (
        select(OAuthClient.client_id, AuthSession.user_id, AuthSession.id)
        .select_from(BrowserSessionClient)
        .join(AuthSession, AuthSession.id == BrowserSessionClient.session_id)
        .join(OAuthClient, OAuthClient.client_id == BrowserSessionClient.client_id)
        .where(OAuthClient.backchannel_logout_uri.is_not(None), OAuthClient.disabled.is_(False))
    )


async def _record(db: AsyncSession, query: Select[str, uuid.UUID, uuid.UUID]) -> None:
    rows = await db.execute(query)
    notices = [
        LogoutNotice(client_id, subject, session_id) for client_id, subject, session_id in rows
    ]
    if notices:
        enqueue(db, notices)


async def sessions_ended(db: AsyncSession, session_ids: Collection[uuid.UUID]) -> None:
    """Tell every app signed in through these (browser) sessions that they ended."""
    if session_ids:
        await _record(db, _notices().where(BrowserSessionClient.session_id.in_(session_ids)))


async def client_signed_out(db: AsyncSession, user_id: uuid.UUID, client_id: str) -> None:
    """Tell one app that its sign-ins of this person ended, in every live browser session
    it signed them in through (the sessions themselves go on)."""
    await _record(
        db,
        _notices().where(
            BrowserSessionClient.client_id == client_id,
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
        ),
    )
