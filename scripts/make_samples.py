"""Write the bundled sample hub exports into data/samples (deterministic; seed fixed).

The samples imitate real exports: a JIPP Sulsel CSV in Windows-1252, a JIPPNas nested JSON,
a Kemendagri Inovasi Daerah XLSX, a LAN JSON Lines file with BPS codes, and PDF profiles
from JIPP Jatim. They carry the mess real data has, duplicates across hubs, look-alikes that
are not duplicates, and replications; data/samples/labels/ says which is which.

    python scripts/make_samples.py
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_archetypes import ARCHETYPES, CENTRAL  # noqa: E402
from sample_lookalikes import LOOKALIKES  # noqa: E402
from kms.schema import PROFILE_HEADINGS  # noqa: E402

from indexer.reference import read_csv  # noqa: E402

OUT = ROOT / "data" / "samples"
RNG = random.Random(20241026)
KECAMATAN = ["Tamalate", "Rappocini", "Panakkukang", "Bissappu", "Eremerasa", "Sinjai Utara",
             "Somba Opu", "Bontonompo", "Watampone", "Mandai", "Ujung", "Kota", "Barat", "Timur"]
SYLLABLES = ["SI", "PA", "KA", "TA", "MA", "NA", "RI", "LA", "DU", "BU", "JA", "GA", "SE", "TU",
             "MO", "RA", "DI", "PE", "SA", "KU"]
AWARDS_BY_YEAR = {2015: "Top 25/2015", 2016: "Top 35/2016", 2017: "Top 40/2017", 2018: "Top 40/2018",
                  2019: "Top 45/2019", 2020: "Top 45 KIPP 2020", 2021: "Top Inovasi Terpuji 2021",
                  2022: "Top 45 KIPP 2022", 2023: "Top 45/2023"}


def regions() -> dict[str, dict]:
    rows = read_csv(ROOT / "data" / "regions" / "wilayah_prov_kabkota_2025.csv")
    table = {}
    for row in rows:
        name = " ".join(row["nama"].split())
        kind = "provinsi" if "." not in row["kode"] else ("kota" if name.startswith("Kota") else "kabupaten")
        place = name.replace("Kabupaten ", "").replace("Kota Administrasi ", "").replace("Kota ", "") \
            if kind != "provinsi" else name
        table[row["kode"]] = dict(code=row["kode"], name=name, kind=kind, place=place,
                                  province=row["kode_prov"])
    return table


REGIONS = regions()
BPS_BY_KEMENDAGRI = {row["kemendagri_kode_2018"]: row["bps_code"]
                     for row in read_csv(ROOT / "data" / "regions" / "bps2018_crosswalk.csv")}


def acronym() -> str:
    return "".join(RNG.sample(SYLLABLES, RNG.choice([2, 3, 3])))


def sections(inst: dict) -> dict:
    a, place, unit = inst["arch"], inst["place"], inst["unit"]
    region = REGIONS[inst["region"]]["name"]
    title = inst["title"]
    opener = RNG.choice(["Inovasi", "Program", "Terobosan"])
    return {
        "summary": f"{title} adalah {opener.lower()} {unit}{' ' + region if unit.startswith('Puskesmas') else ''} untuk menjawab masalah {a['problem']}. "
                   f"Melalui {a['solution']}, {a['impact']}.",
        "background": f"Sebelum {opener.lower()} ini ada, {a['problem']}. Keluhan ini berulang kali "
                      f"disampaikan warga {place} dalam forum konsultasi publik dan survei kepuasan masyarakat.",
        "goals": f"Tujuannya adalah pelayanan yang lebih cepat, mudah dan adil bagi warga {place}, "
                 f"dengan {a['solution'].split(' sehingga ')[0]}.",
        "novelty": f"Kebaruan {title} terletak pada {a['solution']}. Pendekatan ini belum pernah "
                   f"diterapkan di {place} dan menggabungkan peran petugas dengan partisipasi warga.",
        "implementation": f"Inovasi dimulai tahun {inst['start_year']} dengan uji coba di dua kecamatan, lalu "
                          f"diperluas ke seluruh {place}. Petugas dilatih untuk melayani warga dengan "
                          f"standar pelayanan yang jelas dan hasilnya dipantau setiap bulan.",
        "impact": f"Hasilnya, {a['impact']}. Survei kepuasan masyarakat menunjukkan pelayanan "
                  f"yang lebih baik dan keluhan warga berkurang.",
        "adaptability": f"{title} mudah direplikasi karena hanya membutuhkan {a['resources']}. "
                        f"Beberapa daerah telah melakukan kunjungan belajar ke {place}.",
        "resources": f"Sumber daya yang digunakan: {a['resources']}.",
        "sustainability": f"Keberlanjutan inovasi dijamin karena {a['sustain']}.",
    }


def make_instance(uid: str, arch: dict, region_code: str, year: int, title: str | None = None) -> dict:
    region = REGIONS[region_code]
    acr = acronym()
    pattern = title or RNG.choice(arch["titles"])
    title = pattern.replace("{acr}", acr).replace("{place}", region["place"])
    unit = arch["unit"].replace("{kec}", RNG.choice(KECAMATAN))
    if unit.startswith("Puskesmas"):
        unit_full = unit
    else:
        unit_full = f"{unit} {'Kota' if region['kind'] == 'kota' else 'Kabupaten'} {region['place']}"
    inst = dict(uid=uid, arch=arch, region=region_code, place=region["place"], year=year,
                start_year=year - RNG.choice([1, 2, 3]), title=title, acr=acr, unit=unit_full,
                stage=RNG.choice(["penerapan"] * 5 + ["uji_coba", "inisiatif"]),
                digital=RNG.choice(["yes", "no"]), status=RNG.choice(["berlanjut"] * 6 + ["berhenti"]),
                award=None, innovator=RNG.choice(["dr. Andi Rahmawati", "Muhammad Ilham, S.Kom",
                                                  "Hj. Sitti Nurhaedah", "Ir. Budi Santoso", "Dewi Lestari, SKM",
                                                  "Yohanes Kambu", "Ni Made Sari", "La Ode Hamid"]),
                contact=f"inovasi.{region['place'].lower().replace(' ', '')}@example.go.id")
    if RNG.random() < 0.35 and year in AWARDS_BY_YEAR:
        inst["award"] = RNG.choice([AWARDS_BY_YEAR[year], f"TOP 99 KIPP {year}"]) if year <= 2021 \
            else AWARDS_BY_YEAR[year]
    inst["sections"] = sections(inst)
    inst["video"] = f"https://www.youtube.com/watch?v={uid.replace('-', '')[:11]}" if RNG.random() < 0.5 else ""
    return inst


def build_instances():
    sulsel = [c for c, r in REGIONS.items() if r["province"] == "73" and "." in c]
    jatim = [c for c, r in REGIONS.items() if r["province"] == "35" and "." in c]
    others = [c for c, r in REGIONS.items() if "." in c and r["province"] not in ("73", "35")]
    RNG.shuffle(others)
    national = others[:90] + ["96.01", "52.72", "36.74", "92.03", "72.04"]
    instances = []
    counter = 0
    for arch in ARCHETYPES:
        for home, pool, n in (("sulsel", sulsel, 3), ("national", national, 5), ("jatim", jatim, 1)):
            for region_code in RNG.sample(pool, n):
                counter += 1
                inst = make_instance(f"I{counter:03d}", arch, region_code, RNG.randint(2015, 2023))
                inst["home"] = home
                instances.append(inst)
    return instances


def add_lookalikes(instances):
    """Same title in two regencies; one agency with two different innovations."""
    kla = next(a for a in ARCHETYPES if a["key"] == "kla")
    out = []
    for code, title in (("73.03", "Kabupaten Layak Anak"), ("73.07", "Kabupaten Layak Anak"),
                        ("73.71", "Kota Layak Anak"), ("73.72", "Kota Layak Anak")):
        inst = make_instance(f"L{len(out) + 1:03d}", kla, code, 2019, title)
        inst["home"] = "sulsel"
        out.append(inst)
    return instances + out


def add_replications(instances):
    """Replicas that follow an original's text in another region; the real Sulsel examples first."""
    by_key = {a["key"]: a for a in ARCHETYPES}
    pairs = []
    saskia = make_instance("R001", by_key["disabilitas"], "73.03", 2017, "Bendera Saskia")
    saskia["unit"] = "Dinas Sosial Kabupaten Bantaeng"
    saskia["home"] = "sulsel"
    replica = make_instance("R002", by_key["disabilitas"], "73.71", 2020, "Saskia Peduli Disabilitas")
    replica["unit"] = "Puskesmas Kassi-Kassi Makassar"
    replica["home"] = "sulsel"
    kedung = make_instance("R003", by_key["perpus"], "73.71", 2016, "Kedungkelor (Kendaraan Dongeng Keliling)")
    kedung["unit"] = "Dinas Perpustakaan Kota Makassar"
    kedung["home"] = "sulsel"
    pusdongkel = make_instance("R004", by_key["perpus"], "73.07", 2019, "Pusdongkel (Pustaka Dongeng Keliling)")
    pusdongkel["home"] = "sulsel"
    made = [saskia, replica, kedung, pusdongkel]
    pairs += [("R001", "R002", "implementasi"), ("R003", "R004", "implementasi")]
    originals = [i for i in instances if i["home"] != "jatim"][::9][:8]
    for n, original in enumerate(originals, start=5):
        target = RNG.choice([c for c, r in REGIONS.items() if "." in c and c != original["region"]
                             and r["province"] == REGIONS[original["region"]]["province"]]
                            or ["73.06"])
        rep = make_instance(f"R{n:03d}", original["arch"], target, min(original["year"] + 2, 2024),
                            f"{original['title'].split(':')[0].split('(')[0].strip()} "
                            f"{REGIONS[target]['place']}")
        rep["home"] = original["home"]
        made.append(rep)
        pairs.append((original["uid"], rep["uid"], RNG.choice(["minat", "kesepakatan", "implementasi"])))
    # replicas follow the original's narrative, with their own place and a line naming it
    originals_by_uid = {i["uid"]: i for i in instances + made}
    for orig_uid, rep_uid, _stage in pairs:
        orig, rep = originals_by_uid[orig_uid], originals_by_uid[rep_uid]
        rep["sections"] = {k: v.replace(orig["place"], rep["place"]).replace(orig["title"], rep["title"])
                           for k, v in orig["sections"].items()}
        rep["sections"]["adaptability"] = (f"{rep['title']} merupakan replikasi dari inovasi "
                                           f"{orig['title']} ({REGIONS[orig['region']]['name']}). "
                                           + rep["sections"]["adaptability"])
        rep["replicates"] = orig_uid
    return instances + made, pairs


