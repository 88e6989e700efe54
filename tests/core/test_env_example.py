"""`.env.example` documents every setting the code reads from the environment, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env_str("NAME", ...), env_bool(...) etc. (loket.lib.env), and direct reads of os.environ.
READS = re.compile(
    r"""\benv_(?:str|bool|int|float|list|choice|rate)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|\bos\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|\bos\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
DOCUMENTED = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def names_read_by_the_code() -> set[str]:
    sources = [*sorted((ROOT / "src").rglob("*.py")), ROOT / "bin" / "test-lanes"]
    names: set[str] = set()
    for source in sources:
        for match in READS.finditer(source.read_text(encoding="utf-8")):
            names.add(next(group for group in match.groups() if group))
    return names


def names_documented() -> set[str]:
    return set(DOCUMENTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))


def test_the_scan_finds_reads_of_every_kind() -> None:
    read = names_read_by_the_code()
    # One of each: env_str, env_list over two lines, env_rate, os.environ.get in bin/test-lanes.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "LOKET_API_RATE_ANON", "TEST_DATABASE_URL"} <= read
    assert len(read) > 60


def test_every_setting_the_code_reads_is_documented() -> None:
    missing = names_read_by_the_code() - names_documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_documented_setting_is_read_by_the_code() -> None:
    unknown = names_documented() - names_read_by_the_code()
    assert not unknown, f"not read by any code, remove from .env.example: {sorted(unknown)}"
