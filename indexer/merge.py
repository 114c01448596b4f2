"""Merging the sources of one innovation into its canonical fields, with the conflicts seen.

Pure: takes the normalized fields of each active source (oldest first) and answers the
canonical fields and a list of conflicts (field, values, hubs).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from indexer.textnorm import key
from kms.schema import CONTENT_FIELDS, LIST_FIELDS, SECTIONS

REGION_FIELDS = ("province_code", "province_name", "regency_code", "regency_name")
LONGEST_FIELDS = ("title", *SECTIONS, "innovator", "contact", "unit", "category")
NO_CONFLICT = ("province_name", "regency_name", "photos", "updated_at", "ingested_at")


@dataclass(frozen=True)
class SourceFields:
    hub: str
    source_id: str
    fields: dict


@dataclass(frozen=True)
class Conflict:
    field: str
    values: tuple[tuple[str, str], ...]    # (hub:source_id, value)


def _present(value) -> bool:
    return value not in (None, "", [], "unknown")


def _same_text(a: str, b: str) -> bool:
    ka, kb = key(a), key(b)
    return ka in kb or kb in ka


def merge_fields(sources: list[SourceFields]) -> tuple[dict, list[Conflict]]:
    """Canonical fields: the most complete value per field; conflicts where sources disagree."""
    merged: dict = {}
    conflicts: list[Conflict] = []
    for name in CONTENT_FIELDS:
        if name in REGION_FIELDS:
            continue
        present = [(s, s.fields.get(name)) for s in sources if _present(s.fields.get(name))]
        if not present:
            merged[name] = sources[0].fields.get(name) if sources else None
            continue
        if name in LONGEST_FIELDS:
            merged[name] = max((v for _, v in present), key=lambda v: len(str(v)))
        elif name in LIST_FIELDS:
            merged[name] = max((v for _, v in present), key=len)
        else:
            counts = Counter(str(v) for _, v in present)
            top = counts.most_common(1)[0][0]
            merged[name] = next(v for _, v in present if str(v) == top)
        if name not in NO_CONFLICT:
            conflict = _conflict(name, present)
            if conflict:
                conflicts.append(conflict)
    with_regency = [s for s in sources if s.fields.get("regency_code")]
    with_province = [s for s in sources if s.fields.get("province_code")]
    region_source = (with_regency or with_province or sources[:1] or [None])[0]
    for name in REGION_FIELDS:
        merged[name] = region_source.fields.get(name) if region_source else None
    codes = [(s, s.fields.get("regency_code") or s.fields.get("province_code")) for s in sources]
    distinct_regions = {c for _, c in codes if c}
    if len(distinct_regions) > 1 and not all(
            c == merged["province_code"] or c == merged["regency_code"] for c in distinct_regions):
        conflicts.append(Conflict("region", tuple((f"{s.hub}:{s.source_id}", c) for s, c in codes if c)))
    return merged, conflicts


def _same_value(a: str, b: str) -> bool:
    """Values that differ in letter case, spacing or a full stop only are one value ("PT" and
    "Pt", "Kota  Makassar" and "Kota Makassar"): not a conflict anybody needs to settle."""
    return " ".join(a.casefold().replace(".", " ").split()) == " ".join(b.casefold().replace(".", " ").split())


def _conflict(name: str, present: list) -> Conflict | None:
    values = [(f"{s.hub}:{s.source_id}", v) for s, v in present]
    distinct = []
    for _, value in values:
        text = str(value)
        if name in LONGEST_FIELDS or name in SECTIONS:
            if not any(_same_text(text, seen) for seen in distinct):
                distinct.append(text)
        elif not any(_same_value(text, seen) for seen in distinct):
            distinct.append(text)
    if len(distinct) < 2:
        return None
    return Conflict(name, tuple((who, str(v)) for who, v in values))
