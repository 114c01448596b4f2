"""Readers: CSV, JSON, XLSX and PDF, good files and broken ones."""
import datetime as dt
from pathlib import Path

import pytest

from indexer.mapping import Mapping
from indexer.sources import SourceError, read_records
from indexer.sources.pdf_source import parse_profile


def mapping(fmt: str, **extra) -> Mapping:
    fields = extra.pop("fields", {"title": ["Judul"]})
    return Mapping(name="t", format=fmt, path=Path("t.toml"), fields=fields, **extra)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_any_delimiter(tmp_path, delimiter):
    path = tmp_path / "x.csv"
    path.write_text(f"No{delimiter}Judul\n1{delimiter}Antrian Online\n2{delimiter}Bank Sampah\n", encoding="utf-8")
    rows = list(read_records(path, mapping("csv")))
    assert [r.data["Judul"] for r in rows] == ["Antrian Online", "Bank Sampah"]
    assert [r.line for r in rows] == [2, 3]


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_csv_encodings_are_detected(tmp_path, encoding, prefix):
    path = tmp_path / "x.csv"
    path.write_bytes(prefix + "No;Judul\n1;Layanan “Cepat” – Café\n".encode(encoding))
    (row,) = read_records(path, mapping("csv"))
    assert row.data["Judul"] == "Layanan “Cepat” – Café"
    assert "No" in row.data   # the BOM does not stick to the first header


def test_csv_broken_rows_come_back_as_errors_with_their_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('No,Judul\n1,Baik\n2,Rusak,kolom,lebih\n3,"Kutipan\nmultibaris"\n4,Baik lagi\n', encoding="utf-8")
    rows = list(read_records(path, mapping("csv")))
    assert [(r.line, r.error is None) for r in rows] == [(2, True), (3, False), (4, True), (6, True)]
    assert "jumlah kolom" in rows[1].error
    assert rows[2].data["Judul"] == "Kutipan\nmultibaris"


@pytest.mark.parametrize("content,reason", [(b"", "kosong"), (b"\x00\x01\x02binary", "biner")])
def test_csv_unreadable_files_raise(tmp_path, content, reason):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        list(read_records(path, mapping("csv")))


def test_json_list_nested_and_lines(tmp_path):
    (tmp_path / "a.json").write_text('[{"Judul": "A"}, {"Judul": "B"}]', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"data": {"items": [{"Judul": "C"}]}}', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"Judul": "D"}\n\n{"Judul": \n{"Judul": "E"}\n', encoding="utf-8")
    assert [r.data["Judul"] for r in read_records(tmp_path / "a.json", mapping("json"))] == ["A", "B"]
    nested = list(read_records(tmp_path / "b.json", mapping("json", records_at="data.items")))
    assert nested[0].data["Judul"] == "C"
    lines = list(read_records(tmp_path / "c.jsonl", mapping("jsonl")))
    assert [(r.line, r.error is None) for r in lines] == [(1, True), (3, False), (4, True)]


def test_json_errors_name_the_problem(tmp_path):
    (tmp_path / "bad.json").write_text('{"data": [1, 2', encoding="utf-8")
    (tmp_path / "wrong.json").write_text('{"data": {"items": 5}}', encoding="utf-8")
    with pytest.raises(SourceError, match="JSON tidak valid"):
        list(read_records(tmp_path / "bad.json", mapping("json")))
    with pytest.raises(SourceError, match="data.items"):
        list(read_records(tmp_path / "wrong.json", mapping("json", records_at="data.items")))


def _workbook(path, rows, merge=None):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)


def test_xlsx_header_detection_merged_cells_and_dates(tmp_path):
    path = tmp_path / "x.xlsx"
    _workbook(path, [["Ekspor Inovasi Daerah 2024"], [], ["no", "Judul", "pemda", "tanggal"],
                     [1, "Antrian Online", "Kab. Gowa", dt.datetime(2023, 5, 17)],
                     [2, "Bank Sampah", None, dt.datetime(2022, 1, 3)]], merge="C4:C5")
    rows = list(read_records(path, mapping("xlsx", fields={"title": ["Judul"], "region": ["pemda"]})))
    assert [r.line for r in rows] == [4, 5]
    assert rows[0].data["tanggal"] == "2023-05-17"
    assert rows[1].data["pemda"] == "Kab. Gowa"   # merged cell filled


def test_xlsx_empty_and_encrypted_files_raise(tmp_path):
    empty = tmp_path / "empty.xlsx"
    _workbook(empty, [])
    with pytest.raises(SourceError, match="kosong"):
        list(read_records(empty, mapping("xlsx")))
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(SourceError, match="kata sandi"):
        list(read_records(encrypted, mapping("xlsx")))
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a zip at all")
    with pytest.raises(SourceError, match="bukan berkas .xlsx"):
        list(read_records(garbage, mapping("xlsx")))


def test_pdf_profile_sections_and_header(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = ["SIPANDU: Sistem Antrian Pasien", "Nomor Registrasi: JTM-1", "Instansi: Pemkab Gresik",
             "Wilayah: Kabupaten Gresik", "Tahun: 2021", "Ringkasan", "Antrian daring di puskesmas.",
             "Latar Belakang", "Pasien menunggu lama.", "Signifikansi/Dampak", "Waktu tunggu turun.",
             "Keberlanjutan", "Masuk SOP."]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "p.pdf"
    pdf.output(str(path))
    (record,) = read_records(path, mapping("pdf"))
    data = record.data
    assert data["Judul"] == "SIPANDU: Sistem Antrian Pasien"
    assert data["Instansi"] == "Pemkab Gresik" and data["Tahun"] == "2021"
    assert data["Ringkasan"] == "Antrian daring di puskesmas."
    assert data["Signifikansi"] == "Waktu tunggu turun."
    assert data["Keberlanjutan"] == "Masuk SOP."


def test_corrupt_and_empty_pdfs_raise(tmp_path):
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref")
    with pytest.raises(SourceError, match="PDF"):
        list(read_records(corrupt, mapping("pdf")))


def test_parse_profile_heading_variants():
    data = parse_profile("Judul Baru\nInstansi: Kemenkes\n1. Latar Belakang dan Tujuan\nA\n\nB\n"
                         "Adaptasi / Replikasi\nMudah ditiru\n")
    assert data["Judul"] == "Judul Baru"
    assert data["Latar Belakang"] == "A\n\nB"
    assert data["Adaptabilitas"] == "Mudah ditiru"
