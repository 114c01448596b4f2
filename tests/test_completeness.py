"""Completeness rules: each test, weights read from the rules file, stale detection."""
import datetime as dt

import pytest

from kms.completeness import RULES_FILE, RulesError, check_record, is_stale, load_rules

TODAY = dt.date(2026, 11, 26)
WORDS = " ".join(["kata"] * 40)


def full_record(**changes):
    record = {
        "title": "Layanan Akta Keliling", "agency": "Pemerintah Kabupaten Sinjai",
        "regency_code": "73.07", "province_code": "73", "year": 2021, "contact": "0812 000 111",
        "summary": WORDS, "background": WORDS, "goals": WORDS, "novelty": WORDS,
        "implementation": WORDS, "impact": WORDS, "adaptability": WORDS, "resources": WORDS,
        "sustainability": WORDS, "sdgs": [16], "sector": "kesehatan",
        "video_url": "https://youtu.be/abc", "stage": "penerapan", "updated_at": "2026-10-01",
    }
    record.update(changes)
    return record


def rules_file(tmp_path, body, header="stale_months = 6\nthreshold = 70\n"):
    path = tmp_path / "rules.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_a_full_record_scores_100_and_is_not_stale():
    result = check_record(full_record(), load_rules(), TODAY)
    assert result.score == 100
    assert result.gaps == ()
    assert not result.stale


def test_default_weights_follow_the_kipp_sections():
    weights = {rule.field: rule.weight for rule in load_rules(RULES_FILE).rules}
    assert weights["background"] + weights["goals"] == 10
    assert (weights["novelty"], weights["implementation"], weights["impact"], weights["adaptability"],
            weights["resources"], weights["sustainability"]) == (15, 5, 30, 20, 5, 15)
    for identity in ("title", "agency", "region", "year", "contact"):
        assert weights[identity] > 0


@pytest.mark.parametrize("changes, field, status, reason_part", [
    ({"impact": None}, "impact", "missing", "belum diisi"),
    ({"impact": "terlalu pendek"}, "impact", "weak", "2 dari minimal 20 kata"),
    ({"regency_code": "99.99", "province_code": None}, "region", "invalid", "99.99"),
    ({"regency_code": None, "province_code": None}, "region", "missing", "belum diisi"),
    ({"video_url": "youtube bapak camat"}, "video_url", "invalid", "tautan"),
    ({"video_url": "javascript:alert(1)"}, "video_url", "invalid", "tautan"),
    ({"year": 2009}, "year", "invalid", "2009"),
    ({"year": 2031}, "year", "invalid", "2031"),
    ({"sdgs": []}, "sdgs", "missing", "belum diisi"),
    ({"sdgs": [25]}, "sdgs", "missing", "SDG"),
    ({"stage": "unknown"}, "stage", "missing", "belum diisi"),
    ({"contact": ""}, "contact", "missing", "belum diisi"),
])
def test_each_rule_names_the_field_and_why(changes, field, status, reason_part):
    result = check_record(full_record(**changes), load_rules(), TODAY)
    gaps = {gap.field: gap for gap in result.gaps}
    assert set(gaps) == {field}
    assert gaps[field].status == status
    assert reason_part in gaps[field].reason
    assert result.score < 100


def test_provincial_agency_region_is_the_province_code():
    result = check_record(full_record(regency_code=None, province_code="73"), load_rules(), TODAY)
    assert "region" not in result.missing_fields()


def test_score_is_the_weighted_share_from_the_rules_file(tmp_path):
    rules = load_rules(rules_file(tmp_path, """
[[rule]]
field = "title"
weight = 1
test = "present"

[[rule]]
field = "impact"
weight = 3
test = "words"
min_words = 5
"""))
    assert rules.stale_months == 6 and rules.threshold == 70
    assert check_record({"title": "x", "impact": "satu dua tiga empat lima"}, rules, TODAY).score == 100
    assert check_record({"title": "x"}, rules, TODAY).score == 25
    assert check_record({"impact": "satu dua tiga empat lima"}, rules, TODAY).score == 75
    # a narrative present but short earns half its weight: (1 + 1.5) / 4
    assert check_record({"title": "x", "impact": "pendek"}, rules, TODAY).score == 62


