"""Similar innovations, replication lineage, candidates, suggestions for a problem, gap view."""
import csv
import json
import re
import sys

import pytest

from indexer.mapping import MappingError, load_mapping
from indexer.pipeline import ingest_files, ingest_with
from indexer.reference import SAMPLES_DIR
from kms.config import load_config
from kms.db import open_db
from kms.records import records_by_id, review_items
from kms.links import LinkError, lineage, save_link
from kms.search import engine_for
from kms.similar import similar_to



def uid_ids(db) -> dict[str, str]:
    sys.path.insert(0, "scripts")
    from eval_similar import uid_to_record
    return uid_to_record(db)


def labelled(relation):
    with open(SAMPLES_DIR / "labels" / "similar.csv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["relation"] == relation]


@pytest.fixture(scope="module")
def store(sample_dir):
    db = open_db(sample_dir / "kms.db")
    engine = engine_for(load_config({"DATA_DIR": str(sample_dir)}))
    yield db, engine, uid_ids(db)
    db.close()


def title_id(db, title):
    return next(db.query("SELECT id FROM innovations WHERE title = ?", [title]))["id"]


# -- ranking and explanations ----------------------------------------------------------------
@pytest.mark.parametrize("row", labelled("lookalike"), ids=lambda r: f"{r['anchor']}-{r['kind']}")
def test_known_replica_ranks_above_each_lookalike(store, row):
    db, engine, ids = store
    replica = {r["anchor"]: r["other"] for r in labelled("replica")}[row["anchor"]]
    anchor = records_by_id(db, [ids[row["anchor"]]])[ids[row["anchor"]]]
    order = [s.id for s in similar_to(db, engine, anchor, limit=50)]
    assert ids[replica] in order[:10]
    lookalike = ids[row["other"]]
    assert lookalike not in order or order.index(lookalike) > order.index(ids[replica])


def test_every_labelled_replica_is_in_the_top_ten(store):
    db, engine, ids = store
    for row in labelled("replica"):
        anchor = records_by_id(db, [ids[row["anchor"]]])[ids[row["anchor"]]]
        top = [s.id for s in similar_to(db, engine, anchor, limit=10)]
        assert ids[row["other"]] in top, row


def test_suggestions_explain_themselves(store):
    db, engine, _ids = store
    saskia = records_by_id(db, [title_id(db, "Bendera Saskia")])
    first = similar_to(db, engine, next(iter(saskia.values())), limit=3)[0]
    assert first.id == title_id(db, "Saskia Peduli Disabilitas")
    assert "urusan sama: Sosial" in first.reasons
    shared = next(r for r in first.reasons if r.startswith("kata yang sama: "))
    assert "disabilitas" in shared and "saskia" in shared
    kuna = records_by_id(db, [title_id(db, "Inovasi KUNA: Sistem Antrian Pasien Puskesmas")])
    top = similar_to(db, engine, next(iter(kuna.values())), limit=1)[0]
    assert "nama sama: KUNA" in top.reasons


def test_a_generic_title_is_not_a_name(store):
    """Records sharing a title many regions use ("... Layak Anak") are not said to name each other."""
    db, engine, _ids = store
    rows = list(db.query("SELECT id FROM innovations WHERE title LIKE '%Layak Anak'"))
    record = records_by_id(db, [rows[0]["id"]])[rows[0]["id"]]
    for suggestion in similar_to(db, engine, record, limit=10):
        assert not any(r.startswith("nama sama") or " menyebut " in r for r in suggestion.reasons)


@pytest.mark.slow
def test_quality_figures_hold(sample_copy):
    sys.path.insert(0, "scripts")
    from eval_similar import evaluate

    db = open_db(sample_copy / "kms.db")
    result = evaluate(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})))
    assert result["recall_at_10"] >= 0.9
    assert result["lookalikes_above"] <= 0.1
    assert result["detection_recall"] >= 0.5


