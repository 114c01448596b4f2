"""Campaign dashboard, drill-down, worklists and snapshots (staff only, scoped by role)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

from flask import (Blueprint, Response, abort, redirect, render_template, request,
                   url_for)

from kms.campaigns import (CampaignError, builder_choices, close_campaign, create_campaign, filter_description,
                           get_campaign, list_campaigns, may_open, save_snapshot, selection, snapshots,
                           update_campaign, worklist, worklist_csv, worklist_name, worklist_only, worklist_xlsx)
from kms.completeness import default_rules
from kms.params import Param, ParameterError, parse
from kms.records import open_edit_conflicts
from kms.replication_requests import awaiting
from kms.scores import (GROUPS, SORT_COLUMNS, count_rows, ensure_scores, group_tables, scope_sql, score_rows,
                        selected_ids, sort_table, summary)
from kms.search.engine import FACETS
from kms.search.query import SearchQuery
from kms.search_log import OUTCOMES, failed_searches
from kms.web import (attachment, campaign_manager_required, current_user, get_db, public_url, search_engine,
                     staff_required)

bp = Blueprint("staff", __name__)


def campaign_selection(campaign_id: int | None):
    """The campaign (or None: every record), its threshold and the selection of its records
    within the account's scope; the stored scores brought up to date with the rules."""
    db = get_db()
    rules = default_rules()
    campaign = None
    query = None
    if campaign_id is not None:
        campaign = get_campaign(db, campaign_id)
        if campaign is None:
            abort(404, "Kampanye tidak ditemukan.")
        if not may_open(db, current_user(), campaign):
            abort(403, "Kampanye ini milik cakupan lain.")
        query = campaign.query()
    ensure_scores(db, rules)
    chosen = selection(search_engine(), query, scope=scope_sql(current_user()))
    threshold = campaign.threshold if campaign else rules.threshold
    return campaign, threshold, chosen


CAMPAIGN = Param("campaign", "Campaign number (none: every record in the account's scope)", "int", 1,
                 2**31)


DASHBOARD = tuple(param for by in GROUPS for param in (
    Param(f"sort_{by}", f"Column the table per {by} sorts by", "choice", choices=SORT_COLUMNS, default="records"),
    Param(f"dir_{by}", "Sort direction", "choice", choices=("asc", "desc"), default="desc")))
SELECTION = (CAMPAIGN, Param("by", "Group the drill-down is in", "choice", choices=tuple(GROUPS)),
             Param("value", "The group's value (a hub, province code, agency or award year)"))
DRILL_PAGE = 50
RECORDS = SELECTION + (Param("only", "Only incomplete or only stale records", "choice",
                             choices=("incomplete", "stale")),
                       Param("page", "Page of the list", "int", 1, 100_000, default=1))
WORKLIST = SELECTION + (Param("stale", "1: the worklist also lists stale records", "choice",
                              choices=("0", "1"), default="0"),)


def _campaign_arg() -> int | None:
    return parse((CAMPAIGN,), request.args)["campaign"]


@bp.get("/kampanye")
@bp.get("/kampanye/<int:campaign_id>")
@staff_required
def dashboard(campaign_id=None):
    values = parse(DASHBOARD, request.args)
    campaign, threshold, chosen = campaign_selection(campaign_id)
    db, rules = get_db(), default_rules()
    tables = group_tables(db, rules, chosen, threshold, "label", False)
    table_sorts = {}
    for by in GROUPS:               # each table sorted by its own parameters
        column, descending = values[f"sort_{by}"], values[f"dir_{by}"] != "asc"
        tables[by] = sort_table(tables[by], column, descending)
        table_sorts[by] = (column, descending)
    sort_args = {k: v for k, v in request.args.items() if k.startswith(("sort_", "dir_"))}
    since = campaign.starts_on if campaign else None
    figures = summary(db, rules, chosen, threshold, since)
    conflicts = open_edit_conflicts(db)
    shown = selected_ids(db, rules, chosen, [item["record_id"] for item in conflicts])
    conflicts = [item for item in conflicts if item["record_id"] in shown]
    covering = _covering(db, rules) if current_user().role == "agency_editor" else []
    return render_template(
        "staff/dashboard.html", campaign=campaign, summary=figures, tables=tables, groups=GROUPS, covering=covering,
        table_sorts=table_sorts, sort_args=sort_args, sort_columns=SORT_COLUMNS, user=current_user(),
        campaigns=list_campaigns(db, current_user()), history=snapshots(db, campaign.id if campaign else None),
        description=filter_description(campaign.query()) if campaign else "semua data",
        conflicts=conflicts, today=dt.date.today().isoformat(), requests=awaiting(db, current_user()),
        stale_months=default_rules().stale_months)


