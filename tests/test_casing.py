"""Titles kept as written, or re-cased with their acronyms when a hub sent one case only."""
import pytest

from indexer.casing import smart_title

TITLES = [
    # mixed case: exactly as written
    ("Gerakan Bersama (SIPP) untuk Warga", "Gerakan Bersama (SIPP) untuk Warga"),
    ("e-Budgeting Kota Surabaya", "e-Budgeting Kota Surabaya"),
    ("SiCantik: Sistem Informasi Cerdas", "SiCantik: Sistem Informasi Cerdas"),
    ("Layanan KTP-el Jemput Bola", "Layanan KTP-el Jemput Bola"),
    ("LAPOR! Layanan Aspirasi dan Pengaduan Online Rakyat", "LAPOR! Layanan Aspirasi dan Pengaduan Online Rakyat"),
    # all upper case: re-cased, acronyms kept
    ("PELAYANAN KK DAN NIK (SIPP) DI KELURAHAN/DESA", "Pelayanan KK dan NIK (SIPP) di Kelurahan/Desa"),
    ("“SIPANDU” SISTEM PELAYANAN TERPADU", "“Sipandu” Sistem Pelayanan Terpadu"),
    ("INOVASI E-KTP KELILING", "Inovasi e-KTP Keliling"),
    ("PEMBUATAN KTP-EL DAN AKTA KELAHIRAN", "Pembuatan KTP-el dan Akta Kelahiran"),
    ("BANK SAMPAH DIGITAL", "Bank Sampah Digital"),
    ("PUSKESMAS KELILING UNTUK WARGA RT/RW", "Puskesmas Keliling untuk Warga RT/RW"),
    ("LAYANAN BUS SEKOLAH GRATIS", "Layanan Bus Sekolah Gratis"),
    ("PELAYANAN PDAM TIRTA DAERAH", "Pelayanan PDAM Tirta Daerah"),
    ("SMART VILLAGE BERBASIS IOT", "Smart Village Berbasis IoT"),
    ("GERAKAN BPBD SIAGA BENCANA", "Gerakan BPBD Siaga Bencana"),
    ("APLIKASI SI-CANTIK DINKES", "Aplikasi Si-Cantik Dinkes"),
    ("PENINGKATAN KUALITAS SDM ASN MELALUI E-LEARNING", "Peningkatan Kualitas SDM ASN melalui e-Learning"),
    ("PT XYZ (PERSERO) TBK", "PT XYZ (Persero) Tbk"),
    # all lower case
    ("layanan bpjs kesehatan di rsud kota", "Layanan BPJS Kesehatan di RSUD Kota"),
    ("posyandu remaja desa", "Posyandu Remaja Desa"),
]


@pytest.mark.parametrize("written, shown", TITLES)
def test_titles_keep_their_case_or_are_recased_with_acronyms(written, shown):
    assert smart_title(written) == shown


def test_a_word_in_capitals_inside_mixed_case_text_is_never_lowered():
    assert smart_title("Program Kampung KB Sehat") == "Program Kampung KB Sehat"
    assert smart_title("Program SEHAT Bersama") == "Program SEHAT Bersama"
