"""Signing in at Aurum's own pages: the browser session, its cookie, and who is behind one.

The cookie holds 256 random bits; the database keeps their SHA-256. Every sign-in makes a
new one (no session fixation), and signing out, or anything that ends the user's sessions,
ends it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.auth.browser_repository import BrowserCookieReads, BrowserSessionRepository
from aurum.callers.principals import BrowserPrincipal
from aurum.client_info import ClientInfo
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.events.publish import publish
from aurum.events.types import EventType
from aurum.models.auth_session import AuthSession
from aurum.models.user import User
from aurum.security.opaque_tokens import new_token, token_digest
from aurum.session_store.repository import SessionRepository

# RFC 8176 methods, by the second factor that completed the sign-in.
AMR = {None: ("pwd",), "totp": ("pwd", "otp", "mfa"), "recovery_code": ("pwd", "mfa")}


def cookie_name(settings: Settings) -> str:
    """`__Host-` where the cookie is Secure: the browser then holds it to this host and
    path `/` only, so no subdomain can set or shadow it."""
    return "__Host-aurum_session" if settings.secure_cookies else "aurum_session"


class BrowserCookies:
    """The authenticator of pages: the person a browser session's cookie belongs to."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.reads = BrowserCookieReads(engine)
        self.cookie_name = cookie_name(settings)

    async def authenticate(self, cookie: str) -> BrowserPrincipal | None:
        live = await self.reads.live(token_digest(cookie))
        if live is None or live.user.disabled:
            return None
        return BrowserPrincipal(
            user=live.user,
            session_id=live.session_id,
            auth_time=live.auth_time,
            amr=tuple(live.amr),
        )


class BrowserSignIn:
    """Opens and ends browser sessions, in the request's transaction."""

    def __init__(
        self,
        browser: BrowserSessionRepository,
        sessions: SessionRepository,
        audit: AuditLog,
        settings: Settings,
    ) -> None:
        self.browser = browser
        self.sessions = sessions
        self.audit = audit
        self.settings = settings

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.settings.browser_session_hours)

    async def open(
        self,
        user: User,
        client: ClientInfo,
        *,
        second_factor: str | None = None,
        replacing: BrowserPrincipal | None = None,
    ) -> str:
        """A new session for `user` (recorded as `sign_in.succeeded`); the cookie's value.
        The session this browser had before (`replacing`), if any, ends."""
        if replacing is not None:
            await self.close(replacing)
        cookie = new_token()
        now = utcnow()
        auth_session = AuthSession(
            id=uuid.uuid4(),
            user_id=user.id,
            created_at=now,
            last_used_at=now,
            expires_at=now + self.lifetime,
            user_agent=(client.user_agent or "")[:512] or None,
            ip_address=client.ip_address,
        )
        await self.browser.open(auth_session, token_digest(cookie), list(AMR[second_factor]))
        details: dict[str, str | bool] = {"session_id": str(auth_session.id), "browser": True}
        if second_factor is not None:
            details["second_factor"] = second_factor
        await self.audit.record(
            AuditEventType.SIGN_IN_SUCCEEDED, actor_id=user.id, subject_id=user.id, details=details
        )
        return cookie

    async def close(self, principal: BrowserPrincipal) -> None:
        """Sign out: the session ends (recorded as `session.revoked`, reason `logout`)."""
        user_id = principal.user.id
        if await self.sessions.revoke(principal.session_id, "logout"):
            await self.audit.record(
                AuditEventType.SESSION_REVOKED,
                actor_id=user_id,
                subject_id=user_id,
                details={"session_id": str(principal.session_id), "reason": "logout"},
            )
            await publish(
                self.sessions.session,
                EventType.SESSION_REVOKED,
                user_id=user_id,
                session_id=principal.session_id,
                reason="logout",
            )
