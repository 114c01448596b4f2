"""The JSON API (English, under /api/)."""
from flask import Blueprint, jsonify, request

from kms.app import get_db, search_engine
from kms.accounts import can_edit, in_scope
from kms.campaigns import filters_from_args, score_records, select_records, summarize
from kms.completeness import check_record, default_rules
from kms.openapi import openapi_document
from kms.records import get_record
from kms.search import ParameterError
from kms.views.access import current_user, staff_required
from kms.views.search import run_search

bp = Blueprint("api", __name__, url_prefix="/api")


def error(parameter, message, status=400):
    return jsonify({"error": {"parameter": parameter, "message": message}}), status


@bp.errorhandler(ParameterError)
def bad_parameter(exc):
    return error(exc.parameter, exc.message)


@bp.get("/search")
def search():
    """Search with filters, facets and corrections."""
    query, found = run_search(request.args, 20)
    results = [{"id": h["id"], "title": h["record"].get("title"), "agency": h["record"].get("agency"),
                "province_code": h["record"].get("province_code"),
                "regency_code": h["record"].get("regency_code"), "year": h["record"].get("year"),
                "award": h["record"].get("award"), "snippet": str(h["snippet"]), "score": h["score"]}
               for h in found["hits"]]
    return jsonify({"total": found["total"], "page": query.page, "per_page": query.per_page,
                    "results": results, "facets": found["facets"],
                    "corrected_query": found["corrected_query"], "corrected": found["corrected"]})


@bp.get("/innovations/<record_id>")
def innovation(record_id):
    """The whole canonical record with its sources."""
    record = get_record(get_db(), record_id)
    if record is None:
        return error("id", f"no innovation with id {record_id}", 404)
    result = check_record(record, default_rules())
    record["completeness"] = {"score": result.score}
    user = current_user()
    if user is not None and can_edit(get_db(), user, record):
        record["completeness"].update({"missing": [g.as_json() for g in result.gaps],
                                       "stale": result.stale})
    return jsonify(record)


def _score_bound(name: str) -> float | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ParameterError(name, f"{name} must be a number between 0 and 100") from None
    if not 0 <= value <= 100:
        raise ParameterError(name, f"{name} must be a number between 0 and 100")
    return value


@bp.get("/completeness")
@staff_required
def completeness():
    """Scores and gaps of the records the filters select, within the account's scope."""
    query, agency = filters_from_args(request.args)
    low, high = _score_bound("min_score"), _score_bound("max_score")
    user = current_user()
    rules = default_rules()
    records = select_records(get_db(), search_engine(), query, agency,
                             scope=lambda record, hubs: in_scope(user, record, hubs))
    rows = [r for r in score_records(records, rules)
            if (low is None or r["score"] >= low) and (high is None or r["score"] <= high)]
    summary = summarize(rows, rules.threshold)
    results = [{"id": r["id"], "title": r["title"], "agency": r["agency"], "hubs": r["hubs"],
                "province_code": r["province_code"], "score": r["score"], "missing": r["gaps"],
                "stale": r["stale"], "updated_at": r["updated_at"]} for r in rows]
    return jsonify({"summary": summary, "results": results})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
