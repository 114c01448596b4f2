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
    # state enterprises and their subsidiaries, by registry (data/vocabularies/state_enterprises.csv)
    ("PT PLN (PERSERO) UP3 MAKASSAR", "PT PLN (Persero)", "bumn", "PT PLN (Persero) UP3 Makassar"),
    ("Perum Bulog", "Perum Badan Urusan Logistik", "bumn", None),
    ("Telkomsel", "PT Telekomunikasi Selular", "bumn", None),
    ("PT Pegadaian", "PT Pegadaian", "bumn", None),
    ("PT Bank Rakyat Indonesia (Persero) Tbk", "PT Bank Rakyat Indonesia (Persero) Tbk", "bumn", None),
    ("PT Kereta Commuter Indonesia", "PT Kereta Commuter Indonesia", "bumn", None),
    # national agencies outside the ministries (data/vocabularies/national_agencies.csv)
    ("BPOM", "Badan Pengawas Obat dan Makanan", "lembaga", None),
    ("Badan POM RI", "Badan Pengawas Obat dan Makanan", "lembaga", None),
    ("Ombudsman RI", "Ombudsman Republik Indonesia", "lembaga", None),
    ("Badan Kepegawaian Negara RI", "Badan Kepegawaian Negara", "lembaga", None),
    ("Badan Narkotika Nasional", "Badan Narkotika Nasional", "lembaga", None),
    ("BNN Kota Makassar", "Badan Narkotika Nasional", "lembaga", "BNN Kota Makassar"),
    ("Kantor Kementerian Agama Kabupaten Sinjai", "Kementerian Agama", "kementerian",
     "Kantor Kementerian Agama Kabupaten Sinjai"),
    # regional enterprises (data/vocabularies/regional_enterprises.csv)
    ("PT Jamkrida Jatim", "PT Jamkrida Jatim", "bumd", None),
    ("PT Transportasi Jakarta", "PT Transportasi Jakarta", "bumd", None),
    ("Bank Jatim", "Bank Jatim", "bumd", None),
    ("PERUMDA PASAR JAYA", "Perumda Pasar Jaya", "bumd", None),
    # network members JIPP counts
    ("Universitas Hasanuddin", "Universitas Hasanuddin", "perguruan_tinggi", None),
    ("UIN Alauddin Makassar", "UIN Alauddin Makassar", "perguruan_tinggi", None),
    ("POLITEKNIK NEGERI UJUNG PANDANG", "Politeknik Negeri Ujung Pandang", "perguruan_tinggi", None),
    ("Yayasan Kita Bisa", "Yayasan Kita Bisa", "lsm", None),
    ("LSM Lingkar Hijau", "LSM Lingkar Hijau", "lsm", None),
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
