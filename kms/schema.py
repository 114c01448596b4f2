"""The canonical innovation record and every table, index and migration, in one place."""
from __future__ import annotations

import datetime as dt
import tomllib
from urllib.parse import parse_qsl, urlencode

import sqlite_utils

from indexer.dedupe import title_keys
from indexer.reference import category_variants
from indexer.textnorm import key

# Narrative sections of a KIPP/JIPPNas profile, in reading order, with Indonesian labels.
SECTIONS: dict[str, str] = {
    "summary": "Ringkasan",
    "background": "Latar Belakang",
    "goals": "Tujuan",
    "novelty": "Kebaruan",
    "implementation": "Implementasi",
    "impact": "Signifikansi dan Dampak",
    "adaptability": "Adaptabilitas / Replikasi",
    "resources": "Sumber Daya",
    "sustainability": "Keberlanjutan",
}
# How each section is headed in profile documents (PDFs): the first spelling is the name hub
# mappings give it (`impact = "Signifikansi"`), every spelling is read as that section. The
# profile writer (kms/profile_pdf.py) heads sections with the SECTIONS labels, which are among
# them; the PDF reader (indexer/sources/pdf_source.py) and the sample generator read this table.
PROFILE_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": ("Ringkasan", "Ringkasan Inovasi", "Deskripsi"),
    "background": ("Latar Belakang", "Latar Belakang dan Tujuan"),
    "goals": ("Tujuan", "Tujuan Inovasi"),
    "novelty": ("Kebaruan", "Kebaruan dan Keunikan", "Keunikan"),
    "implementation": ("Implementasi", "Pelaksanaan"),
    "impact": ("Signifikansi", "Signifikansi dan Dampak", "Signifikansi/Dampak", "Dampak", "Evaluasi dan Dampak",
               "Manfaat"),
    "adaptability": ("Adaptabilitas", "Adaptabilitas / Replikasi", "Adaptabilitas/Replikasi", "Adaptasi/Replikasi",
                     "Replikasi"),
    "resources": ("Sumber Daya", "Sumber Daya dan Keberlanjutan"),
    "sustainability": ("Keberlanjutan", "Strategi Keberlanjutan"),
}
# Headings of profile parts that are no narrative section: a section ends where one begins.
PROFILE_OTHER_HEADINGS = ("Riwayat Replikasi", "Kelengkapan Data", "Sumber Data", "Foto Kegiatan",
                          "Tautan ke Halaman Daring")

# Every canonical field with its SQLite type. Lists are stored as JSON text.
RECORD_FIELDS: dict[str, type] = {
    "id": str,
    "title": str,
    **{name: str for name in SECTIONS},
    "year": int,
    "start_year": int,
    "agency": str,
    "agency_type": str,
    "unit": str,
    "province_code": str,
    "province_name": str,
    "regency_code": str,
    "regency_name": str,
    "category": str,
    "sector": str,
    "sdgs": str,
    "award": str,
    "award_year": int,
    "stage": str,
    "digital": str,
    "status": str,
    "innovator": str,
    "contact": str,
    "video_url": str,
    "photos": str,
    "awards": str,
    "updated_at": str,
    "ingested_at": str,
}
LIST_FIELDS = ("sdgs", "photos", "awards")
INT_FIELDS = tuple(name for name, kind in RECORD_FIELDS.items() if kind is int)
# Fields a hub mapping may fill (the rest are derived: ids, names from codes, timestamps).
MAPPABLE_FIELDS = tuple(
    name for name in RECORD_FIELDS
    if name not in {"id", "province_code", "province_name", "regency_code", "regency_name",
                    "ingested_at", "awards"}
) + ("region",)
# Fields that make up a record's content (what a content hash covers).
CONTENT_FIELDS = tuple(name for name in RECORD_FIELDS
                       if name not in {"id", "updated_at", "ingested_at"})

