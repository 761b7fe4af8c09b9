"""Tokens of the external provider open the API and are linked to local users."""

from __future__ import annotations

import asyncio

import httpx

from aurum.app_state import AppState
from tests.conftest import Accounts, AppFactory
from tests.sso.conftest import ME, ClientFactory, bearer, sso_settings
from tests.sso.oidc import OidcProvider

IDENTITIES = "/api/v1/sso/identities"


async def test_a_client_credentials_token_is_accepted_and_linked(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    token = await provider.client_credentials()
    first = await client.get(ME, headers=bearer(token))
    assert first.status_code == 200, first.text
    me = first.json()
    assert me["username"] == "cli"  # the service account is named after its client
    assert me["email"].endswith("@sso.invalid")  # it has no address of its own
    assert me["role"] == "user"

    again = await client.get(ME, headers=bearer(token))
    assert again.json()["id"] == me["id"]
    other_token = await provider.client_credentials()
    assert (await client.get(ME, headers=bearer(other_token))).json()["id"] == me["id"]

    identities = (await client.get(IDENTITIES, headers=bearer(token))).json()
    assert [(i["issuer"], i["subject"]) for i in identities] == [(provider.issuer, "cli")]


async def test_a_users_token_creates_their_account_from_the_claims(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    token = await provider.user_token("maria")
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    me = response.json()
    assert (me["username"], me["email"], me["full_name"]) == (
        "maria",
        "maria@example.com",
        "User maria",
    )
    # Any endpoint takes it, like an Aurum token.
    listing = await client.get("/api/v1/users/", headers=bearer(token))
    assert listing.status_code == 200
    assert "maria" in [u["username"] for u in listing.json()]


async def test_aurum_tokens_still_work_and_never_reach_the_provider(
    accounts: Accounts, provider: OidcProvider
) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.get(ME, headers=headers)
    assert response.status_code == 200
    assert response.json()["username"] == "juan"
    assert await provider.introspections() == 0


async def test_a_linked_user_can_be_disabled(accounts: Accounts, provider: OidcProvider) -> None:
    token = await provider.user_token("pedro")
    assert (await accounts.client.get(ME, headers=bearer(token))).status_code == 200
    admin = await accounts.admin()
    disabled = await accounts.client.patch(
        "/api/v1/users/pedro", json={"disabled": True}, headers=admin
    )
    assert disabled.status_code == 200
    response = await accounts.client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


async def test_a_taken_username_gets_a_suffix(accounts: Accounts, provider: OidcProvider) -> None:
    await accounts.register("bob", email="bob.local@example.com")
    token = await provider.user_token("bob")
    me = (await accounts.client.get(ME, headers=bearer(token))).json()
    assert me["username"].startswith("bob-")
    assert me["email"] == "bob@example.com"


async def test_an_email_of_a_local_account_is_not_merged_until_its_owner_links_it(
    accounts: Accounts, provider: OidcProvider
) -> None:
    local = await accounts.register("ana")  # ana@example.com
    token = await provider.user_token("ana")  # the provider says ana@example.com too
    refused = await accounts.client.get(ME, headers=bearer(token))
    assert refused.status_code == 409
    assert refused.json()["error"] == "sso_email_conflict"
    admin = await accounts.admin()
    users = (await accounts.client.get("/api/v1/users/", headers=admin)).json()
    assert [u["username"] for u in users] == ["ana", "root"]

    ana = await accounts.headers("ana")
    linked = await accounts.client.post(IDENTITIES, json={"token": token}, headers=ana)
    assert linked.status_code == 201, linked.text
    assert linked.json()["subject"] == "ana"

    me = await accounts.client.get(ME, headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == local["username"] == "ana"


async def test_an_identity_linked_to_someone_cannot_be_linked_again(
    accounts: Accounts, provider: OidcProvider
) -> None:
    token = await provider.user_token("lucia")
    assert (await accounts.client.get(ME, headers=bearer(token))).status_code == 200
    other = await accounts.user("mallory")
    response = await accounts.client.post(IDENTITIES, json={"token": token}, headers=other)
    assert response.status_code == 409
    assert response.json()["error"] == "sso_identity_taken"


async def test_linking_needs_a_valid_provider_token(
    accounts: Accounts, provider: OidcProvider
) -> None:
    headers = await accounts.user("carla")
    for token in (
        "not-a-token",
        await provider.client_credentials(resource="https://other.example"),
    ):
        response = await accounts.client.post(IDENTITIES, json={"token": token}, headers=headers)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_external_token"
    assert (await accounts.client.get(IDENTITIES, headers=headers)).json() == []


async def test_an_unverified_email_is_not_trusted(
    accounts: Accounts, provider: OidcProvider
) -> None:
    # A local account holds the address the provider has not verified: no conflict, and
    # the new account does not get that address.
    await accounts.register("eve", email="unverified-eve@example.com")
    token = await provider.user_token("unverified-eve")
    response = await accounts.client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "unverified-eve"
    assert response.json()["email"].endswith("@sso.invalid")


async def test_without_provisioning_an_identity_must_be_linked_first(
    make_app: AppFactory, open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_create_users=False))
    token = await provider.user_token("nora")
    refused = await client.get(ME, headers=bearer(token))
    assert refused.status_code == 403
    assert refused.json()["error"] == "sso_account_not_linked"

    body = {"username": "nora", "email": "nora@example.com", "password": "correct horse battery"}
    assert (await client.post("/api/v1/users/register", json=body)).status_code == 201
    login = await client.post(
        "/api/v1/token", data={"username": "nora", "password": body["password"]}
    )
    nora = bearer(login.json()["access_token"])
    assert (await client.post(IDENTITIES, json={"token": token}, headers=nora)).status_code == 201
    assert (await client.get(ME, headers=bearer(token))).json()["username"] == "nora"


async def test_an_identity_can_be_unlinked(accounts: Accounts, provider: OidcProvider) -> None:
    headers = await accounts.user("sara")
    token = await provider.client_credentials()
    linked = await accounts.client.post(IDENTITIES, json={"token": token}, headers=headers)
    assert linked.status_code == 201
    identity_id = linked.json()["id"]
    listed = (await accounts.client.get(IDENTITIES, headers=headers)).json()
    assert [i["id"] for i in listed] == [identity_id]

    gone = await accounts.client.delete(f"{IDENTITIES}/{identity_id}", headers=headers)
    assert gone.status_code == 204
    assert (await accounts.client.get(IDENTITIES, headers=headers)).json() == []
    again = await accounts.client.delete(f"{IDENTITIES}/{identity_id}", headers=headers)
    assert again.status_code == 404
    assert again.json()["error"] == "identity_not_found"


async def test_concurrent_first_requests_create_one_user_with_one_introspection(
    client: httpx.AsyncClient, provider: OidcProvider, state: AppState
) -> None:
    token = await provider.user_token("tomas")
    responses = await asyncio.gather(*(client.get(ME, headers=bearer(token)) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    assert await provider.introspections() == 1
