"""The Makefile keeps the targets the README and the issues promise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("demo", "load_demo"),
        ("test", "bin/test-lanes"),
        ("lint", "bin/check-layers"),
        ("bench", "bench/notifications.py"),
        ("eval-wegwijzer", "eval_wegwijzer"),
    ],
)
def test_target_exists(target: str, expected: str) -> None:
    dry_run = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "-C", str(ROOT), target],  # noqa: S607 - make from PATH
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert expected in dry_run.stdout
