"""The cases API: every operation in the OpenAPI document is exercised; errors are
problem+json in the caller's language; nothing changes on a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role
from loket.cases.models import Case
from loket.cases.services import case_add_document
from loket.organisation.models import Partner
from tests.appointments.conftest import make_location
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def api(staff_a: Any) -> APIClient:
    """A system calling with a token, as a case worker of municipality A."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_a).key}")
    return client


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"]
    return body


def test_openapi_document_validates(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["title"] == "Loket API"
    assert "/api/v1/cases" in document["paths"]
    assert all(not path.endswith("/") for path in document["paths"])


def test_docs_page_is_served_without_the_internet(client: Any) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()


def test_every_operation_in_the_openapi_document(
    client: Any, api: APIClient, catalogue: None, municipality_a: Any
) -> None:
    """Walks the document and calls each operation with a realistic request."""
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]: (method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
    }
    person = PersonFactory.create(municipality=municipality_a)
    state: dict[str, Any] = {}

    def url(path: str) -> str:
        return path.replace("{uuid}", state["uuid"]).replace("{document}", state.get("doc", ""))

    def create() -> Any:
        response = api.post(
            "/api/v1/cases",
            {
                "municipality": "aadorp",
                "product": "omgevingsvergunning",
                "subject": "Dakkapel",
                "initiator": str(person.uuid),
                "channel": "web",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["identification"].startswith("ZAAK-")
        assert body["status"]["code"] == "ontvangen" and body["handledBy"]["kind"] == "partner"
        assert response["Location"].endswith(f"/api/v1/cases/{body['uuid']}")
        state["uuid"] = body["uuid"]
        return response

    make_location(municipality_a)

    def available() -> Any:
        response = APIClient().get(
            "/api/v1/appointments/availability", {"municipality": "aadorp", "products": "paspoort"}
        )
        state["slots"] = response.json()["slots"]
        return response

    def book() -> Any:
        slot = state["slots"][0]
        response = APIClient().post(
            "/api/v1/appointments",
            {
                "municipality": "aadorp",
                "products": [{"product": "paspoort", "persons": 1}],
                "location": slot["location"],
                "start": slot["start"],
                "resident": {"surname": "Visser", "email": "visser@example.org"},
            },
            format="json",
        )
        state["appointment"] = response.json()["uuid"]
        return response

    calls: dict[str, Callable[[], Any]] = {
        "cases_create": create,
        "cases_list": lambda: api.get(
            "/api/v1/cases", {"municipality": "aadorp", "dueState": "on_track"}
        ),
        "cases_retrieve": lambda: api.get(url("/api/v1/cases/{uuid}")),
        "cases_suspend_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/suspend"), {"reason": "Tekening ontbreekt"}, format="json"
        ),
        "cases_resume_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/resume"), {}, format="json"
        ),
        "cases_extend_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/extend"), {"reason": "Advies nodig"}, format="json"
        ),
        "cases_status_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/status"),
            {"step": "volledigheid", "note": "compleet"},
            format="json",
        ),
        "cases_result_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/result"), {"result": "ingetrokken"}, format="json"
        ),
        "cases_documents_create": lambda: api.post(
            url("/api/v1/cases/{uuid}/documents"),
            {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")},
            format="multipart",
        ),
        "cases_documents_list": lambda: api.get(url("/api/v1/cases/{uuid}/documents")),
        "cases_documents_retrieve": lambda: api.get(
            url("/api/v1/cases/{uuid}/documents/{document}")
        ),
        "wegwijzer": lambda: APIClient().get(
            "/api/v1/wegwijzer", {"q": "ik ben verhuisd", "municipality": "aadorp"}
        ),
        # Appointments (tests/api/test_appointments_api.py has the details): a website asks
        # for free times and books; staff move and cancel without the resident's token.
        "appointments_availability": available,
        "appointments_create": book,
        "appointments_move": lambda: api.post(
            f"/api/v1/appointments/{state['appointment']}/move",
            {"start": state["slots"][1]["start"]},
            format="json",
        ),
        "appointments_cancel": lambda: api.post(
            f"/api/v1/appointments/{state['appointment']}/cancel", {}, format="json"
        ),
    }
    assert sorted(calls) == sorted(operations), "every documented operation needs a call here"
    expected = {"cases_create": 201, "cases_documents_create": 201, "appointments_create": 201}
    for operation_id in calls:  # in the order written above
        if operation_id == "cases_documents_list":
            state["doc"] = state["documents"]
        response = calls[operation_id]()
        assert response.status_code == expected.get(operation_id, 200), (
            operation_id,
            response.content,
        )
        if operation_id == "cases_documents_create":
            state["documents"] = response.json()["uuid"]
        if operation_id == "cases_documents_retrieve":
            assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    final = api.get(url("/api/v1/cases/{uuid}")).json()
    assert final["status"]["code"] == "volledigheid"
    assert final["result"]["code"] == "ingetrokken"
    assert final["extendedAt"] is not None and final["suspendedAt"] is None
    assert final["version"] == 6


