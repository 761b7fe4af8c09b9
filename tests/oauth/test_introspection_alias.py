"""`POST /oauth/v2/introspect`: where the SSO template seed's client introspects.

The seed posts `token=<bearer token>` as a form to `{SSO_ISSUER}/oauth/v2/introspect`,
authenticated by HTTP Basic with `CLIENT_ID:CLIENT_SECRET` as they are (not form-encoded),
and no `token_type_hint`. The answers are those of the canonical path, but for `aud`,
always a list there: the seed reads the answer into a model whose `aud` is `list[str]`.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
from pydantic import BaseModel

from tests.conftest import Accounts, AppFactory
from tests.oauth.support import INTROSPECT, OAuthClients, bearer
from tests.oauth.test_token_endpoint import assert_oauth_error
from tests.rate_limits.conftest import LIMITED, client_at
from tests.rate_limits.test_request_limits import rate_limited

ALIAS = "/oauth/v2/introspect"
PATHS = (INTROSPECT, ALIAS)


class SeedIntrospection(BaseModel):
    """The fields the seed's response model reads, typed as it types them."""

    active: bool
    sub: str | None = None
    client_id: str | None = None
    username: str | None = None
    scope: str | None = None
    aud: list[str] | None = None
    iss: str | None = None
    exp: int | None = None


def as_canonical(alias: dict[str, Any]) -> dict[str, Any]:
    """The alias's answer as the canonical path gives it (`aud` a string)."""
    if isinstance(alias.get("aud"), list) and len(alias["aud"]) == 1:
        return {**alias, "aud": alias["aud"][0]}
    return alias


def seed_headers(client_id: str, client_secret: str) -> dict[str, str]:
    """The seed's headers: Basic over the raw `id:secret`, and a form body."""
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {
        "Authorization": f"Basic {basic}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def as_the_seed(
    http: httpx.AsyncClient, path: str, resource: dict[str, Any], token: str
) -> httpx.Response:
    headers = seed_headers(resource["client_id"], resource["client_secret"])
    return await http.post(path, data={"token": token}, headers=headers)


async def test_live_and_revoked_tokens(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    resource = await clients.register("resource")
    for token in (tokens["access_token"], tokens["refresh_token"]):
        canonical, alias = [await as_the_seed(client, p, resource, token) for p in PATHS]
        assert canonical.status_code == alias.status_code == 200
        assert alias.headers["cache-control"] == "no-store"
        assert as_canonical(alias.json()) == canonical.json()
        read = SeedIntrospection.model_validate(alias.json())
        assert read.active is True
        assert read.username == "juan"
    access = await as_the_seed(client, ALIAS, resource, tokens["access_token"])
    assert SeedIntrospection.model_validate(access.json()).aud == ["aurum"]

    await client.post("/api/v1/logout", headers=bearer(tokens["access_token"]))
    for token in (tokens["access_token"], tokens["refresh_token"], "garbage"):
        for path in PATHS:
            response = await as_the_seed(client, path, resource, token)
            assert response.status_code == 200
            assert response.json() == {"active": False}


async def test_a_service_token(clients: OAuthClients, client: httpx.AsyncClient) -> None:
    service = await clients.register("billing", scopes=["xp:write"])
    token = await clients.service_token(service)
    resource = await clients.register("resource")
    canonical, alias = [await as_the_seed(client, p, resource, token) for p in PATHS]
    assert as_canonical(alias.json()) == canonical.json()
    assert SeedIntrospection.model_validate(alias.json()).client_id == service["client_id"]


async def test_client_authentication_is_the_same(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    token = (await accounts.login("juan"))["access_token"]
    resource = await clients.register("resource")
    wrong = {**resource, "client_secret": "nope"}
    for path in PATHS:
        assert_oauth_error(await as_the_seed(client, path, wrong, token), 401, "invalid_client")
        anonymous = await client.post(path, data={"token": token})
        assert_oauth_error(anonymous, 401, "invalid_client")
        missing = await client.post(path, data={}, headers=clients.auth(resource))
        assert_oauth_error(missing, 400, "invalid_request")
    # client_secret_post, and a token_type_hint, as other RFC 7662 clients send them.
    form = {"token": token, "token_type_hint": "access_token", **resource}
    posted = [await client.post(path, data=form) for path in PATHS]
    assert posted[0].status_code == posted[1].status_code == 200
    assert posted[0].json() == as_canonical(posted[1].json())
    assert posted[1].json()["active"] is True


async def test_both_paths_count_against_one_limit(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"oauth_introspect.ip": "2/minute"})
    async with client_at(app, "192.0.2.1") as client:
        resource = await OAuthClients(Accounts(client, app.state.aurum)).register("resource")
        for path in PATHS:
            assert (await as_the_seed(client, path, resource, "garbage")).status_code == 200
        for path in PATHS:
            assert rate_limited(await as_the_seed(client, path, resource, "garbage")) > 0


async def test_discovery_names_the_canonical_path(client: httpx.AsyncClient) -> None:
    for document in ("oauth-authorization-server", "openid-configuration"):
        metadata = (await client.get(f"/.well-known/{document}")).json()
        assert metadata["introspection_endpoint"] == f"http://testserver{INTROSPECT}"


async def test_the_schema_lists_it_as_an_alias(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    canonical, alias = paths[INTROSPECT]["post"], paths[ALIAS]["post"]
    assert alias["summary"] == "Introspect (alias of /api/v1/oauth/introspect)"
    assert alias["operationId"] != canonical["operationId"]
    rest = {"summary", "description", "operationId"}
    assert {k: v for k, v in alias.items() if k not in rest} == {
        k: v for k, v in canonical.items() if k not in rest
    }
