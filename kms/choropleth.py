"""The map drawn on the server: the 38 province shapes (data/maps/provinces.json, made once by
scripts/simplify_map.py) coloured by classes of a figure, and regencies as dots at their
centroids, sized by their count. Classes are quantiles of the non-zero values (at most five;
zero is a class of its own), coloured light to dark so they differ in lightness, not only hue."""
from __future__ import annotations

import json
import math
from functools import cache

from kms.config import ROOT
from kms.geo import centroids

MAP_FILE = ROOT / "data" / "maps" / "provinces.json"
ZERO_FILL = "#f2f2f2"
PALETTE = ("#c6dbef", "#89bfdd", "#4a98c9", "#1f6eb0", "#08306b")     # light to dark blue
INK_ON = {"#1f6eb0": "#fff", "#08306b": "#fff"}


@cache
def shapes() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def classes(values: list[float], most: int = len(PALETTE)) -> list[float]:
    """Upper bounds of the quantile classes of the non-zero values (ascending, distinct)."""
    present = sorted(v for v in values if v)
    if not present:
        return []
    count = min(most, len(set(present)))
    bounds = []
    for k in range(1, count + 1):
        bound = present[min(len(present) - 1, math.ceil(k * len(present) / count) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_of(value, bounds: list[float]) -> int:
    """0 for no value or zero; else 1.. the class whose upper bound holds it."""
    if not value:
        return 0
    return next((i + 1 for i, bound in enumerate(bounds) if value <= bound), len(bounds))


def fill_of(index: int, count: int) -> str:
    if index == 0:
        return ZERO_FILL
    palette = PALETTE[len(PALETTE) - count:] if count < len(PALETTE) else PALETTE
    return palette[index - 1]


def legend(bounds: list[float], unit: str = "") -> list[dict]:
    entries = [{"label": "0 / tidak ada", "fill": ZERO_FILL, "class": 0}]
    low = None
    for index, bound in enumerate(bounds, 1):
        text = f"{_number(bound)}" if low is None else f"> {_number(low)} – {_number(bound)}"
        if low is None:
            text = f"sampai {_number(bound)}"
        entries.append({"label": text + unit, "fill": fill_of(index, len(bounds)), "class": index})
        low = bound
    return entries


def _number(value: float) -> str:
    """Indonesian notation: 1.234,56."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def province_map(rows: list[dict], figure: str) -> dict:
    """{viewBox, shapes: [{code, name, path, value, class, fill}], legend, bounds} for the rows of
    kms.stats.region_rows(by="province") and one of their figures."""
    values = {row["code"]: row.get(figure) for row in rows if row["level"] == "province"}
    bounds = classes([v for v in values.values() if v is not None])
    names = {row["code"]: row["name"] for row in rows}
    where = centroids()
    width = shapes()["viewBox"][2]
    drawn = []
    for code, path in sorted(shapes()["provinces"].items()):
        value = values.get(code)
        index = class_of(value, bounds)
        fill = fill_of(index, len(bounds))
        x, y = project(*where[code]) if code in where else _first_point(path)
        drawn.append({"code": code, "name": names.get(code, code), "path": path, "value": value,
                      "class": index, "fill": fill, "ink": INK_ON.get(fill, "#1b1f23"),
                      "label_x": round(min(max(x, 60.0), width - 60.0), 1), "label_y": round(max(y - 8, 14.0), 1)})
    return {"viewBox": " ".join(str(v) for v in shapes()["viewBox"]), "shapes": drawn,
            "legend": legend(bounds), "bounds": bounds}


def _first_point(path: str) -> tuple[float, float]:
    x, y = path[1:].split("L", 1)[0].split(",")
    return float(x), float(y)


def project(latitude: float, longitude: float) -> tuple[float, float]:
    p = shapes()["projection"]
    return ((longitude - p["west"]) * p["aspect"] * p["scale"], (p["north"] - latitude) * p["scale"])


def regency_dots(rows: list[dict], figure: str = "innovations", biggest: float = 14.0) -> list[dict]:
    """Regencies with a value as dots at their centroids, area proportional to the value."""
    where = centroids()
    present = [row for row in rows if row["level"] == "regency" and row.get(figure) and row["code"] in where]
    top = max((row[figure] for row in present), default=0)
    dots = []
    for row in sorted(present, key=lambda r: -r[figure]):       # big ones first, small drawn on top
        x, y = project(*where[row["code"]])
        dots.append({"code": row["code"], "name": row["name"], "value": row[figure], "x": round(x, 1),
                     "y": round(y, 1), "r": round(max(2.0, biggest * math.sqrt(row[figure] / top)), 1)})
    return dots
