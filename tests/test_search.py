"""Search: analyzer, facets, corrections, escaping, rebuilds, concurrency and the API contract."""
import json
import shutil
import threading

import pytest
from werkzeug.datastructures import MultiDict

from indexer.mapping import load_mapping
from indexer.pipeline import ingest_files
from kms.app import create_app
from kms.config import load_config
from kms.db import open_db
from kms.editing import apply_edit
from kms.indexing import index_current, update_index
from kms.records import record_ids, records_by_id
from kms.search import ENGINES, corrector, engine_for, service
from kms.search.query import SearchQuery
from kms.search.analysis import terms
from kms.search.present import present
from kms.search.query import FACETS
from kms.sync import sync

FAMILIES = [
    ("pelayanan", "melayani", "layanan", "dilayani"), ("perizinan", "izin", "perizinannya"),
    ("pengobatan", "berobat", "obat"), ("kelahiran", "lahir", "dilahirkan"),
    ("pendidikan", "didik", "pendidik"), ("pengaduan", "adu", "mengadu"),
    ("penanganan", "ditangani", "tangan"), ("pemberdayaan", "berdaya", "daya"),
]


def stems(text):
    return terms(text)


@pytest.mark.parametrize("family", FAMILIES)
def test_word_families_share_a_stem(family):
    assert len({stems(word)[0] for word in family}) == 1


def test_analyzer_keeps_domain_words_and_loanwords():
    assert stems("ibu kerja baru perempuan replikasi digitalisasi puskesmas") == \
        ["ibu", "kerja", "baru", "perempuan", "replikasi", "digitalisasi", "puskesmas"]
    assert stems("one stop service e-budgeting") == ["one", "stop", "service", "ebudgeting", "budgeting"]
    assert stems("berturut-turut anak-anak kupu-kupu") == ["turut", "anak", "kupu-kupu"]
    assert stems("Café PELAYANAN") == ["cafe", "layan"]


def search(data_dir, **params):
    """What the search page shows for these parameters."""
    engine = engine_for(load_config({"DATA_DIR": str(data_dir)}))
    args = MultiDict()
    for key, value in params.items():
        for item in (value if isinstance(value, list) else [value]):
            args.add(key, str(item))
    result = service.search(engine, SearchQuery.from_args(args))
    db = open_db(data_dir / "kms.db")
    try:
        return present(result, records_by_id(db, [hit.id for hit in result.hits]))
    finally:
        db.close()


def ids(found):
    return [hit["id"] for hit in found["hits"]]


def test_stemming_and_partial_words_find_records(sample_dir):
    assert search(sample_dir, q="izin")["total"] >= 5
    found = search(sample_dir, q="pelayanan", per_page=100)
    assert found["total"] > 0
    assert search(sample_dir, q="puskes")["total"] == search(sample_dir, q="puskesmas")["total"]
    assert search(sample_dir, q="one stop service")["total"] > 0
    phrase = search(sample_dir, q='"puskesmas keliling"')
    assert 0 < phrase["total"] < search(sample_dir, q="puskesmas")["total"]


def test_typo_is_corrected_and_retried(sample_dir):
    found = search(sample_dir, q="puskesmas kelilling")
    assert found["corrected_query"] == "puskesmas keliling"
    assert found["corrected"] is True and found["total"] == search(sample_dir, q="puskesmas keliling")["total"]
    assert search(sample_dir, q="sampah")["corrected_query"] is None


@pytest.mark.parametrize("text, words", [('"antrian puskesmas', "antrian puskesmas"),
                                         ("sampah AND OR (", "sampah"), ("sampah:(", "sampah"),
                                         ("sampah *?", "sampah")])
def test_unparseable_syntax_is_read_as_words(sample_dir, text, words):
    found = search(sample_dir, q=text)
    assert found["total"] > 0
    assert [h["id"] for h in found["hits"]] == [h["id"] for h in search(sample_dir, q=words)["hits"]]