def agency_spelling(inst, style: str) -> str:
    region = REGIONS[inst["region"]]
    kind_word = "Kota" if region["kind"] == "kota" else "Kabupaten"
    short = "Pemkot" if region["kind"] == "kota" else "Pemkab"
    options = {
        "short": f"{short} {region['place']}",
        "long": f"Pemerintah {kind_word} {region['place']}",
        "upper": f"PEMERINTAH {kind_word.upper()} {region['place'].upper()}",
        "lower": f"pemerintah {kind_word.lower()} {region['place'].lower()}",
        "unit": inst["unit"],
        "padded": f"  Pemerintah {kind_word}  {region['place']} ",
    }
    return options[style]


def region_spelling(inst, style: str) -> str:
    region = REGIONS[inst["region"]]
    place = region["place"]
    if region["kind"] == "kota":
        options = {"plain": f"Kota {place}", "upper": f"KOTA {place.upper()}", "pad": f"  Kota {place}  ",
                   "bare": f"Kota {place}"}
    else:
        options = {"plain": f"Kabupaten {place}", "upper": f"KABUPATEN {place.upper()}",
                   "pad": f"  Kab. {place} ", "bare": place}
    special = {"73.10": "Kab. Pangkep", "73.72": "KOTA PARE-PARE", "74.72": "Kota Bau-Bau",
               "92.03": "Kab. Fakfak", "72.04": "Kab. Tolitoli", "96.01": "KAB. SORONG"}
    if inst["region"] in special and style != "plain":
        return special[inst["region"]]
    return options[style]


