"""Search that finds what people ask for: Indonesian spelling variety, reduplication,
abbreviations both ways, long problem sentences, corrections a person would make (and none
of correct words), English queries, suggestions outside the asker's region."""
import pytest

from kms.config import load_config
from kms.search import ENGINES, analysis, engine_for, service, thesaurus
from kms.search.corrector import correct_word
from kms.search.documents import index_document
from kms.search.query import SearchQuery
from kms.search.whoosh_engine import WhooshEngine

# (as written, standard) pairs that must meet in the index
VARIANT_PAIRS = [
    ("praktek", "praktik"), ("dipraktekkan", "dipraktikkan"), ("apotik", "apotek"), ("kwalitas", "kualitas"),
    ("resiko", "risiko"), ("beresiko", "berisiko"), ("aktifitas", "aktivitas"), ("obyek", "objek"),
    ("nasehat", "nasihat"), ("jaman", "zaman"), ("kwitansi", "kuitansi"), ("ijasah", "ijazah"),
    ("sistim", "sistem"), ("tehnologi", "teknologi"), ("analisa", "analisis"), ("propinsi", "provinsi"),
    ("tjara", "cara"), ("djalan", "jalan"), ("anak-anak", "anak"), ("anak2", "anak"),
    ("rumah-rumah", "rumah"), ("buku2", "buku"), ("berturut-turut", "turut"), ("pelayanan-pelayanan", "layanan"),
]


@pytest.mark.parametrize("written, standard", VARIANT_PAIRS)
def test_spelling_variants_and_reduplication_meet(written, standard):
    assert analysis.terms(written) == analysis.terms(standard)


def test_hyphenated_words_match_every_spelling():
    assert set(analysis.terms("e-budgeting")) >= set(analysis.terms("ebudgeting")) | set(analysis.terms("budgeting"))
    assert "ktp" in analysis.terms("KTP-el") and "ktp" in analysis.terms("e-KTP")


def records():
    texts = {
        "dukcapil-short": ("Layanan Jemput Bola Disdukcapil", "Petugas Disdukcapil datang ke desa mencetak KTP-el."),
        "dukcapil-long": ("Adminduk Keliling", "Dinas Kependudukan dan Pencatatan Sipil melayani akta kelahiran di kecamatan."),
        "rsud": ("Antrean Daring RSUD", "Rumah sakit umum daerah membuka pendaftaran pasien secara daring."),
        "sampah": ("Bank Sampah Warga", "Warga menabung sampah plastik; sampah ditimbang dan dicatat."),
        "obat": ("Apotek Desa", "Puskesmas pembantu di desa terpencil kehabisan obat; stok obat dipantau daring."),
        "obat2": ("Kiriman Obat Puskesmas", "Obat dikirim dari puskesmas ke desa dengan ojek."),
        "sekolah": ("Kembali ke Sekolah", "Anak putus sekolah di pesisir didampingi kembali belajar."),
        "lampu": ("Terang Kampungku", "Pemasangan lampu penerangan jalan umum tenaga surya di gang."),
        "banjir": ("Peringatan Dini Banjir", "Sensor ketinggian air sungai mengirim peringatan dini banjir ke warga."),
        "pajak": ("PBB Online", "Pembayaran pajak bumi dan bangunan lewat aplikasi."),
    }
    return [{"id": key, "title": title, "summary": body, "hubs": ["uji"], "sdgs": [], "photos": []}
            for key, (title, body) in texts.items()]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = WhooshEngine(tmp_path_factory.mktemp("quality") / "index")
    engine.rebuild([index_document(r) for r in records()], analysis.VERSION)
    return engine


def found(engine, q, **kwargs):
    result = service.search(engine, SearchQuery(q=q, per_page=20), **kwargs)
    return [h.id for h in result.hits], result


def test_an_abbreviation_finds_the_spelled_out_form_and_back(engine):
    ids, result = found(engine, "disdukcapil")
    assert set(ids) == {"dukcapil-short", "dukcapil-long"}
    assert ids[0] == "dukcapil-short"               # the typed word weighs more than its expansion
    assert any(e[1] == "dinas kependudukan pencatatan sipil" for e in result.parsed.expansions)
    ids, _ = found(engine, "dinas kependudukan dan pencatatan sipil")
    assert set(ids) == {"dukcapil-short", "dukcapil-long"}
    assert found(engine, "rumah sakit umum daerah")[0][0] == "rsud"
    assert found(engine, "pajak bumi dan bangunan")[0][0] == "pajak"
    assert set(found(engine, "pbb")[0]) == {"pajak"}