BUILDER = ("q", *FACETS, "year_from", "year_to")     # the filter builder's controls: the shared filters


def builder_filters(form) -> str:
    """The campaign's filters from the builder's controls (and any `filters` query string a
    search page sent), as one query string; blanks dropped, nothing else kept."""
    pairs = [(k, v) for k, v in parse_qsl((form.get("filters") or "").lstrip("?")) if v.strip()]
    for name in BUILDER:
        for value in form.getlist(name):
            for part in (value.split(",") if name == "regency" else [value]):
                if part.strip():
                    pairs.append((name, part.strip()))
    return urlencode(list(dict.fromkeys(pairs)))


def _form(campaign=None, typed=None, errors=None, status=200):
    """The campaign form (new or editing), with what was typed and each field's error."""
    typed = typed or {}
    filters = typed.get("filters", campaign.filters if campaign else "")
    try:
        query = SearchQuery.from_args(parse_qsl(filters), 20)
    except ParameterError:
        query = SearchQuery()
    return render_template(
        "staff/campaign_form.html", campaign=campaign, typed=typed, errors=errors or {}, query=query,
        filters_text=filters, choices=builder_choices(get_db()), rules=default_rules(),
        today=dt.date.today().isoformat()), status


@bp.get("/kampanye/baru")
@campaign_manager_required
def new():
    return _form(typed={"filters": (request.args.get("filters") or "").lstrip("?")})


def _covering(db, rules) -> list[dict]:
    """For a data owner: the open campaigns that cover some of its records, with how many and
    how many are still incomplete, by deadline."""
    user = current_user()
    out = []
    for campaign in list_campaigns(db, user):
        if not campaign.open:
            continue
        chosen = selection(search_engine(), campaign.query(), scope=scope_sql(user))
        figures = summary(db, rules, chosen, campaign.threshold)
        if figures["records"]:
            out.append({"campaign": campaign, "records": figures["records"], "incomplete": figures["incomplete"]})
    return sorted(out, key=lambda item: (item["campaign"].deadline or "9999", item["campaign"].id))


@bp.post("/kampanye")
@campaign_manager_required
def create():
    form = request.form
    typed = {**form.to_dict(), "filters": builder_filters(form)}
    try:
        campaign_id = create_campaign(get_db(), form.get("name"), typed["filters"],
                                      form.get("threshold") or default_rules().threshold,
                                      form.get("deadline") or None, current_user().name)
    except CampaignError as exc:
        return _form(None, typed, exc.errors, 400)
    return redirect(url_for("staff.dashboard", campaign_id=campaign_id, dibuat=1))


def _own_campaign(campaign_id: int):
    campaign = get_campaign(get_db(), campaign_id)
    if campaign is None:
        abort(404, "Kampanye tidak ditemukan.")
    if not may_open(get_db(), current_user(), campaign):
        abort(403, "Kampanye ini milik cakupan lain.")
    return campaign


