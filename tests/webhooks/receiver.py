"""A real HTTP receiver for webhook tests: a server thread on an ephemeral port of
127.0.0.1 that keeps every request and answers with the statuses a test scripts."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # Statuses to answer, in order; once used up, `default`.
    script: deque[int] = field(default_factory=deque)
    default: int = 204

    def answer(self, *statuses: int) -> None:
        self.script.extend(statuses)

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """Every body received, each checked with the Standard Webhooks library."""
        webhook = Webhook(secret)
        return [webhook.verify(request.body, request.headers) for request in self.received]

    async def wait_for(self, count: int, within: float = 10) -> None:
        """Until `count` requests have come (the server's thread appends them)."""
        async with asyncio.timeout(within):
            while len(self.received) < count:  # noqa: ASYNC110 - another thread fills it
                await asyncio.sleep(0.02)

    def ids(self) -> list[str]:
        return [request.headers["webhook-id"] for request in self.received]


@contextmanager
def running_receiver(port: int = 0) -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = receiver.script.popleft() if receiver.script else receiver.default
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
