"""Reporting a problem in the public space on the municipality's site (issue 15): the form with
a pin or an address, the check step with the reports nearby to follow instead, the thank-you
page, the follow link, "Is het opgelost?", Mijn Loket and the public map.

Stad and Dorp share one service organisation (tests/reports/conftest.py): a point in Dorp
reported on Stad's site is Dorp's report. Our own texts are checked in English (their Dutch
arrives through the PO file); the rest on data and test ids.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from loket.cases.services import case_set_status
from loket.lib.geo import Point, rounded
from loket.notifications.models import OutboxMessage
from loket.reports.models import Follower, Photo, Report
from loket.reports.services import report_create, report_merge
from tests.factories import PersonFactory
from tests.portal.conftest import login
from tests.reports import conftest as report_fixtures
from tests.reports.conftest import DORPSPLEIN, KERKSTRAAT, MARKT, OUTSIDE

pytestmark = [pytest.mark.django_db]

# Stad and Dorp with their boundaries, categories and addresses.
report_towns = report_fixtures.report_towns
report_town = report_fixtures.report_town

# About 20 metres north of the Markt (1 degree of latitude is about 111 km).
NEAR_MARKT = Point(MARKT.latitude + 0.00018, MARKT.longitude)
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def english(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def jpeg(name: str = "photo.jpg", *, gps: bool = True, size: tuple[int, int] = (800, 600)) -> Any:
    """A JPEG made by Pillow, with a GPS position in its EXIF (what a phone writes)."""
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 1.0, 48.0), 3: "E", 4: (5.0, 3.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def form(point: Point | None = MARKT, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "De lantaarnpaal voor de bakker brandt niet",
        "category": "lantaarnpaal",
        "email": "",
        "phone": "",
    }
    if point is not None:
        data.update(latitude=str(point.latitude), longitude=str(point.longitude))
    data.update(extra)
    return data


def report_via_site(client: Any, town: Any, **extra: Any) -> Any:
    """Fill in, check and send; returns the thank-you page."""
    first = client.post(url("report_form", town), form(**extra))
    assert first.status_code == 302, first.content.decode()[:3000]
    assert first["Location"] == url("report_check", town)
    sent = client.post(url("report_send", town))
    assert sent.status_code == 302 and sent["Location"] == url("report_done", town)
    return client.get(url("report_done", town))


def made(town: Any, point: Point = MARKT, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "site": town,
        "point": point,
        "category": "lantaarnpaal",
        "description": "Lamp kapot",
        "email": "eerste@example.org",
    }
    values.update(extra)
    return report_create(**values)


def close(report: Report, result: str = "opgelost") -> None:
    case = report.case
    steps = {s.code: s for s in case.case_type.steps.all()}
    case = case_set_status(case=case, step=steps["ingepland"], actor=None)
    case = case_set_status(
        case=case,
        step=steps["afgehandeld"],
        actor=None,
        result=case.case_type.results.get(code=result),
    )


def follow_token(address: str) -> str:
    message = OutboxMessage.objects.filter(recipient=address).order_by("-pk").first()
    assert message is not None
    found = message.body_text.split("/melding/volgen/")[1].split()[0].split("?")[0]
    return found.rstrip(".,)")


# --- the form ----------------------------------------------------------------------------------


def test_the_form_offers_the_map_the_address_the_categories_and_photos(
    client: Any, report_town: Any
) -> None:
    page = client.get(url("report_form", report_town)).content.decode()
    assert 'data-map="pick"' in page and 'data-tiles=""' in page  # no tiles in tests
    assert 'name="latitude"' in page and 'name="longitude"' in page
    assert 'name="adres"' in page  # without JavaScript: the address
    assert '<optgroup label="Street lighting">' in page
    assert '<option value="lantaarnpaal">Street light broken</option>' in page
    assert 'type="file" name="photos"' in page and "multiple" in page and 'accept="image/*"' in page
    assert "Is the tree lying on the road or cycle path?" in page  # omgevallen-boom's question
    assert "vendor/leaflet/leaflet.js" in page and "reports-map.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def test_a_report_with_a_pin_and_a_photo_is_checked_sent_and_thanked(
    client: Any, report_town: Any
) -> None:
    first = client.post(
        url("report_form", report_town), form(email="Anna@Example.org", photos=[jpeg()])
    )
    assert first.status_code == 302
    assert Report.objects.count() == 0  # nothing stored before sending
    check = client.get(url("report_check", report_town)).content.decode()
    assert "Street light broken" in check and "De lantaarnpaal voor de bakker" in check
    assert "anna@example.org" in check.lower()
    assert 'data-testid="nearby"' not in check  # nothing nearby
    done = client.post(url("report_send", report_town))
    page = client.get(done["Location"]).content.decode()
    report = Report.objects.get()
    assert report.municipality == report_town and report.category.code == "lantaarnpaal"
    assert (report.latitude, report.longitude) == (MARKT.latitude, MARKT.longitude)
    assert report.place == "Markt 1, Stad"  # the nearest address, found by the service
    assert report.case.identification in page
    follower = Follower.objects.get(report=report)
    assert follower.email == "anna@example.org" and follower.role == Follower.Role.REPORTER
    assert "/stad/melding/volgen/" in page  # the follow link
    # The stored photo: one, read back, an image without any EXIF (no GPS).
    photo = Photo.objects.get(report=report)
    with photo.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert GPS_IFD not in image.getexif() and len(image.getexif()) == 0
    # The draft is gone: the check step sends back to the form.
    again = client.get(url("report_check", report_town))
    assert again.status_code == 302 and again["Location"] == url("report_form", report_town)


def test_without_javascript_the_address_is_looked_up(client: Any, report_town: Any) -> None:
    report_via_site(client, report_town, point=None, adres="Markt 1")
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (MARKT.latitude, MARKT.longitude)
    assert report.place == "Markt 1, Stad"


def test_several_addresses_match_the_resident_chooses(client: Any, report_town: Any) -> None:
    response = client.post(url("report_form", report_town), form(point=None, adres="Stad"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Several addresses match. Choose the one you mean." in page
    assert "Markt 1, Stad" in page and "Kerkstraat 10, Stad" in page
    kerkstraat = f"{KERKSTRAAT.latitude},{KERKSTRAAT.longitude}"
    assert f'value="{kerkstraat}"' in page
    report_via_site(client, report_town, point=None, adres="Stad", plek=kerkstraat)
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (KERKSTRAAT.latitude, KERKSTRAAT.longitude)


def _refused(client: Any, town: Any, data: dict[str, Any], message: str) -> str:
    response = client.post(url("report_form", town), data)
    page: str = response.content.decode()
    assert response.status_code == 400
    assert message in page, page[page.find("error-summary") :][:1500]
    assert Report.objects.count() == 0 and Photo.objects.count() == 0
    return page


def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(
    client: Any, report_town: Any
) -> None:
    _refused(
        client,
        report_town,
        form(point=None, adres="Nergensstraat 99"),
        "We cannot find the address “Nergensstraat 99”.",
    )
    _refused(client, report_town, form(point=None), "Place the pin on the map or fill in an")
    everything = _refused(
        client, report_town, form(point=None, description=""), "Describe the problem in a few"
    )
    assert "Place the pin on the map or fill in an address." in everything  # all at once
    _refused(client, report_town, form(point=OUTSIDE), "This place is outside our municipality.")
    _refused(client, report_town, form(latitude="abc", longitude="5"), "Place the pin on the map")
    _refused(client, report_town, form(description=""), "Describe the problem in a few words.")
    _refused(
        client,
        report_town,
        form(description="x" * 1001),
        "Ensure this value has at most 1000 characters",
    )
    text = SimpleUploadedFile("foto.jpg", b"just some text, not a photo", content_type="image/jpeg")
    _refused(client, report_town, form(photos=[text]), "“foto.jpg” is not a photo.")
    four = [jpeg(f"{n}.jpg") for n in range(4)]
    _refused(client, report_town, form(photos=four), "Add at most 3 photos.")
    _refused(
        client,
        report_town,
        form(category="", description="Er is iets raars"),
        "Choose what kind of problem it is.",
    )
    _refused(client, report_town, form(category="bestaat-niet"), "Select a valid choice.")
    _refused(
        client,
        report_town,
        form(category="omgevallen-boom", description="Boom om"),
        "Answer the question “Is the tree lying on the road or cycle path?”.",
    )
    _refused(client, report_town, form(email="geen-adres"), "Enter a valid email address.")


def test_the_service_refusal_at_sending_is_shown_on_its_field(
    client: Any, report_town: Any
) -> None:
    """A landline is a valid phone number for the form; the service wants a mobile number,
    and says so when sending: on the form's phone field, nothing stored."""
    client.post(url("report_form", report_town), form(phone="030 123 4567"))
    response = client.post(url("report_send", report_town))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give a mobile number (06…)" in page and 'id="id_phone_error"' in page
    assert Report.objects.count() == 0


