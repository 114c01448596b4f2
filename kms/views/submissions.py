"""/ajukan: innovators write their proposals (drafts saved at any time, "Kirim" refused while a
required field is missing or weak), add photos and evidence, and the hub's operators publish
what was sent. Who may do what is kms.submissions' answer; a refused form comes back with each
field's error and what was typed."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for

from indexer.reference import urusan_labels
from kms import submissions as subs
from kms.activity import history
from kms.competitions import entered_competitions, innovator_feedback, panelist_sees
from kms.completeness import default_rules
from kms.editing import EDITABLE_FIELDS, EditError, parse_form
from kms.media import document_path
from kms.records import hub_labels
from kms.schema import DIGITAL, FIELD_LABELS, SECTIONS, STAGES, STATUSES
from kms.submissions import SubmissionError
from kms.web import current_user, get_db, signed_in_required, sync_after_change

bp = Blueprint("submissions", __name__)
FORM_FIELDS = EDITABLE_FIELDS
GUIDANCE = {     # what a KIPP panel looks for in each section
    "summary": "Ringkas: masalah, apa yang dilakukan, dan hasilnya, dalam satu atau dua paragraf.",
    "background": "Masalah pelayanan sebelum inovasi: siapa yang terdampak dan seberapa besar, dengan angka bila ada.",
    "goals": "Apa yang ingin dicapai, sebaiknya terukur.",
    "novelty": "Apa yang baru dibanding cara sebelumnya, dan mengapa belum pernah dilakukan di tempat lain.",
    "implementation": "Langkah pelaksanaan, siapa yang terlibat, sejak kapan.",
    "impact": "Perubahan yang terjadi: angka sebelum dan sesudah, pengguna layanan yang terbantu.",
    "adaptability": "Apakah sudah atau dapat ditiru instansi lain, dan apa syaratnya.",
    "resources": "Anggaran, sumber daya manusia, sarana yang dipakai.",
    "sustainability": "Dasar hukum, anggaran berikutnya, dan siapa yang melanjutkan.",
}


def _guidance() -> dict[str, str]:
    """Each section's guidance with the word count the completeness rules ask for."""
    rules = {rule.field: rule for rule in default_rules().rules if rule.test == "words"}
    out = {}
    for name, text in GUIDANCE.items():
        rule = rules.get(name)
        if rule is not None:
            need = "Wajib" if rule.level == "required" else "Dianjurkan"
            text += f" {need}, paling sedikit {rule.params.get('min_words')} kata."
        out[name] = text
    return out


def _form_values(fields: dict) -> dict:
    values = {name: fields.get(name) for name in FORM_FIELDS}
    if isinstance(values.get("sdgs"), list):
        values["sdgs"] = ", ".join(str(n) for n in values["sdgs"])
    return {k: ("" if v is None else v) for k, v in values.items()}


def _form(submission, values, errors=None, status=200):
    user = current_user()
    gaps = {}
    if submission is not None:
        try:
            gaps = {gap.field: gap for gap in subs.required_gaps(submission, default_rules())}
        except ValueError:
            gaps = {}
    hub = submission["hub"] if submission else user.hub
    year = dt.date.today().year
    return render_template(
        "submissions/form.html", submission=submission, values=values, errors=errors or {}, gaps=gaps,
        fields=FORM_FIELDS, labels=FIELD_LABELS, sections=SECTIONS, guidance=_guidance(),
        choices={"stage": STAGES, "status": STATUSES, "digital": DIGITAL, "sector": tuple(urusan_labels())},
        editable=submission is None or subs.may_edit(user, submission), publishable=bool(
            submission and subs.may_publish(user, submission)), labels_status=subs.STATUS_LABELS, user=user,
        limit=subs.max_submissions(get_db(), hub), sent=subs.sent_this_year(get_db(), (submission or {}).get(
            "innovator", user.name), year), year=year, done=request.args.get("selesai"),
        results=innovator_feedback(get_db(), submission["id"]) if submission else [],
        history=history(get_db(), "submission", submission["id"]) if submission else [], hubs=hub_labels(get_db()),
        required={rule.field for rule in default_rules().rules if rule.level == "required"},
        entered=entered_competitions(get_db(), submission["id"]) if submission else []), status


@bp.get("/ajukan")
@signed_in_required
def overview():
    user = current_user()
    if user.role not in ("innovator", "hub_operator", "admin") or (user.role == "hub_operator" and not user.hub):
        abort(403, "Ajuan inovasi dikelola inovator dan operator hub tujuannya.")
    year = dt.date.today().year
    return render_template("submissions/list.html", items=subs.submissions_for(get_db(), user), user=user,
                           hubs=hub_labels(get_db()),
                           labels=subs.STATUS_LABELS, year=year, sent=subs.sent_this_year(get_db(), user.name, year),
                           limit=subs.max_submissions(get_db(), user.hub) if user.hub else None)


