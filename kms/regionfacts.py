"""Facts about regions for the statistics: population and area (cahyadsn/wilayah: population
from Kemendagri, area from BIG, 2024), the BPS 2018 code beside the Kemendagri one, and the
regencies of each province. Codes in the source tables are float-mangled in places ("11.1" is
11.10, "31.00" is 31); they are read back to dotted 2025 codes here."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from indexer.reference import REGIONS_DIR, read_csv
from indexer.regions import gazetteer

POPULATION_SOURCE = "Kemendagri (Dukcapil), via cahyadsn/wilayah (2025 edition; the source states no year)"
AREA_SOURCE = "Badan Informasi Geospasial, surat B-16.10/DIGD-BIG/IGD.04.04/12/2024, via cahyadsn/wilayah"


@dataclass(frozen=True)
class Facts:
    code: str
    name: str
    level: str                  # province | regency
    province_code: str
    bps_code: str | None        # BPS 2018 (none for the provinces and regencies created since)
    population: int | None
    area_km2: float | None


def _dotted(raw: str) -> str:
    raw = raw.strip()
    if "." not in raw:
        return raw
    province, rest = raw.split(".", 1)
    if rest.strip("0") == "":
        return province                  # "31.00": the province
    return f"{province}.{rest.ljust(2, '0')}"   # "11.1": 11.10


@cache
def region_facts() -> dict[str, Facts]:
    """Dotted 2025 code -> Facts, for every province and regency of the gazetteer."""
    population = {_dotted(r["kode"]): int(r["total"]) for r in read_csv(REGIONS_DIR / "wilayah_penduduk.csv")
                  if r["total"].strip()}
    area = {_dotted(r["kode"]): float(r["luas_km2"]) for r in read_csv(REGIONS_DIR / "wilayah_luas.csv")
            if r["luas_km2"].strip()}
    places = gazetteer()
    bps = {code: bps_code for bps_code, code in places.bps_regency.items()}
    bps.update({code: bps_code for bps_code, code in places.bps_province.items()})
    return {code: Facts(code, region.name, region.level, region.province_code, bps.get(code),
                        population.get(code), area.get(code))
            for code, region in places.by_code.items()}


def national_population() -> int:
    return sum(f.population or 0 for f in region_facts().values() if f.level == "province")


@cache
def regencies_of() -> dict[str, tuple[str, ...]]:
    """Province code -> its regency codes (2025)."""
    out: dict[str, list[str]] = {}
    for facts in region_facts().values():
        if facts.level == "regency":
            out.setdefault(facts.province_code, []).append(facts.code)
    return {code: tuple(sorted(codes)) for code, codes in out.items()}


def provinces() -> list[Facts]:
    return sorted((f for f in region_facts().values() if f.level == "province"), key=lambda f: f.code)


def regencies() -> list[Facts]:
    return sorted((f for f in region_facts().values() if f.level == "regency"), key=lambda f: f.code)
