"""Replication pages and API: similar innovations, lineage, suggestions for a problem, the gap
view, and staff actions on links."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)

from indexer.regions import resolve_region
from kms.app import get_db, search_engine
from kms.accounts import can_edit
from kms.records import get_record
from kms.replication import LinkError, decide, lineage, parse_stage_dates, save_link
from kms.schema import AGENCY_TYPES
from kms.search import ParameterError, engine_for
from kms.sync import sync
from kms.search.labels import facet_label
from kms.similar import similar_to
from kms.suggest import gap_view, suggest
from kms.views.access import current_user, staff_required
from kms.views.api import error

bp = Blueprint("replication", __name__)
MAX_LIMIT = 50


def _engine():
    return search_engine()


def _limit(default: int = 10) -> int:
    raw = request.args.get("limit", "")
    if raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ParameterError("limit", f"limit must be an integer between 1 and {MAX_LIMIT}")
    return int(raw)


def region_parameter(raw: str | None) -> str | None:
    """A dotted code, or free text resolved like `kms region`; ParameterError when unknown."""
    raw = (raw or "").strip()
    if not raw:
        return None
    found = resolve_region(raw)
    if not found.code:
        raise ParameterError("region", f"region '{raw}' is not a known province or regency"
                             + (f" ({found.reason})" if getattr(found, "reason", "") else ""))
    return found.code


def _agency_type(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    if raw and raw not in AGENCY_TYPES:
        raise ParameterError("agency_type", f"agency_type must be one of {', '.join(AGENCY_TYPES)}")
    return raw or None


def _sector() -> str | None:
    """The `sector` parameter: an urusan key, or None."""
    sector = request.args.get("sector") or None
    if sector and sector not in dict(_sectors()):
        raise ParameterError("sector", "sector must be an urusan key from vocabularies/urusan_pemerintahan.csv")
    return sector


def similar_results(record: dict, limit: int) -> list[dict]:
    return [{"id": s.id, **{k: s.record.get(k) for k in ("title", "agency", "regency_code",
                                                       "regency_name", "province_name", "year")},
             "score": s.score, "reasons": list(s.reasons)}
            for s in similar_to(get_db(), _engine(), record, limit)]


def _public_result(item: dict) -> dict:
    record = item["record"]
    return {"id": record["id"], "title": record.get("title"), "agency": record.get("agency"),
            "regency_code": record.get("regency_code"), "year": record.get("year"),
            "score": item["score"], "reasons": item["reasons"], "nearby": item.get("nearby", [])}


# -- API ----------------------------------------------------------------------------------
@bp.get("/api/innovations/<record_id>/similar")
def api_similar(record_id):
    record = get_record(get_db(), record_id)
    if record is None:
        return error("id", f"no innovation with id {record_id}", 404)
    return jsonify({"results": [{k: r[k] for k in ("id", "title", "agency", "regency_code", "year",
                                                   "score", "reasons")}
                                for r in similar_results(record, _limit())]})


@bp.get("/api/innovations/<record_id>/replications")
def api_replications(record_id):
    db = get_db()
    if get_record(db, record_id) is None:
        return error("id", f"no innovation with id {record_id}", 404)
    return jsonify(lineage(db, record_id))


@bp.get("/api/suggest")
def api_suggest():
    problem = (request.args.get("problem") or "").strip()
    if not problem:
        raise ParameterError("problem", "problem is required: describe the problem in a sentence")
    if len(problem) > 1000:
        raise ParameterError("problem", "problem is too long (at most 1000 characters)")
    region = region_parameter(request.args.get("region"))
    found = suggest(get_db(), _engine(), problem, region, _agency_type(request.args.get("agency_type")),
                    _limit())
    body = {"results": [_public_result(item) for item in found["results"]],
            "no_close_match": found["no_close_match"]}
    if region:
        body["region"] = region
    return jsonify(body)


@bp.get("/api/gaps")
def api_gaps():
    region = region_parameter(request.args.get("region"))
    if not region:
        raise ParameterError("region", "region is required")
    found = gap_view(get_db(), region, _sector(), _limit(30))
    return jsonify({**{k: found[k] for k in ("region", "own_count", "own_sectors", "peers")},
                    "results": [_public_result(item) | {"sector": item["record"].get("sector"),
                                                        "sector_gap": item["sector_gap"]}
                                for item in found["results"]]})


@bp.errorhandler(ParameterError)
def bad_parameter(exc):
    if request.path.startswith("/api/"):
        return error(exc.parameter, exc.message)
    return render_template("replication/suggest.html", error=exc, form=request.args, found=None,
                           gaps=None, agency_types=AGENCY_TYPES, label=facet_label,
                           sectors=_sectors()), 400


def _sectors() -> list[tuple[str, str]]:
    from indexer.reference import urusan_labels

    return sorted(urusan_labels().items(), key=lambda item: item[1])


# -- pages ----------------------------------------------------------------------------------
@bp.get("/replikasi")
def page():
    """Suggestions for a problem, and the gap view for a region."""
    found = gaps = None
    db = get_db()
    if request.args.get("problem", "").strip():
        region = region_parameter(request.args.get("region"))
        found = suggest(db, _engine(), request.args["problem"].strip()[:1000], region,
                        _agency_type(request.args.get("agency_type")))
        found["region"] = region
    if request.args.get("gap_region", "").strip():
        region = region_parameter(request.args.get("gap_region"))
        gaps = gap_view(db, region, _sector())
    return render_template("replication/suggest.html", error=None, form=request.args, found=found,
                           gaps=gaps, agency_types=AGENCY_TYPES, label=facet_label,
                           sectors=_sectors())


def _editable_link(record_id: str, link: dict) -> None:
    """403 unless the account may edit the original or the replica."""
    db = get_db()
    user = current_user()
    sides = [get_record(db, link["original_id"]), get_record(db, link["replica_id"])]
    if record_id not in (link["original_id"], link["replica_id"]):
        abort(404)
    if not any(side and can_edit(db, user, side) for side in sides):
        abort(403, "Tautan replikasi ini di luar wewenang akun Anda.")


@bp.post("/inovasi/<record_id>/replikasi/<int:link_id>/<action>")
@staff_required
def decide_link(record_id, link_id, action):
    if action not in ("konfirmasi", "tolak"):
        abort(404)
    db = get_db()
    rows = list(db.query("SELECT * FROM replications WHERE id = ?", [link_id]))
    if not rows:
        abort(404, "Tautan replikasi tidak ditemukan.")
    _editable_link(record_id, rows[0])
    try:
        decide(db, link_id, action == "konfirmasi", current_user().name)
    except LinkError as exc:
        abort(409, str(exc))
    sync(db, engine_for(current_app.config))
    return redirect(url_for("search.detail", record_id=record_id) + "#replikasi")


@bp.post("/inovasi/<record_id>/replikasi")
@staff_required
def add_link(record_id):
    """Staff record that this innovation replicates another (or was replicated by it)."""
    db = get_db()
    record = get_record(db, record_id)
    if record is None:
        abort(404)
    form = request.form
    other = (form.get("other") or "").strip()
    other = other.rsplit("/", 1)[-1]   # an id, or a pasted record address
    role = form.get("role", "original")
    if role not in ("original", "replica"):
        abort(400, "Peran harus 'original' atau 'replica'.")
    original, replica = (other, record_id) if role == "original" else (record_id, other)
    link = {"original_id": original, "replica_id": replica}
    other_record = get_record(db, other)
    if other_record is None:
        abort(400, f"Tidak ada inovasi dengan id {other}.")
    _editable_link(record_id, link)
    try:
        dates = parse_stage_dates(form)
        stage = form.get("stage") or None
        with db.conn:
            link_id, _outcome = save_link(db, original, replica, origin=f"staff:{current_user().name}",
                                          status="confirmed", stage=stage, dates=dates,
                                          user=current_user().name)
        decide(db, link_id, True, current_user().name)
    except LinkError as exc:
        abort(400, str(exc))
    sync(db, engine_for(current_app.config))
    return redirect(url_for("search.detail", record_id=record_id) + "#replikasi")