@bp.route("/kampanye/<int:campaign_id>/ubah", methods=["GET", "POST"])
@campaign_manager_required
def edit_campaign(campaign_id):
    campaign = _own_campaign(campaign_id)
    if request.method == "GET":
        return _form(campaign, {"name": campaign.name, "threshold": f"{campaign.threshold:g}",
                                "deadline": campaign.deadline or "", "filters": campaign.filters})
    typed = {**request.form.to_dict(), "filters": builder_filters(request.form)}
    try:
        update_campaign(get_db(), campaign_id, typed.get("name"), typed["filters"],
                        typed.get("threshold") or campaign.threshold, typed.get("deadline") or None)
    except CampaignError as exc:
        return _form(campaign, typed, exc.errors, 400)
    return redirect(url_for("staff.dashboard", campaign_id=campaign_id, disimpan=1))


@bp.post("/kampanye/<int:campaign_id>/tutup")
@campaign_manager_required
def close(campaign_id):
    campaign = _own_campaign(campaign_id)
    close_campaign(get_db(), campaign_id, request.form.get("buka") != "1")
    return redirect(url_for("staff.dashboard", campaign_id=campaign.id))


@bp.post("/kampanye/snapshot")
@campaign_manager_required
def snapshot():
    campaign_id = _campaign_arg()
    campaign, threshold, chosen = campaign_selection(campaign_id)
    figures = summary(get_db(), default_rules(), chosen, threshold, campaign.starts_on if campaign else None)
    save_snapshot(get_db(), campaign_id, figures, current_user().name)
    if campaign_id is None:
        return redirect(url_for("staff.dashboard"))
    return redirect(url_for("staff.dashboard", campaign_id=campaign_id))


def _selected_rows(values: dict, only: str | None = None, page: int | None = None):
    campaign, threshold, chosen = campaign_selection(values["campaign"])
    by, value = values["by"], values["value"] or ""
    paging = {"limit": DRILL_PAGE, "offset": (page - 1) * DRILL_PAGE} if page else {}
    rows = score_rows(get_db(), default_rules(), chosen, threshold, by, value, only, **paging)
    total = count_rows(get_db(), default_rules(), chosen, threshold, by, value, only) if page else len(rows)
    return campaign, threshold, rows, by, value, total


@bp.get("/kampanye/data")
@staff_required
def records():
    """The records of a campaign (or group), lowest score first, DRILL_PAGE a page; each edit
    link brings the editor back to this page and row."""
    values = parse(RECORDS, request.args)
    only = values["only"] or ""
    campaign, threshold, rows, by, value, total = _selected_rows(values, only or None, values["page"])
    pages = max(1, -(-total // DRILL_PAGE))
    if values["page"] > pages:
        return redirect(url_for("staff.records", **{**request.args.to_dict(), "page": pages}))
    return render_template("staff/records.html", campaign=campaign, threshold=threshold, rows=rows,
                           by=by, value=value, group_title=GROUPS.get(by or "", ""), only=only, total=total,
                           page=values["page"], pages=pages, here=request.full_path.rstrip("?"),
                           first=(values["page"] - 1) * DRILL_PAGE)


@bp.get("/kampanye/daftar-kerja.<fmt>")
@staff_required
def worklist_file(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    values = parse(WORKLIST, request.args)
    campaign, threshold, rows, by, value, _total = _selected_rows(values, worklist_only(values["stale"] == "1"))
    items = worklist(rows, public_url(""))
    if fmt == "csv":
        body, mime = worklist_csv(items), "text/csv"
    else:
        body, mime = worklist_xlsx(items), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mime)
    if fmt == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = attachment(worklist_name(campaign, by, value, fmt))
    return response


FAILED = (Param("outcome", "none: nothing close was found; partial: no record had every word",
                "choice", choices=OUTCOMES),)


@bp.get("/kampanye/pencarian-gagal")
@staff_required
def failed():
    """Searches that found nothing close, or only partial matches, most frequent first."""
    values = parse(FAILED, request.args)
    return render_template("staff/failed_searches.html", rows=failed_searches(get_db(), values["outcome"]),
                           outcome=values["outcome"])
