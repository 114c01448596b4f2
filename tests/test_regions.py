"""Region resolution against tables of real spellings."""
import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.regions import REVIEW, Gazetteer, gazetteer, resolve_region
from kms.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

REAL_SPELLINGS = [
    ("Kab. Pangkep", "73.10"), ("KOTA PARE-PARE", "73.72"), ("Pemkot Bima", "52.72"),
    ("P A P U A", "91"), ("Kabupaten Sorong", "96.01"), ("Jatim", "35"),
    ("Dinas Kesehatan Kota Makassar", "73.71"), ("Kota Parepare", "73.72"),
    ("Pemerintah Kabupaten Bantaeng", "73.03"), ("  KAB.  SIDENRENG RAPPANG ", "73.14"),
    ("Kota Bau-Bau", "74.72"), ("Kota Baubau", "74.72"), ("Kab. Fakfak", "92.03"),
    ("Kabupaten Fak Fak", "92.03"), ("Kab. Tolitoli", "72.04"), ("Toli-Toli", "72.04"),
    ("Labuhan Batu", "12.10"), ("Kabupaten Labuhanbatu", "12.10"), ("Toba Samosir", "12.12"),
    ("Mamuju Utara", "76.01"), ("Kab. Pahuwato", "75.04"), ("DKI Jakarta", "31"),
    ("Daerah Khusus Jakarta", "31"), ("Daerah Khusus Ibukota Jakarta", "31"),
    ("Kota Adm. Jakarta Selatan", "31.74"), ("Tangsel", "36.74"), ("Sulsel", "73"), ("Jabar", "32"),
    ("DIY", "34"), ("NTB", "52"), ("NTT", "53"), ("Kaltara", "65"), ("South Sulawesi", "73"),
    ("West Nusa Tenggara", "52"), ("Riau Islands", "21"), ("Makassar City", "73.71"),
    ("Bantaeng Regency", "73.03"), ("Pemprov Jawa Timur", "35"), ("PROVINSI SULAWESI SELATAN", "73"),
    ("Pemerintah Provinsi Sulawesi Selatan", "73"), ("RSUD Kabupaten Sinjai", "73.07"),
    ("KAB. SORONG", "96.01"), ("Kota Sorong", "96.71"), ("Papua Barat Daya", "96"),
    ("Southwest Papua", "96"), ("Kabupaten Banyumass", "33.02"), ("kota   yogyakarta", "34.71"),
    ("7371", "73.71"), ("73.71", "73.71"), ("73", "73"), ("11.1", "11.10"), ("92.01", "96.01"),
]


@pytest.mark.parametrize("text,code", REAL_SPELLINGS)
def test_real_spellings_resolve(text, code):
    found = resolve_region(text)
    assert found.code == code, found
    assert 0 < found.confidence <= 1


@pytest.mark.parametrize("text", ["Atlantis", "Bandung", "Bima", "", "Kabupaten Antah Berantah", "99.99"])
def test_unknown_or_ambiguous_values_are_refused(text):
    found = resolve_region(text)
    assert found.code is None
    assert found.confidence == 0
    assert found.needs_review


def test_ambiguous_name_says_which_regions():
    assert "Kabupaten Bandung" in resolve_region("Bandung").reason
    assert "Kota Bandung" in resolve_region("Bandung").reason


def test_province_context_does_not_guess_between_kab_and_kota():
    assert resolve_region("Bima", province="52").code is None
    assert resolve_region("Kota Bima", province="52").code == "52.72"


@pytest.mark.parametrize("text,code", [("1101", "11.09"), ("7303", "73.03"), ("7371", "73.71"),
                                       ("94", "91"), ("91", "92"), ("9107", "96.01")])
def test_bps_codes(text, code):
    assert resolve_region(text, codes="bps").code == code


def test_dotted_codes_are_kemendagri_even_when_bps_is_asked():
    assert resolve_region("11.01", codes="bps").code == "11.01"


