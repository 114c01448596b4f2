"""The records group: innovations, sources, staff overrides, review and quarantine items.
The only module that holds their SQL (reading and writing); write callers hold the
transaction (`with db.atomic():`), nothing here commits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Iterator

import sqlite_utils

from indexer.dedupe import title_keys
from indexer.mapping import bundled_labels
from indexer.merge import SourceFields, merge_fields
from indexer.textnorm import printable
from kms.db import in_chunks, rows, upsert_sql
from kms.awards import combined
from kms.schema import CONTENT_FIELDS, LIST_FIELDS, RECORD_FIELDS


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def to_json(value) -> str:
    """Stable JSON for raw payloads and hashes (dates and other objects as text)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def content_hash(fields: dict, extra=None) -> str:
    """A short hash of a record's content fields."""
    payload = to_json([{k: fields.get(k) for k in CONTENT_FIELDS}, extra])
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def new_record_id(db, hub: str, source_id: str) -> str:
    """A stable id for the record first created from this source: ten hex digits of a hash,
    more when those already name another record (at a million records two sources share ten
    digits about every other store; they must never share a record)."""
    digest = hashlib.sha1(f"{hub}:{source_id}".encode()).hexdigest()
    for length in (10, 14, 20, 40):
        candidate = "inv-" + digest[:length]
        if not record_exists(db, candidate):
            return candidate
    raise ValueError(f"no free record id for {hub}:{source_id}")


def get_source(db: sqlite_utils.Database, hub: str, source_id: str) -> dict | None:
    found = list(rows(db, "SELECT * FROM sources WHERE hub = ? AND source_id = ?", [hub, source_id]))
    return found[0] if found else None


def decode_record(row: dict) -> dict:
    """A record row with its list fields decoded."""
    record = dict(row)
    for name in LIST_FIELDS:
        record[name] = json.loads(record[name]) if record.get(name) else []
    return record


MATCH_COLUMNS = ("id", "title", "summary", "background", "agency", "unit", "year", "province_code",
                 "province_name", "regency_code", "regency_name")


def candidate_records(db: sqlite_utils.Database, fields: dict, hub: str) -> list[dict]:
    """Records that could be the same innovation, not already holding an active source from
    this hub: those sharing a title key (indexer.dedupe.title_keys) in the same regency (or
    none named), else the same province (or none named), else any: the records
    indexer.dedupe.regions_compatible does not veto, found through the title keys' blocks
    instead of every record of the province. Only the columns matching compares."""
    where = "NOT EXISTS (SELECT 1 FROM sources s WHERE s.record_id = i.id AND s.hub = ? " \
            "AND s.dropped_at IS NULL)"
    params: list = [hub]
    regency, province = fields.get("regency_code"), fields.get("province_code")
    if regency:
        # a record naming another regency is vetoed; one naming none must share the province
        blocks, block_params = "block IN (?, ?, '')", [regency, province or regency.split(".")[0]]
    elif province:
        blocks, block_params = "(block IN (?, '') OR (block > ? AND block < ?))", \
            [province, province + ".", province + "/"]     # '/' follows '.': every regency of it
    else:
        blocks, block_params = "1", []
    keys = sorted(title_keys(fields))
    if keys:
        where += (f" AND i.id IN (SELECT record_id FROM title_keys WHERE key IN "
                  f"({', '.join('?' for _ in keys)}) AND {blocks})")
        params += keys + block_params
    elif regency:      # a title of noise and place words only: the whole block
        where += " AND COALESCE(i.regency_code, i.province_code, '') IN (?, ?, '')"
        params += block_params
    elif province:
        where += " AND (i.province_code = ? OR i.province_code IS NULL)"
        params.append(province)
    return list(rows(db, f"SELECT {', '.join('i.' + c for c in MATCH_COLUMNS)} FROM innovations i "
                         f"WHERE {where}", params))


