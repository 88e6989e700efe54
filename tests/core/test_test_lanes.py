"""bin/test-lanes: under CI=true an unreachable PostgreSQL fails the run; on a developer's
machine the lane is skipped with a message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgres://postgres@127.0.0.1:9/test"  # the discard port: nothing listens


def _lanes(ci: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["TEST_DATABASE_URL"] = UNREACHABLE
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def test_under_ci_an_unreachable_postgresql_fails_the_whole_run_at_once() -> None:
    result = _lanes("true", "bin/test-lanes", "--collect-only", "-q")
    assert result.returncode == 2
    assert "=== Test lane: SQLite" not in result.stdout  # failed before spending time on it
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"test-lanes: PostgreSQL is not reachable at {UNREACHABLE} (")
    assert line.endswith(
        "under CI=true that fails the run. Start PostgreSQL or set TEST_DATABASE_URL."
    )


def test_without_ci_the_lane_is_skipped_with_a_message() -> None:
    code = (
        "import runpy; lanes = runpy.run_path('bin/test-lanes'); "
        f"print('RUN' if lanes['postgres_lane']({UNREACHABLE!r}) else 'SKIP')"
    )
    result = _lanes(None, "-c", code)
    assert result.returncode == 0, result.stderr
    assert "Test lane: PostgreSQL — SKIPPED: no server reachable" in result.stdout
    assert result.stdout.strip().endswith("SKIP")
    assert _lanes("false", "-c", code).stdout.strip().endswith("SKIP")
