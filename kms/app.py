"""The web app, assembled in create_app: settings, CSRF, the blueprints, the error pages.
Views share kms.web (the request's store and engine, the signed-in account); none imports
another, and nothing here builds an index (kms serve syncs before it listens)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from kms.compression import compress
from kms.config import ROOT, load_config
from kms.display import tanggal, waktu, with_links
from kms.links import origin_label
from kms.media import MAX_DOCUMENT_MB
from kms.params import ParameterError
from kms.ratelimit import RateLimiter
from kms.photos import image_hosts
from kms.repair import start_repair
from kms.schema import ROLE_NAMES
from kms.search.engine import IndexDamaged
from kms.search.labels import facet_label
from kms.sync import report_damage
from kms.views import (accounts, api, auth, booklets, competitions, edit, feedback, health, opendata, quarantine, replication, requests, review,
                       search, site, staff, stats, submissions, upload)
from kms.web import api_error, current_user, get_db

RETRY_AFTER = 30      # seconds, in the 503 that answers while the index is rebuilt
# Routes that take files: endpoint -> the most they may send, in MB (or the setting naming it)
LARGE_BODIES = {"upload.receive": "UPLOAD_MAX_MB", "submissions.upload": MAX_DOCUMENT_MB + 1,
                "requests.accept": MAX_DOCUMENT_MB + 1, "requests.implemented": MAX_DOCUMENT_MB + 1}
MAX_BODY = 2 * 2**20  # bytes a request may send (forms are small; uploads come with the ingest desk)
HTTP_MESSAGES = {
    400: "Permintaan tidak valid.",
    401: "Halaman ini hanya untuk staf yang sudah masuk.",
    403: "Anda tidak berhak membuka halaman ini.",
    404: "Halaman tidak ditemukan. Periksa alamatnya, atau mulai dari pencarian.",
    405: "Cara membuka halaman ini tidak diizinkan.",
    413: f"Kiriman terlalu besar (paling banyak {MAX_BODY // 2**20} MB).",
    429: "Terlalu banyak permintaan. Coba lagi sebentar lagi.",
    500: "Terjadi kesalahan di server. Kesalahan ini sudah dicatat; coba lagi nanti.",
    503: "Layanan sedang tidak tersedia. Coba lagi sebentar lagi.",
}
ERROR_TITLES = {400: "Permintaan tidak valid", 401: "Perlu masuk", 403: "Akses ditolak",
                404: "Halaman tidak ditemukan", 405: "Metode tidak diizinkan", 413: "Kiriman terlalu besar",
                429: "Terlalu banyak permintaan", 500: "Kesalahan server", 503: "Sedang tidak tersedia"}
# No page runs an inline script or style (only the site's own files), nothing loads from other
# hosts but the photo hosts a setting allows, and no page can be framed.
CONTENT_POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:{hosts}; "
                  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
BLUEPRINTS = (search, api, auth, staff, edit, replication, health, site, stats, opendata, booklets, accounts,
              quarantine, review, upload, feedback, requests, submissions, competitions)
LIMITED = {"search.results", "search.detail", "search.export", "search.profile", "data.dataset"}     # and every /api/ route: anonymous traffic is limited


def create_app(overrides: dict | None = None) -> Flask:
    """The only place the app is assembled."""
    config = load_config(overrides)
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "kms" / "static"))
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Flask has its own defaults for these, so they are set, not defaulted (an override wins)
    app.config.update({"SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
                       "SESSION_COOKIE_SECURE": bool(int(app.config.get("SECURE_COOKIES") or 0)),
                       "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8), "MAX_CONTENT_LENGTH": MAX_BODY,
                       **{k: v for k, v in (overrides or {}).items() if k.startswith(("SESSION_", "PERMANENT_"))}})
    @app.before_request
    def body_limit():
        """Forms that carry files may send more than MAX_BODY (set before the CSRF check reads
        the form: a limit set after it comes too late)."""
        megabytes = LARGE_BODIES.get(request.endpoint or "")
        if megabytes:
            request.max_content_length = int(app.config.get(megabytes) if isinstance(megabytes, str)
                                             else megabytes) * 2**20

    CSRFProtect(app)    # every POST form carries a token; the JSON API only reads
    if int(app.config.get("TRUSTED_PROXIES") or 0) > 0:
        proxies = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    limiter = RateLimiter(int(app.config.get("RATE_LIMIT") or 0))
    headers = {"Content-Security-Policy": CONTENT_POLICY.format(
        hosts="".join(f" https://{host}" for host in image_hosts(app.config))), **SECURITY_HEADERS}

    @app.before_request
    def rate_limit():
        if not (request.path.startswith("/api/") or request.endpoint in LIMITED) or current_user():
            return None
        allowed, wait = limiter.allow(request.remote_addr or "-")
        if allowed:
            return None
        headers = {"Retry-After": str(wait)}
        if _is_api():
            body, status = api_error(None, f"too many requests from this address; retry in {wait} s", 429)
            return body, status, headers
        return error_page(429, HTTP_MESSAGES[429]), 429, headers

    @app.after_request
    def security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        private = current_user() is not None or (request.endpoint or "").startswith("auth.")
        if private:
            response.headers["Cache-Control"] = "no-store"    # what a signed-in account sees, sign-in
        return compress(response, private)

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    app.jinja_env.globals.update(
        label_award=lambda key: facet_label("award", key), current_user=current_user,
        label_field=facet_label, origin_label=origin_label, role_name=lambda role: ROLE_NAMES.get(role, role))
    app.jinja_env.filters.update(tanggal=tanggal, waktu=waktu, links=with_links)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    register_error_pages(app)
    return app


def _is_api() -> bool:
    return request.path.startswith("/api/")


def error_page(code: int, message: str) -> str:
    """The one error page, in Indonesian, for every status."""
    return render_template("errors/error.html", code=code, title=ERROR_TITLES.get(code, "Kesalahan"),
                           message=message)


def register_error_pages(app: Flask) -> None:
    """JSON errors under /api/, Indonesian pages elsewhere; never a traceback."""

    @app.errorhandler(ParameterError)
    def bad_parameter(exc):
        """The one place a malformed parameter becomes a 400."""
        if _is_api():
            return api_error(exc.parameter, exc.message, exc.status, exc.code)
        return error_page(exc.status, f"Parameter {exc.parameter} tidak valid: {exc.pesan}"), exc.status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = "Formulir ditolak: token keamanan (CSRF) tidak ada atau kedaluwarsa. " \
                  "Muat ulang halaman lalu kirim lagi."
        return error_page(400, message), 400

    @app.errorhandler(IndexDamaged)
    def index_damaged(exc):
        report_damage(get_db(), str(exc))
        start_repair(app.config)
        headers = {"Retry-After": str(RETRY_AFTER)}
        if _is_api():
            body, status = api_error(None, "the search index is being rebuilt (indeks sedang dibangun "
                                           "ulang); retry shortly", 503)
            return body, status, headers
        message = "Indeks pencarian sedang dibangun ulang dari basis data. Coba lagi sebentar lagi."
        return error_page(503, message), 503, headers

    @app.errorhandler(HTTPException)
    def http_error(exc):
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]   # Allow on a 405
        if _is_api():
            body, status = api_error(None, exc.description, exc.code)
            return body, status, headers
        message = exc.description
        if message == type(exc).description:      # werkzeug's own English text: say it in Indonesian
            message = HTTP_MESSAGES.get(exc.code, "Permintaan tidak dapat dilayani.")
        return error_page(exc.code, message), exc.code, headers

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unexpected error")
        if _is_api():
            return api_error(None, "internal error", 500)
        return error_page(500, HTTP_MESSAGES[500]), 500
