"""Campaign dashboard, drill-down, worklists and snapshots (staff only, scoped by role)."""
from __future__ import annotations

import datetime as dt

from flask import (Blueprint, Response, abort, redirect, render_template, request,
                   url_for)

from kms.campaigns import (create_campaign, filter_description, get_campaign, list_campaigns, may_open,
                           save_snapshot, selection, snapshots, worklist, worklist_csv,
                           worklist_only, worklist_xlsx)
from kms.completeness import default_rules
from kms.params import Param, ParameterError, parse
from kms.records import open_edit_conflicts
from kms.scores import (GROUPS, SORT_COLUMNS, ensure_scores, group_tables, scope_sql, score_rows,
                        selected_ids, summary)
from kms.search_log import OUTCOMES, failed_searches
from kms.web import attachment, campaign_manager_required, current_user, get_db, search_engine, staff_required

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


DASHBOARD = (Param("sort", "Column the group tables sort by", "choice", choices=SORT_COLUMNS,
                   default="records"),
             Param("dir", "Sort direction", "choice", choices=("asc", "desc"), default="desc"))
SELECTION = (CAMPAIGN, Param("by", "Group the drill-down is in", "choice", choices=tuple(GROUPS)),
             Param("value", "The group's value (a hub, province code, agency or award year)"))
RECORDS = SELECTION + (Param("only", "Only incomplete or only stale records", "choice",
                             choices=("incomplete", "stale")),)
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
    sort, descending = values["sort"], values["dir"] != "asc"
    db, rules = get_db(), default_rules()
    tables = group_tables(db, rules, chosen, threshold, sort, descending)
    since = campaign.starts_on if campaign else None
    figures = summary(db, rules, chosen, threshold, since)
    conflicts = open_edit_conflicts(db)
    shown = selected_ids(db, rules, chosen, [item["record_id"] for item in conflicts])
    conflicts = [item for item in conflicts if item["record_id"] in shown]
    return render_template(
        "staff/dashboard.html", campaign=campaign, summary=figures, tables=tables, groups=GROUPS,
        sort=sort, descending=descending, sort_columns=SORT_COLUMNS, user=current_user(),
        campaigns=list_campaigns(db, current_user()), history=snapshots(db, campaign.id if campaign else None),
        description=filter_description(campaign.query()) if campaign else "semua data",
        conflicts=conflicts, today=dt.date.today().isoformat(),
        stale_months=default_rules().stale_months)


@bp.post("/kampanye")
@campaign_manager_required
def create():
    form = request.form
    try:
        campaign_id = create_campaign(get_db(), form.get("name"), form.get("filters"),
                                      form.get("threshold") or default_rules().threshold,
                                      form.get("deadline") or None, current_user().name)
    except ParameterError as exc:
        return render_template("errors/error.html", code=400,
                               message=f"Kolom {exc.parameter} tidak valid: {exc.pesan}"), 400
    return redirect(url_for("staff.dashboard", campaign_id=campaign_id))


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


def _selected_rows(values: dict, only: str | None = None):
    campaign, threshold, chosen = campaign_selection(values["campaign"])
    by, value = values["by"], values["value"] or ""
    rows = score_rows(get_db(), default_rules(), chosen, threshold, by, value, only)
    return campaign, threshold, rows, by, value


@bp.get("/kampanye/data")
@staff_required
def records():
    values = parse(RECORDS, request.args)
    only = values["only"] or ""
    campaign, threshold, rows, by, value = _selected_rows(values, only or None)
    return render_template("staff/records.html", campaign=campaign, threshold=threshold, rows=rows,
                           by=by, value=value, group_title=GROUPS.get(by or "", ""), only=only)


@bp.get("/kampanye/daftar-kerja.<fmt>")
@staff_required
def worklist_file(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    values = parse(WORKLIST, request.args)
    campaign, threshold, rows, by, value = _selected_rows(values, worklist_only(values["stale"] == "1"))
    items = worklist(rows, request.host_url.rstrip("/"))
    stem = "daftar-kerja" + (f"-{by}-{value}" if by else "")
    if fmt == "csv":
        body, mime = worklist_csv(items), "text/csv"
    else:
        body, mime = worklist_xlsx(items), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mime)
    if fmt == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = attachment(f"{stem}.{fmt}")
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
