"""Node.js and the npm packages some tests use: the SSO tests' OIDC provider, axe-core.

Without Node.js >= 20 and npm the tests that need them are skipped, with the reason; with
AURUM_REQUIRE_NODE=1 (set by CI) they fail instead, so CI never passes without running
them. A folder's packages are those of its committed `package-lock.json`, installed by
`npm ci`, again whenever the lock file changes.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_MIN = 20
NPM_MIN = 7  # the first to read lockfileVersion 3
# What `npm ci` was last run for, in node_modules: a digest of package.json and its lock.
INSTALLED_STAMP = Path("node_modules") / ".aurum-installed"


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
    """Why Node.js and npm cannot run, or None when they can."""
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


def require_node(tests: str) -> str:
    """The path of `node`; skips the test (fails it under AURUM_REQUIRE_NODE=1) without
    Node.js and npm recent enough. `tests` names who needs them: "the SSO tests"."""
    reason = missing_node()
    if reason is not None:
        message = f"Node.js >= {NODE_MIN} with npm is required for {tests} ({reason})"
        if os.environ.get("AURUM_REQUIRE_NODE") == "1":
            pytest.fail(f"{message}; AURUM_REQUIRE_NODE=1 forbids skipping them", pytrace=False)
        pytest.skip(message)
    node = shutil.which("node")
    assert node is not None
    return node


def _lock_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def install_packages(folder: Path, tests: str) -> None:
    """`npm ci` in `folder` unless its node_modules already holds what the lock file names.

    Test processes running side by side (`pytest -n 2`) take turns: the first installs,
    the others wait on the lock and then find the stamp."""
    require_node(tests)
    wanted = _lock_digest(folder)
    stamp = folder / INSTALLED_STAMP
    with (folder / ".npm-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text() == wanted:
            return
        npm = shutil.which("npm")
        assert npm is not None
        # `npm ci` installs exactly the lock file (it refuses one that disagrees with
        # package.json) into an emptied node_modules; no package needs an install script.
        result = subprocess.run(  # noqa: S603 - a fixed command
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in {folder}:\n{result.stderr}", pytrace=False)
        stamp.write_text(wanted)