def test_the_photos_are_kept_when_another_field_has_an_error(client: Any, report_town: Any) -> None:
    first = client.post(
        url("report_form", report_town), form(description="", photos=[jpeg(), jpeg("b.jpg")])
    )
    assert first.status_code == 400
    assert "We have received 2 photos." in first.content.decode()
    report_via_site(client, report_town)
    assert Report.objects.get().photos.count() == 2


def test_the_extra_question_is_answered_and_kept(client: Any, report_town: Any) -> None:
    report_via_site(
        client,
        report_town,
        category="omgevallen-boom",
        description="Boom omgevallen na de storm",
        **{"attr-omgevallen-boom-op-de-weg": "ja"},
    )
    assert Report.objects.get().attributes == {"op-de-weg": "ja"}


def test_without_a_category_the_check_step_shows_the_suggestion(
    client: Any, report_town: Any
) -> None:
    client.post(url("report_form", report_town), form(category=""))
    check = client.get(url("report_check", report_town)).content.decode()
    assert "Street light broken" in check and "suggested from your description" in check
    client.post(url("report_send", report_town))
    assert Report.objects.get().category.code == "lantaarnpaal"


def test_a_point_in_dorp_reported_on_stads_site_is_dorps(client: Any, report_towns: Any) -> None:
    stad, dorp = report_towns
    page = report_via_site(client, stad, point=DORPSPLEIN, email="a@example.org").content.decode()
    report = Report.objects.get()
    assert report.municipality == dorp and report.category.municipality == dorp
    assert 'data-testid="landed-in">Dorp<' in page
    assert "/dorp/melding/volgen/" in page