@pytest.mark.parametrize("make_engine", sorted(ENGINES))
def test_an_agency_query_finds_the_agencys_records_before_long_texts_that_mention_it(make_engine, tmp_path):
    """The agency and region names are a field of their own: a long profile of the Dinas
    Kesehatan is not outranked by another agency's text that names it once in passing."""
    own = " ".join(["Ibu hamil belajar tanda bahaya kehamilan bersama bidan di posyandu setiap bulan."] * 40)
    passing = " ".join(["Lansia terlantar didata kader desa dari rumah ke rumah dan dicocokkan dengan DTKS."] * 4
                       + ["Yang sakit dirujuk; Dinas Kesehatan memeriksa mereka di balai desa."])
    rows = [dict(r, agency="Pemerintah Kota Makassar") for r in records()] + [     # every record has one
        {"id": "own", "title": "Kelas Ibu Hamil", "summary": own,
         "agency": "Dinas Kesehatan Kota Kupang", "hubs": ["uji"], "sdgs": [], "photos": []},
        {"id": "passing", "title": "Pendataan Lansia Terlantar", "summary": passing,
         "agency": "Dinas Sosial Kota Kupang", "hubs": ["uji"], "sdgs": [], "photos": []}]
    engine = ENGINES[make_engine](tmp_path / "index")
    engine.rebuild([index_document(r) for r in rows], analysis.VERSION)
    assert found(engine, "dinkes")[0][0] == "own"
    assert set(found(engine, "dinas kesehatan")[0][:2]) == {"own", "passing"}


def test_a_long_problem_sentence_finds_the_records_covering_most_of_it(engine):
    ids, result = found(engine, "puskesmas pembantu di desa kami sering kehabisan obat, warga harus "
                                "menunggu kiriman obat berminggu-minggu")
    assert set(ids[:2]) == {"obat", "obat2"}       # the two about medicine running out at the puskesmas
    assert result.match == "partial" and not result.no_close_match
    assert "sampah" not in ids and "lampu" not in ids


def test_english_queries_find_indonesian_records(engine):
    assert found(engine, "birth certificate")[0] == ["dukcapil-long"]
    assert found(engine, "flood early warning")[0][0] == "banjir"
    assert found(engine, "street lighting")[0][0] == "lampu"
    assert found(engine, "waste bank")[0][0] == "sampah"
    _ids, result = found(engine, "birth certificate")
    assert ("birth certificate", "akta kelahiran", "english") in result.parsed.expansions


def test_nothing_close_is_said_honestly(engine):
    ids, result = found(engine, "reaktor nuklir antariksa")
    assert ids == [] and result.no_close_match and result.total == 0
    ids, result = found(engine, "sampah")
    assert ids == ["sampah"] and result.match == "all" and not result.no_close_match


def test_staff_synonyms_in_the_data_folder_apply_without_a_reindex(engine, tmp_path):
    assert found(engine, "terang kampungku")[0][0] == "lampu"
    assert found(engine, "pju", thesaurus=thesaurus.current(tmp_path))[0][:1] != ["banjir"]
    (tmp_path / "synonyms.csv").write_text("term,expansion,kind,source\nsiaga air,peringatan dini banjir,"
                                           "synonym,staf\n", encoding="utf-8")
    ids, _ = found(engine, "siaga air", thesaurus=thesaurus.current(tmp_path))
    assert ids[0] == "banjir"


