"""Service users rate and comment on an innovation's page (no account; CSRF, a per-address
limit, a honeypot field, length limits); staff in scope moderate the comments at /moderasi."""
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from kms.accounts import can_edit
from kms.feedback import FeedbackError, comment, get_comment, moderate, pending, rate
from kms.ratelimit import RateLimiter
from kms.records import get_record
from kms.web import current_user, get_db, staff_required

bp = Blueprint("feedback", __name__)
HONEYPOT = "situs_web"          # a field people never see: a bot that fills it is thanked and ignored
def _limiter() -> RateLimiter:
    """This app's limit on feedback per address (FEEDBACK_RATE a minute)."""
    if "feedback_limiter" not in current_app.extensions:
        per_minute = int(current_app.config.get("FEEDBACK_RATE") or 0)
        current_app.extensions["feedback_limiter"] = RateLimiter(per_minute, burst=max(1, per_minute // 2))
    return current_app.extensions["feedback_limiter"]


def _back(record_id: str, **args):
    return redirect(url_for("search.detail", record_id=record_id) + ("?" + urlencode(args) if args else "")
                    + "#tanggapan", code=303)


@bp.post("/inovasi/<record_id>/tanggapan")
def give(record_id):
    db = get_db()
    if get_record(db, record_id) is None:
        abort(404, "Inovasi dengan ID ini tidak ada.")
    allowed, wait = _limiter().allow(request.remote_addr or "-")
    if not allowed:
        abort(429, f"Terlalu banyak tanggapan dari alamat ini. Coba lagi dalam {wait} detik.")
    form = request.form
    if form.get(HONEYPOT):
        return _back(record_id, tanggapan="terima")
    rating, text = (form.get("rating") or "").strip(), (form.get("text") or "").strip()
    if not rating and not text:
        return _back(record_id, tanggapan_galat="Pilih nilai atau tulis tanggapan.")
    outcome = []
    try:
        if rating:
            counted = rate(db, record_id, rating, request.remote_addr or "-", current_app.config["SECRET_KEY"])
            outcome.append("nilai" if counted else "sudah")
        if text:
            comment(db, record_id, text, form.get("name") or "")
            outcome.append("komentar")
    except FeedbackError as exc:
        return _back(record_id, tanggapan_galat=" ".join(exc.errors.values()), tanggapan_teks=text[:1000],
                     tanggapan_nama=(form.get("name") or "")[:80])
    return _back(record_id, tanggapan=",".join(outcome))


def _in_scope(item) -> bool:
    record = get_record(get_db(), item["record_id"])
    return record is not None and can_edit(get_db(), current_user(), record)


@bp.get("/moderasi")
@staff_required
def queue():
    items = [item for item in pending(get_db()) if _in_scope(item)]
    return render_template("staff/moderation.html", items=items, done=request.args.get("selesai"))


@bp.post("/moderasi/<int:comment_id>")
@staff_required
def decide(comment_id):
    item = get_comment(get_db(), comment_id)
    if item is None:
        abort(404, "Komentar ini tidak ada.")
    if not _in_scope(item):
        abort(403, "Komentar ini pada data di luar wewenang akun Anda.")
    action = request.form.get("action")
    if action not in ("terbitkan", "tolak"):
        abort(400, "Pilih terbitkan atau tolak.")
    moderate(get_db(), comment_id, action == "terbitkan", current_user().name, request.form.get("answer") or "")
    return redirect(url_for("feedback.queue", selesai="Komentar diterbitkan." if action == "terbitkan" else "Komentar ditolak."))