def save_title_keys(db, record_id: str, record: dict) -> None:
    """Replace the record's title keys (candidate_records finds records by them)."""
    block = record.get("regency_code") or record.get("province_code") or ""
    db.execute("DELETE FROM title_keys WHERE record_id = ?", [record_id])
    db.conn.executemany("INSERT OR IGNORE INTO title_keys (key, block, record_id) VALUES (?, ?, ?)",
                        [(k, block, record_id) for k in title_keys(record)])


def save_source(db, hub: str, source_id: str, record_id: str, file: str, line: int, raw: dict,
                fields: dict, digest: str, source_updated_at: str | None, when: str) -> None:
    """Insert or update one source row (its raw payload is kept whole)."""
    file = printable(file)
    db.execute(
        """INSERT INTO sources (hub, source_id, record_id, file, line, raw, fields, content_hash,
                                source_updated_at, first_seen, last_seen, dropped_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
           ON CONFLICT (hub, source_id) DO UPDATE SET record_id = excluded.record_id,
             file = excluded.file, line = excluded.line, raw = excluded.raw,
             fields = excluded.fields, content_hash = excluded.content_hash,
             source_updated_at = excluded.source_updated_at, last_seen = excluded.last_seen,
             dropped_at = NULL""",
        [hub, source_id, record_id, file, line, to_json(raw), to_json(fields), digest,
         source_updated_at, when, when])


# what normalizing a source again needs of it
_SOURCE_ROW = "hub, source_id, record_id, file, line, raw, content_hash, last_seen"


def active_source_batches(db, hub: str | None, size: int) -> Iterator[list[dict]]:
    """Every active source (of one hub, or all), in batches, in a stable order."""
    last = ("", "")
    while True:
        where = "dropped_at IS NULL AND (hub, source_id) > (?, ?)" + (" AND hub = ?" if hub else "")
        params = [*last, *([hub] if hub else []), size]
        batch = list(rows(db, f"SELECT {_SOURCE_ROW} FROM sources WHERE {where} ORDER BY hub, source_id LIMIT ?",
                          params))
        if not batch:
            return
        yield batch
        last = (batch[-1]["hub"], batch[-1]["source_id"])


def active_source(db, hub: str, source_id: str) -> dict | None:
    found = list(rows(db, f"SELECT {_SOURCE_ROW} FROM sources WHERE hub = ? AND source_id = ? "
                          "AND dropped_at IS NULL", [hub, source_id]))
    return found[0] if found else None


def source_rows(db, record_id: str, active_only: bool = True) -> list[dict]:
    """Source rows of a record, oldest first."""
    sql = "SELECT * FROM sources WHERE record_id = ?"
    if active_only:
        sql += " AND dropped_at IS NULL"
    return list(rows(db, sql + " ORDER BY first_seen, hub, source_id", [record_id]))


def field_overrides(db, record_id: str) -> dict[str, dict]:
    """Fields that staff edited on this record ({field: {value, base, at}}): they win over
    every hub; `base` is what the hubs said when staff edited."""
    return {row["field"]: {"value": json.loads(row["value"]),
                           "base": json.loads(row["base"]) if row["base"] else None, "at": row["at"]}
            for row in rows(db, "SELECT field, value, base, at FROM record_overrides "
                                "WHERE record_id = ?", [record_id])}


def hub_fields(db, record_id: str, sources: list[dict] | None = None) -> tuple[dict, list]:
    """What the record's active hubs say, merged, before staff edits; and their conflicts
    (`sources`: its active source rows, when the caller has read them)."""
    sources = source_rows(db, record_id) if sources is None else sources
    return merge_fields([SourceFields(s["hub"], s["source_id"], json.loads(s["fields"]))
                         for s in sources])


