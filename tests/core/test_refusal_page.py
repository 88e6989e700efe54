"""A refusal (403) is a page in Loket's own layout that says why and that nothing changed, not
Django's bare "403 Forbidden"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role
from loket.tenancy.models import Municipality
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_role_without_the_figures_sees_why(client: Client, municipality_a: Municipality) -> None:
    clerk = StaffFactory.create(role=Role.FRONT_OFFICE, municipalities=[municipality_a])
    client.force_login(clerk)
    response = client.get(reverse("workbench:counter_figures"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Dit mag u hier niet doen" in page
    assert "Er is niets gewijzigd" in page
    assert 'data-testid="refusal"' in page
    assert "<h1>403 Forbidden</h1>" not in page