def html(text: str) -> str:
    parts = text.split(". ")
    return "".join(f'<p style="text-align:justify">{p.strip(".")}.&nbsp;</p>' for p in parts) + "<p>&nbsp;</p>"


def sdg_spelling(sdgs: list[int]) -> str:
    style = RNG.choice(["numbers", "sdg", "name"])
    if style == "numbers":
        return ", ".join(str(n) for n in sdgs[:-1]) + (" dan " if len(sdgs) > 1 else "") + str(sdgs[-1])
    if style == "sdg":
        return "; ".join(f"SDG {n}" for n in sdgs)
    names = {row["number"]: row["name_id"] for row in read_csv(ROOT / "data" / "vocabularies" / "sdgs.csv")}
    return ", ".join(names[str(n)] for n in sdgs)


STAGE_TEXT = {"penerapan": "Penerapan", "uji_coba": "Uji Coba", "inisiatif": "Inisiatif"}
SECTOR_NAMES = {row["key"]: row["name"] for row in
                read_csv(ROOT / "data" / "vocabularies" / "urusan_pemerintahan.csv")}


def title_variant(inst, hub_style: int) -> str:
    title = inst["title"]
    if hub_style == 0:
        return title
    choice = RNG.choice(["upper", "subtitle", "prefix", "same"])
    if choice == "upper":
        return title.upper()
    if choice == "subtitle":
        return f"{title} - Inovasi Pelayanan Publik {inst['place']}"
    if choice == "prefix":
        return f"Inovasi {title}"
    return title


