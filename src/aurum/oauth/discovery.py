"""Published metadata: the JWKS (public keys only) and RFC 8414 / OIDC discovery documents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from aurum.app_state import AppStateDep
from aurum.callers.scopes import SCOPES
from aurum.config import Settings
from aurum.db.session import SessionDep
from aurum.keys.repository import SigningKeyRepository
from aurum.oauth.schemas import GRANT_TYPES
from aurum.oauth.scopes import USER_SCOPES
from aurum.security.id_tokens import id_token_algorithms

router = APIRouter(prefix="/.well-known", tags=["discovery"])

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
# At the token and revocation endpoints public clients (PKCE) name themselves too.
TOKEN_AUTH_METHODS = [*CLIENT_AUTH_METHODS, "none"]
# Verifiers refetch on an unknown kid, so a short cache is enough for rotations.
JWKS_CACHE = "public, max-age=300"
METADATA_CACHE = "public, max-age=3600"
# What ID tokens and UserInfo may say about a person.
ID_CLAIMS = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "azp",
    "sid",
    "amr",
    "acr",
    "name",
    "preferred_username",
    "locale",
    "updated_at",
    "email",
    "email_verified",
    # aurum:profile (UserInfo)
    "xp",
    "level",
    "location",
]


def server_metadata(settings: Settings, algorithms: list[str]) -> dict[str, Any]:
    """RFC 8414: only what this service really does."""
    issuer = settings.issuer.rstrip("/")
    api = f"{issuer}/api/v1/oauth"
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{api}/token",
        "userinfo_endpoint": f"{api}/userinfo",
        "end_session_endpoint": f"{issuer}/end-session",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "introspection_endpoint": f"{api}/introspect",
        "revocation_endpoint": f"{api}/revoke",
        "scopes_supported": sorted([*USER_SCOPES, *SCOPES]),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": ["en", "es"],
        "grant_types_supported": [
            grant for grant in GRANT_TYPES if grant != "password" or settings.password_grant_enabled
        ],
        "token_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        # Not in RFC 8414; the name several servers use for JWT access tokens.
        "access_token_signing_alg_values_supported": algorithms,
        "service_documentation": f"{issuer}/docs",
    }


async def _published_keys(db: SessionDep) -> list[dict[str, Any]]:
    """From the database, not this process's cache: a rotation shows up on every instance."""
    return await SigningKeyRepository(db).published_jwks()


def _access_token_algorithms(settings: Settings, keys: list[dict[str, Any]]) -> list[str]:
    """Algorithms of the keys that may have signed a live access token: the ID-token
    chains never sign one, unless one is also the access-token chain."""
    id_tokens_only = set(id_token_algorithms(settings.id_token_signing_algorithm)) - {
        settings.signing_algorithm
    }
    return sorted({str(key["alg"]) for key in keys} - id_tokens_only)


@router.get("/jwks.json")
async def jwks(db: SessionDep, response: Response) -> dict[str, Any]:
    """Public halves of every chain's keys whose tokens may still be valid, newest first."""
    response.headers["Cache-Control"] = JWKS_CACHE
    return {"keys": await _published_keys(db)}


@router.get("/oauth-authorization-server")
async def authorization_server(
    db: SessionDep, state: AppStateDep, response: Response
) -> dict[str, Any]:
    """RFC 8414 authorization server metadata."""
    response.headers["Cache-Control"] = METADATA_CACHE
    return server_metadata(
        state.settings, _access_token_algorithms(state.settings, await _published_keys(db))
    )


@router.get("/openid-configuration")
async def openid_configuration(
    db: SessionDep, state: AppStateDep, response: Response
) -> dict[str, Any]:
    """OpenID Connect Discovery 1.0: the same metadata, and what ID tokens say."""
    response.headers["Cache-Control"] = METADATA_CACHE
    metadata = server_metadata(
        state.settings, _access_token_algorithms(state.settings, await _published_keys(db))
    )
    return {
        **metadata,
        "subject_types_supported": ["public"],
        # The default chain's, then the ones a client may register.
        "id_token_signing_alg_values_supported": id_token_algorithms(
            state.settings.id_token_signing_algorithm
        ),
        "claims_supported": ID_CLAIMS,
        # Back-Channel Logout 1.0 §2.1: logout tokens are posted, with `sid`.
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }
