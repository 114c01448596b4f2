"""/kompetisi: a hub's competitions in stages. Operators of the hub (and admins) open one, name
its panelists, start scoring, close each stage and publish the results; panelists score the
entries of the open stage; everybody reads published results. Who may do what is
kms.competitions' answer; a refused form comes back with its errors and what was typed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from kms import competitions as comps
from kms.activity import history
from kms.awards import tier_label, tiers
from kms.competitions import CompetitionError
from kms.records import hub_labels
from kms.schema import FIELD_LABELS, SECTIONS
from kms.web import attachment, current_user, get_db, signed_in_required, sync_after_change

bp = Blueprint("competitions", __name__)


def _or_abort(exc: CompetitionError):
    if exc.status in (403, 404):
        abort(exc.status, " ".join(exc.errors.values()))


@bp.get("/kompetisi")
def overview():
    user = current_user()
    return render_template("competitions/list.html", items=comps.competitions_for(get_db(), user), user=user,
                           hubs=hub_labels(get_db()),
                           statuses=comps.STATUSES, tier_label=tier_label,
                           may_create=bool(user and (user.role == "admin" or (user.role == "hub_operator" and user.hub))))


def _new_form(typed=None, errors=None, status=200):
    user = current_user()
    hubs = sorted(hub_labels(get_db()).items(), key=lambda item: item[1]) if user.role == "admin" else []
    found = comps.templates()
    score_stages: dict[str, dict] = {}
    for template in found.values():          # every scored stage once, with each set's own default
        for stage in template["stages"]:
            if stage["kind"] == "score":
                entry = score_stages.setdefault(stage["key"], {"label": stage["label"], "defaults": []})
                entry["defaults"].append(f"{template['name']}: {stage['top']} teratas" if stage.get("top")
                                         else f"{template['name']}: nilai minimal {stage['threshold']}")
    for entry in score_stages.values():
        entry["defaults"] = "; ".join(entry["defaults"])
    return render_template("competitions/new.html", typed=typed or {}, errors=errors or {}, templates=found,
                           score_stages=score_stages, tiers=tiers(), hubs=hubs, user=user,
                           hubs_named=hub_labels(get_db())), status


@bp.route("/kompetisi/baru", methods=["GET", "POST"])
@signed_in_required
def new():
    user = current_user()
    if user.role != "admin" and not (user.role == "hub_operator" and user.hub):
        abort(403, "Kompetisi dibuka operator hub (atau admin).")
    if request.method == "GET":
        return _new_form({"template": "kipp-2023", "award": "top_provinsi"})
    typed = request.form.to_dict()
    try:
        number = comps.create(get_db(), user, typed)
    except CompetitionError as exc:
        _or_abort(exc)
        return _new_form(typed, exc.errors, exc.status)
    return redirect(url_for("competitions.show", number=number, selesai="dibuat"), code=303)


def _competition(number: int) -> dict:
    found = comps.get_competition(get_db(), number)
    if found is None:
        abort(404, "Kompetisi ini tidak ada.")
    return found


@bp.get("/kompetisi/<int:number>")
def show(number):
    """The manager's page (entries, the open stage's totals, spread and outliers, the steps),
    a panelist's list of what to score, or the published results."""
    db, user = get_db(), current_user()
    competition = _competition(number)
    manager = comps.may_manage(user, competition)
    panelist = comps.is_panelist(db, user, competition)
    if not (manager or panelist or competition["status"] == "published"):
        abort(404 if user is None else 403, "Kompetisi ini belum menerbitkan hasilnya.")
    stage_index = competition["current_stage"]
    entries = comps.entries(db, number)          # read once: every table on the page is over them
    results = comps.stage_results(db, competition, stage_index, entries) if stage_index >= 0 and (manager or panelist) \
        else []
    closed = stage_index + 1 if competition["status"] == "published" else max(stage_index, 0)
    earlier = [(competition["stages"][i], comps.stage_results(db, competition, i, entries)) for i in range(closed)] \
        if manager else []
    hub_panelists = comps.hub_panelists(db, competition["hub"]) if manager else []
    agencies = {p["name"]: p["agency"] for p in hub_panelists}
    mine = {r["submission_id"] for r in comps.scores(db, number, stage_index, panelist=user.name)} \
        if panelist and stage_index >= 0 else set()
    return render_template(
        "competitions/show.html", competition=competition, manager=manager, panelist=panelist, user=user,
        entries=entries, results=results, statuses=comps.STATUSES, tier_label=tier_label, mine=mine,
        by_id={e["submission_id"]: e for e in entries}, chosen=comps.panelists(db, number),
        hub_panelists=hub_panelists,
        eligible=comps.eligible(db, competition) if manager and competition["status"] == "open" else [],
        conflict=(lambda s: comps.conflict(user, s)) if panelist else (lambda s: False),
        errors=request.args.get("galat"), done=request.args.get("selesai"),
        history=history(db, "competition", number) if manager else [], earlier=earlier,
        waiting=comps.missing_scores(db, competition) if manager and competition["status"] == "scoring" else {},
        own_agency=lambda name, submission: comps.of_agency(agencies.get(name), submission),
        spread_flag=comps.OUTLIER_POINTS, hubs=hub_labels(db))


