"""The OAuth 2.0 endpoints: token (RFC 6749), introspection (RFC 7662), revocation (RFC 7009)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from aurum.client_info import ClientInfoDep
from aurum.oauth.dependencies import (
    GrantServiceDep,
    Hint,
    RevocationHint,
    TokenClient,
    TokenForm,
    TokenIntrospectionDep,
    TokenRevocationDep,
)
from aurum.oauth.errors import OAUTH_ERROR_RESPONSES
from aurum.oauth.form import form_doc
from aurum.oauth.schemas import (
    Introspection,
    OAuthTokenResponse,
    TokenRequest,
    TokenTypeHintRequest,
)
from aurum.rate_limits.dependencies import rate_limit

router = APIRouter(prefix="/oauth", tags=["oauth"], responses=OAUTH_ERROR_RESPONSES)
# Mounted at the root, for the SSO template seed's client, which introspects at
# `{SSO_ISSUER}/oauth/v2/introspect`. Discovery keeps naming the canonical path.
seed_router = APIRouter(tags=["oauth"], responses=OAUTH_ERROR_RESPONSES)

# Per client address, for floods: generous, since one service (or resource server) makes
# all its calls from one address. Secrets are 256-bit, so there is nothing to guess; a
# password grant also counts as a sign-in (`login.ip` and the failure counters).
TOKEN_LIMITS = rate_limit("oauth_token", per_ip="600/minute")
INTROSPECT_LIMITS = rate_limit("oauth_introspect", per_ip="6000/minute")
REVOKE_LIMITS = rate_limit("oauth_revoke", per_ip="600/minute")

# RFC 6749 §5.1: responses carrying tokens or token data must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(
    "/token",
    openapi_extra=form_doc(TokenRequest),
    response_model_exclude_none=True,
    dependencies=[TOKEN_LIMITS],
)
async def token(
    form: TokenForm,
    client: TokenClient,
    client_info: ClientInfoDep,
    grants: GrantServiceDep,
    response: Response,
) -> OAuthTokenResponse:
    """Issue tokens: `client_credentials`, `refresh_token`, or `password` (first-party)."""
    response.headers.update(NO_STORE)
    return await grants.token(form, client, client_info)


@router.post(
    "/introspect",
    openapi_extra=form_doc(TokenTypeHintRequest),
    response_model=Introspection,
    response_model_exclude_none=True,
    dependencies=[INTROSPECT_LIMITS],
)
async def introspect(hint: Hint, introspection: TokenIntrospectionDep) -> JSONResponse:
    """Whether a token (access or refresh) is active, and its claims if it is."""
    # Built from verified claims and our own columns: sent as is, not validated again.
    claims = await introspection.introspect(hint.client, hint.token)
    return JSONResponse(claims, headers=NO_STORE)


@seed_router.post(
    "/oauth/v2/introspect",
    summary="Introspect (alias of /api/v1/oauth/introspect)",
    openapi_extra=form_doc(TokenTypeHintRequest),
    response_model=Introspection,
    response_model_exclude_none=True,
    dependencies=[INTROSPECT_LIMITS],
)
async def introspect_alias(hint: Hint, introspection: TokenIntrospectionDep) -> JSONResponse:
    """The same answer, with `aud` always a list (RFC 7662 allows either form; the
    services built on the SSO template read a list)."""
    claims = await introspection.introspect(hint.client, hint.token)
    if isinstance(claims.get("aud"), str):
        claims["aud"] = [claims["aud"]]
    return JSONResponse(claims, headers=NO_STORE)


@router.post(
    "/revoke",
    openapi_extra=form_doc(TokenTypeHintRequest),
    response_class=Response,
    dependencies=[REVOKE_LIMITS],
)
async def revoke(hint: RevocationHint, revocation: TokenRevocationDep) -> Response:
    """Revoke a token issued to this client (a public client names itself with its
    `client_id`); unknown tokens are answered 200 as well."""
    await revocation.revoke(hint.client, hint.token)
    return Response(status_code=200)
