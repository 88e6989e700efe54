"""Public-space reports in the workbench (issue 15): the reports page with its filters (each on
hand-made data, a malformed one a form error or a 400), the map's pins (never of a municipality
or partner the user may not see), the photos (only for who may see the report), the report
section of the case page and merging duplicates there."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from loket.accounts.models import Role, User
from loket.cases.models import Case
from loket.cases.services import case_assign, case_set_status
from loket.lib.geo import Point, to_rd
from loket.notifications.models import OutboxMessage
from loket.organisation.models import Partner, Team
from loket.reports.models import Follower, Report
from loket.reports.services import report_create
from loket.tenancy.models import Municipality
from tests.factories import StaffFactory
from tests.reports import conftest as reports_conftest
from tests.reports.conftest import DORPSPLEIN, KERKSTRAAT, MARKT

pytestmark = pytest.mark.django_db

report_towns = reports_conftest.report_towns  # Stad and Dorp, the reports' shared fixture

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def client(client: Client, settings: Any) -> Client:
    """In English: the page texts are the msgids, readable before the Dutch is merged."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def north(point: Point, metres: float) -> Point:
    return Point(point.latitude + metres / 111_195.0, point.longitude)


def jpeg(colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def listed(response: Any) -> set[str]:
    """The cases (by uuid) the reports list links to, in its rows."""
    page = response.content.decode()
    rows = re.findall(r'<tr data-testid="report-row".*?</tr>', page, re.S)
    return {m for row in rows for m in re.findall(r"/werkplek/zaken/([0-9a-f-]{36})", row)}


def uuids(*reports: Report) -> set[str]:
    return {str(report.case.uuid) for report in reports}


def _close(report: Report, result: str = "opgelost") -> None:
    case = Case.objects.get(pk=report.case_id)
    case_set_status(
        case=case,
        step=case.case_type.steps.get(code="afgehandeld"),
        result=case.case_type.results.get(code=result),
        actor=None,
    )


@pytest.fixture
def world(report_towns: tuple[Municipality, Municipality]) -> dict[str, Any]:
    """Four reports in Stad and one in Dorp, on known days, with the people who look at them."""
    stad, dorp = report_towns

    def make(town: Municipality, day: int, month: int = 11, **kwargs: Any) -> Report:
        options: dict[str, Any] = {
            "site": town,
            "point": MARKT,
            "category": "lantaarnpaal",
            "description": "De lamp brandt niet",
            "now": datetime(2026, month, day, 9, 0, tzinfo=AMS),
            **kwargs,
        }
        return report_create(**options).report

    lamp = make(stad, 2, email="melder@example.org", photos=[jpeg()])
    litter = make(
        stad,
        20,
        point=KERKSTRAAT,
        category="zwerfafval",
        description="Glas op straat",
        photos=[jpeg("blue")],
    )
    tile = make(stad, 1, month=12, category="stoeptegel", description="Losse tegel")
    _close(tile)
    near = make(stad, 3, point=north(MARKT, 20), description="Lamp kapot", phone="0612345678")
    dorp_lamp = make(dorp, 25, point=DORPSPLEIN)
    beheer = Team.objects.get(slug="beheer-openbare-ruimte")
    worker = StaffFactory.create(username="wb-stad", municipalities=[stad])
    worker.teams.set([beheer])
    return {
        "stad": stad,
        "dorp": dorp,
        "lamp": lamp,
        "litter": litter,
        "tile": tile,
        "near": near,
        "dorp_lamp": dorp_lamp,
        "worker": worker,
        "dorp_worker": StaffFactory.create(username="wb-dorp", municipalities=[dorp]),
        "both": StaffFactory.create(username="wb-beide", municipalities=[stad, dorp]),
        "afval": StaffFactory.create(
            username="wb-afval",
            role=Role.PARTNER_WORKER,
            partner=Partner.objects.get(slug="afvalbedrijf"),
            municipalities=[stad],
        ),
        "social": StaffFactory.create(
            username="wb-sociaal",
            role=Role.PARTNER_WORKER,
            partner=Partner.objects.get(slug="sociaal-team"),
            municipalities=[stad],
        ),
    }


LIST = "/werkplek/openbare-ruimte"


def get(client: Client, user: User, **params: str) -> Any:
    client.force_login(user)
    return client.get(LIST, params)


# --- the list and its filters ----------------------------------------------------------------


def test_the_list_shows_the_open_reports_of_the_users_municipalities(
    client: Client, world: dict[str, Any]
) -> None:
    w = world
    response = get(client, w["worker"])
    assert response.status_code == 200
    assert listed(response) == uuids(w["lamp"], w["litter"], w["near"])
    page = response.content.decode()
    assert "3 reports match, newest first" in text(page)
    # Each row: reference, category with its main one, place, step, dates and the counts.
    row = re.search(
        rf'<tr data-testid="report-row" data-reference="{w["lamp"].case.identification}".*?</tr>',
        page,
        re.S,
    )
    assert row is not None
    cells = text(row.group(0))
    assert "Street lighting: Street light broken" in cells
    assert "Markt 1, Stad" in cells
    assert "Reported" in cells
    assert "2 Nov 2026 09:00" in cells
    assert w["lamp"].case.due_at.strftime("%-d %b %Y") in cells
    assert re.search(r'data-testid="followers">1<', row.group(0))
    assert re.search(r'data-testid="photos">1<', row.group(0))
    # What the figures count is written on the page.
    assert "the reporter included" in text(page)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "afval"}, ["litter"]),
        ({"category": "zwerfafval"}, ["litter"]),
        ({"category": "lantaarnpaal"}, ["lamp", "near"]),
        ({"category": "verlichting"}, ["lamp", "near"]),
        ({"status": "closed"}, ["tile"]),
        ({"status": "all"}, ["lamp", "litter", "tile", "near"]),
        ({"status": "afgehandeld"}, ["tile"]),
        ({"status": "gemeld"}, ["lamp", "litter", "near"]),
        ({"since": "2026-11-15"}, ["litter"]),
        ({"since": "2026-11-15", "status": "all"}, ["litter", "tile"]),
        ({"until": "2026-11-02"}, ["lamp"]),
        ({"since": "2026-11-03", "until": "2026-11-20"}, ["near", "litter"]),
        ({"scope": "team"}, ["lamp", "near"]),
        ({"scope": "mine"}, []),
        ({"municipality": "stad", "category": "verlichting"}, ["lamp", "near"]),
    ],
)
def test_each_filter(
    client: Client, world: dict[str, Any], params: dict[str, str], expected: list[str]
) -> None:
    response = get(client, world["worker"], **params)
    assert response.status_code == 200
    assert listed(response) == uuids(*(world[name] for name in expected))


