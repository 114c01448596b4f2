"""A record's awards: a hub's award (the `award` and `award_year` it sends) and the awards of
competitions held on this site (table record_awards, kms.records), as one list, best first: by
the tier's rank in data/vocabularies/award_tiers.csv (1 the best), then the latest year. The
record's `award` and `award_year` are the best of them, so every place that shows one award
shows the highest; the search facet counts any of them."""
from __future__ import annotations

from functools import lru_cache

from indexer.reference import vocabulary


@lru_cache(maxsize=1)
def tiers() -> dict[str, dict]:
    """tier key -> {"label", "rank"} (the "none" tier left out)."""
    return {row["key"]: {"label": row["label"], "rank": int(row["rank"]) if row["rank"].isdigit() else 9}
            for row in vocabulary("award_tiers") if row["key"] != "none"}


def tier_label(tier: str) -> str:
    return tiers().get(tier, {}).get("label", tier)


def ordered(awards: list[dict]) -> list[dict]:
    """Best first; the same tier and year given twice counts once."""
    seen, out = set(), []
    for award in sorted(awards, key=lambda a: (tiers().get(a["tier"], {}).get("rank", 9), -(a.get("year") or 0))):
        mark = (award["tier"], award.get("year"))
        if award["tier"] in tiers() and mark not in seen:
            seen.add(mark)
            out.append(award)
    return out


def combined(hub_tier: str | None, hub_year: int | None, given: list[dict]) -> list[dict]:
    """The hub's award and the site's competition awards, best first."""
    hub = [{"tier": hub_tier, "year": hub_year, "body": None}] if hub_tier and hub_tier != "none" else []
    return ordered(hub + [dict(a) for a in given])


def of_record(record: dict) -> list[dict]:
    """A record's awards, best first: its stored list, else its hub's award alone."""
    return list(record.get("awards") or []) or combined(record.get("award"), record.get("award_year"), [])


def facet_values(record: dict) -> tuple[str, ...]:
    """Every tier the record holds (the award facet counts any of them)."""
    return tuple(dict.fromkeys(a["tier"] for a in of_record(record)))
