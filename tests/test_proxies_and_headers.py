"""`aurum serve` at its edge: which X-Forwarded-For it believes, and header blocks too
large to read (answered 431 at once, the connection closed)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from aurum.config import Settings
from tests.conftest import PASSWORD
from tests.live_server import free_port
from tests.serve import aurum_serve

SPOOFED = "198.51.100.4"
HUGE = 50 * 1024 * 1024  # a 50 MB Authorization header
CHUNK = b"a" * (1024 * 1024)


def signed_in_from(tmp_path: Path, port: int) -> str:
    """Sign up and sign in claiming to come from SPOOFED; the address the session got."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        signup = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        assert http.post("/api/v1/users/register", json=signup).status_code == 201
        response = http.post(
            "/api/v1/token",
            data={"username": "ana", "password": PASSWORD},
            headers={"X-Forwarded-For": SPOOFED},
        )
        assert response.status_code == 200, response.text
    with sqlite3.connect(tmp_path / "serve.db") as db:
        (address,) = db.execute("SELECT ip_address FROM sessions").fetchone()
    return str(address)


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_forwarded_headers_are_ignored_unless_the_proxy_is_listed(
    tmp_path: Path, server: str
) -> None:
    port = free_port()
    # The default believes no one, not even a proxy on this machine.
    with aurum_serve(tmp_path, port, "--server", server):
        assert signed_in_from(tmp_path, port) == "127.0.0.1"


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_a_listed_proxy_names_the_client(tmp_path: Path, server: str) -> None:
    port = free_port()
    with aurum_serve(tmp_path, port, "--server", server, FORWARDED_ALLOW_IPS="127.0.0.1"):
        assert signed_in_from(tmp_path, port) == SPOOFED


def send_huge_header(sock: socket.socket) -> None:
    """Keeps sending until the header is sent or the server closes the connection."""
    sent = 0
    try:
        sock.sendall(b"GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ")
        while sent < HUGE:
            sock.sendall(CHUNK)
            sent += len(CHUNK)
    except OSError:
        pass  # closed by the server: what it should do


def read_until_closed(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_a_huge_header_is_refused_at_once(tmp_path: Path, server: str) -> None:
    port = free_port()
    with (
        aurum_serve(tmp_path, port, "--server", server),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        started = time.monotonic()
        sender = threading.Thread(target=send_huge_header, args=(sock,))
        sender.start()
        answer = read_until_closed(sock)  # returns once the server closes its side
        elapsed = time.monotonic() - started
        sender.join(timeout=10)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            # A header block under the limit is read as usual; the server still serves.
            fits = http.get("/api/v1/users/me", headers={"Authorization": "Bearer " + "a" * 8000})
    head = answer.split(b"\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 431"), answer[:200]
    assert elapsed < 2, elapsed  # not after reading 50 MB
    assert fits.status_code == 401


def test_the_header_limit_is_a_setting() -> None:
    assert Settings(_env_file=None).max_request_header_bytes == 16 * 1024
    with pytest.raises(ValueError, match="max_request_header_bytes"):
        Settings(_env_file=None, max_request_header_bytes=10)
