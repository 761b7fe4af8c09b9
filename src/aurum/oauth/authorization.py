"""The authorization endpoint (RFC 6749 §4.1, OpenID Connect Core §3.1.2).

An app sends the person's browser here; once they are signed in at Aurum (and, for a
third-party app, have allowed it), the browser goes back to the app's registered redirect
URI with a code the app exchanges at the token endpoint. Only `response_type=code`, and
PKCE with S256 for every client (RFC 9700 §2.1.1).

Two kinds of error: before the client and its redirect URI are known to be genuine, the
person gets an error page (a redirect could send them anywhere); after, the error goes
back to the app (RFC 6749 §4.1.2.1), with the `iss` parameter (RFC 9207).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from aurum.callers.principals import BrowserPrincipal
from aurum.db.base import utcnow
from aurum.errors import AppError
from aurum.models.authorization import AuthorizationCode
from aurum.models.oauth_client import OAuthClient
from aurum.oauth.authorization_repository import AuthorizationRepository
from aurum.oauth.redirect_uris import is_registered
from aurum.oauth.repository import ClientRepository
from aurum.oauth.scopes import USER_SCOPES, format_scope, parse_scope
from aurum.security.opaque_tokens import new_token, token_digest

CODE_LIFETIME = timedelta(seconds=60)
PROMPTS = frozenset({"none", "login", "consent"})
# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters.
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")

Param = str | None


class AuthorizationParams(BaseModel):
    """The request as sent (query or form); checked by `AuthorizationService.check`."""

    client_id: Param = Field(default=None, max_length=128)
    redirect_uri: Param = Field(default=None, max_length=2048)
    response_type: Param = Field(default=None, max_length=64)
    scope: Param = Field(default=None, max_length=1024)
    state: Param = Field(default=None, max_length=1024)
    nonce: Param = Field(default=None, max_length=512)
    code_challenge: Param = Field(default=None, max_length=128)
    code_challenge_method: Param = Field(default=None, max_length=16)
    prompt: Param = Field(default=None, max_length=64)
    max_age: Param = Field(default=None, max_length=10)
    login_hint: Param = Field(default=None, max_length=254)
    ui_locales: Param = Field(default=None, max_length=64)

    def query(self, **changes: str | None) -> str:
        """These parameters again, as a query string (to come back here after a page)."""
        values = {**self.model_dump(exclude_none=True), **changes}
        return urlencode({name: value for name, value in values.items() if value is not None})


class UnknownClient(AppError):
    status_code = 400
    code = "unknown_client"
    message = "The app that sent you here is not registered, or cannot sign people in."
    message_es = "La aplicación que te envió aquí no está registrada o no puede iniciar sesión."


class UnregisteredRedirect(AppError):
    status_code = 400
    code = "invalid_redirect_uri"
    message = "The app asked to send you back to an address it has not registered."
    message_es = "La aplicación pidió devolverte a una dirección que no tiene registrada."


class AuthorizationError(Exception):
    """An error to send back to the app (RFC 6749 §4.1.2.1), at its checked redirect URI."""

    def __init__(self, code: str, description: str, redirect_uri: str, state: str | None) -> None:
        super().__init__(code)
        self.code = code
        self.description = description
        self.redirect_uri = redirect_uri
        self.state = state

    def answer(self, issuer: str) -> str:
        query = {"error": self.code, "error_description": self.description}
        return with_query(self.redirect_uri, query, self.state, issuer)


def with_query(uri: str, values: dict[str, str], state: str | None, issuer: str) -> str:
    """`uri` with `values`, the state and the issuer (RFC 9207) added to its query."""
    query = {**values, **({"state": state} if state else {}), "iss": issuer}
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode(query)}"


@dataclass(frozen=True, slots=True)
class Authorization:
    """A checked request: who asks, for what, and where the answer goes."""

    client: OAuthClient
    redirect_uri: str
    scope: frozenset[str]
    state: str | None
    nonce: str | None
    code_challenge: str
    prompt: frozenset[str]
    max_age: int | None
    params: AuthorizationParams

    def answer(self, issuer: str, **values: str) -> str:
        """The redirect URI with `values`, the state and the issuer (RFC 9207)."""
        return with_query(self.redirect_uri, values, self.state, issuer)

    @property
    def scopes_in_words(self) -> list[tuple[str, str]]:
        return [words for name, words in USER_SCOPES.items() if name in self.scope]


class AuthorizationService:
    def __init__(self, clients: ClientRepository, grants: AuthorizationRepository) -> None:
        self.clients = clients
        self.grants = grants

    async def check(self, params: AuthorizationParams) -> Authorization:
        client = await self.clients.get(params.client_id) if params.client_id else None
        if client is None or client.disabled or "authorization_code" not in client.grant_types:
            raise UnknownClient
        if params.redirect_uri is None or not is_registered(
            params.redirect_uri, client.redirect_uris
        ):
            raise UnregisteredRedirect
        # From here on the redirect URI is the app's own: errors go back to it.
        redirect_uri = params.redirect_uri

        def error(code: str, description: str) -> AuthorizationError:
            return AuthorizationError(code, description, redirect_uri, params.state)

        if params.response_type != "code":
            raise error("unsupported_response_type", "Only response_type=code.")
        scope = parse_scope(params.scope)
        if scope is None or not scope or not scope <= frozenset(client.scopes) & USER_SCOPES.keys():
            raise error("invalid_scope", "A scope this client may not ask for.")
        if params.code_challenge_method != "S256" or not _CHALLENGE.match(
            params.code_challenge or ""
        ):
            raise error("invalid_request", "PKCE with S256 is required.")
        prompt = frozenset((params.prompt or "").split())
        if not prompt <= PROMPTS or ("none" in prompt and len(prompt) > 1):
            raise error("invalid_request", "Unknown or contradictory prompt.")
        max_age = None
        if params.max_age is not None:
            if not params.max_age.isdigit():
                raise error("invalid_request", "max_age is a number of seconds.")
            max_age = int(params.max_age)
        return Authorization(
            client=client,
            redirect_uri=redirect_uri,
            scope=scope,
            state=params.state,
            nonce=params.nonce,
            code_challenge=params.code_challenge or "",
            prompt=prompt,
            max_age=max_age,
            params=params,
        )

    @staticmethod
    def must_sign_in(request: Authorization, person: BrowserPrincipal | None) -> bool:
        """No session, a session older than max_age, or the app asks for a fresh sign-in."""
        if person is None:
            return True
        if "login" in request.prompt:
            return True
        age = (utcnow() - person.auth_time).total_seconds()
        return request.max_age is not None and age > request.max_age

    async def must_consent(self, request: Authorization, person: BrowserPrincipal) -> bool:
        """Third-party apps ask once for what they want; first-party apps never ask."""
        if request.client.first_party:
            return False
        if "consent" in request.prompt:
            return True
        found = await self.grants.consent(person.user.id, request.client.client_id)
        return found is None or not request.scope <= (parse_scope(found.scope) or frozenset())

    async def allow(self, request: Authorization, person: BrowserPrincipal) -> None:
        """Remember that the person allowed this app these scopes (and what it had)."""
        found = await self.grants.consent(person.user.id, request.client.client_id)
        earlier = parse_scope(found.scope) if found else None
        scope = format_scope(request.scope | (earlier or frozenset()))
        await self.grants.remember_consent(person.user.id, request.client.client_id, scope)

    async def issue_code(self, request: Authorization, person: BrowserPrincipal) -> str:
        code = new_token()
        now = utcnow()
        await self.grants.add_code(
            AuthorizationCode(
                code_hash=token_digest(code),
                client_id=request.client.client_id,
                browser_session_id=person.session_id,
                redirect_uri=request.redirect_uri,
                scope=format_scope(request.scope),
                nonce=request.nonce,
                code_challenge=request.code_challenge,
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )
        return code
