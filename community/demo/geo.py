"""Country outlines for demo data: decode the Natural Earth TopoJSON and test points in it.

Pure Python on purpose (no GIS dependency): the file is the one the map draws
(config/static/data/world/countries-50m.json, world-atlas 2.0.2), its geometries carry the
ISO 3166-1 numeric code as `id`, and its arcs are quantized and delta-encoded.
"""

from __future__ import annotations

import functools
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_countries import countries

WORLD_PATH = Path(settings.BASE_DIR) / "config" / "static" / "data" / "world" / "countries-50m.json"

Point = tuple[float, float]  # (longitude, latitude)


@dataclass(frozen=True)
class Ring:
    points: tuple[Point, ...]
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def of(cls, points: list[Point]) -> Ring:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        return cls(tuple(points), min(xs), min(ys), max(xs), max(ys))

    def crossings(self, x: float, y: float) -> bool:
        """True when a ray from (x, y) towards +x crosses this ring an odd number of times."""
        if y < self.min_y or y > self.max_y or x > self.max_x:
            return False
        inside = False
        pts = self.points
        xj, yj = pts[-1]
        for xi, yi in pts:
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            xj, yj = xi, yi
        return inside


@dataclass(frozen=True)
class Polygon:
    """An exterior ring followed by its holes (GeoJSON order)."""

    rings: tuple[Ring, ...]

    def contains(self, x: float, y: float) -> bool:
        outer = self.rings[0]
        if not (outer.min_x <= x <= outer.max_x and outer.min_y <= y <= outer.max_y):
            return False
        # Even-odd over all rings: a point in a hole crosses the hole's ring once more.
        inside = False
        for ring in self.rings:
            if ring.crossings(x, y):
                inside = not inside
        return inside


@dataclass(frozen=True)
class CountryShape:
    polygons: tuple[Polygon, ...]

    def contains(self, lon: float, lat: float) -> bool:
        return any(polygon.contains(lon, lat) for polygon in self.polygons)

    def largest_polygon(self) -> Polygon:
        def area(p: Polygon) -> float:
            r = p.rings[0]
            return (r.max_x - r.min_x) * (r.max_y - r.min_y)

        return max(self.polygons, key=area)


class WorldOutlines:
    """Country shapes by ISO 3166-1 numeric code, decoded once from a TopoJSON topology."""

    def __init__(self, topology: dict) -> None:
        transform = topology.get("transform")
        self._arcs = [self._decode_arc(arc, transform) for arc in topology["arcs"]]
        self._shapes: dict[str, CountryShape] = {}
        polygons_by_id: dict[str, list[Polygon]] = {}
        for geometry in topology["objects"]["countries"]["geometries"]:
            code = geometry.get("id")
            if not code:
                continue  # Kosovo, N. Cyprus, …: no ISO code in this file
            if geometry["type"] == "Polygon":
                parts = [geometry["arcs"]]
            elif geometry["type"] == "MultiPolygon":
                parts = geometry["arcs"]
            else:
                continue
            for polygon_arcs in parts:
                rings = tuple(Ring.of(self._ring(indexes)) for indexes in polygon_arcs)
                # Several geometries may share a code (Australia and its islands).
                polygons_by_id.setdefault(code, []).append(Polygon(rings))
        self._shapes = {code: CountryShape(tuple(p)) for code, p in polygons_by_id.items()}
        self._boxes: list[tuple[float, float, float, float, CountryShape]] | None = None

    @staticmethod
    def _decode_arc(arc: list[list[float]], transform: dict | None) -> list[Point]:
        if not transform:
            return [(float(p[0]), float(p[1])) for p in arc]
        sx, sy = transform["scale"]
        tx, ty = transform["translate"]
        x: float = 0
        y: float = 0
        points: list[Point] = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        return points

    def _ring(self, indexes: list[int]) -> list[Point]:
        points: list[Point] = []
        for index in indexes:
            # A negative index ~i means arc i walked backwards.
            arc = self._arcs[index] if index >= 0 else self._arcs[~index][::-1]
            # Consecutive arcs share their joining point.
            points.extend(arc[1:] if points else arc)
        return points

    def shape(self, numeric: str) -> CountryShape | None:
        return self._shapes.get(numeric)

    def shapes_near(
        self, min_x: float, min_y: float, max_x: float, max_y: float
    ) -> list[CountryShape]:
        """The shapes whose bounding box meets this box."""
        if self._boxes is None:
            self._boxes = [
                (min(p.rings[0].min_x for p in shape.polygons),
                 min(p.rings[0].min_y for p in shape.polygons),
                 max(p.rings[0].max_x for p in shape.polygons),
                 max(p.rings[0].max_y for p in shape.polygons), shape)
                for shape in self._shapes.values()
            ]  # fmt: skip
        return [
            shape
            for x0, y0, x1, y1, shape in self._boxes
            if x0 <= max_x and min_x <= x1 and y0 <= max_y and min_y <= y1
        ]


