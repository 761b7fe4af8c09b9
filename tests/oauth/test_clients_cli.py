"""`aurum clients list | show | create`, run as an operator would, against the test
database."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import httpx
import pytest

from aurum.app_state import AppState
from tests.oauth.support import INTROSPECT, OAuthClients, basic, signing_keys_restored
from tests.test_cli import aurum
from tests.users.test_users_cli import operator


async def operator_with_keys(
    tmp_path: Path, database_url: str, secret_key: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """As `operator`, with the service's SECRET_KEY: the signing keys it makes are ours."""
    return await asyncio.to_thread(
        aurum,
        tmp_path,
        *args,
        DATABASE_URL=database_url,
        AUTO_MIGRATE="false",
        SECRET_KEY=secret_key,
    )


async def test_list_pages_and_show_without_secrets(
    clients: OAuthClients, migrated_url: str, tmp_path: Path
) -> None:
    billing = await clients.register("billing", scopes=["sessions:read"])
    web = await clients.first_party("web")
    reports = await clients.register("reports")

    first = await operator(tmp_path, migrated_url, "clients", "list", "--limit", "2")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].split()[:3] == ["CLIENT_ID", "NAME", "GRANT_TYPES"]
    assert [line.split()[:2] for line in lines[1:3]] == [
        [billing["client_id"], "billing"],
        [web["client_id"], "web"],
    ]
    cursor = lines[4].split("--cursor ")[1]
    rest = await operator(
        tmp_path, migrated_url, "clients", "list", "--limit", "2", "--cursor", cursor, "--json"
    )
    page = json.loads(rest.stdout)
    assert [client["client_id"] for client in page["items"]] == [reports["client_id"]]
    assert page["next_cursor"] is None

    shown = await operator(tmp_path, migrated_url, "clients", "show", billing["client_id"])
    assert "sessions:read" in shown.stdout
    as_json = await operator(tmp_path, migrated_url, "clients", "show", web["client_id"], "--json")
    assert json.loads(as_json.stdout)["grant_types"] == ["password", "refresh_token"]
    for output in (first.stdout, rest.stdout, shown.stdout, as_json.stdout):
        for client in (billing, web, reports):
            assert client["client_secret"] not in output
        assert '"client_secret":' not in output
        assert "secret_hash" not in output

    missing = await operator(tmp_path, migrated_url, "clients", "show", "nope")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: client_not_found: ")
    assert missing.stderr.count("\n") == 1


async def test_create_registers_a_browser_app_and_prints_its_secret_once(
    client: httpx.AsyncClient, state: AppState, migrated_url: str, tmp_path: Path
) -> None:
    secret_key = state.settings.secret_key.get_secret_value()
    async with signing_keys_restored(migrated_url):
        created = await operator_with_keys(
            tmp_path,
            migrated_url,
            secret_key,
            "clients",
            "create",
            "Notas",
            "--redirect-uri",
            "https://notas.example/callback",
            "--redirect-uri",
            "http://127.0.0.1:8765/callback",
            "--scope",
            "openid",
            "--scope",
            "aurum:profile",
            "--id-token-alg",
            "Ed25519",
            "--json",
        )
        assert created.returncode == 0, created.stderr
        body = json.loads(created.stdout)
        assert body["grant_types"] == ["authorization_code", "refresh_token"]
        assert body["redirect_uris"] == [
            "http://127.0.0.1:8765/callback",
            "https://notas.example/callback",
        ]
        assert body["id_token_signed_response_alg"] == "Ed25519"
        # The secret works, and is never shown again.
        check = await client.post(
            INTROSPECT, data={"token": "x"}, headers=basic(body["client_id"], body["client_secret"])
        )
        assert check.json() == {"active": False}
        shown = await operator(tmp_path, migrated_url, "clients", "show", body["client_id"])
        assert body["client_secret"] not in shown.stdout
        # Its ID tokens' key chain started with it.
        jwks = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert "Ed25519" in {key["alg"] for key in jwks}

        public = await operator_with_keys(
            tmp_path,
            migrated_url,
            secret_key,
            "clients",
            "create",
            "Tareas",
            "--public",
            "--redirect-uri",
            "https://tareas.example/cb",
        )
        assert public.returncode == 0, public.stderr
        assert "client_secret:  none (a public client)" in public.stdout
        assert "shown only now" not in public.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--redirect-uri", "http://notas.example/cb"], "https, or http on a loopback"),
        (["--id-token-alg", "HS256"], "id_token_signed_response_alg"),
        ([], "invalid_client_metadata"),  # a code grant needs a redirect URI
    ],
)
async def test_create_refuses_bad_metadata_in_one_line(
    migrated_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    refused = await operator(tmp_path, migrated_url, "clients", "create", "Notas", *args)
    assert refused.returncode in {1, 2}
    assert message in refused.stderr
    assert refused.stderr.count("\n") == 1
