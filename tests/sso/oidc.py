"""The real OpenID Connect provider of the SSO tests: `provider/provider.mjs` on Node.js.

Node.js and the provider's npm packages: see tests/node.py.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.node import install_packages, require_node

API = "https://api.aurum.test"  # the resource (audience) Aurum accepts in these tests
OTHER_API = "https://other.example"
REDIRECT_URI = "https://app.example/callback"
CLI = ("cli", "cli-secret")
WEB = ("web", "web-secret")
START_TIMEOUT = 30.0
PROVIDER_DIR = Path(__file__).parent / "provider"
SSO_TESTS = "the SSO tests"


def install_provider_packages() -> None:
    """The provider's npm packages, as its lock file names them."""
    install_packages(PROVIDER_DIR, SSO_TESTS)


class OidcProvider:
    """One provider process on 127.0.0.1; restarts keep its port and its tokens."""

    def __init__(self, workdir: Path) -> None:
        self.state_file = workdir / "provider-state.json"
        self.log_file = workdir / "provider.log"
        self._log: IO[bytes] = self.log_file.open("ab")
        self._process: asyncio.subprocess.Process | None = None
        self.port = 0
        self.issuer = ""

    async def start(self) -> None:
        node = require_node(SSO_TESTS)
        env = os.environ | {
            "PROVIDER_PORT": str(self.port),
            "PROVIDER_STATE": str(self.state_file),
        }
        self._process = await asyncio.create_subprocess_exec(
            node,
            "provider.mjs",
            cwd=PROVIDER_DIR,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
        )
        assert self._process.stdout is not None
        try:
            async with asyncio.timeout(START_TIMEOUT):
                line = await self._process.stdout.readline()
        except TimeoutError:
            line = b""
            self._process.kill()
        if not line:
            await self._process.wait()
            pytest.fail(f"the OIDC provider did not start; see {self.log_file}", pytrace=False)
        announced = json.loads(line)
        self.port, self.issuer = announced["port"], announced["issuer"]

    async def stop(self) -> None:
        if self._process is None or self._process.returncode is not None:
            return
        self._process.terminate()
        async with asyncio.timeout(START_TIMEOUT):
            await self._process.wait()
        self._process = None

    async def close(self) -> None:
        await self.stop()
        self._log.close()

    # ---- talking to it, as its clients would ------------------------------------------

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.issuer) as http:
            return await http.request(method, path, **kwargs)

    async def client_credentials(
        self, resource: str | None = API, client: tuple[str, str] = CLI
    ) -> str:
        data = {"grant_type": "client_credentials", "scope": "api:read"}
        if resource is not None:
            data["resource"] = resource
        response = await self._call("POST", "/token", auth=client, data=data)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def sign_in(self, login: str, resource: str = API) -> dict[str, Any]:
        """A user's tokens, through the authorization code flow and the login form."""
        async with httpx.AsyncClient(base_url=self.issuer) as browser:
            response = await browser.get(
                "/auth",
                params={
                    "client_id": WEB[0],
                    "response_type": "code",
                    "redirect_uri": REDIRECT_URI,
                    "scope": "openid email profile offline_access api:read",
                    "resource": resource,
                    "prompt": "consent",
                },
            )
            code = None
            for _ in range(10):
                location = response.headers["location"]
                if location.startswith(REDIRECT_URI):
                    code = parse_qs(urlsplit(location).query)["code"][0]
                    break
                response = await browser.get(urljoin(str(response.url), location))
                if response.status_code == 200:  # the login form, then the consent form
                    prompt = "login" if 'name="login"' in response.text else "consent"
                    response = await browser.post(
                        response.url.path,
                        data={"prompt": prompt, "login": login, "password": "any"},
                    )
            assert code is not None, "the authorization code flow did not finish"
            tokens = await browser.post(
                "/token",
                auth=WEB,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "resource": resource,
                },
            )
        assert tokens.status_code == 200, tokens.text
        result: dict[str, Any] = tokens.json()
        return result

    async def user_token(self, login: str, resource: str = API) -> str:
        token: str = (await self.sign_in(login, resource))["access_token"]
        return token

    async def revoke(self, token: str, client: tuple[str, str] = CLI) -> None:
        response = await self._call("POST", "/token/revocation", auth=client, data={"token": token})
        assert response.status_code == 200, response.text

    async def introspections(self) -> int:
        count: int = (await self._call("GET", "/_test/stats")).json()["introspection"]
        return count

    async def control(self, **settings: str | int) -> None:
        response = await self._call("POST", "/_test/control", params=settings)
        assert response.status_code == 200, response.text

    async def reset(self) -> None:
        response = await self._call("POST", "/_test/reset")
        assert response.status_code == 200, response.text
