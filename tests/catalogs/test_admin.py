"""Catalog writes: admins only; codes unique; entries in use cannot be deleted."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Accounts

API = "/api/v1"


async def by_code(client: httpx.AsyncClient, path: str, code: str) -> dict[str, int | str]:
    response = await client.get(f"{API}/{path}/by-code/{code}")
    assert response.status_code == 200
    result: dict[str, int | str] = response.json()
    return result


async def test_writes_need_an_admin(accounts: Accounts) -> None:
    body = {"code": "NUEVA", "name": "Nueva"}
    assert (await accounts.client.post(f"{API}/regions", json=body)).status_code == 401
    headers = await accounts.user("juan")
    for method, path in (("POST", "/regions"), ("PATCH", "/regions/1"), ("DELETE", "/regions/1")):
        response = await accounts.client.request(method, f"{API}{path}", json=body, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"


async def test_admins_add_rename_and_delete_entries(accounts: Accounts) -> None:
    admin = await accounts.admin()
    client = accounts.client
    sierra = await by_code(client, "regions", "SIERRA")
    province = await client.post(
        f"{API}/provinces",
        json={"code": "30", "name": "Provincia Ñueva", "region_id": sierra["id"]},
        headers=admin,
    )
    assert province.status_code == 201, province.text
    province_id = province.json()["id"]
    city = await client.post(
        f"{API}/cities",
        json={"code": "3001", "name": "Villa Ñandú", "province_id": province_id},
        headers=admin,
    )
    assert city.status_code == 201, city.text
    found = (await client.get(f"{API}/cities", params={"q": "nandu"})).json()["items"]
    assert [c["code"] for c in found] == ["3001"]

    renamed = await client.patch(
        f"{API}/cities/{city.json()['id']}", json={"name": "Villa Érica"}, headers=admin
    )
    assert renamed.json()["name"] == "Villa Érica"
    found = (await client.get(f"{API}/cities", params={"q": "ERICA"})).json()["items"]
    assert [c["code"] for c in found] == ["3001"]

    in_use = await client.delete(f"{API}/provinces/{province_id}", headers=admin)
    assert in_use.status_code == 409
    assert in_use.json()["error"] == "catalog_entry_in_use"
    assert (
        await client.delete(f"{API}/cities/{city.json()['id']}", headers=admin)
    ).status_code == 204
    assert (await client.delete(f"{API}/provinces/{province_id}", headers=admin)).status_code == 204
    assert (await client.get(f"{API}/provinces/{province_id}")).status_code == 404


async def test_a_city_in_a_profile_cannot_be_deleted(accounts: Accounts) -> None:
    admin = await accounts.admin()
    cuenca = await by_code(accounts.client, "cities", "0101")
    await accounts.register("juan", city_id=cuenca["id"])
    response = await accounts.client.delete(f"{API}/cities/{cuenca['id']}", headers=admin)
    assert response.status_code == 409
    assert response.json()["error"] == "catalog_entry_in_use"


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/regions", {"code": "COSTA", "name": "Otra"}, 409, "catalog_code_taken"),
        ("/provinces", {"code": "09", "name": "Otra", "region_id": 1}, 409, "catalog_code_taken"),
        ("/provinces", {"code": "31", "name": "Otra", "region_id": 999_999}, 422, "unknown_region"),
        (
            "/cities",
            {"code": "9901", "name": "Otra", "province_id": 999_999},
            422,
            "unknown_province",
        ),
        ("/regions", {"code": "costa", "name": "Otra"}, 422, "validation_error"),
        ("/provinces", {"code": "1", "name": "Otra", "region_id": 1}, 422, "validation_error"),
        ("/cities", {"code": "0101", "name": "", "province_id": 1}, 422, "validation_error"),
        ("/regions", {"code": "NUEVA", "name": "Otra", "id": 7}, 422, "validation_error"),
    ],
)
async def test_bad_writes_are_clear_4xx(
    accounts: Accounts, path: str, body: dict[str, object], status: int, code: str
) -> None:
    admin = await accounts.admin()
    response = await accounts.client.post(f"{API}{path}", json=body, headers=admin)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


async def test_a_city_code_starts_with_its_province_code(accounts: Accounts) -> None:
    admin = await accounts.admin()
    azuay = await by_code(accounts.client, "provinces", "01")
    response = await accounts.client.post(
        f"{API}/cities",
        json={"code": "0999", "name": "Otra", "province_id": azuay["id"]},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "city_code_mismatch"


async def test_users_follow_a_city_that_moves_to_another_province(accounts: Accounts) -> None:
    """As La Concordia did (Esmeraldas → Santo Domingo de los Tsáchilas)."""
    admin = await accounts.admin()
    client = accounts.client
    sierra = await by_code(client, "regions", "SIERRA")
    province = (
        await client.post(
            f"{API}/provinces",
            json={"code": "32", "name": "Destino", "region_id": sierra["id"]},
            headers=admin,
        )
    ).json()
    costa_city = await by_code(client, "cities", "0901")  # Guayaquil, in the Costa
    moving = (
        await client.post(
            f"{API}/cities",
            json={"code": "0930", "name": "Mudanza", "province_id": costa_city["province_id"]},
            headers=admin,
        )
    ).json()
    await accounts.register("juan", city_id=moving["id"])

    response = await client.patch(
        f"{API}/cities/{moving['id']}",
        json={"province_id": province["id"], "code": "3230"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    juan = (await client.get(f"{API}/users/juan", headers=admin)).json()
    assert (juan["region_id"], juan["province_id"], juan["city_id"]) == (
        sierra["id"],
        province["id"],
        moving["id"],
    )
