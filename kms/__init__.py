"""Inovasi KMS: a knowledge-management search engine for public-service innovations."""
from __future__ import annotations

import secrets

from flask import Flask, g

from kms.config import ROOT, db_path, load_config
from kms.db import open_db


def create_app(overrides: dict | None = None) -> Flask:
    """The only place the app is assembled."""
    config = load_config(overrides)
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "kms" / "static"))
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    from kms.views import home

    app.register_blueprint(home.bp)
    return app


def get_db():
    """The request's store connection, opened on first use."""
    from flask import current_app

    if "db" not in g:
        g.db = open_db(db_path(current_app.config))
    return g.db
