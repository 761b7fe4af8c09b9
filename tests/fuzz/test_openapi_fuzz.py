"""Every operation of the service's own OpenAPI schema, fuzzed.

schemathesis generates requests from the schema the app serves (valid ones, and ones that
break it on purpose); some get NUL characters or a raw body no schema describes. They are
sent in-process through the test's httpx client, as nobody, with a made-up credential, as
a user and as an admin (see `world.py`). Each answer must be: not a 5xx and not a hang,
an error in the one error shape (with `error_description` at the RFC 6749 endpoints), and
what the schema declares (status, media type, headers, body).

`FUZZ_EXAMPLES` (default 25) sets the cases per operation; runs are derandomized, so CI
sees the same cases every time. Failing cases are shrunk and printed by Hypothesis.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction
from schemathesis.core.result import Ok

from aurum.main import create_app
from tests.conftest import make_settings
from tests.fuzz.world import CLIENT_AUTH_OPERATIONS, ROLES, World

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
REQUEST_TIMEOUT = 30.0  # seconds: far beyond any answer here; past it, the request hangs

OPENAPI = create_app(make_settings("sqlite+aiosqlite:///:memory:")).openapi()
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
OPERATIONS = {
    result.ok().label: result.ok()
    for result in SCHEMA.get_all_operations()
    if isinstance(result, Ok)
}
CHECKS: list[CheckFunction] = [
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

# Header values a client may send: printable ASCII (anything else is not HTTP), and no
# surrounding spaces, which HTTP does not keep.
HEADER_CHARACTERS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
HEADER_TEXT = st.text(HEADER_CHARACTERS, max_size=120)
BASE64URL = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=60
)
FORGED_CREDENTIALS = st.one_of(
    st.builds("Bearer {}".format, HEADER_TEXT),
    st.builds("Bearer {}.{}.{}".format, BASE64URL, BASE64URL, BASE64URL),
    st.builds("Basic {}".format, BASE64URL),
    HEADER_TEXT,
).map(str.strip)
USER_AGENTS = st.one_of(  # stored with sessions and audit events
    st.just("schemathesis"), st.text(HEADER_CHARACTERS, min_size=500, max_size=700)
).map(str.strip)
LANGUAGES = st.one_of(
    st.sampled_from(["", "es", "en", "es-EC,es;q=0.9,en;q=0.8", "fr, es;q=abc", "*"]),
    HEADER_TEXT.map(str.strip),
)

ONE_IN_FIVE = st.integers(0, 4).map(lambda n: n == 4)
# Bodies no schema describes, which the parsers must refuse with a 4xx as well.
RAW_BODIES = st.one_of(
    st.integers(1, 30_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 15_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.binary(max_size=64),
    st.sampled_from([b"", b"null", b"[]", b"1e999", b'{"a": NaN}', b"a=1&a=2", b"%ff=%fe"]),
)
RAW_CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
    ]
)


def to_httpx(case: Case[Any]) -> dict[str, Any]:
    """The request schemathesis would send (it serializes bodies for `requests`)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        data=kwargs.get("data"),
        json=kwargs.get("json"),
        files=kwargs.get("files"),
    ).prepare()
    headers = {k: v for k, v in prepared.headers.items() if k.lower() != "content-length"}
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return {
        "method": prepared.method,
        "url": prepared.url,
        "headers": headers,
        "content": body,
    }


def check_error_shape(label: str, response: httpx.Response) -> None:
    assert response.headers.get("content-type") == "application/json", response.headers
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("error"), str), body
    assert ERROR_CODE.match(body["error"]), body
    assert isinstance(body.get("message"), str), body
    assert body["message"], body
    assert body.get("request_id") == response.headers["x-request-id"], body
    if label in CLIENT_AUTH_OPERATIONS:
        assert body.get("error_description") == body["message"], body


def test_every_operation_is_fuzzed() -> None:
    """None is left out because schemathesis could not read its part of the schema."""
    declared = {
        f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items() for method in item
    }
    assert set(OPERATIONS) == declared
    assert len(declared) > 80


def draw_case(data: st.DataObject, label: str, world: World) -> Case[Any]:
    """A case from the schema, often naming things that exist and using real secrets."""
    operation = OPERATIONS[label]
    known = world.known_path_parameters()
    path_parameters = {
        parameter.name: data.draw(st.sampled_from(known[parameter.name]), label=parameter.name)
        for parameter in operation.path_parameters
        if parameter.name in known and data.draw(st.booleans(), label=f"known {parameter.name}")
    }
    mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
    case = data.draw(operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    if isinstance(case.body, dict):
        fields = world.known_body_fields()
        for name in sorted(case.body.keys() & fields.keys()):
            if data.draw(st.booleans(), label=f"known {name}"):
                case.body[name] = data.draw(st.sampled_from(fields[name]), label=name)
    # A NUL character: valid JSON and form text that PostgreSQL cannot store or look up.
    containers = (case.path_parameters, case.query, case.body)
    for container in (c for c in containers if isinstance(c, dict)):
        names = sorted(k for k, v in container.items() if isinstance(v, str))
        if names and rarely(data, "NUL character"):
            for name in data.draw(st.sets(st.sampled_from(names), min_size=1), label="NUL in"):
                container[name] = f"{container[name]}\x00"
    return case


def rarely(data: st.DataObject, label: str) -> bool:
    result: bool = data.draw(ONE_IN_FIVE, label=label)
    return result


@pytest.mark.parametrize("label", sorted(OPERATIONS))
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_operation(label: str, world: World, data: st.DataObject) -> None:
    role = data.draw(st.sampled_from(ROLES), label="role")
    case = draw_case(data, label, world)
    request = to_httpx(case)
    if OPERATIONS[label].body and rarely(data, "a body no schema describes"):
        request["content"] = data.draw(RAW_BODIES, label="body")
        request["headers"]["Content-Type"] = data.draw(RAW_CONTENT_TYPES, label="Content-Type")
    forged = data.draw(FORGED_CREDENTIALS, label="forged credential")
    request["headers"].update(await world.credentials(role, label, forged))
    request["headers"]["Accept-Language"] = data.draw(LANGUAGES, label="Accept-Language")
    request["headers"]["User-Agent"] = data.draw(USER_AGENTS, label="User-Agent")

    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            response = await world.client.request(**request)
    except TimeoutError:
        pytest.fail(f"{label} hung: {request}")
    world.observe(role, label, response)

    assert response.status_code < 500, (response.status_code, response.text, request)
    if response.status_code >= 400:
        check_error_shape(label, response)
    case.validate_response(response, checks=CHECKS)
