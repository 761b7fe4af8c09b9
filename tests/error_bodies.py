"""Error bodies without their request id, so tests compare the rest of them whole."""

from __future__ import annotations

from typing import Any

import httpx


def error_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON error body less `request_id`, which must be the response's X-Request-ID."""
    body: dict[str, Any] = response.json()
    assert body.pop("request_id") == response.headers["x-request-id"]
    return body


def text_without_request_id(response: httpx.Response) -> str:
    """The body with its request id taken out: it differs from one request to the next."""
    return response.text.replace(response.headers["x-request-id"], "")


def headers_without_request_id(response: httpx.Response, *also: str) -> dict[str, str]:
    """The response's headers but X-Request-ID (and `also`)."""
    left_out = {"x-request-id", *also}
    return {name: value for name, value in response.headers.items() if name not in left_out}
