"""The report services: making a report (where, which category, its case and norm), the checks
that refuse and store nothing, nearby duplicates, following, merging, the followers' messages at
each step and "Is het opgelost?" that reopens once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from loket.cases.models import Case
from loket.cases.services import case_set_status
from loket.lib.calendar import local_date
from loket.lib.geo import Point
from loket.notifications.models import OutboxMessage, StaffNotification
from loket.reports.errors import OutsideArea, PhotoRefused, ReportRefused
from loket.reports.models import Follower, Photo, Report
from loket.reports.services import (
    nearby_reports,
    report_answer,
    report_create,
    report_follow,
    report_merge,
    report_unfollow,
    suggest_category,
)
from tests.factories import PersonFactory, StaffFactory
from tests.reports.conftest import DORPSPLEIN, KERKSTRAAT, MARKT, OUTSIDE
from tests.reports.test_photos import jpeg_with_gps

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def en() -> Iterator[None]:
    with translation.override("en"):
        yield


# A Thursday; ten working days later is Thursday 17 December.
THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=AMS)


def north(point: Point, metres: float) -> Point:
    return Point(point.latitude + metres / 111_195.0, point.longitude)


def _make(town: Any, **kwargs: Any) -> Report:
    options: dict[str, Any] = {
        "site": town,
        "point": MARKT,
        "category": "lantaarnpaal",
        "description": "De lamp brandt niet",
        **kwargs,
    }
    return report_create(**options).report


def _steps(case: Case) -> dict[str, Any]:
    return {step.code: step for step in case.case_type.steps.all()}


def _close(report: Report, result: str = "opgelost") -> Case:
    case = Case.objects.get(pk=report.case_id)
    return case_set_status(
        case=case,
        step=_steps(case)["afgehandeld"],
        result=case.case_type.results.get(code=result),
        actor=None,
    )


def test_a_report_is_a_case_with_the_category_team_and_norm(report_town: Any) -> None:
    made = report_create(
        site=report_town,
        point=MARKT,
        category="lantaarnpaal",
        description="De lamp brandt niet",
        email="Melder@Example.org",
        now=THURSDAY,
    )
    report, case = made.report, made.report.case
    assert case.municipality == report_town
    assert case.product.slug == "melding-openbare-ruimte"
    assert case.case_type.code == "melding-openbare-ruimte"
    assert case.status.code == "gemeld" and report.status_code == "gemeld" and report.is_open
    assert case.team is not None and case.team.name == "Beheer Openbare Ruimte"
    assert case.partner is None
    assert case.service_norm == "10wd"
    assert local_date(case.due_at).isoformat() == "2026-12-17"
    assert report.place == "Markt 1, Stad"  # the nearest address in the table
    assert case.subject == "Lantaarnpaal kapot: Markt 1, Stad"
    follower = report.followers.get()
    assert (follower.role, follower.email, follower.person) == (
        "reporter",
        "melder@example.org",
        None,
    )
    message = OutboxMessage.objects.get(event="report_received")
    assert message.recipient == "melder@example.org"
    assert case.identification in message.subject
    assert f"/stad/melding/volgen/{made.token}" in message.body_text


def test_a_waste_category_goes_to_the_partner_with_its_norm(report_town: Any) -> None:
    report = _make(report_town, category="zwerfafval", now=THURSDAY)
    assert report.case.partner is not None and report.case.partner.name == "Afvalbedrijf"
    assert report.case.team is None
    # three working days from Thursday 3 December: Friday, Monday, Tuesday 8 December
    assert local_date(report.case.due_at).isoformat() == "2026-12-08"


def test_in_a_shared_service_the_point_decides_the_municipality(
    report_towns: tuple[Any, Any],
) -> None:
    stad, dorp = report_towns
    report = _make(stad, point=DORPSPLEIN, category="stoeptegel")
    assert report.municipality == dorp
    assert report.case.municipality == dorp
    assert report.category.municipality == dorp
    assert report.case.identification.startswith("ZAAK-")


def test_a_logged_in_resident_of_the_other_town_reports_by_address_only(
    report_towns: tuple[Any, Any],
) -> None:
    stad, _ = report_towns
    resident = PersonFactory.create(municipality=stad)
    report = _make(stad, point=DORPSPLEIN, person=resident)
    assert report.case.initiator_person is None


@pytest.mark.parametrize(
    ("kwargs", "error", "field", "words"),
    [
        ({"point": OUTSIDE}, OutsideArea, "location", "outside our municipality"),
        ({"category": ""}, ReportRefused, "category", "Choose what kind"),
        ({"category": "onbekend"}, ReportRefused, "category", "not known here"),
        ({"description": "   "}, ReportRefused, "description", "Describe the problem"),
        ({"description": "x" * 1001}, ReportRefused, "description", "at most 1000"),
        ({"email": "geen-adres"}, ReportRefused, "email", "valid e-mail"),
        ({"phone": "0201234567"}, ReportRefused, "phone", "mobile number"),
        ({"category": "omgevallen-boom"}, ReportRefused, "attribute[op-de-weg]", "Answer"),
        (
            {"category": "omgevallen-boom", "attributes": {"op-de-weg": "misschien"}},
            ReportRefused,
            "attribute[op-de-weg]",
            "Choose one",
        ),
    ],
)
@pytest.mark.usefixtures("en")
def test_bad_input_is_refused_and_nothing_is_stored(
    report_town: Any, kwargs: dict[str, Any], error: type[Exception], field: str, words: str
) -> None:
    with pytest.raises(error, match=words) as refused:
        _make(report_town, **{"email": "a@example.org", **kwargs})
    assert getattr(refused.value, "field", None) == field
    assert Report.objects.count() == Case.objects.count() == Follower.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


@pytest.mark.usefixtures("en")
def test_a_bad_fourth_or_broken_photo_stores_nothing(report_town: Any) -> None:
    good = [SimpleUploadedFile(f"{n}.jpg", jpeg_with_gps(40, 30)) for n in range(4)]
    with pytest.raises(ReportRefused, match="at most 3 photos"):
        _make(report_town, photos=good)
    with pytest.raises(PhotoRefused):
        _make(report_town, photos=[good[0], SimpleUploadedFile("b.jpg", b"not a jpeg")])
    assert Report.objects.count() == Case.objects.count() == Photo.objects.count() == 0


def test_an_answer_to_an_extra_question_is_kept(report_town: Any) -> None:
    report = _make(report_town, category="omgevallen-boom", attributes={"op-de-weg": "ja"})
    assert report.attributes == {"op-de-weg": "ja"}


def test_the_category_is_suggested_from_the_description(report_town: Any) -> None:
    assert suggest_category(report_town, "De straatverlichting is kapot").code == "lantaarnpaal"  # type: ignore[union-attr]
    assert suggest_category(report_town, "Er ligt een losse stoeptegel").code == "stoeptegel"  # type: ignore[union-attr]
    assert suggest_category(report_town, "Iemand heeft een matras gedumpt").code == "gedumpt-afval"  # type: ignore[union-attr]
    assert suggest_category(report_town, "Mijn buurman is vervelend") is None


def test_nearby_finds_open_reports_of_the_category_within_50_metres_and_30_days(
    report_town: Any,
) -> None:
    near = _make(report_town, point=north(MARKT, 20), now=THURSDAY - timedelta(days=2))
    _make(report_town, point=north(MARKT, 70), now=THURSDAY - timedelta(days=2))  # too far
    _make(report_town, point=north(MARKT, 10), category="zwerfafval", now=THURSDAY)  # other kind
    _make(report_town, point=north(MARKT, 5), now=THURSDAY - timedelta(days=31))  # too old
    closed = _make(report_town, point=north(MARKT, 15), now=THURSDAY - timedelta(days=1))
    _close(closed)
    found = nearby_reports(category=near.category, point=MARKT, now=THURSDAY)
    assert [n.report for n in found] == [near]
    assert found[0].metres == pytest.approx(20, abs=0.1)


def test_following_sends_every_step_and_a_closing_question(report_town: Any) -> None:
    report = _make(report_town, email="melder@example.org")
    follower, _ = report_follow(report=report, email="buur@example.org", language="en")
    assert follower.role == "follower"
    assert OutboxMessage.objects.get(event="report_followed").recipient == "buur@example.org"
    case = case_set_status(case=report.case, step=_steps(report.case)["ingepland"], actor=None)
    updates = OutboxMessage.objects.filter(event="report_update")
    assert sorted(m.recipient for m in updates) == ["buur@example.org", "melder@example.org"]
    english = updates.get(recipient="buur@example.org")
    assert english.subject == f"Report {case.identification}: Scheduled"
    assert "We have scheduled the work." in english.body_text
    _close(report)
    closing = OutboxMessage.objects.filter(event="report_closed")
    assert closing.count() == 2
    body = closing.get(recipient="melder@example.org").body_text
    assert "?opgelost=ja" in body and "?opgelost=nee" in body
    report.refresh_from_db()
    assert not report.is_open and report.status_code == "afgehandeld"


def test_a_stopped_follower_hears_nothing_more(report_town: Any) -> None:
    report = _make(report_town)
    follower, _ = report_follow(report=report, phone="06 12345678")
    report_unfollow(follower=follower)
    case_set_status(case=report.case, step=_steps(report.case)["ingepland"], actor=None)
    assert not OutboxMessage.objects.filter(event="report_update").exists()


@pytest.mark.usefixtures("en")
def test_following_twice_makes_one_follower_and_a_closed_report_cannot_be_followed(
    report_town: Any,
) -> None:
    report = _make(report_town)
    first, _ = report_follow(report=report, email="buur@example.org")
    again, _ = report_follow(report=report, email="BUUR@example.org")
    assert first.pk == again.pk
    with pytest.raises(ReportRefused, match="e-mail address or a mobile number"):
        report_follow(report=report)
    _close(report)
    report.refresh_from_db()
    with pytest.raises(ReportRefused, match="closed"):
        report_follow(report=report, email="laat@example.org")


def test_a_logged_in_reporter_hears_through_the_case_not_twice(report_town: Any) -> None:
    resident = PersonFactory.create(municipality=report_town, email="emma@example.org")
    report = _make(report_town, person=resident)
    assert report.case.initiator_person == resident
    case_set_status(case=report.case, step=_steps(report.case)["ingepland"], actor=None)
    to_emma = OutboxMessage.objects.filter(recipient="emma@example.org")
    assert sorted(to_emma.values_list("event", flat=True)) == ["case_received", "step_changed"]


def test_merging_moves_the_followers_and_closes_the_duplicate(report_town: Any) -> None:
    staff = StaffFactory.create(municipalities=[report_town])
    main = _make(report_town, email="eerste@example.org")
    duplicate = _make(report_town, point=north(MARKT, 10), phone="0612345678")
    report_follow(report=duplicate, email="buur@example.org")
    report_merge(duplicate=duplicate, into=main, actor=staff)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == main
    assert not duplicate.is_open
    assert duplicate.case.result is not None and duplicate.case.result.code == "samengevoegd"
    roles = sorted((f.role, f.email or f.phone) for f in main.followers.filter(stopped_at=None))
    assert roles == [
        ("follower", "buur@example.org"),
        ("merged", "+31612345678"),
        ("reporter", "eerste@example.org"),
    ]
    merged = OutboxMessage.objects.filter(event="report_merged")
    assert sorted(m.recipient for m in merged) == ["+31612345678", "buur@example.org"]
    # No "is it solved?" for the duplicate: it was merged, not solved.
    assert not OutboxMessage.objects.filter(event="report_closed").exists()
    case_set_status(case=main.case, step=_steps(main.case)["ingepland"], actor=None)
    assert OutboxMessage.objects.filter(event="report_update").count() == 3


@pytest.mark.usefixtures("en")
def test_merging_refuses_itself_other_towns_and_closed_reports(
    report_towns: tuple[Any, Any],
) -> None:
    stad, _ = report_towns
    staff = StaffFactory.create(municipalities=list(report_towns))
    one = _make(stad)
    other_town = _make(stad, point=DORPSPLEIN)
    with pytest.raises(ReportRefused, match="itself"):
        report_merge(duplicate=one, into=one, actor=staff)
    with pytest.raises(ReportRefused, match="different municipalities"):
        report_merge(duplicate=one, into=other_town, actor=staff)
    closed = _make(stad, point=KERKSTRAAT)
    _close(closed)
    with pytest.raises(ReportRefused, match="Only open reports"):
        report_merge(duplicate=one, into=closed, actor=staff)
    one.refresh_from_db()
    assert one.merged_into is None and one.is_open


@pytest.mark.usefixtures("en")
def test_not_solved_reopens_once_and_tells_the_team(report_town: Any) -> None:
    team_member = StaffFactory.create(municipalities=[report_town])
    report = _make(report_town, email="melder@example.org")
    assert report.case.team is not None
    team_member.teams.add(report.case.team)
    reporter = report.followers.get(role="reporter")
    _close(report)
    report = report_answer(follower=reporter, solved=False, comment="Nog steeds donker")
    assert report.is_open and report.status_code == "heropend" and report.reopened == 1
    told = StaffNotification.objects.get(user=team_member)
    assert "Nog steeds donker" in told.text
    assert OutboxMessage.objects.filter(event="report_update", recipient="melder@example.org")
    # Closed again; a second "no" does not reopen, but the team hears it.
    _close(report)
    report = report_answer(follower=reporter, solved=False)
    assert not report.is_open and report.reopened == 1
    assert StaffNotification.objects.filter(user=team_member).count() == 2


@pytest.mark.usefixtures("en")
def test_solved_only_records_the_answer_and_an_open_report_cannot_be_answered(
    report_town: Any,
) -> None:
    report = _make(report_town, email="melder@example.org")
    reporter = report.followers.get(role="reporter")
    with pytest.raises(ReportRefused, match="open"):
        report_answer(follower=reporter, solved=True)
    _close(report)
    report = report_answer(follower=reporter, solved=True)
    reporter.refresh_from_db()
    assert reporter.answered == "yes" and not report.is_open and report.reopened == 0
