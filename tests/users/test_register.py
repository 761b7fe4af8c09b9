from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.models.audit_event import AuditEvent
from aurum.models.user import User
from tests.conftest import PASSWORD, Accounts
from tests.statements import statements_sent

REGISTER = "/api/v1/users/register"
ME = "/api/v1/users/me"


def body(username: str = "juan", **extra: object) -> dict[str, object]:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        "full_name": "Juan Pérez",
    } | extra


async def test_register_accepts_and_the_account_signs_in(accounts: Accounts) -> None:
    """The seed's flow: register, sign in, read the profile."""
    response = await accounts.client.post(REGISTER, json=body(disabled=False))
    assert response.status_code == 201
    data = response.json()
    assert data["username"] == "juan"
    assert data["email"] == "juan@example.com"
    assert data["full_name"] == "Juan Pérez"
    assert not {"password", "password_hash", "hashed_password", "id"} & data.keys()
    me = (await accounts.client.get(ME, headers=await accounts.headers("juan"))).json()
    assert me["role"] == "user"
    assert me["disabled"] is False
    assert me["email_verified_at"] is None


async def test_register_cannot_choose_its_role(accounts: Accounts) -> None:
    response = await accounts.client.post(REGISTER, json=body(role="admin"))
    assert response.status_code == 201
    me = await accounts.client.get(ME, headers=await accounts.headers("juan"))
    assert me.json()["role"] == "user"


async def test_a_taken_username_conflicts_ignoring_case(client: httpx.AsyncClient) -> None:
    """Usernames are public (any member can look one up), so saying so reveals nothing."""
    assert (await client.post(REGISTER, json=body())).status_code == 201
    response = await client.post(REGISTER, json=body("JUAN", email="other@example.com"))
    assert response.status_code == 409
    assert response.json()["error"] == "username_taken"


async def test_a_taken_email_is_not_revealed(accounts: Accounts) -> None:
    """The same status and body as a fresh sign-up; the existing account is untouched."""
    await accounts.register("juan")
    fresh = await accounts.client.post(REGISTER, json=body("ana"))
    taken = await accounts.client.post(REGISTER, json=body("other", email="Juan@Example.COM"))
    assert fresh.status_code == taken.status_code == 201
    # The body echoes the request, nothing else: only the fields sent differ.
    assert fresh.json() | {"username": "other", "email": "juan@example.com"} == taken.json()
    # No account was made, and juan still signs in with his own password.
    denied = await accounts.client.post(
        "/api/v1/token", data={"username": "other", "password": PASSWORD}
    )
    assert denied.status_code == 401
    await accounts.login("juan")


async def test_concurrent_registrations_of_one_username(client: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(
        client.post(REGISTER, json=body("racer", email="a@example.com")),
        client.post(REGISTER, json=body("Racer", email="b@example.com")),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"] == "username_taken"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"username": "a b"}, "username"),
        ({"username": "me"}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"full_name": ""}, "full_name"),
        ({"password": ""}, "password"),
    ],
)
async def test_malformed_input_is_422(
    client: httpx.AsyncClient, changes: dict[str, object], field: str
) -> None:
    response = await client.post(REGISTER, json=body() | changes)
    assert response.status_code == 422
    data = response.json()
    assert data["error"] == "validation_error"
    assert any(field in detail["loc"] for detail in data["details"])


async def test_short_password_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json=body(password="short"))
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_short"


@pytest.mark.parametrize("length", [80, 1000])
async def test_long_passwords_work_whole(accounts: Accounts, length: int) -> None:
    password = ("ñ" + "x" * 9) * (length // 10)
    assert len(password) == length
    await accounts.register("longpass", password=password)
    await accounts.login("longpass", password)
    # Every character counts: the same password cut at bcrypt's 72 bytes is wrong.
    response = await accounts.client.post(
        "/api/v1/token",
        data={"username": "longpass", "password": password.encode()[:72].decode(errors="ignore")},
    )
    assert response.status_code == 401


async def test_password_over_the_maximum_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json=body(password="x" * 1025))
    assert response.status_code == 422
    assert response.json()["error"] == "password_too_long"


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b"{", b'{"username": 5}', b"\xff\xfe"],
)
async def test_garbage_bodies_are_422(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post(
        REGISTER, content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def audit_trail(state: AppState) -> list[tuple[str, uuid.UUID | None]]:
    async with state.sessionmaker() as db:
        query = select(AuditEvent.event_type, AuditEvent.subject_id).order_by(
            AuditEvent.occurred_at
        )
        return [(row[0], row[1]) for row in await db.execute(query)]


async def test_sign_ups_are_audited_but_a_refused_one(
    client: httpx.AsyncClient, state: AppState
) -> None:
    """A new account and a taken email (silently) are events; a taken username (409) is not."""
    assert (await client.post(REGISTER, json=body())).status_code == 201
    taken_email = body("other", email="juan@example.com")
    assert (await client.post(REGISTER, json=taken_email)).status_code == 201
    taken_username = body("JUAN", email="ana@example.com")
    assert (await client.post(REGISTER, json=taken_username)).status_code == 409
    async with state.sessionmaker() as db:
        juan = await db.scalar(select(User.id).where(User.username == "juan"))
    assert await audit_trail(state) == [
        ("user.registered", juan),
        ("user.registration_conflict", None),
    ]


async def test_a_sign_up_writes_in_one_statement_of_the_driver_on_postgresql(
    client: httpx.AsyncClient, state: AppState
) -> None:
    """On SQLite, in the request's transaction through SQLAlchemy."""
    async with statements_sent(state) as sent:
        assert (await client.post(REGISTER, json=body())).status_code == 201
        await state.jobs.drain()  # its email job reads and writes through SQLAlchemy
    by_driver = [query for query in sent.by_driver if "INSERT INTO users" in query]
    through_sqlalchemy = [q for q in sent.through_sqlalchemy if "INSERT INTO users" in q]
    if state.engine.dialect.name != "postgresql":
        assert (by_driver, len(through_sqlalchemy)) == ([], 1)
        return
    assert len(by_driver) == 1
    assert by_driver[0].startswith("WITH created AS")  # the account, its event, the answer
    assert not through_sqlalchemy
