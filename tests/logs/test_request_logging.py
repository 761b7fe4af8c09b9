"""Request ids (kept when valid, made otherwise, returned everywhere) and the access log."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from aurum.config import LogFormat
from aurum.logs.setup import configure_logging
from tests.conftest import Accounts, AppFactory, make_settings
from tests.error_bodies import error_body
from tests.logs.capture import captured_logs
from tests.oauth.support import OAuthClients

NEW_ID = re.compile(r"[0-9a-f]{32}")


async def test_a_valid_incoming_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope", headers={"X-Request-ID": "edge-7f3a.42:1"})
    assert response.headers["x-request-id"] == "edge-7f3a.42:1"
    assert response.json()["request_id"] == "edge-7f3a.42:1"
    assert error_body(response) == {"error": "not_found", "message": "The resource was not found."}


@pytest.mark.parametrize("incoming", ["a" * 129, "two words", "<script>", "", "a\\b"])
async def test_an_unsafe_request_id_is_replaced(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/health", headers={"X-Request-ID": incoming})
    assert NEW_ID.fullmatch(response.headers["x-request-id"])


async def test_every_response_gets_a_new_id(client: httpx.AsyncClient) -> None:
    first, second = [await client.get("/health") for _ in range(2)]
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(NEW_ID.fullmatch(i) for i in ids)


async def test_an_unexpected_error_carries_the_id_too(app: FastAPI) -> None:
    async def boom() -> None:
        raise RuntimeError

    app.router.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/boom", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-500"
    assert error_body(response) == {
        "error": "internal_error",
        "message": "Something went wrong on our side.",
    }


async def test_one_access_line_per_request_with_the_caller(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    headers = await accounts.user("juan")
    user_id = (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    with captured_logs() as logs:
        await client.get("/api/v1/users/me", headers=headers | {"X-Request-ID": "r-1"})
        await client.get("/api/v1/users/me", headers={"X-Request-ID": "r-2"})
    first, second = [line for line in logs.lines() if line["event"] == "request"]
    assert first["request_id"] == "r-1"
    assert (first["route"], first["method"], first["status"]) == ("/api/v1/users/me", "GET", 200)
    assert first["user_id"] == user_id
    assert first["level"] == "info"
    assert isinstance(first["duration_ms"], float)
    assert {"timestamp", "logger"} <= first.keys()
    assert (second["request_id"], second["status"], second["user_id"]) == ("r-2", 401, None)


async def test_a_service_client_is_named_by_its_client_id(accounts: Accounts) -> None:
    clients = OAuthClients(accounts)
    billing = await clients.register("billing")
    with captured_logs() as logs:
        token = await clients.service_token(billing)
        await accounts.client.get(
            "/api/v1/oauth/userinfo", headers={"Authorization": f"Bearer {token}"}
        )
    lines = [line for line in logs.lines() if line["event"] == "request"]
    assert [line["client_id"] for line in lines] == [billing["client_id"]] * 2
    assert lines[0]["route"] == "/api/v1/oauth/token"


async def test_the_route_is_a_template_never_the_path(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    with captured_logs() as logs:
        await client.get("/verify-email", params={"token": "secret-looking-token"})
    assert "secret-looking-token" not in logs.text
    (line,) = [line for line in logs.lines() if line["event"] == "request"]
    assert line["route"] == "/verify-email"


async def test_development_lines_are_readable(client: httpx.AsyncClient) -> None:
    with captured_logs(LogFormat.CONSOLE) as logs:
        await client.get("/health", headers={"X-Request-ID": "dev-1"})
    (line,) = [line for line in logs.text.splitlines() if "request_id=dev-1" in line]
    assert "[info     ] request" in line
    assert "route=/health" in line
    assert "status=200" in line


def test_the_format_follows_the_environment() -> None:
    assert make_settings("sqlite://").log_renderer is LogFormat.CONSOLE
    production = make_settings(
        "sqlite://",
        environment="production",
        public_base_url="https://app.example",
        smtp_host="smtp.example.org",
    )
    assert production.log_renderer is LogFormat.JSON
    assert make_settings("sqlite://", log_format="json").log_renderer is LogFormat.JSON
    assert make_settings("sqlite://", log_level="debug").log_level == "DEBUG"


def test_setting_up_twice_keeps_one_handler() -> None:
    import logging  # noqa: PLC0415

    settings = make_settings("sqlite://")
    configure_logging(settings)
    before = list(logging.getLogger().handlers)
    configure_logging(settings)
    assert len(logging.getLogger().handlers) == len(before)


async def test_without_access_lines_ids_remain(make_app: AppFactory) -> None:
    app = await make_app(access_log=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        with captured_logs() as logs:
            response = await http.get("/health", headers={"X-Request-ID": "quiet-1"})
    assert response.headers["x-request-id"] == "quiet-1"
    assert [line for line in logs.lines() if line["event"] == "request"] == []