# Indonesian labels of every field a person fills (forms, completeness reasons, worklists).
FIELD_LABELS: dict[str, str] = {
    "title": "Judul", **SECTIONS, "year": "Tahun", "start_year": "Tahun mulai",
    "agency": "Instansi", "agency_type": "Jenis instansi", "unit": "Unit penyelenggara",
    "region": "Wilayah", "category": "Kategori", "sector": "Urusan pemerintahan", "sdgs": "SDGs",
    "award": "Penghargaan", "award_year": "Tahun penghargaan", "stage": "Tahapan",
    "digital": "Digital", "status": "Status", "innovator": "Inovator", "contact": "Kontak",
    "video_url": "Tautan video", "photos": "Foto", "replication": "Replikasi", "awards": "Penghargaan",
}

AGENCY_TYPES = ("kementerian", "lembaga", "pemprov", "pemkab", "pemkot", "bumn", "bumd", "perguruan_tinggi",
                "lsm", "other")
NATIONAL_AGENCY_TYPES = ("kementerian", "lembaga", "bumn")     # no region of their own
REGION_GOVERNMENT_TYPES = ("pemprov", "pemkab", "pemkot")       # a region's own government
STAGES = ("inisiatif", "uji_coba", "penerapan")
STATUSES = ("berlanjut", "berhenti", "unknown")
DIGITAL = ("yes", "no", "unknown")

MIGRATIONS = []


def migration(func):
    """Register a migration; applied once, in order, never edited after it lands."""
    MIGRATIONS.append(func)
    return func


@migration
def create_core_tables(db: sqlite_utils.Database) -> None:
    # The columns as they were when this migration landed: frozen here, never taken from
    # RECORD_FIELDS (a new field arrives in a new migration that adds its column).
    db["innovations"].create({
        "id": str, "title": str, "summary": str, "background": str, "goals": str, "novelty": str,
        "implementation": str, "impact": str, "adaptability": str, "resources": str,
        "sustainability": str, "year": int, "start_year": int, "agency": str, "agency_type": str,
        "unit": str, "province_code": str, "province_name": str, "regency_code": str,
        "regency_name": str, "category": str, "sector": str, "sdgs": str, "award": str,
        "award_year": int, "stage": str, "digital": str, "status": str, "innovator": str,
        "contact": str, "video_url": str, "photos": str, "updated_at": str, "ingested_at": str,
        "content_hash": str,
    }, pk="id")
    db["innovations"].create_index(["province_code", "year"])
    db["innovations"].create_index(["regency_code"])
    db["sources"].create({
        "hub": str, "source_id": str, "record_id": str, "file": str, "line": int,
        "raw": str, "fields": str, "content_hash": str, "source_updated_at": str,
        "first_seen": str, "last_seen": str, "dropped_at": str,
    }, pk=("hub", "source_id"))
    db["sources"].create_index(["record_id"])
    db["quarantine"].create({
        "hub": str, "file": str, "line": int, "source_id": str, "reason": str, "raw": str,
        "created_at": str, "last_seen": str,
    }, pk=("hub", "file", "line"))
    db["review"].create({
        "id": int, "kind": str, "record_id": str, "hub": str, "source_id": str, "field": str,
        "message": str, "detail": str, "created_at": str, "resolved_at": str,
    }, pk="id")
    db["review"].create_index(["kind", "record_id", "hub", "source_id", "field"], unique=True)
    db["ingest_runs"].create({
        "id": int, "hub": str, "started_at": str, "finished_at": str, "report": str,
    }, pk="id")


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration not yet applied (keyed by function name: a migration is never
    renamed or edited once it has landed)."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row["name"] for row in db.query("SELECT name FROM _migrations")}
    for func in MIGRATIONS:
        if func.__name__ in done:
            continue
        with db.conn:
            func(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)",
                       [func.__name__, dt.datetime.now(dt.timezone.utc).isoformat()])


ROLES = ("admin", "hub_operator", "agency_editor", "innovator", "panelist")
STAFF_ROLES = ("admin", "hub_operator", "agency_editor")      # the staff pages; an innovator has only /ajukan
ROLE_NAMES = {"admin": "admin", "hub_operator": "operator hub", "agency_editor": "editor instansi",
              "innovator": "inovator", "panelist": "panelis"}   # for people


