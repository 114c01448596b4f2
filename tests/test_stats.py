"""Statistics for researchers: the aggregations against direct counts over `kms export`, the
per-capita and per-area maths against literal rows of the population and area tables, the
Papua split, zeros, small-number flags, filters, the downloads, the pages, and `kms stats`."""
import csv
import io
import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms import stats
from kms.choropleth import classes, class_of
from kms.cli import main
from kms.config import load_config
from kms.regionfacts import region_facts
from kms.search import engine_for
from kms.search.query import SearchQuery
from kms.sync import sync

MAPPING = """
name = "uji"
format = "json"
id = "id"
[fields]
title = "judul"
summary = "ringkasan"
region = "daerah"
year = "tahun"
"""


@pytest.fixture(scope="module")
def exported(sample_dir):
    """Every record as `kms export` writes it (the direct count the figures must agree with)."""
    import os
    os.environ["KMS_DATA_DIR"] = str(sample_dir)
    try:
        out = CliRunner().invoke(main, ["export"])
    finally:
        del os.environ["KMS_DATA_DIR"]
    assert out.exit_code == 0
    return [json.loads(line) for line in out.output.splitlines() if line.strip()]


def _province_of(record):
    if record.get("regency_code"):
        return record["regency_code"].split(".")[0]
    if record.get("province_code") in ("91", "92") and (record.get("year") is None or record["year"] <= 2022):
        return record["province_code"] + "-pra-2022"
    return record.get("province_code")


def test_province_figures_agree_with_a_direct_count_over_the_export(client, exported):
    rows = client.get("/api/stats/regions").json["rows"]
    by_code = {row["code"]: row for row in rows}
    counted = Counter(_province_of(r) for r in exported)
    assert sum(row["innovations"] for row in rows) == len(exported)
    for code, count in counted.items():
        assert by_code[code]["innovations"] == count, code
    assert len([r for r in rows if r["level"] == "province"]) == 38
    assert all(row["innovations"] == 0 for row in rows if row["code"] not in counted)      # zeros listed
    sulsel = [r for r in exported if _province_of(r) == "73"]
    row = by_code["73"]
    assert row["regencies_with_innovation"] == len({r["regency_code"] for r in sulsel if r.get("regency_code")})
    assert row["regencies"] == 24
    assert row["awards"] == dict(Counter(r["award"] for r in sulsel if r.get("award") not in (None, "", "none")))
    assert row["agency_types"] == dict(Counter(r["agency_type"] for r in sulsel if r.get("agency_type")))
    assert row["sdgs"] == dict(Counter(str(n) for r in sulsel for n in r.get("sdgs") or []))
    assert row["running_share"] == round(sum(r["status"] == "berlanjut" for r in sulsel) / len(sulsel), 3)


def test_per_capita_and_per_area_against_the_table_rows(client):
    """Literal numbers from data/regions/wilayah_penduduk.csv and wilayah_luas.csv."""
    rows = {row["code"]: row for row in client.get("/api/stats/regions").json["rows"]}
    sulsel = rows["73"]
    assert sulsel["population"] == 9528276 and sulsel["area_km2"] == 45323.975
    assert sulsel["per_million"] == round(sulsel["innovations"] / 9528276 * 1_000_000, 2)
    assert sulsel["per_10k_km2"] == round(sulsel["innovations"] / 45323.975 * 10_000, 2)
    jakarta = rows["31"]                              # the area table writes its code "31.00"
    assert jakarta["area_km2"] == 661.53 and jakarta["population"] == 11038216
    regencies = {row["code"]: row for row in client.get("/api/stats/regions?by=regency&province=11").json["rows"]}
    singkil = regencies["11.10"]                      # written "11.1" in the population table
    assert singkil["population"] == 140461 and singkil["area_km2"] == 1851.615 and singkil["bps_code"] == "1102"
    makassar = region_facts()["73.71"]
    assert (makassar.population, makassar.area_km2, makassar.bps_code) == (1482354, 177.174, "7371")


def test_small_numbers_are_flagged(client):
    rows = client.get("/api/stats/regions").json["rows"]
    assert any(r["small_number"] for r in rows)
    assert all(r["small_number"] == (0 < r["innovations"] <= 2) for r in rows)


def test_filters_narrow_every_figure(client):
    total = client.get("/api/search?q=sampah&year_from=2018").json["total"]
    rows = client.get("/api/stats/regions?q=sampah&year_from=2018").json["rows"]
    assert sum(r["innovations"] for r in rows) == total > 0
    years = client.get("/api/stats/years?q=sampah&year_from=2018").json["rows"]
    assert years[0]["year"] >= 2018 and years[-1]["cumulative"] == total
    assert client.get("/api/stats/years?year_from=2022&year_to=2018").status_code == 400


def test_years_have_growth_cumulative_and_no_gaps(client, exported):
    rows = client.get("/api/stats/years").json["rows"]
    dated = [r for r in rows if r["year"] is not None]
    assert [r["year"] for r in dated] == list(range(dated[0]["year"], dated[-1]["year"] + 1))
    counted = Counter(r.get("year") for r in exported)
    for row in dated:
        assert row["innovations"] == counted.get(row["year"], 0)
    second = dated[1]
    assert second["growth"] == round((second["innovations"] - dated[0]["innovations"]) / dated[0]["innovations"], 3)
    assert rows[-1]["cumulative"] == len(exported)


