"""The README's command-line example works as written: the wegwijzer on the demo database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _readme_line(start: str) -> str:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    (line,) = [line for line in lines if line.startswith(start)]
    return line


def test_the_wegwijzer_example_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    """Against what `make demo` leaves behind (a migrated demo database with the catalogue and
    the municipality Waterdal), in a shell without LOKET_MODE, as a newcomer types it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOKET_", "DATABASE_URL", "SECRET_KEY"))
    }
    env["LOKET_VAR_DIR"] = str(tmp_path)  # where the demo's SQLite file lives
    demo = {**env, "LOKET_MODE": "demo"}
    loket = str(BIN / "loket")
    for arguments in (["migrate", "-v0"], ["load_catalogue"]):
        subprocess.run([loket, *arguments], env=demo, check=True, capture_output=True)  # noqa: S603
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from tests.factories import MunicipalityFactory; "
            "MunicipalityFactory.create(slug='waterdal', name='Waterdal')",
        ],
        env={**demo, "DJANGO_SETTINGS_MODULE": "loket.settings"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    command = _readme_line('echo "ik ben verhuisd" | ')
    assert "LOKET_MODE=demo .venv/bin/loket wegwijzer --municipality waterdal" in command
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    result = subprocess.run(  # noqa: S603 - the README's own line
        [  # noqa: S607 - bash from PATH, as a newcomer's shell
            "bash",
            "-c",
            command
            if (ROOT / ".venv/bin/loket").exists()
            else command.replace(".venv/bin/loket", loket),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["question"] == "ik ben verhuisd"
    assert answer["results"][0]["slug"] == "verhuizing"
