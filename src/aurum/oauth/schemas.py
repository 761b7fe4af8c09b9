from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from aurum.callers.scopes import SCOPES
from aurum.oauth.redirect_uris import checked_redirect_uri
from aurum.oauth.scopes import USER_SCOPES

GrantType = Literal["authorization_code", "client_credentials", "refresh_token", "password"]
GRANT_TYPES: tuple[GrantType, ...] = (
    "authorization_code",
    "client_credentials",
    "refresh_token",
    "password",
)
AuthMethod = Literal["client_secret_basic", "client_secret_post", "none"]
# OpenID Connect Dynamic Client Registration §2 (aurum.security.id_tokens.CLIENT_ALGORITHMS).
IdTokenAlgorithm = Literal["RS256", "ES256", "Ed25519"]
# The authentication method of a public client: it has no secret.
PUBLIC_CLIENT: AuthMethod = "none"
SECRET_BASIC: AuthMethod = "client_secret_basic"  # noqa: S105 - a method's name


def _known_scope(value: str) -> str:
    if value not in SCOPES and value not in USER_SCOPES:
        known = ", ".join(sorted([*SCOPES, *USER_SCOPES]))
        msg = f"unknown scope; known scopes: {known}"
        raise ValueError(msg)
    return value


def _unique(values: list[str]) -> list[str]:
    return sorted(set(values))


Scope = Annotated[str, AfterValidator(_known_scope)]
ClientName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
GrantTypes = Annotated[list[GrantType], Field(min_length=1, max_length=4), AfterValidator(_unique)]
RedirectUris = Annotated[
    list[Annotated[str, Field(max_length=2048), AfterValidator(checked_redirect_uri)]],
    Field(max_length=20),
    AfterValidator(_unique),
]
Scopes = Annotated[list[Scope], Field(max_length=50), AfterValidator(_unique)]
# Back-Channel Logout 1.0 §2.2: a URL without a fragment; the redirect URIs' rules.
BackchannelUri = Annotated[str, Field(max_length=2048), AfterValidator(checked_redirect_uri)]


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClientName
    grant_types: GrantTypes = ["client_credentials"]
    scopes: Scopes = []
    first_party: bool = False
    redirect_uris: RedirectUris = []
    post_logout_redirect_uris: RedirectUris = []
    token_endpoint_auth_method: AuthMethod = SECRET_BASIC
    backchannel_logout_uri: BackchannelUri | None = None
    id_token_signed_response_alg: IdTokenAlgorithm | None = Field(
        default=None, description="How its ID tokens are signed; null: the service's default."
    )


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClientName | None = None
    grant_types: GrantTypes | None = None
    scopes: Scopes | None = None
    first_party: bool | None = None
    disabled: bool | None = None
    redirect_uris: RedirectUris | None = None
    post_logout_redirect_uris: RedirectUris | None = None
    # "" removes it (and, for the algorithm, brings back the service's default).
    backchannel_logout_uri: BackchannelUri | Literal[""] | None = None
    id_token_signed_response_alg: IdTokenAlgorithm | Literal[""] | None = None


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: str
    name: str
    grant_types: list[str]
    scopes: list[str]
    first_party: bool
    disabled: bool
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    token_endpoint_auth_method: str
    backchannel_logout_uri: str | None
    id_token_signed_response_alg: str | None = Field(
        description="How its ID tokens are signed; null: ID_TOKEN_SIGNING_ALGORITHM."
    )
    created_at: datetime
    updated_at: datetime


class ClientCreated(ClientRead):
    client_secret: str | None = Field(
        description="Shown once; only its hash is stored. None for a public client."
    )


class ClientSecret(BaseModel):
    client_id: str
    client_secret: str = Field(description="Shown once; the previous secret stops working.")


class ClientPage(BaseModel):
    items: list[ClientRead]


# The OAuth endpoints' form fields. Every one is optional here: missing ones are reported
# as RFC 6749 errors by the service, not as 422s.
Param = Annotated[str | None, Field(max_length=4096)]


class ClientAuthFields(BaseModel):
    client_id: Param = None
    client_secret: Param = None


class TokenRequest(ClientAuthFields):
    grant_type: Param = None
    scope: Param = None
    username: Param = None
    password: Param = None
    refresh_token: Param = None
    code: Param = None
    redirect_uri: Param = None
    code_verifier: Param = None


class TokenTypeHintRequest(ClientAuthFields):
    token: Param = None
    token_type_hint: Param = None


class OAuthTokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a type, not a secret
    expires_in: int
    scope: str
    refresh_token: str | None = None
    id_token: str | None = None


class Introspection(BaseModel):
    """RFC 7662 §2.2. An inactive token yields only `{"active": false}`."""

    active: bool
    scope: str | None = None
    client_id: str | None = None
    username: str | None = None
    token_type: str | None = None
    exp: int | None = None
    iat: int | None = None
    nbf: int | None = None
    sub: str | None = None
    aud: str | list[str] | None = None
    iss: str | None = None
    jti: str | None = None
