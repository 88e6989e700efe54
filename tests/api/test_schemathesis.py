"""The OpenAPI document tells the truth: schemathesis calls every operation of
``/api/v1/openapi.json`` in-process (WSGI), with a valid token and real records in the paths,
with valid and with invalid input, and checks every answer against the document: no server
error, a documented status, content type, schema and headers.

The run is bounded and deterministic (a fixed number of examples, derandomized), so it takes
seconds and fails the same way every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok

from loket.cases.services import case_add_document
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _operation(
    result: Ok[APIOperation[Any, Any, Any, Any]] | Err[InvalidSchema],
) -> APIOperation[Any, Any, Any, Any]:
    """An operation of the document; one schemathesis cannot read fails here, with its reason."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


OPERATIONS = sorted(map(_operation, SCHEMA.get_all_operations()), key=lambda op: op.label)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes "old" database connections around each request; inside the
    test's transaction that would close the test's own connection (the test client avoids
    this the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(catalogue: None, municipality_a: Any, staff_a: Any, settings: Any) -> dict[str, str]:
    """A municipality, a case of a product with every action, a document, and a token."""
    # The API's throttles would answer 429 to a fast run; this test is about the contract.
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_CLASSES"] = []
    settings.REST_FRAMEWORK = rest
    person = PersonFactory.create(municipality=municipality_a)
    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning", person=person)
    document = case_add_document(
        case=case, upload=SimpleUploadedFile("tekening.pdf", b"%PDF-1.4 tekening"), actor=None
    )
    return {
        "uuid": str(case.uuid),
        "document": str(document.uuid),
        "token": Token.objects.create(user=staff_a).key,
    }


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda mode: mode.value)
def test_the_api_keeps_its_openapi_contract(
    operation: Any, mode: GenerationMode, records: dict[str, str]
) -> None:
    path_parameters = {
        name: records[name] for name in ("uuid", "document") if f"{{{name}}}" in operation.path
    }
    others = [p for p in operation.iter_parameters() if p.location in ("query", "body")]
    if mode is GenerationMode.NEGATIVE and not others and operation.method.upper() == "GET":
        path_parameters = {}  # nothing else to make invalid: the ids themselves are
    strategy = operation.as_strategy(
        generation_mode=mode,
        path_parameters=path_parameters or None,
        headers={"Authorization": f"Token {records['token']}"},
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    call()
