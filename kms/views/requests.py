"""Replication request pages: an agency editor states interest from an innovation's page
(/inovasi/<id>/minat); both sides follow their requests at /permintaan; the owner accepts with
the signed agreement or declines, and the replicating agency reports the implementation, at
/permintaan/<n>. Who may take a step is kms.replication_requests' answer; a form that is refused
comes back with its errors and what was typed."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for

from kms import replication_requests as requests_
from kms.media import document_path
from kms.records import agency_records, get_record
from kms.replication_requests import RequestError
from kms.web import current_user, get_db, staff_required, sync_after_change

bp = Blueprint("requests", __name__)


def _record_or_404(record_id: str) -> dict:
    record = get_record(get_db(), record_id)
    if record is None:
        abort(404, "Inovasi dengan ID ini tidak ada.")
    return record


@bp.route("/inovasi/<record_id>/minat", methods=["GET", "POST"])
@staff_required
def ask(record_id):
    """minat: the form, and the request it sends."""
    record = _record_or_404(record_id)
    user = current_user()
    refusal = requests_.ask_refusal(get_db(), user, record)
    if refusal:
        abort(403, refusal)
    errors, typed, status = {}, {"message": ""}, 200
    if request.method == "POST":
        typed["message"] = (request.form.get("message") or "")[:requests_.MAX_TEXT + 100]
        try:
            number = requests_.ask(get_db(), record, user, typed["message"])
        except RequestError as exc:
            errors, status = exc.errors, exc.status
        else:
            return redirect(url_for("requests.show", request_id=number, selesai="minat"), code=303)
    return render_template("requests/ask.html", record=record, errors=errors, typed=typed,
                           user=user), status


@bp.get("/permintaan")
@staff_required
def overview():
    """The account's requests: what waits for it, then every request on either side."""
    mine = requests_.awaiting(get_db(), current_user())
    return render_template("requests/list.html", mine=mine, labels=requests_.STATUS_LABELS, user=current_user())


def _visible(request_id: int) -> tuple[dict, dict | None]:
    db = get_db()
    found = requests_.get_request(db, request_id)
    if found is None:
        abort(404, "Permintaan replikasi ini tidak ada.")
    original = get_record(db, found["original_id"])
    if not requests_.may_see(db, current_user(), found, original):
        abort(403, "Permintaan replikasi hanya dibuka oleh admin, editor instansi peminat, dan pihak pemilik "
                   "inovasi (editor instansinya, atau operator hub atau provinsi tempat inovasi itu tercatat).")
    return found, original


def _page(found, original, errors=None, typed=None, status=200):
    db, user = get_db(), current_user()
    report = requests_.may_report(user, found)
    return render_template(
        "requests/show.html", item=found, original=original, errors=errors or {}, typed=typed or {},
        labels=requests_.STATUS_LABELS, decide=requests_.may_decide(db, user, found, original),
        report=report, own_records=agency_records(db, found["requester_agency"]) if report else [],
        replica=get_record(db, found["replica_id"]) if found["replica_id"] else None,
        done=request.args.get("selesai"), user=user), status


@bp.get("/permintaan/<int:request_id>")
@staff_required
def show(request_id):
    found, original = _visible(request_id)
    return _page(found, original)


def _step(request_id: int, step, typed: dict):
    """Run one step; a refusal re-shows the page with its errors (403 and 409 as such)."""
    found, original = _visible(request_id)
    try:
        step(found)
    except RequestError as exc:
        if exc.status == 403:
            abort(403, " ".join(exc.errors.values()))
        return _page(found, original, exc.errors, typed, exc.status)
    sync_after_change()
    return None


@bp.post("/permintaan/<int:request_id>/kesepakatan")
@staff_required
def accept(request_id):
    form, upload = request.form, request.files.get("agreement")
    typed = {"agreement_date": (form.get("agreement_date") or "")[:40], "note": (form.get("note") or "")[:2100]}
    failed = _step(request_id, lambda found: requests_.accept(
        get_db(), request_id, current_user(), typed["agreement_date"], upload.read() if upload else b"",
        typed["note"], current_app.config), typed)
    return failed or redirect(url_for("requests.show", request_id=request_id, selesai="kesepakatan"), code=303)


@bp.post("/permintaan/<int:request_id>/tolak")
@staff_required
def decline(request_id):
    typed = {"reason": (request.form.get("reason") or "")[:2100]}
    failed = _step(request_id, lambda found: requests_.decline(get_db(), request_id, current_user(), typed["reason"]),
                   typed)
    return failed or redirect(url_for("requests.show", request_id=request_id, selesai="ditolak"), code=303)


@bp.post("/permintaan/<int:request_id>/implementasi")
@staff_required
def implemented(request_id):
    form, upload = request.form, request.files.get("evidence_pdf")
    typed = {name: (form.get(name) or "")[:2100] for name in
             ("implementation_date", "evidence", "replica_id", "draft_title", "replica_choice")}
    existing = typed["replica_choice"] == "existing"
    failed = _step(request_id, lambda found: requests_.report(
        get_db(), request_id, current_user(), typed["implementation_date"], typed["evidence"],
        typed["replica_id"] if existing else "", "" if existing else typed["draft_title"],
        upload.read() if upload else b"", current_app.config, existing=existing), typed)
    return failed or redirect(url_for("requests.show", request_id=request_id, selesai="implementasi"), code=303)


@bp.get("/permintaan/<int:request_id>/dokumen/<kind>")
@staff_required
def document(request_id, kind):
    """The signed agreement or the evidence, for the staff of the two sides."""
    found, _original = _visible(request_id)
    column = {"kesepakatan": "agreement_file", "implementasi": "evidence_file"}.get(kind)
    if column is None:
        abort(404)
    path = document_path(current_app.config, found[column] or "") if found[column] else None
    if path is None:
        abort(404, "Dokumen ini tidak ada.")
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{kind}-permintaan-{request_id}.pdf")
