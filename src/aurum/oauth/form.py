"""The OAuth endpoints' bodies: application/x-www-form-urlencoded, as RFC 6749 requires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, ValidationError

from aurum.oauth.errors import InvalidRequest

MAX_BODY_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"

M = TypeVar("M", bound=BaseModel)


def parse_form(body: bytes) -> dict[str, str]:
    """Empty values count as omitted; a repeated parameter is an error (RFC 6749 §3.1).

    A NUL character is malformed too: no identifier, secret or token has one, and the
    database could not even look it up.
    """
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params or "\x00" in name + value:
            raise InvalidRequest
        if value:
            params[name] = value
    return params


async def read_oauth_form(request: Request, model: type[M]) -> M:
    """The request's form as `model`; anything malformed is invalid_request."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > MAX_BODY_BYTES or (body and content_type != FORM):
        raise InvalidRequest
    try:
        return model.model_validate(parse_form(body))
    except ValidationError as exc:
        raise InvalidRequest from exc


def oauth_form(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency that reads the form into `model`."""

    async def dependency(request: Request) -> M:
        return await read_oauth_form(request, model)

    return dependency


def form_doc(model: type[BaseModel]) -> dict[str, object]:
    """OpenAPI: the body is a form with these fields."""
    return {
        "requestBody": {
            "content": {FORM: {"schema": model.model_json_schema()}},
            "required": True,
        }
    }
