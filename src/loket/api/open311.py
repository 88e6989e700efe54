"""``/open311/v2/``: an Open311 GeoReport v2 server (https://wiki.open311.org/GeoReport_v2) for
public-space reports (issue 15), so apps that speak the standard can read and post reports.

``jurisdiction_id`` is a municipality's slug; it may be left out while Loket serves only one.
The services are the municipality's active sub-categories (``categories_of``), the
``service_code`` a category's code; a request is a report, its ``service_request_id`` the case's
identification (``ZAAK-2026-0000123``), and its status the case's: open or closed. Posting needs
an ``api_key`` of an Open311 client that administrators made in the admin for this municipality
(``loket.reports.clients``); reading does not. JSON and XML (``loket.api.open311_format``), errors
in the spec's own format, never a Django error page.

Privacy. Reading is public, so a request shows what the public map shows (issue 15: no personal
data and no free text by residents, locations rounded): the kind of problem, its status and
dates, the team, the street (without house number or postcode) and the point rounded to
``LOKET_PUBLIC_MAP_METRES``. A resident's own words (``description``) can hold anything, a name,
a telephone number, what a neighbour did, so they are not published: ``description`` is null.
Only the client that posted a report, asking with its own ``api_key``, reads its description,
address and point as it sent them: it had them already. E-mail addresses, telephone numbers and
names are never in an answer; names are not even stored (no person record for an API report).
``media_url`` stays null: photos are kept out of public reach (they may show a face, a number
plate, a front door), and no reviewed public copy exists to point to.

Thin: ``report_create`` makes the report, with all its checks; this module reads the parameters
(every malformed value a 400 in Open311 form, never a 500) and writes the answers. Reading many
requests is one query on the index ``(municipality, created_at)``, with the few joined columns
it prints, at most 1000 rows (the spec's limit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from loket.cases.models import Case
from loket.lib.calendar import AMSTERDAM
from loket.lib.errors import Refused
from loket.lib.geo import Point, rounded
from loket.lib.params import parse_id, parse_uuid
from loket.reports import geocoding
from loket.reports.clients import open311_client_for_key
from loket.reports.models import Address, Category, Open311Client, Report
from loket.reports.services import (
    categories_of,
    municipality_at,
    parse_point,
    report_create,
)
from loket.tenancy.models import Municipality

from .open311_format import CONTENT_TYPES, FORMATS, error_response, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date of this server's last change of what it offers (Service Discovery's "changeset").
CHANGESET = "2026-12-03T00:00:00Z"
LIMIT = 1000  # "Default query limit is a span of 90 days or first 1000 requests returned"
SPAN = timedelta(days=90)
MAX_IDS = 100  # service_request_id values in one call
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class Open311Error(Exception):
    """A refusal, answered in the spec's error format with ``status`` as code."""

    def __init__(self, status: int, description: str, *, retry_after: int = 0) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _bad(description: str) -> Open311Error:
    return Open311Error(400, description)


# --- the edges: format, language, throttles, parameters -------------------------------------


def _language(request: HttpRequest) -> str:
    """A client program states its language in Accept-Language (as for the API); Dutch else."""
    chosen = translation.get_language_from_request(request)[:2]
    return chosen if chosen in ("nl", "en") else "nl"


