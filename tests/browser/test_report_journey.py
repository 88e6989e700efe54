"""Issue 15's journey in a real browser ("Done means"): an anonymous resident places a pin on
the map, adds a photo, sees an existing report of the same kind 20 m away and follows it
instead, with an e-mail address; a second resident reports something new; the team moves both
cases through the workbench's step form (ingepland, then afgehandeld with the result
opgelost); both residents get the updates by e-mail (over real SMTP); the second resident
answers "Nee" at "Is het opgelost?" with the link in the closing message, and the report
reopens (heropend), as its follow page shows.

The map has no tiles here (no internet; ``LOKET_MAP_TILES`` is empty): a plain background with
the municipal boundary, on which the pin is placed all the same."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from loket.accounts.models import Role
from loket.catalogue.services import catalogue_load
from loket.lib.geo import Point, distance_m
from loket.notifications.delivery import deliver_all
from loket.reports.models import Follower, Report
from loket.reports.services import report_create
from loket.tenancy.models import Municipality
from tests.browser.test_workbench_axe import _login
from tests.factories import StaffFactory
from tests.reports.conftest import KERKSTRAAT, MARKT, STAD_AREA, report_setup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]

# Set LOKET_SCREENSHOTS=/some/dir to keep a full-page screenshot of the main pages.
SHOTS = os.environ.get("LOKET_SCREENSHOTS", "")


def stad_with_reports() -> Municipality:
    """Stad with its boundary, the standard categories and two addresses (a transactional
    test starts from an empty database: the catalogue is loaded here)."""
    from loket.reports.models import Address

    catalogue_load()
    stad = Municipality.objects.create(slug="stad", name="Stad", cbs_code="9801")
    report_setup(stad, STAD_AREA)
    for street, number, point in (("Markt", "1", MARKT), ("Kerkstraat", "10", KERKSTRAAT)):
        Address.objects.create(
            municipality=stad,
            street=street,
            number=number,
            postcode="9801AA",
            city="Stad",
            latitude=point.latitude,
            longitude=point.longitude,
        )
    return stad


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, format="JPEG")
    return out.getvalue()


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"report-{name}.png"), full_page=True)


def watch_console(page: Any) -> list[str]:
    """Errors in the browser's console (a CSP violation, a script error) end the test."""
    errors: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def mails_to(inbox: Any, address: str) -> list[str]:
    deliver_all()
    found = []
    for message in inbox.messages:
        if address in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            found.append(f"{message['Subject']}\n{body.get_content() if body else ''}")
    return found


def link_in(text: str, suffix: str = "") -> str:
    found = re.search(r"https?://\S+/melding/volgen/[A-Za-z0-9_-]+" + re.escape(suffix), text)
    assert found is not None, text
    return found.group(0).replace(settings.LOKET_BASE_URL.rstrip("/"), "")


def set_step(page: Any, report: Report, step: str, result: str = "") -> None:
    """The workbench's case page: choose the next step (and result) and set it."""
    page.goto(f"/werkplek/zaken/{report.case.uuid}")
    form = page.locator("form[action$='/status']")
    form.locator("select[name=step]").select_option(label=step)
    if result:
        form.locator("select[name=result]").select_option(label=result)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("current-step").inner_text() == step


