"""Under gunicorn a configuration error stops the server once, with the one clear line, instead
of workers failing and being restarted forever."""

from __future__ import annotations

import os
import subprocess
import sys
import time

LINE = (
    "loket: configuration error: SECRET_KEY: is required in production (LOKET_MODE=production, "
    "the default). To try Loket, run with LOKET_MODE=demo (make demo does); to deploy, see "
    ".env.example"
)


def _gunicorn(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    env.pop("SECRET_KEY", None)
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result, time.monotonic() - started


def test_a_configuration_error_stops_gunicorn_once_with_one_line() -> None:
    result, seconds = _gunicorn("-c", "python:loket.gunicorn_conf")
    assert result.returncode == 2
    assert seconds < 10
    output = result.stdout + result.stderr
    assert output.count("loket: configuration error") == 1, output
    assert LINE in output.splitlines()
    assert "Booting worker" not in output  # stopped in the master, before any worker


def test_without_the_config_the_workers_failing_stop_the_master_too() -> None:
    """Someone who starts ``gunicorn loket.wsgi`` without ``-c``: each worker says it once and
    the master halts (gunicorn's "worker failed to boot"), it does not restart them forever."""
    result, seconds = _gunicorn("loket.wsgi")
    assert result.returncode != 0
    assert seconds < 10
    output = result.stdout + result.stderr
    assert 1 <= output.count(LINE) <= 2, output  # once per worker, at most
    assert output.count("Booting worker") <= 2
