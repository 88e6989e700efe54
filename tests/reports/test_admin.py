"""The reports' admin (issue 15): categories, boundaries, map addresses and Open311 clients, for
administrators of their own municipalities only; a client's key shown once, working with the
Open311 endpoint, replaced by a new one on request; the models' rules as form errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role, User
from loket.history.models import ChangeRecord
from loket.reports.clients import open311_client_create, open311_client_for_key
from loket.reports.models import Address, Boundary, Category, Open311Client, Report
from loket.tenancy.models import Municipality
from tests.accounts.personas import staff
from tests.reports.conftest import MARKT, report_towns

pytestmark = pytest.mark.django_db
__all__ = ["report_towns"]  # the fixture, used by name

Towns = tuple[Municipality, Municipality]


def admin_of(*towns: Municipality) -> User:
    return staff(Role.ADMINISTRATOR, *towns, is_staff=True)


def listed(client: Client, model: str, **params: str) -> list[Any]:
    response = client.get(reverse(f"admin:reports_{model}_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def category_form(category: Category, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality": str(category.municipality_id),
        "parent": str(category.parent_id or ""),
        "code": category.code,
        "name_nl": category.name_nl,
        "name_en": category.name_en,
        "description_nl": category.description_nl,
        "description_en": category.description_en,
        "keywords": category.keywords,
        "team": str(category.team_id or ""),
        "partner": str(category.partner_id or ""),
        "service_norm": category.service_norm,
        "attributes": json.dumps(category.attributes),
        "order": str(category.order),
        "is_active": "on" if category.is_active else "",
    }
    return data | change


def shown_key(response: Any) -> str:
    """The raw key in the message after saving (the only place it is ever shown)."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    found = [m for text in texts for m in re.findall(r"<code>([^<]+)</code>", text)]
    assert len(found) == 1, texts
    return str(found[0])


# --- categories ------------------------------------------------------------------------------