def test_matrix_and_flows_agree_with_direct_counts(client, exported, sample_dir):
    table = client.get("/api/stats/matrix?rows=province&cols=sector").json
    sulsel = next(r for r in table["rows"] if r["code"] == "73")
    direct = Counter(r.get("sector") or "" for r in exported if _province_of(r) == "73")
    assert {k: v for k, v in sulsel["cells"].items() if v} == dict(direct)
    assert len(table["rows"]) >= 38 and len(table["columns"]) >= 32
    from kms.db import open_db
    db = open_db(sample_dir / "kms.db")
    links = [(o, r) for o, r in db.execute("SELECT original_id, replica_id FROM replications WHERE status = 'confirmed'")]
    db.close()
    place = {r["id"]: _province_of(r) for r in exported}
    expected = Counter((place[o], place[r]) for o, r in links)
    flows = client.get("/api/stats/flows").json["rows"]
    assert {(f["origin_code"], f["replica_code"]): f["replications"] for f in flows} == dict(expected)


def test_the_papua_split(db, tmp_path, mapping_file):
    rows = [{"id": "1", "judul": "Layanan Sorong", "ringkasan": "x", "daerah": "Kabupaten Sorong", "tahun": 2019},
            {"id": "2", "judul": "Layanan Papua lama", "ringkasan": "x", "daerah": "Papua", "tahun": 2019},
            {"id": "3", "judul": "Layanan Papua baru", "ringkasan": "x", "daerah": "Papua", "tahun": 2024},
            {"id": "4", "judul": "Layanan Papua Barat lama", "ringkasan": "x", "daerah": "Papua Barat", "tahun": 2020},
            {"id": "5", "judul": "Layanan Jayapura", "ringkasan": "x", "daerah": "Kota Jayapura", "tahun": 2018}]
    export = tmp_path / "ekspor.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    ingest_files(db, [export], load_mapping(mapping_file(MAPPING)))
    engine = engine_for(load_config({"DATA_DIR": str(tmp_path)}))
    sync(db, engine)
    chosen = stats.choose(engine, SearchQuery())
    by_code = {row["code"]: row for row in stats.region_rows(db, chosen)}
    assert by_code["96"]["innovations"] == 1                # Kab. Sorong is in Papua Barat Daya today
    assert by_code["91"]["innovations"] == 2                # Kota Jayapura, and Papua after the split
    assert by_code["91-pra-2022"]["innovations"] == 1 and by_code["91-pra-2022"]["review"]
    assert by_code["91-pra-2022"]["name"] == "Papua, wilayah sebelum 2022"
    assert by_code["92-pra-2022"]["innovations"] == 1 and by_code["92"]["innovations"] == 0
    regencies = {row["code"]: row for row in stats.region_rows(db, chosen, by="regency")}
    # the SQL rule (flows, medians) places them as the arrays do
    matrix = {row["code"]: row["total"] for row in stats.matrix(db, chosen, "province", "year")["rows"]}
    assert {code: n for code, n in matrix.items() if n} == {code: r["innovations"] for code, r in by_code.items()
                                                             if r["innovations"]}
    assert stats._medians(db, stats.PROVINCE_OF, "1", []).keys() == {c for c, r in by_code.items() if r["innovations"]}
    assert regencies["96.01"]["innovations"] == 1
    assert regencies["91"]["level"] == "tanpa_kabkota" and regencies["91"]["innovations"] == 1
    assert len([r for r in regencies.values() if r["level"] == "regency"]) == 514
    from kms.records import review_items
    flagged = [item for item in review_items(db) if "pemekaran Papua" in item["message"]]
    assert len(flagged) == 2            # the two undivided Papua records before 2023, not the one of 2024


def test_downloads_open_in_the_csv_module_and_openpyxl(client):
    regions = client.get("/api/stats/regions?format=csv")
    assert regions.mimetype == "text/csv" and regions.text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(regions.text.lstrip("\ufeff"))))
    json_rows = client.get("/api/stats/regions").json["rows"]
    assert [r["code"] for r in table] == [r["code"] or "" for r in json_rows]
    assert table[26]["bps_code"] == "73" and "Kemendagri" in table[0]["population_source"]
    assert int(table[26]["award:top45"]) == json_rows[26]["awards"].get("top45", 0)
    matrix = list(csv.reader(io.StringIO(client.get("/api/stats/matrix?rows=province&cols=year&format=csv").text.lstrip("\ufeff"))))
    assert matrix[0][:2] == ["code", "name"] and len(matrix) >= 39
    sheet = load_workbook(io.BytesIO(client.get("/cari.xlsx?province=73").data)).active
    assert sheet.max_row - 1 == client.get("/api/search?province=73").json["total"]


