"""The `kms` command group: a thin layer over the indexer and the domain modules."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from indexer.mapping import Mapping, MappingError, all_hub_mappings, hub_mapping, load_mapping
from indexer.pipeline import COUNTS, Report, ingest_files
from indexer.reference import SAMPLES_DIR
from indexer.regions import resolve_region
from kms.config import db_path, load_config
from kms.db import open_db
from kms.records import iter_records, quarantine_items, review_items
from kms.schema import LIST_FIELDS, RECORD_FIELDS

LABELS = {"read": "dibaca", "new": "baru", "updated": "diperbarui", "unchanged": "tidak berubah",
          "merged": "digabung", "flagged": "ditandai", "quarantined": "dikarantina",
          "dropped_sources": "sumber hilang"}


def _open_store():
    config = load_config()
    return config, open_db(db_path(config))


def _print_report(report: Report) -> None:
    counts = ", ".join(f"{LABELS[name]} {getattr(report, name)}" for name in COUNTS)
    click.echo(f"{report.hub}: {counts}")
    for failure in report.failed_files:
        click.echo(f"  GAGAL {failure['file']}: {failure['reason']}", err=True)


def _sync_index(config, db, changed_ids) -> None:
    """Bring the search index up to date for the records an ingest changed."""
    try:
        from kms.search import search_service
    except ImportError:   # the search index arrives with the search issue
        return
    search_service(config).update(db, changed_ids)


@click.group()
def main():
    """Inovasi KMS: ingest, search and check public-service innovation records."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--hub", help="Bundled hub mapping name (data/hubs/NAME.toml).")
@click.option("--mapping", "mapping_file", type=click.Path(path_type=Path),
              help="A mapping file from anywhere; the hub is its `name`.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def ingest(paths, hub, mapping_file, as_json):
    """Read, normalize, merge and store PATHS with one hub mapping."""
    if bool(hub) == bool(mapping_file):
        raise click.UsageError("berikan tepat satu dari --hub NAME atau --mapping FILE")
    try:
        mapping: Mapping = hub_mapping(hub) if hub else load_mapping(mapping_file)
    except MappingError as exc:
        raise click.UsageError(str(exc)) from None
    if mapping.kind != "innovations":
        raise click.UsageError(f"{mapping.path}: kind '{mapping.kind}' belum didukung")
    config, db = _open_store()
    report = ingest_files(db, list(paths), mapping)
    _sync_index(config, db, report.changed_ids)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report)
    if report.failed_files:
        sys.exit(1)


@main.command("load-samples")
@click.option("--json", "as_json", is_flag=True, help="Print totals and a `hubs` list as JSON.")
def load_samples(as_json):
    """Ingest every bundled sample with its hub mapping and bring the index up to date."""
    config, db = _open_store()
    total = Report("total")
    hubs = []
    for mapping in all_hub_mappings():
        paths = [SAMPLES_DIR / name for name in mapping.samples]
        if not paths or mapping.kind != "innovations":
            continue
        report = ingest_files(db, paths, mapping)
        total.add(report)
        hubs.append(report)
        if not as_json:
            _print_report(report)
    _sync_index(config, db, total.changed_ids)
    if as_json:
        data = total.as_json()
        data.pop("hub")
        data["hubs"] = [h.as_json() for h in hubs]
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_report(total)
    if total.failed_files:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
def export(fmt, output):
    """Every canonical record with its sources."""
    _config, db = _open_store()
    handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "jsonl":
            for record in iter_records(db):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            columns = list(RECORD_FIELDS) + ["sources"]
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for record in iter_records(db):
                for name in LIST_FIELDS:
                    record[name] = ";".join(str(v) for v in record[name])
                record["sources"] = ";".join(f"{s['hub']}:{s['source_id']}" for s in record["sources"])
                writer.writerow(record)
    finally:
        if output:
            handle.close()


@main.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--codes", type=click.Choice(["kemendagri", "bps"]), default="kemendagri",
              show_default=True, help="How bare numeric codes are read.")
def region(texts, codes):
    """Resolve region names or codes to Kemendagri 2025 codes (`-` reads stdin)."""
    if texts == ("-",):
        texts = tuple(line.rstrip("\n") for line in sys.stdin if line.strip())
    for text in texts:
        click.echo(json.dumps(resolve_region(text, codes=codes).as_json(), ensure_ascii=False))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def quarantine(as_json):
    """What could not be ingested, with file, line and reason."""
    _config, db = _open_store()
    items = quarantine_items(db)
    for item in items:
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False, default=str))
        else:
            click.echo(f"{item['hub']}  {item['file']}:{item['line']}  {item['reason']}")
    if not as_json:
        click.echo(f"{len(items)} item dikarantina")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--kind", multiple=True, help="Only these kinds (region, agency, value, conflict, "
                                            "dropped_source, edit_conflict).")
def review(as_json, kind):
    """What needs a person: uncertain regions, unknown agencies, conflicts, dropped sources."""
    _config, db = _open_store()
    items = [i for i in review_items(db) if not kind or i["kind"] in kind]
    for item in items:
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False, default=str))
        else:
            where = f"{item['hub']}:{item['source_id']}" if item["hub"] else ""
            click.echo(f"[{item['kind']}] {item['record_id']} {where} {item['message']}".replace("  ", " "))
    if not as_json:
        click.echo(f"{len(items)} item perlu ditinjau")


@main.command()
def reindex():
    """Rebuild the search index from the store."""
    from kms.search import search_service

    config, db = _open_store()
    count = search_service(config).rebuild(db)
    click.echo(f"indeks dibangun ulang: {count} rekaman")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Serve the site (waitress)."""
    from waitress import serve as waitress_serve

    from kms import create_app

    app = create_app()
    click.echo(f"Inovasi KMS berjalan di http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=8)
