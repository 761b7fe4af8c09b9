"""Registering and managing OAuth clients (admins). Never commits."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from aurum.audit.events import AuditEventType
from aurum.audit.service import AuditLog
from aurum.db.base import utcnow
from aurum.keys.chains import KeyChains
from aurum.models.oauth_client import OAuthClient
from aurum.models.user import User
from aurum.oauth.errors import ClientNotFound, InvalidClientMetadata
from aurum.oauth.repository import ClientRepository
from aurum.oauth.schemas import PUBLIC_CLIENT, ClientCreate, ClientUpdate
from aurum.pagination import decode_cursor, encode_cursor
from aurum.security.opaque_tokens import new_token, token_digest


def _check_rules(client: OAuthClient) -> None:
    grants = set(client.grant_types)
    if "password" in grants and not client.first_party:
        raise InvalidClientMetadata
    # Codes go only to registered redirect URIs; user scopes only through codes.
    if "authorization_code" in grants and not client.redirect_uris:
        raise InvalidClientMetadata
    # A public client has no secret: it can only sign people in, with PKCE.
    if client.token_endpoint_auth_method == PUBLIC_CLIENT and grants - {
        "authorization_code",
        "refresh_token",
    }:
        raise InvalidClientMetadata


def _described(client: OAuthClient) -> dict[str, str | bool]:
    """What the audit log keeps of a client: never its secret."""
    described: dict[str, str | bool] = {
        "client_id": client.client_id,
        "name": client.name,
        "grant_types": ",".join(client.grant_types),
        "scopes": ",".join(client.scopes),
        "first_party": client.first_party,
        "disabled": client.disabled,
    }
    if client.id_token_signed_response_alg is not None:
        described["id_signing_alg"] = client.id_token_signed_response_alg
    return described


class ClientService:
    """Every change is an admin action, recorded with the admin as its actor."""

    def __init__(self, clients: ClientRepository, audit: AuditLog, chains: KeyChains) -> None:
        self.clients = clients
        self.audit = audit
        self.chains = chains  # a client's ID-token algorithm gets its key chain at once

    async def create(
        self, data: ClientCreate, *, actor: User | None
    ) -> tuple[OAuthClient, str | None]:
        """A new client and its secret, which is returned here once and stored hashed (a
        public client has none: its stored hash matches no secret). No actor: the
        operator, at the command line."""
        public = data.token_endpoint_auth_method == PUBLIC_CLIENT
        secret = None if public else new_token()
        client = OAuthClient(
            client_id=secrets.token_urlsafe(18),
            secret_hash="" if secret is None else token_digest(secret),
            name=data.name,
            grant_types=data.grant_types,
            scopes=data.scopes,
            first_party=data.first_party,
            disabled=False,
            redirect_uris=data.redirect_uris,
            post_logout_redirect_uris=data.post_logout_redirect_uris,
            token_endpoint_auth_method=data.token_endpoint_auth_method,
            backchannel_logout_uri=data.backchannel_logout_uri,
            id_token_signed_response_alg=data.id_token_signed_response_alg,
        )
        _check_rules(client)
        await self._start_chain(client)
        added = await self.clients.add(client)
        await self.audit.record(
            AuditEventType.OAUTH_CLIENT_CREATED,
            actor_id=actor.id if actor else None,
            details=_described(added),
        )
        return added, secret

    async def list_page(self, *, limit: int, offset: int) -> list[OAuthClient]:
        return await self.clients.list_page(limit=limit, offset=offset)

    async def list_after(
        self, *, limit: int, cursor: str | None
    ) -> tuple[list[OAuthClient], str | None]:
        """Oldest first, from `cursor` on; and the cursor of the next page, if any."""
        after = decode_cursor(cursor, (datetime, uuid.UUID)) if cursor else None
        page = await self.clients.list_page(limit=limit + 1, after=after)
        if len(page) <= limit:
            return page, None
        last = page[limit - 1]
        return page[:limit], encode_cursor((last.created_at, last.id))

    async def get(self, client_id: str) -> OAuthClient:
        client = await self.clients.get(client_id)
        if client is None:
            raise ClientNotFound
        return client

    async def update(self, client_id: str, data: ClientUpdate, *, actor: User) -> OAuthClient:
        """Disabling a client ends its sign-ins; its service tokens stop being accepted."""
        client = await self.get(client_id)
        was_disabled = client.disabled
        changed = sorted(
            field
            for field, value in data.model_dump(exclude_unset=True).items()
            if value is not None and getattr(client, field) != value
        )
        for field in changed:
            setattr(client, field, getattr(data, field))
        client.backchannel_logout_uri = client.backchannel_logout_uri or None
        client.id_token_signed_response_alg = client.id_token_signed_response_alg or None
        _check_rules(client)
        await self._start_chain(client)
        client.updated_at = utcnow()
        if client.disabled and not was_disabled:
            await self.clients.revoke_sessions(client.client_id, "client_disabled")
        await self.clients.session.flush()
        if changed:
            details = {**_described(client), "fields": ",".join(changed)}
            await self.audit.record(
                AuditEventType.OAUTH_CLIENT_UPDATED, actor_id=actor.id, details=details
            )
        return client

    async def _start_chain(self, client: OAuthClient) -> None:
        if client.id_token_signed_response_alg is not None:
            await self.chains.start(client.id_token_signed_response_alg)

    async def new_secret(self, client_id: str, *, actor: User) -> tuple[OAuthClient, str]:
        """Replace the secret; the old one stops working at once, issued tokens do not."""
        client = await self.get(client_id)
        if client.token_endpoint_auth_method == PUBLIC_CLIENT:
            raise InvalidClientMetadata  # a public client has no secret to replace
        secret = new_token()
        client.secret_hash = token_digest(secret)
        client.updated_at = utcnow()
        await self.clients.session.flush()
        await self.audit.record(
            AuditEventType.OAUTH_CLIENT_SECRET_ROTATED,
            actor_id=actor.id,
            details={"client_id": client.client_id, "name": client.name},
        )
        return client, secret

    async def delete(self, client_id: str, *, actor: User) -> None:
        """Its sessions and revocation records go with it (foreign keys cascade)."""
        client = await self.get(client_id)
        details = _described(client)
        await self.clients.delete(client)
        await self.audit.record(
            AuditEventType.OAUTH_CLIENT_DELETED, actor_id=actor.id, details=details
        )
