"""Crafted bad input through the real ingest: does anything crash, and is anything lost?

    python scripts/fuzz_ingest.py [--seed 7] [--random 60]

Ingests a good baseline export, then each crafted file (broken CSV, wrong encodings, odd JSON,
broken and oversized XLSX, broken PDF, a device, odd file names...) one at a time with the
matching mapping, and reports: inputs tried, crashes (an exception out of the pipeline: must
be 0), files failed and records quarantined (each with its reason), and records lost (the
baseline's records must be there, unchanged, at the end: must be 0). Not part of the test suite.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from indexer.mapping import load_mapping  # noqa: E402
from indexer.pipeline import ingest_files  # noqa: E402
from kms.db import open_db  # noqa: E402

FIELDS = """[fields]
title = "judul"
region = "wilayah"
year = "tahun"
sdgs = "sdgs"
summary = "ringkasan"
innovator = "inovator"
"""
GOOD_ROWS = [("g1", "Bank Sampah Digital", "Kota Makassar", "2021"),
             ("g2", "Sekolah Lapang Iklim", "Kabupaten Gowa", "2019"),
             ("g3", "Puskesmas Keliling Terapung", "Kabupaten Pangkajene dan Kepulauan", "2020")]


def csv_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    header = "id,judul,wilayah,tahun,sdgs,ringkasan,inovator\n"
    row = "1,Layanan Adminduk Keliling,Kota Makassar,2022,16,Ringkasan singkat,Budi\n"
    text = header + row
    out = [
        ("empty.csv", b""), ("header-only.csv", header.encode()), ("one-column.csv", b"judul\nSatu\n"),
        ("nul.csv", b"id,judul\x00,wilayah\n1,a,b\n"), ("binary.csv", bytes(rng.randrange(256) for _ in range(4000))),
        ("utf16.csv", text.encode("utf-16")), ("utf16-nobom.csv", text.encode("utf-16-le")),
        ("utf32.csv", text.encode("utf-32")), ("cp1252.csv", (header + "1,Pelayanan Café,Kota Makassar,2020,,,\n").encode("cp1252")),
        ("stray-byte.csv", (text + row.replace("Budi", "Bu\udcffdi")).encode("utf-8", "surrogateescape")),
        ("unbalanced-quote.csv", (header + '1,"Judul tanpa tutup,Kota Makassar,2020,,,\n' + row).encode()),
        ("duplicate-header.csv", b"id,judul,judul,wilayah\n1,a,b,Kota Makassar\n"),
        ("too-many-cells.csv", (header + row.rstrip() + ",x,y,z\n").encode()),
        ("too-few-cells.csv", (header + "1,Satu\n").encode()), ("semicolon.csv", text.replace(",", ";").encode()),
        ("tab.csv", text.replace(",", "\t").encode()), ("crlf.csv", text.replace("\n", "\r\n").encode()),
        ("cr-only.csv", text.replace("\n", "\r").encode()), ("bom-utf8.csv", b"\xef\xbb\xbf" + text.encode()),
        ("huge-field.csv", (header + "1,Judul," + "x" * 300_000 + ",2020,,,\n").encode()),
        ("year-text.csv", (header + "1,Satu,Kota Makassar,duaribu,,,\n").encode()),
        ("year-far.csv", (header + "1,Satu,Kota Makassar,99999999999999999999,,,\n").encode()),
        ("sdg-junk.csv", (header + "1,Satu,Kota Makassar,2020,3;99;x;-1;1e9,,\n").encode()),
        ("unknown-region.csv", (header + "1,Satu,Atlantis Raya,2020,,,\n").encode()),
        ("html.csv", (header + '1,"<script>alert(1)</script>Judul",Kota Makassar,2020,,"<b>tebal</b>",\n').encode()),
        ("empty-title.csv", (header + "1,,Kota Makassar,2020,,,\n").encode()),
        ("duplicate-ids.csv", (header + row + row).encode()),
        ("only-delimiters.csv", b",,,,\n,,,,\n"), ("long-header.csv", (",".join(f"k{i}" for i in range(5000)) + "\n").encode()),
        ("control-chars.csv", (header + "1,Judul\x07\x1b[31m,Kota Makassar,2020,,,\n").encode()),
        ("rtl.csv", (header + "1,\u202eJudul terbalik,Kota Makassar,2020,,,\n").encode()),
    ]
    for number in range(40):      # random mutations of a good export
        raw = bytearray(text.encode())
        for _ in range(rng.randrange(1, 20)):
            raw[rng.randrange(len(raw))] = rng.choice(b'",;\n\r\x00\xff\xc3ab')
        out.append((f"mutated-{number}.csv", bytes(raw)))
    return out


def json_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    good = {"id": "j1", "judul": "Aplikasi Antrian Puskesmas", "wilayah": "Kota Makassar", "tahun": 2021}
    cases = [
        ("nan.json", '[{"id": "a", "judul": "Satu", "tahun": NaN}]'),
        ("infinity.json", '[{"id": "a", "judul": "Satu", "sdgs": [Infinity]}]'),
        ("big-number.json", '[{"id": "a", "judul": "Satu", "tahun": 1e400}]'),
        ("fraction-year.json", '[{"id": "a", "judul": "Satu", "tahun": 2020.7}]'),
        ("deep.json", "[" * 100_000 + "]" * 100_000), ("deep-object.json", '{"a":' * 50_000 + "1" + "}" * 50_000),
        ("list-title.json", '[{"id": "a", "judul": ["A", "B"]}]'), ("object-title.json", '[{"id": "a", "judul": {"x": 1}}]'),
        ("bool-title.json", '[{"id": "a", "judul": true}]'), ("null-title.json", '[{"id": "a", "judul": null}]'),
        ("number-title.json", '[{"id": "a", "judul": 112}]'), ("not-a-list.json", '"teks saja"'),
        ("list-of-numbers.json", "[1, 2, 3]"), ("empty.json", ""), ("truncated.json", json.dumps([good])[:-5]),
        ("extra-data.json", json.dumps(good) + "\n" + json.dumps(good)),
        ("duplicate-keys.json", '[{"id": "a", "judul": "Satu", "judul": "Dua"}]'),
        ("id-object.json", '[{"id": {"x": 1}, "judul": "Satu"}]'), ("id-list.json", '[{"id": [1], "judul": "Satu"}]'),
        ("huge-string.json", json.dumps([{"id": "a", "judul": "x" * 400_000}])),
        ("many-keys.json", json.dumps([{f"k{i}": i for i in range(20_000)} | {"judul": "Banyak"}])),
        ("surrogate-escape.json", '[{"id": "a", "judul": "Judul \\ud800 rusak"}]'),
        ("inovator-list.json", '[{"id": "a", "judul": "Satu", "inovator": ["Budi", {"nama": "Ani"}]}]'),
        ("sdgs-object.json", '[{"id": "a", "judul": "Satu", "sdgs": {"1": true}}]'),
        ("year-list.json", '[{"id": "a", "judul": "Satu", "tahun": [2020, 2021]}]'),
        ("region-number.json", '[{"id": "a", "judul": "Satu", "wilayah": 7371}]'),
    ]
    out = [(name, text.encode("utf-8", "surrogatepass")) for name, text in cases]
    for number in range(40):      # random mutations of a good export
        raw = bytearray(json.dumps([good, good | {"id": "j2"}]).encode())
        for _ in range(rng.randrange(1, 10)):
            raw[rng.randrange(len(raw))] = rng.choice(b'{}[]",:\\0e.-')
        out.append((f"mutated-{number}.json", bytes(raw)))
    return out


def jsonl_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    line = json.dumps({"id": "l1", "judul": "Layanan Satu Pintu", "wilayah": "Kota Makassar"})
    return [("lines.jsonl", (line + "\n" + '{"broken": \n' + line.replace("l1", "l2") + "\n").encode()),
            ("deep-line.jsonl", (line + "\n" + '{"a":' * 60_000 + "\n").encode()),
            ("nan-line.jsonl", (line + '\n{"id": "x", "judul": "Y", "tahun": NaN}\n').encode()),
            ("array-line.jsonl", b"[1, 2]\n\"teks\"\n"), ("blank.jsonl", b"\n\n\n")]


def xlsx_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    def book(edit=None) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["id", "judul", "wilayah", "tahun"])
        sheet.append(["x1", "Perpustakaan Keliling", "Kabupaten Gowa", 2020])
        if edit:
            edit(sheet)
        handle = io.BytesIO()
        workbook.save(handle)
        return handle.getvalue()

    def zipped(parts: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
        handle = io.BytesIO()
        with zipfile.ZipFile(handle, "w", compression=method) as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
        return handle.getvalue()

    good = book()
    broken_xml = good.replace(b"<sheetData>", b"<sheetData><row r=")
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99</v></c></row>"
    return [
        ("good-but-ok.xlsx", good), ("not-a-zip.xlsx", b"PK\x03\x04 bukan zip"),
        ("ole.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 1000), ("empty-zip.xlsx", zipped({})),
        ("garbage-parts.xlsx", zipped({"[Content_Types].xml": "<Types", "xl/workbook.xml": "<workbook"})),
        ("broken-sheet-xml.xlsx", zipped(parts)), ("mangled.xlsx", broken_xml),
        ("bomb.xlsx", zipped({"xl/worksheets/sheet1.xml": b"0" * (60 * 2**20)})),
        ("stored.xlsx", zipped(parts, zipfile.ZIP_STORED)),
        ("far-cell.xlsx", book(lambda s: s.cell(1048576, 16384, "x"))),
        ("merged.xlsx", book(lambda s: s.merge_cells("A2:D50"))),
        ("formula.xlsx", book(lambda s: s.append(["x2", "=1+1", "Kabupaten Gowa", "=A1"]))),
        ("no-header.xlsx", book(lambda s: s.delete_rows(1))),
        ("dates.xlsx", book(lambda s: s.append(["x3", "Tanggal", "Kota Makassar", dt.datetime(2020, 2, 29)]))),
    ]


def pdf_inputs(rng: random.Random) -> list[tuple[str, bytes]]:
    return [("garbage.pdf", bytes(rng.randrange(256) for _ in range(3000))), ("empty.pdf", b""),
            ("header-only.pdf", b"%PDF-1.4\n"), ("truncated.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
            ("unknown-filter.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
                                   b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/Contents 4 0 R>>endobj\n4 0 obj"
                                   b"<</Length 5/Filter/NoSuchDecode>>stream\nabcde\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF"),
            ("not-pdf.pdf", b"just text, not a pdf")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="kms-fuzz-"))
    db = open_db(tmp / "kms.db")
    mappings = {}
    for fmt in ("csv", "json", "jsonl", "xlsx", "pdf"):
        path = tmp / f"{fmt}.toml"
        path.write_text(f'name = "fuzz-{fmt}"\nformat = "{fmt}"\nid = "id"\n{FIELDS}', encoding="utf-8")
        mappings[fmt] = load_mapping(path)
    baseline = tmp / "baseline.csv"
    baseline.write_text("id,judul,wilayah,tahun\n" + "".join(",".join(r) + "\n" for r in GOOD_ROWS), encoding="utf-8")
    ingest_files(db, [baseline], mappings["csv"])
    before = {r["id"]: dict(r) for r in db.query("SELECT * FROM innovations")}
    inputs = [("csv", n, c) for n, c in csv_inputs(rng)] + [("json", n, c) for n, c in json_inputs(rng)] + \
             [("jsonl", n, c) for n, c in jsonl_inputs(rng)] + [("xlsx", n, c) for n, c in xlsx_inputs(rng)] + \
             [("pdf", n, c) for n, c in pdf_inputs(rng)]
    inputs.append(("csv", os.fsdecode(b"nama-\xff\xfe.csv"), b"id,judul,wilayah\n1,Nama Aneh,Kota Makassar\n"))
    crashes, failed, quarantined, tried = [], 0, 0, 0
    for fmt, name, content in inputs:
        path = tmp / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        tried += 1
        try:
            report = ingest_files(db, [path], mappings[fmt])
            failed += len(report.failed_files)
            quarantined += report.quarantined
        except BaseException as exc:      # noqa: BLE001 - counting is the point
            crashes.append((name, f"{type(exc).__name__}: {exc}"[:300], traceback.format_exc(limit=3)))
    for device in ("/dev/zero", "/dev/null"):
        tried += 1
        try:
            report = ingest_files(db, [Path(device)], mappings["csv"])
            failed += len(report.failed_files)
        except BaseException as exc:      # noqa: BLE001
            crashes.append((device, f"{type(exc).__name__}: {exc}", ""))
    after = {r["id"]: dict(r) for r in db.query("SELECT * FROM innovations")}
    lost = [i for i, row in before.items() if after.get(i) != row]
    held = db.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
    print(f"inputs tried: {tried}")
    print(f"crashes: {len(crashes)}")
    for name, message, trace in crashes:
        print(f"  {name}: {message}\n{trace}")
    print(f"files failed (quarantined whole): {failed}; records quarantined: {quarantined}; quarantine rows: {held}")
    print(f"records stored: {len(after)}; baseline records lost or changed: {len(lost)}")
    return 1 if crashes or lost else 0


if __name__ == "__main__":
    sys.exit(main())
