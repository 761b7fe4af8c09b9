"""The provider's introspection endpoint (RFC 7662), found through its discovery document."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import quote

import httpx

from aurum import __version__
from aurum.config import Settings
from aurum.sso.claims import same_issuer

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024  # an introspection answer or a discovery document
DISCOVERY_PATH = "/.well-known/openid-configuration"
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


class ProviderUnavailable(Exception):
    """No usable answer: the provider is down, slow, misconfigured or answers garbage."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient  # worth another try


def build_http_client(settings: Settings) -> httpx.AsyncClient:
    """One pooled client per process, built in the lifespan."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.sso_timeout_seconds),
        limits=httpx.Limits(
            max_connections=settings.sso_max_connections,
            max_keepalive_connections=settings.sso_max_connections,
            keepalive_expiry=30,
        ),
        headers={"User-Agent": f"aurum-identity/{__version__}", "Accept": "application/json"},
        follow_redirects=False,
    )


class IntrospectionClient:
    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        if not (settings.sso_issuer and settings.client_id and settings.client_secret):
            msg = "single sign-on needs SSO_ISSUER, CLIENT_ID and CLIENT_SECRET"
            raise ValueError(msg)
        self._http = http
        self._issuer = settings.sso_issuer
        self._client_id = settings.client_id
        self._client_secret = settings.client_secret
        self._post_credentials = settings.sso_client_auth_method == "client_secret_post"
        self._endpoint = settings.sso_introspection_endpoint
        self._discovery = asyncio.Lock()

    async def introspect(self, token: str) -> dict[str, Any]:
        """The provider's answer about the token; `{"active": false}` when it refuses it."""
        endpoint = await self.endpoint()
        data = {"token": token, "token_type_hint": "access_token"}
        auth: tuple[str, str] | None = None
        secret = self._client_secret.get_secret_value()
        if self._post_credentials:
            data |= {"client_id": self._client_id, "client_secret": secret}
        else:
            # RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
            auth = (quote(self._client_id, safe=""), quote(secret, safe=""))
        status, body = await self._send("POST", endpoint, data=data, auth=auth)
        if status == 400 and isinstance(body, dict) and body.get("error") not in CLIENT_ERRORS:
            # The provider refuses this token (malformed, unsupported): not an outage.
            return {"active": False}
        if status in {400, 401, 403}:
            logger.error("the SSO provider refused our client credentials (HTTP %d)", status)
            raise ProviderUnavailable("client_authentication")
        if status != 200:
            raise ProviderUnavailable(f"http_{status}", transient=status in TRANSIENT_STATUSES)
        if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
            raise ProviderUnavailable("malformed_response")
        return body

    async def endpoint(self) -> str:
        if self._endpoint is None:
            async with self._discovery:
                if self._endpoint is None:
                    self._endpoint = await self._discover()
        return self._endpoint

    async def _discover(self) -> str:
        url = self._issuer.rstrip("/") + DISCOVERY_PATH
        status, document = await self._send("GET", url)
        if status != 200:
            raise ProviderUnavailable(f"discovery_http_{status}", transient=status >= 500)
        if not isinstance(document, dict):
            raise ProviderUnavailable("discovery_malformed")
        issuer, endpoint = document.get("issuer"), document.get("introspection_endpoint")
        if not isinstance(issuer, str) or not same_issuer(issuer, self._issuer):
            logger.error("the SSO discovery document names another issuer: %r", issuer)
            raise ProviderUnavailable("discovery_issuer")
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            logger.error("the SSO discovery document has no introspection_endpoint")
            raise ProviderUnavailable("discovery_no_introspection")
        return endpoint

    async def _send(
        self,
        method: str,
        url: str,
        *,
        data: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> tuple[int, object]:
        """Status and parsed JSON body (None when it is not JSON); never a huge read."""
        try:
            async with self._http.stream(method, url, data=data, auth=auth) as response:
                raw = bytearray()
                async for chunk in response.aiter_bytes():
                    raw += chunk
                    if len(raw) > MAX_RESPONSE_BYTES:
                        raise ProviderUnavailable("response_too_large")
        except httpx.TimeoutException as exc:
            raise ProviderUnavailable("timeout", transient=True) from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(type(exc).__name__, transient=True) from exc
        try:
            body: object = json.loads(raw)
        except ValueError:
            body = None
        return response.status_code, body
