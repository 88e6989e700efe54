"""Links in notifications follow the address the site is served at (LOKET_BASE_URL): `make demo`
derives it from HOST and PORT, production refuses to start without it (tests/core/test_settings.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from loket.notifications.delivery import deliver_all
from tests.factories import make_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        (["PORT=8123"], {}, "http://127.0.0.1:8123"),
        (["HOST=0.0.0.0", "PORT=9000"], {}, "http://0.0.0.0:9000"),
        (["PORT=8123"], {"LOKET_BASE_URL": "https://demo.example.nl"}, "https://demo.example.nl"),
    ],
)
def test_make_demo_passes_its_address_to_every_process(
    arguments: list[str], environment: dict[str, str], expected: str
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "LOKET_BASE_URL"} | environment
    dry_run = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "-C", str(ROOT), "demo", *arguments],  # noqa: S607 - make from PATH
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    commands = [line for line in dry_run.stdout.splitlines() if "bin/loket" in line]
    assert {c.split("bin/loket ")[1].split()[0] for c in commands} == {
        "migrate",
        "load_demo",
        "worker",
        "runserver",
    }
    for command in commands:
        assert f"LOKET_MODE=demo LOKET_BASE_URL={expected} " in command, command


@pytest.mark.django_db
def test_notification_links_carry_the_configured_base_url(
    town: Any,
    resident: Any,
    smtp_server: Any,
    settings: Any,
) -> None:
    settings.LOKET_BASE_URL = "http://192.0.2.10:8123/"
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    assert deliver_all() == 1
    (mail,) = smtp_server.messages
    html = mail.get_body(preferencelist=("html",)).get_content()
    text = mail.get_body(preferencelist=("plain",)).get_content()
    expected = f"http://192.0.2.10:8123/stad/mijn/zaken/{case.uuid}"
    assert re.findall(r'href="(http[^"]+/mijn/zaken/[^"]+)"', html) == [expected]
    assert expected in text
    assert "127.0.0.1:8000" not in html + text
