"""Distances, boxes, rounding and the national grid, against figures worked out by hand or
published."""

from __future__ import annotations

import math

import pytest

from loket.lib.geo import Area, Point, box_around, distance_m, rounded, to_rd


def test_distance_of_one_thousandth_degree_of_latitude() -> None:
    # 0.001° of latitude on a sphere of radius 6,371,008.8 m: 6371008.8 * pi / 180000 = 111.195 m
    assert distance_m(Point(52.0, 5.0), Point(52.001, 5.0)) == pytest.approx(111.195, abs=0.01)


def test_distance_along_a_parallel_shrinks_with_the_cosine() -> None:
    # 0.001° of longitude at 52°: 111.195 m * cos(52°) = 68.458 m
    expected = 111.195 * math.cos(math.radians(52))
    assert distance_m(Point(52.0, 5.0), Point(52.0, 5.001)) == pytest.approx(expected, abs=0.01)


def test_the_box_holds_every_point_at_the_radius_and_little_more() -> None:
    centre = Point(52.03, 5.05)
    box = box_around(centre, 50)
    for bearing in range(0, 360, 15):
        # a point 49.9 m away in each direction lies inside the box
        d = 49.9 / 6_371_008.8
        lat = math.degrees(d * math.cos(math.radians(bearing))) + centre.latitude
        lon = (
            math.degrees(d * math.sin(math.radians(bearing)) / math.cos(math.radians(52.03)))
            + centre.longitude
        )
        assert box.contains(Point(lat, lon))
    assert not box.contains(Point(52.03 + 0.001, 5.05))  # 111 m north


def test_rounding_moves_a_point_at_most_half_the_grid_diagonal() -> None:
    point = Point(52.031234, 5.051234)
    moved = rounded(point, 50)
    assert moved != point
    assert distance_m(point, moved) <= 50 * math.sqrt(2) / 2 + 0.5
    assert rounded(Point(52.031240, 5.051230), 50) == moved  # a neighbour lands on the same spot


def test_rd_new_of_the_amersfoort_reference_point() -> None:
    # The origin of the Rijksdriehoek grid, Onze Lieve Vrouwetoren in Amersfoort:
    # x = 155000, y = 463000 (RDNAPTRANS); WGS84 52.15517440, 5.38720621 (to about a metre,
    # PROJ without the grid files uses the 7-parameter Helmert transformation).
    x, y = to_rd(Point(52.15517440, 5.38720621))
    assert x == pytest.approx(155000, abs=2)
    assert y == pytest.approx(463000, abs=2)


def test_an_area_holds_its_inside_and_its_edge_not_the_outside() -> None:
    area = Area(
        {
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.06], [5.0, 52.06], [5.0, 52.0]]],
        }
    )
    assert area.contains(Point(52.03, 5.05))
    assert area.contains(Point(52.0, 5.05))  # on the boundary line: covered
    assert not area.contains(Point(52.07, 5.05))


def test_an_invalid_area_is_refused() -> None:
    with pytest.raises(ValueError, match="valid Polygon"):
        Area({"type": "Point", "coordinates": [5.0, 52.0]})


def test_out_of_range_coordinates_are_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        Point(95.0, 5.0)
    with pytest.raises(ValueError, match="out of range"):
        Point(52.0, float("nan"))
