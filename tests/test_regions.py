"""Region resolution against tables of real spellings."""
import json

import pytest
from click.testing import CliRunner

from indexer.regions import REVIEW, resolve_region
from kms.cli import main

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
