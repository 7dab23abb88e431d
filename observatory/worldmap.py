"""A world map of countries shaded by a count, drawn on the server as SVG.

The country shapes are world-atlas's `countries-110m.json` (TopoJSON of Natural Earth's
1:110m countries, vendored from the npm registry in `static/observatory/vendor/world-atlas/`),
decoded once per process and projected with the Equal Earth projection. The SVG needs no
script and no style sheet beyond the page's: it shows without JavaScript and under the
site's content policy, and its table beside it holds the same numbers.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape, format_html_join
from django_countries import countries

ATLAS = (
    Path(__file__).resolve().parent
    / "static"
    / "observatory"
    / "vendor"
    / "world-atlas"
    / "countries-110m.json"
)
WIDTH = 960
ANTARCTICA = "010"
# Sequential shades from light to the site's dark teal (contrast with white borders).
SHADES = ("#d7ece8", "#a6d3cb", "#6fb3a8", "#2f8a80", "#0b5563")
EMPTY = "#eef1f3"

# Equal Earth projection (Šavrič, Patterson, Jenny 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2 * math.sqrt(3) * math.pi / (3 * A1)
THETA_MAX = math.asin(M)
Y_MAX = A4 * THETA_MAX**9 + A3 * THETA_MAX**7 + A2 * THETA_MAX**3 + A1 * THETA_MAX
SCALE = WIDTH / (2 * X_MAX)


def project(longitude: float, latitude: float) -> tuple[float, float]:
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return (x + X_MAX) * SCALE, (Y_MAX - y) * SCALE


# Without Antarctica nothing lies south of 56° S (Tierra del Fuego).
HEIGHT = round(project(0, -57)[1])


@dataclass(frozen=True)
class Shape:
    code: str  # ISO 3166-1 alpha-2, empty when the shape has none (disputed areas)
    name: str
    path: str  # SVG path data, escaped


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their end point.
        points.extend(arc[1:] if points else arc)
    return points


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian made continuous (no jump of 360° between two
    points), moved to the side where most of it lies, and cut at the map's edge: otherwise
    its jumps draw lines across the whole map (Russia, Fiji)."""
    unwrapped: list[tuple[float, float]] = []
    offset = 0.0
    for index, (longitude, latitude) in enumerate(ring):
        if index:
            step = longitude + offset - unwrapped[-1][0]
            if step > 180:
                offset -= 360
            elif step < -180:
                offset += 360
        unwrapped.append((longitude + offset, latitude))
    if offset == 0.0 and all(-180 <= longitude <= 180 for longitude, _ in unwrapped):
        return ring
    middle = sum(longitude for longitude, _ in unwrapped) / len(unwrapped)
    shift = -360 if middle > 180 else 360 if middle < -180 else 0
    return [(max(-180.0, min(180.0, lon + shift)), lat) for lon, lat in unwrapped]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        previous = None
        commands = []
        for longitude, latitude in _unwrap(ring):
            x, y = project(longitude, latitude)
            # Whole units of a 960-wide drawing: finer than the 1:110m shapes.
            point = (round(x), round(y))
            if point == previous:
                continue
            commands.append(f"{point[0]} {point[1]}")
            previous = point
        if len(commands) > 2:  # a ring smaller than a unit is left out
            parts.append("M" + "L".join(commands) + "Z")
    return "".join(parts)


@functools.cache
def shapes() -> tuple[Shape, ...]:
    """Every country's shape, Antarctica left out (it would take a fifth of the map)."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric == ANTARCTICA or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        code = countries.alpha2(int(numeric)) if numeric and numeric.isdigit() else ""
        name = str(countries.name(code)) if code else geometry["properties"].get("name", "")
        # Escaped once here, not on each map drawn (the paths hold only digits and letters).
        result.append(Shape(code=code or "", name=name, path=escape(_path(rings))))
    return tuple(result)


@dataclass(frozen=True)
class LegendStep:
    fill: str
    label: str


def _thresholds(maximum: int) -> list[int]:
    """Upper bounds of the shades' classes, in equal steps of the largest count (at
    least 1 apart)."""
    step = max(1, math.ceil(maximum / len(SHADES)))
    return [step * (index + 1) for index in range(len(SHADES))]


def shaded_map(values: dict[str, int | str]) -> dict:
    """The countries' shapes with their fill for `values` ({alpha-2 code: published count})
    as SVG paths, the legend, and the SVG's size. A hidden small count ("< 3") takes the
    lightest shade. The paths are joined here rather than in the template, where the 180
    shapes of a map cost about a thousand variable lookups."""
    numbers = [value for value in values.values() if isinstance(value, int)]
    bounds = _thresholds(max(numbers, default=0) or 1)
    shaded = []
    for shape in shapes():
        value = values.get(shape.code)
        if value in (None, 0):
            fill, text = EMPTY, ""
        elif isinstance(value, str):
            fill, text = SHADES[0], value
        else:
            position = next(index for index, bound in enumerate(bounds) if value <= bound)
            fill, text = SHADES[position], str(value)
        shaded.append((shape.path, fill, shape.name, f" : {text}" if text else ""))
    legend = []
    low = 1
    for fill, bound in zip(SHADES, bounds, strict=True):
        legend.append(LegendStep(fill, f"{low} – {bound}" if bound > low else str(low)))
        low = bound + 1
    return {
        "paths": format_html_join("", '<path d="{}" fill="{}"><title>{}{}</title></path>', shaded),
        "legend": legend,
        "empty_fill": EMPTY,
        "width": WIDTH,
        "height": HEIGHT,
    }
