"""Competitions in stages: entries from the hub's submissions, weighted totals against a hand
computation, panelists never scoring their own agency, scores locked when a stage closes,
outliers, publication as awards (several on one record, counted by the facet), the scores for
the innovators and the operator's workbook, and every route for every role."""
import io
import re

import pytest
from openpyxl import load_workbook

from kms import submissions
from kms.accounts import create_user, get_user
from kms.completeness import default_rules
from kms.records import add_award
from tests.conftest import PASSWORD
from tests.test_submissions import complete

HUB = "jipp-sulsel"
PROPOSAL = ("latar_belakang", "kebaruan", "implementasi", "signifikansi", "adaptabilitas", "sumber_daya", "keberlanjutan")


@pytest.fixture
def contest(site):
    """Two sent submissions (Sinjai, Makassar), three panelists (one of them from Sinjai) and
    an open competition of the Sulsel hub with one winner per scored stage."""
    db = site.db()
    create_user(db, "op-sulsel", "hub_operator", PASSWORD, hub=HUB)
    for name, agency in (("inovator-a", "Pemerintah Kabupaten Sinjai"), ("inovator-b", "Pemerintah Kota Makassar")):
        create_user(db, name, "innovator", PASSWORD, hub=HUB, agency=agency)
    for name, agency in (("panel-sinjai", "Pemerintah Kabupaten Sinjai"), ("panel-prov", "Pemerintah Provinsi Sulawesi Selatan"),
                         ("panel-pare", "Pemerintah Kota Parepare")):
        create_user(db, name, "panelist", PASSWORD, hub=HUB, agency=agency)
    numbers = {}
    for name, title in (("inovator-a", "Antar Dokumen Kependudukan Sinjai"), ("inovator-b", "Klinik Keliling Makassar")):
        user = get_user(db, name)
        values = {k: (int(v) if k == "year" else [int(v)] if k == "sdgs" else v) for k, v in complete(title=title).items()}
        numbers[name] = submissions.create(db, user, values)
        submissions.submit(db, numbers[name], user, default_rules())
    db.close()
    operator = site.client("op-sulsel")
    page = operator.get("/kompetisi/baru")
    made = operator.post("/kompetisi/baru", data={
        "csrf_token": site.token(page.text), "name": "Top Inovasi Sulsel 2026", "year": "2026", "opens_on": "2026-01-01",
        "closes_on": "2099-12-31", "template": "kipp-2023", "award": "top_provinsi", "top_proposal": "1",
        "top_presentasi": "1", "top_lapangan": "1"})
    assert made.status_code == 303, made.text[:400]
    number = int(re.search(r"/kompetisi/(\d+)", made.headers["Location"]).group(1))
    site.numbers, site.competition = numbers, number
    return site


def _post(site, client, path, **data):
    page = client.get("/kompetisi")
    return client.post(path, data={"csrf_token": site.token(page.text), **data})


def _start(site, names=("panel-sinjai", "panel-prov", "panel-pare")):
    operator = site.client("op-sulsel")
    page = operator.get(f"/kompetisi/{site.competition}").text
    operator.post(f"/kompetisi/{site.competition}/panelis", data={"csrf_token": site.token(page), "panelist": list(names)})
    assert _post(site, operator, f"/kompetisi/{site.competition}/mulai").status_code == 303
    return operator


def _score(site, client, number, **values):
    return _post(site, client, f"/kompetisi/{site.competition}/nilai/{number}", **values)


def _checklist(passed=True):
    return {f"nilai_{k}": "1" if passed else "0" for k in ("formulir", "bukti", "berjalan")}


def _proposal(value, **overrides):
    return {**{f"nilai_{k}": str(value) for k in PROPOSAL}, **{f"nilai_{k}": str(v) for k, v in overrides.items()},
            "catatan_kebaruan": f"Catatan kebaruan {value}"}


