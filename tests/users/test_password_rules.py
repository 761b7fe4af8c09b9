"""Password rules (NIST SP 800-63B): length, common passwords, not built on your names,
and no composition rules."""

from __future__ import annotations

import httpx
import pytest

from aurum.users.password_rules import common_passwords
from tests.conftest import PASSWORD, Accounts
from tests.error_bodies import error_body

REGISTER = "/api/v1/users/register"


def body(password: str, username: str = "juanperez") -> dict[str, str]:
    return {"username": username, "email": "jperez@example.com", "password": password}


def test_the_shipped_list_is_large_enough() -> None:
    passwords = common_passwords()
    assert len(passwords) >= 10_000
    assert {"password", "iloveyou", "qwertyuiop", "123456789"} <= passwords


@pytest.mark.parametrize(
    "password", ["password1", "PASSWORD1", "iloveyou2", "qwertyuiop", " 1234567890 "]
)
async def test_common_passwords_are_refused(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post(REGISTER, json=body(password))
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_common"


@pytest.mark.parametrize(
    "password",
    [
        "juanperez",
        "JuanPerez2024",
        "juanperez!!!",
        "jperez@example.com",
        "jperez123456",
        "juanperezpassword",  # what is left is itself common
    ],
)
async def test_passwords_built_on_own_names_are_refused(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await client.post(REGISTER, json=body(password))
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_similar"


@pytest.mark.parametrize(
    "password",
    [
        "juanperez rides a blue bicycle",  # the name is in it, but so is a passphrase
        "tiger lemon orchard",  # lowercase words only: no composition rules
        "12345678901234567890123",  # digits only, but not a listed one
        "contraseña del ecuador",
    ],
)
async def test_other_passwords_are_accepted(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post(REGISTER, json=body(password))
    assert response.status_code == 201, response.text


async def test_sixty_four_characters_and_spaces_are_allowed(accounts: Accounts) -> None:
    password = "   " + "a quiet river runs under the old stone bridge, " + "x" * 14
    assert len(password) == 64
    await accounts.register("juan", password=password)
    await accounts.login("juan", password)
    response = await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": password.strip()}
    )
    assert response.status_code == 401  # every character counts, spaces too


async def test_a_changed_password_follows_the_rules(accounts: Accounts) -> None:
    headers = await accounts.user("juan")
    for new_password, code in (
        ("iloveyou1", "password_too_common"),
        ("juan12345", "password_too_similar"),
    ):
        response = await accounts.client.post(
            "/api/v1/users/me/change-password",
            json={"old_password": PASSWORD, "new_password": new_password},
            headers=headers,
        )
        assert response.status_code == 422
        assert response.json()["error"] == code
    await accounts.login("juan")


async def test_admins_follow_the_rules_too(accounts: Accounts) -> None:
    admin = await accounts.admin()
    response = await accounts.client.post(
        "/api/v1/users",
        json={"username": "ana", "email": "ana@example.com", "password": "password123"},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_common"


async def test_messages_in_spanish(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER, json=body("password1"), headers={"Accept-Language": "es"}
    )
    assert error_body(response) == {
        "error": "password_too_common",
        "message": "Esta contraseña es demasiado común. Elige una más difícil de adivinar.",
    }