def test_fuzzy_and_in_text_matches_are_flagged_for_review():
    fuzzy = resolve_region("Kabupaten Banyumass")
    assert fuzzy.confidence < REVIEW and fuzzy.needs_review
    assert not resolve_region("Kota Makassar").needs_review


def test_region_command_prints_one_json_object_per_input():
    result = CliRunner().invoke(main, ["region", "Kab. Pangkep", "Atlantis"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"input": "Kab. Pangkep", "code": "73.10",
                        "name": "Kabupaten Pangkajene dan Kepulauan", "level": "regency",
                        "confidence": 1.0}
    assert lines[1]["code"] is None and lines[1]["name"] is None


def test_region_command_reads_stdin_and_bps_codes():
    result = CliRunner().invoke(main, ["region", "--codes", "bps", "-"], input="1101\n\nJatim\n")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["code"] for item in lines] == ["11.09", "35"]
    assert lines[0]["name"] == "Kabupaten Simeulue"


# Offices named after the area they serve: the area, or nothing; never a town sharing a word.
INSTITUTIONS = [
    ("Polda Metro Jaya", "31"), ("POLDA METRO JAYA", "31"), ("Kapolda Jawa Barat", "32"),
    ("Kepolisian Daerah Sumatera Utara", "12"), ("Polres Metro Jakarta Selatan", "31.74"),
    ("Polres Gowa", "73.06"), ("Polresta Sidoarjo", "35.15"), ("Kodam Iskandar Muda", "11"),
    ("Kejaksaan Tinggi Sulawesi Selatan", "73"), ("Kejati Lampung", "18"),
    ("Kejaksaan Tinggi Palembang", "16"), ("Pengadilan Tinggi Makassar", "73"),
    ("Pengadilan Negeri Mataram Kelas 1A", "52.71"), ("Pengadilan Agama Nunukan", "65.03"),
    ("Kanwil Kemenkumham Jawa Tengah", "33"), ("Kantor Wilayah Kementerian Agama Provinsi Bali", "51"),
    ("BPS Kota Makassar", "73.71"), ("Bupati Bandung", "32.04"), ("Walikota Bandung", "32.73"),
    ("Dinas Kesehatan Kota Makassar", "73.71"),
    ("Dinas Pendidikan dan Kebudayaan Provinsi Sulawesi Selatan", "73"),
]


@pytest.mark.parametrize("text,code", INSTITUTIONS)
def test_offices_resolve_to_the_area_they_are_named_after(text, code):
    found = resolve_region(text)
    assert found.code == code, found
    assert found.confidence >= REVIEW       # an exact name after an office word is not a doubt


@pytest.mark.parametrize("text", ["Kodam Bukit Barisan", "Kodam I Bukit Barisan", "Polda Nusantara",
                                  "Kabupaten Lampung Tenggara", "Kabupaten Tangerang Utara",
                                  "Kabupaten Makassar", "Provinsi Lampung Tengah"])
def test_offices_and_names_of_no_single_region_give_no_code(text):
    assert resolve_region(text).code is None


@pytest.mark.parametrize("text,code", [
    ("Kab. Adm. Kep. Seribu", "31.01"), ("KAB. ADM. KEP. SERIBU", "31.01"),
    ("Kabupaten Administrasi Kepulauan Seribu", "31.01"), ("Kota Adm. Jakarta Utara", "31.72"),
    ("Kota Administrasi Jakarta Barat", "31.73"), ("Kotamadya Daerah Tingkat II Tangerang", "36.71"),
    ("Kabupaten Dati II Bogor", "32.01"), ("KOTAMADYA PALEMBANG", "16.71"),
    ("Kab. Kep. Meranti", "14.10"), ("Kabupaten Kota Baru", "63.02"),
])
def test_administrative_prefixes_of_every_edition(text, code):
    found = resolve_region(text)
    assert found.code == code and found.confidence >= REVIEW, found


