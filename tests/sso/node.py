"""Node.js, which runs the SSO tests' OIDC provider, and the provider's npm packages.

Without Node.js >= 20 and npm the tests that need the provider are skipped, with the
reason; with AURUM_REQUIRE_NODE=1 (set by CI) they fail instead, so CI never passes
without running them. The packages are those of the committed `package-lock.json`,
installed by `npm ci`, again whenever the lock file changes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROVIDER_DIR = Path(__file__).parent / "provider"
NODE_MIN = 20
NPM_MIN = 7  # the first to read lockfileVersion 3
REQUIREMENT = f"Node.js >= {NODE_MIN} with npm is required for the SSO tests"
# What `npm ci` was last run for: a digest of package.json and package-lock.json.
INSTALLED_STAMP = PROVIDER_DIR / "node_modules" / ".aurum-installed"


def _major_version(program: str) -> int | None:
    """The major version `program --version` prints, or None if it does not run."""
    try:
        result = subprocess.run(  # noqa: S603 - a program found on PATH, no input
            [program, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    found = re.match(r"v?(\d+)\.", result.stdout.strip())
    return int(found[1]) if result.returncode == 0 and found else None


@functools.cache
def missing_node() -> str | None:
    """Why Node.js and npm cannot run the provider, or None when they can."""
    for name, minimum in (("node", NODE_MIN), ("npm", NPM_MIN)):
        program = shutil.which(name)
        if program is None:
            return f"{name} was not found on PATH"
        major = _major_version(program)
        if major is None:
            return f"{program} --version failed"
        if major < minimum:
            return f"{program} is version {major}, older than {minimum}"
    return None


def require_node() -> str:
    """The path of `node`; skips the test (fails it under AURUM_REQUIRE_NODE=1) without
    Node.js and npm recent enough."""
    reason = missing_node()
    if reason is not None:
        message = f"{REQUIREMENT} ({reason})"
        if os.environ.get("AURUM_REQUIRE_NODE") == "1":
            pytest.fail(f"{message}; AURUM_REQUIRE_NODE=1 forbids skipping them", pytrace=False)
        pytest.skip(message)
    node = shutil.which("node")
    assert node is not None
    return node


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PROVIDER_DIR / name).read_bytes())
    return digest.hexdigest()


def install_provider_packages() -> None:
    """`npm ci` unless node_modules already holds what the lock file names."""
    require_node()
    wanted = _lock_digest()
    if INSTALLED_STAMP.is_file() and INSTALLED_STAMP.read_text() == wanted:
        return
    npm = shutil.which("npm")
    assert npm is not None
    # `npm ci` installs exactly the lock file (it refuses one that disagrees with
    # package.json) into an emptied node_modules; no package needs an install script.
    result = subprocess.run(  # noqa: S603 - a fixed command
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci failed in {PROVIDER_DIR}:\n{result.stderr}", pytrace=False)
    INSTALLED_STAMP.write_text(wanted)