def test_weighted_totals_match_a_hand_computation_and_conflicts_are_kept_out(contest):
    site = contest
    operator = _start(site)
    a, b = site.numbers["inovator-a"], site.numbers["inovator-b"]
    sinjai = site.client("panel-sinjai")
    assert sinjai.get(f"/kompetisi/{site.competition}/nilai/{a}").status_code == 403     # its own agency
    assert _score(site, sinjai, a, **_checklist()).status_code == 403
    listed = sinjai.get(f"/kompetisi/{site.competition}").text
    assert f'data-entry="{a}"' not in listed and f'data-entry="{b}"' in listed
    assert sinjai.get(f"/ajukan/{a}").status_code == 403 and sinjai.get(f"/ajukan/{b}").status_code == 200
    for panel in ("panel-prov", "panel-pare"):
        for number in (a, b):
            assert _score(site, site.client(panel), number, **_checklist()).status_code == 303
    assert _score(site, sinjai, b, **_checklist(False)).status_code == 303     # outvoted: b still passes
    assert _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap").status_code == 303
    # penilaian proposal: by hand, panel-prov on b = (10*8 + 15*8 + 5*8 + 30*10 + 20*8 + 5*8 + 15*8) / 100 = 8.6,
    # as a share of the highest score (10): 86.0; panel-pare on b: 60.0; panel-sinjai: 70.0
    _score(site, site.client("panel-prov"), b, **_proposal(8, signifikansi=10))
    _score(site, site.client("panel-pare"), b, **_proposal(6))
    _score(site, site.client("panel-sinjai"), b, **_proposal(7))
    _score(site, site.client("panel-prov"), a, **_proposal(5))
    _score(site, site.client("panel-pare"), a, **_proposal(5))
    refused = _score(site, site.client("panel-prov"), a, **_proposal(11))
    assert refused.status_code == 400 and "nilai 1 sampai 10" in refused.text
    db = site.db()
    from kms.competitions import get_competition, stage_results
    results = {r.submission_id: r for r in stage_results(db, get_competition(db, site.competition), 1)}
    db.close()
    assert results[b].by_panelist == {"panel-prov": 86.0, "panel-pare": 60.0, "panel-sinjai": 70.0}
    assert results[b].total == pytest.approx((86.0 + 60.0 + 70.0) / 3, abs=0.01)
    assert results[a].total == pytest.approx(50.0, abs=0.01) and results[b].passes and not results[a].passes
    page = operator.get(f"/kompetisi/{site.competition}").text
    assert "86.0" in page and "60.0" in page and "konflik" in page


def test_scores_lock_when_a_stage_closes_and_outliers_are_flagged(contest):
    site = contest
    operator = _start(site)
    a, b = site.numbers["inovator-a"], site.numbers["inovator-b"]
    for panel in ("panel-prov", "panel-pare"):
        for number in (a, b):
            _score(site, site.client(panel), number, **_checklist())
    _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap", anyway="1")   # panel-sinjai left b unscored
    _score(site, site.client("panel-prov"), b, **_proposal(9))
    _score(site, site.client("panel-pare"), b, **_proposal(9))
    _score(site, site.client("panel-sinjai"), b, **_proposal(2))         # far from the others
    _score(site, site.client("panel-prov"), a, **_proposal(4))
    assert 'class="num outlier"' in operator.get(f"/kompetisi/{site.competition}").text
    refused = _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap")     # panel-pare never scored a
    assert "belum+dinilai+lengkap" in refused.headers["Location"]
    assert _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap", anyway="1").status_code == 303
    late = _score(site, site.client("panel-prov"), a, **_proposal(10))      # a's stage is closed
    assert late.status_code == 409 and "terkunci" in late.text
    db = site.db()
    kept = db.execute("SELECT value FROM competition_scores WHERE competition_id = ? AND stage = 1 AND submission_id = ? "
                      "AND panelist = 'panel-prov' AND indicator = 'kebaruan'", [site.competition, a]).fetchone()[0]
    db.close()
    assert kept == 4