def rebuild_record(db, record_id: str, when: str, fresh: bool = False) -> str:
    """Recompute a record from its active sources and staff edits; answers new, updated or
    unchanged. `fresh`: the id was just made (new_record_id) for this source, so nothing of
    it can be stored yet: no staff edits, awards or review items to read."""
    sources = source_rows(db, record_id)
    existing = list(rows(db, "SELECT * FROM innovations WHERE id = ?", [record_id]))
    if not sources:
        return "unchanged"
    merged, conflicts = hub_fields(db, record_id, sources)
    stored = bool(existing) or not fresh       # most rows of a first ingest are fresh
    overrides = field_overrides(db, record_id) if stored else {}
    _save_edit_conflicts(db, record_id, merged, overrides, when)
    merged.update({name: edit["value"] for name, edit in overrides.items()})
    given = site_awards(db, record_id) if stored else []
    if given:              # competitions held on this site: the best award shows first
        merged["awards"] = combined(merged.get("award"), merged.get("award_year"), given)
        merged["award"], merged["award_year"] = merged["awards"][0]["tier"], merged["awards"][0]["year"]
    digest = content_hash(merged)
    dates = [s["source_updated_at"] for s in sources if s["source_updated_at"]]
    dates += [edit["at"] for edit in overrides.values()]
    _save_conflicts(db, record_id, conflicts, overrides, when, stored=stored)
    if existing and existing[0]["content_hash"] == digest:
        return "unchanged"
    updated_at = max(dates) if dates else when
    row = {name: merged.get(name) for name in CONTENT_FIELDS}
    for name in LIST_FIELDS:
        row[name] = to_json(row[name] or [])
    row.update({"id": record_id, "content_hash": digest, "updated_at": updated_at,
                "ingested_at": existing[0]["ingested_at"] if existing else when})
    db.execute(upsert_sql("innovations", row, "id"), list(row.values()))
    save_title_keys(db, record_id, row)
    return "updated" if existing else "new"


def site_awards(db, record_id: str) -> list[dict]:
    """Awards competitions on this site gave the record (table record_awards)."""
    return list(rows(db, "SELECT tier, year, body FROM record_awards WHERE record_id = ? ORDER BY id", [record_id]))


def add_award(db, record_id: str, tier: str, year: int, body: str, competition_id: int | None) -> None:
    """A competition's award for the record (once per competition), then the record rebuilt
    so its `awards`, `award` and `award_year` show it; the caller holds the transaction."""
    db.execute("DELETE FROM record_awards WHERE record_id = ? AND competition_id IS ?", [record_id, competition_id])
    db.execute("INSERT INTO record_awards (record_id, tier, year, body, competition_id, at) VALUES (?, ?, ?, ?, ?, ?)",
               [record_id, tier, year, body, competition_id, now_iso()])
    rebuild_record(db, record_id, now_iso())


def _save_edit_conflicts(db, record_id: str, hub_values: dict, overrides: dict, when: str) -> None:
    """A hub that changed a field after staff edited it: the staff value stays, the hub's new
    value waits for review."""
    for name, edit in overrides.items():
        hub_value = hub_values.get(name)
        changed = hub_value not in (None, "", []) and hub_value != edit["base"] \
            and hub_value != edit["value"]
        if changed:
            set_review(db, "edit_conflict", record_id, "", "", name,
                       f"hub mengubah '{name}' setelah disunting staf ({edit['at']}); "
                       f"nilai staf dipertahankan, nilai hub: {str(hub_value)[:80]}",
                       {"staff": edit["value"], "hub": hub_value, "base": edit["base"]}, when)
        else:
            db.execute("DELETE FROM review WHERE kind = 'edit_conflict' AND record_id = ? "
                       "AND field = ? AND resolved_at IS NULL", [record_id, name])


def _save_conflicts(db, record_id: str, conflicts, overrides: dict, when: str, stored: bool = True) -> None:
    current = set()
    for conflict in conflicts:
        if conflict.field in overrides:
            continue   # staff decided this field; hub disagreements show as edit conflicts
        current.add(conflict.field)
        values = "; ".join(f"{who}: {value[:80]}" for who, value in conflict.values)
        set_review(db, "conflict", record_id, "", "", conflict.field,
                   f"nilai berbeda antar-hub untuk '{conflict.field}': {values}",
                   [list(v) for v in conflict.values], when)
    if not stored:
        return              # a fresh record has no conflicts of before to clear
    for row in rows(db, "SELECT id, field FROM review WHERE kind = 'conflict' AND record_id = ? "
                        "AND resolved_at IS NULL", [record_id]):
        if row["field"] not in current:
            db.execute("DELETE FROM review WHERE id = ?", [row["id"]])


