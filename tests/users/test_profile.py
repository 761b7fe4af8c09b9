"""The extended profile: gender, birth date and a location from the catalogs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Accounts

ME = "/api/v1/users/me"


async def ids(client: httpx.AsyncClient, city_code: str) -> dict[str, Any]:
    """region_id, province_id and city_id of a canton, by its INEC code."""
    city = (await client.get(f"/api/v1/cities/by-code/{city_code}")).json()
    province = (await client.get(f"/api/v1/provinces/{city['province_id']}")).json()
    return {
        "region_id": province["region_id"],
        "province_id": province["id"],
        "city_id": city["id"],
    }


def location(profile: dict[str, Any]) -> dict[str, int | None]:
    return {key: profile[key] for key in ("region_id", "province_id", "city_id")}


async def test_a_city_alone_fills_in_its_province_and_region(accounts: Accounts) -> None:
    cuenca = await ids(accounts.client, "0101")
    await accounts.register(
        "juan", city_id=cuenca["city_id"], gender="masculino", birth_date="2001-05-17"
    )
    profile = await accounts.profile("juan")
    assert location(profile) == cuenca
    assert profile["gender"] == "masculino"
    assert profile["birth_date"] == "2001-05-17"
    assert profile["xp_total"] == 0
    assert profile["level"] == 1


async def test_a_full_consistent_location_is_accepted(accounts: Accounts) -> None:
    quito = await ids(accounts.client, "1701")
    await accounts.register("ana", **quito)
    assert location(await accounts.profile("ana")) == quito


async def test_the_profile_is_private(accounts: Accounts) -> None:
    quito = await ids(accounts.client, "1701")
    await accounts.register("ana", **quito, gender="femenino", birth_date="1999-01-01")
    headers = await accounts.user("juan")
    ana = (await accounts.client.get("/api/v1/users/ana", headers=headers)).json()
    assert set(ana) == {"username", "full_name", "xp_total", "level"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"city": "0101", "province": "17"}, "location_mismatch"),
        ({"city": "0101", "region": "COSTA"}, "location_mismatch"),
        ({"province": "09", "region": "SIERRA"}, "location_mismatch"),
        ({"city_id": 999_999}, "unknown_city"),
        ({"province_id": 999_999}, "unknown_province"),
        ({"region_id": 999_999}, "unknown_region"),
    ],
)
async def test_inconsistent_or_unknown_locations_are_refused(
    accounts: Accounts, fields: dict[str, Any], code: str
) -> None:
    body = await resolve_codes(accounts.client, fields)
    response = await accounts.client.post(
        "/api/v1/users/register",
        json={"username": "juan", "email": "juan@example.com", "password": "x" * 12} | body,
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code


async def resolve_codes(client: httpx.AsyncClient, fields: dict[str, Any]) -> dict[str, Any]:
    body = {key: value for key, value in fields.items() if key.endswith("_id")}
    for kind, path in (("city", "cities"), ("province", "provinces"), ("region", "regions")):
        if kind in fields:
            entry = (await client.get(f"/api/v1/{path}/by-code/{fields[kind]}")).json()
            body[f"{kind}_id"] = entry["id"]
    return body


@pytest.mark.parametrize(
    "fields",
    [
        {"gender": "male"},
        {"gender": ""},
        {"birth_date": (datetime.now(UTC) + timedelta(days=2)).date().isoformat()},
        {"birth_date": "1899-12-31"},
        {"birth_date": "2001-02-30"},
        {"locale": "fr"},
        {"locale": "ES"},
        {"city_id": 0},
        {"city_id": 2**40},
        {"city_id": "quito"},
    ],
)
async def test_malformed_profile_fields_are_422(
    client: httpx.AsyncClient, fields: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/v1/users/register",
        json={"username": "juan", "email": "juan@example.com", "password": "x" * 12} | fields,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_xp_and_level_are_read_only(accounts: Accounts) -> None:
    await accounts.register("juan", xp_total=5000, level=9)
    profile = await accounts.profile("juan")
    assert (profile["xp_total"], profile["level"]) == (0, 1)
    headers = await accounts.headers("juan")
    for field in ({"xp_total": 5000}, {"level": 9}):
        response = await accounts.client.patch(ME, json=field, headers=headers)
        assert response.status_code == 422


@pytest.mark.parametrize(("method", "path"), [("PUT", f"{ME}/update"), ("PATCH", ME)])
async def test_profile_updates(accounts: Accounts, method: str, path: str) -> None:
    client = accounts.client
    cuenca, gualaceo, quito = [await ids(client, code) for code in ("0101", "0103", "1701")]
    await accounts.register("juan", city_id=cuenca["city_id"])
    headers = await accounts.headers("juan")

    async def update(body: dict[str, Any]) -> dict[str, Any]:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    # The same province: the city stays. Another province: the city no longer fits.
    assert location(await update({"province_id": cuenca["province_id"]})) == cuenca
    moved = await update({"province_id": quito["province_id"]})
    assert location(moved) == quito | {"city_id": None}
    assert location(await update({"city_id": gualaceo["city_id"]})) == gualaceo
    # Only the fields sent change; null clears a level and the levels under it.
    assert location(await update({"gender": "otro"})) == gualaceo
    assert location(await update({"city_id": None})) == gualaceo | {"city_id": None}
    await update({"city_id": gualaceo["city_id"]})
    cleared = await update({"province_id": None, "birth_date": None, "gender": None})
    assert location(cleared) == {
        "region_id": gualaceo["region_id"],
        "province_id": None,
        "city_id": None,
    }
    assert cleared["gender"] is None
    assert location(await update({"region_id": quito["region_id"]})) == location(cleared)
    assert location(await update({"region_id": None})) == dict.fromkeys(location(cleared))


async def test_a_region_change_clears_what_no_longer_fits(accounts: Accounts) -> None:
    cuenca = await ids(accounts.client, "0101")
    guayaquil = await ids(accounts.client, "0901")
    await accounts.register("juan", city_id=cuenca["city_id"])
    headers = await accounts.headers("juan")
    response = await accounts.client.patch(
        ME, json={"region_id": guayaquil["region_id"]}, headers=headers
    )
    assert location(response.json()) == {
        "region_id": guayaquil["region_id"],
        "province_id": None,
        "city_id": None,
    }


async def test_an_update_with_a_mismatch_changes_nothing(accounts: Accounts) -> None:
    cuenca = await ids(accounts.client, "0101")
    quito = await ids(accounts.client, "1701")
    await accounts.register("juan", city_id=cuenca["city_id"])
    headers = await accounts.headers("juan")
    response = await accounts.client.patch(
        ME,
        json={"city_id": quito["city_id"], "province_id": cuenca["province_id"], "gender": "otro"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "location_mismatch"
    me = (await accounts.client.get(ME, headers=headers)).json()
    assert location(me) == cuenca
    assert me["gender"] is None


async def test_the_preferred_language_is_set_changed_and_cleared(accounts: Accounts) -> None:
    await accounts.register("juan", locale="es")
    assert (await accounts.profile("juan"))["locale"] == "es"
    headers = await accounts.headers("juan")
    for sent, kept in (("en", "en"), (None, None)):
        response = await accounts.client.patch(ME, json={"locale": sent}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["locale"] == kept
    refused = await accounts.client.patch(ME, json={"locale": "pt"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["error"] == "validation_error"
