"""The search page and the detail page."""
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from indexer.textnorm import fold
from kms import params
from kms.accounts import can_edit
from kms.audit import audit_trail
from kms.completeness import check_record, default_rules
from kms.exports import FORMATS, XLSX_ROWS, as_xlsx, exported_records, result_ids
from kms.feedback import published as published_comments, summary as feedback_summary
from kms.field_policy import visible_record, visible_rows
from kms.links import lineage
from kms.params import ParameterError
from kms.photos import gallery
from kms.profiles import cached_profile
from kms.records import get_record, hub_labels, open_reviews_of, records_by_id
from indexer.site_records import SITE_HUB
from kms.awards import of_record as awards_of
from kms.submissions import public_documents
from kms.replication_requests import (OPEN, STATUS_LABELS, ask_refusal, counts as request_counts, own_request,
                                      public_request, requests_of_record)
from kms.results import active_filters, results_page
from kms.schema import REPLICATION_STAGES, SECTIONS
from kms.search.labels import FACET_TITLES
from kms.search.present import labeller
from kms.search.query import SearchQuery
from kms.similar import similar_summaries
from kms.web import (attachment, count_view, current_staff, get_db, public_url, query_thesaurus, records_download,
                     search_engine, views_of)

bp = Blueprint("search", __name__)
VISIBLE_FACET_VALUES = 12      # the rest of a facet behind "Tampilkan semua (N)"
PAGE_FACET_VALUES = 500        # past this (thousands of agencies), the whole list is a page of its own


@bp.get("/")
@bp.get("/cari")
def results():
    """Hits and facet counts for the query in the URL; a page past the end goes to the last."""
    error, args = None, request.args
    for _ in range(len(params.SEARCH)):      # a malformed parameter is left out, the rest kept
        try:
            query = SearchQuery.from_args(args, current_app.config["PER_PAGE"])
            break
        except ParameterError as exc:
            error = error or exc
            args = params.without(args, exc.parameter)
    else:
        query = SearchQuery()
    found = results_page(get_db(), search_engine(), query, query_thesaurus(), log=error is None)
    if query.page > found["pages"] and error is None:
        return redirect(url_for("search.results") + "?" + urlencode(query.as_args(page=found["pages"]) +
                                                                   [("lewat", str(query.page))]))
    past = request.args.get("lewat", "")
    return render_template("search/results.html", query=query, found=found, error=error,
                           error_text=params.human_message(error) if error else "",
                           past_end=past if past.isdigit() and int(past) > found["pages"] else None,
                           facet_titles=FACET_TITLES, chips=active_filters(query, found["label"]),
                           shown=VISIBLE_FACET_VALUES, listed=PAGE_FACET_VALUES,
                           context=urlencode(query.as_args(page=query.page))), 400 if error else 200


@bp.get("/cari/saringan/<name>")
def facet_values(name):
    """Every value of one facet for the search in the URL, narrowed by the typed `nilai`
    (works without a script, for facets too long for the search page)."""
    if name not in FACET_TITLES:
        abort(404)
    query = SearchQuery.from_args(request.args, current_app.config["PER_PAGE"])
    found = results_page(get_db(), search_engine(), query, query_thesaurus(), log=False)
    typed = (request.args.get("nilai") or "").strip()[:100]
    values = [item for item in found["facets"].get(name, []) if fold(typed) in fold(item["label"])]
    return render_template("search/facet_values.html", query=query, name=name, title=FACET_TITLES[name],
                           values=values, typed=typed, total=len(found["facets"].get(name, [])))


