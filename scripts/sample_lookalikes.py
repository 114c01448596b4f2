"""Adversarial look-alikes for the similar-innovations evaluation (hand-written, Indonesian).

Each one is built to look like a known original without being its replication:
  same_words_other_service      the same problem words, for a different public service
  same_agency_other_innovation  the same agency (and often unit), a different innovation
  same_title_other_sector       the original's title or name, in another sector
They are appended to the JIPPNas sample export; data/samples/labels/similar.csv says which
original each one imitates.
"""

LOOKALIKES = [
    # -- Bendera Saskia (R001): disability outreach, Dinas Sosial Kabupaten Bantaeng -------------
    dict(uid="A001", anchor="R001", kind="same_words_other_service", region="73.04", year=2019,
         title="Penanda Rumah Wajib Pajak Jeneponto",
         agency="Pemerintah Kabupaten Jeneponto", unit="Badan Pendapatan Daerah Kabupaten Jeneponto",
         sdgs=[16],
         summary="Pendataan wajib pajak bumi dan bangunan dengan penanda rumah dan layanan jemput bola "
                 "agar petugas pajak mudah menjangkau rumah warga yang belum membayar.",
         background="Banyak wajib pajak sulit dijangkau dan data objek pajak tidak mutakhir sehingga "
                    "penerimaan pajak daerah rendah.",
         novelty="Stiker penanda di rumah wajib pajak memuat kode objek pajak yang dipindai petugas.",
         impact="Penerimaan pajak bumi dan bangunan naik 18 persen dan tunggakan berkurang.",
         sector_key="keuangan"),
    dict(uid="A002", anchor="R001", kind="same_agency_other_innovation", region="73.03", year=2018,
         title="Lumbung Pangan Keluarga Miskin Bantaeng", agency="Pemerintah Kabupaten Bantaeng",
         unit="Dinas Sosial Kabupaten Bantaeng", sdgs=[1, 2], sector_key="sosial",
         summary="Dinas Sosial Kabupaten Bantaeng membangun lumbung beras desa yang menyalurkan "
                 "cadangan pangan kepada keluarga miskin saat paceklik.",
         background="Keluarga miskin di desa pegunungan kekurangan beras pada musim paceklik.",
         novelty="Lumbung dikelola kelompok tani dan diisi dari hasil panen bersama.",
         impact="Tidak ada lagi keluarga yang kekurangan pangan selama musim paceklik."),
    dict(uid="A003", anchor="R001", kind="same_title_other_sector", region="73.02", year=2019,
         title="Bendera Saskia Bulukumba: Sadar Kebersihan Sungai", agency="Pemerintah Kabupaten Bulukumba",
         unit="Dinas Lingkungan Hidup Kabupaten Bulukumba", sdgs=[6], sector_key="lingkungan_hidup",
         summary="Bendera hijau dipasang di desa yang sungainya bebas sampah; desa lain terdorong "
                 "membersihkan sungai agar mendapat bendera.",
         background="Sungai di Bulukumba tercemar sampah rumah tangga dan limbah pasar.",
         novelty="Lomba kebersihan sungai antardesa dengan penghargaan bendera.",
         impact="Dua puluh desa membersihkan sungai dan membangun tempat sampah terpilah."),
    # -- Kedungkelor (R003): mobile storytelling library, Dinas Perpustakaan Kota Makassar -----
    dict(uid="A004", anchor="R003", kind="same_words_other_service", region="73.72", year=2018,
         title="Dongeng Keliling Imunisasi Parepare", agency="Pemerintah Kota Parepare",
         unit="Dinas Kesehatan Kota Parepare", sdgs=[3], sector_key="kesehatan",
         summary="Kader kesehatan berkeliling dengan kendaraan dan mendongeng di sekolah dan desa "
                 "untuk mengajak orang tua membawa anak ke imunisasi.",
         background="Cakupan imunisasi dasar anak rendah karena orang tua takut efek samping vaksin.",
         novelty="Dongeng dan boneka tangan menjelaskan imunisasi kepada anak dan orang tua.",
         impact="Cakupan imunisasi dasar lengkap naik dari 70 persen menjadi 92 persen."),
    dict(uid="A005", anchor="R003", kind="same_agency_other_innovation", region="73.71", year=2019,
         title="Arsip Digital Kelurahan Makassar", agency="Pemerintah Kota Makassar",
         unit="Dinas Perpustakaan Kota Makassar", sdgs=[16], sector_key="kearsipan",
         summary="Dinas Perpustakaan Kota Makassar memindai arsip kelurahan dan menyimpannya dalam "
                 "sistem arsip digital yang dapat dicari.",
         background="Arsip kelurahan rusak dan hilang karena disimpan di gudang yang lembap.",
         novelty="Arsip dipindai dan diberi metadata sehingga surat lama dapat dicari dalam hitungan detik.",
         impact="Lima puluh ribu lembar arsip terselamatkan dan waktu pencarian surat berkurang."),
    dict(uid="A006", anchor="R003", kind="same_title_other_sector", region="73.13", year=2020,
         title="Kedungkelor Wajo (Kendaraan Dagang Keliling)", agency="Pemerintah Kabupaten Wajo",
         unit="Dinas Perdagangan Kabupaten Wajo", sdgs=[8], sector_key="perdagangan",
         summary="Kendaraan dagang keliling membawa bahan pokok murah ke desa yang jauh dari pasar.",
         background="Harga bahan pokok di desa terpencil jauh lebih mahal daripada di pasar kota.",
         novelty="Operasi pasar keliling terjadwal dengan harga yang sama dengan pasar kota.",
         impact="Selisih harga beras dan minyak goreng di desa terpencil turun separuh."),
    # -- KUNA (I001): online patient queue at a puskesmas, Tana Toraja ------------------------
    dict(uid="A007", anchor="I001", kind="same_words_other_service", region="73.26", year=2023,
         title="Antrian Online Samsat Toraja Utara", agency="Pemerintah Provinsi Sulawesi Selatan",
         unit="UPT Pendapatan Wilayah Toraja Utara", sdgs=[16], sector_key="keuangan",
         summary="Pendaftaran dan antrian wajib pajak kendaraan secara daring melalui aplikasi dan "
                 "pesan singkat sehingga warga datang ke kantor Samsat sesuai jadwal.",
         background="Antrian wajib pajak di kantor Samsat mengular sejak subuh dan warga menunggu berjam-jam.",
         novelty="Nomor antrian dan jadwal kedatangan dikirim lewat pesan singkat.",
         impact="Waktu tunggu pembayaran pajak kendaraan turun dari dua jam menjadi dua puluh menit."),
    dict(uid="A008", anchor="I001", kind="same_agency_other_innovation", region="73.18", year=2023,
         title="Posbindu Lansia Eremerasa", agency="Pemerintah Kabupaten Tana Toraja",
         unit="Puskesmas Eremerasa", sdgs=[3], sector_key="kesehatan",
         summary="Pos pembinaan terpadu memeriksa tekanan darah dan gula darah warga lanjut usia "
                 "setiap bulan di gereja dan balai desa.",
         background="Banyak warga lanjut usia menderita hipertensi dan diabetes tanpa mengetahuinya.",
         novelty="Pemeriksaan dilakukan selepas ibadah sehingga lansia tidak perlu datang ke puskesmas.",
         impact="Seribu lansia diperiksa dan kasus stroke baru berkurang."),
    dict(uid="A009", anchor="I001", kind="same_title_other_sector", region="73.16", year=2023,
         title="KUNA: Kartu Usaha Nelayan Andalan", agency="Pemerintah Kabupaten Enrekang",
         unit="Dinas Perikanan Kabupaten Enrekang", sdgs=[14], sector_key="kelautan_perikanan",
         summary="Kartu usaha nelayan memudahkan nelayan kecil mendapat bahan bakar bersubsidi dan "
                 "asuransi nelayan.",
         background="Nelayan kecil tidak terdata sehingga tidak mendapat bahan bakar bersubsidi.",
         novelty="Satu kartu untuk pendataan, subsidi bahan bakar dan asuransi.",
         impact="Tiga ribu nelayan terdaftar dan menerima asuransi."),
    # -- JASINA (I021): child nutrition house --------------------------------------------------
    dict(uid="A010", anchor="I021", kind="same_words_other_service", region="73.17", year=2021,
         title="Rumah Gizi Ternak Sehat Luwu", agency="Pemerintah Kabupaten Luwu",
         unit="Dinas Peternakan Kabupaten Luwu", sdgs=[2], sector_key="pertanian",
         summary="Pendampingan gizi ternak oleh kader peternak, pemberian pakan tambahan lokal dan "
                 "pemantauan tumbuh kembang sapi.",
         background="Sapi peternak kecil kurus dan lambat tumbuh karena pakan kurang bergizi.",
         novelty="Kader peternak menimbang sapi setiap bulan dan mencatat pertumbuhannya.",
         impact="Bobot sapi saat dijual naik rata-rata 40 kilogram."),
    dict(uid="A011", anchor="I021", kind="same_title_other_sector", region="73.22", year=2021,
         title="JASINA: Jaringan Siaga Bencana", agency="Pemerintah Kabupaten Luwu Utara",
         unit="Badan Penanggulangan Bencana Daerah Kabupaten Luwu Utara", sdgs=[11, 13],
         sector_key="trantibum_linmas",
         summary="Jaringan relawan desa siaga bencana yang mengirim peringatan dini banjir bandang "
                 "lewat radio dan pesan singkat.",
         background="Banjir bandang datang tanpa peringatan dan menelan korban jiwa.",
         novelty="Relawan di hulu sungai memantau curah hujan dan mengirim peringatan ke hilir.",
         impact="Warga sempat mengungsi sebelum banjir bandang berikutnya datang."),
]