def test_an_administrator_sees_and_changes_only_their_own_categories(
    client: Client, report_towns: Towns
) -> None:
    stad, dorp = report_towns
    client.force_login(admin_of(stad))
    own = listed(client, "category")
    assert own and {c.municipality_id for c in own} == {stad.pk}
    assert len(own) == Category.objects.filter(municipality=stad).count()
    page = client.get(reverse("admin:reports_category_changelist")).content.decode()
    assert "Dorp" not in page  # not even in a filter

    subs = listed(client, "category", kind="sub")
    assert subs and all(c.parent_id for c in subs)
    waste = Category.objects.get(municipality=stad, code="afval")
    assert {c.code for c in listed(client, "category", parent__id__exact=str(waste.pk))} == {
        "zwerfafval",
        "afvalbak-vol",
        "gedumpt-afval",
    }

    theirs = Category.objects.get(municipality=dorp, code="zwerfafval")
    url = reverse("admin:reports_category_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # not there for them
    client.post(url, category_form(theirs, name_nl="Overgenomen"))
    theirs.refresh_from_db()
    assert theirs.name_nl == "Zwerfafval"

    # A main category's page lists its sub-categories.
    main = client.get(reverse("admin:reports_category_change", args=[waste.pk]))
    assert main.status_code == 200
    assert "Volle afvalbak" in main.content.decode()


def test_an_administrator_adds_a_sub_category_with_a_question(
    client: Client, report_towns: Towns
) -> None:
    stad, dorp = report_towns
    client.force_login(admin_of(stad))
    add = reverse("admin:reports_category_add")
    form = client.get(add).context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [stad]
    parents = list(form.fields["parent"].queryset)
    assert parents and all(p.municipality_id == stad.pk and p.parent_id is None for p in parents)

    green = Category.objects.get(municipality=stad, code="groen")
    question = [
        {
            "code": "soort",
            "datatype": "singlevaluelist",
            "required": False,
            "description_nl": "Wat voor plant?",
            "values": [{"key": "heg", "name_nl": "Heg"}, {"key": "boom", "name_nl": "Boom"}],
        }
    ]
    data = category_form(
        Category(municipality=stad, parent=green, code="onkruid", name_nl="Onkruid"),
        name_en="Weeds",
        attributes=json.dumps(question),
        is_active="on",
    )
    response = client.post(add, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    weeds = Category.objects.get(municipality=stad, code="onkruid")
    assert weeds.parent == green and weeds.attributes == question

    # It is an Open311 service of Stad at once, with its question.
    definition = client.get("/open311/v2/services/onkruid.json", {"jurisdiction_id": "stad"})
    assert definition.json()["attributes"][0]["values"] == [
        {"key": "heg", "name": "Heg"},
        {"key": "boom", "name": "Boom"},
    ]

    # Not for another municipality, nor under another municipality's main category.
    for wrong in (
        {"municipality": str(dorp.pk), "code": "elders"},
        {"parent": str(Category.objects.get(municipality=dorp, code="groen").pk), "code": "x"},
    ):
        assert client.post(add, data | wrong).status_code == 200  # the form again
    assert not Category.objects.filter(code__in=["elders", "x"]).exists()


@pytest.mark.parametrize(
    "attributes",
    [
        "{}",
        '[{"datatype": "string"}]',
        '[{"code": "a", "datatype": "kleur"}]',
        '[{"code": "a", "datatype": "singlevaluelist"}]',
        '[{"code": "a"}, {"code": "a"}]',
        '[{"code": "a", "required": "ja"}]',
        '[{"code": "a", "values": [{"name_nl": "zonder sleutel"}]}]',
        "geen json",
    ],
)
def test_malformed_questions_are_a_form_error(
    client: Client, report_towns: Towns, attributes: str
) -> None:
    stad, _dorp = report_towns
    client.force_login(admin_of(stad))
    litter = Category.objects.get(municipality=stad, code="zwerfafval")
    url = reverse("admin:reports_category_change", args=[litter.pk])
    response = client.post(url, category_form(litter, attributes=attributes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["attributes"]
    litter.refresh_from_db()
    assert litter.attributes == []


def test_a_main_category_needs_a_handler_and_a_norm(client: Client, report_towns: Towns) -> None:
    stad, _dorp = report_towns
    client.force_login(admin_of(stad))
    data = category_form(
        Category(municipality=stad, code="water", name_nl="Water"), name_en="Water"
    )
    response = client.post(reverse("admin:reports_category_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()  # Category.clean's rule
    assert not Category.objects.filter(code="water").exists()


# --- the map ---------------------------------------------------------------------------------

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[6.0, 53.0], [6.1, 53.0], [6.1, 53.1], [6.0, 53.1], [6.0, 53.0]]],
}


@pytest.mark.parametrize(
    "geojson",
    [
        "niet eens json",
        '{"type": "Point", "coordinates": [5, 52]}',
        '{"type": "Polygon", "coordinates": "abc"}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1]]]}',
        "[]",
    ],
)
def test_a_malformed_boundary_is_a_form_error(
    client: Client, report_towns: Towns, geojson: str
) -> None:
    stad, _dorp = report_towns
    client.force_login(admin_of(stad))
    boundary = Boundary.objects.get(municipality=stad)
    url = reverse("admin:reports_boundary_change", args=[boundary.pk])
    response = client.post(url, {"municipality": str(stad.pk), "geojson": geojson})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["geojson"]
    boundary.refresh_from_db()
    assert boundary.west == 5.0


def test_a_boundary_from_a_feature_gets_its_box(client: Client, report_towns: Towns) -> None:
    stad, dorp = report_towns
    client.force_login(admin_of(stad))
    assert [b.municipality for b in listed(client, "boundary")] == [stad]
    boundary = Boundary.objects.get(municipality=stad)
    url = reverse("admin:reports_boundary_change", args=[boundary.pk])
    feature = {"type": "Feature", "properties": {"naam": "Stad"}, "geometry": SQUARE}
    response = client.post(url, {"municipality": str(stad.pk), "geojson": json.dumps(feature)})
    assert response.status_code == 302, response.context and response.context["errors"]
    boundary.refresh_from_db()
    assert boundary.geojson == SQUARE
    assert (boundary.south, boundary.west, boundary.north, boundary.east) == (53.0, 6.0, 53.1, 6.1)
    other = Boundary.objects.get(municipality=dorp)
    assert client.get(reverse("admin:reports_boundary_change", args=[other.pk])).status_code == 302


def test_addresses_of_their_own_municipality(client: Client, report_towns: Towns) -> None:
    stad, dorp = report_towns
    client.force_login(admin_of(stad))
    assert {str(a) for a in listed(client, "address")} == {"Markt 1, Stad", "Kerkstraat 10, Stad"}
    add = reverse("admin:reports_address_add")
    row = {
        "municipality": str(stad.pk),
        "street": "Molenweg",
        "number": "3",
        "postcode": "9801AC",
        "city": "Stad",
        "latitude": "52.04",
        "longitude": "5.04",
    }
    assert client.post(add, row | {"latitude": "152.04"}).status_code == 200
    assert client.post(add, row | {"municipality": str(dorp.pk)}).status_code == 200
    assert not Address.objects.filter(street="Molenweg").exists()
    assert client.post(add, row).status_code == 302
    assert Address.objects.get(street="Molenweg").municipality == stad


# --- Open311 clients -------------------------------------------------------------------------


def test_a_new_clients_key_is_shown_once_and_works(client: Client, report_towns: Towns) -> None:
    stad, dorp = report_towns
    client.force_login(admin_of(stad))
    add = reverse("admin:reports_open311client_add")
    form = client.get(add).context["adminform"].form
    assert list(form.fields["municipalities"].queryset) == [stad]
    assert "is_active" not in form.fields  # a new client is active; its key is made on saving

    # Not for a municipality they do not manage.
    response = client.post(add, {"name": "Slim", "municipalities": [str(dorp.pk)]})
    assert response.status_code == 200
    assert not Open311Client.objects.exists()

    response = client.post(add, {"name": "BuitenBeter", "municipalities": [str(stad.pk)]})
    assert response.status_code == 302
    key = shown_key(response)
    made = Open311Client.objects.get()
    assert made.name == "BuitenBeter" and list(made.municipalities.all()) == [stad]
    assert made.key_hint == key[:6] and made.key_digest != key and key not in made.key_digest
    assert open311_client_for_key(key) == made
    assert ChangeRecord.objects.filter(
        object_type="reports.open311client", action="create"
    ).exists()

    # The page after saving shows it; afterwards only the hint, never the key.
    assert key in client.get(response["Location"]).content.decode()
    for url in (
        reverse("admin:reports_open311client_changelist"),
        reverse("admin:reports_open311client_change", args=[made.pk]),
    ):
        page = client.get(url).content.decode()
        assert key[:6] in page and key not in page

    # The key posts a report through Open311.
    posted = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "jurisdiction_id": "stad",
            "service_code": "lantaarnpaal",
            "lat": str(MARKT.latitude),
            "long": str(MARKT.longitude),
            "description": "Lamp kapot",
        },
    )
    assert posted.status_code == 200, posted.content
    assert Report.objects.get().client == made


def test_a_new_key_replaces_the_old_one(client: Client, report_towns: Towns) -> None:
    stad, _dorp = report_towns
    administrator = admin_of(stad)
    made, old = open311_client_create(name="Fixi", municipalities=[stad], actor=administrator)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:reports_open311client_changelist"),
        {"action": "give_new_key", "_selected_action": [str(made.pk)]},
    )
    assert response.status_code == 302
    new = shown_key(response)
    assert new != old
    assert open311_client_for_key(old) is None
    assert open311_client_for_key(new) == made
    made.refresh_from_db()
    assert made.key_hint == new[:6]

    # Switched off: the key no longer works.
    url = reverse("admin:reports_open311client_change", args=[made.pk])
    response = client.post(url, {"name": "Fixi", "municipalities": [str(stad.pk)]})
    assert response.status_code == 302
    assert open311_client_for_key(new) is None


