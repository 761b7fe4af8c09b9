"""Bodies that may arrive as a form or as JSON (the seed's clients send both)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aurum.errors import http_error_response

MAX_BODY_BYTES = 64 * 1024  # form-or-JSON bodies: a few short fields
MAX_REQUEST_BYTES = 1024 * 1024  # any request body

M = TypeVar("M", bound=BaseModel)


async def read_form_or_json(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "Body is too large", "type": "too_large"}]
        )
    if not body:
        return {}
    if content_type == "application/x-www-form-urlencoded":
        # Decoded as UTF-8 ourselves: clients such as `curl -d` send it unescaped.
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as exc:
            raise RequestValidationError(
                [{"loc": ("body",), "msg": "Body is not valid UTF-8", "type": "unicode"}]
            ) from exc
    if content_type == "multipart/form-data":
        form = await request.form()
        return {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        data = json.loads(body)
    # RecursionError: arrays or objects nested thousands deep (`[[[[...`).
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "Body is not valid JSON", "type": "json_invalid"}]
        ) from exc
    if not isinstance(data, dict):
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "Body must be an object", "type": "model_type"}]
        )
    return data


def form_or_json_doc(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads `form_or_json(model)`."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
            "required": required,
        }
    }


def form_or_json(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency that validates a form or JSON body into `model`."""

    async def dependency(request: Request) -> M:
        data = await read_form_or_json(request)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = [{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]
            raise RequestValidationError(errors) from exc

    return dependency


class RequestSizeLimit:
    """Refuse request bodies over `max_bytes` with 413 `payload_too_large`, unread.

    Bodies are parsed on the event loop: without a bound, one body of hundreds of
    megabytes would stall every other request while it was read and decoded.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await http_error_response(Request(scope), 413)(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:  # a chunked body that does not say its size
                raise HTTPException(413)  # rendered by the app's handler
            return message

        await self.app(scope, receive_within_limit, send)
