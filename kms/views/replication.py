"""Replication pages: suggestions for a problem and the gap view of a region, and staff
actions on links (the JSON side is in views/api.py)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.replications import ReferenceError_, resolve_reference
from kms import params
from kms.accounts import can_edit
from kms.links import LinkError, decide, get_link, parse_stage_dates, save_link
from kms.params import ParameterError
from kms.records import get_record
from kms.schema import AGENCY_TYPES, REPLICATION_STAGES
from kms.search.labels import facet_label
from kms.suggest import gap_view, sector_choices, suggest
from kms.web import current_user, get_db, query_thesaurus, search_engine, staff_required, sync_after_change

bp = Blueprint("replication", __name__)
PAGE = (*params.SUGGEST[1:3], params.Param("gap_region", params.REGION_HELP, "region"),
        params.GAPS[1])


def _page(found, gaps, error=None, status=200):
    return render_template("replication/suggest.html", error=error, form=request.args, found=found,
                           gaps=gaps, agency_types=AGENCY_TYPES, label=facet_label,
                           sectors=sector_choices()), status


@bp.get("/replikasi")
def page():
    """Suggestions for a problem, and the gap view for a region."""
    found = gaps = None
    db = get_db()
    try:
        values = params.parse(PAGE, request.args)
    except ParameterError as exc:
        return _page(None, None, exc, 400)
    problem = (request.args.get("problem") or "").strip()[:1000]
    if problem:
        found = suggest(db, search_engine(), problem, values["region"], values["agency_type"],
                        thesaurus=query_thesaurus())
        found["region"] = values["region"]
    if values["gap_region"]:
        gaps = gap_view(db, values["gap_region"], values["sector"], engine=search_engine())
    return _page(found, gaps)


def _editable_link(record_id: str, link: dict) -> None:
    """403 unless the account may edit the original or the replica."""
    db = get_db()
    user = current_user()
    sides = [get_record(db, link["original_id"]), get_record(db, link["replica_id"])]
    if record_id not in (link["original_id"], link["replica_id"]):
        abort(404)
    if not any(side and can_edit(db, user, side) for side in sides):
        abort(403, "Tautan replikasi ini di luar wewenang akun Anda.")


@bp.post("/inovasi/<record_id>/replikasi/<int:link_id>/<action>")
@staff_required
def decide_link(record_id, link_id, action):
    if action not in ("konfirmasi", "tolak"):
        abort(404)
    db = get_db()
    link = get_link(db, link_id)
    if link is None:
        abort(404, "Tautan replikasi tidak ditemukan.")
    _editable_link(record_id, link)
    try:
        decide(db, link_id, action == "konfirmasi", current_user().name)
    except LinkError as exc:
        abort(409, str(exc))
    sync_after_change()
    if (request.form.get("back") or "") == "/tinjau":        # from the review queue: back there
        return redirect(url_for("review.page") + "#kandidat")
    return redirect(url_for("search.detail", record_id=record_id) + "#replikasi")


@bp.post("/inovasi/<record_id>/replikasi")
@staff_required
def add_link(record_id):
    """Staff record that this innovation replicates another (or was replicated by it)."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404)
    form = request.form
    typed = {name: (form.get(name) or "").strip()[:500] for name in ("other", "role", "stage", *REPLICATION_STAGES)}
    role = typed["role"] or "original"
    if role not in ("original", "replica"):
        return _link_form_again(record_id, typed, "Pilih peran inovasi ini: replika atau inovasi asal.")
    written = typed["other"]
    pasted = written.rsplit("/", 1)[-1] if "/inovasi/" in written else written   # an id or a pasted address
    try:                        # an id, or a title naming one record
        other = resolve_reference(db, pasted if pasted.startswith("inv-") else "",
                                  "" if pasted.startswith("inv-") else written, "", None, "Inovasi lainnya")
    except ReferenceError_ as exc:
        return _link_form_again(record_id, typed, str(exc))
    original, replica = (other, record_id) if role == "original" else (record_id, other)
    link = {"original_id": original, "replica_id": replica}
    _editable_link(record_id, link)
    try:
        dates = parse_stage_dates(form)
        stage = form.get("stage") or None
        with db.conn:
            link_id, _outcome = save_link(db, original, replica, origin=f"staff:{current_user().name}",
                                          status="confirmed", stage=stage, dates=dates,
                                          user=current_user().name)
        decide(db, link_id, True, current_user().name)
    except LinkError as exc:
        return _link_form_again(record_id, typed, str(exc))
    sync_after_change()
    return redirect(url_for("search.detail", record_id=record_id) + "#replikasi")


def _link_form_again(record_id: str, typed: dict, message: str):
    """Back to the record page with the replication form open, the message beside it and what
    was typed in it (the page reads them from `tautan_*`)."""
    args = {f"tautan_{name}": value for name, value in typed.items() if value}
    args["tautan_galat"] = message[:1].upper() + message[1:]
    return redirect(url_for("search.detail", record_id=record_id, **args) + "#replikasi", code=303)
