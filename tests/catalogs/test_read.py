from __future__ import annotations

from typing import Any

import httpx
import pytest

from aurum.db.search import search_key

API = "/api/v1"


async def walk(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a listing, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await client.get(
            f"{API}{path}", params=params | ({"cursor": cursor} if cursor else {})
        )
        assert page.status_code == 200, page.text
        body = page.json()
        assert set(body) == {"items", "next_cursor"}
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_the_full_catalog_is_there_without_signing_in(client: httpx.AsyncClient) -> None:
    regions = await walk(client, "/regions")
    provinces = await walk(client, "/provinces", limit=100)
    cities = await walk(client, "/cities", limit=100)
    assert {r["code"] for r in regions} == {"COSTA", "SIERRA", "AMAZONIA", "INSULAR"}
    assert len(provinces) == 24
    assert len(cities) == 222
    assert len({c["id"] for c in cities}) == 222


async def test_pages_are_alphabetical_and_do_not_overlap(client: httpx.AsyncClient) -> None:
    first = (await client.get(f"{API}/cities", params={"limit": 100})).json()
    assert len(first["items"]) == 100
    assert first["next_cursor"]
    second = (
        await client.get(f"{API}/cities", params={"limit": 100, "cursor": first["next_cursor"]})
    ).json()
    keys = [search_key(c["name"]) for c in first["items"] + second["items"]]
    assert keys == sorted(keys)
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}
    assert first["items"][0]["name"] == "24 de Mayo"  # digits sort before letters


async def test_filter_by_parent(client: httpx.AsyncClient) -> None:
    sierra = (await client.get(f"{API}/regions/by-code/SIERRA")).json()
    provinces = await walk(client, "/provinces", region=sierra["id"])
    assert len(provinces) == 10
    assert all(p["region_id"] == sierra["id"] for p in provinces)

    guayas = (await client.get(f"{API}/provinces/by-code/09")).json()
    assert guayas["name"] == "Guayas"
    assert guayas["capital"] == "Guayaquil"
    cities = await walk(client, "/cities", province=guayas["id"])
    assert len(cities) == 25
    assert {c["code"][:2] for c in cities} == {"09"}
    capitals = [c["name"] for c in cities if c["is_capital"]]
    assert capitals == ["Guayaquil"]


@pytest.mark.parametrize(
    ("path", "q", "expected"),
    [
        ("/provinces", "canar", {"Cañar"}),
        ("/provinces", "CAÑAR", {"Cañar"}),
        ("/provinces", "  los   RIOS ", {"Los Ríos"}),
        ("/regions", "amazonia", {"Amazonía"}),
        ("/cities", "quito", {"Quito", "Puerto Quito"}),
        ("/cities", "santo domingo", {"Santo Domingo"}),
        ("/cities", "100%", set()),
        ("/cities", "_", set()),
    ],
)
async def test_search_ignores_accents_and_case(
    client: httpx.AsyncClient, path: str, q: str, expected: set[str]
) -> None:
    response = await client.get(f"{API}{path}", params={"q": q, "limit": 100})
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == expected


async def test_lookup_by_id_and_by_code_agree(client: httpx.AsyncClient) -> None:
    by_code = (await client.get(f"{API}/cities/by-code/0101")).json()
    assert by_code["name"] == "Cuenca"
    by_id = await client.get(f"{API}/cities/{by_code['id']}")
    assert by_id.json() == by_code
    azuay = (await client.get(f"{API}/provinces/{by_code['province_id']}")).json()
    assert azuay["code"] == "01"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/cities/by-code/9999", 404, "catalog_entry_not_found"),
        ("/provinces/999999", 404, "catalog_entry_not_found"),
        ("/regions/0", 422, "validation_error"),
        ("/cities/99999999999999999999", 422, "validation_error"),
        ("/cities/abc", 422, "validation_error"),
        ("/cities?province=99999999999999999999", 422, "validation_error"),
        ("/cities?limit=101", 422, "validation_error"),
        ("/cities?limit=0", 422, "validation_error"),
        ("/cities?cursor=not-a-cursor", 422, "invalid_cursor"),
        ("/cities?cursor=WyJhIl0", 422, "invalid_cursor"),
        ("/cities?cursor=WyJhIiwidHJ1ZSJd", 422, "invalid_cursor"),
        ("/cities?q=", 422, "validation_error"),
    ],
)
async def test_bad_lookups_are_clear_4xx(
    client: httpx.AsyncClient, path: str, status: int, code: str
) -> None:
    response = await client.get(f"{API}{path}")
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


async def test_unknown_parent_gives_an_empty_list(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/cities", params={"province": 999999})
    assert response.json() == {"items": [], "next_cursor": None}
