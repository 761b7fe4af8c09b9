"""`POST /api/v1/users/`: the seed's first sign-up path, the same endpoint as `/register`."""

from __future__ import annotations

import httpx

from tests.conftest import Accounts, AppFactory
from tests.error_bodies import error_body
from tests.rate_limits.conftest import LIMITED, client_at
from tests.rate_limits.test_request_limits import rate_limited

REGISTER = "/api/v1/users/register"
ALIAS = "/api/v1/users/"
PATHS = (REGISTER, ALIAS)


def seed_body(username: str) -> dict[str, object]:
    """What the seed's README sends to sign up (its `disabled` is ignored)."""
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": "Mi_Contraseña_Segura",
        "full_name": "Juan Pérez",
        "disabled": False,
    }


async def test_the_seed_signs_up_and_in(accounts: Accounts) -> None:
    """The seed's flow on the alias: sign up with its JSON, sign in with its form."""
    response = await accounts.client.post(ALIAS, json=seed_body("juan"))
    assert response.status_code == 201
    assert response.json() == {
        "username": "juan",
        "email": "juan@example.com",
        "full_name": "Juan Pérez",
        "message": "Check your inbox to confirm your email address.",
    }
    me = await accounts.profile("juan", "Mi_Contraseña_Segura")
    assert me["role"] == "user"
    assert me["disabled"] is False


async def test_the_answers_are_those_of_register(client: httpx.AsyncClient) -> None:
    """The same status and body from both paths, for every outcome."""
    created = [await client.post(path, json=seed_body(f"user{n}")) for n, path in enumerate(PATHS)]
    assert [r.status_code for r in created] == [201, 201]
    assert (
        created[0].json() | {"username": "user1", "email": "user1@example.com"} == created[1].json()
    )

    # The seed's architecture diagram names only username, email and password.
    minimal = {"username": "ana", "email": "ana@example.com", "password": "Mi_Contraseña_123"}
    assert (await client.post(ALIAS, json=minimal)).json()["full_name"] is None

    taken = [
        await client.post(path, json=seed_body("USER0") | {"email": "x@example.com"})
        for path in PATHS
    ]
    assert [r.status_code for r in taken] == [409, 409]
    assert error_body(taken[0]) == error_body(taken[1])
    assert taken[0].json()["error"] == "username_taken"

    for body in ({}, {"username": "me", "email": "nope", "password": ""}):
        malformed = [await client.post(path, json=body) for path in PATHS]
        assert [r.status_code for r in malformed] == [422, 422]
        assert error_body(malformed[0]) == error_body(malformed[1])


async def test_admins_create_accounts_without_the_slash(client: httpx.AsyncClient) -> None:
    """`POST /api/v1/users` stays the admins' endpoint: the slash is not optional."""
    response = await client.post("/api/v1/users", json=seed_body("juan"))
    assert response.status_code == 401


async def test_both_paths_count_against_one_limit(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"register.ip": "2/minute"})
    async with client_at(app, "192.0.2.1") as client:
        assert (await client.post(REGISTER, json=seed_body("ana"))).status_code == 201
        assert (await client.post(ALIAS, json=seed_body("luis"))).status_code == 201
        for path in PATHS:
            assert rate_limited(await client.post(path, json=seed_body("juan"))) > 0


async def test_the_schema_lists_it_as_an_alias(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    canonical, alias = paths[REGISTER]["post"], paths[ALIAS]["post"]
    assert alias["summary"] == "Register (alias of /users/register)"
    assert alias["operationId"] != canonical["operationId"]
    same = {k: v for k, v in alias.items() if k not in {"summary", "operationId"}}
    assert same == {k: v for k, v in canonical.items() if k not in {"summary", "operationId"}}
    assert paths["/api/v1/users"]["post"]["summary"] == "Create User"
