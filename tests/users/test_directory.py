from __future__ import annotations

from tests.conftest import Accounts

USERS = "/api/v1/users/"


async def test_regular_users_see_public_profiles(accounts: Accounts) -> None:
    await accounts.register("ana", full_name="Ana")
    headers = await accounts.user("juan")
    listing = await accounts.client.get(USERS, headers=headers)
    assert listing.status_code == 200
    assert {u["username"] for u in listing.json()} == {"ana", "juan"}
    assert all(set(u) == {"username", "full_name", "xp_total", "level"} for u in listing.json())

    ana = await accounts.client.get("/api/v1/users/ANA", headers=headers)
    assert ana.status_code == 200
    assert ana.json() == {"username": "ana", "full_name": "Ana", "xp_total": 0, "level": 1}


async def test_users_see_their_own_full_profile_by_name(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.get("/api/v1/users/juan", headers=headers)
    assert response.json()["email"] == "juan@example.com"


async def test_admins_see_everything(accounts: Accounts) -> None:
    await accounts.register("ana")
    admin = await accounts.admin()
    listing = (await accounts.client.get(USERS, headers=admin)).json()
    assert all("email" in u and "role" in u for u in listing)
    ana = (await accounts.client.get("/api/v1/users/ana", headers=admin)).json()
    assert ana["email"] == "ana@example.com"


async def test_listing_needs_a_token(accounts: Accounts) -> None:
    assert (await accounts.client.get(USERS)).status_code == 401
    assert (await accounts.client.get("/api/v1/users/juan")).status_code == 401


async def test_unknown_user_is_404(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.get("/api/v1/users/nobody", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"] == "user_not_found"


async def test_skip_limit_and_cursor_walk_the_same_order(accounts: Accounts) -> None:
    names = [f"user{i:02d}" for i in range(7)]
    for name in names:
        await accounts.register(name)
    headers = await accounts.headers("user00")

    by_offset = []
    for skip in range(0, 7, 3):
        page = await accounts.client.get(USERS, params={"skip": skip, "limit": 3}, headers=headers)
        by_offset += [u["username"] for u in page.json()]
    assert by_offset == names

    by_cursor: list[str] = []
    params: dict[str, str | int] = {"limit": 3}
    while True:
        page = await accounts.client.get(USERS, params=params, headers=headers)
        by_cursor += [u["username"] for u in page.json()]
        if "x-next-cursor" not in page.headers:
            break
        params = {"limit": 3, "cursor": page.headers["x-next-cursor"]}
    assert by_cursor == names


async def test_bad_paging_parameters_are_422(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    for params in ({"limit": 0}, {"limit": 101}, {"skip": -1}, {"cursor": "garbage!"}):
        response = await accounts.client.get(USERS, params=params, headers=headers)
        assert response.status_code == 422, params
