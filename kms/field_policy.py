"""Which fields the public sees: `data/field_policy.csv` says, per field, `public` or `staff`
(nested parts as `sources.file`, `audit.user`). One policy for pages, the API, exports, PDFs
and the open-data downloads: they all take a record through `visible_record`. A field the
policy does not name is staff-only, so a new field is never published by accident."""
from __future__ import annotations

import csv
from functools import cache

from kms.config import ROOT

POLICY_FILE = ROOT / "data" / "field_policy.csv"
AUDIENCES = ("public", "staff")


@cache
def policy_rows() -> tuple[dict, ...]:
    """The policy file's rows: {field, audience, note}."""
    with POLICY_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle))


@cache
def field_policy() -> dict[str, str]:
    """field -> public | staff."""
    policy = {row["field"]: row["audience"] for row in policy_rows()}
    wrong = {name: audience for name, audience in policy.items() if audience not in AUDIENCES}
    if wrong:
        raise ValueError(f"{POLICY_FILE}: audience must be public or staff: {wrong}")
    return policy


def is_public(name: str) -> bool:
    return field_policy().get(name) == "public"


def visible(fields, staff: bool, prefix: str = "") -> list[str]:
    """The names among `fields` this reader may see."""
    return [name for name in fields if staff or is_public(prefix + name)]


def visible_record(record: dict, staff: bool) -> dict:
    """The record as this reader may see it (`staff`: a signed-in account sees every field);
    its sources and audit rows cut the same way."""
    if staff:
        return dict(record)
    out = {name: value for name, value in record.items()
           if name in ("sources", "completeness") or is_public(name)}
    if "sources" in record:
        out["sources"] = visible_rows(record["sources"], False, "sources.")
    return out


def visible_rows(items: list[dict], staff: bool, prefix: str) -> list[dict]:
    """Nested rows (sources, audit) with the staff-only parts left out for the public."""
    if staff:
        return [dict(item) for item in items]
    return [{name: value for name, value in item.items() if is_public(prefix + name)} for item in items]
