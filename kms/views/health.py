"""GET /healthz: the store and the index, for monitors and load balancers."""
from flask import Blueprint, current_app, jsonify

from kms.web import get_db
from kms.status import status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    report = status(get_db(), current_app.config)
    return jsonify(report), 200 if report["ok"] else 503