# -- corrections, on the sample store's vocabulary ---------------------------------------------
MISSPELLINGS = {
    "pelayaann": "pelayanan", "pelyanan": "pelayanan", "masyrakat": "masyarakat", "kesehtan": "kesehatan",
    "puskemas": "puskesmas", "kelilling": "keliling", "sampha": "sampah", "banjr": "banjir",
    "pendidkan": "pendidikan", "kelahrian": "kelahiran", "pengadun": "pengaduan", "aplkasi": "aplikasi",
    "kecamtan": "kecamatan", "sekloah": "sekolah", "perpustakan": "perpustakaan", "pendaftarn": "pendaftaran",
    "bantuab": "bantuan", "imformasi": "informasi", "elektonik": "elektronik", "pengelolan": "pengelolaan",
    "lingkunagn": "lingkungan", "pemberdayan": "pemberdayaan", "pendudk": "penduduk",
    "perlindunagn": "perlindungan", "bencna": "bencana", "pasein": "pasien", "gartis": "gratis",
    "jadwl": "jadwal", "pelatiahn": "pelatihan", "terpdu": "terpadu", "kunjugan": "kunjungan",
    "kelaurga": "keluarga", "digtal": "digital", "puskesmaas": "puskesmas", "sosail": "sosial",
    "kepuasaan": "kepuasan", "pelayanan-publk": "pelayanan-publik",
}
CORRECT_BUT_ABSENT = ["nuklir", "antariksa", "reaktor", "arkeologi", "orkestra", "astronot", "teleskop",
                      "galaksi", "kriptografi", "vulkanologi", "sampan", "pelayaran", "bantal", "kesehatannya"]


@pytest.fixture(scope="module")
def samples_engine(sample_dir):
    return engine_for(load_config({"DATA_DIR": str(sample_dir)}))


@pytest.mark.parametrize("typed, meant", sorted(MISSPELLINGS.items()))
def test_misspellings_are_corrected(samples_engine, typed, meant):
    assert correct_word(samples_engine, typed) == meant


@pytest.mark.parametrize("word", CORRECT_BUT_ABSENT)
def test_correct_words_are_never_corrected(samples_engine, word):
    assert correct_word(samples_engine, word) is None


def test_a_corrected_search_says_so_and_finds(samples_engine):
    result = service.search(samples_engine, SearchQuery(q="puskesmas kelilling"))
    assert result.corrected and result.corrected_query == "puskesmas keliling" and result.total > 0
    honest = service.search(samples_engine, SearchQuery(q="teleskop galaksi"))
    assert honest.corrected_query is None and honest.no_close_match


def test_suggestions_leave_out_the_askers_region(client):
    problem = "antrian pasien di puskesmas sangat panjang dan warga menunggu lama"
    everywhere = client.get("/api/suggest", query_string={"problem": problem, "limit": 50}).json["results"]
    assert everywhere
    region = everywhere[0]["regency_code"]
    mine = client.get("/api/suggest", query_string={"problem": problem, "region": region, "limit": 50}).json
    assert mine["results"] and all(r["regency_code"] != region for r in mine["results"])
    assert everywhere[0]["id"] not in {r["id"] for r in mine["results"]}


def test_every_thesaurus_entry_is_reachable_from_a_query():
    """Each row of the bundled tables becomes an entry a query can meet: its words (folded, standard
    spelling) find the alternative it names."""
    import csv

    current = thesaurus.current()
    unreachable = []
    for path, left, right, table in ((thesaurus.SYNONYMS_FILE, "term", "expansion", current.entries),
                                     (thesaurus.ENGLISH_FILE, "english", "indonesian", current.english)):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) >= (400 if table is current.entries else 600)
        assert all(row.get("source") for row in rows)
        for row in rows:
            a, b = thesaurus.key(row[left]), thesaurus.key(row[right])
            skipped = (not a or not b or a == b or len(a) > thesaurus.MAX_WORDS
                       or (len(b) == 1 and len(row[right].split()) > 1)
                       or (table is current.entries and len(a) == 1
                           and (len(a[0]) <= 2 or thesaurus.lexicon.is_english(a[0]))))
            if not skipped and b not in table.get(a, {}):
                unreachable.append(row[left])
    assert unreachable == []


def test_freedict_is_read_when_installed_and_missed_when_not(tmp_path, monkeypatch):
    """The FreeDict fallback reads a dictd index and its gzip body, for keys the glossary lacks."""
    import gzip

    body = b"header\numbrella /x/ <n>\npayung, paying\na cover against rain\n"
    start = body.index(b"umbrella")
    def b64(n):
        digits = ""
        while True:
            digits = thesaurus._B64[n % 64] + digits
            n //= 64
            if not n:
                return digits
    (tmp_path / "fd.index").write_text(f"00databaseinfo\tA\tB\numbrella\t{b64(start)}\t{b64(len(body) - start)}\n",
                                       encoding="utf-8")
    (tmp_path / "fd.dict.dz").write_bytes(gzip.compress(body))
    table: dict = {}
    assert thesaurus._read_freedict(tmp_path / "fd", table) == 1
    assert {" ".join(a) for a in table[("umbrella",)]} == {"payung", "paying"}
    assert thesaurus._read_freedict(tmp_path / "absent", {}) == 0


