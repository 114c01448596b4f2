"""Blocked duplicate detection: the title keys find every record the exhaustive comparison
would merge, in a store as the ingest leaves it."""
import hashlib
import random

from indexer.dedupe import find_duplicate, regions_compatible, title_keys
from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms import records
from kms.db import open_db
from kms.records import MATCH_COLUMNS, candidate_records


def _variants(title: str, rng: random.Random) -> list[str]:
    """How another hub writes the same title: case, a typo, a subtitle, the acronym gone."""
    typo = list(title)
    if len(typo) > 6:
        at = rng.randrange(1, len(typo) - 1)
        typo[at], typo[at + 1] = typo[at + 1], typo[at]
    return [title.upper(), title.lower(), "".join(typo), title.split(":")[0],
            title + " - Inovasi Daerah", title.replace("(", "").replace(")", "")]


def test_blocked_candidates_merge_what_every_record_would(sample_copy):
    db = open_db(sample_copy / "kms.db")
    everything = list(db.query(f"SELECT {', '.join(MATCH_COLUMNS)} FROM innovations"))
    rng = random.Random(5)
    checked = merged = 0
    for record in rng.sample(everything, 120):
        for title in _variants(record["title"], rng):
            incoming = {**record, "title": title}
            for drop in ((), ("regency_code",), ("regency_code", "province_code")):
                probe = {k: v for k, v in incoming.items() if k not in drop}
                exhaustive = find_duplicate(probe, [r for r in everything if regions_compatible(probe, r)])
                blocked = candidate_records(db, probe, "hub-lain")
                assert {r["id"] for r in blocked} <= {r["id"] for r in everything if regions_compatible(probe, r)}
                found = find_duplicate(probe, blocked)
                assert (found and found.record_id) == (exhaustive and exhaustive.record_id), (title, drop)
                checked += 1
                merged += found is not None
    assert checked == 120 * 6 * 3 and merged > checked * 0.6


def test_title_keys_follow_an_edit_and_an_upgraded_store_has_them(sample_copy):
    db = open_db(sample_copy / "kms.db")
    count = db.execute("SELECT COUNT(DISTINCT record_id) FROM title_keys").fetchone()[0]
    assert count == db.execute("SELECT COUNT(*) FROM innovations").fetchone()[0]
    record = next(iter(db.query("SELECT * FROM innovations LIMIT 1")))
    keys = {row["key"] for row in db.query("SELECT key FROM title_keys WHERE record_id = ?", [record["id"]])}
    assert keys == title_keys(record) and keys


def test_two_sources_whose_hashes_share_ten_digits_get_two_records(db, tmp_path, monkeypatch):
    """At a million records two sources share the ten hex digits of a record id about every
    other store (the benchmark met one): the second gets a longer id, never the first's record."""
    real = hashlib.sha1

    class Colliding:
        def __init__(self, data):
            self.digest = real(data).hexdigest()

        def hexdigest(self):
            return "abcdef0123" + self.digest[10:]      # every source starts alike

    monkeypatch.setattr(records.hashlib, "sha1", Colliding)
    folder = tmp_path
    (folder / "m.toml").write_text('name = "uji"\nformat = "csv"\nid = "id"\n[fields]\ntitle = "judul"\n'
                                   'region = "wilayah"\n', encoding="utf-8")
    (folder / "a.csv").write_text("id,judul,wilayah\n1,Bank Sampah Digital,Kota Makassar\n"
                                  "2,Sekolah Lapang Iklim,Kabupaten Gowa\n", encoding="utf-8")
    report = ingest_files(db, [folder / "a.csv"], load_mapping(folder / "m.toml"))
    ids = [row["id"] for row in db.query("SELECT id FROM innovations ORDER BY id")]
    assert report.new == 2 and len(ids) == 2 and ids[0] == "inv-abcdef0123" and len(ids[1]) == 4 + 14