@pytest.mark.parametrize("text,code,sure", [
    ("Bandung, Kota", "32.73", True), ("BANDUNG (KAB.)", "32.04", True), ("Aceh Provinsi", "11", True),
    ("Barat Jawa", "32", True), ("Selatan Jakarta", "31.74", True),         # words in another order
    ("Kabupten Lampung Tengah", "18.02", True), ("Profinsi Papua Barat", "92", True),
    ("Province of Central Java", "33", True), ("City of Surabaya", "35.78", True),
    ("Yogyakarta Special Region", "34", True),
    ("Buton Selatan (Busel)", "74.15", True), ("Pemerintah Kota (Pemkot) Metro", "18.72", True),
    ("Kodam XII/Tanjungpura", "61", True), ("Kodam IM", "11", True),        # the name after the number
    ("DPD KNPI NTT", "53", False), ("PMI KALTIM", "64", False),             # a chapter named after its area
])
def test_names_written_in_other_orders_or_with_a_misspelt_type_word(text, code, sure):
    found = resolve_region(text)
    assert found.code == code, found
    assert found.needs_review is not sure, found


@pytest.mark.parametrize("text", ["Kodam XIV/Hasanuddin", "Kodam V", "BANK BRI", "Kota Kota",
                                  "Kabupaten (Kota) Bandung Barat Daya", "TOKO MITRA", "KOPI TALA",
                                  "Pemerintah Kabupaten (Pemkot) Bogor", "Pengadilan Tinggi Jayapura/Jaya"])
def test_reordering_brackets_and_numbers_guess_nothing(text):
    assert resolve_region(text).code is None, resolve_region(text)


@pytest.mark.parametrize("text,code", [
    ("Kanwil Kemenag Papua/Jaya Wijaya", "91"), ("Polda Jawa Barat/Metro Jaya", "32"),
    ("Gubernur Jawa Tengah/Siliwangi", "33"),        # only a Kodam's number is followed by its name
])
def test_the_name_after_a_slash_never_overrules_the_area_before_it(text, code):
    assert resolve_region(text).code == code


@pytest.mark.parametrize("text", ["Surabaya, Kab.", "Pontianak (Kabupaten)"])
def test_a_kind_that_disagrees_or_an_old_name_borne_by_another_region_is_flagged(text):
    assert resolve_region(text).needs_review, resolve_region(text)


def test_a_near_spelling_after_a_type_word_is_not_a_shorter_name():
    found = resolve_region("Kota Padang Pandjang")
    assert found.code == "13.74" and found.needs_review       # not Kota Padang, and flagged


def test_an_acronym_matches_only_whole_or_after_a_type_word():
    g = gazetteer()
    acronym = next(a for a in sorted(g.acronyms) if len(a) >= 3)
    code = g.aliases[acronym]
    assert resolve_region(acronym.upper()).code == code
    assert resolve_region(f"Laporan kegiatan {acronym.upper()} tahun ini").code != code


def test_an_alias_naming_another_region_is_refused():
    g = Gazetteer()
    g._add_alias("Metro", "31", "abbreviation")         # Kota Metro is 18.72
    assert g.aliases.get("metro") != "31"
    assert g.refused_aliases and g.refused_aliases[-1][0] == "Metro"
    assert gazetteer().refused_aliases == []              # the shipped aliases collide with nothing


@pytest.mark.parametrize("table", sorted(FIXTURES.glob("region_spellings*.csv")), ids=lambda p: p.name)
def test_real_spelling_tables_resolve_with_no_more_than_two_wrong_codes(table):
    """Spellings seen in public documents (each row cites its source): most resolve, and a
    spelling that cannot be resolved gets no code rather than a wrong one."""
    rows = list(csv.DictReader(open(table, encoding="utf-8")))
    right = wrong = 0
    for row in rows:
        found = resolve_region(row["spelling"]).code
        right += found == (row["expected_code"] or None)
        wrong += found is not None and found != (row["expected_code"] or None)
    assert len(rows) >= 300
    assert right / len(rows) >= 0.98 and wrong <= 2, (right / len(rows), wrong)