@functools.cache
def world() -> WorldOutlines:
    with WORLD_PATH.open(encoding="utf-8") as fh:
        return WorldOutlines(json.load(fh))


def numeric_code(alpha2: str) -> str:
    """ISO 3166-1 numeric code as the zero-padded string the TopoJSON uses ('250' for FR)."""
    return str(countries.numeric(alpha2, padded=True) or "")


def country_shape(alpha2: str) -> CountryShape | None:
    return world().shape(numeric_code(alpha2))


def country_contains(alpha2: str, lat: float, lon: float) -> bool:
    """Whether (lat, lon) lies inside the Natural Earth 1:50m outline of the country."""
    shape = country_shape(alpha2)
    return shape is not None and shape.contains(lon, lat)


KM_PER_DEGREE = 111.32


@functools.cache
def near_sea(lat: float, lon: float, km: float = 100.0) -> bool:
    """Whether open sea lies within `km` of the point: one of 8 points on a circle around it
    is in no country (lakes count as land). 100 km keeps Hamburg, Nantes and Bordeaux, ports
    up their estuaries, by the sea, and Budapest, Orléans or Milan away from it."""
    d_lat = km / KM_PER_DEGREE
    d_lon = km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.2))
    near = world().shapes_near(lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat)
    for k in range(8):
        angle = 2 * math.pi * k / 8
        x, y = lon + d_lon * math.cos(angle), lat + d_lat * math.sin(angle)
        if not any(shape.contains(x, y) for shape in near):
            return True
    return False


EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def place_near(
    rng: random.Random,
    alpha2: str,
    lat: float,
    lon: float,
    *,
    spread_km: float = 15.0,
    attempts: int = 16,
) -> tuple[float, float]:
    """A point scattered around (lat, lon) that lies inside the country's outline.

    Tries Gaussian jitter with a shrinking radius, then the point itself, then the nearest
    inside point on a spiral around it, and last a point of the country's largest polygon.
    Always consumes the same random numbers for the same inputs, so results are repeatable.
    """
    shape = country_shape(alpha2)
    if shape is None:
        return round(lat, 5), round(lon, 5)
    sigma = spread_km
    for _ in range(attempts):
        dlat = rng.gauss(0, sigma) / KM_PER_DEGREE
        dlon = rng.gauss(0, sigma) / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.2))
        cand_lat, cand_lon = round(lat + dlat, 5), round(lon + dlon, 5)
        if shape.contains(cand_lon, cand_lat):
            return cand_lat, cand_lon
        sigma *= 0.75
    if shape.contains(lon, lat):
        return round(lat, 5), round(lon, 5)
    for step in range(1, 60):
        radius = step * 0.02
        for k in range(16):
            angle = 2 * math.pi * k / 16
            cand_lat = round(lat + radius * math.sin(angle), 5)
            cand_lon = round(lon + radius * math.cos(angle), 5)
            if shape.contains(cand_lon, cand_lat):
                return cand_lat, cand_lon
    return _point_in(shape.largest_polygon())


def _point_in(polygon: Polygon) -> tuple[float, float]:
    """A deterministic interior point: the middle of the widest inside span of a mid line."""
    outer = polygon.rings[0]
    for fraction in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        y = outer.min_y + (outer.max_y - outer.min_y) * fraction
        xs: list[float] = []
        for ring in polygon.rings:
            pts = ring.points
            xj, yj = pts[-1]
            for xi, yi in pts:
                if (yi > y) != (yj > y):
                    xs.append((xj - xi) * (y - yi) / (yj - yi) + xi)
                xj, yj = xi, yi
        xs.sort()
        spans = [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
        if spans:
            a, b = max(spans, key=lambda s: s[1] - s[0])
            return round(y, 5), round((a + b) / 2, 5)
    return round((outer.min_y + outer.max_y) / 2, 5), round((outer.min_x + outer.max_x) / 2, 5)
