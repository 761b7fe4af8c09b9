from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, Accounts

ME = "/api/v1/users/me"


async def test_me_returns_the_full_profile(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.get(ME, headers=headers)
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "juan"
    assert data["email"] == "juan@example.com"
    assert "password_hash" not in data


async def test_me_needs_a_token(accounts: Accounts) -> None:
    response = await accounts.client.get(ME)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), [("PUT", f"{ME}/update"), ("PATCH", ME)])
async def test_update_changes_only_what_is_sent(accounts: Accounts, method: str, path: str) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.request(
        method,
        path,
        json={"email": "Nuevo@Example.com", "full_name": "Juan Carlos Pérez"},
        headers=headers,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "nuevo@example.com"
    assert data["full_name"] == "Juan Carlos Pérez"
    assert data["username"] == "juan"


async def test_update_rejects_fields_users_cannot_set(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    for field in ({"role": "admin"}, {"disabled": True}, {"password_hash": "x"}):
        response = await accounts.client.patch(ME, json=field, headers=headers)
        assert response.status_code == 422
    assert (await accounts.client.get(ME, headers=headers)).json()["role"] == "user"


async def test_update_to_a_taken_email_or_username_conflicts(accounts: Accounts) -> None:
    await accounts.register("ana")
    headers = await accounts.user("juan")
    email = await accounts.client.patch(ME, json={"email": "ANA@example.com"}, headers=headers)
    assert email.status_code == 409
    assert email.json()["error"] == "email_taken"
    name = await accounts.client.patch(ME, json={"username": "Ana"}, headers=headers)
    assert name.status_code == 409
    assert name.json()["error"] == "username_taken"


async def test_change_password_by_form(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        f"{ME}/change-password",
        data={"old_password": PASSWORD, "new_password": "a brand new secret"},
        headers=headers,
    )
    assert response.status_code == 204
    await accounts.login("juan", "a brand new secret")
    old = await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}
    )
    assert old.status_code == 401


async def test_change_password_ends_the_other_sessions(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    other = await accounts.login("juan")
    response = await accounts.client.post(
        f"{ME}/change-password",
        json={"old_password": PASSWORD, "new_password": "a brand new secret"},
        headers=headers,
    )
    assert response.status_code == 204
    other_headers = {"Authorization": f"Bearer {other['access_token']}"}
    assert (await accounts.client.get(ME, headers=other_headers)).status_code == 401
    refresh = await accounts.client.post(
        "/api/v1/refresh-token", json={"refresh_token": other["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert (await accounts.client.get(ME, headers=headers)).status_code == 200


async def test_change_password_needs_the_current_one(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        f"{ME}/change-password",
        json={"old_password": "not it", "new_password": "a brand new secret"},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "wrong_password"


async def test_change_password_never_from_the_query_string(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        f"{ME}/change-password",
        params={"old_password": PASSWORD, "new_password": "a brand new secret"},
        headers=headers,
    )
    assert response.status_code == 422
    await accounts.login("juan")


async def test_change_password_applies_the_rules(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.post(
        f"{ME}/change-password",
        json={"old_password": PASSWORD, "new_password": "short"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_short"
