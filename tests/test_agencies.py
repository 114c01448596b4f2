"""Agency normalization against tables of real spellings."""
import pytest

from indexer.agencies import normalize_agency

SPELLINGS = [
    ("Pemkot Bima", "Pemerintah Kota Bima", "pemkot", None),
    ("Pemerintah Kota bima", "Pemerintah Kota Bima", "pemkot", None),
    ("PEMERINTAH KOTA BIMA", "Pemerintah Kota Bima", "pemkot", None),
    ("  Pemerintah Kabupaten  Bantaeng ", "Pemerintah Kabupaten Bantaeng", "pemkab", None),
    ("Pemkab Pangkep", "Pemerintah Kabupaten Pangkajene dan Kepulauan", "pemkab", None),
    ("Pemprov Jatim", "Pemerintah Provinsi Jawa Timur", "pemprov", None),
    ("Pemda Provinsi Sulawesi Selatan", "Pemerintah Provinsi Sulawesi Selatan", "pemprov", None),
    ("Kab. Gowa", "Pemerintah Kabupaten Gowa", "pemkab", None),
    ("Kemendikbud", "Kementerian Pendidikan dan Kebudayaan", "kementerian", None),
    ("Kementerian Pendidikan dan Kebudayaan RI", "Kementerian Pendidikan dan Kebudayaan", "kementerian", None),
    ("Kementerian Kesehatan Republik Indonesia", "Kementerian Kesehatan", "kementerian", None),
    ("Kemenkes", "Kementerian Kesehatan", "kementerian", None),
    ("Kemenpan RB", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "kementerian", None),
    ("Kementerian Hukum dan HAM", "Kementerian Hukum dan Hak Asasi Manusia", "kementerian", None),
    ("Badan Pusat Statistik", "Badan Pusat Statistik", "lembaga", None),
    ("BPJS Kesehatan", "Badan Penyelenggara Jaminan Sosial Kesehatan", "lembaga", None),
    ("Dinas Kesehatan Kota Makassar", "Pemerintah Kota Makassar", "pemkot", "Dinas Kesehatan Kota Makassar"),
    ("RSUD Kabupaten Sinjai", "Pemerintah Kabupaten Sinjai", "pemkab", "RSUD Kabupaten Sinjai"),
    ("DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL PROVINSI JAWA TIMUR", "Pemerintah Provinsi Jawa Timur",
     "pemprov", "Dinas Kependudukan dan Pencatatan Sipil Provinsi Jawa Timur"),
    ("Ditjen Dukcapil Kemendagri", "Kementerian Dalam Negeri", "kementerian", "Ditjen Dukcapil Kemendagri"),
    ("Polres Gowa", "Kepolisian Negara Republik Indonesia", "lembaga", "Polres Gowa"),
    ("PT PLN (Persero)", "PT PLN (Persero)", "bumn", None),
    ("PT. Pos Indonesia (Persero)", "PT Pos Indonesia (Persero)", "bumn", None),
    ("PDAM Kota Makassar", "PDAM Kota Makassar", "bumd", None),
    ("Bank Sulselbar", "Bank Sulselbar", "bumd", None),
    ("Perumda Air Minum Tirta Jeneberang", "Perumda Air Minum Tirta Jeneberang", "bumd", None),
]


@pytest.mark.parametrize("text,name,kind,unit", SPELLINGS)
def test_real_spellings(text, name, kind, unit):
    agency = normalize_agency(text)
    assert (agency.name, agency.type, agency.unit) == (name, kind, unit)
    assert agency.known


def test_unit_without_region_takes_the_records_region():
    agency = normalize_agency("Dinas Kesehatan", region_hint="73.03")
    assert agency.name == "Pemerintah Kabupaten Bantaeng" and agency.unit == "Dinas Kesehatan"


def test_unknown_agency_keeps_its_cleaned_name_and_is_flagged():
    agency = normalize_agency("  KELOMPOK TANI   MAKMUR JAYA ")
    assert agency.name == "Kelompok Tani Makmur Jaya"
    assert agency.type == "other" and not agency.known


def test_empty_agency_is_none():
    assert normalize_agency("  ") is None and normalize_agency(None) is None
