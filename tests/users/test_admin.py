from __future__ import annotations

from tests.conftest import PASSWORD, Accounts

ME = "/api/v1/users/me"


async def test_admin_creates_a_user_with_a_role(accounts: Accounts) -> None:
    admin = await accounts.admin()
    response = await accounts.client.post(
        "/api/v1/users",
        json={
            "username": "boss",
            "email": "boss@example.com",
            "password": PASSWORD,
            "role": "admin",
        },
        headers=admin,
    )
    assert response.status_code == 201
    assert response.json()["role"] == "admin"
    boss = await accounts.headers("boss")
    assert (await accounts.client.get("/api/v1/users/", headers=boss)).json()[0].get("email")


async def test_only_admins_create_users(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        "/api/v1/users",
        json={"username": "boss", "email": "boss@example.com", "password": PASSWORD},
        headers=headers,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


async def test_disabling_a_user_ends_their_sessions(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.user("juan")
    tokens = await accounts.login("juan")
    response = await accounts.client.patch(
        "/api/v1/users/juan", json={"disabled": True}, headers=admin
    )
    assert response.status_code == 200
    assert (await accounts.client.get(ME, headers=juan)).status_code == 401
    refresh = await accounts.client.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    login = await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}
    )
    assert login.status_code == 401


async def test_admin_promotes_a_user(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.user("juan")
    response = await accounts.client.patch(
        "/api/v1/users/juan", json={"role": "admin"}, headers=admin
    )
    assert response.json()["role"] == "admin"
    assert (await accounts.client.get(ME, headers=juan)).json()["role"] == "admin"


async def test_admin_update_is_admin_only(accounts: Accounts) -> None:
    await accounts.register("ana")
    juan = await accounts.user("juan")
    response = await accounts.client.patch(
        "/api/v1/users/ana", json={"disabled": True}, headers=juan
    )
    assert response.status_code == 403