@migration
def create_staff_tables(db: sqlite_utils.Database) -> None:
    """Accounts, login attempts, staff edits with their audit trail, campaigns and snapshots."""
    db["users"].create({
        "id": int, "name": str, "password_hash": str, "role": str, "hub": str, "province": str,
        "agency": str, "created_at": str, "disabled_at": str,
    }, pk="id")
    db["users"].create_index(["name"], unique=True)
    db["login_attempts"].create({"id": int, "name": str, "ip": str, "at": str, "ok": int}, pk="id")
    db["login_attempts"].create_index(["name", "at"])
    db["login_attempts"].create_index(["ip", "at"])
    # `value` wins over every hub; `base` is what the hubs said when staff edited (JSON both).
    db["record_overrides"].create({
        "record_id": str, "field": str, "value": str, "base": str, "user": str, "at": str,
    }, pk=("record_id", "field"))
    db["audit"].create({
        "id": int, "record_id": str, "user": str, "at": str, "field": str, "before": str,
        "after": str,
    }, pk="id")
    db["audit"].create_index(["record_id", "at"])
    db["campaigns"].create({
        "id": int, "name": str, "filters": str, "threshold": float, "starts_on": str,
        "deadline": str, "created_by": str, "created_at": str,
    }, pk="id")
    db["snapshots"].create({
        "id": int, "campaign_id": int, "taken_at": str, "taken_by": str, "summary": str,
    }, pk="id")
    db["snapshots"].create_index(["campaign_id", "taken_at"])


REPLICATION_STAGES = ("minat", "kesepakatan", "implementasi")
REPLICATION_STATUSES = ("confirmed", "candidate", "rejected")


@migration
def create_replication_tables(db: sqlite_utils.Database) -> None:
    """Replication lineage: an original, a replica, the stage reached and its dates, who said
    so (`origin`: hub:<name>, staff:<user> or detected) and whether it is confirmed."""
    db["replications"].create({
        "id": int, "original_id": str, "replica_id": str, "stage": str, "minat": str,
        "kesepakatan": str, "implementasi": str, "original_agency": str, "original_unit": str,
        "replica_agency": str, "replica_unit": str, "status": str, "origin": str, "score": float,
        "reasons": str, "created_at": str, "decided_by": str, "decided_at": str,
    }, pk="id")
    db["replications"].create_index(["original_id", "replica_id"], unique=True)
    db["replications"].create_index(["replica_id"])


@migration
def create_similarity_terms(db: sqlite_utils.Database) -> None:
    """Each record's most distinctive narrative words (TF-IDF), derived like the search index
    and rebuilt with it: candidates for similar innovations come from here."""
    db["similarity_terms"].create({"record_id": str, "term": str, "weight": float},
                                  pk=("record_id", "term"))
    db["similarity_terms"].create_index(["term", "record_id", "weight"])


@migration
def create_index_journal(db: sqlite_utils.Database) -> None:
    """The outbox from store to index: every change to a record (or to which hubs send it)
    writes its id here in the same transaction, by trigger, whoever makes the change; kms.sync
    consumes it and clears entries only after the index has committed. `index_state` holds the
    index generation and damage reports (every process reads them)."""
    db.execute("CREATE TABLE index_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
               "record_id TEXT NOT NULL, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")
    db.execute("CREATE TABLE index_state (key TEXT PRIMARY KEY, value TEXT)")
    journal = "INSERT INTO index_journal (record_id) VALUES"
    db.execute(f"CREATE TRIGGER journal_innovation_insert AFTER INSERT ON innovations "
               f"BEGIN {journal} (NEW.id); END")
    db.execute(f"CREATE TRIGGER journal_innovation_update AFTER UPDATE ON innovations "
               f"BEGIN {journal} (NEW.id); {journal} (OLD.id); END")
    db.execute(f"CREATE TRIGGER journal_innovation_delete AFTER DELETE ON innovations "
               f"BEGIN {journal} (OLD.id); END")
    db.execute(f"CREATE TRIGGER journal_source_insert AFTER INSERT ON sources "
               f"BEGIN {journal} (NEW.record_id); END")
    db.execute(f"CREATE TRIGGER journal_source_update AFTER UPDATE ON sources "
               f"WHEN OLD.record_id IS NOT NEW.record_id OR OLD.dropped_at IS NOT NEW.dropped_at "
               f"BEGIN {journal} (NEW.record_id); {journal} (OLD.record_id); END")
    db.execute(f"CREATE TRIGGER journal_source_delete AFTER DELETE ON sources "
               f"BEGIN {journal} (OLD.record_id); END")
    # a store from before the journal: everything it holds is pending once
    db.execute("INSERT INTO index_journal (record_id) SELECT id FROM innovations")