@pytest.mark.parametrize("params", [{"q": "sampah"}, {"q": "layanan", "province": "73"},
                                    {"sector": "kesehatan", "year": [2019, 2020]},
                                    {"q": "puskesmas", "year_from": 2018, "year_to": 2021, "hub": "jippnas"}])
def test_facet_counts_are_disjunctive_and_exact(sample_dir, params):
    found = search(sample_dir, **params, per_page=1)
    for name in FACETS:
        for item in found["facets"][name]:
            alone = dict(params, **{name: item["value"]})
            assert search(sample_dir, **alone, per_page=1)["total"] == item["count"], (name, item)


def test_year_range_narrows_the_year_facet(sample_dir):
    found = search(sample_dir, year_from=2019, year_to=2020)
    assert {item["value"] for item in found["facets"]["year"]} <= {"2019", "2020"}


def test_sorts(sample_dir):
    newest = search(sample_dir, sort="newest", per_page=50)
    app = create_app({"TESTING": True, "DATA_DIR": str(sample_dir)})
    years = [app.test_client().get(f"/api/innovations/{i}").get_json()["year"] or 0 for i in ids(newest)]
    assert years == sorted(years, reverse=True)
    titles = [h["title_html"].striptags().lower() for h in search(sample_dir, sort="title", per_page=30)["hits"]]
    assert titles == sorted(titles)


# Whoosh leaves a file handle open when it meets a corrupt table of contents (its bug, not ours).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_rebuild_from_store_gives_identical_results(sample_copy):
    queries = [{"q": "sampah"}, {"q": "pelayanan", "province": "73"}, {"sector": "kesehatan"}]
    before = [search(sample_copy, **q, per_page=50) for q in queries]
    shutil.rmtree(sample_copy / "index")
    db = open_db(sample_copy / "kms.db")
    sync(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})))   # missing: rebuilt
    after = [search(sample_copy, **q, per_page=50) for q in queries]
    for one, two in zip(before, after):
        assert (one["total"], ids(one), one["facets"]) == (two["total"], ids(two), two["facets"])
    for path in (sample_copy / "index").glob("*.seg"):
        path.write_bytes(b"corrupt")
    for path in (sample_copy / "index").glob("_MAIN_*.toc"):
        path.write_bytes(b"corrupt")
    sync(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})))
    again = search(sample_copy, **queries[0], per_page=50)
    assert (again["total"], ids(again)) == (before[0]["total"], ids(before[0]))


TRICKY = """
name = "tricky"
format = "json"
id = "id"
[fields]
title = "title"
summary = "summary"
region = "region"
"""


def test_everything_rendered_is_escaped(sample_copy, tmp_path, mapping_file):
    db = open_db(sample_copy / "kms.db")
    (tmp_path / "x.json").write_text(json.dumps([{"id": "x1", "title": "<script>alert(1)</script> sampah",
                                                   "summary": "Bank sampah <b onmouseover=alert(2)>aman</b>",
                                                   "region": "Kota Makassar"}]))
    report = ingest_files(db, [tmp_path / "x.json"], load_mapping(mapping_file(TRICKY)))
    update_index(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})), report.changed_ids)
    client = create_app({"TESTING": True, "DATA_DIR": str(sample_copy)}).test_client()
    page = client.get("/cari?q=alert+sampah").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page.lower()
    assert "&lt;script&gt;" in page.lower()
    detail = client.get(f"/inovasi/{next(iter(report.changed_ids))}").get_data(as_text=True)
    assert "<script>alert" not in detail.lower() and "onmouseover" not in detail.lower()