def _throttle(request: HttpRequest, group: str, rate: str, key: str | Callable[..., str]) -> None:
    """One more call against ``rate`` (django-ratelimit, counted in the shared cache, per client
    address unless ``key`` says otherwise); a 429 in Open311 form beyond it."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        raise Open311Error(
            429,
            _("Too many requests; try again later."),
            retry_after=max(int(usage["time_left"]), 1),
        )


View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """An Open311 endpoint: ``fmt`` (the extension) must be json or xml, the method one of
    ``methods``; every refusal, raised as ``Open311Error``, becomes the spec's error answer in
    the format asked for (XML, the required format, when that format is unknown). CSRF does not
    apply: no session is used, posting is authorised by the api_key in the form."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def endpoint(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            answer_in = fmt if fmt in FORMATS else "xml"
            language = _language(request)
            with translation.override(language):
                try:
                    if any("\x00" in str(part) for part in kwargs.values()):
                        raise Open311Error(404, _("No such Open311 resource."))
                    if fmt not in FORMATS:
                        raise Open311Error(
                            404,
                            _("Unknown format “%(format)s”: use .json or .xml.")
                            % {"format": fmt[:20]},
                        )
                    if request.method not in methods:
                        raise Open311Error(
                            405,
                            _("Method %(method)s is not allowed here.")
                            % {"method": request.method},
                        )
                    if request.method == "GET":
                        _throttle(request, "open311-read", settings.LOKET_API_RATE_ANON, "ip")
                    response = view(request, fmt, **kwargs)
                except Open311Error as error:
                    response = error_response(answer_in, error.status, error.description)
                    if error.retry_after:
                        response["Retry-After"] = str(error.retry_after)
                    if error.status == 405:
                        response["Allow"] = ", ".join(methods)
            # Answers may carry what a client posted (its own reports, read with its key).
            add_never_cache_headers(response)
            response["Content-Language"] = language
            return response

        return endpoint

    return decorate


def _param(params: QueryDict, name: str, limit: int = 200) -> str:
    """A parameter as text ("" when absent or empty: the spec treats both alike); a NUL
    character or an overlong value is a 400 naming it."""
    value = params.get(name, "")
    value = value.strip() if isinstance(value, str) else ""
    if "\x00" in value:
        raise _bad(_("%(name)s contains a character that is not allowed.") % {"name": name})
    if len(value) > limit:
        raise _bad(
            _("%(name)s is too long (at most %(count)d characters).")
            % {"name": name, "count": limit}
        )
    return value


def _jurisdiction(params: QueryDict) -> Municipality:
    slug = _param(params, "jurisdiction_id", 100)
    if not slug:
        only = list(Municipality.objects.filter(is_active=True).order_by("pk")[:2])
        if len(only) == 1:
            return only[0]
        raise _bad(_("jurisdiction_id required"))
    found = Municipality.objects.filter(slug=slug, is_active=True).first()
    if found is None:
        raise Open311Error(404, _("jurisdiction_id not found: %(id)s") % {"id": slug})
    return found


def _client(params: QueryDict, request: HttpRequest, *, required: bool) -> Open311Client | None:
    """The client whose ``api_key`` was sent. A wrong key is a 403 (the spec's "Missing or
    Invalid API Key"), and counted: after ``LOKET_API_RATE_TOKEN_FAILURES`` wrong keys from one
    client address it is refused before any key is looked at, so keys cannot be guessed."""
    key = _param(params, "api_key")
    if not key:
        if required:
            raise Open311Error(403, _("api_key required: ask the municipality for one."))
        return None
    rate = settings.LOKET_API_RATE_TOKEN_FAILURES
    failures = get_usage(request, group="open311-key-failures", key="ip", rate=rate)
    if failures is not None and failures["count"] >= failures["limit"]:
        raise Open311Error(
            429,
            _("Too many wrong api_keys; try again later."),
            retry_after=max(int(failures["time_left"]), 1),
        )
    client = open311_client_for_key(key)
    if client is None:
        get_usage(request, group="open311-key-failures", key="ip", rate=rate, increment=True)
        raise Open311Error(403, _("Invalid api_key received: nothing was done."))
    return client


