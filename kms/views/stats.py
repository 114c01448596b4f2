"""Pages for researchers: /statistik (the national overview), /wilayah/<code> (one province
or regency), /bandingkan (regions side by side), /peta (the map). Each takes the search
filters in its URL; the figures come from kms.stats, the map from kms.choropleth."""
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from indexer.reference import agency_type_labels
from kms import choropleth, params, stats
from kms.params import Param
from kms.regionfacts import region_facts
from kms.records import hub_labels
from kms.results import active_filters
from kms.search.present import labeller
from kms.search.query import SearchQuery
from kms.suggest import sector_choices
from kms.web import get_db, query_thesaurus, search_engine

bp = Blueprint("stats", __name__)
FIGURES = {"innovations": "Jumlah inovasi", "per_million": "Per 1 juta penduduk",
           "per_10k_km2": "Per 10.000 km²", "regency_share": "Kab/kota yang punya inovasi (bagian)",
           "replications_given": "Replikasi diberikan", "replications_received": "Replikasi diterima",
           "running_share": "Masih berjalan (bagian)", "median_completeness": "Median skor kelengkapan"}
SORTABLE = ("name", "innovations", "per_million", "per_10k_km2", "regency_share", "replications_given",
            "replications_received", "running_share", "median_completeness")
PAGE = params.FILTERS + (Param("ukuran", "The figure the map colours by", "choice", choices=tuple(FIGURES),
                               default="innovations"),
                         Param("urut", "Sort the table by", "choice", choices=SORTABLE, default="innovations"),
                         Param("arah", "naik or turun", "choice", choices=("naik", "turun"), default="turun"),
                         Param("tingkat", "provinsi or kabupaten", "choice", choices=("provinsi", "kabupaten"),
                               default="provinsi"))
COMPARE = params.FILTERS + (Param("region", params.REGION_HELP, "region", repeat=True),)


def _read(declared):
    values = params.parse(declared, request.args)
    query = SearchQuery.from_mapping(values, current_app.config["PER_PAGE"])
    ids = stats.choose(search_engine(), query, query_thesaurus())
    return values, query, ids


def _sorted(rows, column, direction):
    known = [r for r in rows if r.get(column) is not None]
    unknown = [r for r in rows if r.get(column) is None]
    known.sort(key=lambda r: (r[column], r["name"]) if column == "name" else (r[column], r["name"]),
               reverse=direction == "turun" and column != "name")
    return known + unknown


def _common(query):
    label = labeller(hub_labels(get_db()))
    return {"query": query, "chips": active_filters(query, label), "figures": FIGURES,
            "filter_args": urlencode(query.as_args()), "sources": stats.SOURCES,
            "sector_options": sector_choices(), "agency_type_options": list(agency_type_labels().items())}


def _series(name: str, years: list[dict]) -> list[dict]:
    return [{"name": name, "points": {y["year"]: y["innovations"] for y in years if y["year"] is not None}}]


@bp.get("/statistik")
def overview():
    """The national overview: the map, the province table, years, sectors, SDGs, matrices, flows."""
    values, query, ids = _read(PAGE)
    db = get_db()
    rows = stats.region_rows(db, ids)
    provinces = [r for r in rows if r["level"] == "province"]
    return render_template(
        "stats/overview.html", **_common(query), values=values, rows=rows,
        table=_sorted(provinces, values["urut"], values["arah"]) + [r for r in rows if r["level"] != "province"],
        map=choropleth.province_map(rows, values["ukuran"]), years=stats.year_rows(db, ids),
        year_series=_series("Inovasi per tahun", stats.year_rows(db, ids)),
        sectors=sorted((r for r in stats.dimension_rows(db, ids, "sector") if r["code"]), key=lambda r: -r["innovations"]),
        sdgs=stats.dimension_rows(db, ids, "sdg"), by_sector=stats.matrix(db, ids, "province", "sector"),
        by_year=stats.matrix(db, ids, "province", "year"), flows=stats.flows(db, ids),
        year_by_agency=stats.matrix(db, ids, "year", "agency_type"),
        total=sum(r["innovations"] for r in rows))


@bp.get("/peta")
def map_page():
    values, query, ids = _read(PAGE)
    db = get_db()
    rows = stats.region_rows(db, ids)
    regencies = stats.region_rows(db, ids, "regency") if values["tingkat"] == "kabupaten" else []
    return render_template("stats/map.html", **_common(query), values=values, rows=rows,
                           map=choropleth.province_map(rows, values["ukuran"]),
                           dots=choropleth.regency_dots(regencies) if regencies else [],
                           regencies=[r for r in regencies if r["innovations"]])