def test_searches_keep_reading_while_the_index_is_written(sample_copy):
    db = open_db(sample_copy / "kms.db")
    record_ids = [row["id"] for row in db.query("SELECT id FROM innovations")]
    engine = engine_for(load_config({"DATA_DIR": str(sample_copy)}))
    expected = search(sample_copy, q="sampah")["total"]
    errors, totals = [], []

    def reader():
        try:
            for _ in range(15):
                totals.append(search(sample_copy, q="sampah")["total"])
        except Exception as exc:   # any failure of a reader is what this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        update_index(open_db(sample_copy / "kms.db"), engine, record_ids)
    for thread in threads:
        thread.join()
    assert not errors and set(totals) == {expected}


def test_api_search_contract(client):
    body = client.get("/api/search?q=antrian&province=73&per_page=5").get_json()
    assert set(body) == {"total", "page", "per_page", "results", "facets", "corrected_query", "corrected",
                         "match", "no_close_match", "expansions"}
    assert body["per_page"] == 5 and len(body["results"]) <= 5 and body["total"] > 0
    assert set(body["results"][0]) == {"id", "title", "agency", "province_code", "regency_code", "year",
                                       "award", "snippet", "score"}
    assert set(body["facets"]) == set(FACETS)
    assert all(set(item) == {"value", "label", "count"} for item in body["facets"]["province"])
    assert body["facets"]["province"][0]["label"]


@pytest.mark.parametrize("query,parameter", [("page=0", "page"), ("per_page=10000", "per_page"),
                                             ("year=abc", "year"), ("sort=wrong", "sort"),
                                             ("sdg=18", "sdg"), ("stage=selesai", "stage"),
                                             ("province=Sulsel", "province"), ("year_from=x", "year_from")])
def test_api_rejects_malformed_parameters(client, query, parameter):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter
    assert client.get(f"/cari?{query}").status_code == 400


def test_api_well_formed_but_unmatched_is_empty(client):
    body = client.get("/api/search?province=99&year=1999").get_json()
    assert body["total"] == 0 and body["results"] == []


def test_api_innovation_and_openapi(client):
    hit = client.get("/api/search?q=sampah").get_json()["results"][0]
    record = client.get(f"/api/innovations/{hit['id']}").get_json()
    assert record["id"] == hit["id"] and record["sources"] and "summary" in record
    assert client.get("/api/innovations/nope").status_code == 404
    spec = client.get("/api/openapi.json").get_json()
    assert {"/api/search", "/api/innovations/{id}"} <= set(spec["paths"])


def test_search_page_shows_facets_and_pages(client):
    page = client.get("/?q=layanan").get_data(as_text=True)
    assert 'id="total"' in page and "Provinsi" in page and "Halaman 1 dari" in page
    assert "<mark>" in page


def test_remove_takes_a_record_out_of_the_index(sample_copy):
    engine = engine_for(load_config({"DATA_DIR": str(sample_copy)}))
    hit = search(sample_copy, q="sampah")["hits"][0]["id"]
    total = search(sample_copy, q="sampah")["total"]
    engine.remove([hit])
    after = search(sample_copy, q="sampah")
    assert after["total"] == total - 1 and hit not in ids(after)


def test_an_index_of_another_analysis_version_is_rebuilt(sample_copy):
    from kms.search import analysis

    engine = engine_for(load_config({"DATA_DIR": str(sample_copy)}))
    total = search(sample_copy, q="sampah")["total"]
    meta = sample_copy / "index" / "meta.json"
    meta.write_text('{"analysis": "0"}', encoding="utf-8")
    assert not index_current(engine)
    db = open_db(sample_copy / "kms.db")
    sync(db, engine)
    assert engine.analysis_version() == analysis.VERSION and index_current(engine)
    assert search(sample_copy, q="sampah")["total"] == total
    meta.unlink()                           # an index from before versions were stored
    assert not index_current(engine)
    sync(db, engine)
    assert index_current(engine)


