"""Staff edits of a record: form values checked field by field, kept as overrides that win
over every hub, each change written to the audit trail."""
from __future__ import annotations

import re

from indexer.reference import urusan_labels
from kms import records
from kms.audit import add_audit
from kms.completeness import valid_url
from kms.records import get_record, hub_fields, now_iso, rebuild_record
from kms.schema import DIGITAL, SECTIONS, STAGES, STATUSES

TEXT_FIELDS = ("title", *SECTIONS, "unit", "innovator", "contact", "category")
EDITABLE_FIELDS = ("title", *SECTIONS, "year", "start_year", "unit", "innovator", "contact",
                   "video_url", "sdgs", "sector", "category", "stage", "digital", "status")
MAX_TEXT = 20_000


class EditError(ValueError):
    """Form values that cannot be saved: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_form(form) -> dict:
    """Canonical values from the submitted form (only the editable fields present in it);
    raises EditError naming each field that is wrong."""
    values, errors = {}, {}
    for name in EDITABLE_FIELDS:
        if name not in form:
            continue
        raw = (form.get(name) or "").replace("\r\n", "\n").strip()
        try:
            values[name] = _parse(name, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if "title" in values and not values["title"]:
        errors["title"] = "judul tidak boleh kosong"
    if errors:
        raise EditError(errors)
    return values


def _parse(name: str, raw: str):
    if name in TEXT_FIELDS:
        if len(raw) > MAX_TEXT:
            raise ValueError(f"terlalu panjang (maksimal {MAX_TEXT} karakter)")
        return raw or None
    if not raw:
        return [] if name == "sdgs" else None
    if name in ("year", "start_year"):
        if not raw.isdigit() or not 1900 <= int(raw) <= 2100:
            raise ValueError("harus tahun empat angka, misalnya 2021")
        return int(raw)
    if name == "sdgs":
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        if not all(p.isdigit() and 1 <= int(p) <= 17 for p in parts):
            raise ValueError("nomor SDG 1-17, dipisah koma")
        return sorted({int(p) for p in parts})
    if name == "video_url":
        if not valid_url(raw):
            raise ValueError("tautan harus alamat lengkap yang diawali http:// atau https://, "
                             "misalnya https://youtu.be/abc")
        return raw
    choices = {"stage": STAGES, "status": STATUSES, "digital": DIGITAL,
               "sector": tuple(urusan_labels())}[name]
    if raw not in choices:
        raise ValueError(f"pilih salah satu dari: {', '.join(choices)}")
    return raw


def apply_edit(db, record_id: str, values: dict, user: str) -> list[str]:
    """Save the fields that differ from the record, with an audit row each; answers the
    changed field names (the caller updates the search index)."""
    record = get_record(db, record_id)
    if record is None:
        raise KeyError(record_id)
    changed = [name for name in EDITABLE_FIELDS
               if name in values and _normal(values[name]) != _normal(record.get(name))]
    if not changed:
        return []
    when = now_iso()
    with db.conn:
        hub_values, _conflicts = hub_fields(db, record_id)
        for name in changed:
            records.save_override(db, record_id, name, values[name], hub_values.get(name), user, when)
            add_audit(db, record_id, user, when, name, record.get(name), values[name])
        rebuild_record(db, record_id, when)
    return changed


def _normal(value):
    if value in (None, "", []):
        return None
    return value


def resolve_edit_conflict(db, record_id: str, field: str, keep_staff: bool, user: str) -> None:
    """Settle a hub change to a staff-edited field: keep the staff value (the hub's current
    value becomes the new reference), or take the hub's value (the staff override is removed).
    Either way the decision is audited."""
    override = records.field_override(db, record_id, field)
    if override is None:
        raise KeyError(f"{record_id}: kolom {field} tidak disunting staf")
    when = now_iso()
    with db.conn:
        hub_values, _conflicts = hub_fields(db, record_id)
        hub_value = hub_values.get(field)
        staff_value = override["value"]
        if keep_staff:
            records.rebase_override(db, record_id, field, hub_value)
            before, after = f"konflik; hub: {hub_value}", f"nilai staf dipertahankan: {staff_value}"
        else:
            records.remove_override(db, record_id, field)
            before, after = staff_value, hub_value
        add_audit(db, record_id, user, when, field, before, after)
        # the decision lives in the audit trail; a later hub change raises a fresh conflict
        records.close_edit_conflict(db, record_id, field)
        rebuild_record(db, record_id, when)
