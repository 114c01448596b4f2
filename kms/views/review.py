"""/tinjau: the review queue as a page. Items grouped by kind and cause (the hub, the field and
the spelling in question) with counts, each group decided at once by the decision its kind
takes (kms.decisions: a region or agency for a spelling, kept per hub so it is never asked
again; a conflict's value; a contradiction's side; an acknowledgement), only on the records the
account may edit; and the detected replication candidates with Konfirmasi / Tolak."""
from flask import Blueprint, redirect, render_template, request, url_for

from kms.accounts import can_edit
from kms.decisions import DecisionError, decide
from kms.links import pending_candidates
from kms.records import hub_labels, records_by_id, review_items
from kms.web import current_user, get_db, staff_required, sync_after_change

bp = Blueprint("review", __name__)
KIND_TITLES = {"region": "Wilayah belum pasti", "agency": "Instansi tidak dikenal", "value": "Nilai tidak dikenali",
               "conflict": "Hub berbeda pendapat", "contradiction": "Instansi dan wilayah bertentangan",
               "dropped_source": "Tidak dikirim lagi oleh hub", "edit_conflict": "Hub mengubah suntingan staf",
               "encoding": "Karakter tak terbaca"}
ACKNOWLEDGE = ("dropped_source", "edit_conflict", "encoding")


def _spelling(item: dict) -> str:
    """The source's spelling an item asks about (details of other kinds are lists or absent)."""
    detail = item.get("detail")
    return str(detail.get("value") or "") if isinstance(detail, dict) else ""


def _group_key(item: dict) -> str:
    spelling = _spelling(item)
    if item["kind"] in ("region", "agency", "value"):
        return f"{item['kind']}|{item['hub']}|{item['field']}|{spelling}"
    return f"{item['kind']}|{item['id']}"          # decided one by one


def _groups(db, user) -> list[dict]:
    items = review_items(db)
    records = records_by_id(db, sorted({i["record_id"] for i in items if i["record_id"]}))
    groups: dict[str, dict] = {}
    for item in items:
        record = records.get(item["record_id"])
        if record is None or not can_edit(db, user, {**record, "id": item["record_id"]}):
            continue
        key = _group_key(item)
        group = groups.setdefault(key, {"key": key, "kind": item["kind"], "hub": item["hub"], "field": item["field"],
                                        "spelling": _spelling(item),
                                        "message": item["message"], "items": []})
        group["items"].append({**item, "title": record.get("title")})
    return sorted(groups.values(), key=lambda g: (g["kind"], -len(g["items"]), g["key"]))


@bp.get("/tinjau")
@staff_required
def page():
    db, user = get_db(), current_user()
    groups = _groups(db, user)
    counts: dict[str, int] = {}
    for group in groups:
        counts[group["kind"]] = counts.get(group["kind"], 0) + len(group["items"])
    candidates = [c for c in pending_candidates(db)
                  if any(can_edit(db, user, r) for r in records_by_id(db, [c["original_id"], c["replica_id"]]).values())]
    return render_template("staff/review.html", groups=groups, counts=counts, titles=KIND_TITLES,
                           labels=hub_labels(db), acknowledge=ACKNOWLEDGE, candidates=candidates,
                           done=request.args.get("selesai"), failed=request.args.get("gagal"))


@bp.post("/tinjau/putuskan")
@staff_required
def decide_group():
    """One decision for every item of a group the account may edit."""
    db, user = get_db(), current_user()
    key = request.form.get("group") or ""
    value = (request.form.get("value") or "").strip()
    group = next((g for g in _groups(db, user) if g["key"] == key), None)
    if group is None:
        return redirect(url_for("review.page", gagal="Kelompok ini sudah diputuskan atau di luar wewenang Anda."))
    if group["kind"] in ACKNOWLEDGE:
        value = value or "diketahui"
    if not value:
        return redirect(url_for("review.page", gagal="Isi keputusannya dulu.") + f"#g-{group['items'][0]['id']}")
    done, errors = [], []
    for item in group["items"]:
        try:
            done.append(decide(db, item["id"], value, user))
        except DecisionError as exc:
            errors.append(str(exc))
    if done:
        sync_after_change()
    if errors and not done:
        return redirect(url_for("review.page", gagal=errors[0]) + f"#g-{group['items'][0]['id']}")
    return redirect(url_for("review.page", selesai=f"{len(done)} item diputuskan: {done[0]}"
                                                   + (f"; {len(errors)} gagal" if errors else "")))
