"""The request being served: its id, and who turned out to be calling."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

# What an incoming X-Request-ID may be to be kept: short, and nothing that could forge a
# log line or a header (no spaces, quotes, control characters).
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass(slots=True)
class RequestContext:
    request_id: str
    user_id: str | None = None
    client_id: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("aurum_request", default=None)


def request_id_from(incoming: str | None) -> str:
    """The caller's X-Request-ID if it is safe to repeat, else a new one."""
    if incoming is not None and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def begin_request(request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    _current.set(context)
    return context


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context is not None else None


def identify_caller(*, user_id: str | None = None, client_id: str | None = None) -> None:
    """Record who the request is from, for its access log line."""
    context = _current.get()
    if context is None:
        return
    if user_id is not None:
        context.user_id = user_id
    if client_id is not None:
        context.client_id = client_id
