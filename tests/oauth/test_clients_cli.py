"""`aurum clients list | show`, run as an operator would, against the test database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.oauth.support import OAuthClients
from tests.users.test_users_cli import operator


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