def test_follow_instead_report_new_handle_and_reopen(
    browser_context: Any, smtp_server: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    stad = stad_with_reports()
    StaffFactory.create(username="buitendienst", role=Role.TEAM_LEAD, municipalities=[stad])
    existing = report_create(
        site=stad,
        point=MARKT,
        category="lantaarnpaal",
        description="Lamp aan de Markt brandt niet",
        email="eerste@example.org",
    ).report

    # --- The first resident: a pin 20 m north of the Markt, a photo, follows instead. -------
    anna = browser_context().new_page()
    anna.set_viewport_size({"width": 1280, "height": 1000})
    errors = watch_console(anna)
    anna.goto("/stad/melden")
    the_map = anna.locator("#report-map")
    assert the_map.is_visible()  # JavaScript shows the map
    # The address search zooms to the Markt; the map's centre is then the Markt.
    anna.fill("#id_adres", "Markt 1")
    anna.locator("[data-action=address-search]").click()
    expect(anna.locator("#id_latitude")).not_to_have_value("")
    anna.wait_for_timeout(600)  # the zoom animation
    box = the_map.bounding_box()
    assert box is not None
    # At zoom 17 and latitude 52.03 one pixel is 0.74 m: 27 pixels up is about 20 m north.
    anna.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - 27)
    anna.wait_for_timeout(200)
    pin = Point(float(anna.input_value("#id_latitude")), float(anna.input_value("#id_longitude")))
    assert 17 <= distance_m(pin, MARKT) <= 23
    anna.fill("#id_description", "De lantaarnpaal bij de bakker is kapot")
    suggestion = anna.locator("#report-suggestion button")
    suggestion.wait_for()
    suggestion.click()  # the suggested category, confirmed
    assert anna.input_value("#id_category") == "lantaarnpaal"
    anna.set_input_files(
        "#id_photos",
        files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}],
    )
    shot(anna, "form")
    anna.locator("form[data-testid=report-form] button[type=submit]").click()
    anna.wait_for_url("**/melden/controleren")
    nearby = anna.get_by_test_id("nearby-report")
    assert nearby.count() == 1
    assert re.search(r"\b(19|20|21) m\b", nearby.get_by_test_id("distance").inner_text())
    assert "Lamp aan de Markt" not in anna.content()  # no description of the other report
    shot(anna, "check")
    anna.fill("#follow-email", "anna@example.org")
    nearby.get_by_test_id("follow").click()
    anna.wait_for_url("**/melden/ontvangen")
    assert existing.case.identification in anna.locator("main").inner_text()
    assert Report.objects.count() == 1  # followed, not reported again
    follower = existing.followers.get(role=Follower.Role.FOLLOWER)
    assert follower.email == "anna@example.org"
    (followed_mail,) = mails_to(smtp_server, "anna@example.org")
    anna.goto(link_in(followed_mail))
    assert anna.get_by_test_id("reference").inner_text() == existing.case.identification
    shot(anna, "follow")
    assert errors == []

    # --- The second resident reports something new: a loose paving stone. -------------------
    bas = browser_context().new_page()
    bas_errors = watch_console(bas)
    bas.goto("/stad/melden")
    bas.fill("#id_adres", "Kerkstraat 10")
    bas.keyboard.press("Enter")  # Enter searches, it does not send the form
    expect(bas.locator("#id_latitude")).not_to_have_value("")
    bas.fill("#id_description", "Losse stoeptegel, mijn buurvrouw viel bijna")
    bas.select_option("#id_category", "stoeptegel")
    bas.fill("#id_email", "bas@example.org")
    bas.locator("form[data-testid=report-form] button[type=submit]").click()
    bas.wait_for_url("**/melden/controleren")
    assert bas.get_by_test_id("nearby").count() == 0
    bas.get_by_test_id("send").click()
    bas.wait_for_url("**/melden/ontvangen")
    new = Report.objects.exclude(pk=existing.pk).get()
    assert bas.get_by_test_id("reference").inner_text() == new.case.identification
    assert new.category.code == "stoeptegel" and new.place == "Kerkstraat 10, Stad"
    assert bas_errors == []

    # --- The team handles both in the workbench. ---------------------------------------------
    team = browser_context().new_page()
    _login(team, "buitendienst")
    for report in (existing, new):
        set_step(team, report, "Ingepland")
        set_step(team, report, "Afgehandeld", "Opgelost")

    # --- Everyone hears of it: the follower, the first reporter and the new reporter. -------
    for address in ("anna@example.org", "eerste@example.org", "bas@example.org"):
        texts = mails_to(smtp_server, address)
        assert any("/melding/volgen/" in t and "?opgelost=nee" in t for t in texts), address
        assert any("ingepland" in t.lower() for t in texts), address
    for address, report in (("anna@example.org", existing), ("bas@example.org", new)):
        assert all(report.case.identification in t for t in mails_to(smtp_server, address)[1:])

    # --- Bas answers "Nee" with the link in the closing message: it reopens. -----------------
    closing = [t for t in mails_to(smtp_server, "bas@example.org") if "?opgelost=nee" in t][-1]
    bas.goto(link_in(closing, "?opgelost=nee"))
    assert bas.locator("#opgelost-nee").is_checked()  # preselected, nothing changed yet
    new.refresh_from_db()
    assert not new.is_open
    bas.fill("#toelichting", "De tegel ligt er nog steeds los")
    bas.locator("[data-testid=answer] button[type=submit]").click()
    bas.wait_for_load_state()
    assert bas.get_by_test_id("status").inner_text().startswith("Heropend")
    assert "Heropend" in bas.get_by_test_id("timeline").inner_text()
    new.refresh_from_db()
    assert new.is_open and new.status_code == "heropend" and new.reopened == 1
    assert bas_errors == []

    # --- The public map: both reports, without words or addresses of residents. -------------
    public = browser_context().new_page()
    public_errors = watch_console(public)
    public.goto("/stad/meldingen-kaart")
    public.wait_for_selector("#report-map path.leaflet-interactive")
    assert public.locator("#report-map path.leaflet-interactive").count() == 2
    content = public.content()
    for private in ("Lamp aan de Markt", "buurvrouw", "Kerkstraat", "bas@example.org"):
        assert private not in content
    shot(public, "public-map")
    assert public_errors == []
