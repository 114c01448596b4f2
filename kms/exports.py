"""A search's whole result set as a file (CSV, JSON Lines, Excel), in the order the page shows
it, with the fields the field policy makes public (kms.field_policy): the same cut as the pages
and the API. Written in batches, so a national result set never sits in memory at once."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Iterator

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kms.campaigns import safe_cell
from kms.field_policy import visible_record
from kms.records import active_hubs, hub_labels, records_by_id
from kms.search import service
from kms.search.labels import facet_label
from kms.search.query import SearchQuery

BATCH = 500
MAX_ROWS = 2_000_000        # CSV and JSON Lines: every record a national store holds
XLSX_ROWS = 50_000          # Excel is built in memory: past this, the file says where to get the rest
FORMATS = {"csv": "text/csv", "jsonl": "application/x-ndjson",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# (field, column heading) of the flat files; a field the policy keeps for staff is left out.
COLUMNS = (("id", "id"), ("url", "alamat"), ("title", "judul"), ("agency", "instansi"),
           ("agency_type", "kode_jenis_instansi"), ("agency_type_label", "jenis_instansi"), ("unit", "unit"),
           ("province_code", "kode_provinsi"), ("province_name", "provinsi"), ("regency_code", "kode_kabkota"),
           ("regency_name", "kabkota"), ("year", "tahun"), ("start_year", "tahun_mulai"),
           ("sector", "kode_urusan"), ("sector_label", "urusan"), ("category", "kode_kategori"),
           ("category_label", "kategori"), ("award", "kode_penghargaan"), ("award_label", "penghargaan"),
           ("award_year", "tahun_penghargaan"), ("sdgs", "sdgs"), ("stage", "kode_tahapan"),
           ("stage_label", "tahapan"), ("digital", "kode_digital"), ("digital_label", "digital"),
           ("status", "kode_status"), ("status_label", "status"), ("innovator", "inovator"),
           ("contact", "kontak"), ("video_url", "video"), ("photos", "foto"), ("summary", "ringkasan"),
           ("background", "latar_belakang"), ("goals", "tujuan"), ("novelty", "kebaruan"),
           ("implementation", "implementasi"), ("impact", "dampak"), ("adaptability", "adaptabilitas"),
           ("resources", "sumber_daya"), ("sustainability", "keberlanjutan"), ("hubs", "hub"),
           ("updated_at", "diperbarui"), ("ingested_at", "disimpan"))
LABELLED = ("agency_type", "sector", "category", "award", "stage", "digital", "status")
WIDTHS = {"title": 45, "agency": 36, "unit": 36, "url": 40, "summary": 60, "province_name": 22,
          "regency_name": 26, "hubs": 28}
DERIVED = {"url", "hubs", *(f"{name}_label" for name in LABELLED)}


def result_ids(engine, query: SearchQuery, thesaurus=None) -> list[str]:
    """Every id the search selects, in its order (relevance, newest or title)."""
    every = service.search(engine, replace(query, page=1, per_page=MAX_ROWS), thesaurus, facets=False)
    return [hit.id for hit in every.hits]


def exported_records(db, ids: list[str], base_url: str, staff: bool = False) -> Iterator[dict]:
    """Each record as the reader may see it, with its address and its hubs' labels."""
    labels = hub_labels(db)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        found, hubs = records_by_id(db, chunk), active_hubs(db, chunk)
        for record_id in chunk:
            record = found.get(record_id)
            if record is None:
                continue
            shown = visible_record(record, staff)
            shown["url"] = f"{base_url}/inovasi/{record_id}"
            shown["hubs"] = sorted(labels.get(hub, hub) for hub in hubs.get(record_id, ()))
            for name in LABELLED:
                if shown.get(name) and not (name == "award" and shown[name] == "none"):
                    shown[f"{name}_label"] = facet_label(name, shown[name])
            yield shown


def columns(staff: bool = False) -> list[tuple[str, str]]:
    """The file's columns the reader may see (a label column goes with its field)."""
    probe = visible_record({name: None for name, _ in COLUMNS if name not in DERIVED}, staff)
    return [(name, heading) for name, heading in COLUMNS
            if name in probe or name in ("url", "hubs") or name.removesuffix("_label") in probe]


def _flat(record: dict, name: str):
    value = record.get(name)
    if name == "sdgs" and value:
        return "; ".join(facet_label("sdg", str(n)) for n in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def as_csv(records: Iterator[dict], staff: bool = False) -> Iterator[str]:
    """UTF-8 with a byte-order mark (spreadsheets then read the Indonesian text right)."""
    chosen = columns(staff)
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow([heading for _, heading in chosen])
    yield "\ufeff" + handle.getvalue()
    for record in records:
        handle.seek(0)
        handle.truncate()
        writer.writerow([safe_cell(_flat(record, name)) for name, _ in chosen])
        yield handle.getvalue()


def as_jsonl(records: Iterator[dict]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def as_xlsx(records: Iterator[dict], staff: bool = False, total: int | None = None,
            rest_url: str = "") -> bytes:
    """The first XLSX_ROWS records; when there are more, a sheet "Catatan" first says so and
    names the CSV that holds them all."""
    chosen = columns(staff)
    book = Workbook(write_only=True)
    if total is not None and total > XLSX_ROWS:
        note = book.create_sheet("Catatan")
        note.append([f"Berkas Excel ini memuat {XLSX_ROWS:,} dari {total:,} inovasi hasil pencarian (batas Excel "
                     "di situs ini).".replace(",", ".")])
        note.append([f"Semua hasil ada dalam berkas CSV atau JSON Lines: {rest_url}"])
    sheet = book.create_sheet("Inovasi")
    sheet.freeze_panes = "C2"
    for index, (name, _heading) in enumerate(chosen):
        sheet.column_dimensions[get_column_letter(index + 1)].width = WIDTHS.get(name, 16)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(chosen))}1"
    sheet.append([heading for _, heading in chosen])
    for number, record in enumerate(records):
        if number >= XLSX_ROWS:
            break
        sheet.append([safe_cell(_flat(record, name)) for name, _ in chosen])
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def table_csv(columns: list[str], rows: list[dict]) -> str:
    """A table as CSV text with a byte-order mark; formula-looking cells kept as text."""
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell("" if row.get(name) is None else row.get(name)) for name in columns])
    return "\ufeff" + handle.getvalue()
