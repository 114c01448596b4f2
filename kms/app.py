"""The web app: assembled in create_app, one store connection per request (get_db)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask, g
from flask_wtf.csrf import CSRFError, CSRFProtect

from kms.config import ROOT, db_path, load_config
from kms.db import open_db
from kms.search.engine import IndexDamaged

RETRY_AFTER = 30      # seconds, in the 503 that answers while the index is rebuilt


def create_app(overrides: dict | None = None) -> Flask:
    """The only place the app is assembled."""
    config = load_config(overrides)
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "kms" / "static"))
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", dt.timedelta(hours=8))
    CSRFProtect(app)    # every POST form carries a token; the JSON API only reads

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    from kms.search.labels import facet_label
    from kms.views import api, auth, edit, health, replication, search, staff
    from kms.views.access import current_user

    app.jinja_env.globals["label_award"] = lambda key: facet_label("award", key)
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["label_field"] = facet_label
    from kms.replication import origin_label
    app.jinja_env.globals["origin_label"] = origin_label

    for module in (search, api, auth, staff, edit, replication, health):
        app.register_blueprint(module.bp)
    register_error_pages(app)
    return app


def register_error_pages(app: Flask) -> None:
    """JSON errors under /api/, Indonesian pages elsewhere; never a traceback."""
    from flask import jsonify, render_template, request
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = "Formulir ditolak: token keamanan (CSRF) tidak ada atau kedaluwarsa. " \
                  "Muat ulang halaman lalu kirim lagi."
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(IndexDamaged)
    def index_damaged(exc):
        from kms.repair import start_repair
        from kms.sync import report_damage

        report_damage(get_db(), str(exc))
        start_repair(app.config)
        headers = {"Retry-After": str(RETRY_AFTER)}
        if request.path.startswith("/api/"):
            return jsonify({"error": {"parameter": None, "message": "the search index is being "
                                      "rebuilt (indeks sedang dibangun ulang); retry shortly"}}), 503, headers
        message = "Indeks pencarian sedang dibangun ulang dari basis data. Coba lagi sebentar lagi."
        return render_template("errors/error.html", code=503, message=message), 503, headers

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if request.path.startswith("/api/"):
            return jsonify({"error": {"parameter": None, "message": exc.description}}), exc.code
        return render_template("errors/error.html", code=exc.code, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unexpected error")
        if request.path.startswith("/api/"):
            return jsonify({"error": {"parameter": None, "message": "internal error"}}), 500
        return render_template("errors/error.html", code=500, message="Terjadi kesalahan."), 500


def search_engine():
    """The configured engine for this request. While the store says the index is damaged (a
    rebuild is on its way, in this process or another) it raises IndexDamaged: 503."""
    from flask import current_app

    from kms.search import engine_for
    from kms.sync import state

    if state(get_db(), "damaged") is not None:
        raise IndexDamaged("indeks sedang dibangun ulang")
    return engine_for(current_app.config)


def get_db():
    """The request's store connection, opened on first use."""
    from flask import current_app

    if "db" not in g:
        g.db = open_db(db_path(current_app.config))
    return g.db
