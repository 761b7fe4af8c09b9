"""XP: an append-only ledger, atomic totals, levels at (n-1)²·100 XP, a leaderboard."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from aurum.models.user import level_for
from tests.conftest import Accounts


def xp_path(username: str) -> str:
    return f"/api/v1/users/{username}/xp"


async def award(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    username: str,
    amount: int,
    reason: str = "reto",
) -> httpx.Response:
    return await client.post(
        xp_path(username), json={"amount": amount, "reason": reason}, headers=headers
    )


@pytest.mark.parametrize(
    ("xp", "level"),
    [(0, 1), (99, 1), (100, 2), (399, 2), (400, 3), (899, 3), (900, 4), (10_000, 11)],
)
def test_level_n_is_reached_at_n_minus_one_squared_hundreds(xp: int, level: int) -> None:
    assert level_for(xp) == level
    assert (level - 1) ** 2 * 100 <= xp < level**2 * 100


async def test_an_award_updates_total_and_level(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.user("juan")
    first = await award(accounts.client, admin, "juan", 150, "Primer reto")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["amount"] == 150
    assert body["reason"] == "Primer reto"
    assert body["awarded_by"] == "root"
    assert body["awarded_by_type"] == "user"
    assert (body["username"], body["xp_total"], body["level"]) == ("juan", 150, 2)

    second = (await award(accounts.client, admin, "JUAN", 250)).json()
    assert (second["xp_total"], second["level"]) == (400, 3)
    me = (await accounts.client.get("/api/v1/users/me", headers=juan)).json()
    assert (me["xp_total"], me["level"]) == (400, 3)


async def test_concurrent_awards_all_count(accounts: Accounts) -> None:
    admin = await accounts.admin()
    await accounts.register("juan")
    responses = await asyncio.gather(
        *(award(accounts.client, admin, "juan", 10 + i) for i in range(8))
    )
    assert [r.status_code for r in responses] == [201] * 8
    expected = sum(10 + i for i in range(8))
    totals = [r.json()["xp_total"] for r in responses]
    # Each award saw the one before it: the totals are distinct and end at the sum.
    assert len(set(totals)) == 8
    assert max(totals) == expected
    juan = (await accounts.client.get("/api/v1/users/juan", headers=admin)).json()
    assert (juan["xp_total"], juan["level"]) == (expected, level_for(expected))
    history = (
        await accounts.client.get(xp_path("juan"), params={"limit": 100}, headers=admin)
    ).json()
    assert sum(item["amount"] for item in history["items"]) == expected


async def test_only_admins_award(accounts: Accounts) -> None:
    await accounts.register("ana")
    juan = await accounts.user("juan")
    assert (await award(accounts.client, {}, "ana", 10)).status_code == 401
    for target in ("ana", "juan"):
        response = await award(accounts.client, juan, target, 10)
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 0, "reason": "x"},
        {"amount": -5, "reason": "x"},
        {"amount": 1_000_001, "reason": "x"},
        {"amount": 2**70, "reason": "x"},
        {"amount": 1.5, "reason": "x"},
        {"amount": "diez", "reason": "x"},
        {"amount": 10},
        {"amount": 10, "reason": "   "},
        {"amount": 10, "reason": "x" * 201},
        {"amount": 10, "reason": "x", "awarded_by": "someone"},
    ],
)
async def test_bad_awards_are_422(accounts: Accounts, body: dict[str, Any]) -> None:
    admin = await accounts.admin()
    await accounts.register("juan")
    response = await accounts.client.post(xp_path("juan"), json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_awarding_an_unknown_user_is_404(accounts: Accounts) -> None:
    admin = await accounts.admin()
    response = await award(accounts.client, admin, "nobody", 10)
    assert response.status_code == 404
    assert response.json()["error"] == "user_not_found"


async def test_history_is_newest_first_and_private(accounts: Accounts) -> None:
    admin = await accounts.admin()
    juan = await accounts.user("juan")
    ana = await accounts.user("ana")
    for i in range(5):
        await award(accounts.client, admin, "juan", 10, f"reto {i}")

    reasons: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await accounts.client.get(xp_path("juan"), params=params, headers=juan)).json()
        reasons += [item["reason"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert reasons == [f"reto {i}" for i in reversed(range(5))]

    assert (await accounts.client.get(xp_path("juan"), headers=admin)).status_code == 200
    other = await accounts.client.get(xp_path("juan"), headers=ana)
    assert other.status_code == 403
    bad = await accounts.client.get(xp_path("juan"), params={"cursor": "WzEsMl0"}, headers=juan)
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid_cursor"


async def test_the_ledger_keeps_the_awarder_name_after_their_account_goes(
    accounts: Accounts,
) -> None:
    first_admin = await accounts.admin("root")
    second_admin = await accounts.admin("boss")
    juan = await accounts.user("juan")
    await award(accounts.client, first_admin, "juan", 10)
    deleted = await accounts.client.delete("/api/v1/users/root", headers=second_admin)
    assert deleted.status_code == 204
    history = (await accounts.client.get(xp_path("juan"), headers=juan)).json()
    assert [item["awarded_by"] for item in history["items"]] == ["root"]


async def test_leaderboard_ranks_ties_in_a_stable_order(accounts: Accounts) -> None:
    admin = await accounts.admin()
    viewer = await accounts.user("viewer")
    scores = {"carla": 500, "ana": 300, "bruno": 300, "dario": 100, "eva": 300}
    for name, amount in scores.items():
        await accounts.register(name)
        await award(accounts.client, admin, name, amount)
    await accounts.register("frozen")
    await award(accounts.client, admin, "frozen", 1000)
    await accounts.client.patch("/api/v1/users/frozen", json={"disabled": True}, headers=admin)

    entries: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await accounts.client.get("/api/v1/leaderboard", params=params, headers=viewer)
        assert page.status_code == 200
        entries += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    top = [(e["rank"], e["username"], e["xp_total"], e["level"]) for e in entries]
    assert top[:5] == [
        (1, "carla", 500, 3),
        (2, "ana", 300, 2),
        (2, "bruno", 300, 2),
        (2, "eva", 300, 2),
        (5, "dario", 100, 2),
    ]
    # Everyone else has no XP yet; the disabled account is not listed.
    assert {e["username"] for e in entries[5:]} == {"root", "viewer"}
    assert {e["rank"] for e in entries[5:]} == {6}


async def test_leaderboard_needs_sign_in_and_a_sane_limit(accounts: Accounts) -> None:
    assert (await accounts.client.get("/api/v1/leaderboard")).status_code == 401
    headers = await accounts.user("juan")
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "x" * 600}):
        response = await accounts.client.get("/api/v1/leaderboard", params=params, headers=headers)
        assert response.status_code == 422