# --- nearby reports: follow instead ------------------------------------------------------------


def test_a_report_nearby_is_shown_and_followed_instead(client: Any, report_town: Any) -> None:
    existing = made(report_town, description="GEHEIM: de buurman van nummer 3").report
    client.post(url("report_form", report_town), form(point=NEAR_MARKT, email="b@example.org"))
    check = client.get(url("report_check", report_town)).content.decode()
    assert 'data-testid="nearby"' in check
    assert "20 m from your place" in check
    assert "Street light broken" in check and "Markt 1, Stad" in check
    assert "GEHEIM" not in check and "eerste@example.org" not in check
    assert "No, I am reporting something else" in check
    response = client.post(url("report_follow_nearby", report_town), {"melding": existing.uuid})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "You follow this report" in done and existing.case.identification in done
    assert Report.objects.count() == 1  # no second report
    follower = existing.followers.get(role=Follower.Role.FOLLOWER)
    assert follower.email == "b@example.org"
    assert OutboxMessage.objects.filter(event="report_followed", recipient="b@example.org")


def test_following_without_an_address_asks_for_one(client: Any, report_town: Any) -> None:
    existing = made(report_town).report
    client.post(url("report_form", report_town), form(point=NEAR_MARKT))
    check = client.get(url("report_check", report_town)).content.decode()
    assert 'id="follow-email"' in check
    response = client.post(url("report_follow_nearby", report_town), {"melding": existing.uuid})
    assert response.status_code == 422
    assert "Give an e-mail address or a mobile number" in response.content.decode()
    assert existing.followers.count() == 1  # only the reporter
    response = client.post(
        url("report_follow_nearby", report_town),
        {"melding": existing.uuid, "email": "c@example.org"},
    )
    assert response.status_code == 302
    assert existing.followers.filter(email="c@example.org").exists()


