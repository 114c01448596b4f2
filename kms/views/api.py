"""The JSON API (English, under /api/): every /api/* route, each parameter parsed from its
declaration in kms.params (a malformed one answers the app's one 400 body)."""
from flask import Blueprint, Response, jsonify, render_template, request

from kms import competitions, params
from kms.accounts import can_edit
from kms.campaigns import selection
from kms import stats
from kms.completeness import check_record, default_rules
from kms.exports import table_csv
from kms.feedback import summary as feedback_summary
from kms.field_policy import visible_record
from kms.links import lineage
from kms.openapi import openapi_document
from kms.records import first_record_id, get_record, hub_labels
from kms.replication_requests import counts as request_counts, public_request, requests_of_record
from kms.scores import ensure_scores, scope_sql, score_rows, summary
from kms.results import api_hit, results_page
from kms.search.query import SearchQuery
from kms.similar import similar_summaries
from kms.suggest import gap_view, public_result, suggest
from kms.web import (attachment, api_error, current_staff, current_user, get_db, query_thesaurus, search_engine, staff_required,
                     views_of)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    """Search with filters, facets and corrections."""
    values = params.parse(params.API_SEARCH, request.args, strict=True)
    query = SearchQuery.from_mapping(values, 20)
    found = results_page(get_db(), search_engine(), query, query_thesaurus(), facet_limit=values["facet_limit"])
    return jsonify({"total": found["total"], "page": query.page, "per_page": query.per_page,
                    "results": [api_hit(hit) for hit in found["hits"]], "facets": found["facets"],
                    "corrected_query": found["corrected_query"], "corrected": found["corrected"],
                    "match": found["match"], "no_close_match": found["no_close_match"],
                    "expansions": found["expansions"]})


@bp.get("/innovations/<record_id>")
def innovation(record_id):
    """The whole canonical record with its sources."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        return api_error("id", f"no innovation with id {record_id}", 404)
    result = check_record(record, default_rules())
    labels = hub_labels(db)
    for source in record["sources"]:
        source["hub_label"] = labels.get(source["hub"], source["hub"])
    user = current_staff()
    shown = visible_record(record, user is not None)
    shown["completeness"] = {"score": result.score}
    shown["feedback"] = feedback_summary(db, record_id)
    shown["counts"] = request_counts(db, record_id, views_of(record_id))
    if user is not None and can_edit(db, user, record):
        shown["completeness"].update({"missing": [g.as_json() for g in result.gaps], "stale": result.stale})
    return jsonify(shown)


@bp.get("/innovations/<record_id>/similar")
def similar(record_id):
    values = params.parse(params.SIMILAR, request.args, strict=True)
    record = get_record(get_db(), record_id)
    if record is None:
        return api_error("id", f"no innovation with id {record_id}", 404)
    rows = similar_summaries(get_db(), search_engine(), record, values["limit"])
    return jsonify({"results": [{k: r[k] for k in ("id", "title", "agency", "regency_code", "year",
                                                   "score", "reasons")} for r in rows]})


@bp.get("/innovations/<record_id>/replications")
def replications(record_id):
    db = get_db()
    if get_record(db, record_id) is None:
        return api_error("id", f"no innovation with id {record_id}", 404)
    return jsonify(lineage(db, record_id))


@bp.get("/innovations/<record_id>/requests")
def requests(record_id):
    """Counts and the public parts of the replication requests (kms.replication_requests)."""
    db = get_db()
    if get_record(db, record_id) is None:
        return api_error("id", f"no innovation with id {record_id}", 404)
    return jsonify({"counts": request_counts(db, record_id, views_of(record_id)),
                    "requests": [public_request(r) for r in requests_of_record(db, record_id)]})


@bp.get("/competitions")
def competitions_list():
    """Published competitions."""
    found = [c for c in competitions.competitions_for(get_db(), None)]
    return jsonify({"results": [{"id": c["id"], "name": c["name"], "year": c["year"], "hub": c["hub"], "award": c["award"]}
                                for c in found]})


@bp.get("/competitions/<number>")
def competition(number):
    """A published competition's stages, winners and totals (any text in the path is a route
    here, so a method the route lacks answers 405, not 404)."""
    found = competitions.get_competition(get_db(), int(number)) if number.isdigit() and len(number) < 12 else None
    if found is None or found["status"] != "published":
        return api_error("id", f"no published competition with id {number}", 404)
    return jsonify(competitions.public_results(get_db(), found))


@bp.get("/suggest")
def suggestions():
    values = params.parse(params.SUGGEST, request.args, strict=True)
    found = suggest(get_db(), search_engine(), values["problem"], values["region"],
                    values["agency_type"], values["limit"], query_thesaurus())
    body = {"results": [public_result(item) for item in found["results"]],
            "no_close_match": found["no_close_match"]}
    if values["region"]:
        body["region"] = values["region"]
    return jsonify(body)


@bp.get("/gaps")
def gaps():
    values = params.parse(params.GAPS, request.args, strict=True)
    found = gap_view(get_db(), values["region"], values["sector"], values["limit"], search_engine())
    return jsonify({**{k: found[k] for k in ("region", "own_count", "own_sectors", "peers")},
                    "results": [public_result(item) | {"sector": item["record"].get("sector"),
                                                       "sector_gap": item["sector_gap"]}
                                for item in found["results"]]})


@bp.get("/completeness")
@staff_required
def completeness():
    """Scores and gaps of the records the filters select, within the account's scope."""
    values = params.parse(params.COMPLETENESS, request.args, strict=True)
    query = SearchQuery.from_mapping(values)
    db, rules = get_db(), default_rules()
    ensure_scores(db, rules)
    chosen = selection(search_engine(), query, None, scope_sql(current_user()),
                       values["min_score"], values["max_score"])
    figures = summary(db, rules, chosen, rules.threshold)
    page, per_page = values["page"], values["per_page"]
    rows = score_rows(db, rules, chosen, rules.threshold, limit=per_page, offset=(page - 1) * per_page)
    results = [{"id": r["id"], "title": r["title"], "agency": r["agency"], "hubs": r["hubs"],
                "province_code": r["province_code"], "score": r["score"], "missing": r["gaps"],
                "stale": r["stale"], "updated_at": r["updated_at"]} for r in rows]
    return jsonify({"summary": figures, "total": figures["records"], "page": page, "per_page": per_page,
                    "results": results})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/docs")
