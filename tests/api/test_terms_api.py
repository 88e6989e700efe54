"""The legal terms through the API: the date stamp, suspension grounds and dates, extension by
legal basis; refusals are problem+json naming the field, and nothing changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.cases.models import Case
from loket.lib.calendar import AMSTERDAM

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


@pytest.fixture
def api(staff_a: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_a).key}")
    return client


def test_terms_through_the_api(api: APIClient, catalogue: None, municipality_a: Any) -> None:
    with time_machine.travel(at(3, 9), tick=False):
        created = api.post(
            "/api/v1/cases",
            {
                "municipality": "aadorp",
                "product": "straatfeest",
                "subject": "Vergunning per brief",
                "channel": "brief",
                "receivedOn": "2026-03-06",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        # Received Friday 6 March: 10 working days end Friday 20 March; eight weeks Friday 1 May.
        assert body["receivedOn"] == "2026-03-06"
        assert body["normDueAt"].startswith("2026-03-20T23:59:59")
        assert body["legalDueAt"].startswith("2026-05-01T23:59:59")
        assert body["legalSource"] == "Awb art. 4:13 lid 2"
        future = api.post(
            "/api/v1/cases",
            {
                "municipality": "aadorp",
                "product": "straatfeest",
                "subject": "x",
                "receivedOn": "2026-03-10",
            },
            format="json",
        )
        assert future.status_code == 400 and future["Content-Type"] == PROBLEM
        assert Case.objects.count() == 1
    url = f"/api/v1/cases/{body['uuid']}"
    with time_machine.travel(at(3, 10), tick=False):
        suspended = api.post(
            f"{url}/suspend",
            {"reason": "Kentekenbewijs", "basis": "awb-4:15-1-a", "respondBefore": "2026-03-24"},
            format="json",
        )
        assert suspended.status_code == 200, suspended.content
        assert suspended.json()["dueState"] == "suspended"
    with time_machine.travel(at(3, 16), tick=False):
        resumed = api.post(f"{url}/resume", {"receivedOn": "2026-03-13"}, format="json")
        assert resumed.status_code == 200, resumed.content
        # Suspended 11 and 12 March: 20 March + 2 working days = Tuesday 24 March.
        assert resumed.json()["normDueAt"].startswith("2026-03-24T23:59:59")
    with time_machine.travel(at(4, 20), tick=False):
        bad = api.post(f"{url}/extend", {"reason": "Advies", "term": "zes weken"}, format="json")
        assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
        assert "term" in bad.content.decode()
        # No law sets this term: a notice within the eight weeks names a reasonable term
        # (Awb 4:14 lid 3), which needs its date.
        missing = api.post(f"{url}/extend", {"reason": "Advies"}, format="json")
        assert missing.status_code == 400 and missing["Content-Type"] == PROBLEM
        assert missing.json()["invalidParams"][0]["name"] == "announcedOn"
        extended = api.post(
            f"{url}/extend", {"reason": "Advies", "announcedOn": "2026-05-29"}, format="json"
        )
        assert extended.status_code == 200, extended.content
        assert extended.json()["legalDueAt"].startswith("2026-05-29T23:59:59")
        assert extended.json()["dueAt"].startswith("2026-05-29T23:59:59")