def test_required_gaps_come_first_then_by_weight():
    record = full_record(impact=None, video_url=None, resources=None)
    fields = [gap.field for gap in check_record(record, load_rules(), TODAY).gaps]
    assert fields == ["impact", "resources", "video_url"]


@pytest.mark.parametrize("body, message", [
    ('[[rule]]\nfield = "nonsense"\nweight = 1\n', "unknown field 'nonsense'"),
    ('[[rule]]\nfield = "title"\nweight = -1\n', "weight"),
    ('[[rule]]\nfield = "title"\nweight = 1\ntest = "magic"\n', "test must be one of"),
    ('[[rule]]\nfield = "impact"\nweight = 1\ntest = "words"\n', "min_words"),
    ('[[rule]]\nfield = "title"\nweight = 1\nlevel = "optional"\n', "level"),
    ("", "no [[rule]]"),
    ("[[rule]\n", "rules.toml"),
])
def test_a_broken_rules_file_is_refused_naming_the_rule(tmp_path, body, message):
    with pytest.raises(RulesError, match=message.replace("[", r"\[")):
        load_rules(rules_file(tmp_path, body))


@pytest.mark.parametrize("updated_at, months, stale", [
    ("2026-10-01", 12, False),
    ("2025-11-26", 12, False),      # exactly 12 months: not yet stale
    ("2025-11-25", 12, True),
    ("2026-05-25", 6, True),
    ("2026-05-26T08:00:00+00:00", 6, False),
    (None, 12, True),
    ("bukan tanggal", 12, True),
])
def test_stale_detection(updated_at, months, stale):
    assert is_stale(updated_at, months, TODAY) is stale


def test_stale_uses_the_rules_months():
    record = full_record(updated_at="2026-01-10")
    assert not check_record(record, load_rules(), TODAY).stale
    assert check_record(record, load_rules(), TODAY, stale_months=6).stale


def test_month_end_dates_do_not_break_stale_detection():
    assert is_stale("2026-02-27", 1, dt.date(2026, 3, 31)) is True
    assert is_stale("2026-02-28", 1, dt.date(2026, 3, 31)) is False


def test_scores_are_stored_with_the_record_and_rescored_when_rules_change(sample_copy, monkeypatch):
    """Completeness is written through the journal (the sync after a change) and read back
    instead of computed; other rules make the stored scores outdated until they are rescored."""
    from click.testing import CliRunner

    from kms.cli import main
    from kms.completeness import Rules, check_record, default_rules
    from kms.db import open_db
    from kms.records import all_records
    from kms.scores import Selection, ensure_scores, outdated_ids, score_rows

    db = open_db(sample_copy / "kms.db")
    rules = default_rules()
    records = {r["id"]: r for r in all_records(db)}
    rows = score_rows(db, rules, Selection(), rules.threshold)
    assert len(rows) == len(records) and outdated_ids(db, rules) == []
    for row in rows:
        expected = check_record(records[row["id"]], rules)
        assert row["score"] == expected.score
        assert row["gaps"] == [g.as_json() for g in expected.gaps]
    lighter = Rules(rules.rules[:3], rules.stale_months, rules.threshold)
    assert score_rows(db, lighter, Selection(), 80) == []          # made by other rules: not used
    assert len(outdated_ids(db, lighter)) == len(records)
    assert ensure_scores(db, lighter) == len(records) and outdated_ids(db, lighter) == []
    monkeypatch.setenv("KMS_DATA_DIR", str(sample_copy))
    out = CliRunner().invoke(main, ["rescore"])
    assert out.exit_code == 0 and f"{len(records)} entri" in out.output


def _reference_figures(rows, threshold):
    complete = sum(1 for r in rows if r.score >= threshold)
    return {"records": len(rows), "complete": complete, "incomplete": len(rows) - complete,
            "stale": sum(1 for r in rows if r.stale), "stopped": sum(1 for r in rows if r.stopped),
            "mean_score": round(sum(r.score for r in rows) / len(rows), 1) if rows else 0.0}