def test_kms_stats_prints_the_same_figures(sample_dir, client, monkeypatch):
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_dir))
    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--by", "province", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rows"] == client.get("/api/stats/regions").json["rows"]
    table = runner.invoke(main, ["stats", "--by", "regency", "--province", "73"]).output
    assert re.search(r"^73\.07\s+Kabupaten Sinjai\s+\d+", table, re.MULTILINE)
    assert len(table.strip().splitlines()) == 1 + 24 + 1          # header, 24 regencies, no-regency line
    years = json.loads(runner.invoke(main, ["stats", "--by", "year", "--format", "json", "--q", "sampah"]).output)
    assert years["rows"] == client.get("/api/stats/years?q=sampah").json["rows"]
    sectors = list(csv.DictReader(io.StringIO(runner.invoke(main, ["stats", "--by", "sector", "--format", "csv"]).output)))
    assert len(sectors) >= 32 and all(set(r) == {"code", "name", "innovations"} for r in sectors)
    bad = runner.invoke(main, ["stats", "--year-from", "2022", "--year-to", "2019"])
    assert bad.exit_code == 2 and "lebih besar" in bad.output


def test_the_pages_show_the_same_numbers(client):
    rows = {r["code"]: r for r in client.get("/api/stats/regions").json["rows"]}
    overview = client.get("/statistik").text
    total = sum(r["innovations"] for r in rows.values())
    assert f'id="total-innovations">{total}<' in overview
    row = re.search(r'<tr data-code="73">(.*?)</tr>', overview, re.S).group(1)
    assert f'<td class="num">{rows["73"]["innovations"]}</td>' in row
    assert overview.count('class="province"') == 38
    province = client.get("/wilayah/73").text
    assert f'Lihat {rows["73"]["innovations"]} inovasinya' in province and province.count("<tr data-code=\"73.") == 24
    regency = client.get("/wilayah/73.07").text
    sinjai = next(r for r in client.get("/api/stats/regions?by=regency&province=73").json["rows"] if r["code"] == "73.07")
    assert f'Lihat {sinjai["innovations"]} inovasinya' in regency and "Median di provinsinya" in regency
    compared = client.get("/bandingkan?region=73&region=Jawa+Timur&region=Kota+Makassar").text
    assert compared.count('<th scope="col" class="num"><a href="/wilayah/') == 3
    assert "median nasional" in compared
    assert 'id="too-few"' in client.get("/bandingkan?region=73").text
    assert client.get("/wilayah/99").status_code == 404
    peta = client.get("/peta?tingkat=kabupaten&ukuran=per_million").text
    assert peta.count('class="province"') == 38 and 'class="regency-dot"' in peta


def test_map_classes_are_quantiles_of_the_values():
    values = [0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 120]
    bounds = classes(values)
    assert bounds == sorted(set(bounds)) and len(bounds) == 5 and bounds[-1] == 120
    assert class_of(0, bounds) == 0 and class_of(1, bounds) == 1 and class_of(120, bounds) == 5
    assert classes([0, 0]) == [] and classes([4, 4, 4]) == [4]


def test_the_api_page_describes_every_endpoint(client):
    document = client.get("/api/openapi.json").json
    page = client.get("/api/docs").text
    for path, item in document["paths"].items():
        assert f"<code>GET {path}</code>" in page
        for parameter in item["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in page
    assert "/api/docs" in client.get("/").text            # linked from the footer


def test_open_data_page_licence_snapshots_and_dictionary(site, monkeypatch):
    from kms.app import create_app

    monkeypatch.setenv("KMS_DATA_DIR", str(site.dir))
    out = CliRunner().invoke(main, ["publish"])
    assert out.exit_code == 0, out.output
    app = create_app({"TESTING": True, "DATA_DIR": str(site.dir), "DATA_LICENCE": "CC BY 4.0 (hub pengirim)"})
    client = app.test_client()
    page = client.get("/data").text
    assert "CC BY 4.0 (hub pengirim)" in page and "<code>kode_urusan</code>" in page
    name, digest = re.search(r'href="/data/snapshot/([^"]+)">.*?<code>([0-9a-f]{64})</code>', page, re.S).groups()
    import gzip
    import hashlib
    body = client.get(f"/data/snapshot/{name}").data
    assert hashlib.sha256(body).hexdigest() == digest
    lines = gzip.decompress(body).decode().splitlines()
    assert len(lines) == client.get("/api/search").json["total"]
    assert all("ingested_at" not in json.loads(line) for line in lines)
    assert client.get("/data/snapshot/..%2Fkms.db").status_code == 404
    full = list(csv.DictReader(io.StringIO(client.get("/data/inovasi.csv").text.lstrip("\ufeff"))))
    assert len(full) == len(lines)


def test_an_unknown_region_in_the_comparison_is_named_and_the_rest_compared(client):
    page = client.get("/bandingkan?region=73&region=Kabupaten+Atlantis&region=Jawa+Timur")
    assert page.status_code == 400
    assert "Kabupaten Atlantis" in page.text and "bukan provinsi atau kabupaten/kota" in page.text
    assert page.text.count('<th scope="col" class="num"><a href="/wilayah/') == 2
