from __future__ import annotations

from tests.conftest import PASSWORD, Accounts

ME = "/api/v1/users/me"


async def test_admin_deletes_a_user_and_their_sessions(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.user("juan")
    response = await accounts.client.delete("/api/v1/users/juan", headers=admin)
    assert response.status_code == 204
    assert (await accounts.client.get(ME, headers=juan)).status_code == 401
    missing = await accounts.client.get("/api/v1/users/juan", headers=admin)
    assert missing.status_code == 404


async def test_admin_cannot_delete_themself(accounts: Accounts) -> None:
    admin = await accounts.admin()
    response = await accounts.client.delete("/api/v1/users/root", headers=admin)
    assert response.status_code == 403
    assert response.json()["error"] == "cannot_delete_self"


async def test_users_cannot_delete_others(accounts: Accounts) -> None:
    await accounts.register("ana")
    juan = await accounts.user("juan")
    response = await accounts.client.delete("/api/v1/users/ana", headers=juan)
    assert response.status_code == 403


async def test_users_delete_themselves_with_their_password(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    no_password = await accounts.client.delete("/api/v1/users/juan", headers=juan)
    assert no_password.status_code == 422
    assert no_password.json()["error"] == "password_required"
    wrong = await accounts.client.request(
        "DELETE", "/api/v1/users/juan", json={"password": "nope"}, headers=juan
    )
    assert wrong.status_code == 400
    right = await accounts.client.request(
        "DELETE", "/api/v1/users/juan", json={"password": PASSWORD}, headers=juan
    )
    assert right.status_code == 204
    assert (await accounts.client.get(ME, headers=juan)).status_code == 401


async def test_deleting_an_unknown_user_is_404(accounts: Accounts) -> None:
    admin = await accounts.admin()
    response = await accounts.client.delete("/api/v1/users/nobody", headers=admin)
    assert response.status_code == 404