def _step(number: int, step, done: str):
    try:
        step()
    except CompetitionError as exc:
        _or_abort(exc)
        return redirect(url_for("competitions.show", number=number, galat=" ".join(exc.errors.values())), code=303)
    return redirect(url_for("competitions.show", number=number, selesai=done), code=303)


@bp.post("/kompetisi/<int:number>/panelis")
@signed_in_required
def choose_panelists(number):
    return _step(number, lambda: comps.set_panelists(get_db(), number, current_user(), request.form.getlist("panelist")),
                 "panelis")


@bp.post("/kompetisi/<int:number>/mulai")
@signed_in_required
def start(number):
    return _step(number, lambda: comps.start(get_db(), number, current_user()), "mulai")


@bp.post("/kompetisi/<int:number>/tutup-tahap")
@signed_in_required
def close_stage(number):
    return _step(number, lambda: comps.close_stage(get_db(), number, current_user(),
                                                   anyway=request.form.get("anyway") == "1"), "tahap")


@bp.post("/kompetisi/<int:number>/terbitkan")
@signed_in_required
def publish(number):
    response = _step(number, lambda: comps.publish(get_db(), number, current_user(), current_app.config), "terbit")
    sync_after_change()
    return response


def _score_page(competition, entry, errors=None, typed=None, status=200):
    db, user = get_db(), current_user()
    stage = competition["stages"][competition["current_stage"]]
    kept = {r["indicator"]: r for r in comps.scores(db, competition["id"], competition["current_stage"],
                                                    entry["submission_id"], user.name)}
    values = typed or {**{f"nilai_{k}": (f"{r['value']:g}") for k, r in kept.items()},
                       **{f"catatan_{k}": r["comment"] or "" for k, r in kept.items()}}
    return render_template("competitions/score.html", competition=competition, stage=stage, entry=entry,
                           submission=entry["submission"], values=values, errors=errors or {}, labels=FIELD_LABELS,
                           sections=SECTIONS, locked=competition["status"] != "scoring"
                           or entry["reached"] < competition["current_stage"], done=request.args.get("selesai")), status


@bp.route("/kompetisi/<int:number>/nilai/<int:submission_id>", methods=["GET", "POST"])
@signed_in_required
def score(number, submission_id):
    """A panelist scores one entry of the open stage (one value and comment per indicator)."""
    db, user = get_db(), current_user()
    competition = _competition(number)
    if not comps.is_panelist(db, user, competition):
        abort(403, "Hanya panelis kompetisi ini yang menilai.")
    entry = next((e for e in comps.entries(db, number) if e["submission_id"] == submission_id), None)
    if entry is None:
        abort(404, "Ajuan ini bukan peserta kompetisi.")
    if comps.conflict(user, entry["submission"]):
        abort(403, "Panelis tidak menilai ajuan instansinya sendiri.")
    if request.method == "GET":
        return _score_page(competition, entry)
    typed = request.form.to_dict()
    try:
        comps.score(db, number, user, submission_id, typed)
    except CompetitionError as exc:
        _or_abort(exc)
        return _score_page(competition, entry, exc.errors, typed, exc.status)
    return redirect(url_for("competitions.score", number=number, submission_id=submission_id, selesai="1"), code=303)


@bp.get("/kompetisi/<int:number>/nilai.xlsx")
@signed_in_required
def scores_xlsx(number):
    """Every score, comment and total for the minutes (the hub's operators and admins)."""
    competition = _competition(number)
    if not comps.may_manage(current_user(), competition):
        abort(403, "Nilai kompetisi diunduh operator hubnya dan admin.")
    return Response(comps.scores_workbook(get_db(), competition),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": attachment(f"nilai-kompetisi-{number}.xlsx")})
