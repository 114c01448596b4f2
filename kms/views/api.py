"""The JSON API (English, under /api/)."""
from flask import Blueprint, jsonify, request

from kms import get_db
from kms.openapi import openapi_document
from kms.records import get_record
from kms.search import ParameterError
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
    return jsonify(record)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
