from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import Accounts
from tests.oauth.support import OAuthClients, signing_keys_restored


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


@pytest.fixture(autouse=True)
async def _restore_keys(migrated_url: str) -> AsyncIterator[None]:
    async with signing_keys_restored(migrated_url):
        yield
