"""Helpers for token-service tests: registering clients and getting their tokens."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote_plus

import httpx
import jwt
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from aurum.models.signing_key import SigningKey
from tests.conftest import Accounts

CLIENTS = "/api/v1/oauth/clients"
TOKEN = "/api/v1/oauth/token"
INTROSPECT = "/api/v1/oauth/introspect"
REVOKE = "/api/v1/oauth/revoke"
ME = "/api/v1/users/me"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """RFC 6749 §2.3.1: form-encode each part, then HTTP Basic."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": f"Basic {base64.b64encode(raw).decode()}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unverified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


class OAuthClients:
    """Registers clients through the admin API and uses them at the OAuth endpoints."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.http = accounts.client
        self._admin: dict[str, str] | None = None

    async def admin(self) -> dict[str, str]:
        if self._admin is None:
            self._admin = await self.accounts.admin("clientadmin")
        return self._admin

    async def register(
        self,
        name: str = "billing",
        *,
        grant_types: list[str] | None = None,
        scopes: list[str] | None = None,
        first_party: bool = False,
    ) -> dict[str, Any]:
        body = {
            "name": name,
            "grant_types": grant_types or ["client_credentials"],
            "scopes": scopes or [],
            "first_party": first_party,
        }
        response = await self.http.post(CLIENTS, json=body, headers=await self.admin())
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def first_party(self, name: str = "web") -> dict[str, Any]:
        return await self.register(
            name, grant_types=["password", "refresh_token"], first_party=True
        )

    def auth(self, client: dict[str, Any]) -> dict[str, str]:
        return basic(client["client_id"], client["client_secret"])

    async def token(self, client: dict[str, Any], **form: str) -> httpx.Response:
        return await self.http.post(
            TOKEN, data={"grant_type": "client_credentials", **form}, headers=self.auth(client)
        )

    async def service_token(self, client: dict[str, Any], **form: str) -> str:
        response = await self.token(client, **form)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def password_grant(
        self, client: dict[str, Any], username: str, password: str, **form: str
    ) -> dict[str, Any]:
        response = await self.http.post(
            TOKEN,
            data={"grant_type": "password", "username": username, "password": password, **form},
            headers=self.auth(client),
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def introspect(self, client: dict[str, Any], token: str) -> dict[str, Any]:
        response = await self.http.post(
            INTROSPECT, data={"token": token}, headers=self.auth(client)
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def revoke(self, client: dict[str, Any], token: str) -> httpx.Response:
        return await self.http.post(REVOKE, data={"token": token}, headers=self.auth(client))


@asynccontextmanager
async def signing_keys_restored(database_url: str) -> AsyncIterator[None]:
    """Signing keys outlive tests (KEPT_TABLES): undo a test's rotations and retirements."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            columns = (SigningKey.kid, SigningKey.superseded_at, SigningKey.retired_at)
            before = (await connection.execute(select(*columns))).all()
        yield
        async with engine.begin() as connection:
            kept = [row.kid for row in before]
            await connection.execute(delete(SigningKey).where(SigningKey.kid.not_in(kept)))
            for row in before:
                await connection.execute(
                    update(SigningKey)
                    .where(SigningKey.kid == row.kid)
                    .values(superseded_at=row.superseded_at, retired_at=row.retired_at)
                )
    finally:
        await engine.dispose()
