"""Values a database cannot store (a NUL character in PostgreSQL text) are bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import Accounts
from tests.error_bodies import error_body


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


DEEP_JSON = b"[" * 30_000 + b"]" * 30_000  # under the 64 KiB body limit


@pytest.mark.parametrize(
    ("path", "content", "content_type"),
    [
        # Bodies read as form or JSON: json.loads raised RecursionError (a 500).
        ("/api/v1/token", DEEP_JSON, "application/json"),
        ("/api/v1/logout", DEEP_JSON, "application/json"),
        # Bodies FastAPI parses: a 400 `http_error` with the framework's English text.
        ("/api/v1/users/register", DEEP_JSON, "application/json"),
        ("/api/v1/token", b"username=a&password=b", "multipart/form-data"),
    ],
)
async def test_a_body_that_cannot_be_parsed_is_a_validation_error(
    accounts: Accounts, path: str, content: bytes, content_type: str
) -> None:
    response = await accounts.client.post(
        path, content=content, headers={"Content-Type": content_type, "Accept-Language": "es"}
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["message"] == "La solicitud está mal formada o tiene campos no válidos."
    assert body["details"][0]["loc"] == ["body"]


async def test_a_body_over_a_mebibyte_is_refused_unread(accounts: Accounts) -> None:
    """Bodies are parsed on the event loop: a huge one would stall every other request."""
    big = b'{"username": "juan", "email": "juan@example.com", "password": "' + b"x" * 2**20
    response = await accounts.client.post(
        "/api/v1/users/register", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert error_body(response) == {
        "error": "payload_too_large",
        "message": "The request body is too large.",
    }

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 50_000

    for path in ("/api/v1/users/register", "/api/v1/token"):
        response = await accounts.client.post(
            path, content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "payload_too_large"
