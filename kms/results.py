"""A page of search results as the site and the API show it: the engine's hits with their
records (one query for the page), highlights, facet lists and each record's completeness."""
from __future__ import annotations

from kms.completeness import check_record, default_rules
from kms.records import hub_labels, records_by_id
from kms.search import service
from kms.search_log import record_search
from kms.search.labels import FACET_TITLES
from kms.search.present import labeller, present
from kms.search.query import SearchQuery


def results_page(db, engine, query: SearchQuery, thesaurus=None, log: bool = True,
                 facet_limit: int | None = None) -> dict:
    """`thesaurus`: the one to read the query with (None: kms.search.thesaurus.current()).
    `log`: count a search that found nothing close, or only partial matches (first page).
    `facet_limit`: values per facet (None: every value). `label(name, value)` comes with it."""
    result = service.search(engine, query, thesaurus)
    if log and query.q and query.page == 1:
        record_search(db, query.q, result.no_close_match, result.match)
    label = labeller(hub_labels(db))
    found = present(result, records_by_id(db, [hit.id for hit in result.hits]), label, facet_limit)
    found["label"] = label
    found["pages"] = max(1, -(-result.total // query.per_page))
    rules = default_rules()
    for hit in found["hits"]:
        hit["completeness"] = check_record(hit["record"], rules).score if hit["record"] else None
    return found


def api_hit(hit: dict) -> dict:
    """One hit as /api/search gives it."""
    record = hit["record"] or {}
    return {"id": hit["id"], "title": record.get("title"), "agency": record.get("agency"),
            "province_code": record.get("province_code"), "regency_code": record.get("regency_code"),
            "year": record.get("year"), "award": record.get("award"), "snippet": str(hit["snippet"]),
            "score": hit["score"]}


def active_filters(query: SearchQuery, label) -> list[dict]:
    """Each active filter as a chip: {title, label, remove (the URL parameters without it)}."""
    chips = [{"title": FACET_TITLES.get(name, name), "label": label(name, value),
              "remove": query.without(name, value)}
             for name, values in query.filters.items() for value in values]
    if query.year_from is not None or query.year_to is not None:
        low, high = query.year_from, query.year_to
        span = f"{low}–{high}" if low is not None and high is not None else \
            f"sejak {low}" if low is not None else f"sampai {high}"
        chips.append({"title": "Tahun", "label": span, "remove": query.as_args(years=(None, None))})
    return chips
