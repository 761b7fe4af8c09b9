"""Uvicorn's HTTP/1.1 protocol with a bound on the size of a request's header block.

Uvicorn's httptools protocol reads a header block of any size into memory before the app
sees it (a 50 MB `Authorization` header took 3.5 s of a worker's time). This one counts
the bytes of each header block as they arrive and, past MAX_REQUEST_HEADER_BYTES, answers
431 at once and stops parsing the connection.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from aurum.config import get_settings
from aurum.logs.context import request_id_from

# After the 431, what the client is still sending is read and dropped for this long before
# the connection closes: closing with unread data would reset the connection, and the
# client could lose the answer before reading it.
LINGER_SECONDS = 2.0

logger = logging.getLogger(__name__)


def refusal(request_id: str) -> bytes:
    body = json.dumps(
        {
            "error": "request_header_fields_too_large",
            "message": "The request's headers are too large.",
            "request_id": request_id,
        }
    ).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        f"x-request-id: {request_id}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedHeadersProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_head_bytes = get_settings().max_request_header_bytes
        self.head_bytes = 0
        self.reading_head = True
        self.refused = False

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # the rest of a refused request: dropped unparsed
        if self.reading_head:
            self.head_bytes += len(data)
        super().data_received(data)
        over = self.reading_head and self.head_bytes > self.max_head_bytes
        if over and not self.transport.is_closing():
            self.refuse()

    def on_headers_complete(self) -> None:
        self.reading_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.reading_head = True
        self.head_bytes = 0

    def refuse(self) -> None:
        self.refused = True
        request_id = request_id_from(None)
        logger.warning(
            "request refused: headers over %d bytes",
            self.max_head_bytes,
            extra={"request_id": request_id, "status": 431},
        )
        self.transport.write(refusal(request_id))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