def test_mine_is_what_is_assigned_to_me(client: Client, world: dict[str, Any]) -> None:
    lead = StaffFactory.create(
        username="wb-lead", role=Role.TEAM_LEAD, municipalities=[world["stad"]]
    )
    case_assign(case=world["near"].case, assignee=world["worker"], actor=lead)
    assert listed(get(client, world["worker"], scope="mine")) == uuids(world["near"])


def test_the_municipality_filter_for_staff_of_two(client: Client, world: dict[str, Any]) -> None:
    both = world["both"]
    assert listed(get(client, both)) == uuids(
        world["lamp"], world["litter"], world["near"], world["dorp_lamp"]
    )
    assert listed(get(client, both, municipality="dorp")) == uuids(world["dorp_lamp"])
    assert listed(get(client, both, municipality="stad", category="afval")) == uuids(
        world["litter"]
    )


def test_a_partner_worker_sees_only_the_reports_handed_to_the_partner(
    client: Client, world: dict[str, Any]
) -> None:
    assert listed(get(client, world["afval"], status="all")) == uuids(world["litter"])
    assert listed(get(client, world["social"], status="all")) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"category": "geen-categorie"},
        {"status": "weg"},
        {"scope": "iedereen"},
        {"since": "2026-13-01"},
        {"until": "gisteren"},
        {"since": "2026-12-01", "until": "2026-11-01"},
        {"since": "0001-01-01"},
        {"municipality": "dorp"},  # not one of this user's
        {"municipality": "../../etc"},
    ],
)
def test_a_malformed_filter_is_a_form_error_and_shows_nothing(
    client: Client, world: dict[str, Any], params: dict[str, str]
) -> None:
    response = get(client, world["worker"], **params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page
    assert 'class="field-error"' in page
    assert listed(response) == set()
    client.force_login(world["worker"])
    pins = client.get(reverse("workbench:report_map"), params)
    assert pins.status_code == 400
    assert "reports" not in pins.json()


@pytest.mark.parametrize("after", ["nonsense", "bm9uc2Vuc2U", "MjAyNi0xMS0wMlQwOTowMDowMHwtMQ"])
def test_a_malformed_cursor_is_a_400(client: Client, world: dict[str, Any], after: str) -> None:
    response = get(client, world["worker"], after=after)
    assert response.status_code == 400
    assert "“after” is not a place in this list." in response.content.decode()


def test_the_list_pages_by_a_cursor(client: Client, world: dict[str, Any], settings: Any) -> None:
    settings.LOKET_PAGE_SIZE = 2
    first = get(client, world["worker"], status="all")
    assert listed(first) == uuids(world["tile"], world["litter"])  # newest first
    assert "4 reports match" in text(first.content.decode())
    cursor = re.search(r'after=([\w-]+)" rel="next"', first.content.decode())
    assert cursor is not None
    second = get(client, world["worker"], status="all", after=cursor.group(1))
    assert listed(second) == uuids(world["near"], world["lamp"])
    assert 'rel="next"' not in second.content.decode()


# --- the map ---------------------------------------------------------------------------------


def test_the_map_pins_are_only_of_what_the_user_may_see(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["worker"])
    data = client.get(reverse("workbench:report_map"), {"status": "all"}).json()
    assert data["count"] == 4 and data["shown"] == 4
    urls = {pin["url"].rsplit("/", 1)[-1] for pin in data["reports"]}
    assert urls == uuids(world["lamp"], world["litter"], world["tile"], world["near"])
    assert all(pin["longitude"] < 5.10 for pin in data["reports"])  # all in Stad
    lamp = next(p for p in data["reports"] if p["url"].endswith(str(world["lamp"].case.uuid)))
    assert lamp["latitude"] == MARKT.latitude and lamp["longitude"] == MARKT.longitude
    assert lamp["category"] == "Street light broken" and lamp["status"] == "Reported"
    # Nothing of Dorp in the pins, nor on the page (links, bounds, data attributes).
    dorp = world["dorp_lamp"]
    raw = json.dumps(data)
    assert str(dorp.case.uuid) not in raw and "5.15" not in raw
    page = client.get(LIST, {"status": "all"}).content.decode()
    assert str(dorp.case.uuid) not in page
    bounds = re.search(r'data-bounds="([^"]+)"', page)
    assert bounds is not None
    assert [float(v) for v in bounds.group(1).split(",")] == [52.0, 5.0, 52.06, 5.1]
    source = re.search(r'data-source="([^"]+)"', page)
    assert source is not None and source.group(1).startswith(reverse("workbench:report_map"))


def test_the_map_of_a_partner_worker(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["afval"])
    data = client.get(reverse("workbench:report_map"), {"status": "all"}).json()
    assert [pin["url"].rsplit("/", 1)[-1] for pin in data["reports"]] == [
        str(world["litter"].case.uuid)
    ]
    client.force_login(world["social"])
    assert client.get(reverse("workbench:report_map")).json()["reports"] == []


def test_the_map_follows_the_filters(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["both"])
    data = client.get(reverse("workbench:report_map"), {"municipality": "dorp"}).json()
    assert [pin["url"].rsplit("/", 1)[-1] for pin in data["reports"]] == [
        str(world["dorp_lamp"].case.uuid)
    ]


# --- photos ----------------------------------------------------------------------------------


def photo_url(report: Report) -> str:
    photo = report.photos.get()
    return reverse("workbench:report_photo", kwargs={"uuid": report.uuid, "photo": photo.pk})


def test_staff_of_the_municipality_get_the_stored_jpeg(
    client: Client, world: dict[str, Any]
) -> None:
    lamp = world["lamp"]
    client.force_login(world["worker"])
    response: Any = client.get(photo_url(lamp))  # a streamed file
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    with lamp.photos.get().file.open("rb") as stored:
        assert body == stored.read()
    assert Image.open(io.BytesIO(body)).format == "JPEG"


@pytest.mark.parametrize("who", ["dorp_worker", "social", "afval"])
def test_anyone_else_gets_404_for_a_photo(client: Client, world: dict[str, Any], who: str) -> None:
    client.force_login(world[who])
    response = client.get(photo_url(world["lamp"]))
    assert response.status_code == 404
    assert not response.content.startswith(b"\xff\xd8")


def test_the_partner_gets_the_photo_of_a_report_handed_to_it(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["afval"])
    assert client.get(photo_url(world["litter"])).status_code == 200
    client.force_login(world["social"])
    assert client.get(photo_url(world["litter"])).status_code == 404


def test_a_photo_of_another_report_under_this_ones_address_is_404(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["worker"])
    other = world["litter"].photos.get()
    url = reverse("workbench:report_photo", kwargs={"uuid": world["lamp"].uuid, "photo": other.pk})
    assert client.get(url).status_code == 404


# --- the case page's report section ----------------------------------------------------------


def case_page(client: Client, user: User, report: Report) -> Any:
    client.force_login(user)
    return client.get(reverse("workbench:case_detail", kwargs={"uuid": report.case.uuid}))


def section(response: Any) -> str:
    found = re.search(
        r'<section class="panel report-section".*?</section>', response.content.decode(), re.S
    )
    assert found is not None
    return found.group(0)


def test_the_case_page_shows_the_report(client: Client, world: dict[str, Any]) -> None:
    lamp = world["lamp"]
    response = case_page(client, world["worker"], lamp)
    assert response.status_code == 200
    part = section(response)
    words = text(part)
    x, y = to_rd(MARKT)
    assert re.search(r"Coordinates \(WGS84\) 52\.030000 , 5\.050000 \(latitude, longitude\)", words)
    assert f"Coordinates (RD New) x {x:.1f} , y {y:.1f} (metres, EPSG:28992)" in words
    assert "Markt 1, Stad" in words
    assert "Street lighting: Street light broken" in words
    assert photo_url(lamp) in part
    assert 'alt="Photo 1 of ' in part
    # One follower, the reporter, by e-mail: how they are reached, not their address.
    assert "1 person gets an update at every step" in words
    assert "reported it" in words and "e-mail" in words
    assert "melder@example.org" not in response.content.decode()
    # The nearby open report of the same category is offered for merging; the closed one,
    # another category's and itself are not.
    candidates = re.search(r'data-testid="report-candidates".*?</table>', part, re.S)
    assert candidates is not None
    assert str(world["near"].uuid) in candidates.group(0)
    for other in ("lamp", "tile", "litter", "dorp_lamp"):
        assert str(world[other].uuid) not in candidates.group(0), other
    assert "20 m" in text(candidates.group(0))
    pins = re.search(r'data-pins="([^"]+)"', part)
    assert pins is not None
    assert len(json.loads(pins.group(1).replace("&quot;", '"'))) == 2


def test_a_case_that_is_no_report_has_no_report_section(
    client: Client, world: dict[str, Any]
) -> None:
    from tests.factories import make_case

    case = make_case(municipality=world["stad"], product_slug="paspoort")
    client.force_login(world["worker"])
    page = client.get(reverse("workbench:case_detail", kwargs={"uuid": case.uuid}))
    assert 'data-testid="report-section"' not in page.content.decode()
    assert "leaflet" not in page.content.decode()


def test_the_answers_to_extra_questions(client: Client, world: dict[str, Any]) -> None:
    tree = report_create(
        site=world["stad"],
        point=north(MARKT, 300),
        category="omgevallen-boom",
        description="Boom op de weg",
        attributes={"op-de-weg": "ja"},
    ).report
    words = text(section(case_page(client, world["worker"], tree)))
    assert re.search(r"Answers to the extra questions .+ (Yes|yes|ja)", words)


def test_another_municipality_and_another_partner_see_no_report(
    client: Client, world: dict[str, Any]
) -> None:
    for who in ("dorp_worker", "social", "afval"):
        assert case_page(client, world[who], world["lamp"]).status_code == 404, who


# --- merging ---------------------------------------------------------------------------------


def merge(client: Client, report: Report, chosen: Report, **fields: Any) -> Any:
    data = {
        "version": Case.objects.get(pk=report.case_id).version,
        "other": str(chosen.uuid),
        "direction": "into-this",
        "confirm": "on",
        **fields,
    }
    return client.post(reverse("workbench:report_merge", kwargs={"uuid": report.uuid}), data)


def test_merging_through_the_page(client: Client, world: dict[str, Any]) -> None:
    lamp, near = world["lamp"], world["near"]
    client.force_login(world["worker"])
    before = OutboxMessage.objects.filter(event="report_merged").count()
    response = merge(client, lamp, near)
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:case_detail", kwargs={"uuid": lamp.case.uuid})
    near.refresh_from_db()
    assert near.merged_into_id == lamp.pk and not near.is_open
    case = Case.objects.select_related("result").get(pk=near.case_id)
    assert case.closed_at is not None and case.result is not None
    assert case.result.code == "samengevoegd"
    # The duplicate's reporter (a mobile number) follows the main report now, and was told.
    moved = lamp.followers.get(phone="+31612345678")
    assert moved.role == Follower.Role.MERGED and moved.stopped_at is None
    assert near.followers.get().stopped_at is not None
    assert OutboxMessage.objects.filter(event="report_merged").count() == before + 1
    page = client.get(response["Location"])
    words = text(page.content.decode())
    assert f"{near.case.identification} was merged into {lamp.case.identification}" in words
    assert near.case.identification in text(section(page).split("Duplicates merged")[1])
    assert "2 people get an update at every step" in words
    # The duplicate's page says where it went and offers no merge.
    merged_page = case_page(client, world["worker"], near)
    assert 'data-testid="merged-into"' in merged_page.content.decode()
    assert 'data-testid="merge-form"' not in merged_page.content.decode()


def test_merging_this_report_into_the_chosen_one(client: Client, world: dict[str, Any]) -> None:
    lamp, near = world["lamp"], world["near"]
    client.force_login(world["worker"])
    response = merge(client, lamp, near, direction="into-other")
    assert response["Location"] == reverse("workbench:case_detail", kwargs={"uuid": near.case.uuid})
    lamp.refresh_from_db()
    assert lamp.merged_into_id == near.pk and not lamp.is_open


def test_a_refused_merge_shows_why_and_changes_nothing(
    client: Client, world: dict[str, Any]
) -> None:
    lamp, tile = world["lamp"], world["tile"]
    client.force_login(world["worker"])
    version = Case.objects.get(pk=lamp.case_id).version
    response = merge(client, lamp, tile)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only open reports can be merged." in page
    lamp.refresh_from_db()
    tile.refresh_from_db()
    assert lamp.is_open and tile.merged_into_id is None
    assert Case.objects.get(pk=lamp.case_id).version == version
    # Into itself: the service's own words again.
    page = client.get(merge(client, lamp, lamp)["Location"]).content.decode()
    assert "A report cannot be merged into itself." in page


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"confirm": ""}, "Confirm that both reports are about the same problem."),
        ({"direction": ""}, "Choose which report stays."),
        ({"other": ""}, "Choose the other report."),
        ({"other": "not-a-uuid"}, "Enter a valid UUID."),
        ({"version": "1"}, "Someone else changed this case"),
    ],
)
def test_an_incomplete_or_stale_merge_changes_nothing(
    client: Client, world: dict[str, Any], fields: dict[str, str], says: str
) -> None:
    lamp, near = world["lamp"], world["near"]
    client.force_login(world["worker"])
    if fields.get("version") == "1":
        case_set_status(
            case=Case.objects.get(pk=lamp.case_id),
            step=lamp.case.case_type.steps.get(code="in-behandeling"),
            actor=None,
        )
    response = merge(client, lamp, near, **fields)
    assert response.status_code == 302
    assert says in client.get(response["Location"]).content.decode()
    near.refresh_from_db()
    assert near.merged_into_id is None and near.is_open


def test_a_report_the_user_may_not_see_is_never_merged(
    client: Client, world: dict[str, Any]
) -> None:
    lamp, near, dorp_lamp = world["lamp"], world["near"], world["dorp_lamp"]
    client.force_login(world["dorp_worker"])
    assert merge(client, lamp, near).status_code == 404
    # Chosen from another municipality: not found, nothing merged.
    client.force_login(world["worker"])
    page = client.get(merge(client, lamp, dorp_lamp)["Location"]).content.decode()
    assert "The chosen report cannot be found." in page
    for report in (lamp, near, dorp_lamp):
        report.refresh_from_db()
        assert report.merged_into_id is None and report.is_open