def test_ministry_short_forms_come_from_the_agency_vocabulary():
    current = thesaurus.current()
    assert current.counts["agency"] >= 40
    found = {" ".join(a.words) for m in current.matches(list(thesaurus.key("kemenhan"))) for a in m.alternatives}
    assert "kementerian pertahanan" in found       # a spelling from the vocabulary's note ("also Kemenhan")


@pytest.mark.slow
def test_the_search_evaluation_holds():
    """scripts/eval_search.py's figures: every kind at or above the bare FTS5 baseline, the
    overall figure where it was when this landed, most no-relevant-record queries answered
    with no_close_match."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import eval_search

    rows = eval_search.evaluate()
    judged = [r for r in rows if r["kind"] != "none"]
    mean = lambda values: sum(values) / len(values)   # noqa: E731
    for kind in {r["kind"] for r in judged}:
        chosen = [r for r in judged if r["kind"] == kind]
        assert mean([r["ndcg"] for r in chosen]) >= mean([r["base_ndcg"] for r in chosen]), kind
    assert mean([r["ndcg"] for r in judged]) >= 0.82
    assert mean([r["ours_ok"] for r in rows if r["kind"] == "none"]) >= 0.65


@pytest.mark.slow
def test_the_search_evaluation_holds_on_long_profiles():
    """The second set (data/eval/search_long/: 60 profiles of one to many pages): every kind
    within 0.01 of the baseline or above it (short queries tie with it: 0.955 against 0.957
    when this landed), the overall figure where it was."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import eval_search

    folder = eval_search.EVAL.parent / "search_long"
    rows = eval_search.evaluate(folder / "corpus.jsonl", folder / "queries.jsonl")
    judged = [r for r in rows if r["kind"] != "none"]
    mean = lambda values: sum(values) / len(values)   # noqa: E731
    for kind in {r["kind"] for r in judged}:
        chosen = [r for r in judged if r["kind"] == kind]
        assert mean([r["ndcg"] for r in chosen]) >= mean([r["base_ndcg"] for r in chosen]) - 0.01, kind
    assert mean([r["ndcg"] for r in judged]) >= 0.87
    assert mean([r["ours_ok"] for r in rows if r["kind"] == "none"]) >= 0.65


ODD_QUERIES = ['', ' ', '"', '""', '"""', 'dan yang di', '-', '--', 'e-', '-e', 'a-b-c-d', '2019', '٣', '日本語',
               'ÉCOLE', 'x' * 600, ' '.join(['desa'] * 200), 'kami harus', 'bagaimana', '"dan di"', 'AND OR NOT (',
               '*', '?', '\\', '%', '<script>alert(1)</script>', 'e-ktp', 'anak2', '1.2.3', 'go.id', 'a' * 40,
               'kelilling' * 5, 'the of and', 'ngapain sih gmn', ' '.join(f'kata{n}' for n in range(60))]


@pytest.mark.parametrize("path, key", [("/api/search", "q"), ("/cari", "q"), ("/api/suggest", "problem"),
                                       ("/replikasi", "problem")])
def test_odd_words_never_break_a_page(client, path, key):
    for text in ODD_QUERIES:
        response = client.get(path, query_string={key: text})
        expected = (200, 400) if path == "/api/suggest" and not text.strip() else (200,)
        assert response.status_code in expected, (path, text[:40], response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_staff_synonyms_in_the_apps_data_folder_reach_the_site(site):
    client = site.client()
    assert client.get("/api/search?q=zzkatasampah").json["no_close_match"]
    (site.dir / "synonyms.csv").write_text("term,expansion,kind,source\nzzkatasampah,sampah,synonym,staf\n",
                                           encoding="utf-8")
    body = client.get("/api/search?q=zzkatasampah").json
    assert body["total"] > 0 and {"typed": "zzkatasampah", "alternative": "sampah", "source": "local"} in body["expansions"]