def docs():
    """The API described for people (Indonesian), generated from the OpenAPI document."""
    return render_template("data/api_docs.html", document=openapi_document(), example_id=first_record_id(get_db()))


def _stats_selection(values: dict):
    query = SearchQuery.from_mapping(values)
    return stats.choose(search_engine(), query, query_thesaurus())


def _table(values: dict, body: dict, columns: list[str], rows: list[dict], name: str):
    if values["format"] == "csv":
        response = Response(table_csv(columns, rows), mimetype="text/csv")
        response.charset = "utf-8"
        response.headers["Content-Disposition"] = attachment(f"{name}.csv")
        return response
    return jsonify(body)


@bp.get("/stats/regions")
def stats_regions():
    """Per province or regency: innovations, per capita and per area, spread, awards, agency
    types, sectors, SDGs, replications, share running, median completeness."""
    values = params.parse(params.STATS_REGIONS, request.args, strict=True)
    within = tuple(values["province"]) if values["by"] == "regency" else ()
    rows = stats.region_rows(get_db(), _stats_selection(values), values["by"], values["candidates"] == "yes", within)
    columns, flat = stats.flat_region_rows(rows)
    return _table(values, {"by": values["by"], "rows": rows, "sources": stats.SOURCES}, columns, flat,
                  f"statistik-{values['by']}")


@bp.get("/stats/years")
def stats_years():
    values = params.parse(params.STATS_YEARS, request.args, strict=True)
    rows = stats.year_rows(get_db(), _stats_selection(values))
    return _table(values, {"rows": rows}, ["year", "innovations", "growth", "cumulative"], rows, "statistik-tahun")


@bp.get("/stats/flows")
def stats_flows():
    values = params.parse(params.STATS_FLOWS, request.args, strict=True)
    rows = stats.flows(get_db(), _stats_selection(values), values["candidates"] == "yes")
    columns = ["origin_code", "origin_name", "replica_code", "replica_name", "replications", "same_province"]
    return _table(values, {"rows": rows}, columns, rows, "aliran-replikasi")


@bp.get("/stats/matrix")
def stats_matrix():
    values = params.parse(params.STATS_MATRIX, request.args, strict=True)
    table = stats.matrix(get_db(), _stats_selection(values), values["rows"], values["cols"])
    columns, flat = stats.flat_matrix(table)
    return _table(values, {"rows_by": values["rows"], "cols_by": values["cols"], **table}, columns, flat,
                  f"matriks-{values['rows']}-{values['cols']}")
