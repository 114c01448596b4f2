"""The search page and the detail page."""
from flask import Blueprint, abort, current_app, render_template, request

from kms.accounts import can_edit
from kms.audit import audit_trail
from kms.completeness import check_record, default_rules
from kms.links import lineage
from kms.params import ParameterError
from kms.records import get_record, open_reviews_of, records_by_id
from kms.results import results_page
from kms.schema import REPLICATION_STAGES, SECTIONS
from kms.search.labels import FACET_TITLES, facet_label
from kms.search.query import SearchQuery
from kms.similar import similar_summaries
from kms.web import current_user, get_db, query_thesaurus, search_engine

bp = Blueprint("search", __name__)


@bp.get("/")
@bp.get("/cari")
def results():
    """Hits and facet counts for the query in the URL."""
    try:
        query = SearchQuery.from_args(request.args, current_app.config["PER_PAGE"])
    except ParameterError as exc:
        return render_template("search/results.html", error=exc, query=SearchQuery(), found=None,
                               facet_titles=FACET_TITLES), 400
    found = results_page(get_db(), search_engine(), query, query_thesaurus())
    return render_template("search/results.html", query=query, found=found, error=None,
                           facet_titles=FACET_TITLES)


@bp.get("/inovasi/<record_id>")
def detail(record_id):
    """Every section of one innovation, with its provenance."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404)
    user = current_user()
    editable = can_edit(db, user, record)
    links = lineage(db, record_id)
    if user is not None:   # staff may act on a candidate when they may edit either side
        others = records_by_id(db, [candidate["id"] for candidate in links["candidates"]])
        for candidate in links["candidates"]:
            other = others.get(candidate["id"])
            candidate["actionable"] = editable or bool(other and can_edit(db, user, other))
    return render_template("search/detail.html", record=record, sections=SECTIONS, label=facet_label,
                           completeness=check_record(record, default_rules()), editable=editable,
                           audit=audit_trail(db, record_id), saved=request.args.get("saved"),
                           similar=similar_summaries(db, search_engine(), record, 6), lineage=links,
                           user=user, stages=REPLICATION_STAGES,
                           contradictions=open_reviews_of(db, record_id, ("contradiction",)))
