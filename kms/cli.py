"""The `kms` command group: a thin layer over the indexer and the domain modules."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from indexer.mapping import Mapping, MappingError, all_hub_mappings, hub_mapping, load_mapping
from indexer.pipeline import COUNTS, Report, ingest_samples, ingest_with
from indexer.regions import resolve_region
from kms import faults, params, server, stats
from kms.accounts import AccountError, agency_scope, create_user, disable_user, get_user, list_users, set_password
from kms.backup import backup_store
from kms.booklet import MAX_RECORDS, booklet_pdf, folder as booklet_folder, write_state
from kms.campaigns import (filter_description, get_campaign, save_snapshot, selection, worklist, worklist_csv, worklist_only,
                           worklist_xlsx)
from kms.completeness import RulesError, default_rules
from kms.config import SETTINGS, db_path, load_config, setting_help
from kms.db import open_db
from kms.exports import result_ids, table_csv
from kms.decisions import DecisionError, decide as decide_item
from kms.links import candidate_count
from kms.params import ParameterError
from kms.records import agency_exists, count_records, iter_records, quarantine_items, review_items
from kms.renormalize import renormalize as renormalize_store
from kms.replication import detect_candidates
from kms.schema import LIST_FIELDS, RECORD_FIELDS, ROLES
from kms.scores import ensure_scores, group_table, outdated_ids, save_scores, score_rows, summary
from kms.search import ENGINES, engine_for
from kms.search.query import SearchQuery
from kms.snapshots import write_snapshot
from kms.upload import HubBusy, held_lock, write_job
from kms.status import status as read_status
from kms.sync import sync

TANTIVY_ABOVE = 20_000    # records above which `kms serve` recommends tantivy (bench: 100k search p95)
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


def _filter_query(filters: dict) -> SearchQuery:
    """The shared filter options of a command as a search query (a malformed one: usage error)."""
    args = [(name, value) for name, values in filters.items() if values is not None
            for value in (values if isinstance(values, tuple) else (values,))]
    try:
        return SearchQuery.from_args(args, 20)
    except ParameterError as exc:
        raise click.UsageError(f"--{exc.parameter.replace('_', '-')}: {exc.pesan}") from None


def _sync(config, db, rebuild: bool = False):
    """Bring the index, signatures and candidate detection in step with the store (what the
    journal says changed, or a rebuild when the index is missing, damaged or outdated, or
    asked for); answers the engine and the sync report."""
    engine = engine_for(config)
    report = sync(db, engine, progress=lambda line: click.echo(line, err=True), rebuild=rebuild)
    if report.detection_skipped:
        click.echo(f"{report.changed} data berubah: jalankan `kms detect-replications` untuk "
                   "mencari kandidat replikasi", err=True)
    return engine, report


@click.group()
def main():
    """Inovasi KMS: ingest, search and check public-service innovation records."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--hub", help="Bundled hub mapping name (data/hubs/NAME.toml).")
@click.option("--mapping", "mapping_file", type=click.Path(path_type=Path),
              help="A mapping file from anywhere; the hub is its `name`.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--job", hidden=True, help="An upload-desk job: holds the hub's lock, writes its state and report.")
def ingest(paths, hub, mapping_file, as_json, job):
    """Read, normalize, merge and store PATHS with one hub mapping."""
    if bool(hub) == bool(mapping_file):
        raise click.UsageError("berikan tepat satu dari --hub NAME atau --mapping FILE")
    try:
        mapping: Mapping = hub_mapping(hub) if hub else load_mapping(mapping_file)
    except MappingError as exc:
        raise click.UsageError(str(exc)) from None
    config, db = _open_store()
    lock = None
    if job:
        try:
            lock = held_lock(config, mapping.name)
        except HubBusy:
            write_job(config, job, status="failed", message=f"Ingest lain untuk hub {mapping.name} sedang berjalan.")
            return
    try:
        _sync(config, db)           # finish what an interrupted run left
        report = ingest_with(db, list(paths), mapping)
        faults.point("before-index")
        _sync(config, db)
    except Exception as exc:        # noqa: BLE001 - an upload job reports any failure on its page
        if job:
            write_job(config, job, status="failed", message=f"Ingest gagal: {type(exc).__name__}: {exc}"[:500])
            return
        raise
    finally:
        if lock is not None:
            lock.close()
    if job:
        write_job(config, job, status="done", report=report.as_json())
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report)
    if report.failed_files:
        sys.exit(1)