def sulsel_rows(items):
    header = ["No", "Judul Inovasi", "Instansi", "Unit Penyelenggara", "Kabupaten/Kota", "Provinsi",
              "Tahun", "Tahun Mulai", "Urusan", "SDGs", "Penghargaan", "Tahapan", "Digital",
              "Status", "Inovator", "Kontak", "Ringkasan", "Latar Belakang", "Tujuan", "Kebaruan",
              "Manfaat", "Video", "Terakhir Diperbarui"]
    rows = []
    for n, (inst, dup) in enumerate(items, start=1):
        s = inst["sections"]
        summary = s["summary"].replace(" - ", " – ")
        if RNG.random() < 0.3:
            summary = html(summary)
        title = title_variant(inst, dup)
        if RNG.random() < 0.2:
            title = title.upper()
        rows.append([
            f"SS-{n:03d}", title,
            agency_spelling(inst, RNG.choice(["short", "long", "upper", "padded", "unit"])),
            inst["unit"], region_spelling(inst, RNG.choice(["plain", "upper", "pad", "bare"])),
            RNG.choice(["Sulawesi Selatan", "SULAWESI SELATAN", "Sulsel", "Prov. Sulawesi Selatan"]),
            inst["year"], inst["start_year"], SECTOR_NAMES[inst["arch"]["sector"]],
            sdg_spelling(inst["arch"]["sdgs"]), inst["award"] or RNG.choice(["Tidak Ada", "-", ""]),
            STAGE_TEXT[inst["stage"]], "Ya" if inst["digital"] == "yes" else "Tidak",
            "Berlanjut" if inst["status"] == "berlanjut" else "Vakum", inst["innovator"],
            inst["contact"], summary, s["background"].replace("forum", "“forum") + "”" if RNG.random() < 0.2
            else s["background"], s["goals"], s["novelty"] if RNG.random() < 0.8 else "",
            s["impact"] if RNG.random() < 0.7 else "", inst["video"],
            (dt.date(2024, 1, 1) + dt.timedelta(days=RNG.randint(0, 600))).strftime("%d/%m/%Y")])
    # the mess: a row with unquoted delimiters, one without a title, an unknown region
    broken = list(rows[5])
    broken[0], broken[1] = "SS-900", "Layanan Terpadu; Cepat; dan Mudah"
    rows.append(broken)
    empty = list(rows[6])
    empty[0], empty[1] = "SS-901", "   "
    rows.append(empty)
    unknown = list(rows[7])
    unknown[0], unknown[1], unknown[4] = "SS-902", "Sistem Informasi Posyandu Terpadu", "Kabupaten Antah Berantah"
    unknown[2] = "Dinas Kesehatan"
    rows.append(unknown)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if row[0] == "SS-900":
            buf.write(";".join(str(c).replace(";", ",") if i != 1 else c for i, c in enumerate(row)) + "\r\n")
        else:
            writer.writerow(row)
    (OUT / "jipp-sulsel.csv").write_bytes(buf.getvalue().encode("cp1252", errors="replace"))
    return [(row[0], inst["uid"]) for row, (inst, _) in zip(rows, items)] + [("SS-902", "X-SS-902")]


