"""The home page: how many records the store holds, and the latest of them."""
from flask import Blueprint, render_template

from kms import get_db
from kms.records import count_records, recent_records

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Record count and the most recently updated records."""
    db = get_db()
    return render_template("home/index.html", total=count_records(db), records=recent_records(db))
