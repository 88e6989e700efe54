"""Points on the map: distances, boxes and the Dutch national grid.

Reports (issue 15) are stored in WGS84 (latitude, longitude), the coordinates a phone and
Leaflet give. Nearby reports are found without PostGIS: an indexed bounding box first
(``box_around``), then the exact great-circle distance (``distance_m``) on the few rows left.
Staff read the Rijksdriehoek (RD New, EPSG:28992) coordinates, converted by PROJ through pyproj
(a transformation no one should write by hand).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

EARTH_RADIUS_M = 6_371_008.8  # the IUGG mean radius


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("coordinates out of range")
        if math.isnan(self.latitude) or math.isnan(self.longitude):
            raise ValueError("coordinates are not numbers")


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    def contains(self, point: Point) -> bool:
        return (
            self.south <= point.latitude <= self.north and self.west <= point.longitude <= self.east
        )


def distance_m(a: Point, b: Point) -> float:
    """The great-circle (haversine) distance in metres; within a municipality the error against
    the ellipsoid is a few centimetres per hundred metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def box_around(point: Point, radius_m: float) -> Box:
    """The smallest latitude/longitude box that holds every point within ``radius_m``: the
    index narrows to it, ``distance_m`` decides."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(
        radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(point.latitude)), 1e-9))
    )
    return Box(
        south=point.latitude - dlat,
        west=point.longitude - dlon,
        north=point.latitude + dlat,
        east=point.longitude + dlon,
    )


def rounded(point: Point, metres: float = 50.0) -> Point:
    """The point moved to a grid of about ``metres``, for a public map that must not show
    exactly where someone stood (a house, a front door)."""
    step_lat = math.degrees(metres / EARTH_RADIUS_M)
    step_lon = math.degrees(metres / (EARTH_RADIUS_M * math.cos(math.radians(point.latitude))))
    return Point(
        latitude=round(round(point.latitude / step_lat) * step_lat, 6),
        longitude=round(round(point.longitude / step_lon) * step_lon, 6),
    )


@cache
def _to_rd() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def to_rd(point: Point) -> tuple[float, float]:
    """``(x, y)`` in Rijksdriehoek coordinates (EPSG:28992), in metres."""
    x, y = _to_rd().transform(point.longitude, point.latitude)
    return round(x, 1), round(y, 1)


class Area:
    """A municipality's boundary: a GeoJSON Polygon or MultiPolygon in WGS84, with its box.
    Containment by shapely (GEOS), prepared once per boundary."""

    def __init__(self, geojson: dict[str, Any]) -> None:
        from shapely import prepare
        from shapely.geometry import shape

        self.shape = shape(geojson)
        if self.shape.geom_type not in ("Polygon", "MultiPolygon") or not self.shape.is_valid:
            raise ValueError("a boundary is a valid Polygon or MultiPolygon")
        prepare(self.shape)
        west, south, east, north = self.shape.bounds
        self.box = Box(south=south, west=west, north=north, east=east)

    def contains(self, point: Point) -> bool:
        from shapely.geometry import Point as ShapelyPoint

        return self.box.contains(point) and bool(
            self.shape.covers(ShapelyPoint(point.longitude, point.latitude))
        )
