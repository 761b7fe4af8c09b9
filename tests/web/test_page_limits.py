"""The pages count against the same rate limits as the API paths they mirror."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, AppFactory
from tests.rate_limits.conftest import LIMITED, client_at
from tests.web.support import assert_page_headers, csrf_of


def rate_limited_page(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert_page_headers(response)
    assert "rate_limited" in response.text
    assert int(response.headers["retry-after"]) > 0


async def post_form(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await client.get(f"{path}?token=x")  # the reset page shows its form with a token
    return await client.post(path, data={"csrf_token": csrf_of(page), **fields})


async def test_forgot_password_shares_the_api_limits(make_app: AppFactory) -> None:
    app = await make_app(
        **LIMITED,
        rate_limits={"password_reset.ip": "3/minute", "password_reset.account": "2/hour"},
    )
    async with client_at(app, "192.0.2.1") as client, client_at(app, "192.0.2.2") as other:
        api = await client.post("/api/v1/password-reset/request", json={"email": "a@example.com"})
        assert api.status_code == 202
        assert (await post_form(client, "/forgot-password", email="b@example.com")).is_success
        assert (await post_form(client, "/forgot-password", email="c@example.com")).is_success
        rate_limited_page(await post_form(client, "/forgot-password", email="d@example.com"))
        # Per address typed, from anywhere, whether or not an account uses it.
        assert (await post_form(other, "/forgot-password", email="A@example.com")).is_success
        rate_limited_page(await post_form(other, "/forgot-password", email="a@example.com"))


async def test_reset_password_shares_the_api_limit(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"password_reset_confirm.ip": "2/minute"})
    async with client_at(app, "192.0.2.1") as client:
        fields = {"token": "x", "new_password": PASSWORD, "new_password_confirm": PASSWORD}
        assert (await post_form(client, "/reset-password", **fields)).status_code == 400
        api = await client.post(
            "/api/v1/password-reset/confirm", json={"token": "x", "new_password": PASSWORD}
        )
        assert api.status_code == 400
        rate_limited_page(await post_form(client, "/reset-password", **fields))


async def test_sign_up_shares_the_api_limits(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"register.ip": "2/minute"})
    async with client_at(app, "192.0.2.1") as client:
        body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        assert (await client.post("/api/v1/users/register", json=body)).status_code == 201
        fields = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
        assert (await post_form(client, "/sign-up", **fields)).status_code == 200
        rate_limited_page(await post_form(client, "/sign-up", **fields | {"username": "luis"}))


async def test_sign_up_counts_per_email_address(make_app: AppFactory) -> None:
    app = await make_app(**LIMITED, rate_limits={"register.account": "1/hour"})
    async with client_at(app, "192.0.2.1") as one, client_at(app, "192.0.2.2") as two:
        fields = {"username": "juan", "email": "juan@example.com", "password": PASSWORD}
        assert (await post_form(one, "/sign-up", **fields)).status_code == 200
        again = fields | {"username": "juan2", "email": "JUAN@example.com"}
        rate_limited_page(await post_form(two, "/sign-up", **again))
