"""Companies: create, read, search, update, soft delete; names and slugs unique."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.companies.conftest import COMPANIES, create_company
from tests.conftest import Accounts


async def test_creator_becomes_owner_and_the_slug_comes_from_the_name(
    accounts: Accounts,
) -> None:
    juan = await accounts.user("juan")
    company = await create_company(
        accounts.client,
        juan,
        "Café Ñandú & Hijos S.A.",
        industry="Alimentos",
        website="https://cafe-nandu.ec",
        social_links={"linkedin": "https://www.linkedin.com/company/cafe-nandu"},
        contact_email="Contacto@Cafe-Nandu.EC",
    )
    assert company["slug"] == "cafe-nandu-hijos-s-a"
    assert company["country"] == "EC"
    assert company["kind"] == "real_nacional"
    assert company["verified"] is False
    assert company["active"] is True
    assert company["partnership_tier"] == "none"
    assert company["contact_email"] == "contacto@cafe-nandu.ec"
    assert company["social_links"] == {"linkedin": "https://www.linkedin.com/company/cafe-nandu"}

    mine = (await accounts.client.get("/api/v1/users/me/companies", headers=juan)).json()
    assert [(m["company"]["slug"], m["role"]) for m in mine["items"]] == [
        ("cafe-nandu-hijos-s-a", "owner")
    ]
    assert "manage_owners" in mine["items"][0]["permissions"]

    for ref in (company["id"], company["slug"]):
        response = await accounts.client.get(f"{COMPANIES}/{ref}", headers=juan)
        assert response.status_code == 200
        assert response.json() == company


@pytest.mark.parametrize(
    "second",
    ["acme ñandú", "ACME NANDU", "  Acme   Nandú "],
)
async def test_names_are_unique_ignoring_case_and_accents(accounts: Accounts, second: str) -> None:
    juan = await accounts.user("juan")
    await create_company(accounts.client, juan, "Acme Ñandú")
    response = await accounts.client.post(
        COMPANIES, json={"name": second, "kind": "ficticia_educativa"}, headers=juan
    )
    assert response.status_code == 409
    assert response.json()["error"] == "company_name_taken"


async def test_concurrent_creations_of_one_name(accounts: Accounts) -> None:
    ana = await accounts.user("ana")
    juan = await accounts.user("juan")
    responses = await asyncio.gather(
        accounts.client.post(
            COMPANIES, json={"name": "Carrera", "kind": "real_nacional"}, headers=ana
        ),
        accounts.client.post(
            COMPANIES, json={"name": "CARRERÁ", "kind": "real_nacional"}, headers=juan
        ),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"] == "company_name_taken"
    listing = (await accounts.client.get(COMPANIES, params={"q": "carrera"}, headers=ana)).json()
    assert len(listing["items"]) == 1


async def test_generated_slugs_avoid_taken_ones(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    first = await create_company(accounts.client, juan, "Andes Tech")
    second = await create_company(accounts.client, juan, "Andes-Tech!")
    third = await create_company(accounts.client, juan, "Roles", slug=None)
    assert first["slug"] == "andes-tech"
    assert second["slug"] == "andes-tech-2"
    assert third["slug"] == "roles-empresa"


async def test_an_explicit_slug_is_validated_and_unique(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    await create_company(accounts.client, juan, "Uno", slug="mi-empresa")
    taken = await accounts.client.post(
        COMPANIES, json={"name": "Dos", "kind": "real_nacional", "slug": "mi-empresa"}, headers=juan
    )
    assert taken.status_code == 409
    assert taken.json()["error"] == "slug_taken"


@pytest.mark.parametrize(
    "changes",
    [
        {"slug": "Mi-Empresa"},
        {"slug": "mi--empresa"},
        {"slug": "-mi"},
        {"slug": "mi empresa"},
        {"slug": "x"},
        {"slug": "roles"},
        {"slug": "123e4567-e89b-12d3-a456-426614174000"},
        {"slug": "a" * 65},
        {"name": "A"},
        {"name": "x" * 121},
        {"kind": "startup"},
        {"kind": None},
        {"website": "javascript:alert(1)"},
        {"website": "ftp://example.com"},
        {"social_links": {"myspace": "https://myspace.com/x"}},
        {"social_links": {"linkedin": "not a url"}},
        {"contact_email": "nope"},
        {"country": "ECU"},
        {"city_id": 0},
        {"verified": True},
        {"partnership_tier": "gold"},
        {"owner": "juan"},
    ],
)
async def test_malformed_companies_are_422(accounts: Accounts, changes: dict[str, Any]) -> None:
    juan = await accounts.user("juan")
    body = {"name": "Buena", "kind": "real_nacional"} | changes
    response = await accounts.client.post(COMPANIES, json=body, headers=juan)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


async def test_city_comes_from_the_catalog_and_only_in_ecuador(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    cuenca = (await accounts.client.get("/api/v1/cities/by-code/0101")).json()
    company = await create_company(accounts.client, juan, "Austral", city_id=cuenca["id"])
    assert company["city_id"] == cuenca["id"]

    unknown = await accounts.client.post(
        COMPANIES, json={"name": "Otra", "kind": "real_nacional", "city_id": 999_999}, headers=juan
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "unknown_city"
    abroad = await accounts.client.post(
        COMPANIES,
        json={
            "name": "Global",
            "kind": "real_internacional",
            "country": "pe",
            "city_id": cuenca["id"],
        },
        headers=juan,
    )
    assert abroad.status_code == 422
    assert abroad.json()["error"] == "city_requires_ecuador"
    moved = await accounts.client.patch(
        f"{COMPANIES}/{company['slug']}", json={"country": "PE"}, headers=juan
    )
    assert moved.json()["error"] == "city_requires_ecuador"
    moved = await accounts.client.patch(
        f"{COMPANIES}/{company['slug']}", json={"country": "pe", "city_id": None}, headers=juan
    )
    assert moved.status_code == 200
    assert (moved.json()["country"], moved.json()["city_id"]) == ("PE", None)


async def test_owner_updates_and_platform_admin_verifies(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    admin = await accounts.admin()
    company = await create_company(accounts.client, juan, "Andes")
    path = f"{COMPANIES}/{company['id']}"

    response = await accounts.client.patch(
        path,
        json={"name": "Andes Digital", "slug": "andes-digital", "short_description": "Software"},
        headers=juan,
    )
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == "andes-digital"
    assert response.json()["short_description"] == "Software"
    assert (await accounts.client.get(f"{COMPANIES}/andes", headers=juan)).status_code == 404

    forbidden = await accounts.client.patch(path, json={"verified": True}, headers=juan)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "admin_only_field"
    verified = await accounts.client.patch(
        path, json={"verified": True, "partnership_tier": "gold"}, headers=admin
    )
    assert (verified.json()["verified"], verified.json()["partnership_tier"]) == (True, "gold")

    cleared = await accounts.client.patch(
        path, json={"short_description": None, "name": None}, headers=juan
    )
    assert cleared.json()["short_description"] is None
    assert cleared.json()["name"] == "Andes Digital"


async def test_renaming_to_a_taken_name_or_slug_conflicts(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    await create_company(accounts.client, juan, "Primera")
    second = await create_company(accounts.client, juan, "Segunda")
    path = f"{COMPANIES}/{second['slug']}"
    name = await accounts.client.patch(path, json={"name": "PRIMERA"}, headers=juan)
    assert name.json()["error"] == "company_name_taken"
    slug = await accounts.client.patch(path, json={"slug": "primera"}, headers=juan)
    assert slug.json()["error"] == "slug_taken"
    same = await accounts.client.patch(
        path, json={"name": "segunda", "slug": "segunda"}, headers=juan
    )
    assert same.status_code == 200


async def test_soft_delete_hides_the_company_and_frees_its_name(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    admin = await accounts.admin()
    company = await create_company(accounts.client, juan, "Efímera")
    path = f"{COMPANIES}/{company['slug']}"
    assert (await accounts.client.delete(path, headers=juan)).status_code == 204
    for headers in (juan, admin):
        assert (await accounts.client.get(path, headers=headers)).status_code == 404
        assert (await accounts.client.patch(path, json={}, headers=headers)).status_code == 404
    listing = (await accounts.client.get(COMPANIES, headers=juan)).json()
    assert listing["items"] == []
    mine = (await accounts.client.get("/api/v1/users/me/companies", headers=juan)).json()
    assert mine["items"] == []

    again = await create_company(accounts.client, juan, "Efímera")
    assert again["slug"] == "efimera-2"  # the old slug stays reserved


async def test_only_owners_delete(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    ana = await accounts.user("ana")
    company = await create_company(accounts.client, juan, "Firme")
    response = await accounts.client.delete(f"{COMPANIES}/{company['slug']}", headers=ana)
    assert response.status_code == 404  # ana is not a member: she learns nothing


async def test_search_filters_and_pages(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    names = ["Ñandú Labs", "Nandutí Textiles", "Cóndor", "Colibrí", "Oso Andino"]
    for i, name in enumerate(names):
        await create_company(
            accounts.client, juan, name, kind="ficticia_educativa" if i % 2 else "real_nacional"
        )
    found = await accounts.client.get(COMPANIES, params={"q": "NANDU"}, headers=juan)
    assert [c["name"] for c in found.json()["items"]] == ["Ñandú Labs", "Nandutí Textiles"]
    kind = await accounts.client.get(COMPANIES, params={"kind": "ficticia_educativa"}, headers=juan)
    assert {c["name"] for c in kind.json()["items"]} == {"Nandutí Textiles", "Colibrí"}

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await accounts.client.get(COMPANIES, params=params, headers=juan)).json()
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Colibrí", "Cóndor", "Ñandú Labs", "Nandutí Textiles", "Oso Andino"]

    for params in ({"limit": 101}, {"cursor": "bad"}, {"kind": "x"}, {"city_id": 2**40}):
        response = await accounts.client.get(COMPANIES, params=params, headers=juan)
        assert response.status_code == 422


async def test_inactive_companies_are_private_to_members(accounts: Accounts) -> None:
    juan = await accounts.user("juan")
    ana = await accounts.user("ana")
    admin = await accounts.admin()
    company = await create_company(accounts.client, juan, "Discreta")
    path = f"{COMPANIES}/{company['slug']}"
    assert (await accounts.client.get(path, headers=ana)).status_code == 200
    await accounts.client.patch(path, json={"active": False}, headers=juan)

    hidden = await accounts.client.get(path, headers=ana)
    assert hidden.status_code == 404
    assert hidden.json()["error"] == "company_not_found"
    assert (await accounts.client.get(COMPANIES, headers=ana)).json()["items"] == []
    assert (await accounts.client.get(path, headers=juan)).status_code == 200
    assert (await accounts.client.get(path, headers=admin)).status_code == 200
    everything = (await accounts.client.get(COMPANIES, headers=admin)).json()["items"]
    assert [c["slug"] for c in everything] == ["discreta"]


async def test_companies_need_sign_in(accounts: Accounts) -> None:
    assert (await accounts.client.get(COMPANIES)).status_code == 401
    response = await accounts.client.post(COMPANIES, json={"name": "X", "kind": "real_nacional"})
    assert response.status_code == 401


async def test_the_permission_matrix_is_published(accounts: Accounts) -> None:
    roles = {
        r["role"]: set(r["permissions"])
        for r in (await accounts.client.get(f"{COMPANIES}/roles")).json()
    }
    assert set(roles) == {"owner", "admin", "editor", "viewer"}
    assert roles["viewer"] < roles["editor"] < roles["admin"] < roles["owner"]
    assert {"manage_members", "edit_company", "view_billing", "publish_simulation"} <= roles[
        "admin"
    ]
    assert "manage_owners" not in roles["admin"]
