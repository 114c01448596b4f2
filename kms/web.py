"""What every view shares, and nothing else: the request's store connection and search engine,
bringing the index in step after a change, who is asking (the signed-in account) and the
guards every staff route uses, and the API's error body.

A page asked for without an account answers 401 with the sign-in form (the person signs in
and comes back); an API call answers 401 JSON. An account outside its role or scope gets 403.
Views import this module, never each other; the app (kms.app) imports the views.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from flask import Response, abort, current_app, g, jsonify, render_template, request, session

from kms.accounts import User, can_edit, get_user
from kms.config import db_path
from kms.db import open_db
from kms.exports import FORMATS, as_csv, as_jsonl, exported_records
from kms.page_views import ViewCounter, counted, stored_views
from kms.search import engine_for, thesaurus
from kms.search.engine import IndexDamaged
from kms.sync import state, sync


def get_db():
    """The request's store connection, opened on first use (closed by the app at teardown)."""
    if "db" not in g:
        g.db = open_db(db_path(current_app.config))
    return g.db


def streamed(body):
    """A response body written after the view returns (a large export): `body(db)` gets a
    connection of its own, closed when the last chunk is sent (the request's is closed by then)."""
    path = db_path(current_app.config)

    def chunks():
        db = open_db(path)
        try:
            yield from body(db)
        finally:
            db.close()
    return chunks()


def records_download(ids: list[str], fmt: str, filename: str):
    """These records as a CSV or JSON Lines download (public fields), written while it is sent."""
    base = public_url("")

    def body(db):
        records = exported_records(db, ids, base)
        return as_csv(records) if fmt == "csv" else as_jsonl(records)
    response = Response(streamed(body), mimetype=FORMATS[fmt])
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = attachment(filename)
    return response


def view_counter() -> ViewCounter:
    """This app's memory of today's record page openings (kms.page_views)."""
    if "page_views" not in current_app.extensions:
        current_app.extensions["page_views"] = ViewCounter(str(current_app.config["SECRET_KEY"]))
    return current_app.extensions["page_views"]


def count_view(record_id: str) -> None:
    if counted(request.method, request.headers.get("User-Agent")):
        view_counter().add(get_db(), record_id, request.remote_addr or "-")


def views_of(record_id: str) -> int:
    return stored_views(get_db(), record_id)


def search_engine():
    """The configured engine for this request. While the store says the index is damaged (a
    rebuild is on its way, in this process or another) it raises IndexDamaged: 503."""
    if state(get_db(), "damaged") is not None:
        raise IndexDamaged("indeks sedang dibangun ulang")
    return engine_for(current_app.config)


def public_url(path: str) -> str:
    """The absolute address of a path on this site (PUBLIC_URL, else the address asked)."""
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/") or request.url_root.rstrip("/")
    return base + path


def query_thesaurus():
    """The thesaurus with the staff synonyms of this app's data folder."""
    return thesaurus.current(current_app.config["DATA_DIR"])


def sync_after_change() -> None:
    """After an edit or a link change: the journal already holds the ids; bring the index,
    signatures and detection in step now (a crash here leaves only a delay)."""
    sync(get_db(), engine_for(current_app.config))


ERROR_CODES = {400: "bad_parameter", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "too_many_requests",
               500: "internal", 503: "index_rebuilding"}


def api_error(parameter: str | None, message: str, status: int = 400, code: str | None = None):
    """The API's one error body: {"error": {"parameter", "message", "code"}} (`code`: a stable
    machine-readable name of the kind of error)."""
    code = code or ERROR_CODES.get(status, "error")
    return jsonify({"error": {"parameter": parameter, "message": message, "code": code}}), status



def current_user() -> User | None:
    """The signed-in account, while its session is current (sign-out, a new password or
    disabling ends every session of the account)."""
    if "user" not in g:
        name = session.get("user")
        user = get_user(get_db(), name) if name else None
        if user is not None and session.get("version") != user.session_version:
            user = None
        if user is None and name:
            session.clear()
        g.user = user
    return g.user


def current_staff() -> User | None:
    """The signed-in account when it is staff (an innovator is a visitor on staff matters)."""
    user = current_user()
    return user if user is not None and user.is_staff else None


def _refuse_anonymous():
    if request.path.startswith("/api/"):
        return api_error(None, "sign in as staff first (/masuk)", 401)
    return render_template("auth/login.html", next=request.full_path.rstrip("?"), error=None,
                           name=""), 401


def staff_required(view):
    """A signed-in staff account (admin, hub operator, agency editor)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        user = current_user()
        if user is None:
            return _refuse_anonymous()
        if not user.is_staff:
            if request.path.startswith("/api/"):
                return api_error(None, "this account is not a staff account", 403)
            abort(403, "Halaman ini untuk staf hub dan instansi. Akun inovator mengelola ajuannya di /ajukan.")
        return view(*args, **kwargs)
    return guarded


def signed_in_required(view):
    """Any signed-in account (each view then decides what the account may see)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if current_user() is None:
            return _refuse_anonymous()
        return view(*args, **kwargs)
    return guarded


def campaign_manager_required(view):
    """Admins and hub operators (campaigns and snapshots): staff_required, and that role."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user().can_manage_campaigns():
            abort(403, "Peran Anda tidak dapat mengelola kampanye.")
        return view(*args, **kwargs)
    return staff_required(guarded)


def require_edit_right(record: dict) -> User:
    """The account, if it may edit this record; 403 otherwise."""
    user = current_user()
    if not can_edit(get_db(), user, record):
        abort(403, "Data ini di luar wewenang akun Anda.")
    return user


def attachment(filename: str) -> str:
    """A Content-Disposition for any file name: an ASCII fallback, and the name itself in
    UTF-8 (RFC 5987 `filename*`), so an agency or region name in any script never breaks it."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