@migration
def create_search_log(db: sqlite_utils.Database) -> None:
    # Searches that found nothing close, or only partial matches: the query text (folded) and
    # counts, never who asked (kms/search_log.py).
    db["search_log"].create({"query": str, "outcome": str, "count": int, "first_seen": str,
                             "last_seen": str}, pk=("query", "outcome"))


@migration
def create_completeness_scores(db: sqlite_utils.Database) -> None:
    # Each record's completeness score and gaps, written when the record changes (kms/scores.py);
    # `rules` is the fingerprint of the rules that scored it.
    db["completeness_scores"].create({"record_id": str, "score": int, "gaps": str, "rules": str,
                                      "scored_at": str}, pk="record_id")
    db["completeness_scores"].create_index(["score"])


@migration
def create_title_keys(db: sqlite_utils.Database) -> None:
    # Blocking keys for duplicate detection (indexer.dedupe.title_keys, kept by
    # kms.records.rebuild_record): a new row is compared only with the records sharing one.
    # Filled here for the records a store already holds.
    # `block`: the record's regency code, else its province code, else '' (the region vetoes
    # of indexer.dedupe.regions_compatible, as key ranges).
    db.execute("CREATE TABLE title_keys (key TEXT NOT NULL, block TEXT NOT NULL, record_id TEXT NOT NULL, "
               "PRIMARY KEY (key, block, record_id)) WITHOUT ROWID")
    db.execute("CREATE INDEX idx_title_keys_record ON title_keys (record_id)")
    cursor = db.conn.execute("SELECT id, title, regency_code, province_code, regency_name, province_name "
                             "FROM innovations")
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        record = dict(zip(names, row))
        block = record["regency_code"] or record["province_code"] or ""
        db.conn.executemany("INSERT OR IGNORE INTO title_keys (key, block, record_id) VALUES (?, ?, ?)",
                            [(k, block, record["id"]) for k in title_keys(record)])
    # the ingest clears a source's outdated review flags by hub and source id
    db["review"].create_index(["hub", "source_id"])


@migration
def add_figure_columns_to_scores(db: sqlite_utils.Database) -> None:
    # The columns campaign figures group and filter by, written with each score (kms/scores.py),
    # so a dashboard reads one index and never the wide records (updated_at only when it is a
    # date, so staleness is a comparison); and each scored record's active hubs. Filled here
    # from the records and sources a store already holds.
    for name, kind in (("province_code", "TEXT"), ("province_name", "TEXT"), ("agency", "TEXT"),
                       ("award_year", "INTEGER"), ("status", "TEXT"), ("updated_at", "TEXT")):
        db.execute(f"ALTER TABLE completeness_scores ADD COLUMN {name} {kind}")
    db.execute("UPDATE completeness_scores SET (province_code, province_name, agency, award_year, status, "
               "updated_at) = (SELECT province_code, province_name, agency, award_year, status, updated_at "
               "FROM innovations i WHERE i.id = completeness_scores.record_id)")
    db.execute("UPDATE completeness_scores SET updated_at = NULL WHERE date(substr(updated_at, 1, 10)) IS NULL")
    # every figure reads this index alone (the rows hold the gaps, a kilobyte each)
    db.execute("CREATE INDEX idx_completeness_scores_figures ON completeness_scores (rules, province_code, "
               "agency, award_year, score, status, updated_at, province_name, record_id)")
    db.execute("CREATE TABLE score_hubs (record_id TEXT NOT NULL, hub TEXT NOT NULL, "
               "PRIMARY KEY (record_id, hub)) WITHOUT ROWID")
    db.execute("CREATE INDEX idx_score_hubs_hub ON score_hubs (hub, record_id)")
    db.execute("INSERT OR IGNORE INTO score_hubs (record_id, hub) SELECT DISTINCT s.record_id, x.hub "
               "FROM completeness_scores s JOIN sources x ON x.record_id = s.record_id "
               "WHERE x.dropped_at IS NULL")


