"""`aurum keys rotate | list | retire`, run as an operator would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_cli import aurum


def key_rows(tmp_path: Path) -> list[tuple[str, str, str | None, str | None]]:
    with sqlite3.connect(tmp_path / "cli.db") as db:
        rows = db.execute(
            "SELECT kid, algorithm, superseded_at, retired_at FROM signing_keys ORDER BY created_at"
        ).fetchall()
    return [(str(r[0]), str(r[1]), r[2], r[3]) for r in rows]


def test_rotate_list_and_retire(tmp_path: Path) -> None:
    first = aurum(tmp_path, "keys", "rotate")
    assert first.returncode == 0, first.stderr
    second = aurum(tmp_path, "keys", "rotate", "--handover-seconds", "0")
    assert second.returncode == 0, second.stderr
    rows = key_rows(tmp_path)
    assert [(r[1], r[2] is None, r[3] is None) for r in rows] == [
        ("EdDSA", False, True),
        ("EdDSA", True, True),
    ]
    old, new = rows[0][0], rows[1][0]
    assert new in second.stdout
    assert f"{old} signs for 0 more seconds, then only verifies" in second.stdout

    listed = aurum(tmp_path, "keys", "list").stdout
    # Key material never leaves the database: only kids and dates are shown.
    for output in (first.stdout + first.stderr, second.stdout, listed):
        assert "PRIVATE KEY" not in output
        assert '"d"' not in output
    listing = listed.splitlines()
    assert [line.split()[:3] for line in listing] == [
        [old, "EdDSA", "verifies"],
        [new, "EdDSA", "signs"],
    ]
    # The old key's tokens may still be valid: nothing to retire yet.
    assert "Nothing to retire." in aurum(tmp_path, "keys", "retire").stdout

    refused = aurum(tmp_path, "keys", "retire", new)
    assert refused.returncode == 1
    assert "signing_key_in_use" in refused.stderr
    # Superseded at once, but an instance that has not reloaded the keys still signs with
    # it for up to KEY_REFRESH_SECONDS + 10 s.
    early = aurum(tmp_path, "keys", "retire", old)
    assert early.returncode == 1
    assert early.stderr.startswith("error: signing_key_in_use: ")
    assert early.stderr.rstrip().endswith("--force retires it anyway.")
    assert early.stderr.count("\n") == 1
    assert key_rows(tmp_path)[0][3] is None
    retired = aurum(tmp_path, "keys", "retire", old, "--force")
    assert retired.returncode == 0, retired.stderr
    assert key_rows(tmp_path)[0][3] is not None
    assert "retired" in aurum(tmp_path, "keys", "list").stdout.splitlines()[0]

    # By default the current key keeps signing while every instance loads the new one.
    third = aurum(tmp_path, "keys", "rotate")
    assert f"{new} signs for 70 more seconds" in third.stdout
    statuses = [line.split()[2] for line in aurum(tmp_path, "keys", "list").stdout.splitlines()]
    assert statuses == ["retired", "signs", "next"]


def test_unknown_algorithm(tmp_path: Path) -> None:
    result = aurum(tmp_path, "keys", "rotate", "--algorithm", "HS256")
    assert result.returncode == 2
    assert "EdDSA, Ed25519, ES256 or RS256" in result.stderr


def test_each_algorithm_rotates_its_own_chain(tmp_path: Path) -> None:
    assert aurum(tmp_path, "keys", "rotate").returncode == 0
    first_rsa = aurum(tmp_path, "keys", "rotate", "--algorithm", "RS256")
    assert first_rsa.returncode == 0, first_rsa.stderr
    assert "signs for" not in first_rsa.stdout  # the EdDSA key is not superseded
    second_rsa = aurum(
        tmp_path, "keys", "rotate", "--algorithm", "RS256", "--handover-seconds", "0"
    )
    assert second_rsa.returncode == 0, second_rsa.stderr
    rows = key_rows(tmp_path)
    assert [(r[1], r[2] is None) for r in rows] == [
        ("EdDSA", True),
        ("RS256", False),
        ("RS256", True),
    ]
    eddsa, old_rsa, new_rsa = (r[0] for r in rows)
    assert f"{old_rsa} signs for 0 more seconds" in second_rsa.stdout
    assert eddsa not in second_rsa.stdout
    listing = aurum(tmp_path, "keys", "list").stdout.splitlines()
    assert [line.split()[:3] for line in listing] == [
        [eddsa, "EdDSA", "signs"],
        [old_rsa, "RS256", "verifies"],
        [new_rsa, "RS256", "signs"],
    ]

    # Each key is judged within its own chain: both signers are in use.
    for kid in (eddsa, new_rsa):
        refused = aurum(tmp_path, "keys", "retire", kid)
        assert refused.returncode == 1
        assert "signing_key_in_use" in refused.stderr
    # A hand-over in the EdDSA chain makes its new key the next one there, nowhere else.
    assert aurum(tmp_path, "keys", "rotate").returncode == 0
    next_eddsa = key_rows(tmp_path)[-1][0]
    refused = aurum(tmp_path, "keys", "retire", next_eddsa)
    assert "next_signing_key" in refused.stderr
    statuses = [line.split()[2] for line in aurum(tmp_path, "keys", "list").stdout.splitlines()]
    assert statuses == ["signs", "verifies", "signs", "next"]


def test_a_kid_that_begins_with_a_dash_is_a_kid(tmp_path: Path) -> None:
    # Thumbprints are base64url: one kid in 64 begins with "-".
    assert aurum(tmp_path, "keys", "rotate").returncode == 0
    kid = key_rows(tmp_path)[0][0]
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("UPDATE signing_keys SET kid = ? WHERE kid = ?", ("-" + kid[1:], kid))
    refused = aurum(tmp_path, "keys", "retire", "-" + kid[1:])
    assert refused.returncode == 1, refused.stderr  # not 2, a usage error
    assert "signing_key_in_use" in refused.stderr


def test_retire_refuses_the_keys_of_a_hand_over(tmp_path: Path) -> None:
    assert aurum(tmp_path, "keys", "rotate").returncode == 0
    assert aurum(tmp_path, "keys", "rotate").returncode == 0  # hands over in 70 s
    old, new = (row[0] for row in key_rows(tmp_path))

    signing = aurum(tmp_path, "keys", "retire", old)
    assert signing.returncode == 1
    assert "signing_key_in_use" in signing.stderr
    nothing_to_hand_over_to = aurum(tmp_path, "keys", "retire", new)
    assert nothing_to_hand_over_to.returncode == 1
    assert "next_signing_key" in nothing_to_hand_over_to.stderr
    assert [row[3] for row in key_rows(tmp_path)] == [None, None]

    forced = aurum(tmp_path, "keys", "retire", old, "--force")
    assert forced.returncode == 0, forced.stderr
    assert key_rows(tmp_path)[0][3] is not None
