"""Simplify the 38 province boundaries once, into the SVG paths the map pages draw.

Reads ../shared/data/maps/provinsi_38_boundaries.geojson (cahyadsn/wilayah_boundaries, MIT;
2.4 MB, 19k rings) and writes data/maps/provinces.json: the projection (equirectangular,
longitude scaled by the cosine of the mean latitude), a viewBox, and per province code one
SVG path, simplified by Douglas-Peucker with rings smaller than a few pixels dropped (each
province keeps at least its largest ring, so small island provinces stay on the map).
Run again only if the boundaries change:  python scripts/simplify_map.py
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "maps" / "provinsi_38_boundaries.geojson"
TARGET = ROOT / "data" / "maps" / "provinces.json"
WIDTH = 1000.0                  # SVG units across the country
TOLERANCE = 0.5                 # simplification, in SVG units
MIN_AREA = 1.0                  # rings smaller than this (square SVG units) are dropped


def simplify(points, tolerance):
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1e-12
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring, tolerance):
    """A closed ring: cut at the point farthest from its start, simplify both halves."""
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    if far in (0, len(ring) - 1):
        return ring
    return simplify(ring[:far + 1], tolerance)[:-1] + simplify(ring[far:], tolerance)


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def polygons(geometry):
    """A Polygon as a one-polygon MultiPolygon (Papua Pegunungan is one)."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def main() -> int:
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    lons = [c[0] for f in source["features"] for poly in polygons(f["geometry"]) for ring in poly for c in ring]
    lats = [c[1] for f in source["features"] for poly in polygons(f["geometry"]) for ring in poly for c in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    aspect = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * aspect)
    projection = {"west": west, "north": north, "scale": scale, "aspect": aspect}

    def project(lon, lat):
        return ((lon - west) * aspect * scale, (north - lat) * scale)

    paths = {}
    for feature in source["features"]:
        rings = []
        for polygon in polygons(feature["geometry"]):
            outer = [project(*c) for c in polygon[0]]
            rings.append(simplify_ring(outer, TOLERANCE))
        rings.sort(key=area, reverse=True)
        kept = [r for i, r in enumerate(rings) if (i == 0 or area(r) >= MIN_AREA) and len(r) >= 3]
        paths[feature["properties"]["kode"]] = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in kept)
    height = (north - south) * scale
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps({"source": "cahyadsn/wilayah_boundaries (MIT), simplified by scripts/simplify_map.py",
                                  "viewBox": [0, 0, round(WIDTH, 1), round(height, 1)], "projection": projection,
                                  "provinces": paths}, separators=(",", ":")), encoding="utf-8")
    print(f"{TARGET}: {len(paths)} provinces, {TARGET.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
