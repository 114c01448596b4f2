"""Records written on this site rather than sent by a hub:

- a replica's draft reported through a replication request: a source of the site's own hub,
  `situs`, and always a new record (a replica is by nature like its original, so it must never
  merge into it by likeness);
- an innovator's published submission: a source of the innovator's hub (source id `ajuan-<n>`),
  merged like any row of that hub, so hub scopes, search and completeness treat it alike.

Both are normalized by the same identity mapping (canonical field names), kept with their raw
payload, and `kms renormalize` normalizes them again with it (`mapping_for_source`)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from indexer.dedupe import find_duplicate
from indexer.mapping import Mapping, mapping_from_text
from indexer.normalize import normalize_record
from indexer.pipeline import save_issues
from kms import records
from kms.schema import MAPPABLE_FIELDS

SITE_HUB = "situs"
SITE_LABEL = "Diisi di situs ini"
SUBMISSION_PREFIX = "ajuan-"


def _mapping_text(name: str, label: str) -> str:
    fields = "\n".join(f'{field} = "{field}"' for field in MAPPABLE_FIELDS)
    return (f'# Records written on the site itself (indexer/site_records.py).\nname = "{name}"\n'
            f'label = "{label}"\nformat = "json"\nid = "id"\n\n[fields]\n{fields}\n')


@cache
def site_mapping(hub: str = SITE_HUB) -> Mapping:
    """The identity mapping, named for the hub whose source the record becomes."""
    return mapping_from_text(_mapping_text(hub, SITE_LABEL if hub == SITE_HUB else ""), Path(f"{hub}.toml"))


def is_site_source(hub: str, source_id: str) -> bool:
    return hub == SITE_HUB or source_id.startswith(SUBMISSION_PREFIX)


def mapping_for_source(hub: str, source_id: str, hub_mapping: Mapping | None) -> Mapping | None:
    """The mapping that reads a source's raw payload again: the identity one for what the site
    wrote, the hub's own for what the hub sent."""
    return site_mapping(hub) if is_site_source(hub, source_id) else hub_mapping


def normalized(data: dict, hub: str = SITE_HUB, source_id: str = ""):
    """The fields (and review issues) the store would keep for `data`; RecordError when a
    field cannot be read."""
    return normalize_record({**data, "id": source_id or "ajuan"}, site_mapping(hub))


def add_site_record(db, source_id: str, data: dict, origin: str, hub: str = SITE_HUB, merge: bool = False) -> str:
    """Normalize `data` (canonical field names; `region` may be text) and store it as a source
    of `hub`; answers the record id. A new record unless `merge` lets it join the record it
    duplicates. RecordError (nothing stored) when a field cannot be read. `origin` names what
    wrote it, as the provenance's file."""
    mapping = site_mapping(hub)
    raw = {**data, "id": source_id}
    found = normalize_record(raw, mapping)
    when = records.now_iso()
    if hub == SITE_HUB:
        records.remember_mapping(db, SITE_HUB, str(mapping.path), mapping.text, when, SITE_LABEL)
    existing = records.get_source(db, hub, source_id)
    if existing:
        record_id = existing["record_id"]
    else:
        match = find_duplicate(found.fields, records.candidate_records(db, found.fields, hub)) if merge else None
        record_id = match.record_id if match else records.new_record_id(db, hub, source_id)
    digest = records.content_hash(found.fields, found.source_updated_at)
    records.save_source(db, hub, source_id, record_id, origin, 0, raw, found.fields, digest,
                        found.source_updated_at, when)
    save_issues(db, hub, source_id, record_id, found.issues, when)
    records.rebuild_record(db, record_id, when)
    return record_id