# -- lineage from hubs ------------------------------------------------------------------------
def test_replication_export_links_originals_to_replicas(store):
    db, _engine, _ids = store
    saskia = lineage(db, title_id(db, "Bendera Saskia"))
    assert saskia["original"] is None
    [replica] = saskia["replicas"]
    assert replica["title"] == "Saskia Peduli Disabilitas"
    assert replica["stage"] == "implementasi"
    assert replica["dates"] == {"minat": "2019-03-12", "kesepakatan": "2019-08-05", "implementasi": "2020-01-02"}
    assert replica["unit"] == "Puskesmas Kassi-Kassi Makassar"
    back = lineage(db, title_id(db, "Saskia Peduli Disabilitas"))
    assert back["original"]["title"] == "Bendera Saskia"
    pusdongkel = lineage(db, title_id(db, "Pusdongkel (Pustaka Dongeng Keliling)"))
    assert pusdongkel["original"]["title"] == "Kedungkelor (Kendaraan Dongeng Keliling)"
    # a row naming the original by title only
    jasina = lineage(db, title_id(db, "JASINA Pinrang"))
    assert jasina["original"]["title"] == "JASINA: Rumah Gizi Anak Sehat"
    assert jasina["original"]["stage"] == "kesepakatan"
    assert jasina["original"]["dates"]["implementasi"] is None


def test_a_row_naming_an_unknown_record_is_quarantined(store):
    db, _engine, _ids = store
    reasons = [r["reason"] for r in db.query(
        "SELECT reason FROM quarantine WHERE hub = 'jipp-sulsel-replikasi'")]
    assert len(reasons) == 1 and "original" in reasons[0] and "SS-999" in reasons[0]


def test_reingesting_the_export_changes_nothing(sample_copy):
    db = open_db(sample_copy / "kms.db")
    before = list(db.query("SELECT * FROM replications ORDER BY id"))
    report = ingest_with(db, [SAMPLES_DIR / "jipp-sulsel-replikasi.csv"],
                         load_mapping(SAMPLES_DIR.parent / "hubs" / "jipp-sulsel-replikasi.toml"))
    assert (report.new, report.updated, report.unchanged, report.quarantined) == (0, 0, 3, 1)
    assert list(db.query("SELECT * FROM replications ORDER BY id")) == before


def test_a_replicates_field_in_an_innovation_mapping(db, tmp_path, mapping_file):
    mapping = load_mapping(mapping_file("""
name = "uji"
format = "csv"
id = "No"
[fields]
title = "Judul"
agency = "Instansi"
region = "Wilayah"
year = "Tahun"
replicates = "Replikasi Dari"
"""))
    path = tmp_path / "hub.csv"
    path.write_text("No;Judul;Instansi;Wilayah;Tahun;Replikasi Dari\n"
                    "1;Rumah Singgah Pasien;Pemkab Gowa;Kab. Gowa;2018;\n"
                    "2;Rumah Singgah Pasien Takalar;Pemkab Takalar;Kab. Takalar;2020;1\n"
                    "3;Ambulans Desa Bone;Pemkab Bone;Kab. Bone;2021;Inovasi Tak Dikenal\n", encoding="utf-8")
    ingest_files(db, [path], mapping)
    takalar = title_id(db, "Rumah Singgah Pasien Takalar")
    assert lineage(db, takalar)["original"]["title"] == "Rumah Singgah Pasien"
    flagged = [i for i in review_items(db) if i["field"] == "replicates"]
    assert len(flagged) == 1 and "Inovasi Tak Dikenal" in flagged[0]["message"]


@pytest.mark.parametrize("fields, message", [
    ('stage = "Tahap"', "original"),
    ('original = "Asal"\nnonsense = "X"', "tidak dikenal"),
])
def test_replication_mappings_are_checked(tmp_path, fields, message, mapping_file):
    path = mapping_file(f'name = "r"\nkind = "replications"\nformat = "csv"\n[fields]\n{fields}\n')
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


def test_links_refuse_nonsense(sample_copy):
    db = open_db(sample_copy / "kms.db")
    saskia, replica = title_id(db, "Bendera Saskia"), title_id(db, "Saskia Peduli Disabilitas")
    with pytest.raises(LinkError, match="sama"):
        save_link(db, saskia, saskia, origin="uji")
    with pytest.raises(LinkError, match="terbalik"):
        save_link(db, replica, saskia, origin="uji")
    with pytest.raises(LinkError, match="replica"):
        save_link(db, saskia, "inv-tidakada", origin="uji")
    with pytest.raises(LinkError, match="stage"):
        save_link(db, saskia, title_id(db, "JASINA Pinrang"), origin="uji", stage="selesai")