@bp.get("/cari.<fmt>")
def export(fmt):
    """The whole result set of the search in the URL, public fields only (for everyone: the
    file may be passed on), in the page's order."""
    if fmt not in FORMATS:
        abort(404)
    query = SearchQuery.from_args(request.args, current_app.config["PER_PAGE"])
    ids = result_ids(search_engine(), query, query_thesaurus())
    if fmt != "xlsx":
        return records_download(ids, fmt, f"inovasi.{fmt}")
    rest = public_url(url_for("search.export", fmt="csv")) + "?" + urlencode(query.as_args())
    response = Response(as_xlsx(exported_records(get_db(), ids[:XLSX_ROWS], public_url("")), total=len(ids),
                                rest_url=rest), mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = attachment(f"inovasi.{fmt}")
    return response


def search_context(text: str | None) -> str:
    """The search a visitor came from (the `cari` parameter of a record link), read again as a
    query so that only search parameters survive; '' when there is none or it does not parse."""
    if not text:
        return ""
    try:
        query = SearchQuery.from_args(parse_qsl(text[:4000]), current_app.config["PER_PAGE"])
    except ParameterError:
        return ""
    return urlencode(query.as_args(page=query.page))


@bp.get("/inovasi/<record_id>.pdf")
def profile(record_id):
    """The record's profile as a PDF (public fields), cached until anything it shows changes."""
    data = cached_profile(get_db(), record_id, current_app.config)
    if data is None:
        abort(404, "Inovasi dengan ID ini tidak ada.")
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(f"profil-{record_id}.pdf").replace("attachment", "inline", 1)
    return response


@bp.get("/inovasi/<record_id>")
def detail(record_id):
    """Every section of one innovation, with its provenance."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404, "Inovasi dengan ID ini tidak ada. Mungkin sudah digabung dengan data lain; cari judulnya.")
    count_view(record_id)
    completeness = check_record(record, default_rules())
    user = current_staff()
    editable = can_edit(db, user, record)
    links = lineage(db, record_id)
    asked = requests_of_record(db, record_id)
    in_progress = [public_request(r) for r in asked if r["status"] in OPEN]
    linked = {side["id"] for side in ([links["original"]] if links["original"] else []) + links["replicas"]}
    if user is not None:   # staff may act on a candidate when they may edit either side
        others = records_by_id(db, [candidate["id"] for candidate in links["candidates"]])
        for candidate in links["candidates"]:
            other = others.get(candidate["id"])
            candidate["actionable"] = editable or bool(other and can_edit(db, user, other))
    staff = user is not None
    back = search_context(request.args.get("cari"))
    return render_template("search/detail.html", record=visible_record(record, staff), sections=SECTIONS,
                           label=labeller(hub_labels(db)),
                           completeness=completeness, editable=editable,
                           audit=visible_rows(audit_trail(db, record_id), staff, "audit."),
                           saved=request.args.get("saved"),
                           similar=[s for s in similar_summaries(db, search_engine(), record, 8)
                                    if s["id"] not in linked][:6], lineage=links,
                           user=user, stages=REPLICATION_STAGES, staff=staff,
                           photos=gallery(record.get("photos") or [], current_app.config),
                           feedback=feedback_summary(db, record_id), comments=published_comments(db, record_id),
                           link_form={k.removeprefix("tautan_"): v for k, v in request.args.items()
                                      if k.startswith("tautan_")} if editable else {},
                           back=url_for("search.results") + ("?" + back if back else ""),
                           canonical=public_url(url_for("search.detail", record_id=record_id)),
                           contradictions=open_reviews_of(db, record_id, ("contradiction",)),
                           counts=request_counts(db, record_id, views_of(record_id)), in_progress=in_progress,
                           may_ask=user is None or ask_refusal(db, user, record) is None,
                           own_request=own_request(db, record_id, user, asked), request_labels=STATUS_LABELS,
                           awards=awards_of(record), documents=public_documents(db, record_id),
                           draft=_replica_draft(record, completeness.score))


def _replica_draft(record: dict, score: int) -> bool:
    """A replica's draft written from an implementation report, not yet completed."""
    sources = [s for s in record["sources"] if not s.get("dropped_at")]
    return bool(sources) and all(s["hub"] == SITE_HUB and s["source_id"].startswith("replikasi-") for s in sources) \
        and score < default_rules().threshold
