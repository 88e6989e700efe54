from __future__ import annotations

from loket.reports.services import municipality_at, served_municipalities
from tests.reports.conftest import DORPSPLEIN, MARKT


def test_the_fixture_places_points_in_the_right_municipality(report_towns) -> None:  # type: ignore[no-untyped-def]
    stad, dorp = report_towns
    towns = served_municipalities(stad)
    assert municipality_at(MARKT, towns) == stad
    assert municipality_at(DORPSPLEIN, towns) == dorp
