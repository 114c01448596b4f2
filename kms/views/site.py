"""What every public site offers besides its pages: robots.txt, the sitemap (an index of
sitemaps past one file's 50,000 addresses), the favicon, and photos stored with the site."""
from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory, url_for

from kms.config import ROOT
from kms.media import media_dir
from kms.records import count_records, record_dates
from kms.web import get_db, public_url

bp = Blueprint("site", __name__)
SITEMAP_SIZE = 50_000           # the sitemap protocol's limit per file
STAFF_PATHS = ("/masuk", "/keluar", "/kampanye", "/api/", "/inovasi/*/ubah", "/unggah", "/tinjau",
               "/karantina", "/akun", "/ajukan")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in STAFF_PATHS), "Allow: /",
             f"Sitemap: {public_url(url_for('site.sitemap'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page; with more records than one file holds, an index of numbered files."""
    total = count_records(get_db())
    if total + 2 > SITEMAP_SIZE:
        files = [public_url(url_for("site.sitemap_page", number=n))
                 for n in range(1, -(-total // SITEMAP_SIZE) + 1)]
        return Response(render_template("site/sitemap_index.xml", files=files), mimetype="application/xml")
    return _urlset(record_dates(get_db()), pages=True)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_page(number):
    rows = record_dates(get_db(), (number - 1) * SITEMAP_SIZE, SITEMAP_SIZE) if number >= 1 else []
    if not rows:
        abort(404)
    return _urlset(rows, pages=number == 1)


def _urlset(rows, pages: bool):
    fixed = [public_url(url_for(name)) for name in ("search.results", "replication.page")] if pages else []
    records = [(public_url(url_for("search.detail", record_id=record_id)), (updated or "")[:10])
               for record_id, updated in rows]
    return Response(render_template("site/sitemap.xml", fixed=fixed, records=records), mimetype="application/xml")


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(ROOT / "kms" / "static", "favicon.ico", max_age=86400)


@bp.get("/media/<path:name>")
def media(name):
    """A photo stored with the site (send_from_directory refuses paths outside the folder)."""
    return send_from_directory(media_dir(current_app.config), name, max_age=3600)
