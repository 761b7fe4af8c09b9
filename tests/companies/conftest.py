from __future__ import annotations

from typing import Any

import httpx

COMPANIES = "/api/v1/companies"


async def create_company(
    client: httpx.AsyncClient, headers: dict[str, str], name: str = "Acme Ñandú", **extra: Any
) -> dict[str, Any]:
    body = {"name": name, "kind": "real_nacional"} | extra
    response = await client.post(COMPANIES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def invite(
    client: httpx.AsyncClient, headers: dict[str, str], company: str, email: str, role: str
) -> dict[str, Any]:
    response = await client.post(
        f"{COMPANIES}/{company}/invitations", json={"email": email, "role": role}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def join(
    client: httpx.AsyncClient,
    owner: dict[str, str],
    member: dict[str, str],
    company: str,
    username: str,
    role: str,
) -> None:
    """Invite `username` (at username@example.com) and accept as them."""
    invitation = await invite(client, owner, company, f"{username}@example.com", role)
    response = await client.post(
        "/api/v1/company-invitations/accept", json={"token": invitation["token"]}, headers=member
    )
    assert response.status_code == 200, response.text
