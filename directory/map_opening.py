"""The directory map's opening clusters, computed on the server and written into the page.

The map opens on the bounds of every point it shows. Without help, its first clusters wait
for the light feed (hundreds of kilobytes to fetch and parse for thousands of actors) and for
the clustering of every point in the browser. With the bounds and the clusters of the zooms
the map can open at written into the page, `directory-map.js` draws them as soon as Leaflet
has started, and the feed, when it arrives, serves the other zooms.

The map's size is known only to the browser, so the page carries the clusters of every zoom
at which a map between `MAP_MIN_SIZE` and `MAP_MAX_SIZE` pixels would open (three to five
zooms), as Leaflet's `fitBounds` picks it. The browser uses the zoom it opened at, or, if that
one is missing (a map outside these sizes), clusters the feed's points itself.

The clustering is the one `clustersAt` does in `directory-map.js`, on the same points in the
same order (Web Mercator, greedy, `CLUSTER_RADIUS` in Supercluster's units of 512 to a tile):
each point not yet taken takes every point not yet taken within the radius, and they make one
cluster at their centre. The constants here and in the script must stay the same."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

CLUSTER_RADIUS = 80
CLUSTER_EXTENT = 512
# Leaflet's tiles are 256 pixels wide: the world is 256 × 2^zoom pixels across.
TILE_SIZE = 256
# `fitBounds` in directory-map.js: 24 pixels of padding on each side, zoom 12 at most.
FIT_PADDING = 48
FIT_MAX_ZOOM = 12
# The actors' map never shows less than France and its neighbours.
ACTORS_MIN_ZOOM = 5
# (width, height) in CSS pixels: from a narrow phone to a wide screen; the map is 28rem high,
# twice that with the text enlarged.
MAP_MIN_SIZE = (240, 240)
MAP_MAX_SIZE = (2560, 1200)
# A zoom whose clusters would weigh down the page is left to the browser.
MAX_GROUPS_PER_ZOOM = 400
# Six decimals: about ten centimetres, more than a marker needs.
DECIMALS = 6


def _project(latitude: float, longitude: float) -> tuple[float, float]:
    """Web Mercator, from 0 to 1 across the world (x eastwards, y southwards)."""
    sine = math.sin(latitude * math.pi / 180)
    return (
        longitude / 360 + 0.5,
        0.5 - 0.25 * math.log((1 + sine) / (1 - sine)) / math.pi,
    )


def _unproject(x: float, y: float) -> tuple[float, float]:
    return (
        360 * math.atan(math.exp((180 - 360 * y) * math.pi / 180)) / math.pi - 90,
        (x - 0.5) * 360,
    )


def opening_zooms(
    xs: Sequence[float], ys: Sequence[float], *, min_zoom: int = ACTORS_MIN_ZOOM
) -> list[int]:
    """The zooms at which `fitBounds` opens a map of the plausible sizes on these points:
    the largest whole zoom at which their bounds fit in the map less its padding, between
    `min_zoom` and FIT_MAX_ZOOM."""
    width = (max(xs) - min(xs)) * TILE_SIZE  # at zoom 0, in pixels
    height = (max(ys) - min(ys)) * TILE_SIZE

    def fitting(size: tuple[int, int]) -> int:
        room_x, room_y = size[0] - FIT_PADDING, size[1] - FIT_PADDING
        scale = min(
            room_x / width if width else math.inf,
            room_y / height if height else math.inf,
        )
        zoom = FIT_MAX_ZOOM if math.isinf(scale) else math.floor(math.log2(scale))
        return max(min_zoom, min(FIT_MAX_ZOOM, zoom))

    return list(range(fitting(MAP_MIN_SIZE), fitting(MAP_MAX_SIZE) + 1))


def clusters_at(xs: Sequence[float], ys: Sequence[float], zoom: int) -> list[list[int]]:
    """The indexes of the points of each cluster at `zoom` (one list per cluster, a lone
    point in a list of its own), in the order `clustersAt` finds them. The points are
    bucketed in cells as wide as the radius, so only the 3 × 3 cells around a point are
    searched."""
    scale = CLUSTER_EXTENT * 2**zoom
    radius = CLUSTER_RADIUS
    limit = radius * radius
    px = [x * scale for x in xs]
    py = [y * scale for y in ys]
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(px, py, strict=True)):
        cells.setdefault((math.floor(x / radius), math.floor(y / radius)), []).append(i)
    taken = bytearray(len(px))
    groups = []
    for i, (x, y) in enumerate(zip(px, py, strict=True)):
        if taken[i]:
            continue
        taken[i] = 1
        members = [i]
        column, row = math.floor(x / radius), math.floor(y / radius)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in cells.get((column + dx, row + dy), ()):
                    if not taken[j]:
                        ex, ey = px[j] - x, py[j] - y
                        if ex * ex + ey * ey <= limit:
                            taken[j] = 1
                            members.append(j)
        groups.append(members)
    return groups


def map_opening(feed: dict[str, Any], *, min_zoom: int = ACTORS_MIN_ZOOM) -> dict[str, Any] | None:
    """What the page tells the map of the light feed `feed` (`selectors.actors_map_feed`,
    parsed), or None when it has no point:

        {"count": 3, "bounds": [south, west, north, east],
         "zooms": {"7": [[lat, lng, count, south, west, north, east],   # a cluster
                         [lat, lng, 1, id, name]]}}                      # a lone actor

    A zoom with more than MAX_GROUPS_PER_ZOOM groups is left out."""
    latitudes, longitudes = feed["lat"], feed["lng"]
    if not latitudes:
        return None
    projected = [_project(lat, lng) for lat, lng in zip(latitudes, longitudes, strict=True)]
    xs = [x for x, _y in projected]
    ys = [y for _x, y in projected]
    zooms: dict[str, list[list[Any]]] = {}
    for zoom in opening_zooms(xs, ys, min_zoom=min_zoom):
        groups = clusters_at(xs, ys, zoom)
        if len(groups) > MAX_GROUPS_PER_ZOOM:
            break  # the next zooms have more still
        drawn = []
        for members in groups:
            if len(members) == 1:
                i = members[0]
                drawn.append([latitudes[i], longitudes[i], 1, feed["id"][i], feed["name"][i]])
                continue
            latitude, longitude = _unproject(
                sum(xs[i] for i in members) / len(members),
                sum(ys[i] for i in members) / len(members),
            )
            member_latitudes = [latitudes[i] for i in members]
            member_longitudes = [longitudes[i] for i in members]
            drawn.append(
                [
                    round(latitude, DECIMALS),
                    round(longitude, DECIMALS),
                    len(members),
                    min(member_latitudes),
                    min(member_longitudes),
                    max(member_latitudes),
                    max(member_longitudes),
                ]
            )
        zooms[str(zoom)] = drawn
    return {
        "count": len(latitudes),
        "bounds": [min(latitudes), min(longitudes), max(latitudes), max(longitudes)],
        "zooms": zooms,
    }
