"""Where a hosted page's form may lead: the origin of a redirect URI an app registered.

A sign-in started by an app ends, after its redirects, at the app's redirect URI, and
browsers check that last stop against the page's `form-action` too. The sign-in page is
opened with the authorization request in its `next` link, which anyone can write: only a
redirect URI the named app registered may widen the page's `form-action`.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.oauth.redirect_uris import is_registered
from aurum.oauth.repository import ClientRepository
from aurum.web.pages import origin_of


class RegisteredAppOrigins:
    def __init__(self, read_sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.read_sessionmaker = read_sessionmaker

    async def __call__(self, client_id: str, redirect_uri: str) -> str | None:
        """The origin of `redirect_uri` if the app `client_id` may sign people in to it."""
        async with self.read_sessionmaker() as db:
            client = await ClientRepository(db).get(client_id)
        if client is None or client.disabled or "authorization_code" not in client.grant_types:
            return None
        if not is_registered(redirect_uri, client.redirect_uris):
            return None
        return origin_of(redirect_uri)
