"""Helpers for running the production configuration in subprocesses (never in the test process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = Path(__file__).with_name("production.env")


def read_env_file(path: Path = EXAMPLE_ENV) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def production_env(**overrides: str | None) -> dict[str, str]:
    """The example production environment on top of a clean one (no test settings leak in)."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(read_env_file())
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code: str, env: dict[str, str], *, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter of this venv, in the project, with exactly ``env``."""
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