def _moment(value: datetime | None) -> str | None:
    """A w3 datetime in UTC (``2026-12-03T16:49:00Z``): one of the two forms the spec allows,
    and three times faster to write than the Amsterdam clock's, a thousand rows at a time."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


_W3 = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$")


def _date(params: QueryDict, name: str) -> datetime | None:
    """A w3 datetime (``2010-01-01T00:00:00Z``, or with an offset); a date alone is its start
    on the Amsterdam clock. The spec requires the zone on a time: without one, a 400."""
    text = _param(params, name, 40)
    if not text:
        return None
    text = text.replace(" ", "+")  # a "+01:00" sent unencoded arrives as " 01:00"
    if _W3.match(text) is None:
        raise _bad(
            _("%(name)s must be a w3 datetime with a time zone, e.g. 2026-01-01T00:00:00Z.")
            % {"name": name}
        )
    try:
        if "T" not in text:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=AMSTERDAM)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(_("%(name)s is not a date that exists.") % {"name": name}) from None


def _list(params: QueryDict, name: str) -> list[str]:
    text = _param(params, name, 4000)
    return [part.strip() for part in text.split(",") if part.strip()]


# --- services --------------------------------------------------------------------------------


def _keywords(category: Category) -> str | None:
    words = [line.strip() for line in category.keywords.splitlines() if line.strip()]
    return ", ".join(words) or None


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": _keywords(category),
        "group": category.parent.name if category.parent else None,
    }


def _own(question: dict[str, Any], field: str) -> str | None:
    """A bilingual text of an attribute (``<field>_nl``/``<field>_en``) in the active language,
    falling back to Dutch."""
    language = translation.get_language()[:2]
    text = question.get(f"{field}_{language}") or question.get(f"{field}_nl") or ""
    return str(text) or None


def _attribute(question: dict[str, Any], order: int) -> dict[str, Any]:
    datatype = str(question.get("datatype") or "string")
    return {
        "variable": bool(question.get("variable", True)),
        "code": str(question.get("code", "")),
        "datatype": datatype if datatype in DATATYPES else "string",
        "required": bool(question.get("required", False)),
        "datatype_description": _own(question, "datatype_description"),
        "order": int(question.get("order") or order),
        "description": _own(question, "description"),
        "values": [
            {"key": str(option.get("key", "")), "name": _own(option, "name") or ""}
            for option in question.get("values", [])
        ],
    }


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service Discovery: where this server is, what it speaks, whom to ask for a key."""
    params = request.GET
    slug = _param(params, "jurisdiction_id", 100)
    town = _jurisdiction(params) if slug else None
    reach = ", ".join(part for part in (town.email, town.phone) if part) if town else ""
    contact = (
        _("%(name)s: %(reach)s") % {"name": town.name, "reach": reach}
        if town and reach
        else _("The municipality whose reports you want to read or post.")
    )
    body = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "Reading needs no key. To post reports, ask the municipality's administrator for an"
            " api_key: it is made in Loket's admin and shown once."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")),
                "changeset": CHANGESET,
                "type": "production",
                "formats": [CONTENT_TYPES[f].split(";")[0] for f in ("xml", "json")],
            }
        ],
    }
    return respond(fmt, "discovery", body)


