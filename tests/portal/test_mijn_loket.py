"""Mijn Loket: logging in, applying with a form defined as data, following a case, and
never seeing anybody else's requests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loket.cases.models import Case, CaseMessage
from loket.cases.services import case_send_message, case_suspend
from loket.contacts.models import Contact
from loket.lib.calendar import AMSTERDAM
from loket.portal.models import DraftUpload
from tests.factories import make_case
from tests.portal.conftest import PDF, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def pdf(name: str = "kentekenbewijs.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


VALID = {"kenteken": "12-abc-3", "ingangsdatum": "2026-12-01", "email": "emma@example.org"}


# --- logging in -----------------------------------------------------------------------------


def test_my_pages_need_a_login_and_return_to_the_page(
    client: Any, town: Any, resident: Any
) -> None:
    target = url("apply", town, product="parkeervergunning")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == url("login", town) + "?next=" + target.replace("/", "%2F")
    assert login(client, town, resident, target)["Location"] == target


def test_demo_login_exists_only_when_switched_on(
    client: Any, town: Any, resident: Any, settings: Any
) -> None:
    assert "Inloggen als Emma Visser" in client.get(url("login", town)).content.decode()
    settings.LOKET_DEMO_LOGIN = False
    assert "Inloggen als" not in client.get(url("login", town)).content.decode()
    assert login(client, town, resident).status_code == 404
    assert client.get(url("mijn", town)).status_code == 302


def test_next_must_stay_inside_the_municipality(client: Any, town: Any, resident: Any) -> None:
    for evil in ("https://evil.example/", "//evil.example/x", "/werkplek/"):
        assert login(client, town, resident, evil)["Location"] == url("mijn", town)


def test_idle_login_expires_and_comes_back_to_the_same_page(
    client: Any, town: Any, resident: Any
) -> None:
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        login(client, town, resident)
        assert client.get(url("mijn", town)).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert client.get(url("mijn", town)).status_code == 200  # activity keeps it alive
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        page = url("mijn_preferences", town)
        response = client.get(page)
        assert response.status_code == 302
        login_page = client.get(response["Location"]).content.decode()
        assert "U bent uitgelogd omdat u een tijd niets heeft gedaan" in login_page
        assert login(client, town, resident, page)["Location"] == page


def test_logout_ends_the_resident_session(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    client.post(url("logout", town))
    assert client.get(url("mijn", town)).status_code == 302


def test_a_resident_is_not_staff(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    assert client.get(reverse("workbench:dashboard")).status_code == 302  # to the staff login
    assert client.get("/api/v1/cases").status_code in (401, 403)


# --- applying -------------------------------------------------------------------------------


def test_form_is_prefilled_with_what_loket_knows(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    page = client.get(url("apply", town, product="parkeervergunning")).content.decode()
    assert 'value="emma@example.org"' in page
    assert 'value="06 12345678"' in page
    assert "Lindelaan 3, 3311 AB Stad" in page  # shown, not asked
    assert 'name="bsn"' not in page


def test_validation_errors_keep_what_was_typed_and_the_file(
    client: Any, town: Any, resident: Any
) -> None:
    login(client, town, resident)
    form = url("apply", town, product="parkeervergunning")
    response = client.post(form, {**VALID, "kenteken": "??", "kentekenbewijs": pdf()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vul het kenteken in zoals het op uw kentekenbewijs staat" in page
    assert 'value="2026-12-01"' in page  # typed values are kept
    assert "Ontvangen: kentekenbewijs.pdf" in page  # the file is kept
    again = client.post(form, VALID)  # no need to choose the file again
    assert again["Location"] == url("apply_check", town, product="parkeervergunning")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/pdf"),
            "niet geaccepteerd",
        ),
        (
            SimpleUploadedFile("nep.pdf", b"GIF89a", content_type="application/pdf"),
            "komt niet overeen",
        ),
    ],
)
def test_uploads_are_checked(
    client: Any, town: Any, resident: Any, upload: Any, message: str
) -> None:
    login(client, town, resident)
    response = client.post(
        url("apply", town, product="parkeervergunning"), {**VALID, "kentekenbewijs": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DraftUpload.objects.count() == 0


def test_upload_size_limit(client: Any, town: Any, resident: Any, settings: Any) -> None:
    settings.LOKET_MAX_UPLOAD_MB = 1
    login(client, town, resident)
    big = SimpleUploadedFile(
        "groot.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    response = client.post(
        url("apply", town, product="parkeervergunning"), {**VALID, "kentekenbewijs": big}
    )
    assert response.status_code == 400
    assert "te groot" in response.content.decode()


def test_conditional_field_only_when_it_applies(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    form = url("apply", town, product="parkeervergunning")
    lease = client.post(form, {**VALID, "auto_van_de_zaak": "on", "kentekenbewijs": pdf()})
    assert lease.status_code == 400
    assert list(lease.context["form"].errors) == ["werkgeversverklaring"]
    own = client.post(form, VALID)
    assert own.status_code == 302


def _apply(client: Any, town: Any) -> Any:
    client.post(url("apply", town, product="parkeervergunning"), {**VALID, "kentekenbewijs": pdf()})
    check = client.get(url("apply_check", town, product="parkeervergunning"))
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', check.content.decode())[1]  # type: ignore[index]
    return check, key


def test_summary_then_send_makes_one_case_with_the_service_norm(
    client: Any, town: Any, resident: Any
) -> None:
    login(client, town, resident)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        check, key = _apply(client, town)
        summary = check.content.decode()
        for shown in ("12-ABC-3", "01-12-2026", "kentekenbewijs.pdf", "Emma Visser"):
            assert shown in summary
        assert Case.objects.count() == 0  # nothing is sent before the resident says so
        send = url("apply_send", town, product="parkeervergunning")
        first = client.post(send, {"submission_key": key})
        second = client.post(send, {"submission_key": key})  # double click / back button
    case = Case.objects.get()
    assert (
        first["Location"] == second["Location"] == url("mijn_case_received", town, uuid=case.uuid)
    )
    assert (case.initiator_person, case.channel, case.submission_key) == (resident, "web", key)
    assert case.form_data["kenteken"] == "12-ABC-3"
    # 10 working days from Monday 23 November 2026: Monday 7 December.
    assert case.due_at.astimezone(AMSTERDAM).date() == dt.date(2026, 12, 7)
    document = case.documents.get()
    assert (document.name, document.from_applicant, document.shared_with_applicant) == (
        "kentekenbewijs.pdf",
        True,
        True,
    )
    assert Contact.objects.filter(case=case, outcome="case_created", channel="web").count() == 1
    assert DraftUpload.objects.count() == 0
    # Read back the same day: the resident's session lasts hours, not until the real today.
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 5, tzinfo=AMSTERDAM), tick=False):
        received = client.get(first["Location"]).content.decode()
    assert case.identification in received
    assert "We beslissen uiterlijk op 7 december" in received


def test_a_stale_form_does_not_send(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    response = client.post(
        url("apply_send", town, product="parkeervergunning"), {"submission_key": "f" * 32}
    )
    assert response["Location"] == url("apply", town, product="parkeervergunning")
    assert Case.objects.count() == 0


def test_not_offered_or_not_online_is_404(
    client: Any, catalogue: None, resident: Any, town: Any
) -> None:
    from tests.factories import MunicipalityFactory

    small = MunicipalityFactory.create(slug="klein")
    login(client, town, resident)
    assert client.get(url("apply", town, product="paspoort")).status_code == 404  # counter only
    login(
        client, small, resident
    )  # nobody with this BSN lives in Klein; the page still needs a product
    assert client.get(url("apply", small, product="parkeervergunning")).status_code in (302, 404)


# --- following a case -----------------------------------------------------------------------


@pytest.fixture
def permit(town: Any, resident: Any) -> Case:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        return make_case(municipality=town, person=resident, product_slug="parkeervergunning")


def test_home_shows_steps_expected_date_and_what_is_expected(
    client: Any, town: Any, resident: Any, permit: Case
) -> None:
    login(client, town, resident)
    page = client.get(url("mijn", town)).content.decode()
    assert permit.identification in page
    assert "Ontvangen" in page and "Besluit genomen" in page
    assert "We beslissen uiterlijk op 7 december" in page
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM), tick=False):
        case_suspend(case=permit, reason="Stuur ons een foto van uw kentekenbewijs.", actor=None)
        login(client, town, resident)
        page = client.get(url("mijn", town)).content.decode()
    assert "Stuur ons een foto van uw kentekenbewijs." in page
    # Awb 4:5: two weeks, to Wednesday 9 December.
    assert "Stuur het ons uiterlijk 9 december" in page
    assert "staat stil" in page


def test_upload_resumes_the_case_and_moves_the_date(
    client: Any, town: Any, resident: Any, permit: Case
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM), tick=False):
        case_suspend(case=permit, reason="Stuur uw kentekenbewijs.", actor=None)
    with time_machine.travel(dt.datetime(2026, 12, 2, 14, 0, tzinfo=AMSTERDAM), tick=False):
        login(client, town, resident)
        response = client.post(
            url("mijn_case_upload", town, uuid=permit.uuid), {"file": pdf(), "note": "Hierbij"}
        )
        assert response.status_code == 302
        page = client.get(url("mijn_case", town, uuid=permit.uuid)).content.decode()
    permit.refresh_from_db()
    assert permit.suspended_at is None
    # Suspended from Wednesday 25 November; working days 26, 27, 30 Nov and 1 Dec stood still:
    # 7 December + 4 working days = Friday 11 December.
    assert permit.due_at.astimezone(AMSTERDAM).date() == dt.date(2026, 12, 11)
    assert "We beslissen uiterlijk op 11 december" in page
    assert "We hebben uw informatie ontvangen" in page
    assert "Hierbij" in page  # the note became a message


def test_an_upload_does_not_end_a_suspension_that_does_not_wait_for_the_applicant(
    client: Any, town: Any, resident: Any, permit: Case
) -> None:
    """Awb 4:15 lid 1 b: waiting for an authority abroad ends when its information arrives, not
    when the applicant sends something; the page asks them for nothing."""
    from loket.catalogue.terms import SuspensionBasis

    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM), tick=False):
        case_suspend(
            case=permit,
            reason="Uittreksel uit het buitenland opgevraagd",
            actor=None,
            basis=SuspensionBasis.FOREIGN,
        )
    with time_machine.travel(dt.datetime(2026, 11, 27, 14, 0, tzinfo=AMSTERDAM), tick=False):
        login(client, town, resident)
        page = client.get(url("mijn_case", town, uuid=permit.uuid)).content.decode()
        assert 'data-testid="upload-asked"' not in page
        assert "Uittreksel uit het buitenland opgevraagd" not in page  # staff's own words
        assert "instantie in het buitenland" in page
        response = client.post(url("mijn_case_upload", town, uuid=permit.uuid), {"file": pdf()})
        assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.suspended_at is not None
    assert permit.documents.count() == 1


def test_messages_both_ways(client: Any, town: Any, resident: Any, permit: Case) -> None:
    case_send_message(case=permit, text="Wij hebben een vraag over uw kenteken.")
    login(client, town, resident)
    page = client.get(url("mijn", town)).content.decode()
    assert "Wij hebben een vraag over uw kenteken." in page
    assert CaseMessage.objects.get(sender="staff").read_at is None
    client.get(url("mijn_case", town, uuid=permit.uuid))
    client.post(url("mijn_case_message", town, uuid=permit.uuid), {"text": "Het klopt zo."})
    assert CaseMessage.objects.filter(
        case=permit, sender="applicant", text="Het klopt zo."
    ).exists()
    assert CaseMessage.objects.get(sender="staff").read_at is not None  # opened the case page
    empty = client.post(url("mijn_case_message", town, uuid=permit.uuid), {"text": " "})
    assert empty.status_code == 400


def test_withdraw_closes_the_request(client: Any, town: Any, resident: Any, permit: Case) -> None:
    login(client, town, resident)
    confirm = client.get(url("mijn_case_withdraw", town, uuid=permit.uuid)).content.decode()
    assert "Dit kunt u niet ongedaan maken" in confirm
    client.post(url("mijn_case_withdraw", town, uuid=permit.uuid), {"reason": "Verhuisd"})
    permit.refresh_from_db()
    assert permit.closed_at is not None
    assert permit.result is not None and permit.result.code == "ingetrokken"
    page = client.get(url("mijn", town)).content.decode()
    assert "Afgeronde zaken" in page


def test_preferences(client: Any, town: Any, resident: Any) -> None:
    login(client, town, resident)
    bad = client.post(
        url("mijn_preferences", town), {"channel": "sms", "language": "en", "phone": "12"}
    )
    assert bad.status_code == 400
    ok = client.post(
        url("mijn_preferences", town), {"channel": "sms", "language": "en", "phone": "06 87654321"}
    )
    assert ok.status_code == 302
    assert ok.cookies["django_language"].value == "en"
    resident.refresh_from_db()
    assert (resident.preferred_channel, resident.language, resident.phone) == (
        "sms",
        "en",
        "+31687654321",
    )


# --- nobody sees anybody else's requests ----------------------------------------------------


def test_another_resident_gets_404_everywhere(
    client: Any, town: Any, resident: Any, neighbour: Any, permit: Case
) -> None:
    case_send_message(case=permit, text="Alleen voor Emma.")
    login(client, town, resident)
    client.post(url("mijn_case_upload", town, uuid=permit.uuid), {"file": pdf("geheim.pdf")})
    document = permit.documents.get()
    client.post(url("logout", town))

    login(client, town, neighbour)
    home = client.get(url("mijn", town)).content.decode()
    assert permit.identification not in home
    assert "Alleen voor Emma" not in home
    for name, kwargs, method in [
        ("mijn_case", {"uuid": permit.uuid}, "get"),
        ("mijn_case_received", {"uuid": permit.uuid}, "get"),
        ("mijn_case_withdraw", {"uuid": permit.uuid}, "get"),
        ("mijn_case_withdraw", {"uuid": permit.uuid}, "post"),
        ("mijn_case_message", {"uuid": permit.uuid}, "post"),
        ("mijn_case_upload", {"uuid": permit.uuid}, "post"),
        ("mijn_case_document", {"uuid": permit.uuid, "document": document.uuid}, "get"),
    ]:
        target = url(name, town, **kwargs)
        response = client.get(target) if method == "get" else client.post(target, {"text": "x"})
        assert response.status_code == 404, name
        assert b"Alleen voor Emma" not in response.content
    permit.refresh_from_db()
    assert permit.closed_at is None
    assert permit.messages.count() == 1


def test_internal_documents_stay_internal(
    client: Any, town: Any, resident: Any, permit: Case
) -> None:
    from loket.cases.services import case_add_document

    internal = case_add_document(case=permit, upload=pdf("notitie.pdf"), actor=None)
    shared = case_add_document(
        case=permit, upload=pdf("besluit.pdf"), actor=None, shared_with_applicant=True
    )
    login(client, town, resident)
    page = client.get(url("mijn_case", town, uuid=permit.uuid)).content.decode()
    assert "besluit.pdf" in page
    assert "notitie.pdf" not in page
    assert (
        client.get(
            url("mijn_case_document", town, uuid=permit.uuid, document=internal.uuid)
        ).status_code
        == 404
    )
    assert (
        client.get(
            url("mijn_case_document", town, uuid=permit.uuid, document=shared.uuid)
        ).status_code
        == 200
    )


def test_same_bsn_in_another_municipality_is_not_mine_there(
    client: Any, town: Any, resident: Any, permit: Case
) -> None:
    from tests.factories import MunicipalityFactory

    other = MunicipalityFactory.create(slug="elders")
    login(client, town, resident)
    assert client.get(url("mijn_case", other, uuid=permit.uuid)).status_code in (302, 404)
