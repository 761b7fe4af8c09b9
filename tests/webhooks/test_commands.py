"""Changes made with `aurum` publish their events too: the command writes the delivery
jobs, and the service's runner sends them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aurum.app_state import AppState
from tests.conftest import Accounts
from tests.test_cli import aurum
from tests.webhooks.conftest import Webhooks
from tests.webhooks.receiver import Receiver


async def test_a_command_queues_its_events_for_the_service(
    accounts: Accounts,
    webhooks: Webhooks,
    receiver: Receiver,
    state: AppState,
    migrated_url: str,
    tmp_path: Path,
) -> None:
    endpoint = await webhooks.register(receiver.url, ["user.disabled", "user.enabled"])
    juan = await accounts.register("juan")
    result = await asyncio.to_thread(
        aurum,
        tmp_path,
        "users",
        "disable",
        "juan",
        DATABASE_URL=migrated_url,
        AUTO_MIGRATE="false",
        SECRET_KEY=state.settings.secret_key.get_secret_value(),
    )
    assert result.returncode == 0, result.stderr
    await state.jobs.drain()  # the service's runner finds the command's job

    [body] = receiver.verified(endpoint["secret"])
    assert (body["type"], body["data"]) == ("user.disabled", {"user_id": juan["id"]})