def set_review(db, kind: str, record_id: str, hub: str, source_id: str, field: str,
               message: str, detail, when: str) -> None:
    """Add or refresh one item for `kms review` (its first date is kept)."""
    db.execute(
        """INSERT INTO review (kind, record_id, hub, source_id, field, message, detail, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, record_id, hub, source_id, field) DO UPDATE SET
             message = excluded.message, detail = excluded.detail""",
        [kind, record_id, hub, source_id, field, message, to_json(detail), when])


def clear_source_reviews(db, hub: str, source_id: str, keep: set[tuple[str, str]]) -> None:
    """Drop this source's open flags that no longer apply; `keep` holds (kind, field)."""
    for row in rows(db, "SELECT id, kind, field FROM review WHERE hub = ? AND source_id = ? "
                        "AND kind IN ('region', 'agency', 'value', 'encoding', 'contradiction') "
                        "AND resolved_at IS NULL",
                        [hub, source_id]):
        if (row["kind"], row["field"]) not in keep:
            db.execute("DELETE FROM review WHERE id = ?", [row["id"]])


def quarantine(db, hub: str, file: str, line: int, reason: str, raw, source_id: str, when: str) -> None:
    """Keep what could not be ingested, with where it came from and why."""
    file, reason = printable(file), printable(reason)
    db.execute(
        """INSERT INTO quarantine (hub, file, line, source_id, reason, raw, created_at, last_seen)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (hub, file, line) DO UPDATE SET reason = excluded.reason,
             raw = excluded.raw, source_id = excluded.source_id, last_seen = excluded.last_seen""",
        [hub, file, line, source_id, reason, to_json(raw), when, when])


def release_quarantine(db, hub: str, file: str, line: int) -> None:
    """A row that now ingests leaves quarantine."""
    db.execute("DELETE FROM quarantine WHERE hub = ? AND file = ? AND line = ?", [hub, printable(file), line])


# -- reading ---------------------------------------------------------------------------


def get_record(db, record_id: str) -> dict | None:
    """One canonical record with its sources, or None."""
    found = list(rows(db, "SELECT * FROM innovations WHERE id = ?", [record_id]))
    if not found:
        return None
    record = decode_record(found[0])
    record.pop("content_hash", None)
    record["sources"] = record_sources(db, record_id)
    return record


def record_sources(db, record_id: str) -> list[dict]:
    """Provenance of a record: every source that contributed, dropped ones marked."""
    return [{"hub": r["hub"], "source_id": r["source_id"], "file": r["file"], "line": r["line"],
             "first_seen": r["first_seen"], "last_seen": r["last_seen"], "dropped_at": r["dropped_at"]}
            for r in rows(db, "SELECT * FROM sources WHERE record_id = ? ORDER BY first_seen, hub, "
                              "source_id", [record_id])]


def iter_records(db) -> Iterator[dict]:
    """Every canonical record with `sources` ({hub, source_id, file, line}), in id order."""
    sources: dict[str, list[dict]] = {}
    for row in rows(db, "SELECT record_id, hub, source_id, file, line FROM sources "
                        "WHERE dropped_at IS NULL ORDER BY first_seen, hub, source_id"):
        sources.setdefault(row["record_id"], []).append(
            {"hub": row["hub"], "source_id": row["source_id"], "file": row["file"], "line": row["line"]})
    for row in rows(db, "SELECT * FROM innovations ORDER BY id"):
        record = decode_record(row)
        record.pop("content_hash", None)
        record = {name: record.get(name) for name in RECORD_FIELDS}
        record["sources"] = sources.get(record["id"], [])
        yield record


def review_items(db, include_resolved: bool = False) -> list[dict]:
    """What needs a person: low-confidence regions, flagged agencies and values, merge
    conflicts, dropped sources, edit conflicts."""
    sql = "SELECT * FROM review"
    if not include_resolved:
        sql += " WHERE resolved_at IS NULL"
    items = []
    for row in rows(db, sql + " ORDER BY kind, record_id, hub, source_id, field"):
        row = dict(row)
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
        items.append(row)
    return items


