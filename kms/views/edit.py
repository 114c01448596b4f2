"""Editing one record (staff with the right role and scope)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.reference import urusan_labels
from kms.completeness import check_record, default_rules
from kms.editing import EDITABLE_FIELDS, EditError, apply_edit, parse_form, resolve_edit_conflict
from kms.records import get_record
from kms.schema import DIGITAL, FIELD_LABELS, SECTIONS, STAGES, STATUSES
from kms.web import get_db, require_edit_right, staff_required, sync_after_change

bp = Blueprint("edit", __name__)


def _form_page(record, values, errors, status=200):
    completeness = check_record(record, default_rules())
    gaps = {gap.field: gap for gap in completeness.gaps}
    back = back_to(request.values.get("kembali"))
    return render_template("staff/edit.html", record=record, values=values, errors=errors, back=back,
                           gaps=gaps, completeness=completeness, fields=EDITABLE_FIELDS,
                           labels=FIELD_LABELS, sections=SECTIONS,
                           choices={"stage": STAGES, "status": STATUSES, "digital": DIGITAL,
                                    "sector": tuple(urusan_labels())}), status


def _form_values(record) -> dict:
    values = {name: record.get(name) for name in EDITABLE_FIELDS}
    values["sdgs"] = ", ".join(str(n) for n in record.get("sdgs") or [])
    return {k: ("" if v is None else v) for k, v in values.items()}


@bp.route("/inovasi/<record_id>/ubah", methods=["GET", "POST"])
@staff_required
def edit(record_id):
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404, "Inovasi tidak ditemukan.")
    user = require_edit_right(record)
    if request.method == "GET":
        return _form_page(record, _form_values(record), {})
    try:
        values = parse_form(request.form)
    except EditError as exc:
        return _form_page(record, {**_form_values(record), **request.form.to_dict()}, exc.errors, 400)
    changed = apply_edit(db, record_id, values, user.name)
    if changed:
        sync_after_change()
    back = back_to(request.form.get("kembali"))
    if back:                # from a worklist: back to the same page and row
        path, _, anchor = back.partition("#")
        joiner = "&" if "?" in path else "?"
        return redirect(f"{path}{joiner}saved={len(changed)}&record={record_id}" + (f"#{anchor}" if anchor else ""))
    return redirect(url_for("search.detail", record_id=record_id, saved=len(changed)))


def back_to(target: str | None) -> str | None:
    """A return address inside the campaign pages only (never another site or page)."""
    target = (target or "").strip()
    if target.startswith("/kampanye/") and not target.startswith("//") and "\\" not in target \
            and all(c.isprintable() for c in target):
        return target[:2000]
    return None


@bp.post("/inovasi/<record_id>/konflik/<field>")
@staff_required
def resolve_conflict(record_id, field):
    """Keep the staff value (`keep=staff`) or take the hub's (`keep=hub`)."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404, "Inovasi tidak ditemukan.")
    user = require_edit_right(record)
    keep = request.form.get("keep")
    if keep not in ("staff", "hub"):
        abort(400, "Parameter keep harus 'staff' atau 'hub'.")
    try:
        resolve_edit_conflict(db, record_id, field, keep == "staff", user.name)
    except KeyError as exc:
        abort(404, str(exc))
    sync_after_change()
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/kampanye")
                    else url_for("search.detail", record_id=record_id))
