"""Client authentication (RFC 6749 §2.3.1): HTTP Basic or the form's client_id/secret."""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass
from typing import Protocol, TypeVar
from urllib.parse import unquote_plus

from aurum.logs.context import identify_caller
from aurum.models.oauth_client import OAuthClient
from aurum.oauth.errors import InvalidClient, InvalidRequest
from aurum.oauth.repository import ClientRepository
from aurum.oauth.schemas import PUBLIC_CLIENT
from aurum.security.opaque_tokens import token_digest


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    client_id: str
    client_secret: str | None  # None: a public client naming itself (token endpoint only)


def _from_basic(credentials: str) -> ClientCredentials:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except ValueError as exc:  # not base64 (binascii.Error), not ASCII, not UTF-8
        raise InvalidClient from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id or not secret:
        raise InvalidClient
    # The id and secret are form-encoded before they are put in the header.
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if "\x00" in client_id + secret:
        raise InvalidClient  # no client has one, and the database cannot look it up
    return ClientCredentials(client_id, secret)


def read_client_credentials(
    authorization: str | None,
    client_id: str | None,
    client_secret: str | None,
    *,
    public: bool = False,
) -> ClientCredentials:
    """One method per request (RFC 6749 §2.3); none at all is invalid_client. With
    `public`, a `client_id` alone is a public client naming itself (RFC 6749 §3.2.1)."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    basic = scheme.lower() == "basic"
    if basic and (client_id or client_secret):
        raise InvalidRequest
    if basic:
        return _from_basic(value.strip())
    if client_id and client_secret:
        return ClientCredentials(client_id, client_secret)
    if client_id and public:
        return ClientCredentials(client_id, None)
    raise InvalidClient


class ClientSecret(Protocol):
    """A client as authentication sees it (a row of its own on the hot paths)."""

    @property
    def secret_hash(self) -> str: ...

    @property
    def disabled(self) -> bool: ...


C = TypeVar("C", bound=ClientSecret)


def secret_matches(client: ClientSecret | None, secret: str) -> bool:
    """Constant-time, and the same work whether or not the client exists."""
    digest = token_digest(secret)
    expected = client.secret_hash if client is not None else "0" * len(digest)
    return hmac.compare_digest(digest, expected) and client is not None


def check_client(client: C | None, credentials: ClientCredentials) -> C:
    if credentials.client_secret is None:
        raise InvalidClient
    valid = secret_matches(client, credentials.client_secret)
    if client is None or not valid or client.disabled:
        raise InvalidClient
    return client


async def authenticate_client(
    clients: ClientRepository, credentials: ClientCredentials
) -> OAuthClient:
    client = await clients.get(credentials.client_id)
    if credentials.client_secret is not None:
        client = check_client(client, credentials)
    # A public client: nothing to check but that it is one (PKCE binds its codes).
    elif client is None or client.disabled or client.token_endpoint_auth_method != PUBLIC_CLIENT:
        raise InvalidClient
    identify_caller(client_id=credentials.client_id)
    return client
