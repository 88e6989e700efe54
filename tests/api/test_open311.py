"""The Open311 GeoReport v2 server (issue 15): discovery, services and their definitions,
requests read with every filter and posted with an api_key, requests/{id} and tokens/{id},
in JSON and XML; every JSON answer validated against the Open311 JSON Schemas
(``tests/api/open311_schemas``); refusals in the spec's error format with nothing stored; what
the public may read (no free text, no contact details, rounded places) and what the posting
client reads of its own reports; and a real Open311 client library against a live server."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

# No stubs in the lock yet (types-jsonschema); "unused-ignore" keeps this right once they are.
from jsonschema import Draft7Validator, FormatChecker  # type: ignore[import-untyped,unused-ignore]
from pytest_django import DjangoAssertNumQueries, Settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from loket.accounts.models import Role
from loket.cases.services import case_set_status
from loket.lib.geo import Point
from loket.notifications.models import OutboxMessage
from loket.parties.models import Person
from loket.reports.clients import open311_client_create
from loket.reports.models import Address, Follower, Open311Client, Report
from loket.reports.services import report_create
from loket.tenancy.models import Municipality
from tests.accounts.personas import staff
from tests.reports.conftest import (  # the fixtures too
    DORPSPLEIN,
    KERKSTRAAT,
    MARKT,
    OUTSIDE,
    report_town,
    report_towns,
)

pytestmark = pytest.mark.django_db
__all__ = ["report_town", "report_towns"]  # fixtures used by name

BASE = "/open311/v2/"
SCHEMAS = Path(__file__).parent / "open311_schemas"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text())
    return loaded


_REGISTRY: Registry[Any] = Registry().with_resources(
    (f"{name}.json", Resource.from_contents(_schema(name), default_specification=DRAFT7))
    for name in ("request", "service")
)


def valid(name: str, data: Any) -> Any:
    """``data`` checked against the Open311 schema ``name`` (formats too: date-time, uri)."""
    Draft7Validator(_schema(name), registry=_REGISTRY, format_checker=FormatChecker()).validate(
        data
    )
    return data


ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}


def error_of(response: Any, status: int) -> str:
    """The description of the spec's error answer (JSON or XML) with HTTP ``status``."""
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        Draft7Validator(ERRORS).validate(body)
        assert body[0]["code"] == status
        return str(body[0]["description"])
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = xml(response)
    assert root.tag == "errors"
    error = root.find("error")
    assert error is not None
    assert [child.tag for child in error] == ["code", "description"]
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(BASE + path, params)


# --- data -----------------------------------------------------------------------------------


def make(
    town: Municipality,
    code: str,
    *,
    days_ago: float,
    point: Point = MARKT,
    description: str = "Kapot",
    client: Open311Client | None = None,
    email: str = "",
    closed: bool = False,
) -> Report:
    made = report_create(
        site=town,
        point=point,
        category=code,
        description=description,
        email=email,
        attributes={"op-de-weg": "ja"},
        source=Report.Source.OPEN311 if client else Report.Source.WEB,
        client=client,
        now=timezone.now() - timedelta(days=days_ago),
    )
    report = made.report
    if closed:
        case = report.case
        steps = {step.code: step for step in case.case_type.steps.all()}
        result = case.case_type.results.get(code="opgelost")
        case_set_status(case=case, step=steps["afgehandeld"], actor=None, result=result)
        report.refresh_from_db()
    return report


def ident(report: Report) -> str:
    return report.case.identification


@pytest.fixture
def app(report_towns: tuple[Municipality, Municipality]) -> tuple[Open311Client, str]:
    """An Open311 client of Stad, as an administrator made it: (client, raw key)."""
    stad, _dorp = report_towns
    admin = staff(Role.ADMINISTRATOR, stad, is_staff=True)
    return open311_client_create(name="BuitenBeter", municipalities=[stad], actor=admin)