def test_list_filters_and_cursor(
    api: APIClient, catalogue: None, municipality_a: Any, municipality_b: Any
) -> None:
    own = {
        str(make_case(municipality=municipality_a, product_slug="paspoort").uuid) for _ in range(5)
    }
    make_case(municipality=municipality_b, product_slug="paspoort")
    seen: list[str] = []
    url = "/api/v1/cases?pageSize=2&product=paspoort"
    while url:
        body = api.get(url).json()
        assert body["count"] == 5
        seen += [item["uuid"] for item in body["results"]]
        url = body["next"]
    assert len(seen) == 5 and set(seen) == own
    body = _problem(api.get("/api/v1/cases", {"dueState": "soon"}), 400, "invalid")
    assert body["invalidParams"][0]["name"] == "dueState"


def test_unknown_product_is_a_field_problem_and_nothing_is_created(
    api: APIClient, catalogue: None, municipality_a: Any
) -> None:
    response = api.post(
        "/api/v1/cases",
        {"municipality": "aadorp", "product": "ruimtereis", "subject": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    body = _problem(response, 400, "invalid")
    assert body["invalidParams"] == [
        {
            "name": "product",
            "code": "invalid",
            "reason": "Onbekend product, of niet aangeboden door deze gemeente.",
        }
    ]
    response = api.post(
        "/api/v1/cases", {"municipality": "aadorp"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    names = {param["name"] for param in _problem(response, 400, "invalid")["invalidParams"]}
    assert names == {"product", "subject"}
    assert Case.objects.count() == 0


def test_refusals_are_problems_in_the_callers_language(
    api: APIClient, catalogue: None, municipality_a: Any
) -> None:
    passport = make_case(municipality=municipality_a, product_slug="paspoort")
    base = f"/api/v1/cases/{passport.uuid}"
    body = _problem(
        api.post(f"{base}/suspend", {"reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"),
        409,
        "suspension-not-allowed",
    )
    assert body["detail"] == "Cases of this type cannot be suspended."
    body = _problem(
        api.post(f"{base}/suspend", {"reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="nl"),
        409,
        "suspension-not-allowed",
    )
    assert body["detail"] == "Zaken van dit type kunnen niet worden opgeschort."
    _problem(
        api.post(f"{base}/status", {"step": "afgehandeld"}, format="json"), 409, "result-required"
    )
    _problem(
        api.post(f"{base}/status", {"step": "klaar-om-op-te-halen"}, format="json"),
        409,
        "transition-not-allowed",
    )
    body = _problem(
        api.post(f"{base}/status", {"step": "bestaat-niet"}, format="json"), 400, "invalid"
    )
    assert body["invalidParams"][0]["name"] == "step"
    _problem(
        api.post(f"{base}/extend", {"reason": "x"}, format="json"), 409, "extension-not-allowed"
    )
    permit = make_case(municipality=municipality_a, product_slug="woz-bezwaar")
    api.post(f"/api/v1/cases/{permit.uuid}/extend", {"reason": "Taxatie"}, format="json")
    _problem(
        api.post(f"/api/v1/cases/{permit.uuid}/extend", {"reason": "nog eens"}, format="json"),
        409,
        "already-extended",
    )
    _problem(
        api.post(f"{base}/status", {"step": "in-behandeling", "version": 99}, format="json"),
        409,
        "stale",
    )
    passport.refresh_from_db()
    assert passport.version == 1 and passport.status.code == "ontvangen"


def test_document_problems(
    api: APIClient, catalogue: None, municipality_a: Any, settings: Any
) -> None:
    settings.LOKET_MAX_UPLOAD_MB = 1
    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    url = f"/api/v1/cases/{case.uuid}/documents"
    body = _problem(
        api.post(
            url,
            {"file": SimpleUploadedFile("x.exe", b"MZ")},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        400,
        "invalid",
    )
    assert "not accepted" in body["detail"]
    big = SimpleUploadedFile("groot.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    assert (
        "too large"
        in _problem(
            api.post(url, {"file": big}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"),
            400,
            "invalid",
        )["detail"]
    )
    assert api.get(url).json() == []


def test_authentication_and_isolation(
    catalogue: None, municipality_a: Any, municipality_b: Any, staff_b: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="paspoort")
    anonymous = APIClient()
    _problem(anonymous.get("/api/v1/cases"), 401, "not-authenticated")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_b).key}")
    for path in ("", "/documents"):
        _problem(other.get(f"/api/v1/cases/{case.uuid}{path}"), 404, "not-found")
    _problem(
        other.post(f"/api/v1/cases/{case.uuid}/status", {"step": "in-behandeling"}, format="json"),
        404,
        "not-found",
    )
    assert other.get("/api/v1/cases").json()["count"] == 0
    response = other.post(
        "/api/v1/cases",
        {"municipality": "aadorp", "product": "paspoort", "subject": "x"},
        format="json",
    )
    assert _problem(response, 400, "invalid")["invalidParams"][0]["name"] == "municipality"
    _problem(other.get("/api/v1/bestaat-niet"), 404, "not-found")


def test_partner_worker_sees_only_handed_cases(catalogue: None, municipality_a: Any) -> None:
    worker = StaffFactory.create(
        username="jeugd",
        role=Role.PARTNER_WORKER,
        partner=Partner.objects.get(slug="jeugdteam"),
        municipalities=[municipality_a],
    )
    handed = make_case(municipality=municipality_a, product_slug="jeugdhulp")
    internal = make_case(municipality=municipality_a, product_slug="paspoort")
    client = APIClient()
    client.force_authenticate(worker)
    assert [c["uuid"] for c in client.get("/api/v1/cases").json()["results"]] == [str(handed.uuid)]
    document = case_add_document(
        case=internal, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), actor=None
    )
    base = f"/api/v1/cases/{internal.uuid}"
    for method, path in [
        ("get", ""),
        ("get", "/documents"),
        ("get", f"/documents/{document.uuid}"),
        ("post", "/status"),
        ("post", "/result"),
        ("post", "/suspend"),
        ("post", "/resume"),
        ("post", "/extend"),
        ("post", "/documents"),
    ]:
        response = (
            getattr(client, method)(
                base + path, {"reason": "x", "step": "x", "result": "x"}, format="json"
            )
            if method == "post"
            else client.get(base + path)
        )
        assert response.status_code == 404, (method, path)
    internal.refresh_from_db()
    assert internal.version == 1
    assert client.get(f"/api/v1/cases/{handed.uuid}").status_code == 200


def test_session_authentication_needs_csrf(
    client: Any, staff_a: Any, catalogue: None, municipality_a: Any
) -> None:
    from django.test import Client

    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_a)
    assert strict.get(f"/api/v1/cases/{case.uuid}").json()["uuid"] == str(case.uuid)
    _problem(
        strict.post(
            f"/api/v1/cases/{case.uuid}/suspend", {"reason": "x"}, content_type="application/json"
        ),
        403,
        "forbidden",
    )


def test_wegwijzer_api_is_public_and_checks_its_input(catalogue: None, municipality_a: Any) -> None:
    anonymous = APIClient()
    found = anonymous.get("/api/v1/wegwijzer", {"q": "ik ben verhuisd", "municipality": "aadorp"})
    assert found.status_code == 200
    first = found.json()["results"][0]
    assert (first["slug"], first["url"]) == ("verhuizing", "/aadorp/producten/verhuizing")
    empty = anonymous.get("/api/v1/wegwijzer", {"q": "", "municipality": "aadorp"})
    assert empty.status_code == 400 and empty["Content-Type"] == "application/problem+json"
    assert empty.json()["invalidParams"][0]["name"] == "q"
    unknown = anonymous.get("/api/v1/wegwijzer", {"q": "paspoort", "municipality": "nergens"})
    assert unknown.status_code == 400


def test_the_fast_list_rows_equal_the_serializer(
    api: APIClient, catalogue: None, municipality_a: Any
) -> None:
    from django.test import RequestFactory

    from loket.api.serializers import CaseSerializer, case_rows
    from loket.cases.selectors import QueueFilters, case_queue
    from loket.cases.services import case_suspend
    from tests.factories import StaffFactory, make_case

    cases = [
        make_case(municipality=municipality_a, product_slug=slug)
        for slug in ("paspoort", "omgevingsvergunning", "grofvuil")
    ]
    case_suspend(case=cases[1], reason="Tekening", actor=None)
    user = StaffFactory.create(username="lijst", municipalities=[municipality_a])
    page = case_queue(user, QueueFilters(scope="all"))
    request = RequestFactory().get("/api/v1/cases")
    serialized = CaseSerializer(page.cases, many=True, context={"request": request}).data
    assert case_rows(page.cases, request) == list(serialized)  # a ReturnList, with many=True
