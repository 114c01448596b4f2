"""Hub databases as sources: a MySQL dump (lookups, a one-to-many table, escapes, NULL, a broken
INSERT) and an SQLite file, ingested through mappings only."""
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from indexer.mapping import MappingError, load_mapping
from indexer.pipeline import ingest_files
from indexer.sources.sqldump_source import parse_values, read_tables, statements
from kms.records import iter_records, quarantine_items

DUMP = Path(__file__).parent / "fixtures" / "databases" / "hub-mysql.sql"
MAPPING = """
name = "hub-mysql"
format = "{format}"
table = "inovasi"
id = "id"
[joins.inovator]
table = "inovator"
on = "id_inovator"
[joins.kab]
table = "kabupaten"
on = "id_kab"
[joins.foto]
table = "foto"
on = "id_inovasi"
many = true
[fields]
title = "judul"
summary = "ringkasan"
agency = "inovator.instansi"
innovator = "inovator.nama"
region = "kab.nama"
year = "tahun"
photos = "foto.url"
"""


def _by_title(db):
    return {r["title"]: r for r in iter_records(db)}


def test_a_mysql_dump_with_lookups_and_a_list_table(db, mapping_file):
    report = ingest_files(db, [DUMP], load_mapping(mapping_file(MAPPING.format(format="sqldump"))))
    assert (report.new, report.quarantined) == (3, 1)
    records = _by_title(db)
    queue = records["Layanan Antrian Puskesmas Daring"]
    assert queue["agency"] == "Pemerintah Kabupaten Sinjai" and queue["regency_code"] == "73.07"
    assert queue["innovator"] == "Andi Rahmawati" and queue["year"] == 2021
    assert queue["photos"] == ["https://hub.example.go.id/foto/10-a.jpg", "https://hub.example.go.id/foto/10-b.jpg"]
    assert "kutip 'tunggal' dan \"ganda\"" in queue["summary"]
    smart = records["Makassar 'Smart' Kelurahan"]                  # '' inside a string, NULL, backslash
    assert smart["year"] is None and "garis miring \\ dan" in smart["summary"]
    assert smart["agency"] == "Pemerintah Kota Makassar" and smart["regency_code"] == "73.71"
    assert records["Satu lagi"]["photos"] == []
    quarantined = quarantine_items(db)
    assert len(quarantined) == 1 and quarantined[0]["line"] == 16 and "3 nilai untuk 6 kolom" in quarantined[0]["reason"]


def test_dump_statements_escapes_and_charsets(tmp_path):
    rows = parse_values("(1,'a\\'b','c''d',NULL,-2.5e3,0x4142),(2,\"x\\ny\",'',0,1,_binary 'z')")
    assert rows == [[1, "a'b", "c'd", None, -2500.0, "AB"], [2, "x\ny", "", 0, 1, "z"]]
    text = "-- komentar; bukan akhir\nINSERT INTO t VALUES (1,'a;b');\n/* blok; */INSERT INTO t VALUES (2,'c');"
    assert [s for _line, s in statements(text)] == ["INSERT INTO t VALUES (1,'a;b')", "INSERT INTO t VALUES (2,'c')"]
    dump = tmp_path / "latin.sql"
    dump.write_bytes("SET NAMES latin1;\nCREATE TABLE t (`id` int, `nama` text);\n"
                     "INSERT INTO t (`nama`, `id`) VALUES ('Caf\xe9 Pelayanan', 1);\n"
                     "INSERT INTO t VALUES (2, 'tanpa penutup);\n".encode("cp1252"))
    tables, broken = read_tables(dump)
    assert tables["t"][0][1] == {"nama": "Café Pelayanan", "id": 1}        # a column list in another order
    assert len(broken) == 1 and broken[0].line == 4


def test_an_sqlite_file_read_only(db, tmp_path, mapping_file):
    path = tmp_path / "hub.sqlite"
    connection = sqlite3.connect(path)
    connection.executescript("""
        CREATE TABLE inovator (id INTEGER, nama TEXT, instansi TEXT);
        INSERT INTO inovator VALUES (1, 'Andi Rahmawati', 'Pemerintah Kabupaten Sinjai');
        CREATE TABLE kabupaten (id INTEGER, nama TEXT); INSERT INTO kabupaten VALUES (7, 'Kabupaten Sinjai');
        CREATE TABLE inovasi (id INTEGER, judul TEXT, ringkasan TEXT, id_inovator INTEGER, id_kab INTEGER, tahun INTEGER);
        INSERT INTO inovasi VALUES (1, 'Posyandu Digital Sinjai', 'Ringkasan.', 1, 7, 2022);
        CREATE TABLE foto (id INTEGER, id_inovasi INTEGER, url TEXT);
        INSERT INTO foto VALUES (1, 1, 'https://hub.example.go.id/1.jpg'), (2, 1, 'https://hub.example.go.id/2.jpg');
        CREATE TRIGGER jebakan AFTER INSERT ON inovasi BEGIN DELETE FROM foto; END;
    """)
    connection.commit()
    connection.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = ingest_files(db, [path], load_mapping(mapping_file(MAPPING.format(format="sqlite"))))
    assert report.new == 1 and not report.failed_files
    record = _by_title(db)["Posyandu Digital Sinjai"]
    assert record["regency_code"] == "73.07" and len(record["photos"]) == 2
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before        # opened read-only, never written
    broken = tmp_path / "rusak.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    report = ingest_files(db, [broken], load_mapping(mapping_file(MAPPING.format(format="sqlite"))))
    assert report.failed_files and "SQLite" in json.dumps(report.failed_files)


@pytest.mark.parametrize("text, expected", [
    (MAPPING.format(format="sqldump").replace('table = "inovasi"\n', ""), "perlu 'table'"),
    (MAPPING.format(format="sqldump").replace("many = true", "banyak = true"), "kunci tidak dikenal: banyak"),
    (MAPPING.format(format="sqldump").replace('on = "id_kab"', ""), "[joins.kab] on wajib diisi"),
    (MAPPING.format(format="sqldump").replace("many = true", 'many = "ya"'), "many harus true/false"),
    (MAPPING.format(format="csv"), "hanya untuk format sqldump dan sqlite"),
])
def test_mapping_checks_cover_the_database_keys(mapping_file, text, expected):
    with pytest.raises(MappingError) as caught:
        load_mapping(mapping_file(text))
    assert expected in str(caught.value)


def test_a_missing_table_is_named(db, tmp_path, mapping_file):
    report = ingest_files(db, [DUMP], load_mapping(mapping_file(MAPPING.format(format="sqldump").replace(
        'table = "foto"', 'table = "gambar"'))))
    assert report.failed_files and "gambar" in json.dumps(report.failed_files)
