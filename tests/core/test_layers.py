"""bin/check-layers: the apps keep the layers of the README's architecture paragraph, without
import cycles; it passes on the code as it is and fails on a planted violation."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "check-layers"


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package ``loket`` with the given modules (each directory an app with ``__init__``)."""
    root = tmp_path / "loket"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


# A small project that keeps the layers: a domain registers its job with the infrastructure.
CLEAN = {
    "lib/calendar.py": "import datetime\n",
    "notifications/jobs.py": "from loket.lib import calendar\n",
    "cases/apps.py": "def ready():\n    from loket.notifications.jobs import register_job\n",
    "contacts/services.py": "from loket.cases.models import Case\n",
    "cases/models.py": "from loket.lib.calendar import datetime\n",
    "portal/views.py": "from loket.contacts import services\nfrom loket.cases import models\n",
}


def test_the_code_as_it_is_keeps_its_layers() -> None:
    result = _check()
    assert result.returncode == 0, result.stderr
    assert "the layers hold" in result.stdout


def test_a_tree_that_keeps_its_layers_passes(tmp_path: Path) -> None:
    result = _check("--root", str(_tree(tmp_path, CLEAN)))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        # The scheduler importing a domain inside a function, as notifications.jobs once did.
        (
            {"notifications/jobs.py": "def run():\n    from loket.cases.models import Case\n"},
            "loket/notifications/jobs.py:2: notifications (infrastructure) imports cases"
            " (domain) inside a function",
        ),
        # ... at module level, written relatively.
        (
            {"notifications/services.py": "from ..cases import models\n"},
            "loket/notifications/services.py:1: notifications (infrastructure) imports cases",
        ),
        # A model-free helper reaching into the platform.
        (
            {"lib/identifiers.py": "import loket.tenancy.models\n", "tenancy/models.py": ""},
            "loket/lib/identifiers.py:1: lib (lib) imports tenancy (platform)",
        ),
        # A domain knowing a channel.
        (
            {"cases/services.py": "from loket.portal import views\n"},
            "cases (domain) imports portal (channel)",
        ),
        # Two domains importing each other: a cycle, even when one side defers its import.
        (
            {"cases/services.py": "def f():\n    from loket.contacts import services\n"},
            "import cycle between cases, contacts:",
        ),
        # An app the layers do not know yet.
        ({"complaints/models.py": "\n"}, "complaints: an app without a layer"),
    ],
)
def test_a_planted_violation_fails(tmp_path: Path, planted: dict[str, str], expected: str) -> None:
    result = _check("--root", str(_tree(tmp_path, {**CLEAN, **planted})))
    assert result.returncode == 1
    assert expected in result.stderr


def test_the_allow_list_only_shrinks(tmp_path: Path) -> None:
    """An allowed import passes; an allowed import that no longer happens fails (remove it)."""
    check: Any = runpy.run_path(str(SCRIPT))["check"]
    planted = {"notifications/services.py": "def f():\n    from loket.cases import terms\n"}
    root = _tree(tmp_path, {**CLEAN, **planted})
    assert check(root, {("loket.notifications.services", "cases"): "known"}) == []
    assert check(root, {("loket.notifications.letters", "cases"): "fixed"}) == [
        "ALLOWED lists loket.notifications.letters -> cases, which no longer happens:"
        " remove the entry",
        "loket/notifications/services.py:2: notifications (infrastructure) imports cases"
        " (domain) inside a function: a lower layer must not know a higher one",
        "import cycle between cases, notifications:\n"
        "    loket/cases/apps.py:2: cases -> notifications\n"
        "    loket/notifications/services.py:2: notifications -> cases",
    ]