def test_another_municipalitys_clients_are_not_listed(client: Client, report_towns: Towns) -> None:
    stad, dorp = report_towns
    theirs, their_key = open311_client_create(
        name="Dorpsapp", municipalities=[dorp], actor=admin_of(dorp)
    )
    shared, _key = open311_client_create(
        name="Regio-app", municipalities=[stad, dorp], actor=admin_of(stad, dorp)
    )
    client.force_login(admin_of(stad))
    assert listed(client, "open311client") == [shared]
    page = client.get(reverse("admin:reports_open311client_changelist")).content.decode()
    assert "Dorpsapp" not in page
    assert (
        client.get(reverse("admin:reports_open311client_change", args=[theirs.pk])).status_code
        == 302
    )
    # The shared client is theirs to see, not to change alone, nor to give a new key.
    url = reverse("admin:reports_open311client_change", args=[shared.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Gekaapt", "municipalities": [str(stad.pk)]})
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Regio-app" and shared.municipalities.count() == 2
    response = client.post(
        reverse("admin:reports_open311client_changelist"),
        {"action": "give_new_key", "_selected_action": [str(shared.pk), str(theirs.pk)]},
    )
    assert not [m for m in get_messages(response.wsgi_request) if "<code>" in str(m)]
    assert open311_client_for_key(their_key) == theirs


def test_a_front_office_user_gets_no_access(client: Client, report_towns: Towns) -> None:
    stad, _dorp = report_towns
    client.force_login(staff(Role.FRONT_OFFICE, stad, is_staff=True))
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/reports/" not in index
    for model in ("category", "boundary", "address", "open311client"):
        assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 403
        assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 403
    response = client.post(
        reverse("admin:reports_open311client_add"),
        {"name": "Stiekem", "municipalities": [str(stad.pk)]},
    )
    assert response.status_code == 403
    assert not Open311Client.objects.exists()


def test_reports_and_followers_are_not_in_the_admin(client: Client, report_towns: Towns) -> None:
    stad, _dorp = report_towns
    client.force_login(staff(Role.ADMINISTRATOR, stad, is_staff=True, is_superuser=True))
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/reports/category/" in index
    assert "/admin/reports/report/" not in index and "/admin/reports/follower/" not in index