def _save(submission_id: int | None):
    """Save (and with action=kirim, send) what the form holds."""
    user, db = current_user(), get_db()
    typed = {name: request.form.get(name, "") for name in FORM_FIELDS}
    try:
        values = parse_form(request.form)
    except EditError as exc:
        errors = {name: f"{FIELD_LABELS.get(name, name)}: {message}" for name, message in exc.errors.items()}
        submission = subs.get_submission(db, submission_id) if submission_id else None
        if request.form.get("action") == "kirim":       # what else "Kirim" would refuse, named at once
            readable = {name: value for name, value in typed.items() if name not in errors}
            draft = {"id": submission_id or 0, "hub": user.hub, "agency": user.agency, "unit": user.unit, "files": [],
                     **(submission or {}), "fields": readable}
            try:
                for gap in subs.required_gaps(draft, default_rules()):
                    errors.setdefault(gap.field, f"{gap.label}: {gap.reason} (wajib)")
            except ValueError:
                pass
        return _form(submission, typed, errors, 400)
    try:
        if submission_id is None:
            submission_id = subs.create(db, user, values)
        else:
            subs.save(db, submission_id, user, values)
        if request.form.get("action") == "kirim":
            subs.submit(db, submission_id, user, default_rules())
    except SubmissionError as exc:
        if exc.status in (403, 404):
            abort(exc.status, " ".join(exc.errors.values()))
        return _form(subs.get_submission(db, submission_id) if submission_id else None, typed, exc.errors, exc.status)
    done = "terkirim" if request.form.get("action") == "kirim" else "tersimpan"
    return redirect(url_for("submissions.show", number=submission_id, selesai=done), code=303)


@bp.route("/ajukan/baru", methods=["GET", "POST"])
@signed_in_required
def new():
    if current_user().role != "innovator":
        abort(403, "Hanya akun inovator yang mengajukan inovasi; operator hub membuatkan akunnya.")
    if request.method == "GET":
        return _form(None, _form_values({"unit": current_user().unit}))
    return _save(None)


def _visible(number: int) -> dict:
    submission = subs.get_submission(get_db(), number)
    if submission is None:
        abort(404, "Ajuan ini tidak ada.")
    if not (subs.may_see(current_user(), submission) or panelist_sees(get_db(), current_user(), submission)):
        abort(403, "Ajuan yang belum terbit hanya dilihat inovatornya, operator hub tujuannya, dan admin.")
    return submission


@bp.route("/ajukan/<int:number>", methods=["GET", "POST"])
@signed_in_required
def show(number):
    submission = _visible(number)
    if request.method == "GET":
        return _form(submission, _form_values(submission["fields"]))
    return _save(number)


@bp.post("/ajukan/<int:number>/berkas")
@signed_in_required
def upload(number):
    sent = request.files.get("file")
    return _file_step(number, lambda: subs.add_file(
        get_db(), number, current_user(), request.form.get("kind", ""), sent.read() if sent else b"",
        sent.filename if sent else "", current_app.config, public=request.form.get("public") == "1"), "berkas")


@bp.post("/ajukan/<int:number>/berkas/<int:index>/hapus")
@signed_in_required
def remove(number, index):
    return _file_step(number, lambda: subs.remove_file(get_db(), number, current_user(), index), "dihapus")


def _file_step(number: int, step, done: str):
    """Add or remove a file; a refusal re-shows the proposal with it (403 and 404 as such)."""
    submission = _visible(number)
    try:
        step()
    except SubmissionError as exc:
        if exc.status in (403, 404):
            abort(exc.status, " ".join(exc.errors.values()))
        return _form(submission, _form_values(submission["fields"]), exc.errors, exc.status)
    return redirect(url_for("submissions.show", number=number, selesai=done) + "#berkas", code=303)


@bp.get("/ajukan/<int:number>/berkas/<int:index>")
@signed_in_required
def file(number, index):
    """A kept photo (its thumbnail with ?kecil=1) or document, for those who may see the submission."""
    submission = _visible(number)
    if not 0 <= index < len(submission["files"]):
        abort(404, "Berkas itu tidak ada.")
    entry = submission["files"][index]
    name = entry.get("thumb") if request.args.get("kecil") and entry.get("thumb") else entry["name"]
    path = document_path(current_app.config, name)
    if path is None:
        abort(404, "Berkas itu tidak ada lagi.")
    if entry["kind"] == "photo":
        return send_file(path, mimetype="image/jpeg", max_age=0)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"ajuan-{number}-bukti-{index + 1}.pdf")


@bp.post("/ajukan/<int:number>/terbitkan")
@signed_in_required
def publish(number):
    submission = _visible(number)
    try:
        subs.publish(get_db(), number, current_user(), current_app.config)
    except SubmissionError as exc:
        if exc.status in (403, 404):
            abort(exc.status, " ".join(exc.errors.values()))
        return _form(submission, _form_values(submission["fields"]), exc.errors, exc.status)
    sync_after_change()
    return redirect(url_for("submissions.show", number=number, selesai="terbit"), code=303)