@main.command()
@click.option("--hub", help="Only this hub's sources.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def renormalize(hub, as_json):
    """Normalize and merge the stored sources again (what the normalizer learnt reaches old records)."""
    config, db = _open_store()
    _sync(config, db)
    report = renormalize_store(db, hub)
    _sync(config, db)             # the index, similarity and scores follow the changed records
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
        return
    click.echo(f"sumber: {report.sources}, berubah {report.changed_sources}, tetap {report.unchanged}; "
               f"entri berubah {len(report.changed_records)}")
    for name, count in sorted(report.fields_changed.items()):
        click.echo(f"  {name}: {count} entri")
    for old, new, count in report.scopes_renamed:
        click.echo(f"  cakupan akun: '{old}' -> '{new}' ({count} akun)")
    for hub_name, count in sorted(report.no_mapping.items()):
        click.echo(f"  hub {hub_name}: {count} sumber tanpa berkas pemetaan di data/hubs/, dibiarkan", err=True)
    for failure in report.failed:
        click.echo(f"  {failure['hub']}:{failure['source_id']}: {failure['reason']} (disimpan seperti semula)", err=True)


@main.command("load-samples")
@click.option("--json", "as_json", is_flag=True, help="Print totals and a `hubs` list as JSON.")
def load_samples(as_json):
    """Ingest every bundled sample with its hub mapping and bring the index up to date."""
    config, db = _open_store()
    _sync(config, db)
    total = Report("total")
    hubs = []
    for report in ingest_samples(db):
        total.add(report)
        hubs.append(report)
        if not as_json:
            _print_report(report)
    faults.point("before-index")
    _sync(config, db)
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
            click.echo(f"#{item['id']} [{item['kind']}] {item['record_id']} {where} {item['message']}"
                       .replace("  ", " "))
    if not as_json:
        click.echo(f"{len(items)} item perlu ditinjau")


@main.command()
@click.argument("item", type=int)
@click.argument("value")
@click.option("--as", "account", required=True, help="The staff account deciding (it must be able to edit the record).")
def decide(item, value, account):
    """Decide a review item (its number in `kms review --json`): the region, agency or value a
    hub's spelling means, a conflict's value, which side of a contradiction is right."""
    config, db = _open_store()
    user = get_user(db, account)
    if user is None:
        raise click.UsageError(f"--as: tidak ada akun aktif '{account}'")
    try:
        done = decide_item(db, item, value, user)
    except DecisionError as exc:
        raise click.UsageError(str(exc)) from None
    _sync(config, db)
    click.echo(f"item {item}: {done}")


@main.command("detect-replications")
def detect_replications():
    """Look for candidate replications across every record (staff confirm them on the site)."""
    config, db = _open_store()
    found = detect_candidates(db, _sync(config, db)[0])
    total = candidate_count(db)
    click.echo(f"kandidat replikasi baru: {found}; menunggu keputusan staf: {total}")


@main.command()
@click.option("--engine", "engine_name", type=click.Choice(sorted(ENGINES)),
              help="Build this engine's index (default: the SEARCH_ENGINE setting). Serve with "
                   "KMS_SEARCH_ENGINE set to the same name.")
def reindex(engine_name):
    """Rebuild the search index from the store."""
    config, db = _open_store()
    if engine_name:
        config = {**config, "SEARCH_ENGINE": engine_name}
    engine, report = _sync(config, db, rebuild=True)   # and detection for what was pending
    click.echo(f"indeks {engine.name} dibangun ulang: {report.documents} entri")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def status(as_json):
    """The store and the index: records, pending changes, index generation, engine, health."""
    config, db = _open_store()
    report = read_status(db, config)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        index = report["index"]
        click.echo(f"basis data: {report['store']['records']} inovasi")
        click.echo(f"indeks ({index['engine']}): {'ada' if index['exists'] else 'TIDAK ADA'}, "
                   f"{index['documents'] if index['documents'] is not None else '-'} dokumen, "
                   f"generasi {index['generation']}, versi analisis {index['analysis_version'] or '-'}"
                   f"{'' if index['analysis_current'] else ' (usang)'}")
        click.echo(f"perubahan menunggu indeks: {index['pending']}")
        if index["built_by"] and index["built_by"] != index["engine"]:
            click.echo(f"indeks di folder dibuat oleh {index['built_by']}, mesin yang dipilih {index['engine']}: "
                       f"jalankan `kms reindex --engine {index['engine']}` (atau `kms serve` membangunnya)")
        if index["damaged"]:
            click.echo(f"RUSAK: {index['damaged']}")
        click.echo("sehat" if report["ok"] else "perlu dibangun ulang: jalankan `kms reindex` atau `kms serve`")
    sys.exit(0 if report["ok"] else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Processes (more than 1: gunicorn, each with --threads threads; 1: waitress). "
                   "Default: one per core, at most 4.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per process.")
def serve(host, port, workers, threads):
    """Serve the site (gunicorn processes, one per core; waitress threads with --workers 1)."""
    workers = workers or server.default_workers()
    config, db = _open_store()
    engine, _report = _sync(config, db)     # the index is whole and current before the first request
    records = count_records(db)
    db.close()
    click.echo(f"mesin pencarian: {engine.name} ({records} entri)")
    if not config.get("SECRET_KEY"):
        click.echo("peringatan: KMS_SECRET_KEY belum diatur: sesi ditandatangani kunci acak per proses, "
                   "staf keluar sendiri saat server dimulai ulang (dan tiap proses punya kuncinya sendiri)",
                   err=True)
    if engine.name == "whoosh" and records > TANTIVY_ABOVE:
        click.echo(f"saran: di atas {TANTIVY_ABOVE} entri gunakan tantivy: `kms reindex --engine "
                   "tantivy`, lalu jalankan dengan KMS_SEARCH_ENGINE=tantivy", err=True)
    click.echo(f"Inovasi KMS berjalan di http://{host}:{port}/ ({workers} proses x {threads} thread)")
    server.serve(host, port, workers, threads)


@main.command()
@params.click_options(params.FILTERS)
@click.option("--by", type=click.Choice(["hub", "province", "agency", "award_year"]), default="hub",
              show_default=True, help="Group the summary by.")
@click.option("--threshold", type=click.FloatRange(0, 100), help="Score counted as complete "
              "(default: the rules file's threshold).")
@click.option("--output", type=click.Path(path_type=Path),
              help="Write the worklist (incomplete or stale records) to FILE.csv or FILE.xlsx.")
@click.option("--include-stale", is_flag=True, help="The worklist also lists complete records "
              "not updated for longer than the rules' stale_months.")
@click.option("--campaign", "campaign_id", type=int, help="Score a campaign's records with its "
              "threshold (its filters are added to any given here).")
@click.option("--snapshot", is_flag=True, help="Save this scoring run as a snapshot (of the "
              "campaign, with --campaign).")
@click.option("--json", "as_json", is_flag=True, help="Print summary and groups as JSON.")
def check(by, threshold, output, include_stale, campaign_id, snapshot, as_json, **filters):
    """Completeness summary per hub (or province, agency, award year), and a worklist."""
    if output and output.suffix.lower() not in (".csv", ".xlsx"):
        raise click.UsageError("--output harus berakhiran .csv atau .xlsx")
    config, db = _open_store()
    campaign = get_campaign(db, campaign_id) if campaign_id is not None else None
    if campaign_id is not None and campaign is None:
        raise click.UsageError(f"--campaign: tidak ada kampanye nomor {campaign_id}")
    args = [(name, value) for name, values in filters.items() if values is not None
            for value in (values if isinstance(values, tuple) else (values,))]
    if campaign:
        args += campaign.query().as_args()
    try:
        query = SearchQuery.from_args(args, 20)
        rules = default_rules()
    except ParameterError as exc:
        raise click.UsageError(f"--{exc.parameter.replace('_', '-')}: {exc.pesan}") from None
    except RulesError as exc:
        raise click.UsageError(str(exc)) from None
    if threshold is None:
        threshold = campaign.threshold if campaign else rules.threshold
    engine = _sync(config, db)[0]
    ensure_scores(db, rules)
    chosen = selection(engine, query)          # --agency is a shared filter, in the query
    figures = summary(db, rules, chosen, threshold, campaign.starts_on if campaign else None)
    table = group_table(db, rules, chosen, by, threshold, "label", descending=False)
    if snapshot:
        save_snapshot(db, campaign_id, figures, "kms check")
    if as_json:
        click.echo(json.dumps({"summary": figures, "groups": table}, ensure_ascii=False))
    else:
        click.echo(f"Kelengkapan: {figures['records']} entri, skor rata-rata {figures['mean_score']}, "
                   f"lengkap (skor >= {threshold:g}) {figures['complete']}, belum lengkap "
                   f"{figures['incomplete']}, kedaluwarsa {figures['stale']}, berhenti {figures['stopped']}")
        header = ("", "entri", "lengkap", "belum", "kedaluwarsa", "berhenti", "rata-rata")
        width = max([len(str(g["label"])) for g in table] + [len(by)]) + 2
        click.echo(f"{by:<{width}}" + "".join(f"{h:>12}" for h in header[1:]))
        for g in table:
            figures = (g["records"], g["complete"], g["incomplete"], g["stale"], g["stopped"], g["mean_score"])
            click.echo(f"{str(g['label']):<{width}}" + "".join(f"{v:>12}" for v in figures))
    if output:
        rows = score_rows(db, rules, chosen, threshold, only=worklist_only(include_stale))
        items = worklist(rows, config.get("PUBLIC_URL", ""))
        body = worklist_xlsx(items) if output.suffix.lower() == ".xlsx" else worklist_csv(items)
        output.write_bytes(body)
        click.echo(f"daftar kerja: {len(items)} entri ditulis ke {output}", err=as_json)


@main.command("stats")
@params.click_options(params.FILTERS)
@click.option("--by", type=click.Choice(params.CLI_STATS_BY), default="province", show_default=True,
              help="One row per province, regency/city, year, or value of sector, sdg, award, agency_type.")
@click.option("--candidates", is_flag=True, help="Count candidate replications (not yet confirmed) too.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def stats_command(by, candidates, fmt, **filters):
    """Region statistics for any filter set: the figures of /statistik and /api/stats/..."""
    config, db = _open_store()
    query = _filter_query(filters)
    engine = _sync(config, db)[0]
    ids = stats.choose(engine, query)
    if by in params.STATS_BY:
        rows = stats.region_rows(db, ids, by, candidates, query.selected("province") if by == "regency" else ())
        columns, flat = stats.flat_region_rows(rows)
        body = {"by": by, "rows": rows, "sources": stats.SOURCES}
        shown = ("code", "name", "innovations", "per_million", "per_10k_km2", "replications_given",
                 "replications_received", "median_completeness")
    elif by == "year":
        rows = flat = stats.year_rows(db, ids)
        columns = shown = ["year", "innovations", "growth", "cumulative"]
        body = {"rows": rows}
    else:
        rows = flat = stats.dimension_rows(db, ids, by)
        columns = shown = ["code", "name", "innovations"]
        body = {"rows": rows}
    if fmt == "json":
        click.echo(json.dumps(body, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(table_csv(list(columns), flat).lstrip("\ufeff"), nl=False)
    else:
        click.echo(text_table(shown, flat))


def text_table(columns, rows) -> str:
    """Rows as aligned text columns (numbers right-aligned)."""
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(r[i].replace(".", "", 1).replace("-", "", 1).isdigit() or r[i] == "" for r in cells)
               for i in range(len(columns))]
    lines = ["  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(columns, widths, numeric))]
    for r in cells:
        lines.append("  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(r, widths, numeric)))
    return "\n".join(lines)


@main.command()
@params.click_options(params.FILTERS)
@click.option("--output", type=click.Path(path_type=Path), help="The booklet PDF to write.")
@click.option("--title", default="Buku Profil Inovasi Pelayanan Publik", show_default=True)
@click.option("--job", hidden=True, help="A web job: progress and the file under DATA_DIR/booklets/.")
def booklet(output, title, job, **filters):
    """A booklet PDF of a search result set (at most 300 innovations): cover, contents, one
    profile per innovation, an index by province and regency."""
    if not output and not job:
        raise click.UsageError("--output FILE wajib diisi")
    config, db = _open_store()
    query = _filter_query(filters)
    engine = _sync(config, db)[0]
    ids = result_ids(engine, query)
    if len(ids) > MAX_RECORDS:
        message = (f"{len(ids)} inovasi cocok; buku memuat paling banyak {MAX_RECORDS}. "
                   "Persempit saringan (provinsi, tahun, urusan).")
        if job:
            write_state(config, job, status="failed", message=message)
            return
        raise click.UsageError(message)
    description = filter_description(query) or "semua inovasi"
    try:
        if job:
            data = booklet_pdf(db, ids, config, title, description,
                               lambda done, total: write_state(config, job, done=done, total=total))
            target = booklet_folder(config) / f"{job}.pdf"
            target.with_suffix(".part").write_bytes(data)
            target.with_suffix(".part").replace(target)
            write_state(config, job, status="done", done=len(ids), total=len(ids), bytes=len(data))
            return
        with click.progressbar(length=len(ids), label=f"buku: {len(ids)} inovasi") as bar:
            data = booklet_pdf(db, ids, config, title, description, lambda done, total: bar.update(1))
    except Exception as exc:        # noqa: BLE001 - a web job reports any failure on its page
        if job:
            write_state(config, job, status="failed", message=f"Buku gagal dibuat: {type(exc).__name__}")
            return
        raise
    output.write_bytes(data)
    click.echo(f"buku ditulis ke {output}: {len(ids)} inovasi, {len(data) // 1024} KB")


@main.command()
def publish():
    """Write today's open-data snapshot (public fields, gzipped JSON Lines, with its SHA-256)
    under DATA_DIR/open-data; /data lists it."""
    config, db = _open_store()
    info = write_snapshot(db, config, str(config.get("PUBLIC_URL") or "").rstrip("/"))
    click.echo(f"snapshot {info['name']}: {info['records']} inovasi, sha256 {info['sha256']}")


@main.group()
def user():
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--hub", help="hub_operator: the hub (mapping name) whose records they keep; innovator: the hub "
                            "they submit to.")
@click.option("--province", help="hub_operator: the province code whose records they keep.")
@click.option("--agency", help="agency_editor, innovator: the agency, in any spelling the ingest reads (Pemkab "
                               "Sinjai); the canonical name chosen is printed.")
@click.option("--unit", help="agency_editor: only this unit of the agency (Dinas Kesehatan Kabupaten Sinjai); "
                             "innovator: their unit.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(name, role, hub, province, agency, unit, password_stdin):
    """Create a staff account (asks for the password unless --password-stdin)."""
    _config, db = _open_store()
    if hub and hub not in {m.name for m in all_hub_mappings()}:
        click.echo(f"peringatan: hub '{hub}' belum punya berkas pemetaan di data/hubs/", err=True)
    if agency:
        agency, unit = _agency_scope(agency, unit)
        if not agency_exists(db, agency):
            click.echo(f"peringatan: belum ada entri dengan instansi '{agency}' (cek `kms export`)", err=True)
    password = _read_password(password_stdin)
    try:
        account = create_user(db, name, role, password, hub=hub, province=province, agency=agency, unit=unit)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"akun {account.name} dibuat: {account.role}, {account.scope_label}")


def _agency_scope(typed: str, unit: str | None) -> tuple[str, str | None]:
    try:
        name, chosen_unit = agency_scope(typed, unit)
    except AccountError as exc:
        raise click.UsageError(f"--agency: {exc}") from None
    if name != typed.strip() or chosen_unit:
        click.echo(f"instansi: '{typed}' -> {name}" + (f"; unit: {chosen_unit}" if chosen_unit else ""))
    return name, chosen_unit


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")


@user.command("list")
def user_list():
    """Every account with its role and scope."""
    _config, db = _open_store()
    for account in list_users(db):
        scope = account["hub"] and f"hub {account['hub']}" or account["province"] and \
            f"provinsi {account['province']}" or account["agency"] and f"instansi {account['agency']}" or "semua"
        state = f"  NONAKTIF sejak {account['disabled_at']}" if account["disabled_at"] else ""
        click.echo(f"{account['name']}  {account['role']}  {scope}{state}")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_passwd(name, password_stdin):
    """Set a new password for an account."""
    password = _read_password(password_stdin)
    _config, db = _open_store()
    try:
        set_password(db, name, password)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"kata sandi {name} diganti")


@user.command("disable")
@click.argument("name")
def user_disable(name):
    """Stop an account from signing in (its open sessions end too)."""
    _config, db = _open_store()
    try:
        disable_user(db, name)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"akun {name} dinonaktifkan")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print every setting as one JSON object.")
def settings(as_json):
    """Every setting: its value here, its default and what it does (KMS_<NAME> sets it)."""
    config = load_config()
    rows = [{"name": name, "env": f"KMS_{name}", "default": default, "help": setting_help(name),
             "value": "(set)" if name == "SECRET_KEY" and config.get(name) else config.get(name)}
            for name, (default, _help) in SETTINGS.items()]     # a secret is never printed
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']} = {row['value']!r}  (default {row['default']!r}, {row['env']})")
        click.echo(f"    {row['help']}")


@main.command()
@click.argument("target", type=click.Path(path_type=Path))
def backup(target):
    """Copy the store to TARGET while the site runs (SQLite online backup), with the index
    generation recorded; restore by putting the copy at DATA_DIR/kms.db (the index is rebuilt
    from it on the next start)."""
    config, db = _open_store()
    try:
        info = backup_store(db, target)
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"backup: {exc}") from None
    click.echo(f"cadangan ditulis ke {target}: {info['records']} entri, generasi indeks "
               f"{info['generation']}, {info['bytes']} byte")


@main.command()
def rescore():
    """Score every record's completeness again with the current rules (after editing
    data/completeness.toml); pages and `kms check` rescore the outdated ones before they read."""
    _config, db = _open_store()
    try:
        rules = default_rules()
    except RulesError as exc:
        raise click.UsageError(str(exc)) from None
    before = len(outdated_ids(db, rules))
    count = save_scores(db, rules)
    click.echo(f"kelengkapan dinilai ulang: {count} entri ({before} sebelumnya usang)")
