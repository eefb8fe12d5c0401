-- Local Database, schema 2: retur (RK/RM) and dokumen lain (DK/DM), as imported from DJP's CSV
-- shapes (domain reference §7.4-§7.5). Amounts are whole rupiah; dates ISO-8601 TEXT.

-- A retur returns (part of) one faktur in force. The faktur cannot be deleted while a retur
-- names it (DJP: "Data digunakan sebagai referensi").
CREATE TABLE retur (
    id              INTEGER PRIMARY KEY,
    jenis           TEXT NOT NULL CHECK (jenis IN ('keluaran', 'masukan')),
    faktur_id       INTEGER NOT NULL REFERENCES faktur (id),
    lawan_npwp      TEXT NOT NULL,
    lawan_nama      TEXT NOT NULL CHECK (lawan_nama <> '' AND length(lawan_nama) <= 255),
    -- The returned faktur as the row names it (kept for the export).
    kode_transaksi  INTEGER NOT NULL CHECK (kode_transaksi BETWEEN 1 AND 10),
    fg_pengganti    INTEGER NOT NULL CHECK (fg_pengganti IN (0, 1)),
    nsfp            TEXT NOT NULL CHECK (length(nsfp) = 13),
    tanggal_faktur  TEXT NOT NULL,
    dikreditkan     INTEGER CHECK (dikreditkan IN (0, 1)),
    nomor_retur     TEXT NOT NULL CHECK (nomor_retur <> '' AND length(nomor_retur) <= 255),
    tanggal_retur   TEXT NOT NULL,
    masa            INTEGER NOT NULL CHECK (masa BETWEEN 1 AND 12),
    tahun           INTEGER NOT NULL CHECK (tahun BETWEEN 2000 AND 2099),
    nilai_dpp       INTEGER NOT NULL CHECK (nilai_dpp >= 0),
    nilai_ppn       INTEGER NOT NULL CHECK (nilai_ppn >= 0),
    nilai_ppnbm     INTEGER NOT NULL CHECK (nilai_ppnbm >= 0),
    status_approval TEXT NOT NULL DEFAULT 'draft'
        CHECK (status_approval = 'draft' OR status_approval = 'siap_upload'
            OR status_approval = 'dalam_proses' OR status_approval = 'approval_sukses'
            OR status_approval = 'reject'),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((jenis = 'masukan') = (dikreditkan IS NOT NULL))
);
-- A retur number is registered once per counterparty (ETAX-30030).
CREATE UNIQUE INDEX retur_nomor ON retur (jenis, lawan_npwp, nomor_retur);
CREATE INDEX retur_masa ON retur (jenis, tahun, masa);
CREATE INDEX retur_faktur ON retur (faktur_id);

CREATE TABLE dokumen_lain (
    id                   INTEGER PRIMARY KEY,
    jenis                TEXT NOT NULL CHECK (jenis IN ('keluaran', 'masukan')),
    jenis_transaksi      INTEGER NOT NULL CHECK (jenis_transaksi BETWEEN 0 AND 99),
    jenis_dokumen        INTEGER NOT NULL CHECK (jenis_dokumen BETWEEN 0 AND 99),
    kd_jns_transaksi     INTEGER NOT NULL CHECK (kd_jns_transaksi BETWEEN 0 AND 99),
    fg_pengganti         INTEGER NOT NULL CHECK (fg_pengganti IN (0, 1)),
    nomor_dok_lain_ganti TEXT NOT NULL DEFAULT '' CHECK (length(nomor_dok_lain_ganti) <= 255),
    nomor_dok_lain       TEXT NOT NULL CHECK (nomor_dok_lain <> '' AND length(nomor_dok_lain) <= 255),
    tanggal              TEXT NOT NULL,
    masa                 INTEGER NOT NULL CHECK (masa BETWEEN 1 AND 12),
    tahun                INTEGER NOT NULL CHECK (tahun BETWEEN 2000 AND 2099),
    lawan_npwp           TEXT NOT NULL,
    lawan_nama           TEXT NOT NULL CHECK (lawan_nama <> '' AND length(lawan_nama) <= 255),
    lawan_alamat         TEXT NOT NULL DEFAULT '' CHECK (length(lawan_alamat) <= 255),
    jumlah_dpp           INTEGER NOT NULL CHECK (jumlah_dpp >= 0),
    jumlah_ppn           INTEGER NOT NULL CHECK (jumlah_ppn >= 0),
    jumlah_ppnbm         INTEGER NOT NULL CHECK (jumlah_ppnbm >= 0),
    keterangan           TEXT NOT NULL DEFAULT '' CHECK (length(keterangan) <= 255),
    status_approval      TEXT NOT NULL DEFAULT 'draft'
        CHECK (status_approval = 'draft' OR status_approval = 'siap_upload'
            OR status_approval = 'dalam_proses' OR status_approval = 'approval_sukses'
            OR status_approval = 'reject'),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
-- One document number per counterparty and flag (a pengganti may keep its original's number).
CREATE UNIQUE INDEX dokumen_lain_nomor ON dokumen_lain (jenis, lawan_npwp, nomor_dok_lain, fg_pengganti);
CREATE INDEX dokumen_lain_masa ON dokumen_lain (jenis, tahun, masa);
