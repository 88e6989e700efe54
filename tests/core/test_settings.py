"""Settings come from the environment; a bad or missing value stops start-up with one line, and
production refuses what is only safe in the demo."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_KEY = "Zq3-Vb8_wLr1xT6nYe0pKs4mHc7uJg2aFd5oIi9BtRhWl-NvXyEz"
# Everything production needs, on PostgreSQL (``check`` does not connect to it).
PRODUCTION = {
    "LOKET_MODE": "production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "loket.example.nl",
    "LOKET_BASE_URL": "https://loket.example.nl",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgres://loket:secret@db.invalid:5432/loket",
}


def _loket(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOKET_", "DATABASE_URL", "CACHE_URL", "SECURE_", "DEBUG"))
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_BACKEND")
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "loket", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    return _loket("check", "--deploy", "--fail-level", "CRITICAL", **env)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LOKET_MODE": "production"}, "SECRET_KEY: is required in production"),
        (
            {"LOKET_MODE": "production", "SECRET_KEY": "short"},
            "SECRET_KEY: must be at least 50 random characters",
        ),
        (
            {"LOKET_MODE": "production", "SECRET_KEY": GOOD_KEY},
            "ALLOWED_HOSTS: is required in production",
        ),
        ({**PRODUCTION, "LOKET_BASE_URL": ""}, "LOKET_BASE_URL: is required in production"),
        (
            {**PRODUCTION, "LOKET_BASE_URL": "http://loket.example.nl"},
            "LOKET_BASE_URL: must start with https:// in production",
        ),
        ({"LOKET_MODE": "demo", "LOKET_BASE_URL": "loket.nl"}, "LOKET_BASE_URL: expected an"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG: is never allowed in production"),
        ({**PRODUCTION, "CACHE_URL": ""}, "CACHE_URL: is required in production"),
        ({**PRODUCTION, "CACHE_URL": "locmem://"}, "CACHE_URL: is required in production"),
        ({"LOKET_MODE": "demo", "CACHE_URL": "memcached://x"}, "CACHE_URL: expected redis://"),
        (
            {**PRODUCTION, "LOKET_SMS_GATEWAY": "loket.notifications.gateways.RecordingGateway"},
            "LOKET_SMS_GATEWAY: the recording gateway sends nothing",
        ),
        ({"LOKET_MODE": "demo", "LOKET_API_RATE_ANON": "lots"}, "LOKET_API_RATE_ANON: expected"),
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


def test_the_missing_secret_key_error_names_the_fix() -> None:
    """A newcomer who runs ``loket`` without configuration is told that production is the
    default, how to run the demo instead, and where production's settings are described."""
    line = _loket("wegwijzer", "--municipality", "waterdal").stderr.strip()
    assert line == (
        "loket: configuration error: SECRET_KEY: is required in production "
        "(LOKET_MODE=production, the default). To try Loket, run with LOKET_MODE=demo "
        "(make demo does); to deploy, see .env.example"
    )


def test_production_deploy_check_prints_no_warnings() -> None:
    """``loket check --deploy`` with production settings on PostgreSQL: HSTS, the HTTPS
    redirect, secure cookies and the rest are on by default, so nothing is left to warn about."""
    result = _loket("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_production_on_sqlite_warns_at_start_up_and_in_the_deploy_check() -> None:
    result = _loket("check", "--deploy", **{**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 0, result.stderr
    assert "?: (loket.W001) Production runs on SQLite" in result.stderr
    assert "Set DATABASE_URL=postgres://" in result.stderr
    # Also in the log of every production process, not only when someone runs the check.
    assert "WARNING loket loket.W001 Production runs on SQLite" in result.stderr
    demo = _loket("check", "--deploy", LOKET_MODE="demo", DATABASE_URL="sqlite:///:memory:")
    assert "loket.W001" not in demo.stderr


def test_production_accepts_the_recording_sms_gateway_only_when_told() -> None:
    result = _start(
        **PRODUCTION,
        LOKET_SMS_GATEWAY="loket.notifications.gateways.RecordingGateway",
        LOKET_ALLOW_RECORDING_SMS="true",
    )
    assert result.returncode == 0, result.stderr


def test_production_defaults(settings_module_in_production: dict[str, object]) -> None:
    values = settings_module_in_production
    assert values["LOKET_SMS_GATEWAY"] == "loket.notifications.gateways.NoGateway"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^health$"]
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def settings_module_in_production() -> dict[str, object]:
    """Import the settings module in a fresh interpreter with production's environment."""
    code = (
        "import json, loket.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "('LOKET_SMS_GATEWAY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_REDIRECT_EXEMPT')} | {'CACHE_BACKEND': s.CACHES['default']['BACKEND']}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "SECURE_"))}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    import json

    values: dict[str, object] = json.loads(result.stdout)
    return values