@bp.get("/wilayah/<code>")
def region(code):
    """One province or regency against the national (and provincial) median."""
    facts = region_facts().get(code)
    if facts is None:
        abort(404, "Wilayah dengan kode ini tidak ada dalam daftar Kemendagri 2025.")
    values, query, ids = _read(params.FILTERS)
    db = get_db()
    level = facts.level
    peers = stats.region_rows(db, ids, level)
    peers = [r for r in peers if r["level"] == level]
    own = next(r for r in peers if r["code"] == code)
    same_province = [r for r in peers if r["province_code"] == facts.province_code] if level == "regency" else []
    within = SearchQuery.from_mapping({**values, level: (code,)}, 20)
    own_ids = stats.choose(search_engine(), within, query_thesaurus())
    flows = stats.flows(db, ids)
    compared = [(name, label, own.get(name), stats.median(r.get(name) for r in peers),
                 stats.median(r.get(name) for r in same_province) if same_province else None)
                for name, label in FIGURES.items() if name in own]
    return render_template(
        "stats/region.html", **_common(query), facts=facts, own=own, compared=compared,
        years=stats.year_rows(db, own_ids), year_series=_series(facts.name, stats.year_rows(db, own_ids)),
        province_name=region_facts()[facts.province_code].name,
        sectors=[r for r in sorted(stats.dimension_rows(db, own_ids, "sector"), key=lambda r: -r["innovations"])
                 if r["innovations"] and r["code"]],
        awards=[r for r in stats.dimension_rows(db, own_ids, "award") if r["innovations"] and r["code"] != "none"],
        regencies=[r for r in stats.region_rows(db, ids, "regency", within=(code,))] if level == "province" else [],
        flows_out=[f for f in flows if f["origin_code"] == facts.province_code],
        flows_in=[f for f in flows if f["replica_code"] == facts.province_code],
        search_args=urlencode(within.as_args()))


@bp.get("/bandingkan")
def compare():
    """Two to five regions side by side, with the national median as the reference. A region
    no gazetteer knows is named on the page, the others compared."""
    error, args = None, request.args
    for _ in range(10):
        try:
            values = params.parse(COMPARE, args)
            break
        except params.ParameterError as exc:
            error = error or exc
            bad = [v for v in args.getlist(exc.parameter)] if hasattr(args, "getlist") else []
            args = MultiDict([(k, v) for k, v in params.without(args, exc.parameter)] +
                             ([("region", v) for v in bad if _known(v)] if exc.parameter == "region" else []))
    else:
        values = params.parse(COMPARE, {})
    query = SearchQuery.from_mapping(values, current_app.config["PER_PAGE"])
    ids = stats.choose(search_engine(), query, query_thesaurus())
    codes = list(values["region"])[:5]
    db = get_db()
    chosen, series, by_level = [], [], {}
    for code in codes:
        level = region_facts()[code].level
        if level not in by_level:           # the peers of a level, counted once for every region of it
            by_level[level] = [r for r in stats.region_rows(db, ids, level) if r["level"] == level]
        peers = by_level[level]
        row = next(r for r in peers if r["code"] == code)
        own_ids = stats.choose(search_engine(), SearchQuery.from_mapping({**values, level: (code,)}, 20),
                                     query_thesaurus())
        row["top_sectors"] = [r for r in sorted(stats.dimension_rows(db, own_ids, "sector"),
                                                key=lambda r: -r["innovations"]) if r["innovations"] and r["code"]][:3]
        row["top_sdgs"] = [r for r in sorted(stats.dimension_rows(db, own_ids, "sdg"),
                                             key=lambda r: -r["innovations"]) if r["innovations"]][:3]
        row["national_medians"] = {name: stats.median(r.get(name) for r in peers) for name in FIGURES}
        chosen.append(row)
        series.append({"name": row["name"], "points": {y["year"]: y["innovations"]
                                                       for y in stats.year_rows(db, own_ids) if y["year"]}})
    provinces_by_year = stats.matrix(db, ids, "province", "year")
    reference = {int(c["key"]): stats.median(r["cells"][c["key"]] for r in provinces_by_year["rows"])
                 for c in provinces_by_year["columns"] if c["key"] is not None}
    return render_template("stats/compare.html", **_common(query), chosen=chosen, series=series,
                           reference=reference, too_few=len(codes) < 2, too_many=len(values["region"]) > 5,
                           typed=request.args.getlist("region"),
                           error_text=params.human_message(error) if error else ""), 400 if error else 200


def _known(text: str) -> bool:
    """A region the gazetteer resolves (the good ones kept when another is unknown)."""
    try:
        params.parse((Param("region", params.REGION_HELP, "region"),), {"region": text})
        return True
    except params.ParameterError:
        return False
