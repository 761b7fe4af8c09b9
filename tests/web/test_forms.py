"""A page's errors roll the request's writes back (or keep them) exactly as for the API,
and then show in the page's form, or on the error page."""

from __future__ import annotations

from typing import Literal

import httpx
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.audit.dependencies import AuditLogDep
from aurum.errors import AppError, ServiceUnavailable
from aurum.models.audit_event import AuditEvent
from aurum.web.csrf import CheckedCsrf
from aurum.web.forms import InvalidField, PageForm, show_errors_in
from aurum.web.pages import PageRoute
from tests.web.support import csrf_of

WRITTEN = "test.form_written"


class Recorded(AppError):
    """Like a failed sign-in: an error whose request keeps what it wrote."""

    status_code = 401
    code = "recorded"
    commit_changes = True


async def post_failing_form(
    app: FastAPI, client: httpx.AsyncClient, failure: Literal["form", "server", "recorded"]
) -> httpx.Response:
    """A page that writes in the request's transaction (an audit event), then fails.
    (Not a sign-up: on PostgreSQL that is one statement that commits by itself.)"""
    router = APIRouter(route_class=PageRoute)

    @router.post("/test-form")
    async def failing_form(request: Request, csrf: CheckedCsrf, audit: AuditLogDep) -> None:
        show_errors_in(request, PageForm("forgot_password.html", {"email": "typed@example.com"}))
        await audit.record(WRITTEN)
        if failure == "server":
            raise ServiceUnavailable
        if failure == "recorded":
            raise Recorded
        raise InvalidField("email", "form.email_invalid")

    app.include_router(router)
    token = csrf_of(await client.get("/forgot-password"))
    return await client.post("/test-form", data={"csrf_token": token})


async def signed_up(state: AppState) -> bool:
    """Whether the failing form's write was kept."""
    async with state.sessionmaker() as db:
        found = await db.scalar(select(AuditEvent.id).where(AuditEvent.event_type == WRITTEN))
        return found is not None


async def test_a_client_error_shows_the_form_and_keeps_nothing(
    app: FastAPI, state: AppState, client: httpx.AsyncClient
) -> None:
    answer = await post_failing_form(app, client, "form")
    assert answer.status_code == 422
    assert "Forgot your password?" in answer.text  # the form's own page
    assert 'value="typed@example.com"' in answer.text
    assert "Enter a valid email address" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert not await signed_up(state)


async def test_a_server_error_shows_the_error_page_and_keeps_nothing(
    app: FastAPI, state: AppState, client: httpx.AsyncClient
) -> None:
    answer = await post_failing_form(app, client, "server")
    assert answer.status_code == 503
    assert "Something went wrong" in answer.text
    assert answer.headers["retry-after"] == "5"
    # The id to quote when reporting it, the one its log lines carry.
    assert f"Request id: {answer.headers['x-request-id']}" in answer.text
    assert not await signed_up(state)


async def test_an_error_that_records_keeps_what_it_wrote(
    app: FastAPI, state: AppState, client: httpx.AsyncClient
) -> None:
    answer = await post_failing_form(app, client, "recorded")
    assert answer.status_code == 401
    assert await signed_up(state)
