from __future__ import annotations

import pytest

from tests.conftest import Accounts
from tests.oauth.support import OAuthClients


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)
