"""Where regions are: centroids (laravel-nusa, 2023 codes mapped to 2025) and neighbours by
distance between centroids (no shared-border data is bundled)."""
from __future__ import annotations

import math
from functools import lru_cache

from indexer.reference import REGIONS_DIR, read_csv
from indexer.regions import gazetteer

NEARBY_KM = 150
NEARBY_MAX = 8


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """Dotted 2025 code -> (latitude, longitude), provinces and regencies."""
    moved = gazetteer().moved_codes
    table = {}
    for row in read_csv(REGIONS_DIR / "provinces_centroids.csv"):
        table[row["code"]] = (float(row["latitude"]), float(row["longitude"]))
    for row in read_csv(REGIONS_DIR / "regencies_centroids.csv"):
        code = f"{row['code'][:2]}.{row['code'][2:]}"
        table[moved.get(code, code)] = (float(row["latitude"]), float(row["longitude"]))
    return table


def distance_km(a: str, b: str) -> float | None:
    """Great-circle distance between two regions' centroids, or None when one is unknown."""
    table = centroids()
    if a not in table or b not in table:
        return None
    (lat1, lon1), (lat2, lon2) = table[a], table[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


@lru_cache(maxsize=2048)
def neighbours(code: str, radius_km: float = NEARBY_KM, limit: int = NEARBY_MAX) -> tuple[str, ...]:
    """Regions of the same level whose centroid lies within `radius_km`, nearest first
    (at least the three nearest, so islands far from everything still have peers)."""
    level_is_regency = "." in code
    ranked = []
    for other in centroids():
        if other == code or ("." in other) != level_is_regency:
            continue
        distance = distance_km(code, other)
        if distance is not None:
            ranked.append((distance, other))
    ranked.sort()
    close = [c for d, c in ranked if d <= radius_km]
    if len(close) < 3:
        close = [c for _, c in ranked[:3]]
    return tuple(close[:limit])
