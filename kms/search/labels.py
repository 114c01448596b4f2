"""Display labels for facet values (the values themselves stay canonical codes and keys)."""
from __future__ import annotations

from indexer.reference import agency_type_labels, award_labels, category_labels, sdg_labels, urusan_labels
from indexer.regions import gazetteer

STAGE_LABELS = {"inisiatif": "Inisiatif", "uji_coba": "Uji coba", "penerapan": "Penerapan"}
STATUS_LABELS = {"berlanjut": "Berlanjut", "berhenti": "Berhenti", "unknown": "Tidak diketahui"}
DIGITAL_LABELS = {"yes": "Ya", "no": "Tidak", "unknown": "Tidak diketahui"}
FACET_TITLES = {"province": "Provinsi", "regency": "Kabupaten/Kota", "year": "Tahun",
                "agency_type": "Jenis instansi", "sector": "Urusan", "category": "Kategori",
                "award": "Penghargaan", "sdg": "SDGs", "stage": "Tahapan", "status": "Status",
                "hub": "Sumber (hub)", "agency": "Instansi", "digital": "Digital"}


def facet_label(name: str, value: str) -> str:
    """Human label of a facet value, in Indonesian."""
    if name in ("province", "regency"):
        region = gazetteer().by_code.get(value)
        return region.name if region else value
    if name == "sector":
        return urusan_labels().get(value, value)
    if name == "award":
        return award_labels().get(value, value)
    if name == "sdg":
        label = sdg_labels().get(int(value)) if value.isdigit() else None
        return f"{value}. {label}" if label else value
    if name == "agency_type":
        return agency_type_labels().get(value, value)
    if name == "category":
        return category_labels().get(value, value)
    if name == "stage":
        return STAGE_LABELS.get(value, value)
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if name == "digital":
        return DIGITAL_LABELS.get(value, value)
    return value
