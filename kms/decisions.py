"""A person's decision on a review item (`kms decide ITEM VALUE --as NAME`), by the item's kind:

- region: the region the hub's spelling means (a code or a name) -> kept for that hub and
  spelling, so the question never comes back; the source is normalized again;
- agency: the agency the spelling means (any spelling the normalizer knows) -> the same;
- value: the canonical value of what the hub sent (an award key, an urusan key...) -> the same;
- conflict: the value the record shows -> a staff edit of that field (audited);
- contradiction: `wilayah` (the region is right: the agency spelling is taken as that region's
  government) or `instansi` (the agency is right: the region spelling is taken as its region);
- dropped_source, edit_conflict, encoding: acknowledged.

Only an account that may edit the record decides on it.
"""
from __future__ import annotations

import json

from indexer.agencies import normalize_agency, region_government_name
from indexer.reference import award_labels
from indexer.regions import REVIEW, resolve_region
from indexer.textnorm import fold
from kms import records
from kms.accounts import User, can_edit
from kms.editing import EditError, apply_edit, parse_form
from kms.renormalize import renormalize_source

ACKNOWLEDGED = ("dropped_source", "edit_conflict", "encoding")
SIDES = {"wilayah": "region", "instansi": "agency"}


class DecisionError(ValueError):
    """A decision that cannot be taken; the message says why."""


def decide(db, item_id: int, value: str, user: User) -> str:
    """Carry out the decision; answers what was done (Indonesian)."""
    item = records.review_item(db, item_id)
    if item is None or item["resolved_at"]:
        raise DecisionError(f"tidak ada item tinjauan terbuka nomor {item_id}")
    record = records.get_record(db, item["record_id"]) if item["record_id"] else None
    if record is None or not can_edit(db, user, record):
        raise DecisionError(f"akun {user.name} tidak berhak atas entri item {item_id}")
    kind, when = item["kind"], records.now_iso()
    with db.conn:
        if kind in ACKNOWLEDGED:
            done = "diketahui"
        elif kind == "conflict":
            done = _conflict(db, item, value, user)
        elif kind in ("region", "agency", "value"):
            done = _spelling(db, item, item["field"] if kind == "value" else kind, value, user, when)
        elif kind == "contradiction":
            done = _contradiction(db, item, value, user, when)
        else:
            raise DecisionError(f"item jenis '{kind}' belum dapat diputuskan dari baris perintah")
        records.resolve_review(db, item_id, when, user.name, done[:500])
    return done


def _canonical(field: str, value: str) -> str:
    if field == "region":
        found = resolve_region(value)
        if not found.code or found.confidence < REVIEW:
            raise DecisionError(f"wilayah '{value}' tidak dikenali dengan pasti; beri kode Kemendagri")
        return found.code
    if field == "agency":
        found = normalize_agency(value)
        if found is None or not found.known:
            raise DecisionError(f"instansi '{value}' tidak dikenali; beri nama lengkapnya")
        return found.name
    if field == "award":                       # not a field staff edit, so checked here
        if value not in award_labels():
            raise DecisionError(f"penghargaan '{value}' bukan kunci yang dikenal ({', '.join(award_labels())})")
        return value
    try:
        parsed = parse_form({field: value})
    except EditError as exc:
        raise DecisionError(str(exc)) from None
    if field not in parsed:
        raise DecisionError(f"kolom '{field}' tidak dapat diputuskan dari baris perintah")
    return str(parsed[field])


def _spelling(db, item: dict, field: str, value: str, user: User, when: str) -> str:
    spelling = (item["detail"] or {}).get("value")
    if not spelling or not item["hub"]:
        raise DecisionError("item ini tidak menyimpan ejaan sumbernya; perbaiki lewat penyuntingan")
    canonical = _canonical(field, value)
    records.save_decision(db, item["hub"], field, fold(spelling), canonical, user.name, when)
    report = renormalize_source(db, item["hub"], item["source_id"], follow_spelling=field == "agency")
    moved = "".join(f"; {count} akun ber-scope '{old}' kini ber-scope '{new}'"
                    for old, new, count in report.scopes_renamed)
    return f"{item['hub']}: '{spelling}' = {canonical} (disimpan; tidak akan ditanyakan lagi){moved}"


def _conflict(db, item: dict, value: str, user: User) -> str:
    try:
        values = parse_form({item["field"]: value})
    except EditError as exc:
        raise DecisionError(str(exc)) from None
    if item["field"] not in values:
        raise DecisionError(f"kolom '{item['field']}' tidak dapat disunting; putuskan lewat sumbernya")
    apply_edit(db, item["record_id"], values, user.name)
    return f"{item['field']} = {value} (suntingan staf)"


def _contradiction(db, item: dict, value: str, user: User, when: str) -> str:
    side = SIDES.get(fold(value))
    if side is None:
        raise DecisionError("pilih 'wilayah' (wilayah benar) atau 'instansi' (instansi benar)")
    detail = json.loads((item["detail"] or {}).get("value") or "{}")
    if side == "region":       # the agency spelling means the region's own government
        government = region_government_name(detail["region_code"])[0]
        records.save_decision(db, item["hub"], "agency", fold(detail["agency"]), government, user.name, when)
        chosen = government
    else:                      # the region spelling means the agency's region
        records.save_decision(db, item["hub"], "region", fold(detail["region"]), detail["agency_region"],
                              user.name, when)
        chosen = detail["agency_region"]
    renormalize_source(db, item["hub"], item["source_id"])
    return f"{SIDES[fold(value)]} dipertahankan: {chosen}"
