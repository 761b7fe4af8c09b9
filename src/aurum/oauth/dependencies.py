from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from aurum.app_state import AppStateDep, app_state
from aurum.audit.dependencies import AuditLogDep
from aurum.auth.browser_repository import BrowserSessionRepository
from aurum.auth.dependencies import AuthServiceDep, TokenRotationDep
from aurum.db.session import SessionDep
from aurum.keys.chains import KeyChains
from aurum.keys.repository import SigningKeyRepository
from aurum.oauth.authorization_repository import AuthorizationRepository
from aurum.oauth.client_auth import ClientCredentials, read_client_credentials
from aurum.oauth.clients import ClientService
from aurum.oauth.code_grant import CodeExchange
from aurum.oauth.form import oauth_form, read_oauth_form
from aurum.oauth.grants import GrantService
from aurum.oauth.introspection import TokenIntrospection, TokenRevocation
from aurum.oauth.repository import ClientRepository, IntrospectionReads
from aurum.oauth.schemas import TokenRequest, TokenTypeHintRequest
from aurum.session_store.repository import SessionRepository

TokenForm = Annotated[TokenRequest, Depends(oauth_form(TokenRequest))]


async def get_client_service(
    db: SessionDep, audit: AuditLogDep, state: AppStateDep
) -> ClientService:
    chains = KeyChains(SigningKeyRepository(db), state.keys.maker)
    return ClientService(ClientRepository(db), audit, chains)


async def get_grant_service(
    db: SessionDep, state: AppStateDep, auth: AuthServiceDep, rotation: TokenRotationDep
) -> GrantService:
    codes = CodeExchange(
        AuthorizationRepository(db),
        BrowserSessionRepository(db),
        SessionRepository(db),
        auth,
        state.id_tokens,
    )
    return GrantService(
        ClientRepository(db), SessionRepository(db), auth, rotation, state.access_tokens, codes
    )


async def get_token_introspection(request: Request) -> TokenIntrospection:
    state = app_state(request)
    return TokenIntrospection(
        IntrospectionReads(state.read_engine),
        state.read_sessionmaker,
        state.access_tokens,
        state.settings,
    )


async def get_token_revocation(
    db: SessionDep, state: AppStateDep, audit: AuditLogDep
) -> TokenRevocation:
    return TokenRevocation(ClientRepository(db), SessionRepository(db), state.access_tokens, audit)


async def token_client(request: Request, form: TokenForm) -> ClientCredentials:
    return read_client_credentials(
        request.headers.get("authorization"), form.client_id, form.client_secret, public=True
    )


@dataclass(frozen=True, slots=True)
class HintRequest:
    """An introspection or revocation request: the token, and the client asking."""

    token: str | None
    client: ClientCredentials


async def _read_hint(request: Request, *, public: bool) -> HintRequest:
    # One dependency for the form and the client (each one FastAPI solves costs CPU, and
    # introspection is called for every request a resource server serves).
    form = await read_oauth_form(request, TokenTypeHintRequest)
    client = read_client_credentials(
        request.headers.get("authorization"), form.client_id, form.client_secret, public=public
    )
    return HintRequest(form.token, client)


async def hint_request(request: Request) -> HintRequest:
    """An introspection request: only a confidential client may ask."""
    return await _read_hint(request, public=False)


async def revocation_request(request: Request) -> HintRequest:
    """A public client (a single-page app) revokes its own tokens naming itself (RFC 7009
    §5): holding the token is all it takes to revoke it."""
    return await _read_hint(request, public=True)


ClientServiceDep = Annotated[ClientService, Depends(get_client_service)]
GrantServiceDep = Annotated[GrantService, Depends(get_grant_service)]
TokenIntrospectionDep = Annotated[TokenIntrospection, Depends(get_token_introspection)]
TokenRevocationDep = Annotated[TokenRevocation, Depends(get_token_revocation)]
TokenClient = Annotated[ClientCredentials, Depends(token_client)]
Hint = Annotated[HintRequest, Depends(hint_request)]
RevocationHint = Annotated[HintRequest, Depends(revocation_request)]
