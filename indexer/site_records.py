"""Records written on this site rather than sent by a hub (a replica's draft reported through a
replication request; later, innovators' submissions): they are sources of the site's own hub,
`situs`, normalized like any hub's rows and kept with their raw payload, so `kms renormalize`
and the provenance table treat them like the rest. A site record is always a new record: it
never merges into another by likeness (a replica is by nature like its original)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from indexer.mapping import Mapping, mapping_from_text
from indexer.normalize import normalize_record
from indexer.pipeline import save_issues
from kms import records
from kms.schema import MAPPABLE_FIELDS

SITE_HUB = "situs"
SITE_LABEL = "Diisi di situs ini"


def _mapping_text() -> str:
    fields = "\n".join(f'{name} = "{name}"' for name in MAPPABLE_FIELDS)
    return (f'# Records written on the site itself (indexer/site_records.py).\nname = "{SITE_HUB}"\n'
            f'label = "{SITE_LABEL}"\nformat = "json"\nid = "id"\n\n[fields]\n{fields}\n')


@cache
def site_mapping() -> Mapping:
    return mapping_from_text(_mapping_text(), Path(f"{SITE_HUB}.toml"))


def add_site_record(db, source_id: str, data: dict, origin: str) -> str:
    """Normalize `data` (canonical field names; `region` may be text) and store it as a new
    record of the site hub; answers the record id. RecordError (nothing stored) when a field
    cannot be read. `origin` names what wrote it, as the provenance's file."""
    mapping = site_mapping()
    raw = {**data, "id": source_id}
    normalized = normalize_record(raw, mapping)
    when = records.now_iso()
    records.remember_mapping(db, SITE_HUB, str(mapping.path), mapping.text, when, SITE_LABEL)
    existing = records.get_source(db, SITE_HUB, source_id)
    record_id = existing["record_id"] if existing else records.new_record_id(db, SITE_HUB, source_id)
    digest = records.content_hash(normalized.fields, normalized.source_updated_at)
    records.save_source(db, SITE_HUB, source_id, record_id, origin, 0, raw, normalized.fields, digest,
                        normalized.source_updated_at, when)
    save_issues(db, SITE_HUB, source_id, record_id, normalized.issues, when)
    records.rebuild_record(db, record_id, when)
    return record_id
