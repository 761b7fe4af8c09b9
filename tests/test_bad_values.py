"""Values a database cannot store (a NUL character in PostgreSQL text) are bad input."""

from __future__ import annotations

import pytest

from tests.conftest import Accounts


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cities?q=a%00b",
        "/api/v1/companies?q=a%00b",
        "/api/v1/companies?industry=a%00b",
        "/api/v1/companies/a%00b",
        "/api/v1/companies/a%00b/members",
        "/api/v1/cities/by-code/a%00",
        "/api/v1/users/a%00b",
        "/api/v1/users/a%00b/xp",
    ],
)
async def test_a_nul_character_is_a_client_error(accounts: Accounts, path: str) -> None:
    headers = await accounts.user("juan")
    response = await accounts.client.get(path, headers=headers)
    # Searches ignore control characters; filters and lookups find nothing, or refuse it.
    if "q=" in path:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code in {200 if "?" in path else 404, 422}, response.text
    # The request's failure left the service working.
    assert (await accounts.client.get("/api/v1/users/me", headers=headers)).status_code == 200
