"""Open data for everyone: /data (the full dataset with its licence, dated snapshots with
checksums, the data dictionary). The API's page for people, /api/docs, is in views/api.py."""
import hashlib

from flask import Blueprint, Response, abort, current_app, render_template

from kms.exports import columns
from kms.field_policy import field_policy, policy_rows
from kms.records import last_ingest, record_ids
from kms.schema import FIELD_LABELS
from kms.snapshots import dataset_snapshots, snapshot_path
from kms.web import attachment, get_db, records_download

bp = Blueprint("data", __name__)
DERIVED_LABELS = {"url": "Alamat halaman inovasi", "hubs": "Hub yang mengirim data ini", "id": "ID inovasi",
                  "province_code": "Kode provinsi (Kemendagri 2025)", "regency_code": "Kode kab/kota (Kemendagri 2025)",
                  "province_name": "Provinsi", "regency_name": "Kabupaten/kota", "updated_at": "Terakhir diperbarui"}
docs = Blueprint("api_docs", __name__)


@bp.get("/data")
def page():
    db = get_db()
    policy = field_policy()
    notes = {row["field"]: row["note"] for row in policy_rows()}
    dictionary = [{"field": name, "label": FIELD_LABELS.get(name, DERIVED_LABELS.get(name, "")), "heading": heading,
                   "note": notes.get(name, "")} for name, heading in columns()]
    return render_template("data/page.html", licence=current_app.config.get("DATA_LICENCE"),
                           last_ingest=last_ingest(db), count=len(record_ids(db)),
                           snapshots=dataset_snapshots(current_app.config), dictionary=dictionary,
                           staff_only=sorted(name for name, audience in policy.items() if audience == "staff"))


@bp.get("/data/inovasi.<fmt>")
def dataset(fmt):
    """Every record, public fields only, streamed."""
    if fmt not in ("csv", "jsonl"):
        abort(404)
    return records_download(record_ids(get_db()), fmt, f"inovasi-lengkap.{fmt}")


@bp.get("/data/snapshot/<name>")
def snapshot(name):
    path = snapshot_path(current_app.config, name)
    if path is None:
        abort(404)
    data = path.read_bytes()
    response = Response(data, mimetype="application/gzip")
    response.headers["Content-Disposition"] = attachment(path.name)
    response.headers["Digest"] = "sha-256=" + hashlib.sha256(data).hexdigest()
    return response
