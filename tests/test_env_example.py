"""`.env.example` lists every setting, each with its default, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aurum.config import Settings

EXAMPLE = Path(__file__).parents[1] / ".env.example"
# A setting's line: commented out, `# NAME=default` (an empty default means unset).
SETTING = re.compile(r"^# ([A-Z][A-Z0-9_]*)=(.*)$")


def example_lines() -> list[tuple[str, str]]:
    return [
        (match[1], match[2])
        for line in EXAMPLE.read_text().splitlines()
        if (match := SETTING.match(line))
    ]


def settings_names() -> set[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper() for name in Settings.model_fields}


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in settings_names():
        monkeypatch.delenv(name, raising=False)


def test_every_setting_is_listed_once() -> None:
    names = [name for name, _ in example_lines()]
    assert len(names) == len(set(names)), "a setting is listed twice"
    missing, unknown = settings_names() - set(names), set(names) - settings_names()
    assert (missing, unknown) == (set(), set()), "missing from .env.example, or not settings"


@pytest.mark.usefixtures("clean_environment")
def test_the_listed_values_are_the_defaults(tmp_path: Path) -> None:
    """Uncommented, the example's values change nothing."""
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in example_lines() if value))
    assert Settings(_env_file=env_file).model_dump() == Settings(_env_file=None).model_dump()