def open_reviews_of(db, record_id: str, kinds: tuple[str, ...]) -> list[dict]:
    """A record's open review items of some kinds (a contradiction is shown on its page)."""
    marks = ", ".join("?" for _ in kinds)
    return list(rows(db, f"SELECT kind, field, message FROM review WHERE record_id = ? AND kind IN ({marks}) "
                         "AND resolved_at IS NULL ORDER BY id", [record_id, *kinds]))


def remember_mapping(db, hub: str, path: str, text: str, when: str, label: str = "") -> None:
    """The mapping a hub was ingested with (the latest one wins), and the hub's label."""
    if text:
        db.execute("INSERT INTO hub_mappings (hub, path, text, saved_at, label) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (hub) DO UPDATE SET path = excluded.path, text = excluded.text, "
                   "saved_at = excluded.saved_at, label = excluded.label", [hub, path, text, when, label or None])


def hub_labels(db) -> dict[str, str]:
    """hub name -> its label for people: the `label` of the mapping it was last ingested with,
    else of its bundled mapping, else the name itself."""
    bundled = bundled_labels()
    return {row["hub"]: row["label"] or bundled.get(row["hub"]) or row["hub"]
            for row in rows(db, "SELECT hub, label FROM hub_mappings")}


def remembered_mapping(db, hub: str) -> tuple[str, str] | None:
    """(path, TOML text) of the mapping a hub was last ingested with."""
    found = list(rows(db, "SELECT path, text FROM hub_mappings WHERE hub = ?", [hub]))
    return (found[0]["path"], found[0]["text"]) if found else None


def hub_decisions(db, hub: str) -> dict[str, dict[str, str]]:
    """field -> {spelling: value}: what staff decided this hub's spellings mean."""
    out: dict[str, dict[str, str]] = {}
    for row in rows(db, "SELECT field, spelling, value FROM hub_decisions WHERE hub = ?", [hub]):
        out.setdefault(row["field"], {})[row["spelling"]] = row["value"]
    return out


def save_decision(db, hub: str, field: str, spelling: str, value: str, user: str, when: str) -> None:
    db.execute("INSERT INTO hub_decisions (hub, field, spelling, value, decided_by, decided_at) "
               "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hub, field, spelling) DO UPDATE SET "
               "value = excluded.value, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
               [hub, field, spelling, value, user, when])


def review_item(db, item_id: int) -> dict | None:
    found = list(rows(db, "SELECT * FROM review WHERE id = ?", [item_id]))
    if not found:
        return None
    item = dict(found[0])
    item["detail"] = json.loads(item["detail"]) if item["detail"] else {}
    return item


def resolve_review(db, item_id: int, when: str, user: str | None = None, decision: str | None = None) -> None:
    """Close a review item, keeping who decided and what (the audit of a decision)."""
    db.execute("UPDATE review SET resolved_at = ?, resolved_by = ?, decision = ? WHERE id = ?",
               [when, user, decision, item_id])


