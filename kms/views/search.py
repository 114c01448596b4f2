"""The search page and the detail page."""
from flask import Blueprint, abort, current_app, render_template, request

from kms.app import get_db, search_engine
from kms.accounts import can_edit
from kms.completeness import check_record, default_rules
from kms.editing import audit_trail
from kms.records import get_record, records_by_id
from kms.schema import SECTIONS
from kms.search import ParameterError, SearchQuery, service
from kms.search.labels import FACET_TITLES, facet_label
from kms.search.present import present
from kms.views.access import current_user

bp = Blueprint("search", __name__)


def run_search(args, default_per_page):
    """Parse the URL, search, and attach each hit's record summary."""
    query = SearchQuery.from_args(args, default_per_page)
    db = get_db()
    result = service.search(search_engine(), query)
    found = present(result, records_by_id(db, [hit.id for hit in result.hits]))
    rules = default_rules()
    for hit in found["hits"]:
        hit["completeness"] = check_record(hit["record"], rules).score if hit["record"] else None
    return query, found


@bp.get("/")
@bp.get("/cari")
def results():
    """Hits and facet counts for the query in the URL."""
    try:
        query, found = run_search(request.args, current_app.config["PER_PAGE"])
    except ParameterError as exc:
        return render_template("search/results.html", error=exc, query=SearchQuery(), found=None,
                               facet_titles=FACET_TITLES), 400
    return render_template("search/results.html", query=query, found=found, error=None,
                           facet_titles=FACET_TITLES)


@bp.get("/inovasi/<record_id>")
def detail(record_id):
    """Every section of one innovation, with its provenance."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404)
    from kms.replication import lineage
    from kms.schema import REPLICATION_STAGES
    from kms.views.replication import similar_results

    user = current_user()
    editable = can_edit(db, user, record)
    links = lineage(db, record_id)
    if user is not None:   # staff may act on a candidate when they may edit either side
        for candidate in links["candidates"]:
            other = get_record(db, candidate["id"])
            candidate["actionable"] = editable or bool(other and can_edit(db, user, other))
    return render_template("search/detail.html", record=record, sections=SECTIONS, label=facet_label,
                           completeness=check_record(record, default_rules()), editable=editable,
                           audit=audit_trail(db, record_id), saved=request.args.get("saved"),
                           similar=similar_results(record, 6), lineage=links, user=user,
                           stages=REPLICATION_STAGES)
