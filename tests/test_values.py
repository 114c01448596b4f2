"""Parsing awards, SDGs, stages, yes/no, status, years and dates."""
import datetime as dt

import pytest

from indexer.values import (parse_award, parse_category, parse_date, parse_sdgs, parse_stage,
                            parse_status, parse_year, parse_yes_no)
from kms.campaigns import create_campaign, get_campaign
from kms.schema import category_filters_as_keys


@pytest.mark.parametrize("text,tier,year", [
    ("TOP 99 KIPP 2019", "top99", 2019), ("Top 45/2019", "top45", 2019),
    ("Top Inovasi Terpuji 2021", "terpuji", 2021), ("Tidak Ada", "none", None),
    ("Top 35/2016", "top35", 2016), ("Top 25/2015", "top25", 2015), ("top 40 kipp 2018", "top40", 2018),
    ("Top 5 Replikasi 2021", "top5_replikasi", 2021), ("OAPSI 2022", "oapsi", 2022),
    ("Outstanding Achievement of Public Service Innovation", "oapsi", None),
    ("Innovative Government Award 2020", "iga", 2020), ("Top 9", "top9", None),
])
def test_award_strings(text, tier, year):
    assert parse_award(text) == (tier, year, True)


def test_unknown_award_is_not_guessed():
    tier, _year, understood = parse_award("Juara Harapan Lomba Desa")
    assert tier is None and not understood


@pytest.mark.parametrize("value,expected", [
    ("SDG 3", [3]), ("Tujuan 3", [3]), ("TPB 3", [3]), ("Kehidupan Sehat dan Sejahtera", [3]),
    ("3, 5 dan 10", [3, 5, 10]), (["SDG 1", "TPB 16"], [1, 16]), ("Quality Education", [4]),
    ("Tanpa Kemiskinan; Pendidikan Berkualitas", [1, 4]), (6, [6]),
])
def test_sdgs(value, expected):
    assert parse_sdgs(value) == (expected, True)


def test_sdg_out_of_range_is_flagged():
    assert parse_sdgs("SDG 18")[1] is False


@pytest.mark.parametrize("value,expected", [("Uji Coba", "uji_coba"), ("uji coba", "uji_coba"),
                                            ("Penerapan", "penerapan"), ("Inisiatif", "inisiatif"),
                                            ("Tahap Uji Coba", "uji_coba")])
def test_stages(value, expected):
    assert parse_stage(value) == (expected, True)


@pytest.mark.parametrize("value,expected", [("Ya", "yes"), ("Tidak", "no"), ("Digital", "yes"),
                                            ("Non Digital", "no"), (True, "yes"), ("", "unknown")])
def test_yes_no(value, expected):
    assert parse_yes_no(value)[0] == expected


@pytest.mark.parametrize("value,expected", [("Berlanjut", "berlanjut"),
                                            ("Berlanjut dengan pengembangan", "berlanjut"),
                                            ("Vakum", "berhenti"), ("Berhenti", "berhenti"),
                                            (None, "unknown")])
def test_status(value, expected):
    assert parse_status(value)[0] == expected


@pytest.mark.parametrize("value,expected", [(2019, 2019), ("2019", 2019), ("12/05/2019", 2019),
                                            ("Mei 2019", 2019), (dt.date(2020, 1, 2), 2020),
                                            ("diterapkan sejak tahun 2017", 2017), ("abc", None),
                                            (1850, None), ("-", None)])
def test_years(value, expected):
    assert parse_year(value) == expected


@pytest.mark.parametrize("value,expected", [("2024-03-01", "2024-03-01"), ("01/03/2024", "2024-03-01"),
                                            ("1 Maret 2024", "2024-03-01"), ("31/02/2024", None)])
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("written, key", [
    ("Pelayanan Publik", "pelayanan_publik"), ("Inovasi Pelayanan Publik", "pelayanan_publik"),
    ("INOVASI TATA KELOLA PEMERINTAHAN", "tata_kelola"), ("Tata Kelola Pemerintahan Daerah", "tata_kelola"),
    ("Kategori: Pendidikan", "pendidikan"), ("Pelayanan Kesehatan", "kesehatan"),
    ("Pemberantasan Kemiskinan", "pengentasan_kemiskinan"), ("Inovasi Daerah Lainnya", "daerah_lainnya"),
])
def test_categories_become_vocabulary_keys(written, key):
    assert parse_category(written) == (key, True)


def test_an_unknown_category_is_kept_as_written_and_flagged():
    assert parse_category("Urusan Kebersihan Pasar") == ("Urusan Kebersihan Pasar", False)
    assert parse_category("  ") == (None, True)


def test_saved_campaign_filters_name_categories_by_key(db):
    campaign = create_campaign(db, "Uji", "q=sampah&category=Pelayanan+Publik&category=Kesehatan&province=73",
                               80, None, "admin")
    category_filters_as_keys(db)
    assert get_campaign(db, campaign).query().filters["category"] == ("pelayanan_publik", "kesehatan")


def test_an_urusan_written_as_the_category_is_read_as_the_sector():
    """Hubs put urusan names in the category column ("Perhubungan"): not a category, the sector."""
    from indexer.site_records import normalized

    found = normalized({"title": "Bus Sekolah Gratis", "agency": "Pemkab Sinjai", "category": "Perhubungan"})
    assert (found.fields["category"], found.fields["sector"]) == (None, "perhubungan")
    assert not [issue for issue in found.issues if issue.field == "category"]
    kept = normalized({"title": "Bus Sekolah Gratis", "agency": "Pemkab Sinjai", "category": "Perhubungan",
                       "sector": "Pendidikan"})
    assert (kept.fields["category"], kept.fields["sector"]) == (None, "pendidikan")     # a mapped sector wins
    unknown = normalized({"title": "Bus Sekolah Gratis", "agency": "Pemkab Sinjai", "category": "Urusan Kebersihan Pasar"})
    assert unknown.fields["category"] == "Urusan Kebersihan Pasar" and [i.field for i in unknown.issues] == ["category"]