def discard_quarantined(db, hub: str, file: str, line: int, reason: str, user: str, when: str) -> bool:
    """Drop a quarantined row on purpose, keeping who did it, why and the row itself."""
    found = list(rows(db, "SELECT * FROM quarantine WHERE hub = ? AND file = ? AND line = ?", [hub, file, line]))
    if not found:
        return False
    item = found[0]
    db.execute("INSERT INTO quarantine_discards (hub, file, line, reason, raw, why, discarded_by, discarded_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [hub, file, line, item["reason"], item["raw"], reason, user, when])
    db.execute("DELETE FROM quarantine WHERE hub = ? AND file = ? AND line = ?", [hub, file, line])
    return True


def quarantine_discards(db, hub: str | None = None) -> list[dict]:
    sql = "SELECT * FROM quarantine_discards" + (" WHERE hub = ?" if hub else "") + " ORDER BY discarded_at DESC"
    return list(rows(db, sql, [hub] if hub else []))


def quarantine_items(db, hub: str | None = None) -> list[dict]:
    """What could not be ingested (of one hub, or all), with file, line and reason."""
    items = []
    sql = "SELECT * FROM quarantine" + (" WHERE hub = ?" if hub else "") + " ORDER BY hub, file, line"
    for row in rows(db, sql, [hub] if hub else []):
        row = dict(row)
        row["raw"] = json.loads(row["raw"]) if row["raw"] else None
        items.append(row)
    return items


def active_hubs(db, record_ids=None) -> dict[str, set[str]]:
    """The hubs that still send each record (all records, or the given ids): {id: {hub}}."""
    hubs: dict[str, set[str]] = {}
    sql = "SELECT record_id, hub FROM sources WHERE dropped_at IS NULL"
    if record_ids is None:
        batches = [("", [])]
    else:
        batches = [(f" AND record_id IN ({marks})", chunk) for marks, chunk in in_chunks(record_ids)]
    for where, params in batches:
        for row in rows(db, sql + where, params):
            hubs.setdefault(row["record_id"], set()).add(row["hub"])
    return hubs


def hubs_of(db, record_id: str) -> set[str]:
    """The hubs that still send this record."""
    return active_hubs(db, [record_id]).get(record_id, set())


def all_records(db) -> Iterator[dict]:
    """Every canonical record (list fields decoded, no sources), in id order."""
    for row in rows(db, "SELECT * FROM innovations ORDER BY id"):
        record = decode_record(row)
        record.pop("content_hash", None)
        yield record


def index_documents(db, record_ids=None) -> Iterator[dict]:
    """Records with their active hubs (a sorted list), for the search index (all, or the
    given ids)."""
    if record_ids is None:
        hubs = active_hubs(db)
        for record in all_records(db):
            record["hubs"] = sorted(hubs.get(record["id"], ()))
            yield record
        return
    for marks, chunk in in_chunks(record_ids):
        hubs = active_hubs(db, chunk)
        for row in rows(db, f"SELECT * FROM innovations WHERE id IN ({marks}) ORDER BY id", chunk):
            record = decode_record(row)
            record.pop("content_hash", None)
            record["hubs"] = sorted(hubs.get(record["id"], ()))
            yield record


def records_by_id(db, record_ids) -> dict[str, dict]:
    """Canonical records (list fields decoded, no sources) for the given ids, in their order."""
    out: dict[str, dict] = {}
    for marks, chunk in in_chunks(record_ids):
        for row in rows(db, f"SELECT * FROM innovations WHERE id IN ({marks})", chunk):
            record = decode_record(row)
            record.pop("content_hash", None)
            out[record["id"]] = record
    return {i: out[i] for i in dict.fromkeys(record_ids) if i in out}


def record_ids(db) -> list[str]:
    return [row["id"] for row in rows(db, "SELECT id FROM innovations ORDER BY id")]


def record_dates(db, offset: int = 0, limit: int = -1) -> list[tuple[str, str]]:
    """(id, updated_at) of records in id order, a slice of them (the sitemap's pages)."""
    return [(row["id"], row["updated_at"]) for row in
            rows(db, "SELECT id, updated_at FROM innovations ORDER BY id LIMIT ? OFFSET ?", [limit, offset])]


def first_record_id(db) -> str | None:
    row = db.execute("SELECT id FROM innovations ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else None


def last_ingest(db) -> str | None:
    """When the last ingest run finished (ISO time), if any."""
    return db.execute("SELECT MAX(finished_at) FROM ingest_runs").fetchone()[0]


def count_records(db) -> int:
    return db.execute("SELECT COUNT(*) FROM innovations").fetchone()[0]


def record_exists(db, record_id: str) -> bool:
    return bool(list(rows(db, "SELECT 1 FROM innovations WHERE id = ?", [record_id])))


def agency_exists(db, agency: str) -> bool:
    """Whether some record names exactly this (canonical) agency."""
    return bool(list(rows(db, "SELECT 1 FROM innovations WHERE agency = ? LIMIT 1", [agency])))


def agency_records(db, agency: str, limit: int = 500) -> list[dict]:
    """id, title and year of the records of one canonical agency, newest first."""
    return list(rows(db, "SELECT id, title, year, unit FROM innovations WHERE agency = ? "
                         "ORDER BY year DESC, title LIMIT ?", [agency, limit]))


def records_in_regions(db, field: str, codes, sector: str | None = None) -> list[dict]:
    """Records whose `field` (province_code or regency_code) is one of `codes`, optionally of
    one sector; in id order."""
    if field not in ("province_code", "regency_code"):
        raise ValueError(field)
    out = []
    for marks, chunk in in_chunks(sorted(codes)):
        sql = f"SELECT * FROM innovations WHERE {field} IN ({marks})"
        params = list(chunk)
        if sector:
            sql += " AND sector = ?"
            params.append(sector)
        out += [decode_record(row) for row in rows(db, sql, params)]
    for record in out:
        record.pop("content_hash", None)
    return sorted(out, key=lambda r: r["id"])


def regency_codes(db, province_code: str) -> set[str]:
    """The regencies of a province that have at least one record."""
    return {row["regency_code"] for row in rows(db, 
        "SELECT DISTINCT regency_code FROM innovations WHERE province_code = ? "
        "AND regency_code IS NOT NULL", [province_code])}


def records_with_source_id(db, source_id: str, hub: str | None = None) -> list[str]:
    """Records that a hub's own id points at (in that hub, or any)."""
    sql = "SELECT DISTINCT record_id FROM sources WHERE source_id = ?"
    params = [source_id]
    if hub:
        sql += " AND hub = ?"
        params.append(hub)
    return [row["record_id"] for row in rows(db, sql + " ORDER BY record_id", params)]


def title_rows(db) -> list[dict]:
    """id, title, agency and unit of every record (for finding a record by its title)."""
    return [dict(row) for row in rows(db, "SELECT id, title, agency, unit FROM innovations ORDER BY id")]


def active_sources_in_file(db, hub: str, file: str) -> list[dict]:
    """(source_id, record_id) rows this hub's file has sent and not dropped."""
    return [dict(row) for row in rows(db, "SELECT source_id, record_id FROM sources WHERE hub = ? "
                                          "AND file = ? AND dropped_at IS NULL", [hub, printable(file)])]


def drop_source(db, hub: str, source_id: str, when: str) -> None:
    """The hub no longer sends this source: its provenance is kept, marked dropped."""
    db.execute("UPDATE sources SET dropped_at = ? WHERE hub = ? AND source_id = ?",
               [when, hub, source_id])


def field_override(db, record_id: str, field: str) -> dict | None:
    """One staff override ({value, base, at}) or None."""
    return field_overrides(db, record_id).get(field)


def save_override(db, record_id: str, field: str, value, base, user: str, when: str) -> None:
    """Staff set a field: the value wins over every hub; `base` is what the hubs said."""
    db.execute(
        """INSERT INTO record_overrides (record_id, field, value, base, user, at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (record_id, field) DO UPDATE SET value = excluded.value,
             base = excluded.base, user = excluded.user, at = excluded.at""",
        [record_id, field, to_json(value), to_json(base), user, when])


def rebase_override(db, record_id: str, field: str, base) -> None:
    """Keep the staff value and take the hubs' current value as its new reference."""
    db.execute("UPDATE record_overrides SET base = ? WHERE record_id = ? AND field = ?",
               [to_json(base), record_id, field])


def remove_override(db, record_id: str, field: str) -> None:
    db.execute("DELETE FROM record_overrides WHERE record_id = ? AND field = ?", [record_id, field])


def close_edit_conflict(db, record_id: str, field: str) -> None:
    db.execute("DELETE FROM review WHERE kind = 'edit_conflict' AND record_id = ? AND field = ?",
               [record_id, field])


def open_edit_conflicts(db) -> list[dict]:
    """Hub changes to staff-edited fields that wait for a decision, oldest first."""
    return [dict(row) for row in rows(db, "SELECT * FROM review WHERE kind = 'edit_conflict' "
                                          "AND resolved_at IS NULL ORDER BY created_at")]