@pytest.fixture
def data(
    report_towns: tuple[Municipality, Municipality], app: tuple[Open311Client, str]
) -> dict[str, Report]:
    """Stad: a street light posted by the app yesterday (the reporter's name and number in
    the text), litter solved ten days ago, a pothole of 100 days ago; Dorp: litter."""
    stad, dorp = report_towns
    return {
        "light": make(
            stad,
            "lantaarnpaal",
            days_ago=1,
            point=KERKSTRAAT,
            description="Lamp bij mijn huis, bel Jan Jansen 0612345678",
            client=app[0],
            email="jan@example.org",
        ),
        "litter": make(stad, "zwerfafval", days_ago=10, closed=True),
        "pothole": make(stad, "gat-in-de-weg", days_ago=100),
        "dorp": make(dorp, "zwerfafval", days_ago=2, point=DORPSPLEIN),
    }


def ids(body: list[dict[str, Any]]) -> list[str]:
    return [row["service_request_id"] for row in body]


# --- discovery, services -----------------------------------------------------------------------


def test_discovery_names_this_endpoint_and_its_formats(client: Client, report_town: Any) -> None:
    body = get(client, "discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"

    root = xml(get(client, "discovery.xml", jurisdiction_id="stad"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert root.findtext("changeset") == body["changeset"]


def test_services_are_the_active_sub_categories(client: Client, report_town: Any) -> None:
    response = get(client, "services.json", jurisdiction_id="stad")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = valid("services", response.json())
    assert [s["service_code"] for s in body] == [
        "zwerfafval",
        "afvalbak-vol",
        "gedumpt-afval",
        "lantaarnpaal",
        "stoeptegel",
        "gat-in-de-weg",
        "takken",
        "omgevallen-boom",
    ]
    tree = next(s for s in body if s["service_code"] == "omgevallen-boom")
    assert tree == {
        "service_code": "omgevallen-boom",
        "service_name": "Omgevallen boom",
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": "omgevallen, boom, storm, fallen tree, tree",
        "group": "Bomen en groen",
    }
    assert not next(s for s in body if s["service_code"] == "takken")["metadata"]

    # A client program asks for English in Accept-Language.
    answer = client.get(
        BASE + "services.json", {"jurisdiction_id": "stad"}, headers={"accept-language": "en"}
    )
    assert answer["Content-Language"] == "en"
    english = answer.json()
    assert next(s for s in english if s["service_code"] == "omgevallen-boom")["service_name"] == (
        "Fallen tree"
    )

    root = xml(get(client, "services.xml", jurisdiction_id="stad"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 8
    assert [child.tag for child in services[-1]] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert services[-1].findtext("metadata") == "true"
    assert services[0].findtext("metadata") == "false"


def test_an_inactive_sub_category_is_not_a_service(client: Client, report_town: Any) -> None:
    from loket.reports.models import Category

    Category.objects.filter(municipality=report_town, code="takken").update(is_active=False)
    codes = [s["service_code"] for s in get(client, "services.json", jurisdiction_id="stad").json()]
    assert "takken" not in codes and "afval" not in codes  # nor a main category
    response = get(client, "services/takken.json", jurisdiction_id="stad")
    assert "takken" in error_of(response, 404)


def test_a_service_definition_lists_its_attributes(client: Client, report_town: Any) -> None:
    body = valid(
        "service-definition",
        get(client, "services/omgevallen-boom.json", jurisdiction_id="stad").json(),
    )
    assert body == {
        "service_code": "omgevallen-boom",
        "attributes": [
            {
                "variable": True,
                "code": "op-de-weg",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": "Ligt de boom op de weg of het fietspad?",
                "values": [{"key": "ja", "name": "Ja"}, {"key": "nee", "name": "Nee"}],
            }
        ],
    }
    plain = valid(
        "service-definition", get(client, "services/takken.json", jurisdiction_id="stad").json()
    )
    assert plain == {"service_code": "takken", "attributes": []}

    root = xml(get(client, "services/omgevallen-boom.xml", jurisdiction_id="stad"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "omgevallen-boom"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("required") == "true"
    assert attribute.findtext("datatype_description") == ""
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["ja", "nee"]
    assert [v.findtext("name") for v in attribute.findall("values/value")] == ["Ja", "Nee"]

    assert "bestaat-niet" in error_of(
        get(client, "services/bestaat-niet.xml", jurisdiction_id="stad"), 404
    )
    error_of(get(client, "services/bestaat-niet.json", jurisdiction_id="stad"), 404)


def test_the_jurisdiction_is_required_while_there_are_several(
    client: Client, report_towns: tuple[Municipality, Municipality]
) -> None:
    assert error_of(get(client, "services.json"), 400) == "jurisdiction_id is verplicht"
    assert error_of(get(client, "requests.xml"), 400) == "jurisdiction_id is verplicht"
    assert "nergens" in error_of(get(client, "services.json", jurisdiction_id="nergens"), 404)
    # One municipality left: it may be left out.
    Municipality.objects.exclude(slug="stad").update(is_active=False)
    assert len(get(client, "services.json").json()) == 8


# --- reading requests ------------------------------------------------------------------------


def test_requests_default_to_the_last_90_days_newest_first(
    client: Client, data: dict[str, Report]
) -> None:
    response = get(client, "requests.json", jurisdiction_id="stad")
    body = valid("requests", response.json())
    assert ids(body) == [ident(data["light"]), ident(data["litter"])]
    light, litter = body
    assert list(light) == REQUEST_FIELDS
    assert light["status"] == "open" and litter["status"] == "closed"
    assert light["service_code"] == "lantaarnpaal"
    assert light["service_name"] == "Lantaarnpaal kapot"
    assert light["agency_responsible"] == "Beheer Openbare Ruimte"
    assert litter["agency_responsible"] == "Afvalbedrijf"
    assert light["status_notes"] == data["light"].case.status.resident_text_nl
    assert light["requested_datetime"].endswith("Z")  # w3, in UTC
    assert datetime.fromisoformat(light["requested_datetime"]) == data["light"].created_at.replace(
        microsecond=0
    )
    assert datetime.fromisoformat(light["expected_datetime"]) == data["light"].case.due_at.replace(
        microsecond=0
    )
    closed_at = data["litter"].closed_at
    assert closed_at is not None
    assert datetime.fromisoformat(litter["updated_datetime"]) == closed_at.replace(microsecond=0)
    assert light["media_url"] is None


def test_the_public_reads_no_free_text_no_contact_and_no_exact_place(
    client: Client, data: dict[str, Report]
) -> None:
    response = get(client, "requests.json", jurisdiction_id="stad")
    page = response.content.decode()
    for secret in (
        "Jansen",
        "0612345678",
        "jan@example.org",
        "Lamp bij mijn huis",
        "Kerkstraat 10",
    ):
        assert secret not in page
    light = response.json()[0]
    assert light["description"] is None
    assert light["address"] == "Kerkstraat, Stad"  # the street, not the house
    assert (light["lat"], light["long"]) != (KERKSTRAAT.latitude, KERKSTRAAT.longitude)
    assert abs(light["lat"] - KERKSTRAAT.latitude) < 0.001
    assert abs(light["long"] - KERKSTRAAT.longitude) < 0.001
    assert response["Cache-Control"].startswith("max-age=0")  # never kept by a cache


def test_the_posting_client_reads_its_own_reports_in_full(
    client: Client, data: dict[str, Report], app: tuple[Open311Client, str]
) -> None:
    body = valid(
        "requests", get(client, "requests.json", jurisdiction_id="stad", api_key=app[1]).json()
    )
    light, litter = body
    assert light["description"] == "Lamp bij mijn huis, bel Jan Jansen 0612345678"
    assert light["address"] == "Kerkstraat 10, Stad"
    assert (light["lat"], light["long"]) == (KERKSTRAAT.latitude, KERKSTRAAT.longitude)
    assert "jan@example.org" not in json.dumps(body)  # contact details: never
    assert litter["description"] is None  # not theirs
    # A wrong key is refused, not quietly read as the public.
    error_of(get(client, "requests.json", jurisdiction_id="stad", api_key="raden"), 403)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, ["light"]),
        ({"status": "closed"}, ["litter"]),
        ({"status": "open,closed"}, ["light", "litter"]),
        ({"service_code": "zwerfafval"}, ["litter"]),
        ({"service_code": "zwerfafval,lantaarnpaal"}, ["light", "litter"]),
        ({"service_code": "gat-in-de-weg"}, []),  # older than 90 days
        ({"service_code": "bestaat-niet"}, []),
        ({"start_date": -120, "end_date": -50}, ["pothole"]),
        ({"start_date": -5}, ["light"]),  # the 90 days from then
        ({"end_date": -5}, ["litter"]),  # the 90 days up to then
        ({"start_date": -120, "end_date": -40, "status": "closed"}, []),
        ({"start_date": -15, "service_code": "zwerfafval", "status": "closed"}, ["litter"]),
    ],
)
def test_requests_filters(
    client: Client, data: dict[str, Report], params: dict[str, Any], expected: list[str]
) -> None:
    now = timezone.now()
    query = {
        name: (now + timedelta(days=value)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, int)
        else value
        for name, value in params.items()
    }
    body = valid("requests", get(client, "requests.json", jurisdiction_id="stad", **query).json())
    assert ids(body) == [ident(data[name]) for name in expected]
    root = xml(get(client, "requests.xml", jurisdiction_id="stad", **query))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == ids(body)


def test_service_request_id_overrides_the_other_filters(
    client: Client, data: dict[str, Report]
) -> None:
    wanted = f"{ident(data['pothole'])},{data['litter'].uuid},{data['dorp'].uuid}"
    body = valid(
        "requests",
        get(
            client,
            "requests.json",
            jurisdiction_id="stad",
            service_request_id=wanted,
            status="open",
        ).json(),
    )
    # The old pothole and the closed litter; Dorp's report is another jurisdiction's.
    assert ids(body) == [ident(data["litter"]), ident(data["pothole"])]


def test_dates_with_an_offset_and_a_plain_date(client: Client, data: dict[str, Report]) -> None:
    day = (timezone.now() - timedelta(days=5)).astimezone()
    with_offset = day.strftime("%Y-%m-%dT%H:%M:%S") + "+01:00"
    assert ids(
        get(client, "requests.json", jurisdiction_id="stad", start_date=with_offset).json()
    ) == [ident(data["light"])]
    plain = day.strftime("%Y-%m-%d")
    assert ids(get(client, "requests.json", jurisdiction_id="stad", start_date=plain).json()) == [
        ident(data["light"])
    ]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "gisteren"}, "start_date"),
        ({"start_date": "2026-13-01T00:00:00Z"}, "start_date"),
        ({"end_date": "2026-02-30"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00"}, "time zone"),  # the spec requires the zone
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "before"),
        ({"status": "pending"}, "status"),
        ({"service_code": "x\x00"}, "service_code"),
        ({"service_request_id": ",".join(["ZAAK"] * 101)}, "service_request_id"),
    ],
)
def test_malformed_filters_are_a_400_in_open311_form(
    client: Client, report_town: Any, params: dict[str, str], words: str
) -> None:
    for fmt in ("json", "xml"):
        response = client.get(
            BASE + f"requests.{fmt}",
            {"jurisdiction_id": "stad", **params},
            headers={"accept-language": "en"},
        )
        assert words in error_of(response, 400)


def test_one_request_by_its_id_or_uuid(client: Client, data: dict[str, Report]) -> None:
    light = data["light"]
    body = valid(
        "requests", get(client, f"requests/{ident(light)}.json", jurisdiction_id="stad").json()
    )
    assert ids(body) == [ident(light)]
    valid("request", body[0])
    by_uuid = get(client, f"requests/{light.uuid}.json", jurisdiction_id="stad").json()
    assert by_uuid == body
    root = xml(get(client, f"requests/{ident(light)}.xml", jurisdiction_id="stad"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("description") == ""  # null: an empty element

    # Identifications are numbered per municipality: Dorp's own first report is another
    # jurisdiction's, and not found here by its uuid.
    for path in ("requests/ZAAK-1900-0000001", f"requests/{data['dorp'].uuid}"):
        error_of(get(client, f"{path}.json", jurisdiction_id="stad"), 404)
        error_of(get(client, f"{path}.xml", jurisdiction_id="stad"), 404)


def test_a_token_is_the_reports_uuid(client: Client, data: dict[str, Report]) -> None:
    light = data["light"]
    body = get(client, f"tokens/{light.uuid}.json", jurisdiction_id="stad").json()
    assert body == [{"service_request_id": ident(light), "token": str(light.uuid)}]
    root = xml(get(client, f"tokens/{light.uuid}.xml", jurisdiction_id="stad"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == ident(light)
    assert root.findtext("request/token") == str(light.uuid)
    error_of(get(client, "tokens/12345.json", jurisdiction_id="stad"), 404)
    error_of(get(client, f"tokens/{data['dorp'].uuid}.xml", jurisdiction_id="stad"), 404)


def test_reading_many_requests_is_one_query(
    client: Client,
    report_town: Municipality,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for days in range(12):
        make(report_town, "zwerfafval" if days % 2 else "lantaarnpaal", days_ago=days + 0.5)
    # The municipality, the rate counter (cache, no query) and the requests themselves.
    with django_assert_max_num_queries(2):
        body = get(client, "requests.json", jurisdiction_id="stad").json()
    assert len(body) == 12


def test_the_newest_requests_up_to_the_limit(
    client: Client, report_town: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loket.api import open311

    assert open311.LIMIT == 1000  # the spec's
    newest = make(report_town, "zwerfafval", days_ago=1)
    make(report_town, "zwerfafval", days_ago=2)
    monkeypatch.setattr(open311, "LIMIT", 1)
    assert ids(get(client, "requests.json", jurisdiction_id="stad").json()) == [ident(newest)]


# --- posting ---------------------------------------------------------------------------------


def post(client: Client, fmt: str = "json", **form: Any) -> Any:
    return client.post(BASE + f"requests.{fmt}", form)


def form(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "api_key": key,
        "jurisdiction_id": "stad",
        "service_code": "lantaarnpaal",
        "lat": str(MARKT.latitude),
        "long": str(MARKT.longitude),
        "description": "De lantaarnpaal bij de markt brandt niet.",
        **extra,
    }


def test_posting_a_request(
    client: Client, report_towns: Any, app: tuple[Open311Client, str]
) -> None:
    response = post(
        client,
        **form(
            app[1],
            email="Piet@Example.org",
            first_name="Piet",
            last_name="Pietersen",
            device_id="abc",
        ),
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    report = Report.objects.get()
    assert answer["service_request_id"] == ident(report)
    assert answer["account_id"] is None
    assert "af te handelen" in answer["service_notice"]  # Dutch, the default language
    assert report.source == Report.Source.OPEN311
    assert report.client == app[0]
    assert report.category.code == "lantaarnpaal"
    assert (report.latitude, report.longitude) == (MARKT.latitude, MARKT.longitude)
    assert report.place == "Markt 1, Stad"
    assert report.description == "De lantaarnpaal bij de markt brandt niet."
    # The reporter hears of every step at the address; no person record, no name anywhere.
    follower = Follower.objects.get(report=report)
    assert (follower.email, follower.person, follower.role) == (
        "piet@example.org",
        None,
        "reporter",
    )
    assert not Person.objects.filter(surname="Pietersen").exists()
    assert report.case.initiator_person is None
    assert "Pietersen" not in report.case.subject + report.case.description
    # ... and is told it was received, with the link to follow it.
    [received] = OutboxMessage.objects.filter(event="report_received")
    assert received.recipient == "piet@example.org"

    # Read back, in full by its own client.
    mine = get(client, f"requests/{ident(report)}.json", jurisdiction_id="stad", api_key=app[1])
    assert mine.json()[0]["description"] == "De lantaarnpaal bij de markt brandt niet."


def test_posting_in_xml_with_an_address_and_an_attribute(
    client: Client, report_towns: Any, app: tuple[Open311Client, str]
) -> None:
    response = post(
        client,
        "xml",
        **form(
            app[1],
            service_code="omgevallen-boom",
            lat="",
            long="",
            address_string="Kerkstraat 10",
            **{"attribute[op-de-weg]": "ja"},
            media_url="https://example.org/foto.jpg",
        ),
    )
    root = xml(response)
    assert response.status_code == 200
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    report = Report.objects.get()
    assert request.findtext("service_request_id") == ident(report)
    assert "media_url" in (request.findtext("service_notice") or "")
    assert report.attributes == {"op-de-weg": "ja"}
    assert (report.latitude, report.longitude) == (KERKSTRAAT.latitude, KERKSTRAAT.longitude)
    assert report.place == "Kerkstraat 10, Stad"
    assert not report.photos.exists()  # nothing fetched


def test_posting_by_address_id(
    client: Client, report_towns: Any, app: tuple[Open311Client, str]
) -> None:
    markt = Address.objects.get(street="Markt")
    response = post(client, **form(app[1], lat="", long="", address_id=str(markt.pk)))
    assert response.status_code == 200, response.content
    assert Report.objects.get().place == "Markt 1, Stad"
    dorp = Address.objects.get(street="Dorpsplein")  # another municipality's address
    response = post(client, **form(app[1], lat="", long="", address_id=str(dorp.pk)))
    assert "address_id" in error_of(response, 400)


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"api_key": "raden"}, 403, "api_key"),
        ({"api_key": ""}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "bestaat-niet"}, 400, "service_code"),
        ({"service_code": "afval"}, 400, "service_code"),  # a main category is no service
        ({"description": ""}, 400, "description"),
        ({"description": "x" * 1001}, 400, "description"),
        ({"lat": str(OUTSIDE.latitude), "long": str(OUTSIDE.longitude)}, 400, "outside"),
        ({"lat": str(DORPSPLEIN.latitude), "long": str(DORPSPLEIN.longitude)}, 400, "outside"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"long": ""}, 400, "lat and long"),
        ({"lat": "noord"}, 400, "lat/long"),
        ({"lat": "95"}, 400, "lat/long"),
        ({"lat": "", "long": "", "address_string": "Nergensstraat 99"}, 400, "address_string"),
        ({"service_code": "omgevallen-boom"}, 400, "attribute[op-de-weg]"),
        (
            {"service_code": "omgevallen-boom", "attribute[op-de-weg]": "misschien"},
            400,
            "op-de-weg",
        ),
        ({"email": "geen-adres"}, 400, "email"),
        ({"phone": "020 1234567"}, 400, "phone"),
        ({"jurisdiction_id": "dorp"}, 403, "jurisdiction_id"),  # the key is Stad's
        ({"jurisdiction_id": "nergens"}, 404, "nergens"),
    ],
)
def test_a_refused_request_stores_nothing(
    client: Client,
    report_towns: Any,
    app: tuple[Open311Client, str],
    change: dict[str, str],
    status: int,
    words: str,
) -> None:
    before = (Report.objects.count(), Follower.objects.count())
    for fmt in ("json", "xml"):
        response = client.post(
            BASE + f"requests.{fmt}", form(app[1], **change), headers={"accept-language": "en"}
        )
        assert words in error_of(response, status)
    assert (Report.objects.count(), Follower.objects.count()) == before


def test_an_inactive_client_is_refused(
    client: Client, report_towns: Any, app: tuple[Open311Client, str]
) -> None:
    Open311Client.objects.filter(pk=app[0].pk).update(is_active=False)
    error_of(post(client, **form(app[1])), 403)
    assert not Report.objects.exists()


def test_wrong_keys_are_throttled_per_client_address(
    client: Client, report_towns: Any, app: tuple[Open311Client, str], settings: Settings
) -> None:
    settings.LOKET_API_RATE_TOKEN_FAILURES = "2/h"
    error_of(post(client, **form("raden-1")), 403)
    error_of(post(client, **form("raden-2")), 403)
    refused = post(client, **form(app[1]))  # even the right key, once the limit is reached
    error_of(refused, 429)
    assert int(refused["Retry-After"]) > 0
    assert not Report.objects.exists()


def test_reading_is_throttled_per_client_address(
    client: Client, report_town: Any, settings: Settings
) -> None:
    settings.LOKET_API_RATE_ANON = "2/m"
    assert get(client, "services.json", jurisdiction_id="stad").status_code == 200
    assert get(client, "services.json", jurisdiction_id="stad").status_code == 200
    error_of(get(client, "services.json", jurisdiction_id="stad"), 429)


# --- addresses that are not resources ------------------------------------------------------


def test_unknown_formats_paths_and_methods(client: Client, report_town: Any) -> None:
    assert "html" in error_of(
        client.get(
            BASE + "services.html", {"jurisdiction_id": "stad"}, headers={"accept-language": "en"}
        ),
        404,
    )
    error_of(client.get(BASE + "services"), 404)  # XML: the required format
    error_of(client.get(BASE + "bestaat/niet.json"), 404)
    error_of(client.get(BASE), 404)
    for path in ("services/a%00b.json", "requests/%00.json", "tokens/%00.xml"):
        error_of(client.get(BASE + path, {"jurisdiction_id": "stad"}), 404)
    response = client.put(BASE + "services.json")
    error_of(response, 405)
    assert response["Allow"] == "GET"
    response = client.delete(BASE + "requests.xml")
    error_of(response, 405)
    assert response["Allow"] == "GET, POST"


# --- a real Open311 client library ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_open311_client_lists_posts_and_reads_back(live_server: Any) -> None:
    """``georeport`` (PyPI) reads: services, a definition, requests, one request, in JSON and
    XML (its XML parser is xmltodict). It cannot post; ``civicbot``'s GeoReport v2 client
    (PyPI) posts the form and reads the request back."""
    from civicbot.http import HttpError, HttpTransport, RateLimiter  # type: ignore[import-untyped,unused-ignore]
    from civicbot.open311 import Open311Client as CivicClient  # type: ignore[import-untyped,unused-ignore]
    from civicbot.registry import Endpoint  # type: ignore[import-untyped,unused-ignore]
    from georeport import GeoReport  # type: ignore[import-untyped,unused-ignore]

    from loket.catalogue.services import catalogue_load
    from tests.reports.conftest import DORP_AREA, STAD_AREA, report_setup

    catalogue_load()  # a transaction test starts from empty tables
    stad = report_setup(Municipality.objects.create(slug="stad", name="Stad"), STAD_AREA)
    report_setup(Municipality.objects.create(slug="dorp", name="Dorp"), DORP_AREA)
    admin = staff(Role.ADMINISTRATOR, stad, is_staff=True)
    _app, key = open311_client_create(name="BuitenBeter", municipalities=[stad], actor=admin)
    root = f"{live_server.url}/open311/v2/"

    reader = GeoReport(root, jurisdiction="stad")
    services = reader.get_service_list()
    assert "omgevallen-boom" in [s["service_code"] for s in services]
    definition = reader.get_service_definition("omgevallen-boom")
    assert definition["attributes"][0]["code"] == "op-de-weg"

    poster = CivicClient(
        Endpoint(id="loket", name="Loket", base_url=root, write=True),
        transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)),
        jurisdiction_id="stad",
    )
    sent = poster.create_request(
        "omgevallen-boom",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # checks the attributes against our service definition
        lat=MARKT.latitude,
        lng=MARKT.longitude,
        description="Een boom ligt over het fietspad.",
        attributes={"op-de-weg": "ja"},
        email="melder@example.org",
    )
    [answer] = sent.response
    number = answer["service_request_id"]
    assert Report.objects.get().case.identification == number

    assert poster.get_request(number)["status"] == "open"
    assert reader.get_service_request(number)["service_code"] == "omgevallen-boom"
    listed = reader.get_service_requests(service_code="omgevallen-boom", status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    valid("requests", listed)

    as_xml = GeoReport(root, jurisdiction="stad", output_format="xml")
    one = as_xml.get_service_request(number)
    assert one["service_request_id"] == number
    assert one["status"] == "open"
    assert one["description"] is None  # public: no free text
    assert len(as_xml.get_service_list()) == 8

    with pytest.raises(HttpError) as refused:
        poster.create_request(
            "omgevallen-boom",
            dry_run=False,
            confirm="SEND",
            api_key="raden",
            lat=MARKT.latitude,
            lng=MARKT.longitude,
            description="x",
            attributes={"op-de-weg": "ja"},
        )
    assert refused.value.status == 403
    assert json.loads(refused.value.body)[0]["code"] == 403
    assert Report.objects.count() == 1
