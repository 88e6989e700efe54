"""Tenancy isolation: a staff user of municipality A gets 404 for every record URL of B, and a
partner worker sees only what was handed to their partner."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from loket.accounts.models import Role
from loket.appointments.models import Appointment, Ticket
from loket.cases.models import CaseNote
from loket.cases.services import case_add_document
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.knowledge.models import Article
from loket.lib.calendar import local_date
from loket.lib.geo import Point
from loket.organisation.models import Partner, Team
from loket.parties.models import Organisation
from loket.reports.services import report_create
from loket.reports.standard import categories_install
from tests.appointments.conftest import make_location
from tests.factories import ContactFactory, PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

# Every workbench URL that names one record: name -> (method, how to build its kwargs).
# A new record URL must be added here, or test_every_record_url_is_covered fails.
RECORD_URLS: dict[str, tuple[str, Any]] = {
    "workbench:case_detail": ("get", lambda r: {"uuid": r["case"].uuid}),
    "workbench:case_audit": ("get", lambda r: {"uuid": r["case"].uuid}),
    "workbench:case_document": (
        "get",
        lambda r: {"uuid": r["case"].uuid, "document": r["document"].uuid},
    ),
    "workbench:case_action": ("post", lambda r: {"uuid": r["case"].uuid, "action": "note"}),
    "workbench:decision_action": (
        "get",
        lambda r: {"uuid": r["case"].uuid, "decision": r["decision"].uuid, "action": "voorbeeld"},
    ),
    "workbench:person_detail": ("get", lambda r: {"uuid": r["person"].uuid}),
    "workbench:contact_detail": ("get", lambda r: {"uuid": r["contact"].uuid}),
    "workbench:person_edit": ("get", lambda r: {"uuid": r["person"].uuid}),
    "workbench:person_answer": ("post", lambda r: {"uuid": r["person"].uuid}),
    "workbench:organisation_detail": ("get", lambda r: {"uuid": r["organisation"].uuid}),
    "workbench:article_detail": ("get", lambda r: {"uuid": r["article"].uuid}),
    "workbench:article_edit": ("get", lambda r: {"uuid": r["article"].uuid}),
    "workbench:request_detail": ("get", lambda r: {"uuid": r["request"].uuid}),
    "workbench:request_action": (
        "post",
        lambda r: {"uuid": r["request"].uuid, "action": "afsluiten"},
    ),
    "workbench:appointment_new": ("get", lambda r: {"uuid": r["person"].uuid}),
    "workbench:appointment_move": ("get", lambda r: {"uuid": r["appointment"].uuid}),
    "workbench:appointment_cancel": ("post", lambda r: {"uuid": r["appointment"].uuid}),
    "workbench:counter_day": ("get", lambda r: {"location": r["location"].uuid}),
    "workbench:counter_check_in": (
        "post",
        lambda r: {"location": r["location"].uuid, "appointment": r["appointment"].uuid},
    ),
    "workbench:counter_desk": (
        "get",
        lambda r: {"location": r["location"].uuid, "desk": r["ticket"].desk_id},
    ),
    "workbench:report_photo": (
        "get",
        lambda r: {"uuid": r["report"].uuid, "photo": r["photo"].pk},
    ),
    "workbench:report_merge": ("post", lambda r: {"uuid": r["report"].uuid}),
    "workbench:counter_desk_action": (
        "post",
        lambda r: {
            "location": r["location"].uuid,
            "desk": r["ticket"].desk_id,
            "action": "oproepen",
        },
    ),
}

# Record URLs that are public by design: the waiting-room screen, keyed by the location's uuid,
# shows ticket numbers and desks only (test_the_display_shows_code_and_desk_and_never_the_name).
PUBLIC_URLS = ["workbench:counter_display"]

# Pages of the counter and of booking need the role's counter or book action, which an
# administrator lacks: their own-municipality check is made by a front-office agent.
FRONT_OFFICE_URLS = {
    name for name in RECORD_URLS if "appointment" in name or name.startswith("workbench:counter")
}


def _workbench_patterns() -> list[str]:
    resolver = get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "workbench":
            for sub in pattern.url_patterns:  # type: ignore[union-attr]
                if isinstance(sub, URLPattern) and "uuid" in str(sub.pattern):
                    names.append(f"workbench:{sub.name}")
    return names


def test_every_record_url_is_covered() -> None:
    assert sorted(_workbench_patterns()) == sorted([*RECORD_URLS, *PUBLIC_URLS])


def _records(
    municipality: Any, product_slug: str = "paspoort", surname: str = "Bewoner"
) -> dict[str, Any]:
    person = PersonFactory.create(municipality=municipality, surname=surname)
    case = make_case(municipality=municipality, person=person, product_slug=product_slug)
    contact = ContactFactory.create(municipality=municipality, person=person, case=case)
    document = case_add_document(
        case=case, upload=SimpleUploadedFile("brief.pdf", b"%PDF-1.4 test"), actor=None
    )
    organisation = Organisation.objects.create(
        municipality=municipality, kvk_number="12345678", name=f"{surname} Holding"
    )
    article = Article.objects.create(
        product=Product.objects.get(slug=product_slug),
        municipality=municipality,
        title_nl=f"Antwoord voor {surname}",
        title_en=f"Answer for {surname}",
        answer_nl="Eigen antwoord van deze gemeente.",
        answer_en="This municipality's own answer.",
        valid_from=dt.date(2020, 1, 1),
    )
    callback = contact_register(
        municipality=municipality,
        actor=None,
        channel="telefoon",
        subject="Bel mij terug",
        outcome=Contact.Outcome.CALLBACK,
        person=person,
        receiver=Receiver(team=Team.objects.get(slug="klantcontactcentrum")),
        callback_phone="0612345678",
    )
    from loket.cases.decisions import decision_draft
    from loket.catalogue.models import DecisionType

    clerk = StaffFactory.create(
        username=f"clerk-{municipality.slug}", municipalities=[municipality]
    )
    decision = decision_draft(
        case=case,
        decision_type=DecisionType.objects.get(case_type=case.case_type, code="geweigerd"),
        actor=clerk,
        reasoning=f"Besluit voor {surname}.",
    )
    location = make_location(municipality, name=f"Stadswinkel {surname}")
    now = timezone.now()
    appointment = Appointment.objects.create(
        municipality=municipality,
        reference=f"AFS-{municipality.slug[:6].upper()}",
        location=location,
        desk=location.desks.get(name="Balie 1"),
        starts_at=now,
        ends_at=now + dt.timedelta(minutes=20),
        channel="telefoon",
        person=person,
        created_at=now,
    )
    appointment.lines.create(product=Product.objects.get(slug="paspoort"), persons=1)
    ticket = Ticket.objects.create(
        municipality=municipality,
        location=location,
        day=local_date(now),
        number=1,
        code="W001",
        person=person,
        product=Product.objects.get(slug="paspoort"),
        status=Ticket.Status.CALLED,
        desk=location.desks.get(name="Balie 3"),
        checked_in_at=now,
        called_at=now,
    )
    # A public-space report with a photo (issue 15): its photo and its merge are record URLs.
    categories_install(municipality)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    report = report_create(
        site=municipality,
        point=Point(52.03, 5.05),
        category="lantaarnpaal",
        description=f"De lamp bij {surname} is kapot",
        photos=[SimpleUploadedFile("lamp.jpg", image.getvalue())],
        person=person,
    ).report
    return {
        "report": report,
        "photo": report.photos.get(),
        "location": location,
        "appointment": appointment,
        "ticket": ticket,
        "decision": decision,
        "case": case,
        "person": person,
        "contact": contact,
        "document": document,
        "organisation": organisation,
        "article": article,
        "request": callback.requests.get(),
    }


@pytest.fixture
def records_b(catalogue: None, municipality_b: Any) -> dict[str, Any]:
    return _records(municipality_b)


def _request(client: Any, url_name: str, records: dict[str, Any]) -> Any:
    method, kwargs = RECORD_URLS[url_name]
    url = reverse(url_name, kwargs=kwargs(records))
    if method == "post":
        return client.post(
            url, {"text": "Mag ik dit zien?", "version": 1, "outcome": "answered", "note": "Gebeld"}
        )
    return client.get(url)


@pytest.mark.parametrize("url_name", sorted(RECORD_URLS))
def test_staff_of_other_municipality_gets_404(
    client: Any, staff_a: Any, municipality_b: Any, records_b: dict[str, Any], url_name: str
) -> None:
    admin_b = StaffFactory.create(
        username="admin-b", role=Role.ADMINISTRATOR, municipalities=[municipality_b]
    )
    insider = admin_b
    if url_name in FRONT_OFFICE_URLS:
        insider = StaffFactory.create(
            username="agent-b", role=Role.FRONT_OFFICE, municipalities=[municipality_b]
        )
    client.force_login(insider)
    own = _request(client, url_name, records_b)
    assert own.status_code in (200, 302)
    # A file, a PDF, a photo.
    binary = ("workbench:case_document", "workbench:decision_action", "workbench:report_photo")
    if url_name not in binary and own.status_code == 200:
        assert records_b["person"].surname in own.content.decode() or url_name.endswith("audit")

    notes = CaseNote.objects.count()
    client.force_login(staff_a)
    other = _request(client, url_name, records_b)
    assert other.status_code == 404
    assert records_b["person"].surname not in other.content.decode()
    assert CaseNote.objects.count() == notes


def test_case_list_and_dashboard_show_only_own_municipality(
    client: Any, staff_a: Any, municipality_a: Any, records_b: dict[str, Any]
) -> None:
    own_case = make_case(municipality=municipality_a, product_slug="rijbewijs")
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_list")).content.decode()
    # Both municipalities number their cases from 1, so compare the unique ids in the links.
    assert str(own_case.uuid) in page
    assert str(records_b["case"].uuid) not in page
    dashboard = client.get(reverse("workbench:dashboard")).content.decode()
    assert "Aadorp" in dashboard
    assert "Beedorp" not in dashboard


def test_anonymous_is_sent_to_login(client: Any, records_b: dict[str, Any]) -> None:
    response = client.get(reverse("workbench:case_detail", kwargs={"uuid": records_b["case"].uuid}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_identifications_are_numbered_per_municipality(
    catalogue: None, municipality_a: Any, municipality_b: Any
) -> None:
    first_a = make_case(municipality=municipality_a)
    first_b = make_case(municipality=municipality_b)
    second_a = make_case(municipality=municipality_a)
    year = first_a.started_at.year
    assert first_a.identification == f"ZAAK-{year}-0000001"
    assert first_b.identification == f"ZAAK-{year}-0000001"
    assert second_a.identification == f"ZAAK-{year}-0000002"


class TestPartnerWorker:
    @pytest.fixture
    def setup(self, catalogue: None, municipality_a: Any) -> dict[str, Any]:
        social = Partner.objects.get(slug="sociaal-team")
        waste = Partner.objects.get(slug="afvalbedrijf")
        worker = StaffFactory.create(
            username="partner",
            role=Role.PARTNER_WORKER,
            partner=social,
            municipalities=[municipality_a],
        )
        handed = make_case(
            municipality=municipality_a,
            product_slug="wmo-ondersteuning",
            person=PersonFactory.create(municipality=municipality_a, surname="Zorgvrager"),
        )
        other_partner = make_case(
            municipality=municipality_a,
            product_slug="grofvuil",
            person=PersonFactory.create(municipality=municipality_a, surname="Afvalmelder"),
        )
        own_team = make_case(
            municipality=municipality_a,
            product_slug="paspoort",
            person=PersonFactory.create(municipality=municipality_a, surname="Reiziger"),
        )
        contact_handed = ContactFactory.create(
            municipality=municipality_a, handed_to_partner=social, subject="Vraag over hulp thuis"
        )
        contact_internal = ContactFactory.create(
            municipality=municipality_a, subject="Vraag over paspoort"
        )
        assert handed.partner == social and other_partner.partner == waste
        return locals()

    def test_sees_only_cases_handed_to_own_partner(
        self, client: Any, setup: dict[str, Any]
    ) -> None:
        client.force_login(setup["worker"])
        assert (
            client.get(reverse("workbench:case_detail", args=[setup["handed"].uuid])).status_code
            == 200
        )
        for name in ("other_partner", "own_team"):
            url = reverse("workbench:case_detail", args=[setup[name].uuid])
            assert client.get(url).status_code == 404, name
        listing = client.get(reverse("workbench:case_list")).content.decode()
        assert setup["handed"].identification in listing
        assert setup["other_partner"].identification not in listing
        assert setup["own_team"].identification not in listing

    @pytest.mark.parametrize("url_name", [name for name in sorted(RECORD_URLS) if "case" in name])
    def test_every_case_url_is_404_for_work_not_handed_to_the_partner(
        self, client: Any, setup: dict[str, Any], url_name: str
    ) -> None:
        client.force_login(setup["worker"])
        for name in ("other_partner", "own_team"):
            case = setup[name]
            document = case_add_document(
                case=case, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), actor=None
            )
            records = {"case": case, "document": document}
            assert _request(client, url_name, records).status_code == 404, (name, url_name)
        handed = setup["handed"]
        document = case_add_document(
            case=handed, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), actor=None
        )
        response = _request(client, url_name, {"case": handed, "document": document})
        # The audit log is for administrators only; the rest is open to the partner.
        expected = 403 if url_name.endswith("audit") else (302 if "action" in url_name else 200)
        assert response.status_code == expected

    def test_sees_only_persons_and_contacts_of_handed_work(
        self, client: Any, setup: dict[str, Any]
    ) -> None:
        client.force_login(setup["worker"])
        person_url = reverse(
            "workbench:person_detail", args=[setup["handed"].initiator_person.uuid]
        )
        assert "Zorgvrager" in client.get(person_url).content.decode()
        for name in ("other_partner", "own_team"):
            url = reverse("workbench:person_detail", args=[setup[name].initiator_person.uuid])
            assert client.get(url).status_code == 404
        assert (
            client.get(
                reverse("workbench:contact_detail", args=[setup["contact_handed"].uuid])
            ).status_code
            == 200
        )
        assert (
            client.get(
                reverse("workbench:contact_detail", args=[setup["contact_internal"].uuid])
            ).status_code
            == 404
        )


def test_products_are_handled_by_team_or_partner(catalogue: None) -> None:
    assert Product.objects.count() == 40
    assert not Product.objects.filter(team__isnull=True, partner__isnull=True).exists()