@migration
def add_session_version(db: sqlite_utils.Database) -> None:
    # Bumped by sign-out, a password change and disabling: a session carries the version it
    # was signed in with and ends when it no longer matches (a saved cookie stops working).
    db.execute("ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


@migration
def add_agency_units(db: sqlite_utils.Database) -> None:
    # An agency editor may be scoped to one unit of an agency (a Dinas of a regency): the
    # account keeps the unit, and each score the record's unit, so scope checks stay SQL.
    db.execute("ALTER TABLE users ADD COLUMN unit TEXT")
    db.execute("ALTER TABLE completeness_scores ADD COLUMN unit TEXT")
    db.execute("UPDATE completeness_scores SET unit = (SELECT unit FROM innovations i "
               "WHERE i.id = completeness_scores.record_id)")


@migration
def add_hub_decisions(db: sqlite_utils.Database) -> None:
    # A person's answer to a review item, kept per hub and spelling so the question never comes
    # back: the region or agency a hub's spelling means, the canonical value of a value it sends.
    # Applied at every ingest and renormalization like the mapping's own [values.FIELD] table.
    db.execute("CREATE TABLE hub_decisions (hub TEXT NOT NULL, field TEXT NOT NULL, spelling TEXT NOT NULL, "
               "value TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, "
               "PRIMARY KEY (hub, field, spelling))")


@migration
def add_hub_mappings(db: sqlite_utils.Database) -> None:
    # The mapping each hub was last ingested with (its TOML text), so `kms renormalize` and a
    # decision can normalize a source again though its mapping was given with --mapping FILE.
    db.execute("CREATE TABLE hub_mappings (hub TEXT PRIMARY KEY, path TEXT NOT NULL, text TEXT NOT NULL, "
               "saved_at TEXT NOT NULL)")


@migration
def category_filters_as_keys(db: sqlite_utils.Database) -> None:
    # Categories are keys of data/vocabularies/categories.csv now: saved campaign filters that
    # name a category by a label or a variant name it by its key (the records themselves follow
    # with `kms renormalize`, which reads their raw payloads again).
    table = category_variants()
    for row in list(db.query("SELECT id, filters FROM campaigns")):
        pairs = parse_qsl(row["filters"] or "", keep_blank_values=True)
        keyed = [(name, table.get(key(value), value) if name == "category" else value) for name, value in pairs]
        if keyed != pairs:
            db.execute("UPDATE campaigns SET filters = ? WHERE id = ?", [urlencode(keyed), row["id"]])


@migration
def hub_labels(db: sqlite_utils.Database) -> None:
    # A hub's name for people (the mapping's `label` key), read from the mapping each hub was
    # last ingested with; pages and exports show it instead of the machine name.
    db.execute("ALTER TABLE hub_mappings ADD COLUMN label TEXT")
    for row in list(db.query("SELECT hub, text FROM hub_mappings")):
        try:
            label = str(tomllib.loads(row["text"]).get("label") or "").strip()
        except tomllib.TOMLDecodeError:
            label = ""
        if label:
            db.execute("UPDATE hub_mappings SET label = ? WHERE hub = ?", [label, row["hub"]])


@migration
def add_statistics_indexes(db: sqlite_utils.Database) -> None:
    # The researchers' statistics (kms/stats.py) group by these columns only: a covering index
    # lets every count scan it instead of the records' rows (which hold the narratives). The
    # median completeness per region reads the scores alone: each score row also carries the
    # regency and year that place the record (filled here for the scores a store holds).
    db.execute("CREATE INDEX IF NOT EXISTS idx_innovations_figures ON innovations (regency_code, province_code, "
               "year, award, agency_type, sector, status, sdgs, id)")
    db.execute("ALTER TABLE completeness_scores ADD COLUMN regency_code TEXT")
    db.execute("ALTER TABLE completeness_scores ADD COLUMN year INTEGER")
    db.execute("UPDATE completeness_scores SET (regency_code, year) = (SELECT regency_code, year FROM innovations i "
               "WHERE i.id = completeness_scores.record_id)")
    db.execute("CREATE INDEX idx_completeness_scores_places ON completeness_scores (rules, regency_code, "
               "province_code, year, score, record_id)")


@migration
def campaigns_can_close(db: sqlite_utils.Database) -> None:
    # A campaign is closed when its work is done (kms.campaigns.close_campaign): it leaves the
    # lists of open campaigns, its figures stay readable.
    db.execute("ALTER TABLE campaigns ADD COLUMN closed_at TEXT")


@migration
def add_quarantine_discards(db: sqlite_utils.Database) -> None:
    # A quarantined row dropped on purpose from the quarantine page: who, when, why, and the row.
    db.execute("CREATE TABLE quarantine_discards (id INTEGER PRIMARY KEY, hub TEXT NOT NULL, file TEXT, line INTEGER, "
               "reason TEXT, raw TEXT, why TEXT NOT NULL, discarded_by TEXT NOT NULL, discarded_at TEXT NOT NULL)")


@migration
def review_decisions_audited(db: sqlite_utils.Database) -> None:
    # Who closed a review item and what was decided (kms.decisions, /tinjau, `kms decide`).
    db.execute("ALTER TABLE review ADD COLUMN resolved_by TEXT")
    db.execute("ALTER TABLE review ADD COLUMN decision TEXT")


@migration
def add_feedback(db: sqlite_utils.Database) -> None:
    # Service users' ratings and comments (kms/feedback.py). A rating keeps a key of the address
    # made with that day's salt, so one per address per record per day can be told, and forgets
    # it the next day; comments keep no address at all.
    db.execute("CREATE TABLE feedback_ratings (id INTEGER PRIMARY KEY, record_id TEXT NOT NULL, rating INTEGER NOT NULL, "
               "day TEXT NOT NULL, visitor TEXT, created_at TEXT NOT NULL)")
    db.execute("CREATE UNIQUE INDEX idx_feedback_once ON feedback_ratings (record_id, day, visitor) WHERE visitor IS NOT NULL")
    db.execute("CREATE INDEX idx_feedback_record ON feedback_ratings (record_id)")
    db.execute("CREATE TABLE feedback_comments (id INTEGER PRIMARY KEY, record_id TEXT NOT NULL, name TEXT, text TEXT NOT NULL, "
               "status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL, moderated_by TEXT, moderated_at TEXT, "
               "answer TEXT, answered_by TEXT, answered_at TEXT)")
    db.execute("CREATE INDEX idx_feedback_comments ON feedback_comments (record_id, status)")


REQUEST_STATUSES = ("minat", "kesepakatan", "ditolak", "implementasi")


@migration
def add_replication_requests(db: sqlite_utils.Database) -> None:
    # Replication requests (kms/replication_requests.py): an agency states interest (minat), the
    # owner accepts with a signed agreement or declines (kesepakatan), the replicating agency
    # reports the implementation, which lands as a replication link (origin `request`). Record
    # page openings are counted per record and day (kms/page_views.py), never who opened them.
    db.execute("CREATE TABLE replication_requests (id INTEGER PRIMARY KEY, original_id TEXT NOT NULL, "
               "requester_agency TEXT NOT NULL, requester_unit TEXT, requested_by TEXT NOT NULL, message TEXT NOT NULL, "
               "status TEXT NOT NULL, minat_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT, decision_note TEXT, "
               "agreement_file TEXT, agreement_date TEXT, implemented_by TEXT, implemented_at TEXT, "
               "implementation_date TEXT, evidence TEXT, evidence_file TEXT, replica_id TEXT, link_id INTEGER, "
               "updated_at TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_requests_original ON replication_requests (original_id, status)")
    db.execute("CREATE INDEX idx_requests_agency ON replication_requests (requester_agency, status)")
    db.execute("CREATE TABLE record_views (record_id TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, "
               "PRIMARY KEY (record_id, day)) WITHOUT ROWID")


SUBMISSION_STATUSES = ("draft", "submitted", "published")


@migration
def add_submissions(db: sqlite_utils.Database) -> None:
    # Innovators' submissions to their hub (kms/submissions.py): what was typed (canonical names,
    # JSON), the files kept (photos re-encoded, evidence PDFs), and, once the hub publishes
    # one, the record it became (a source `ajuan-<n>` of the hub).
    db.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, hub TEXT NOT NULL, innovator TEXT NOT NULL, "
               "agency TEXT NOT NULL, unit TEXT, status TEXT NOT NULL DEFAULT 'draft', fields TEXT NOT NULL, "
               "files TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, "
               "published_at TEXT, published_by TEXT, record_id TEXT)")
    db.execute("CREATE INDEX idx_submissions_innovator ON submissions (innovator, status)")
    db.execute("CREATE INDEX idx_submissions_hub ON submissions (hub, status)")