# -- candidates and staff decisions ----------------------------------------------------------
def kuna_candidate(db):
    original = title_id(db, "Inovasi KUNA: Sistem Antrian Pasien Puskesmas")
    replica = title_id(db, "Kuna Sinjai")
    rows = list(db.query("SELECT * FROM replications WHERE original_id = ? AND replica_id = ?",
                         [original, replica]))
    return original, replica, rows[0] if rows else None


def test_detection_finds_the_kuna_replica_as_a_candidate(store):
    db, _engine, _ids = store
    _original, _replica, link = kuna_candidate(db)
    assert link is not None and link["status"] == "candidate" and link["origin"] == "detected"
    assert any("KUNA" in reason for reason in json.loads(link["reasons"]))


def test_staff_confirm_a_candidate_and_both_records_show_it(site):
    app, folder = site.app, site.dir
    db = open_db(folder / "kms.db")
    original, replica, link = kuna_candidate(db)
    client = app.test_client()
    assert client.get(f"/api/innovations/{original}/replications").json["candidates"][0]["id"] == replica
    page = client.get(f"/inovasi/{original}").text
    assert "Konfirmasi" not in page                                  # visitors do not act
    url = f"/inovasi/{original}/replikasi/{link['id']}/konfirmasi"
    assert client.post(url, data={"csrf_token": "x"}).status_code in (400, 401)
    assert site.login(client, "luar").status_code == 302
    page = client.get(f"/inovasi/{original}")
    assert client.post(url, data={"csrf_token": site.token(page.text)}).status_code == 403
    admin = app.test_client()
    assert site.login(admin, "admin").status_code == 302
    page = admin.get(f"/inovasi/{original}")
    assert "Konfirmasi" in page.text
    assert admin.post(url).status_code == 400                        # no CSRF token
    assert admin.post(url, data={"csrf_token": site.token(page.text)}).status_code == 302
    data = admin.get(f"/api/innovations/{original}/replications").json
    assert [r["id"] for r in data["replicas"]] == [replica] and data["candidates"] == []
    assert admin.get(f"/api/innovations/{replica}/replications").json["original"]["id"] == original
    assert "Direplikasi 1 kali di 1 daerah" in admin.get(f"/inovasi/{original}").text
    assert "Replikasi dari" in admin.get(f"/inovasi/{replica}").text
    for record_id in (original, replica):
        trail = list(db.query("SELECT * FROM audit WHERE record_id = ? AND field = 'replication'", [record_id]))
        assert len(trail) == 1 and trail[0]["user"] == "admin"


def test_staff_reject_a_candidate_and_detection_leaves_it_rejected(site):
    from kms.replication import detect_candidates

    app, folder = site.app, site.dir
    db = open_db(folder / "kms.db")
    original, replica, link = kuna_candidate(db)
    admin = app.test_client()
    assert site.login(admin, "admin").status_code == 302
    page = admin.get(f"/inovasi/{original}")
    url = f"/inovasi/{original}/replikasi/{link['id']}/tolak"
    assert admin.post(url, data={"csrf_token": site.token(page.text)}).status_code == 302
    assert admin.get(f"/api/innovations/{original}/replications").json == {
        "original": None, "replicas": [], "candidates": []}
    detect_candidates(db, engine_for(load_config({"DATA_DIR": str(folder)})), [original, replica])
    assert kuna_candidate(db)[2]["status"] == "rejected"


def test_staff_record_a_replication_from_the_detail_page(site):
    app, folder = site.app, site.dir
    db = open_db(folder / "kms.db")
    original = title_id(db, "Rumah Tunggu Kelahiran Sragen")
    replica = next(db.query("SELECT id FROM innovations WHERE title LIKE 'Jemput Bola Akta Kelahiran%'"))["id"]
    admin = app.test_client()
    assert site.login(admin, "admin").status_code == 302
    page = admin.get(f"/inovasi/{replica}")
    response = admin.post(f"/inovasi/{replica}/replikasi", data={
        "csrf_token": site.token(page.text), "role": "original", "other": f"http://x/inovasi/{original}",
        "stage": "", "minat": "2022-02-01", "kesepakatan": "2022-05-01"})
    assert response.status_code == 302
    data = admin.get(f"/api/innovations/{replica}/replications").json["original"]
    assert data["id"] == original and data["stage"] == "kesepakatan"
    assert data["dates"] == {"minat": "2022-02-01", "kesepakatan": "2022-05-01", "implementasi": None}
    assert data["origin"] == "staff:admin"
    bad = admin.post(f"/inovasi/{replica}/replikasi", data={
        "csrf_token": site.token(page.text), "role": "original", "other": original, "minat": "kemarin"})
    assert bad.status_code == 303                     # back to the form, open, with the message and the values
    again = admin.get(bad.headers["Location"]).text
    assert 'id="link-error"' in again and "kemarin" in again and f'value="{original}"' in again
    by_title = admin.post(f"/inovasi/{replica}/replikasi", data={
        "csrf_token": site.token(page.text), "role": "original", "other": "Judul yang tidak ada di mana pun"})
    shown = admin.get(by_title.headers["Location"]).text
    assert "tidak ada entri berjudul" in shown and 'value="Judul yang tidak ada di mana pun"' in shown


