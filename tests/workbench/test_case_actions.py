"""The case page: actions change the case through the services; refusals explain themselves
and change nothing; every view of personal data is logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loket.accounts.models import Role
from loket.cases.models import Case, CaseDocument
from loket.history.models import ChangeRecord
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(catalogue: None, municipality_a: Any) -> Case:
    person = PersonFactory.create(municipality=municipality_a, first_name="Sem", surname="Bakker")
    return make_case(municipality=municipality_a, product_slug="omgevingsvergunning", person=person)


def _act(client: Any, case: Case, action: str, **data: Any) -> Any:
    url = reverse("workbench:case_action", args=[case.uuid, action])
    return client.post(url, {"version": case.version, **data})


def test_setting_the_next_step_shows_in_the_timeline(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    step = case.case_type.ordered_steps[1]
    assert f'<option value="{step.pk}">{step.name}</option>' in page
    response = _act(client, case, "status", step=step.pk, note="Alles is compleet")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "De stap is gewijzigd." in page
    assert f'data-testid="current-step">{step.name}<' in page
    assert "Alles is compleet" in page


def test_forbidden_step_is_refused_with_a_message(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    final = case.case_type.final_step
    response = _act(client, case, "status", step=final.pk)
    assert response.status_code == 409
    assert "Kies een resultaat voordat u de zaak afsluit." in response.content.decode()
    case.refresh_from_db()
    assert case.closed_at is None and case.version == 1


def test_step_not_in_the_table_is_a_form_error(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    last_but_one = case.case_type.ordered_steps[-2]
    response = _act(client, case, "status", step=last_but_one.pk)
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()
    case.refresh_from_db()
    assert case.status == case.case_type.first_step


def test_stale_form_is_refused(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    stale = case.version
    # A colleague marks custom handling first ...
    response = client.post(
        reverse("workbench:case_action", args=[case.uuid, "custom"]),
        {"custom-version": stale, "custom-reason": "Bijzondere situatie"},
    )
    assert response.status_code == 302
    # ... then this form, opened before that change, is sent.
    response = client.post(
        reverse("workbench:case_action", args=[case.uuid, "extend"]),
        {"extend-version": stale, "extend-reason": "Meer tijd"},
    )
    assert response.status_code == 409
    assert "Iemand anders heeft deze zaak gewijzigd" in response.content.decode()
    case.refresh_from_db()
    assert case.extended_at is None and case.version == stale + 1


def test_unknown_action_is_404(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    assert _act(client, case, "vernietigen").status_code == 404


def test_suspend_resume_and_extend_from_the_page(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    post = client.post(
        reverse("workbench:case_action", args=[case.uuid, "suspend"]),
        {"suspend-version": case.version, "suspend-reason": "Bouwtekening ontbreekt"},
    )
    assert post.status_code == 302
    case.refresh_from_db()
    assert case.suspended_at is not None
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Bouwtekening ontbreekt" in page and "opgeschort" in page
    post = client.post(
        reverse("workbench:case_action", args=[case.uuid, "resume"]),
        {"resume-version": case.version},
    )
    assert post.status_code == 302
    case.refresh_from_db()
    assert case.suspended_at is None
    post = client.post(
        reverse("workbench:case_action", args=[case.uuid, "extend"]),
        {"extend-version": case.version, "extend-reason": "Advies welstand nodig"},
    )
    assert post.status_code == 302
    case.refresh_from_db()
    assert case.extended_at is not None
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Uiterste datum verschoven van" in page


def test_hand_over_gives_the_receiver_the_whole_history(
    client: Any, staff_a: Any, case: Case, municipality_a: Any
) -> None:
    from loket.organisation.models import Partner

    client.force_login(staff_a)
    _act(client, case, "note", text="Inwoner vertelde het hele verhaal aan de balie")
    partner = Partner.objects.get(slug="omgevingsdienst")
    case.refresh_from_db()
    response = client.post(
        reverse("workbench:case_action", args=[case.uuid, "handover"]),
        {
            "handover-version": case.version,
            "handover-target": f"partner:{partner.pk}",
            "handover-reason": "Milieuvraag",
        },
    )
    assert response.status_code == 302
    receiver = StaffFactory.create(
        username="od", role=Role.PARTNER_WORKER, partner=partner, municipalities=[municipality_a]
    )
    client.force_login(receiver)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Inwoner vertelde het hele verhaal aan de balie" in page
    assert "Milieuvraag" in page


def test_document_upload_checks_type_and_contents(client: Any, staff_a: Any, case: Case) -> None:
    client.force_login(staff_a)
    url = reverse("workbench:case_action", args=[case.uuid, "document"])
    fake = SimpleUploadedFile(
        "tekening.pdf", b"MZ this is an executable", content_type="application/pdf"
    )
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert "komt niet overeen met het type" in response.content.decode()
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    assert "worden niet geaccepteerd" in client.post(url, {"file": exe}).content.decode()
    assert CaseDocument.objects.count() == 0
    good = SimpleUploadedFile("tekening.pdf", b"%PDF-1.7 tekening", content_type="application/pdf")
    assert client.post(url, {"file": good}).status_code == 302
    document = CaseDocument.objects.get()
    download = client.get(reverse("workbench:case_document", args=[case.uuid, document.uuid]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 tekening"


def test_too_large_document_is_refused(
    client: Any, staff_a: Any, case: Case, settings: Any
) -> None:
    settings.LOKET_MAX_UPLOAD_MB = 1
    client.force_login(staff_a)
    big = SimpleUploadedFile("groot.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    response = client.post(
        reverse("workbench:case_action", args=[case.uuid, "document"]), {"file": big}
    )
    assert response.status_code == 400
    assert "te groot" in response.content.decode()


def test_views_are_logged_and_shown_to_administrators_only(
    client: Any, staff_a: Any, case: Case, municipality_a: Any
) -> None:
    client.force_login(staff_a)
    client.get(reverse("workbench:case_detail", args=[case.uuid]))
    view = ChangeRecord.objects.for_object(case).filter(action="view").get()
    assert view.actor == staff_a
    assert client.get(reverse("workbench:case_audit", args=[case.uuid])).status_code == 403
    admin = StaffFactory.create(
        username="beheer", role=Role.ADMINISTRATOR, municipalities=[municipality_a]
    )
    client.force_login(admin)
    page = client.get(reverse("workbench:case_audit", args=[case.uuid])).content.decode()
    assert "worker-a" in page and "bekeken" in page


def test_bulk_assign(client: Any, staff_a: Any, municipality_a: Any, catalogue: None) -> None:
    cases = [make_case(municipality=municipality_a, product_slug="paspoort") for _ in range(3)]
    client.force_login(staff_a)
    response = client.post(
        reverse("workbench:bulk_assign"),
        {"case": [str(c.uuid) for c in cases[:2]], "cases": "selected", "assignee": staff_a.pk},
    )
    assert response.status_code == 302
    assigned = set(Case.objects.filter(assignee=staff_a).values_list("pk", flat=True))
    assert assigned == {cases[0].pk, cases[1].pk}
    mine = client.get(reverse("workbench:case_list"), {"scope": "mine"}).content.decode()
    assert str(cases[0].uuid) in mine and str(cases[2].uuid) not in mine


def test_keyset_pagination_walks_every_case_once(
    client: Any, staff_a: Any, municipality_a: Any, catalogue: None, settings: Any
) -> None:
    settings.LOKET_PAGE_SIZE = 5
    made = {
        str(make_case(municipality=municipality_a, product_slug="paspoort").uuid) for _ in range(12)
    }
    client.force_login(staff_a)
    seen: list[str] = []
    url = reverse("workbench:case_list") + "?scope=all"
    import re

    for _page in range(5):
        page = client.get(url).content.decode()
        seen += re.findall(r'name="case" value="([0-9a-f-]+)"', page)
        following = re.search(r'href="\\?([^"]*after=[^"]+)" rel="next"', page)
        if not following:
            break
        url = reverse("workbench:case_list") + "?" + following.group(1).replace("&amp;", "&")
    assert len(seen) == 12 and set(seen) == made


def test_message_request_for_information_and_shared_documents_reach_the_applicant(
    client: Any, staff_a: Any, case: Case
) -> None:
    import datetime as dt

    from loket.cases.models import CaseMessage
    from loket.portal.progress import case_progress

    client.force_login(staff_a)
    sent = _act(client, case, "message", **{"message-text": "Uw tekening is ontvangen."})
    assert sent.status_code == 302
    message = CaseMessage.objects.get(case=case)
    assert (message.sender, message.author, message.text) == (
        "staff",
        staff_a,
        "Uw tekening is ontvangen.",
    )
    empty = _act(client, case, "message", **{"message-text": ""})
    assert empty.status_code == 400

    case.refresh_from_db()
    suspended = _act(
        client,
        case,
        "suspend",
        **{
            "suspend-version": case.version,
            "suspend-reason": "Stuur een situatietekening.",
            "suspend-respond_before": "2027-01-15",
        },
    )
    assert suspended.status_code == 302, suspended.content.decode()[-3000:]
    case.refresh_from_db()
    assert case.suspended_at is not None
    assert case.awaiting_until == dt.date(2027, 1, 15)
    progress = case_progress(case)
    assert progress.waiting_for == "Stuur een situatietekening."
    assert "15 januari 2027" in progress.respond_sentence

    internal = _act(client, case, "document", file=SimpleUploadedFile("notitie.pdf", b"%PDF-1.4"))
    shared = _act(
        client, case, "document", file=SimpleUploadedFile("brief.pdf", b"%PDF-1.4"), share="on"
    )
    assert internal.status_code == shared.status_code == 302
    assert dict(case.documents.values_list("name", "shared_with_applicant")) == {
        "notitie.pdf": False,
        "brief.pdf": True,
    }
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Uw tekening is ontvangen." in page  # messages are part of the timeline
    assert "15 januari 2027" in page


def test_awb_4_5_the_form_says_uiterlijk_and_refuses_a_past_response_date(
    client: Any, staff_a: Any, case: Case
) -> None:
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Uiterlijk reageren op" in page and "Reageren vóór" not in page
    assert "De aanvrager mag reageren tot en met deze dag." in page
    post = client.post(
        reverse("workbench:case_action", args=[case.uuid, "suspend"]),
        {
            "suspend-version": case.version,
            "suspend-reason": "Bouwtekening ontbreekt",
            "suspend-respond_before": "2000-01-03",
        },
    )
    assert post.status_code == 400
    page = post.content.decode()
    assert "De reactiedatum 3 januari 2000 is al voorbij; kies vandaag of een latere dag." in page
    case.refresh_from_db()
    assert case.suspended_at is None
    post = client.post(
        reverse("workbench:case_action", args=[case.uuid, "suspend"]),
        {
            "suspend-version": case.version,
            "suspend-reason": "Bouwtekening ontbreekt",
            "suspend-respond_before": "2099-01-05",
        },
    )
    assert post.status_code == 302
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Die kan uiterlijk op 5 januari 2099 reageren." in page


def test_atw_3_lid_3_a_deadline_across_a_predicted_day_says_it_is_provisional(
    client: Any, staff_a: Any, catalogue: None, municipality_a: Any
) -> None:
    import time_machine

    from tests.cases.test_deadlines import at

    with time_machine.travel(at(4, 20, year=2029), tick=False):
        client.force_login(staff_a)
        later = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
        page = client.get(reverse("workbench:case_detail", args=[later.uuid])).content.decode()
    assert "Voorlopig: telt een dag die nog niet bij besluit" in page
    assert "(Atw art. 3 lid 3): 11 mei 2029</span>" in page
    with time_machine.travel(at(4, 20, year=2026), tick=False):
        client.force_login(staff_a)
        decreed = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
        page = client.get(reverse("workbench:case_detail", args=[decreed.uuid])).content.decode()
    assert 'data-testid="provisional-days"' not in page  # 15 May 2026 is decreed