def _run_to_the_end(site, operator):
    a, b = site.numbers["inovator-a"], site.numbers["inovator-b"]
    for panel in ("panel-prov", "panel-pare"):
        for number in (a, b):
            _score(site, site.client(panel), number, **_checklist())
    _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap")
    for stage_scores in ({b: 9, a: 5}, {b: 8}, {b: 8}):
        for panel in ("panel-prov", "panel-pare"):
            for number, value in stage_scores.items():
                _score(site, site.client(panel), number, **{**{f"nilai_{k}": str(value) for k in (
                    *PROPOSAL, "penguasaan", "dampak", "replikasi", "kesesuaian", "manfaat")},
                    "catatan_kebaruan": "Kebaruannya jelas", "catatan_dampak": "Dampak terukur"})
        assert _post(site, operator, f"/kompetisi/{site.competition}/tutup-tahap").status_code == 303


def test_publishing_gives_the_award_and_innovators_see_their_scores(contest):
    site = contest
    operator = _start(site, ("panel-prov", "panel-pare"))
    early = _post(site, operator, f"/kompetisi/{site.competition}/terbitkan")
    assert early.status_code == 303 and "setelah+tahap+terakhir" in early.headers["Location"]     # refused, said
    _run_to_the_end(site, operator)
    assert site.client().get(f"/kompetisi/{site.competition}").status_code == 404      # nothing public yet
    assert site.client().get(f"/api/competitions/{site.competition}").status_code == 404
    assert site.client().get("/api/competitions").json["results"] == []
    assert _post(site, site.client("panel-prov"), f"/kompetisi/{site.competition}/terbitkan").status_code == 403
    assert _post(site, operator, f"/kompetisi/{site.competition}/terbitkan").status_code == 303
    db = site.db()
    winner = next(db.query("SELECT record_id FROM submissions WHERE id = ?", [site.numbers["inovator-b"]]))["record_id"]
    record = next(db.query("SELECT award, award_year, awards FROM innovations WHERE id = ?", [winner]))
    db.close()
    assert (record["award"], record["award_year"]) == ("top_provinsi", 2026) and "Top Inovasi Sulsel 2026" in record["awards"]
    public = site.client().get(f"/kompetisi/{site.competition}").text
    assert "Klinik Keliling Makassar" in public and "Antar Dokumen" not in public.split('id="winners"')[1].split("</ol>")[0]
    api = site.client().get(f"/api/competitions/{site.competition}").json
    assert api["entries"][0]["winner"] and api["entries"][0]["record_id"] == winner
    assert api["entries"][0]["stage_reached"] == "lapangan" and set(api["entries"][0]["totals"]) == {
        "administrasi", "proposal", "presentasi", "lapangan"}
    assert "panel-prov" not in str(api) and "Kebaruannya jelas" not in str(api)
    assert [c["id"] for c in site.client().get("/api/competitions").json["results"]] == [site.competition]
    found = site.client().get("/api/search?award=top_provinsi").json
    assert [hit["id"] for hit in found["results"]] == [winner]
    assert "Top Inovasi Provinsi 2026" in site.client().get(f"/inovasi/{winner}").text
    mine = site.client("inovator-b").get(f"/ajukan/{site.numbers['inovator-b']}").text
    assert "pemenang" in mine and "Kebaruannya jelas" in mine and "panel-prov" not in mine      # panelists by number
    loser = site.client("inovator-a").get(f"/ajukan/{site.numbers['inovator-a']}").text
    assert "tidak lolos" in loser and "Kebaruannya jelas" in loser
    managed = operator.get(f"/kompetisi/{site.competition}").text
    assert all(step in managed for step in ("kompetisi dibuka", "panelis ditetapkan", "penilaian dimulai", "nilai diberikan",
                                            "tahap ditutup", "hasil diterbitkan"))
    assert 'id="history"' not in public                                # the log is the hub's
    workbook = operator.get(f"/kompetisi/{site.competition}/nilai.xlsx")
    book = load_workbook(io.BytesIO(workbook.data))
    rows = list(book["Nilai"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Tahap", "No. ajuan", "Judul", "Instansi", "Panelis", "Indikator")
    assert any(r[4] == "panel-prov" and r[5] == "Kebaruan" and r[7] == 9 and r[8] == "Kebaruannya jelas" for r in rows)
    assert site.client("panel-prov").get(f"/kompetisi/{site.competition}/nilai.xlsx").status_code == 403


def test_several_awards_on_one_record_are_all_counted_by_the_facet(site):
    db = site.db()
    row = next(db.query("SELECT id, award FROM innovations WHERE award IS NOT NULL AND award NOT IN ('', 'none') "
                        "AND award != 'top_provinsi' ORDER BY id LIMIT 1"))
    with db.conn:
        add_award(db, row["id"], "top_provinsi", 2026, "Top Inovasi Sulsel 2026", None)
    record = next(db.query("SELECT award, awards FROM innovations WHERE id = ?", [row["id"]]))
    db.close()
    site.app.test_client().get("/")            # the next request brings the index in step
    from kms.sync import sync
    from kms.search import engine_for
    db = site.db()
    sync(db, engine_for(site.app.config))
    db.close()
    assert record["award"] == row["award"]          # the national tier ranks above the province's
    client = site.client()
    for tier in (row["award"], "top_provinsi"):
        assert row["id"] in [h["id"] for h in client.get(f"/api/search?award={tier}&per_page=100").json["results"]], tier
    facet = client.get("/api/search?q=&per_page=1").json["facets"]["award"]
    counts = {v["value"]: v["count"] for v in facet} if isinstance(facet, list) else facet
    assert counts.get("top_provinsi") == 1
    page = client.get(f"/inovasi/{row['id']}").text
    shown = re.search(r'id="awards">(.*?)</dd>', page, re.S).group(1)
    assert shown.index("Top Inovasi Provinsi") > 0                        # listed after the national award


def test_form_rules_and_panelists_who_scored_stay(contest):
    site = contest
    operator = site.client("op-sulsel")
    page = operator.get("/kompetisi/baru")
    both = operator.post("/kompetisi/baru", data={
        "csrf_token": site.token(page.text), "name": "Dua aturan", "year": "2026", "opens_on": "2026-01-01",
        "closes_on": "2026-12-31", "template": "kipp-2023", "award": "top_provinsi", "top_proposal": "3",
        "threshold_proposal": "70"})
    assert both.status_code == 400 and "bukan keduanya" in both.text and 'value="Dua aturan"' in both.text
    _start(site)
    _score(site, site.client("panel-prov"), site.numbers["inovator-b"], **_checklist())
    page = operator.get(f"/kompetisi/{site.competition}").text
    dropped = operator.post(f"/kompetisi/{site.competition}/panelis", data={"csrf_token": site.token(page),
                                                                           "panelist": ["panel-pare"]})
    assert "tidak+dapat+dikeluarkan" in dropped.headers["Location"]


def test_every_competition_route_for_every_role(contest):
    site = contest
    number = site.competition
    expected = {  # list, new, show (before publication), xlsx
        "anonymous": (200, 401, 404, 401), "op-sulsel": (200, 200, 200, 200), "admin": (200, 200, 200, 200),
        "panel-prov": (200, 403, 403, 403), "inovator-a": (200, 403, 403, 403), "editor": (200, 403, 403, 403),
        "operator-jatim": (200, 403, 403, 403),
    }
    for name, statuses in expected.items():
        client = site.client(name)
        got = (client.get("/kompetisi").status_code, client.get("/kompetisi/baru").status_code,
               client.get(f"/kompetisi/{number}").status_code, client.get(f"/kompetisi/{number}/nilai.xlsx").status_code)
        assert got == statuses, name
    for name in ("inovator-a", "editor", "panel-prov", "operator-jatim"):
        client = site.client(name)
        for step in ("panelis", "mulai", "tutup-tahap", "terbitkan"):
            assert _post(site, client, f"/kompetisi/{number}/{step}").status_code == 403, (name, step)
    _start(site)
    assert site.client("panel-prov").get(f"/kompetisi/{number}").status_code == 200     # once named to it
    entry = site.numbers["inovator-b"]
    for name, status in (("op-sulsel", 403), ("inovator-b", 403), ("admin", 403), ("panel-prov", 200)):
        assert site.client(name).get(f"/kompetisi/{number}/nilai/{entry}").status_code == status, name
    assert site.client().get(f"/kompetisi/{number}/nilai/{entry}").status_code == 401