def test_only_a_report_shown_nearby_can_be_followed(client: Any, report_town: Any) -> None:
    far = made(report_town, point=KERKSTRAAT).report  # about 450 m away
    client.post(url("report_form", report_town), form(email="b@example.org"))
    response = client.post(url("report_follow_nearby", report_town), {"melding": far.uuid})
    assert response.status_code == 404
    assert far.followers.count() == 1


def test_a_nearby_report_is_then_sent_as_a_new_one(client: Any, report_town: Any) -> None:
    made(report_town)
    report_via_site(client, report_town, point=NEAR_MARKT)
    assert Report.objects.count() == 2


# --- logged in ---------------------------------------------------------------------------------


def test_a_logged_in_resident_reports_as_themselves(
    client: Any, report_town: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    emma = PersonFactory.create(
        municipality=report_town, bsn="111222333", email="emma@example.org", phone=""
    )
    login(client, report_town, emma)
    page = client.get(url("report_form", report_town)).content.decode()
    assert 'value="emma@example.org"' in page
    report_via_site(client, report_town, email="emma@example.org")
    report = Report.objects.get()
    assert report.case.initiator_person == emma
    assert report.followers.get().person == emma
    mine = client.get(url("mijn", report_town)).content.decode()
    assert report.case.identification in mine


def test_mijn_loket_asks_is_it_solved_and_no_reopens(
    client: Any, report_town: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    emma = PersonFactory.create(municipality=report_town, bsn="111222333")
    report = made(report_town, person=emma, email="").report
    close(report)
    login(client, report_town, emma)
    case_page = url("mijn_case", report_town, uuid=report.case.uuid)
    page = client.get(case_page).content.decode()
    assert 'data-testid="report-answer"' in page and "Is it solved?" in page
    response = client.post(
        url("mijn_report_answer", report_town, uuid=report.case.uuid), {"opgelost": "nee"}
    )
    assert response.status_code == 302 and response["Location"] == case_page
    report.refresh_from_db()
    assert report.is_open and report.status_code == "heropend" and report.reopened == 1
    assert 'data-testid="report-answer"' not in client.get(case_page).content.decode()


def test_another_resident_cannot_answer_for_the_reporter(
    client: Any, report_town: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    emma = PersonFactory.create(municipality=report_town, bsn="111222333")
    bas = PersonFactory.create(municipality=report_town, bsn="123456782")
    report = made(report_town, person=emma, email="").report
    close(report)
    login(client, report_town, bas)
    answer = url("mijn_report_answer", report_town, uuid=report.case.uuid)
    assert client.post(answer, {"opgelost": "nee"}).status_code == 404
    assert client.get(url("mijn_case", report_town, uuid=report.case.uuid)).status_code == 404
    report.refresh_from_db()
    assert not report.is_open


# --- the JSON answers for the map --------------------------------------------------------------


def test_the_category_is_suggested_from_the_description(client: Any, report_town: Any) -> None:
    found = client.get(url("report_suggest", report_town), {"tekst": "lamp kapot"}).json()
    assert found == {
        "code": "lantaarnpaal",
        "name": "Street light broken",
        "main": "Street lighting",
    }
    assert client.get(url("report_suggest", report_town), {"tekst": "qqq"}).json() == {"code": None}
    assert client.get(url("report_suggest", report_town)).json() == {"code": None}


def test_the_address_search_answers_in_the_served_municipalities(
    client: Any, report_towns: Any
) -> None:
    stad, _dorp = report_towns
    found = client.get(url("report_address", stad), {"q": "Dorpsplein 2"}).json()
    assert found == [
        {"label": "Dorpsplein 2, Dorp", "lat": DORPSPLEIN.latitude, "lon": DORPSPLEIN.longitude}
    ]
    assert client.get(url("report_address", stad), {"q": "x"}).json() == []
    assert client.get(url("report_address", stad), {"q": "a\x00b"}).status_code == 400


# --- the follow link ---------------------------------------------------------------------------


def test_the_follow_page_shows_the_report_and_steps_but_no_description(
    client: Any, report_town: Any
) -> None:
    made(report_town, description="GEHEIM verhaal van de melder")
    token = follow_token("eerste@example.org")
    page = client.get(url("report_follow", report_town, token=token)).content.decode()
    report = Report.objects.get()
    assert report.case.identification in page and "Street light broken" in page
    assert "Markt 1, Stad" in page
    assert "We have received the report." in page  # the step's text for residents
    assert "GEHEIM" not in page and "eerste@example.org" not in page
    assert 'data-testid="answer"' not in page  # open: nothing to answer yet


def test_an_unknown_or_foreign_follow_link_is_a_friendly_404(
    client: Any, report_towns: Any
) -> None:
    stad, dorp = report_towns
    made(stad)
    token = follow_token("eerste@example.org")
    for town, wrong in ((stad, "not-a-token"), (stad, "x" * 300), (dorp, token)):
        response = client.get(url("report_follow", town, token=wrong))
        assert response.status_code == 404
        assert "This link does not work (any more)" in response.content.decode()


def test_stop_following(client: Any, report_town: Any) -> None:
    report = made(report_town).report
    token = follow_token("eerste@example.org")
    page = url("report_follow", report_town, token=token)
    response = client.post(page, {"actie": "stoppen"})
    assert "You no longer follow this report." in response.content.decode()
    assert report.followers.get().stopped_at is not None


def test_is_it_solved_a_get_changes_nothing_and_no_reopens_once(
    client: Any, report_town: Any
) -> None:
    report = made(report_town).report
    close(report)
    token = follow_token("eerste@example.org")
    page_url = url("report_follow", report_town, token=token)
    page = client.get(page_url, {"opgelost": "nee"}).content.decode()
    assert 'data-testid="answer"' in page
    assert 'value="nee" checked' in page  # preselected from the e-mail's link
    report.refresh_from_db()
    follower = report.followers.get()
    assert not report.is_open and follower.answered == ""  # a GET changes nothing
    response = client.post(page_url, {"actie": "antwoord", "opgelost": "nee"})
    assert response.status_code == 200
    shown = response.content.decode()
    assert "We have told the team it is not solved." in shown
    assert 'data-testid="status">Reopened' in shown
    report.refresh_from_db()
    assert report.is_open and report.status_code == "heropend" and report.reopened == 1
    # Closed again; a second "no" tells the team but does not reopen.
    close(report)
    token = follow_token("eerste@example.org")
    client.post(
        url("report_follow", report_town, token=token), {"actie": "antwoord", "opgelost": "nee"}
    )
    report.refresh_from_db()
    assert not report.is_open and report.reopened == 1


def test_an_answer_must_be_yes_or_no(client: Any, report_town: Any) -> None:
    report = made(report_town).report
    close(report)
    token = follow_token("eerste@example.org")
    response = client.post(
        url("report_follow", report_town, token=token), {"actie": "antwoord", "opgelost": "?"}
    )
    assert response.status_code == 400 and "Choose yes or no." in response.content.decode()
    report.refresh_from_db()
    assert not report.is_open


# --- the public map ----------------------------------------------------------------------------


def test_the_public_map_counts_and_shows_no_personal_data(client: Any, report_town: Any) -> None:
    """Hand-worked: three open reports, one closed 10 days ago (counted), one closed 40 days
    ago (not shown), and a duplicate merged into an open one (not shown): "3 open reports" and
    "1 report dealt with in the last 30 days", four rows."""
    now = timezone.now()
    secret = "GEHEIM-Jansen-woont-hier"
    first = made(report_town, description=secret, email="geheim@example.org").report
    made(report_town, point=KERKSTRAAT, category="stoeptegel", description=secret)
    duplicate = made(report_town, point=NEAR_MARKT, description=secret).report
    report_merge(duplicate=duplicate, into=first, actor=None)
    recent = made(report_town, point=KERKSTRAAT, category="zwerfafval", description=secret)
    old = made(report_town, point=KERKSTRAAT, category="takken", description=secret)
    close(recent.report)
    close(old.report)
    Report.objects.filter(pk=recent.report.pk).update(closed_at=now - timedelta(days=10))
    Report.objects.filter(pk=old.report.pk).update(closed_at=now - timedelta(days=40))
    person = PersonFactory.create(municipality=report_town, surname="Zonderland")
    made(report_town, point=KERKSTRAAT, category="gat-in-de-weg", person=person, email="")

    response = client.get(url("report_map", report_town))
    page = response.content.decode()
    figures = page.split('data-testid="figures">')[1].split("</p>")[0]
    assert figures == "3 open reports · 1 report dealt with in the last 30 days"
    rows = page.split('data-testid="public-reports">')[1].split("</table>")[0]
    assert rows.count("<tr>") == 1 + 4  # the header and four reports
    assert "Litter" in rows and "Overhanging branches" not in rows
    for private in (secret, "geheim@example.org", "Zonderland", "Markt 1", "Kerkstraat"):
        assert private not in page

    data = client.get(url("report_map_data", report_town))
    body = data.content.decode()
    for private in (secret, "geheim@example.org", "Zonderland", "Markt 1", "Kerkstraat"):
        assert private not in body
    features = json.loads(body)["features"]
    assert len(features) == 4
    assert set(features[0]["properties"]) == {
        "category",
        "main_category",
        "status",
        "open",
        "reported_on",
    }
    where = {tuple(f["geometry"]["coordinates"]) for f in features}
    shown_markt = rounded(MARKT, settings.LOKET_PUBLIC_MAP_METRES)
    assert shown_markt != MARKT
    assert (shown_markt.longitude, shown_markt.latitude) in where
    assert (MARKT.longitude, MARKT.latitude) not in where


def test_the_product_page_sends_residents_to_the_report_form(client: Any, report_town: Any) -> None:
    page = client.get(url("product", report_town, product="melding-openbare-ruimte"))
    assert url("report_form", report_town) in page.content.decode()


@pytest.mark.parametrize("bad", ["", "xxx", "²", "a\x00b", "9" * 300, "52.03,999"])
def test_malformed_parameters_are_a_clear_answer_not_a_500(
    client: Any, report_town: Any, bad: str
) -> None:
    """The parameters of these pages that the malformed-input walk does not know."""
    existing = made(report_town).report
    close(existing)
    token = follow_token("eerste@example.org")
    choose = client.post(url("report_form", report_town), form(point=None, adres="Stad", plek=bad))
    assert choose.status_code == 400
    client.post(url("report_form", report_town), form(email="b@example.org"))
    follow = client.post(url("report_follow_nearby", report_town), {"melding": bad})
    assert follow.status_code in (400, 404)
    page = url("report_follow", report_town, token=token)
    for data in ({"actie": bad}, {"actie": "antwoord", "opgelost": bad, "toelichting": bad}):
        assert client.post(page, data).status_code in (200, 400)
    assert client.get(page, {"opgelost": bad}).status_code in (200, 400)
    assert Report.objects.count() == 1
    existing.refresh_from_db()
    assert not existing.is_open


def test_a_logged_in_resident_follows_a_report_nearby_as_themselves(
    client: Any, report_town: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    emma = PersonFactory.create(municipality=report_town, bsn="111222333", email="", phone="")
    existing = made(report_town).report
    login(client, report_town, emma)
    client.post(url("report_form", report_town), form(point=NEAR_MARKT))
    check = client.get(url("report_check", report_town)).content.decode()
    assert 'data-testid="nearby"' in check and 'id="follow-email"' not in check
    response = client.post(url("report_follow_nearby", report_town), {"melding": existing.uuid})
    assert response.status_code == 302
    assert existing.followers.get(role=Follower.Role.FOLLOWER).person == emma


def test_sending_twice_makes_one_report(client: Any, report_town: Any) -> None:
    """The back button or a second click on "Verstuur": the thank-you page again, no second
    report."""
    report_via_site(client, report_town, email="a@example.org")
    again = client.post(url("report_send", report_town))
    assert again.status_code == 302 and again["Location"] == url("report_done", report_town)
    assert Report.objects.count() == 1


def test_a_refused_draft_can_be_corrected_and_sent(client: Any, report_town: Any) -> None:
    client.post(url("report_form", report_town), form(phone="030 123 4567"))
    assert client.post(url("report_send", report_town)).status_code == 422
    report_via_site(client, report_town, phone="06 12345678")
    assert Report.objects.get().followers.get().phone == "+31612345678"
