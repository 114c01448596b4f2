"""Settings: defaults, each with a one-line help, overridden by KMS_* variables, then by tests."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETTINGS: dict[str, tuple[object, str]] = {
    "DATA_DIR": (str(ROOT / "var"), "Folder for the database kms.db and the search index index/."),
    "SECRET_KEY": (None, "Signs sessions and CSRF tokens; set KMS_SECRET_KEY in production "
                         "(a random per-process key is used when unset)."),
    "PUBLIC_URL": ("", "The site's address (https://...), used for links in worklists written by "
                       "`kms check`, canonical links and the sitemap (unset: the address a request came to)."),
    "IMAGE_HOSTS": ("", "Hosts (comma-separated, e.g. jippnas.menpan.go.id) whose photo URLs record pages may "
                        "show as images; photos elsewhere are listed as links, never loaded from unknown hosts."),
    "DATA_LICENCE": ("", "The licence of the data, stated on /data (the data belongs to the hubs: set it to what "
                         "they agreed, e.g. \"CC BY 4.0, (c) the hubs named in each record\")."),
    "PER_PAGE": (20, "Search results per page on the web."),
    "SEARCH_ENGINE": ("whoosh", "The full-text engine behind the search seam (kms.search.ENGINES)."),
    "RATE_LIMIT": (120, "Requests per minute one address may make to the search pages and the API "
                        "without signing in (429 beyond it; 0: no limit)."),
    "SECURE_COOKIES": (0, "1: the session cookie is sent over HTTPS only (set it when the site is served "
                          "over HTTPS, directly or behind a proxy)."),
    "INDEX_COMPACT_BELOW": (200_000, "An engine that counts deleted documents in its relevance statistics "
                                     "(tantivy) is rebuilt after a write while it holds at most this many "
                                     "documents, so results equal a rebuild's; above it `kms reindex` compacts."),
    "INGEST_MAX_FILE_MB": (512, "An export file larger than this is refused whole, with the reason."),
    "INGEST_MAX_FIELD_KB": (256, "A source value longer than this (in thousands of characters) quarantines "
                                 "its record, naming the column."),
    "INGEST_MAX_RECORD_KB": (1024, "A record whose values hold more characters than this (thousands) is "
                                   "quarantined, naming its largest column."),
    "INGEST_MAX_NESTING": (20, "A JSON record whose lists and tables nest deeper than this is quarantined."),
    "INGEST_MAX_SHEET_ROWS": (500_000, "An Excel sheet declaring more rows than this is refused before it "
                                       "is read."),
    "INGEST_MAX_SHEET_COLUMNS": (500, "An Excel sheet declaring more columns than this is refused before it "
                                      "is read."),
    "INGEST_MAX_UNZIPPED_MB": (2048, "An Excel file whose parts unpack to more than this is refused."),
    "INGEST_MAX_ZIP_RATIO": (200, "An Excel file unpacking to more than this many times its packed size "
                                  "(a zip bomb) is refused."),
    "FEEDBACK_RATE": (6, "Ratings and comments one address may send per minute (429 beyond it; 0: no limit)."),
    "UPLOAD_MAX_MB": (50, "The most one upload on /unggah may send (all its files together)."),
    "TRUSTED_PROXIES": (0, "Proxies in front of the server whose X-Forwarded-For is believed (0: the "
                           "client is the connecting address)."),
}


def setting_help(name: str) -> str:
    return SETTINGS[name][1]


def setting(name: str):
    """One setting: its KMS_<NAME> environment variable, else its default."""
    default = SETTINGS[name][0]
    env = os.environ.get(f"KMS_{name}")
    if env is None:
        return default
    return type(default)(env) if isinstance(default, int) else env


def load_config(overrides: dict | None = None) -> dict:
    """Defaults, then KMS_<NAME> environment variables, then explicit overrides."""
    config = {name: setting(name) for name in SETTINGS}
    config.update(overrides or {})
    return config


def db_path(config: dict) -> Path:
    """Where the SQLite store lives."""
    return Path(config["DATA_DIR"]) / "kms.db"


def index_dir(config: dict) -> Path:
    """Where the search index lives."""
    return Path(config["DATA_DIR"]) / "index"