# -- API contracts ---------------------------------------------------------------------------
def test_similar_api_contract(client, store):
    db, _engine, _ids = store
    saskia = title_id(db, "Bendera Saskia")
    body = client.get(f"/api/innovations/{saskia}/similar?limit=4").json
    assert set(body) == {"results"} and len(body["results"]) == 4
    for item in body["results"]:
        assert set(item) == {"id", "title", "agency", "regency_code", "year", "score", "reasons"}
        assert item["id"] != saskia and item["reasons"]
    scores = [item["score"] for item in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert client.get("/api/innovations/inv-tidakada/similar").status_code == 404
    for bad in ("0", "51", "x"):
        response = client.get(f"/api/innovations/{saskia}/similar?limit={bad}")
        assert response.status_code == 400 and response.json["error"]["parameter"] == "limit"


def test_replications_api_contract(client, store):
    db, _engine, _ids = store
    body = client.get(f"/api/innovations/{title_id(db, 'Bendera Saskia')}/replications").json
    assert set(body) == {"original", "replicas", "candidates"}
    assert set(body["replicas"][0]) >= {"id", "title", "agency", "regency_code", "stage", "dates"}
    assert client.get("/api/innovations/inv-tidakada/replications").status_code == 404


def test_suggest_api_answers_a_problem_with_reasons_and_neighbours(client):
    body = client.get("/api/suggest", query_string={
        "problem": "warga desa harus menempuh jarak jauh untuk mengurus akta kelahiran",
        "region": "Kabupaten Sinjai", "agency_type": "pemkab"}).json
    assert body["no_close_match"] is False and body["region"] == "73.07"
    results = body["results"]
    assert 3 <= len(results) <= 10
    top = results[0]
    assert set(top) >= {"id", "title", "agency", "regency_code", "year", "score", "reasons", "nearby"}
    assert any("akta" in r and r.startswith("cocok dengan masalah") for r in top["reasons"])
    assert all(any("akta" in r or "kelahiran" in r for r in item["reasons"]) for item in results[:5])
    from kms.geo import neighbours
    near = set(neighbours("73.07"))
    listed = [n for item in results for n in item["nearby"]]
    assert listed and all(n["regency_code"] in near and set(n) == {"id", "title", "regency_code"} for n in listed)


def test_suggest_prefers_proven_and_same_level(client, store):
    db, _engine, _ids = store
    problem = "antrian pasien puskesmas mengular"
    plain = client.get("/api/suggest", query_string={"problem": problem}).json["results"]
    levelled = client.get("/api/suggest", query_string={"problem": problem, "agency_type": "pemkab"}).json["results"]
    types = {r["id"]: r["agency_type"] for r in db.query("SELECT id, agency_type FROM innovations")}
    rank_plain = {r["id"]: n for n, r in enumerate(plain)}
    rank_levelled = {r["id"]: n for n, r in enumerate(levelled)}
    boosted = [i for i in rank_levelled if types[i] == "pemkab" and i in rank_plain]
    assert boosted and all(rank_levelled[i] <= rank_plain[i] for i in boosted)
    assert all("instansi sejenis: Pemerintah Kabupaten" in r["reasons"] for r in levelled if types[r["id"]] == "pemkab")
    # among equally close answers, a proven one (award, still running) comes first
    awards = {r["id"]: (r["award"] or "none", r["status"]) for r in db.query("SELECT id, award, status FROM innovations")}
    proven = [n for n, r in enumerate(plain) if awards[r["id"]][0] != "none" and awards[r["id"]][1] == "berlanjut"]
    unproven = [n for n, r in enumerate(plain) if awards[r["id"]][0] == "none" and awards[r["id"]][1] != "berlanjut"]
    assert proven and unproven, "the problem must draw both kinds for this check to mean anything"
    assert min(proven) < min(unproven)


def test_suggest_says_when_nothing_fits(client):
    body = client.get("/api/suggest?problem=pengelolaan+limbah+nuklir+di+stasiun+luar+angkasa").json
    assert body == {"results": [], "no_close_match": True}
    page = client.get("/replikasi?problem=pengelolaan+limbah+nuklir+di+stasiun+luar+angkasa").text
    assert 'id="no-close-match"' in page


@pytest.mark.parametrize("query, parameter", [
    ("", "problem"), ("problem=akta&region=Bandung", "region"),
    ("problem=akta&agency_type=desa", "agency_type"), ("problem=akta&limit=500", "limit"),
])
def test_suggest_rejects_bad_parameters(client, query, parameter):
    response = client.get(f"/api/suggest?{query}")
    assert response.status_code == 400 and response.json["error"]["parameter"] == parameter


def test_replikasi_page_shows_suggestions_and_gaps(client):
    page = client.get("/replikasi", query_string={
        "problem": "anak stunting dan gizi buruk", "region": "73.06", "gap_region": "Kabupaten Sinjai"})
    assert page.status_code == 200
    assert 'class="card"' in page.text and "cocok dengan masalah" in page.text
    assert "Kabupaten Sinjai" in page.text and "gaps-table" in page.text
    assert client.get("/replikasi?problem=akta&region=Bandung").status_code == 400


def test_gap_view_lists_proven_peer_innovations_the_region_lacks(client, store):
    db, _engine, _ids = store
    body = client.get("/api/gaps?region=73.07").json
    own = {r["sector"] for r in db.query("SELECT sector FROM innovations WHERE regency_code = '73.07'")}
    assert body["results"] and set(body["own_sectors"]) == {s for s in own if s}
    for item in body["results"]:
        assert item["regency_code"] != "73.07" and item["regency_code"] in body["peers"]
        assert item["reasons"]                        # proven: award, running or replicated
    assert any(item["sector_gap"] for item in body["results"])
    one = client.get("/api/gaps?region=73.07&sector=kesehatan").json["results"]
    assert all(item["sector"] == "kesehatan" for item in one)


@pytest.mark.slow
def test_detect_replications_command(sample_copy, monkeypatch):
    from click.testing import CliRunner

    from kms.cli import main

    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    db = open_db(sample_copy / "kms.db")
    db.execute("DELETE FROM replications WHERE status = 'candidate'")
    db.conn.commit()
    result = CliRunner().invoke(main, ["detect-replications"])
    assert result.exit_code == 0, result.output
    found = int(re.search(r"baru: (\d+)", result.output).group(1))
    assert found == db.execute("SELECT COUNT(*) FROM replications WHERE status = 'candidate'").fetchone()[0] > 0


def test_kms_ingest_takes_a_replication_mapping(sample_copy, monkeypatch, tmp_path, mapping_file):
    from click.testing import CliRunner

    from kms.cli import main

    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    db = open_db(sample_copy / "kms.db")
    original, replica = title_id(db, "Bank Sampah Tangerang"), title_id(db, "Bank Sampah Tangerang Pandeglang")
    mapping = mapping_file("""
name = "ekspor-replikasi"
kind = "replications"
format = "csv"
[fields]
original = "Asal"
replica = "Replika"
stage = "Tahap"
implementasi = "Tanggal Implementasi"
""")
    export = tmp_path / "replikasi.csv"
    export.write_text(f"Asal,Replika,Tahap,Tanggal Implementasi\n{original},{replica},Implementasi,1 Maret 2022\n"
                      f"{original},{replica},Selesai,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(export), "--mapping", str(mapping), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["quarantined"] == 1
    data = lineage(db, original)
    assert [(r["id"], r["stage"], r["dates"]["implementasi"]) for r in data["replicas"]] == [
        (replica, "implementasi", "2022-03-01")]
    reason = next(db.query("SELECT reason FROM quarantine WHERE hub = 'ekspor-replikasi'"))["reason"]
    assert "stage" in reason and "Selesai" in reason


def test_gap_view_rejects_an_unknown_sector(client):
    response = client.get("/api/gaps?region=73.07&sector=antariksa")
    assert response.status_code == 400 and response.json["error"]["parameter"] == "sector"