@pytest.mark.parametrize("today", [dt.date(2026, 3, 31), dt.date(2025, 6, 15)])
def test_sql_figures_equal_a_record_by_record_count(sample_copy, today, monkeypatch):
    """The dashboard's SQL over stored scores (summary, the four group tables, drill-down,
    worklists, scopes) gives what scoring every record in Python gives."""
    from collections import namedtuple

    from kms import scores
    from kms.accounts import User, in_scope
    from kms.completeness import check_record, default_rules
    from kms.db import open_db
    from kms.records import active_hubs, all_records
    from kms.scores import Selection, group_table, scope_sql, score_rows, summary

    class FixedDate(dt.date):
        @classmethod
        def today(cls):
            return today

    monkeypatch.setattr(scores.dt, "date", FixedDate)
    db = open_db(sample_copy / "kms.db")
    rules = default_rules()
    hubs = active_hubs(db)
    Row = namedtuple("Row", "id score stale stopped record hubs")
    everything = []
    for record in all_records(db):
        result = check_record(record, rules, today)
        everything.append(Row(record["id"], result.score, result.stale, record.get("status") == "berhenti",
                              record, hubs.get(record["id"], set())))
    assert 0 < sum(r.stale for r in everything) < len(everything)    # the date matters here
    some_hub = sorted({h for r in everything for h in r.hubs})[0]
    users = [User(1, "a", "admin"), User(2, "h", "hub_operator", hub=some_hub),
             User(3, "p", "hub_operator", province="73"),
             User(4, "e", "agency_editor", agency=everything[0].record["agency"].upper())]
    keys = {"hub": lambda r: sorted(r.hubs) or [""], "province": lambda r: [r.record.get("province_code") or ""],
            "agency": lambda r: [r.record.get("agency") or ""],
            "award_year": lambda r: [str(r.record["award_year"]) if r.record.get("award_year") else ""]}
    for user in users:
        mine = [r for r in everything if in_scope(user, r.record, r.hubs)]
        assert mine, user
        chosen = Selection(scope=scope_sql(user))
        got = summary(db, rules, chosen, 60)
        assert {k: got[k] for k in _reference_figures(mine, 60)} == _reference_figures(mine, 60)
        assert sum(got["distribution"]) == len(mine)
        for by, keys_of in keys.items():
            table = {g["value"]: g for g in group_table(db, rules, chosen, by, 60)}
            expected = {}
            for row in mine:
                for value in keys_of(row):
                    expected.setdefault(value, []).append(row)
            assert set(table) == set(expected), (user, by)
            for value, rows in expected.items():
                assert {k: table[value][k] for k in _reference_figures(rows, 60)} == \
                    _reference_figures(rows, 60), (user, by, value)
            value = max(expected, key=lambda v: len(expected[v]))
            drill = score_rows(db, rules, chosen, 60, by, value, "worklist")
            wanted = sorted((r for r in expected[value] if r.score < 60 or r.stale), key=lambda r: (r.score, r.id))
            assert [r["id"] for r in drill] == [r.id for r in wanted], (user, by, value)


def test_a_broken_rules_file_stops_scoring_not_the_index(sample_copy, tmp_path, monkeypatch):
    from kms import completeness
    from kms.config import load_config
    from kms.db import open_db
    from kms.search import engine_for
    from kms.sync import sync

    broken = tmp_path / "rules.toml"
    broken.write_text("[[rule]]\nfield = 'nothing'\n", encoding="utf-8")
    monkeypatch.setattr(completeness, "default_rules", lambda: completeness.load_rules(broken))
    monkeypatch.setattr("kms.sync.default_rules", lambda: completeness.load_rules(broken))
    db = open_db(sample_copy / "kms.db")
    with db.conn:
        db.execute("UPDATE innovations SET title = title || ' (baru)' WHERE id = (SELECT MIN(id) FROM innovations)")
    report = sync(db, engine_for(load_config({"DATA_DIR": str(sample_copy)})), detect=False)
    assert report.changed == 1          # the index moved on; only the scores waited
