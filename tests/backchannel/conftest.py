from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.backchannel.receiver import Receiver, receiver_up
from tests.conftest import Accounts
from tests.oauth.support import OAuthClients


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiver_up() as running:
        yield running
