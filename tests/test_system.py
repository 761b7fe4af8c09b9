from __future__ import annotations

import importlib.util
import re

import httpx
import pytest

from aurum.main import telemetry
from tests.conftest import AppFactory
from tests.error_bodies import error_body


async def test_root_reports_online(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.json() == {"status": "online"}


async def test_liveness_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


async def test_docs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    assert (await client.get("/redoc")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/users/register" in schema["paths"]
    assert (
        "application/x-www-form-urlencoded"
        in (schema["paths"]["/api/v1/token"]["post"]["requestBody"]["content"])
    )


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_docs_pages_load_nothing_from_elsewhere(client: httpx.AsyncClient, page: str) -> None:
    """Their assets come from this service (no CDN, no Google Fonts), and their policy
    keeps the browser from fetching anything from another origin."""
    response = await client.get(page)
    assert response.status_code == 200
    assert "http://" not in response.text
    assert "https://" not in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "img-src 'self' data:" in policy
    for asset in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert (await client.get(asset)).status_code == 200, asset


async def test_the_schema_documents_what_the_system_routes_answer(
    client: httpx.AsyncClient,
) -> None:
    """Fixed fields, not a free-form object (which ReDoc shows as property1, property2)."""
    schema = (await client.get("/openapi.json")).json()
    answers = {}
    for path in ("/", "/health", "/health/ready"):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        model = schema["components"]["schemas"][name]
        assert "additionalProperties" not in model
        assert set(model["required"]) == set(model["properties"])
        answers[path] = {key: value["const"] for key, value in model["properties"].items()}
    assert answers == {
        "/": {"status": "online"},
        "/health": {"status": "ok"},
        "/health/ready": {"status": "ready", "database": "ok"},
    }


async def test_the_schema_documents_the_error_shape(client: httpx.AsyncClient) -> None:
    """Every operation documents its errors as the one error shape, not FastAPI's own."""
    schema = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error = schema["components"]["schemas"]["ErrorResponse"]
    assert set(error["required"]) == {"error", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "4XX" in responses, (method, path)
            assert "422" not in responses, (method, path)


async def test_unknown_route_uses_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope")
    assert response.status_code == 404
    assert error_body(response) == {"error": "not_found", "message": "The resource was not found."}


async def test_errors_speak_spanish_when_asked(client: httpx.AsyncClient) -> None:
    english = await client.get("/api/v1/users/me")
    spanish = await client.get(
        "/api/v1/users/me", headers={"Accept-Language": "es-EC,es;q=0.9,en;q=0.5"}
    )
    assert english.json()["error"] == spanish.json()["error"] == "not_authenticated"
    assert spanish.json()["message"] == "Se requiere autenticación."
    assert english.json()["message"] == "Authentication is required."


async def test_first_admin_from_the_environment(make_app: AppFactory) -> None:
    app = await make_app(
        first_admin_username="boss",
        first_admin_email="boss@example.com",
        first_admin_password="the first admin secret",
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        login = await client.post(
            "/api/v1/token", data={"username": "boss", "password": "the first admin secret"}
        )
        assert login.status_code == 200
        me = await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert me.json()["role"] == "admin"
    # A second start finds the account and leaves it alone.
    await make_app(
        first_admin_username="boss",
        first_admin_email="boss@example.com",
        first_admin_password="another password entirely",
    )


def test_fastapi_telemetry_is_on_only_where_an_opentelemetry_sdk_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed: dict[str, object] = {"opentelemetry.sdk": None}
    monkeypatch.setattr(importlib.util, "find_spec", installed.get)
    assert telemetry() == {
        "tracing": False,
        "metrics": False,
        "logs": False,
        "operation_spans": False,
    }
    installed["opentelemetry.sdk"] = object()  # a spec: the SDK is there
    assert telemetry() is None  # FastAPI's defaults
