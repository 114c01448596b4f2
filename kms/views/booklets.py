"""/buku: a booklet PDF of a search result set, made by a background job (kms.booklet) with a
progress page; one job at a time per address."""
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from kms.booklet import MAX_RECORDS, address_key, folder, job_state, running_job, start_job
from kms.campaigns import filter_description
from kms.exports import result_ids
from kms.search.query import SearchQuery
from kms.web import attachment, query_thesaurus, search_engine

bp = Blueprint("booklets", __name__)


def _query():
    return SearchQuery.from_args(request.values, current_app.config["PER_PAGE"])


@bp.get("/buku")
def ask():
    """How many innovations the booklet would hold, and the button that makes it."""
    query = _query()
    total = len(result_ids(search_engine(), query, query_thesaurus()))
    running = running_job(current_app.config, address_key(request.remote_addr or "-"))
    return render_template("booklets/ask.html", query=query, total=total, limit=MAX_RECORDS, running=running,
                           description=filter_description(query) or "semua inovasi",
                           args=urlencode(query.as_args())), 200 if total <= MAX_RECORDS else 400


@bp.post("/buku")
def start():
    query = _query()
    config = current_app.config
    owner = address_key(request.remote_addr or "-")
    running = running_job(config, owner)
    if running:
        return redirect(url_for("booklets.progress", job=running, satu="1"))
    total = len(result_ids(search_engine(), query, query_thesaurus()))
    if not total or total > MAX_RECORDS:
        return redirect(url_for("booklets.ask") + "?" + urlencode(query.as_args()))
    title = (request.form.get("title") or "").strip()[:200] or "Buku Profil Inovasi Pelayanan Publik"
    args = [(name, value) for name, value in query.as_args() if name not in ("page", "per_page")]
    job = start_job(config, owner, args, title)
    return redirect(url_for("booklets.progress", job=job))


@bp.get("/buku/<job>")
def progress(job):
    state = job_state(current_app.config, job)
    if state is None:
        abort(404, "Buku ini tidak ada (atau sudah dihapus setelah 24 jam).")
    return render_template("booklets/progress.html", job=job, state=state, only_one=request.args.get("satu"))


@bp.get("/buku/<job>.pdf")
def download(job):
    state = job_state(current_app.config, job)
    path = folder(current_app.config) / f"{job}.pdf"
    if state is None or state.get("status") != "done" or not path.is_file():
        abort(404, "Buku ini belum selesai atau tidak ada.")
    response = Response(path.read_bytes(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment("buku-profil-inovasi.pdf")
    return response
