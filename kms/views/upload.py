"""/unggah: a hub operator (or an admin) uploads an export for their own hub, sees the first rows
as the mapping reads them, runs the ingest (a job, one per hub at a time) and reads the report,
the quarantined rows and the way to the new review items."""
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from indexer.mapping import MappingError, all_hub_mappings, mapping_from_text
from indexer.sources import SourceError
from kms.records import hub_labels, quarantine_items
from kms.renormalize import current_mapping
from kms.upload import (busy, content_problem, folder, job_state, preview, safe, start_ingest, store)
from kms.web import current_user, get_db, staff_required

bp = Blueprint("upload", __name__)
MB = 2**20


def _hubs() -> list[str]:
    """The hubs this account may upload for: every known hub for admins, its own for an operator."""
    user = current_user()
    if user.role == "admin":
        known = {m.name for m in all_hub_mappings() if m.kind == "innovations"} | set(hub_labels(get_db()))
        return sorted(known)
    if user.role == "hub_operator" and user.hub:
        return [user.hub]
    abort(403, "Unggah hanya untuk admin dan operator hub (untuk hubnya sendiri).")


def _allowed(hub: str) -> str:
    if hub not in _hubs():
        abort(403, "Hub ini di luar wewenang akun Anda.")
    return hub


@bp.get("/unggah")
@staff_required
def form():
    return render_template("staff/upload.html", hubs=_hubs(), labels=hub_labels(get_db()), error=None,
                           limit=current_app.config.get("UPLOAD_MAX_MB"))


@bp.post("/unggah")
@staff_required
def receive():
    config = current_app.config
    hub = _allowed(request.form.get("hub") or "")
    labels = hub_labels(get_db())

    def again(message, status=400):
        return render_template("staff/upload.html", hubs=_hubs(), labels=labels, error=message, chosen=hub,
                               limit=config.get("UPLOAD_MAX_MB")), status
    uploaded_mapping = request.files.get("mapping")
    if uploaded_mapping and uploaded_mapping.filename:
        text = uploaded_mapping.read().decode("utf-8", "replace")
        try:
            mapping = mapping_from_text(text, Path(safe(uploaded_mapping.filename)))
        except MappingError as exc:
            return again(f"Pemetaan tidak dapat dipakai: {exc}")
        if mapping.name != hub:
            return again(f"Pemetaan ini untuk hub '{mapping.name}', bukan '{hub}'.")
    else:
        mapping = current_mapping(get_db(), hub)
        if mapping is None:
            return again(f"Hub {hub} belum punya pemetaan: unggah berkas pemetaannya (.toml).")
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return again("Pilih paling sedikit satu berkas ekspor.")
    stored = []
    for upload in files:
        data = upload.read()
        problem = content_problem(mapping.format, data)
        if problem:
            return again(f"{upload.filename}: {problem} (pemetaan hub ini membaca format {mapping.format}).")
        stored.append(store(config, hub, upload.filename, data, current_user().name))
    mapping_path = folder(config, hub) / f"pemetaan-{mapping.name}.toml"
    mapping_path.write_text(mapping.text, encoding="utf-8")
    previews = []
    for path in stored:
        try:
            previews.append({"file": path.name, "rows": preview(path, mapping), "error": None})
        except SourceError as exc:
            previews.append({"file": path.name, "rows": [], "error": str(exc)})
    return render_template("staff/upload_preview.html", hub=hub, labels=labels, previews=previews,
                           files=[p.name for p in stored], mapping=mapping, mapping_file=mapping_path.name,
                           busy=busy(config, hub))


@bp.post("/unggah/jalankan")
@staff_required
def run():
    config = current_app.config
    hub = _allowed(request.form.get("hub") or "")
    base = folder(config, hub)
    paths = [base / safe(name) for name in request.form.getlist("file")]
    mapping_path = base / safe(request.form.get("mapping") or "")
    if not paths or not all(p.is_file() for p in paths) or not mapping_path.is_file():
        abort(400, "Berkas unggahan tidak ditemukan; unggah lagi.")
    if busy(config, hub):
        return render_template("staff/upload_job.html", job=None, state={"status": "failed", "hub": hub,
                               "message": f"Ingest lain untuk hub {hub} sedang berjalan; coba lagi setelah selesai."},
                               labels=hub_labels(get_db()), quarantined=[]), 409
    job = start_ingest(config, hub, paths, mapping_path, current_user().name)
    return redirect(url_for("upload.job", job=job))


@bp.get("/unggah/<job>")
@staff_required
def job(job):
    state = job_state(current_app.config, job)
    if state is None:
        abort(404, "Ingest ini tidak ada.")
    _allowed(state.get("hub") or "")
    quarantined = []
    if state.get("status") == "done":
        files = set(state.get("files") or [])
        quarantined = [item for item in quarantine_items(get_db(), state["hub"]) if item["file"] in files]
    return render_template("staff/upload_job.html", job=job, state=state, labels=hub_labels(get_db()),
                           quarantined=quarantined)