def test_failed_searches_are_counted_without_personal_data(site):
    anonymous = site.client()
    for _ in range(2):
        assert anonymous.get("/cari?q=reaktor+nuklir+antariksa").status_code == 200
    anonymous.get("/api/search?q=sampah")                       # a search that finds: not logged
    staff = site.client("operator")
    page = staff.get("/kampanye/pencarian-gagal")
    assert page.status_code == 200 and "reaktor nuklir antariksa" in page.text
    db = site.db()
    rows = list(db.query("SELECT * FROM search_log"))
    assert [(r["query"], r["outcome"], r["count"]) for r in rows if r["outcome"] == "none"] == \
        [("reaktor nuklir antariksa", "none", 2)]
    assert set(rows[0]) == {"query", "outcome", "count", "first_seen", "last_seen"}
    assert site.client().get("/kampanye/pencarian-gagal").status_code == 401


class _SlowVocabulary:
    """An engine's vocabulary look-ups, every unknown word one slip from a known one."""
    def document_frequency(self, field, word):
        return 0

    def fuzzy_terms(self, field, word, max_distance):
        return [(word[:-1] + "a", 50, 60)]


def test_corrections_stop_when_their_time_budget_is_spent():
    ticks = iter(x * 0.2 for x in range(1000))
    words = ["qxzvb", "wqzxv", "zqxwv", "vzqxw", "xqzvw", "qzvxw"]
    fixed = corrector.corrections(_SlowVocabulary(), words, budget=0.5, clock=lambda: next(ticks))
    assert 0 < len(fixed) < len(words)
    assert list(fixed) == words[:len(fixed)]          # the first words, in order
    everything = corrector.corrections(_SlowVocabulary(), words, budget=60)
    assert len(everything) == len(words)


def test_agency_and_digital_are_shared_filters(sample_dir):
    everything = search(sample_dir, per_page=1)
    agencies = everything["facets"]["agency"]
    top = agencies[0]
    found = search(sample_dir, agency=top["value"], per_page=100)
    assert found["total"] == top["count"] > 0
    app = create_app({"TESTING": True, "DATA_DIR": str(sample_dir)})
    client = app.test_client()
    for hit in ids(found):
        assert client.get(f"/api/innovations/{hit}").get_json()["agency"] == top["value"]
    two = search(sample_dir, agency=[agencies[0]["value"], agencies[1]["value"]], per_page=1)
    assert two["total"] == agencies[0]["count"] + agencies[1]["count"]          # OR within the name
    digital = {item["value"]: item["count"] for item in everything["facets"]["digital"]}
    assert sum(digital.values()) == everything["total"]
    assert search(sample_dir, digital="yes", per_page=1)["total"] == digital.get("yes", 0)
    assert client.get("/api/search?digital=mungkin").status_code == 400
    listed = {p["name"] for p in client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]["parameters"]}
    assert {"agency", "digital"} <= listed


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_after_updates_every_engine_answers_as_a_rebuild_does(sample_copy, engine_name):
    """Records rewritten through the store and synced: the same hits, order and scores as an
    index rebuilt from the same store (tantivy through its compaction, kms.sync)."""
    config = load_config({"DATA_DIR": str(sample_copy), "SEARCH_ENGINE": engine_name})
    db = open_db(sample_copy / "kms.db")
    engine = engine_for(config)
    sync(db, engine, rebuild=True, detect=False)
    for record_id in record_ids(db)[::7]:             # hubs send new text for every seventh record
        apply_edit(db, record_id, {"summary": "Pelayanan sampah dan kesehatan warga desa diperbarui."}, "uji")
    sync(db, engine, detect=False)
    queries = [{"q": "sampah"}, {"q": "pelayanan kesehatan desa"}, {"q": "warga", "province": "73"}]

    def answers():
        found = []
        for params in queries:
            query = SearchQuery.from_args(MultiDict(params), 50)
            result = service.search(engine_for(config), query)
            found.append((result.total, [(h.id, h.score) for h in result.hits]))
        return found
    updated = answers()
    shutil.rmtree(sample_copy / "index")
    sync(db, engine_for(config), detect=False)            # missing: rebuilt
    assert answers() == updated
