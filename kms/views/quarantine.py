"""/karantina: what could not be ingested, by hub and file, with the raw row and the reason;
rows tried again with the hub's current mapping; rows discarded with a reason (kept, with who
and when). Admins see every hub, a hub operator its own hub."""
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.pipeline import ingest_rows
from indexer.sources.base import SourceRecord
from kms.records import discard_quarantined, hub_labels, now_iso, quarantine_discards, quarantine_items
from kms.renormalize import current_mapping
from kms.web import current_user, get_db, staff_required, sync_after_change

bp = Blueprint("quarantine", __name__)


def _hubs_allowed() -> set[str] | None:
    """None: every hub (admins); else the operator's own hub; 403 for anyone else."""
    user = current_user()
    if user.role == "admin":
        return None
    if user.role == "hub_operator" and user.hub:
        return {user.hub}
    abort(403, "Halaman karantina untuk admin dan operator hub (cakupan satu hub).")


@bp.get("/karantina")
@staff_required
def page():
    allowed = _hubs_allowed()
    items = [item for item in quarantine_items(get_db()) if allowed is None or item["hub"] in allowed]
    groups: dict = {}
    for item in items:
        groups.setdefault(item["hub"], {}).setdefault(item["file"], []).append(item)
    discards = [d for d in quarantine_discards(get_db()) if allowed is None or d["hub"] in allowed][:50]
    return render_template("staff/quarantine.html", groups=groups, labels=hub_labels(get_db()), count=len(items),
                           discards=discards, done=request.args.get("selesai"))


@bp.post("/karantina/coba-lagi")
@staff_required
def retry():
    allowed = _hubs_allowed()
    hub = request.form.get("hub") or ""
    if allowed is not None and hub not in allowed:
        abort(403, "Hub ini di luar wewenang akun Anda.")
    mapping = current_mapping(get_db(), hub)
    if mapping is None:
        return redirect(url_for("quarantine.page", selesai=f"Hub {hub} belum punya pemetaan yang dapat dibaca."))
    file = request.form.get("file")
    rows = [(item["file"], SourceRecord(item["line"], item["raw"] if isinstance(item["raw"], dict) else {}))
            for item in quarantine_items(get_db(), hub) if not file or item["file"] == file]
    report = ingest_rows(get_db(), mapping, rows)
    sync_after_change()
    still = len([item for item in quarantine_items(get_db(), hub) if not file or item["file"] == file])
    return redirect(url_for("quarantine.page", selesai=f"{len(rows)} baris dicoba lagi: {len(rows) - still} masuk, "
                                                        f"{still} tetap di karantina (baru {report.new}, "
                                                        f"digabung {report.merged})."))


@bp.post("/karantina/buang")
@staff_required
def discard():
    allowed = _hubs_allowed()
    form = request.form
    hub, file, reason = form.get("hub") or "", form.get("file") or "", (form.get("why") or "").strip()
    if allowed is not None and hub not in allowed:
        abort(403, "Hub ini di luar wewenang akun Anda.")
    try:
        line = int(form.get("line") or "")
    except ValueError:
        abort(400, "Baris tidak valid.")
    if len(reason) < 5:
        return redirect(url_for("quarantine.page", selesai="Tulis alasan membuang baris ini (paling sedikit 5 karakter)."))
    if not discard_quarantined(get_db(), hub, file, line, reason[:500], current_user().name, now_iso()):
        abort(404, "Baris karantina ini tidak ada lagi.")
    get_db().conn.commit()
    return redirect(url_for("quarantine.page", selesai=f"Baris {line} dari {Path(file).name} dibuang: {reason[:80]}"))