@open311("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    town = _jurisdiction(request.GET)
    return respond(fmt, "services", [_service(c) for c in categories_of(town)])


@open311("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    town = _jurisdiction(request.GET)
    category = categories_of(town).filter(code=code[:50]).first()
    if category is None:
        raise Open311Error(404, _("service_code not found: %(code)s") % {"code": code[:50]})
    questions = [q for q in category.attributes if isinstance(q, dict)]
    body = {
        "service_code": category.code,
        "attributes": [_attribute(q, n) for n, q in enumerate(questions, start=1)],
    }
    return respond(fmt, "service_definition", body)


# --- reading requests ------------------------------------------------------------------------

# The columns a request prints, from the report and the few rows it joins (case, its step,
# team and partner, the category): one query, no model instances for a thousand rows.
COLUMNS = (
    "client_id",
    "created_at",
    "is_open",
    "closed_at",
    "latitude",
    "longitude",
    "place",
    "description",
    "category__code",
    "category__name_nl",
    "category__name_en",
    "case__identification",
    "case__updated_at",
    "case__due_at",
    "case__status__resident_text_nl",
    "case__status__resident_text_en",
    "case__team__name",
    "case__partner__name",
)

_POSTCODE = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b")
_HOUSE_NUMBER = re.compile(r"\s+\d+[^\s,]*")


@lru_cache(maxsize=4096)  # the same streets come back, row after row
def street_level(place: str) -> str | None:
    """``Kerkstraat 10, 9801 AB Stad`` as ``Kerkstraat, Stad``: the street, not the house (the
    public answer's address, as coarse as its rounded point)."""
    text = _HOUSE_NUMBER.sub("", _POSTCODE.sub("", place))
    parts = [part.strip() for part in text.split(",") if part.strip()]
    return ", ".join(parts) or None


@dataclass(frozen=True)
class Reader:
    """Who reads: the public, or a client that sees its own reports in full."""

    client_id: int | None
    language: str
    metres: float


def _request(row: dict[str, Any], reader: Reader) -> dict[str, Any]:
    nl = reader.language != "en"
    own = reader.client_id is not None and row["client_id"] == reader.client_id
    latitude, longitude = row["latitude"], row["longitude"]
    if own:
        address = row["place"] or None
    else:
        point = rounded(Point(latitude, longitude), reader.metres)
        latitude, longitude = point.latitude, point.longitude
        address = street_level(row["place"])
    notes = (
        row["case__status__resident_text_nl"]
        if nl
        else row["case__status__resident_text_en"] or row["case__status__resident_text_nl"]
    )
    return {
        "service_request_id": row["case__identification"],
        "status": "open" if row["is_open"] else "closed",
        "status_notes": notes or None,
        "service_name": row["category__name_nl"]
        if nl
        else row["category__name_en"] or row["category__name_nl"],
        "service_code": row["category__code"],
        "description": row["description"] if own else None,
        "agency_responsible": row["case__team__name"] or row["case__partner__name"],
        "service_notice": None,
        "requested_datetime": _moment(row["created_at"]),
        "updated_datetime": _moment(row["closed_at"] or row["case__updated_at"]),
        "expected_datetime": _moment(row["case__due_at"]),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
        "media_url": None,
    }


def _reader(request: HttpRequest) -> Reader:
    client = _client(request.GET, request, required=False)
    return Reader(
        client_id=client.pk if client else None,
        language=translation.get_language()[:2],
        metres=float(settings.LOKET_PUBLIC_MAP_METRES),
    )


def _by_ids(reports: QuerySet[Report], town: Municipality, ids: Sequence[str]) -> QuerySet[Report]:
    """The reports named by case identification or report uuid. The identifications are
    looked up in the cases' own index (municipality, identification) first: an OR across the
    join would read every case."""
    uuids = [found for found in (parse_uuid(i) for i in ids) if found is not None]
    names = [i[:40] for i in ids if parse_uuid(i) is None]
    cases = Case.objects.filter(municipality=town, identification__in=names).values("pk")
    return reports.filter(Q(case__in=Subquery(cases)) | Q(uuid__in=uuids))


def _planned_with_its_values(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Send the query unprepared on PostgreSQL, so it is planned with its values every time.

    The settings let psycopg prepare a statement that repeats on a connection, and PostgreSQL
    then soon plans it generically, blind to the values. For this query that guess is bad: it
    takes a 90-day span for a small share and the filters for rare, so it gathers every match
    (a quarter of a million reports) and sorts them, where the plan with the values reads the
    newest from the index (municipality, created_at) and stops at the limit: measured on
    500,000 reports, 300 ms against 25. Planning each time costs a few milliseconds."""
    connection = context["connection"]
    if many or connection.vendor != "postgresql":
        return execute(sql, params, many, context)
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        return context["cursor"].cursor.execute(sql, params, prepare=False)


def _rows(reports: QuerySet[Report], reader: Reader) -> list[dict[str, Any]]:
    with connection.execute_wrapper(_planned_with_its_values):
        found = list(reports.values(*COLUMNS))
    return [_request(row, reader) for row in found]


def _period(params: QueryDict) -> tuple[datetime, datetime]:
    """``start_date``/``end_date``: by default the most recent 90 days; one of them given, the
    90 days from or up to it; never a span of more than 90 days (the spec's rule)."""
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - SPAN
    if end is None:
        end = start + SPAN
    if end < start:
        raise _bad(_("end_date is before start_date."))
    if end - start > SPAN:
        raise _bad(_("start_date and end_date may not span more than 90 days."))
    return start, end


def _statuses(params: QueryDict) -> set[str]:
    chosen = {value.lower() for value in _list(params, "status")}
    if chosen - {"open", "closed"}:
        raise _bad(_("status must be open, closed, or both (comma-separated)."))
    return chosen


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    town = _jurisdiction(params)
    reader = _reader(request)
    reports: QuerySet[Report] = Report.objects.filter(municipality=town).order_by("-created_at")
    ids = _list(params, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            raise _bad(
                _("At most %(count)d service_request_id values at once.") % {"count": MAX_IDS}
            )
        reports = _by_ids(reports, town, ids)  # "This overrides all other arguments."
    else:
        start, end = _period(params)
        statuses = _statuses(params)
        codes = [code[:50] for code in _list(params, "service_code")]
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        if codes:
            reports = reports.filter(category__code__in=codes)
        if len(statuses) == 1:
            reports = reports.filter(is_open="open" in statuses)
    return respond(fmt, "service_requests", _rows(reports[:LIMIT], reader))


@open311("GET")
def request_detail(request: HttpRequest, fmt: str, ident: str) -> HttpResponse:
    """One request, by its case identification or its uuid, as a list of one."""
    town = _jurisdiction(request.GET)
    reader = _reader(request)
    reports = _by_ids(Report.objects.filter(municipality=town), town, [ident[:100]])
    rows = _rows(reports[:1], reader)
    if not rows:
        raise Open311Error(404, _("service_request_id not found: %(id)s") % {"id": ident[:100]})
    return respond(fmt, "service_requests", rows)


@open311("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """The ``service_request_id`` of a token. Reports are made at once, so a token is only
    another name of a report: its uuid."""
    town = _jurisdiction(request.GET)
    wanted = parse_uuid(token)
    found = (
        Report.objects.filter(municipality=town, uuid=wanted)
        .values_list("case__identification", flat=True)
        .first()
        if wanted is not None
        else None
    )
    if found is None:
        raise Open311Error(404, _("token not found: %(token)s") % {"token": token[:100]})
    return respond(fmt, "service_requests", [{"service_request_id": found, "token": str(wanted)}])


# --- posting a request -----------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")

# A service refusal names its own field; the answer names the spec's parameter.
_PARAMETERS = {
    "category": "service_code",
    "location": "lat/long",
    "description": "description",
    "email": "email",
    "phone": "phone",
}


def _attributes(params: QueryDict) -> dict[str, str]:
    """``attribute[code]=value`` (and ``attribute[code][]=…`` for a multivaluelist, whose
    values are joined with commas)."""
    answers: dict[str, str] = {}
    for name in params:
        match = _ATTRIBUTE.match(name)
        if match is None:
            continue
        values = [v.strip() for v in params.getlist(name) if v.strip()]
        if any("\x00" in v for v in values):
            raise _bad(_("%(name)s contains a character that is not allowed.") % {"name": name})
        answers[match.group(1)] = ",".join(values)[:200]
    return answers


def _location(params: QueryDict, town: Municipality) -> tuple[Point, str]:
    """The point, and the address when one was given: ``lat`` and ``long``, else
    ``address_string`` (the geocoder's first match), else ``address_id`` (an address of the
    map's own table)."""
    latitude, longitude = _param(params, "lat", 40), _param(params, "long", 40)
    if latitude or longitude:
        if not (latitude and longitude):
            raise _bad(_("lat and long must be sent together."))
        try:
            return parse_point(latitude, longitude), ""
        except Refused:  # not numbers, or outside the earth's ranges
            raise _bad(_("lat/long: not a WGS84 latitude and longitude.")) from None
    text = _param(params, "address_string", 200)
    if text:
        found = geocoding.search(text, [town])
        if not found:
            raise _bad(_("address_string: no such address found here."))
        return found[0].point, found[0].label
    address_id = _param(params, "address_id", 40)
    if address_id:
        pk = parse_id(address_id)
        address = Address.objects.filter(pk=pk, municipality=town).first() if pk else None
        if address is None:
            raise _bad(_("address_id not found."))
        return Point(address.latitude, address.longitude), str(address)
    raise _bad(_("A location is required: lat and long, address_string or address_id."))


def _due(report: Report) -> str:
    return formats.date_format(report.case.due_at.astimezone(AMSTERDAM).date(), "DATE_FORMAT")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    client = _client(params, request, required=True)
    assert client is not None
    _throttle(request, "open311-post", settings.LOKET_API_RATE_USER, lambda _g, _r: str(client.pk))
    # The jurisdiction may also be in the address (some clients put it there).
    town = _jurisdiction(params if params.get("jurisdiction_id") else request.GET)
    if not client.municipalities.filter(pk=town.pk).exists():
        raise Open311Error(403, _("This api_key may not post reports in this jurisdiction_id."))
    code = _param(params, "service_code", 50)
    if not code:
        raise _bad(_("service_code required"))
    point, place = _location(params, town)
    description = _param(params, "description", 4000)
    attributes = _attributes(params)
    # first_name and last_name are read by nobody: an Open311 report has no person record, only
    # the e-mail address or mobile number the reporter hears the updates at. device_id and
    # account_id likewise. media_url is not fetched: the server fetches no address it is given.
    try:
        # jurisdiction_id is this municipality: a point in a neighbour of the same service is
        # refused here, where the site's own form would hand it over (``report_create``).
        municipality_at(point, [town])
        made = report_create(
            site=town,
            point=point,
            category=code,
            description=description,
            email=_param(params, "email", 254),
            phone=_param(params, "phone", 40),
            language=translation.get_language()[:2],
            place=place,
            attributes=attributes,
            source=Report.Source.OPEN311,
            client=client,
        )
    except Refused as refused:
        field = refused.field or ""
        name = _PARAMETERS.get(field, field)
        message = str(refused.message)
        raise _bad(f"{name}: {message}" if name else message) from None
    report = made.report
    notice = _("Received. We aim to have it handled by %(date)s.") % {"date": _due(report)}
    if _param(params, "media_url", 2000):
        notice += " " + _(
            "The media_url was not used: photos are added on the municipality's website."
        )
    body = [
        {
            "service_request_id": report.case.identification,
            "service_notice": notice,
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", body)


@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list_requests(request, fmt)


def _unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under the endpoint, the endpoint's own included (what discovery
    names, the base of the others): a 404 in Open311 form that points to discovery."""
    fmt = "json" if rest.endswith(".json") else "xml"
    with translation.override(_language(request)):
        response = error_response(
            fmt, 404, _("No such Open311 resource; see discovery.xml or discovery.json.")
        )
    add_never_cache_headers(response)
    return response


# The format is the extension: an identifier or code runs up to the last dot.
app_name = "open311"
urlpatterns = [
    path("", csrf_exempt(_unknown_path), name="root"),
    path("discovery.<str:fmt>", discovery, name="discovery"),
    path("services.<str:fmt>", services, name="services"),
    path("services/<str:code>.<str:fmt>", service_definition, name="service"),
    path("requests.<str:fmt>", requests, name="requests"),
    path("requests/<str:ident>.<str:fmt>", request_detail, name="request"),
    path("tokens/<str:token>.<str:fmt>", token, name="token"),
    path("<path:rest>", csrf_exempt(_unknown_path), name="unknown"),
]
