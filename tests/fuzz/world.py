"""A populated service for the fuzzer, and the credentials it sends.

An admin, a user who owns a company (with a pending invitation), and a first-party OAuth
client, all made through the public API, so that generated requests can reach past the
authentication and lookup steps. Credentials the fuzzer spends (a session it ended, a
refresh token it rotated, an account it renamed or disabled) are replaced before the next
request, so one case does not blind the rest of the run.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx

from aurum.bootstrap import create_admin
from tests.conftest import PASSWORD, Accounts

API = "/api/v1"
# The three RFC endpoints (and the seed's introspection path) authenticate OAuth clients
# (HTTP Basic), not users.
CLIENT_AUTH_OPERATIONS = frozenset(
    {
        f"POST {API}/oauth/token",
        f"POST {API}/oauth/introspect",
        "POST /oauth/v2/introspect",
        f"POST {API}/oauth/revoke",
    }
)
# The seed's refresh endpoint takes the refresh token as its bearer token.
REFRESH_OPERATIONS = frozenset({f"POST {API}/refresh-token"})
# Who sends the request: nobody, someone with a made-up credential, a user, an admin.
ROLES = ("user", "admin", "anonymous", "forged")


@dataclass
class Identity:
    username: str
    admin: bool
    id: str = ""
    access_token: str = ""
    refresh_token: str = ""
    session_id: str = ""
    stale: bool = True


@dataclass
class World:
    client: httpx.AsyncClient
    accounts: Accounts
    user: Identity = field(default_factory=lambda: Identity("fuzzuser", admin=False))
    admin: Identity = field(default_factory=lambda: Identity("fuzzadmin", admin=True))
    company_slug: str = ""
    company_id: str = ""
    invitation_id: str = ""
    client_id: str = ""
    client_secret: str = ""
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(2))

    async def populate(self) -> None:
        await self.accounts.register(self.user.username)
        await create_admin(
            self.accounts.state.sessionmaker,
            self.accounts.state.passwords,
            self.accounts.state.settings,
            username=self.admin.username,
            email=f"{self.admin.username}@example.com",
            password=PASSWORD,
        )
        user, admin = await self.bearer(self.user), await self.bearer(self.admin)
        company = await self._created(
            f"{API}/companies", {"name": "Fuzz Ñandú", "kind": "real_nacional"}, user
        )
        self.company_slug, self.company_id = company["slug"], company["id"]
        invitation = await self._created(
            f"{API}/companies/{self.company_slug}/invitations",
            {"email": "guest@example.com", "role": "editor"},
            user,
        )
        self.invitation_id = invitation["id"]
        oauth_client = await self._created(
            f"{API}/oauth/clients",
            {
                "name": "fuzz",
                "grant_types": ["client_credentials", "password", "refresh_token"],
                "scopes": ["sessions:read", "sessions:write", "xp:write"],
                "first_party": True,
            },
            admin,
        )
        self.client_id = oauth_client["client_id"]
        self.client_secret = oauth_client["client_secret"]

    async def _created(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def known_path_parameters(self) -> dict[str, list[Any]]:
        """Values of path parameters that name something that exists."""
        return {
            "username": [self.user.username, self.admin.username],
            "company": [self.company_slug, self.company_id],
            "invitation_id": [self.invitation_id],
            "client_id": [self.client_id],
            "session_id": [self.user.session_id],
            "entry_id": [1, 2],
            "code": ["17", "1701", "SIERRA"],
        }

    def known_body_fields(self) -> dict[str, list[Any]]:
        """Values of body fields that get a request past the first check."""
        user = self.user.username
        return {
            "password": [PASSWORD],
            "old_password": [PASSWORD],
            "username": [user, self.admin.username, f"{user}@example.com"],
            "email": [f"{user}@example.com", "guest@example.com"],
            "grant_type": ["password", "client_credentials", "refresh_token"],
            "scope": ["sessions:read", "sessions:write xp:write"],
            "refresh_token": [self.user.refresh_token],
            "token": [self.user.access_token, self.user.refresh_token],
            "region_id": [1, 2],
            "province_id": [1, 17],
            "city_id": [1, 100],
        }

    async def credentials(self, role: str, operation: str, forged: str) -> dict[str, str]:
        """The Authorization header `role` sends to `operation` (none for anonymous)."""
        if role == "anonymous":
            return {}
        if role == "forged":
            return {"Authorization": forged}
        if operation in CLIENT_AUTH_OPERATIONS:
            pair = f"{self.client_id}:{self.client_secret}".encode()
            return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        identity = self.admin if role == "admin" else self.user
        headers = await self.bearer(identity)
        if operation in REFRESH_OPERATIONS:
            return {"Authorization": f"Bearer {identity.refresh_token}"}
        return headers

    async def bearer(self, identity: Identity) -> dict[str, str]:
        if identity.stale:
            await self._sign_in(identity)
        return {"Authorization": f"Bearer {identity.access_token}"}

    def observe(self, role: str, operation: str, response: httpx.Response) -> None:
        """Note what a response did to the accounts and credentials the world uses."""
        if response.is_success and response.headers.get("content-type") == "application/json":
            body = response.json()
            for identity in (self.user, self.admin):
                if isinstance(body, dict) and body.get("id") == identity.id:
                    identity.username = body.get("username", identity.username)
        if role not in {"user", "admin"} or operation in CLIENT_AUTH_OPERATIONS:
            return
        identity = self.admin if role == "admin" else self.user
        if operation in REFRESH_OPERATIONS and response.status_code == 200:
            identity.refresh_token = response.json()["refresh_token"]
        # Signed out, disabled or deleted (401), or no longer an admin (403): start again.
        if response.status_code == 401 or (identity.admin and response.status_code == 403):
            identity.stale = True

    async def _sign_in(self, identity: Identity) -> None:
        profile = None
        tokens = await self._token(identity.username)
        if tokens is not None:
            profile = await self._profile(tokens)
        if profile is None or (profile["role"] == "admin") != identity.admin:
            # The fuzzer took the account away (or its role): carry on with a new one.
            identity.username = f"{identity.username.rstrip('0123456789')}{next(self._names)}"
            if identity.admin:
                await create_admin(
                    self.accounts.state.sessionmaker,
                    self.accounts.state.passwords,
                    self.accounts.state.settings,
                    username=identity.username,
                    email=f"{identity.username}@example.com",
                    password=PASSWORD,
                )
            else:
                await self.accounts.register(identity.username)
            tokens = await self._token(identity.username)
            assert tokens is not None
            profile = await self._profile(tokens)
        assert tokens is not None
        assert profile is not None
        identity.id = profile["id"]
        identity.access_token = tokens["access_token"]
        identity.refresh_token = tokens["refresh_token"]
        sessions = await self.client.get(
            f"{API}/users/me/sessions",
            headers={"Authorization": f"Bearer {identity.access_token}"},
        )
        identity.session_id = next(
            item["id"] for item in sessions.json()["items"] if item["current"]
        )
        identity.stale = False

    async def _token(self, username: str) -> dict[str, Any] | None:
        response = await self.client.post(
            f"{API}/token", data={"username": username, "password": PASSWORD}
        )
        if response.status_code != 200:
            return None
        result: dict[str, Any] = response.json()
        return result

    async def _profile(self, tokens: dict[str, Any]) -> dict[str, Any] | None:
        response = await self.client.get(
            f"{API}/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        if response.status_code != 200:
            return None
        result: dict[str, Any] = response.json()
        return result
