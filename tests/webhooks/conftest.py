from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Accounts
from tests.webhooks.receiver import Receiver, running_receiver

WEBHOOKS = "/api/v1/webhooks"
ALL_EVENTS = [
    "user.created",
    "user.updated",
    "user.deleted",
    "user.disabled",
    "user.enabled",
    "company.created",
    "company.deleted",
    "company.member.added",
    "company.member.removed",
    "company.member.role_changed",
    "xp.awarded",
    "session.revoked",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


class Webhooks:
    """Registers endpoints through the admin API."""

    def __init__(self, client: httpx.AsyncClient, accounts: Accounts) -> None:
        self.client = client
        self.accounts = accounts
        self._admin: dict[str, str] | None = None

    async def admin(self) -> dict[str, str]:
        if self._admin is None:
            self._admin = await self.accounts.admin()
        return self._admin

    async def register(
        self, url: str, events: list[str] | None = None, **extra: Any
    ) -> dict[str, Any]:
        body = {"url": url, "event_types": events or ALL_EVENTS, **extra}
        response = await self.client.post(WEBHOOKS, json=body, headers=await self.admin())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def messages(self, webhook_id: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"{WEBHOOKS}/{webhook_id}/messages", params=params, headers=await self.admin()
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def message(self, webhook_id: str, message_id: str) -> dict[str, Any]:
        response = await self.client.get(
            f"{WEBHOOKS}/{webhook_id}/messages/{message_id}", headers=await self.admin()
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture
def webhooks(client: httpx.AsyncClient, accounts: Accounts) -> Webhooks:
    return Webhooks(client, accounts)
