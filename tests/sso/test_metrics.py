"""Introspections timed by outcome, and the breaker's state, against the real provider."""

from __future__ import annotations

from aurum.metrics.exposition import render
from tests.metrics.scrape import TOKEN, Samples, parse, value
from tests.sso.conftest import ME, ClientFactory, bearer, sso_settings
from tests.sso.oidc import OidcProvider

SECONDS = "aurum_sso_introspection_seconds_count"
BREAKER = "aurum_sso_breaker_state"


def scrape() -> Samples:
    return parse(render("")[0].decode())


async def test_introspections_and_the_breaker(
    open_client: ClientFactory, own_provider: OidcProvider
) -> None:
    settings = sso_settings(own_provider, sso_breaker_failures=1, sso_max_retries=0)
    client = await open_client(**settings, metrics_token=TOKEN)
    before = scrape()
    answered = await client.get(ME, headers=bearer(await own_provider.client_credentials()))
    assert answered.status_code == 200
    unseen = await own_provider.client_credentials()
    confirmed = scrape()
    assert value(confirmed, SECONDS, outcome="ok") - value(before, SECONDS, outcome="ok") == 1
    assert value(confirmed, BREAKER) == 0  # closed

    await own_provider.stop()
    assert (await client.get(ME, headers=bearer(unseen))).status_code == 503
    failed = scrape()
    assert value(failed, SECONDS, outcome="error") - value(before, SECONDS, outcome="error") == 1
    assert value(failed, BREAKER) == 2  # open after one failure