def jippnas_records(items):
    records = []
    for n, (inst, dup) in enumerate(items, start=1):
        s = inst["sections"]
        central = inst.get("central")
        region = REGIONS[inst["region"]]
        province = REGIONS[region["province"]]["name"]
        wilayah = {"provinsi": RNG.choice([province, province.upper()]),
                   "kabupaten_kota": region_spelling(inst, RNG.choice(["plain", "upper", "bare"]))}
        instansi = agency_spelling(inst, RNG.choice(["long", "short", "unit"])) if not central else central
        if not central and RNG.random() < 0.12:
            wilayah = {"provinsi": "", "kabupaten_kota": ""}
            instansi = inst["unit"] if "Puskesmas" not in inst["unit"] else agency_spelling(inst, "long")
        if inst["region"] == "73.71" and RNG.random() < 0.5:
            wilayah["provinsi"] = "South Sulawesi"
        narasi = {k: html(v) for k, v in s.items() if RNG.random() < 0.85 or k == "summary"}
        if dup:
            narasi["ringkasan"] = narasi.pop("summary", html(s["summary"]))
        else:
            narasi["ringkasan"] = narasi.pop("summary")
        names = {"background": "latar_belakang", "goals": "tujuan", "novelty": "kebaruan",
                 "implementation": "implementasi", "impact": "evaluasi_dampak",
                 "adaptability": "adaptasi_replikasi", "resources": "sumber_daya",
                 "sustainability": "keberlanjutan"}
        narasi = {names.get(k, k): v for k, v in narasi.items()}
        records.append({
            "kode_registrasi": f"JIPP-{inst['year']}-{n:04d}",
            "tahun": inst["year"],
            "profil": {"judul": title_variant(inst, dup), "jenis_inovasi": RNG.choice(["Digital", "Non Digital"]),
                       "kategori": RNG.choice(["Tata Kelola Pemerintahan", "Pelayanan Publik", "Kesehatan",
                                               "Pemberdayaan Masyarakat"]),
                       "urusan": SECTOR_NAMES[inst["arch"]["sector"]]},
            "instansi": {"nama": instansi, "upp": inst["unit"]},
            "wilayah": wilayah,
            "narasi": narasi,
            "sdgs": [RNG.choice([f"TPB {n}", f"Tujuan {n}", f"SDG {n}"]) for n in inst["arch"]["sdgs"]],
            "penghargaan": inst["award"] or "Tidak Ada",
            "tahun_implementasi": str(inst["start_year"]),
            "inovator": {"nama": inst["innovator"]},
            "kontak": inst["contact"],
            "video": inst["video"],
            "foto": [{"url": f"https://jippnas.example.go.id/foto/{inst['uid']}-{k}.jpg"}
                     for k in range(RNG.randint(0, 3))],
            "status_keberlanjutan": RNG.choice(["Berlanjut", "Berlanjut dengan pengembangan"])
            if inst["status"] == "berlanjut" else "Berhenti",
            "tahapan": STAGE_TEXT[inst["stage"]],
            "terakhir_diperbarui": (dt.date(2023, 6, 1) + dt.timedelta(days=RNG.randint(0, 700))).isoformat(),
        })
    records.append({"kode_registrasi": "JIPP-2020-9999", "tahun": 2020,
                    "profil": {"judul": "Layanan Samsat Keliling Pulau", "urusan": "Keuangan"},
                    "instansi": {"nama": "Badan Pendapatan Daerah"}, "wilayah": {"provinsi": "Atlantis",
                                                                              "kabupaten_kota": ""},
                    "narasi": {"ringkasan": "<p>Samsat keliling antar pulau.</p>"}, "sdgs": ["SDG 16"],
                    "penghargaan": "Tidak Ada"})
    doc = {"sumber": "JIPPNas KemenPAN-RB", "diekspor": "2025-01-15T08:00:00+07:00",
           "data": {"jumlah": len(records), "inovasi": records}}
    (OUT / "jippnas.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return [(r["kode_registrasi"], inst["uid"]) for r, (inst, _) in zip(records, items)] + \
        [("JIPP-2020-9999", "X-JIPP-9999")]


def iid_workbook(items):
    from openpyxl import Workbook

    header = ["no", "judul_inovasi", "pemda", "admin_opd", "inisiator", "nama_inisiator", "bentuk_inovasi",
              "jenis", "asta_cipta", "urusan_utama", "urusan_lain_yang_beririsan", "kematangan",
              "label_kematangan", "tahapan_inovasi", "tanggal_input", "tanggal_pengembangan",
              "tanggal_penerapan", "video", "link_video", "lat", "lon", "deskripsi"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Inovasi Daerah"
    ws.append(["Data Inovasi Daerah - Kementerian Dalam Negeri (ekspor 2025)"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([])
    ws.append(header)
    ids = []
    for n, (inst, dup) in enumerate(items, start=1):
        region = REGIONS[inst["region"]]
        pemda = (f"Kota {region['place']}" if region["kind"] == "kota" else f"Kab. {region['place']}")
        if region["province"] == "73" and RNG.random() < 0.3:
            pemda = pemda.upper()
        input_date = dt.datetime(inst["year"], RNG.randint(1, 12), RNG.randint(1, 28))
        ws.append([n, title_variant(inst, dup), pemda, inst["unit"], RNG.choice(["OPD", "Kepala Daerah", "ASN"]),
                   inst["innovator"], RNG.choice(["Inovasi pelayanan publik", "Inovasi tata kelola"]),
                   "Digital" if inst["digital"] == "yes" else "Non Digital", "",
                   SECTOR_NAMES[inst["arch"]["sector"]], "", RNG.randint(40, 120),
                   RNG.choice(["Sangat Inovatif", "Inovatif", "Kurang Inovatif"]),
                   STAGE_TEXT[inst["stage"]], input_date, dt.datetime(inst["start_year"], 3, 1),
                   dt.datetime(inst["year"], 7, 1), "Ada" if inst["video"] else "Tidak Ada", inst["video"],
                   -5.1 + RNG.random(), 119.4 + RNG.random(),
                   inst["sections"]["summary"] + " " + inst["sections"]["impact"]])
        ids.append((str(n), inst["uid"]))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    wb.save(OUT / "inovasi-daerah.xlsx")
    return ids


def lan_lines(items):
    lines = []
    for n, (inst, dup) in enumerate(items, start=1):
        region = REGIONS[inst["region"]]
        bps = BPS_BY_KEMENDAGRI.get(inst["region"], "")
        if inst["region"] == "96.01":
            bps = "9107"
        s = inst["sections"]
        record = {"id": f"LAN-{n:05d}", "nama_inovasi": title_variant(inst, dup),
                  "produk_inovasi": RNG.choice(["Aplikasi", "Metode kerja", "Layanan"]),
                  "penggagas": inst["innovator"],
                  "nama_instansi": agency_spelling(inst, RNG.choice(["short", "long", "lower"]))
                  if not inst.get("central") else inst["central"],
                  "unit_instansi": inst["unit"],
                  "provinsi": REGIONS[region["province"]]["name"].upper(), "kabkota": bps,
                  "tahun_inisiasi": inst["start_year"], "tahun_implementasi": inst["year"],
                  "kategori": "Inovasi Pelayanan Publik", "jenis_inovasi": "Digital" if inst["digital"] == "yes"
                  else "Non Digital", "kelompok_inovator": "ASN",
                  "deskripsi": html(s["summary"]), "faktor_pendorong": s["background"],
                  "faktor_penghambat": "Keterbatasan anggaran dan jaringan internet.",
                  "tahapan_proses": s["implementation"], "output": "", "outcome": s["impact"],
                  "manfaat": s["impact"], "prasyarat_replikasi": s["adaptability"],
                  "sumber": "Laboratorium Inovasi LAN"}
        lines.append(json.dumps(record, ensure_ascii=False))
    lines.insert(7, '{"id": "LAN-09999", "nama_inovasi": "Rekaman Terpotong", "deskripsi": ')
    (OUT / "lan-inovasi.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [(f"LAN-{n:05d}", inst["uid"]) for n, (inst, _) in enumerate(items, start=1)]


def pdf_profiles(items):
    from fpdf import FPDF

    folder = OUT / "jipp-jatim"
    folder.mkdir(parents=True, exist_ok=True)
    # the hub's own spellings, from the one heading table (its "/" forms where it has them)
    headings = [(field, next((h for h in spellings if "/" in h), spellings[0]))
                for field, spellings in PROFILE_HEADINGS.items()]
    ids = []
    for n, (inst, dup) in enumerate(items, start=1):
        pdf = FPDF()
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, title_variant(inst, dup), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 10)
        region = REGIONS[inst["region"]]
        for label, value in (("Nomor Registrasi", f"JTM-{inst['year']}-{n:03d}"),
                             ("Instansi", agency_spelling(inst, "long")), ("Unit", inst["unit"]),
                             ("Wilayah", f"{region['name']}, Jawa Timur"), ("Tahun", str(inst["year"])),
                             ("Penghargaan", inst["award"] or "Tidak Ada"),
                             ("Urusan", SECTOR_NAMES[inst["arch"]["sector"]])):
            pdf.multi_cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        for key_name, heading in headings:
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5.5, inst["sections"][key_name], new_x="LMARGIN", new_y="NEXT")
        name = f"profil-{n:02d}.pdf"
        pdf.output(str(folder / name))
        ids.append((f"JTM-{inst['year']}-{n:03d}", inst["uid"], name))
    return ids


def central_instances():
    out = []
    for n, (spelling, _name, sector, sdgs, title, problem, solution) in enumerate(CENTRAL, start=1):
        arch = dict(key=f"central{n}", sector=sector, sdgs=sdgs, unit=spelling, titles=[title],
                    problem=problem, solution=solution,
                    impact="jutaan warga terlayani lebih cepat dan biaya pelayanan turun",
                    resources="aplikasi nasional, petugas di daerah dan anggaran kementerian",
                    sustain="menjadi layanan resmi nasional")
        inst = make_instance(f"C{n:03d}", arch, "73.06" if "Gowa" in spelling else "31.71",
                             RNG.randint(2016, 2022), title)
        inst["central"] = spelling
        inst["unit"] = spelling
        inst["home"] = "central"
        out.append(inst)
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "labels").mkdir(exist_ok=True)
    instances = add_lookalikes(build_instances())
    instances, pairs = add_replications(instances)
    instances += central_instances()
    hubs = {"sulsel": [], "jippnas": [], "iid": [], "lan": [], "pdf": []}
    for inst in instances:
        home = inst["home"]
        roll = RNG.random()
        if home == "sulsel":
            hubs["sulsel"].append((inst, 0))
            if inst["uid"].startswith("L") or inst.get("replicates") or inst["uid"] in ("R001", "R003"):
                continue
            if roll < 0.3:
                hubs["jippnas"].append((inst, 1))
            elif roll < 0.5:
                hubs["iid"].append((inst, 1))
        elif home == "central":
            hubs["jippnas"].append((inst, 0))
            if inst["uid"] == "C004":
                hubs["lan"].append((inst, 1))
        elif home == "jatim":
            if len(hubs["pdf"]) < 6:
                hubs["pdf"].append((inst, 0))
                if len(hubs["pdf"]) <= 2:
                    hubs["jippnas"].append((inst, 1))
            else:
                hubs["iid"].append((inst, 0))
        else:
            target = "jippnas" if roll < 0.45 else ("iid" if roll < 0.8 else "lan")
            hubs[target].append((inst, 0))
            if RNG.random() < 0.15:
                other = RNG.choice([h for h in ("jippnas", "iid", "lan") if h != target])
                hubs[other].append((inst, 1))
    labels = []
    labels += [("jipp-sulsel", sid, uid) for sid, uid in sulsel_rows(hubs["sulsel"])]
    labels += [("jippnas", sid, uid) for sid, uid in jippnas_records(hubs["jippnas"])]
    labels += [("inovasi-daerah", sid, uid) for sid, uid in iid_workbook(hubs["iid"])]
    labels += [("lan", sid, uid) for sid, uid in lan_lines(hubs["lan"])]
    labels += [("jipp-jatim", sid, uid) for sid, uid, _ in pdf_profiles(hubs["pdf"])]
    with open(OUT / "labels" / "same_innovation.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hub", "source_id", "innovation"])
        writer.writerows(labels)
    by_uid = {i["uid"]: i for i in instances}
    with open(OUT / "labels" / "replications.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["original", "original_title", "replica", "replica_title", "stage"])
        for orig, rep, stage in pairs:
            writer.writerow([orig, by_uid[orig]["title"], rep, by_uid[rep]["title"], stage])
    lookalike_labels = append_lookalikes()
    with open(OUT / "labels" / "same_innovation.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lookalike_labels)
    write_similar_labels(pairs)
    write_replication_export(labels, pairs, by_uid)
    counts = {k: len(v) for k, v in hubs.items()}
    print(f"{len(instances)} innovations; rows per hub: {counts}; total rows {sum(counts.values())}")


def append_lookalikes() -> list[tuple[str, str, str]]:
    """Add the hand-written look-alikes to the JIPPNas export (after every other file is written,
    so nothing else changes) and answer their same-innovation labels."""
    path = OUT / "jippnas.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    labels = []
    for n, item in enumerate(LOOKALIKES, start=1):
        region = REGIONS[item["region"]]
        code = f"JIPP-{item['year']}-A{n:03d}"
        doc["data"]["inovasi"].append({
            "kode_registrasi": code, "tahun": item["year"],
            "profil": {"judul": item["title"], "jenis_inovasi": "Non Digital",
                       "kategori": "Pelayanan Publik", "urusan": SECTOR_NAMES[item["sector_key"]]},
            "instansi": {"nama": item["agency"], "upp": item["unit"]},
            "wilayah": {"provinsi": REGIONS[region["province"]]["name"], "kabupaten_kota": region["name"]},
            "narasi": {"ringkasan": html(item["summary"]), "latar_belakang": item["background"],
                       "kebaruan": item["novelty"], "evaluasi_dampak": item["impact"]},
            "sdgs": [f"SDG {k}" for k in item["sdgs"]], "penghargaan": "Tidak Ada",
            "tahun_implementasi": str(item["year"] - 1), "kontak": "",
            "status_keberlanjutan": "Berlanjut", "tahapan": "Penerapan",
            "terakhir_diperbarui": f"{item['year'] + 1}-03-01",
        })
        labels.append(("jippnas", code, item["uid"]))
    doc["data"]["jumlah"] = len(doc["data"]["inovasi"])
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels


def write_similar_labels(pairs) -> None:
    """The similar-innovations evaluation set: true replications, and look-alikes of originals."""
    with open(OUT / "labels" / "similar.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["anchor", "other", "relation", "kind"])
        for original, replica, _stage in pairs:
            writer.writerow([original, replica, "replica", "replication"])
        for item in LOOKALIKES:
            writer.writerow([item["anchor"], item["uid"], "lookalike", item["kind"]])


def write_replication_export(labels, pairs, by_uid) -> None:
    """The Sulsel hub's "Replikasi Inovasi" export: the two real pairs by the hub's own numbers,
    one pair named by title only, and one row naming a record the hub never sent."""
    sulsel = {uid: sid for hub, sid, uid in labels if hub == "jipp-sulsel"}
    stages = {(o, r): st for o, r, st in pairs}
    header = ["No", "No Inovasi Asal", "Inovasi Asal", "Instansi Asal", "No Inovasi Replikasi",
              "Inovasi Replikasi", "Instansi Replikasi", "Tahap", "Tanggal Minat",
              "Tanggal Kesepakatan", "Tanggal Implementasi"]
    rows = [
        ["1", sulsel["R001"], by_uid["R001"]["title"], "Dinas Sosial Kabupaten Bantaeng", sulsel["R002"],
         by_uid["R002"]["title"], "Puskesmas Kassi-Kassi Makassar", "Implementasi", "12/03/2019",
         "05/08/2019", "02/01/2020"],
        ["2", sulsel["R003"], by_uid["R003"]["title"], "Dinas Perpustakaan Kota Makassar", sulsel["R004"],
         by_uid["R004"]["title"], "Dinas Perpustakaan Kabupaten Sinjai", "Implementasi", "2018-02-10",
         "2018-06-20", "2019-01-15"],
        ["3", "", by_uid["I021"]["title"], "", sulsel["R007"], by_uid["R007"]["title"], "",
         stages[("I021", "R007")].title(), "2021-04-01", "2021-09-30", ""],
        ["4", "SS-999", "Inovasi Yang Tidak Pernah Dikirim", "", sulsel["R002"], by_uid["R002"]["title"],
         "", "Minat", "2022-01-10", "", ""],
    ]
    handle = io.StringIO()
    writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    (OUT / "jipp-sulsel-replikasi.csv").write_text(handle.getvalue(), encoding="cp1252")


if __name__ == "__main__":
    main()
