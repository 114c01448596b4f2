"""A record's PDF profile as the site serves it: the public fields only (kms.field_policy),
its confirmed lineage, its completeness, a link and QR code to its page (PUBLIC_URL), kept in
DATA_DIR/pdf-cache under a key made of everything the profile shows. A change to the record,
its lineage, the completeness rules or the writer gives a new key (the old file is removed when
the new one is written), so a profile is never served stale."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kms.completeness import check_record, default_rules
from kms.field_policy import visible_record
from kms.links import lineage
from kms.profile_pdf import profile_pdf
from kms.records import get_record, hub_labels

CACHE = "pdf-cache"
WRITER_VERSION = "1"        # bump when the layout changes: every cached profile is written again


def profile_inputs(db, record_id: str, config) -> dict | None:
    """What a profile shows, None for an unknown id."""
    record = get_record(db, record_id)
    if record is None:
        return None
    rules = default_rules()
    result = check_record(record, rules)
    links = lineage(db, record_id)
    public = str(config.get("PUBLIC_URL") or "").rstrip("/")
    path = f"/inovasi/{record_id}"
    return {"record": visible_record(record, False), "lineage": {"original": links["original"],
                                                                  "replicas": links["replicas"]},
            "score": result.score, "gaps": [g.as_json() for g in result.gaps], "hub_labels": hub_labels(db),
            "url": public + path if public else None, "path": path, "rules": rules.fingerprint}


def cached_profile(db, record_id: str, config) -> bytes | None:
    """The profile PDF of a record (from the cache when it is current), None for an unknown id."""
    inputs = profile_inputs(db, record_id, config)
    if inputs is None:
        return None
    key = hashlib.sha256(json.dumps([WRITER_VERSION, inputs], sort_keys=True, default=str,
                                    ensure_ascii=False).encode()).hexdigest()[:20]
    folder = Path(config["DATA_DIR"]) / CACHE
    target = folder / f"{record_id}-{key}.pdf"
    if target.is_file():
        return target.read_bytes()
    data = render(inputs, config)
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    for old in folder.glob(f"{record_id}-*.pdf"):
        if old != target:
            old.unlink(missing_ok=True)
    return data


def render(inputs: dict, config) -> bytes:
    return profile_pdf(inputs["record"], inputs["lineage"], inputs["score"], inputs["gaps"], inputs["hub_labels"],
                       inputs["url"], inputs["path"], config)