@migration
def add_competitions(db: sqlite_utils.Database) -> None:
    # Hub competitions in stages (kms/competitions.py): the competition with its stages and
    # pass rules as JSON, its panelists, its entries (submissions) with the stage each reached,
    # and every panelist's score and comment per indicator. Awards that competitions give go to
    # record_awards; a record's `awards` lists them with its hub's award, best first (kms.awards).
    db.execute("CREATE TABLE competitions (id INTEGER PRIMARY KEY, hub TEXT NOT NULL, name TEXT NOT NULL, year INTEGER NOT NULL, "
               "opens_on TEXT NOT NULL, closes_on TEXT NOT NULL, template TEXT NOT NULL, stages TEXT NOT NULL, "
               "award TEXT NOT NULL, status TEXT NOT NULL, current_stage INTEGER NOT NULL, created_by TEXT NOT NULL, "
               "created_at TEXT NOT NULL, updated_at TEXT, published_at TEXT)")
    db.execute("CREATE TABLE competition_panelists (competition_id INTEGER NOT NULL, panelist TEXT NOT NULL, "
               "PRIMARY KEY (competition_id, panelist))")
    db.execute("CREATE TABLE competition_entries (competition_id INTEGER NOT NULL, submission_id INTEGER NOT NULL, "
               "reached INTEGER NOT NULL, total REAL, rank INTEGER, winner INTEGER NOT NULL DEFAULT 0, "
               "PRIMARY KEY (competition_id, submission_id))")
    db.execute("CREATE TABLE competition_scores (competition_id INTEGER NOT NULL, stage INTEGER NOT NULL, "
               "submission_id INTEGER NOT NULL, panelist TEXT NOT NULL, indicator TEXT NOT NULL, value REAL NOT NULL, "
               "comment TEXT, at TEXT NOT NULL, PRIMARY KEY (competition_id, stage, submission_id, panelist, indicator))")
    db.execute("CREATE TABLE record_awards (id INTEGER PRIMARY KEY, record_id TEXT NOT NULL, tier TEXT NOT NULL, "
               "year INTEGER, body TEXT, competition_id INTEGER, at TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_record_awards ON record_awards (record_id)")
    db.execute("ALTER TABLE innovations ADD COLUMN awards TEXT")


@migration
def add_activity_log(db: sqlite_utils.Database) -> None:
    # Every step of the hub's own work that is not an edit of a record (kms/activity.py): a
    # submission saved, sent, given a file, published; a competition opened, its panelists named,
    # scoring started, a score given, a stage closed, results published. Who, when, what.
    db.execute("CREATE TABLE activity_log (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref INTEGER NOT NULL, "
               "user TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, detail TEXT)")
    db.execute("CREATE INDEX idx_activity_ref ON activity_log (kind, ref, id)")
