"""Settings come from the environment; a bad or missing value stops start-up with one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 40


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "DATABASE_URL"))}
    base.pop("SECRET_KEY", None)
    base.pop("ALLOWED_HOSTS", None)
    return subprocess.run(
        [sys.executable, "-m", "loket", "check", "--deploy", "--fail-level", "CRITICAL"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LOKET_MODE": "production"}, "SECRET_KEY: is required but not set"),
        ({"LOKET_MODE": "production", "SECRET_KEY": "short"}, "SECRET_KEY: must be at least 32"),
        (
            {"LOKET_MODE": "production", "SECRET_KEY": GOOD_KEY},
            "ALLOWED_HOSTS: is required in production",
        ),
        ({"LOKET_MODE": "staging"}, "LOKET_MODE: must be one of demo, test, production"),
        ({"LOKET_MODE": "demo", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL: only sqlite"),
        ({"LOKET_MODE": "demo", "DEBUG": "maybe"}, "DEBUG: expected true or false"),
        (
            {
                "LOKET_MODE": "demo",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_PORT": "smtp",
            },
            "EMAIL_PORT: expected a whole number",
        ),
        (
            {"LOKET_MODE": "demo", "LOKET_AT_RISK_FRACTION": "2"},
            "LOKET_AT_RISK_FRACTION: must be between 0.1 and 1.0",
        ),
        ({"LOKET_MODE": "demo", "SECRET_KEY_FILE": "/nonexistent/key"}, "SECRET_KEY_FILE: cannot"),
    ],
)
def test_bad_setting_stops_start_up_with_one_line(env: dict[str, str], expected: str) -> None:
    result = _start(**env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("loket: configuration error: ")
    assert expected in lines[0]


def test_production_with_required_settings_starts(tmp_path: object) -> None:
    result = _start(
        LOKET_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="loket.example.nl",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stderr
