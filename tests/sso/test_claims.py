"""The acceptance rules for introspection answers, including shapes our test provider
never produces (audience lists, `nbf`, sender-constrained tokens)."""

from __future__ import annotations

from typing import Any

import pytest

from aurum.sso.claims import ExternalToken, TokenRejected, validate

ISSUER = "https://sso.example.org/realms/aurum"
AUDIENCES = frozenset({"aurum-api", "https://api.aurum.test"})
NOW = 1_800_000_000


def answer(**claims: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "active": True,
        "iss": ISSUER,
        "aud": "aurum-api",
        "sub": "248289761001",
        "exp": NOW + 300,
        "iat": NOW - 10,
        "token_type": "Bearer",
    }
    return {k: v for k, v in (base | claims).items() if v is not None}


def check(response: dict[str, Any]) -> ExternalToken:
    return validate(response, issuer=ISSUER, audiences=AUDIENCES, now=NOW)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"active": False}, "inactive"),
        ({"active": "true"}, "inactive"),
        ({"iss": None}, "issuer"),
        ({"iss": "https://sso.example.org/realms/other"}, "issuer"),
        ({"aud": None}, "audience"),
        ({"aud": "someone-else"}, "audience"),
        ({"aud": ["someone-else", "another"]}, "audience"),
        ({"aud": 42}, "audience"),
        ({"exp": NOW}, "expired"),
        ({"nbf": NOW + 60}, "not_yet_valid"),
        ({"token_type": "refresh_token"}, "token_type"),
        ({"token_use": "refresh_token"}, "token_type"),
        ({"typ": "Refresh"}, "token_type"),
        ({"cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}, "sender_constrained"),
        ({"sub": None}, "subject"),
        ({"sub": "x" * 256}, "subject"),
    ],
)
def test_refused(claims: dict[str, Any], reason: str) -> None:
    with pytest.raises(TokenRejected) as caught:
        check(answer(**claims))
    assert caught.value.reason == reason


def test_accepted_with_an_audience_list_and_claims() -> None:
    token = check(
        answer(
            aud=["account", "https://api.aurum.test"],
            iss=ISSUER + "/",
            nbf=NOW + 3,  # within the leeway for clock skew
            preferred_username="jdoe",
            email="JDoe@Example.com",
            email_verified=True,
            name="Jane Doe",
            scope="openid profile",
            typ="Bearer",
        )
    )
    assert token.audience == ("account", "https://api.aurum.test")
    assert (token.subject, token.username, token.email, token.name) == (
        "248289761001",
        "jdoe",
        "JDoe@Example.com",
        "Jane Doe",
    )
    assert ExternalToken.from_json(token.to_json()) == token


def test_a_service_token_without_sub_is_named_by_its_client() -> None:
    token = check(answer(sub=None, client_id="billing", username="svc"))
    assert (token.subject, token.client_id, token.username) == ("billing", "billing", "svc")


def test_a_cached_token_expires_with_the_token() -> None:
    token = check(answer(exp=NOW + 5))
    token.check_time(NOW + 4)
    with pytest.raises(TokenRejected):
        token.check_time(NOW + 5)
