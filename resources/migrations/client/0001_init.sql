-- Local Database, schema 1. Amounts of lines are exact decimals stored as TEXT; header totals are
-- whole rupiah (INTEGER). Dates are ISO-8601 TEXT. Secrets are never stored here.

CREATE TABLE profile (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    npwp          TEXT NOT NULL CHECK (length(npwp) IN (15, 16)),
    nama          TEXT NOT NULL CHECK (nama <> ''),
    alamat        TEXT NOT NULL DEFAULT '',
    telepon       TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    -- belum = not registered yet; terdaftar = e-Nofa registration done; direset = client reset on e-Nofa
    registration  TEXT NOT NULL DEFAULT 'belum' CHECK (registration IN ('belum', 'terdaftar', 'direset')),
    client_id     TEXT,
    server_url    TEXT,
    registered_at TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (username <> ''),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2%'),
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);

-- Metadata of the installed .p12: never the key nor the passphrase.
CREATE TABLE certificate (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    path        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    npwp        TEXT,
    issuer      TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    installed_at TEXT NOT NULL
);

CREATE TABLE nsfp_range (
    id           INTEGER PRIMARY KEY,
    prefix       INTEGER NOT NULL CHECK (prefix BETWEEN 0 AND 999),
    year         INTEGER NOT NULL CHECK (year BETWEEN 0 AND 99),
    start_serial INTEGER NOT NULL CHECK (start_serial >= 1),
    end_serial   INTEGER NOT NULL CHECK (end_serial <= 99999999),
    -- The next number the allocator hands out; end_serial + 1 when the range is used up.
    next_serial  INTEGER NOT NULL,
    -- Date of DJP's allocation notice: no faktur may be dated before it (ETAXSERVICE-20025).
    allocated_on TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK (start_serial <= end_serial),
    CHECK (next_serial BETWEEN start_serial AND end_serial + 1)
);

CREATE TABLE lawan_transaksi (
    id        INTEGER PRIMARY KEY,
    npwp      TEXT NOT NULL,
    nik       TEXT,
    nama      TEXT NOT NULL CHECK (nama <> '' AND length(nama) <= 255),
    alamat    TEXT NOT NULL DEFAULT '' CHECK (length(alamat) <= 255),
    jalan     TEXT NOT NULL DEFAULT '',
    blok      TEXT NOT NULL DEFAULT '',
    nomor     TEXT NOT NULL DEFAULT '',
    rt        TEXT NOT NULL DEFAULT '',
    rw        TEXT NOT NULL DEFAULT '',
    kecamatan TEXT NOT NULL DEFAULT '',
    kelurahan TEXT NOT NULL DEFAULT '',
    kabupaten TEXT NOT NULL DEFAULT '',
    propinsi  TEXT NOT NULL DEFAULT '',
    kode_pos  TEXT NOT NULL DEFAULT '',
    telepon   TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
-- One entry per NPWP; buyers without NPWP (000000000000000) are told apart by NIK, else by name.
CREATE UNIQUE INDEX lawan_transaksi_key ON lawan_transaksi (
    npwp,
    CASE WHEN npwp = '000000000000000' THEN coalesce(nik, nama) ELSE '' END
);

CREATE TABLE barang_jasa (
    id           INTEGER PRIMARY KEY,
    kode         TEXT NOT NULL UNIQUE CHECK (kode <> '' AND length(kode) <= 255),
    nama         TEXT NOT NULL UNIQUE CHECK (nama <> '' AND length(nama) <= 255),
    harga_satuan TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- CHECKs of the tables written in bulk spell lists of three or more values as `=` ... OR ...:
-- SQLite evaluates such an IN list by building a temporary b-tree on every row written, which
-- cost an import a sixth of its time; two-value lists are compared directly and stay IN.
CREATE TABLE faktur (
    id                     INTEGER PRIMARY KEY,
    jenis                  TEXT NOT NULL CHECK (jenis IN ('keluaran', 'masukan')),
    kode_transaksi         INTEGER NOT NULL CHECK (kode_transaksi BETWEEN 1 AND 10),
    fg_pengganti           INTEGER NOT NULL CHECK (fg_pengganti IN (0, 1)),
    nsfp                   TEXT NOT NULL CHECK (length(nsfp) = 13),
    masa                   INTEGER NOT NULL CHECK (masa BETWEEN 1 AND 12),
    tahun                  INTEGER NOT NULL CHECK (tahun BETWEEN 2000 AND 2099),
    tanggal                TEXT NOT NULL,
    lawan_npwp             TEXT NOT NULL,
    lawan_nik              TEXT,
    lawan_nama             TEXT NOT NULL CHECK (lawan_nama <> '' AND length(lawan_nama) <= 255),
    lawan_alamat           TEXT NOT NULL CHECK (length(lawan_alamat) <= 255),
    jumlah_dpp             INTEGER NOT NULL CHECK (jumlah_dpp >= 0),
    jumlah_ppn             INTEGER NOT NULL CHECK (jumlah_ppn >= 0),
    jumlah_ppnbm           INTEGER NOT NULL CHECK (jumlah_ppnbm >= 0),
    id_keterangan_tambahan INTEGER,
    fg_uang_muka           INTEGER NOT NULL DEFAULT 0 CHECK (fg_uang_muka = 0 OR fg_uang_muka = 1 OR fg_uang_muka = 2),
    uang_muka_dpp          INTEGER NOT NULL DEFAULT 0,
    uang_muka_ppn          INTEGER NOT NULL DEFAULT 0,
    uang_muka_ppnbm        INTEGER NOT NULL DEFAULT 0,
    referensi              TEXT NOT NULL DEFAULT '' CHECK (length(referensi) <= 255),
    kode_dokumen_pendukung TEXT NOT NULL DEFAULT '',
    dikreditkan            INTEGER CHECK (dikreditkan IN (0, 1)),
    status_faktur          TEXT NOT NULL DEFAULT 'normal'
        CHECK (status_faktur = 'normal' OR status_faktur = 'normal_pengganti'
            OR status_faktur = 'diganti' OR status_faktur = 'batal'),
    status_approval        TEXT NOT NULL DEFAULT 'draft'
        CHECK (status_approval = 'draft' OR status_approval = 'siap_upload'
            OR status_approval = 'dalam_proses' OR status_approval = 'approval_sukses'
            OR status_approval = 'reject'),
    replaces_id            INTEGER REFERENCES faktur (id),
    approval_time          TEXT,
    qr_url                 TEXT,
    reject_code            TEXT,
    reject_message         TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK ((jenis = 'masukan') = (dikreditkan IS NOT NULL))
);
-- A number is in force on one faktur at a time (ETAX-20002). Pajak masukan numbers are the
-- sellers', so they are unique per seller.
CREATE UNIQUE INDEX faktur_in_force ON faktur (
    jenis,
    CASE WHEN jenis = 'masukan' THEN lawan_npwp ELSE '' END,
    nsfp
) WHERE status_faktur IN ('normal', 'normal_pengganti');
CREATE INDEX faktur_masa ON faktur (jenis, tahun, masa);

-- Keyed by (faktur, line) without a rowid: one b-tree per insert instead of table + index.
CREATE TABLE faktur_item (
    faktur_id    INTEGER NOT NULL REFERENCES faktur (id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,
    kode_objek   TEXT NOT NULL DEFAULT '',
    nama         TEXT NOT NULL CHECK (nama <> '' AND length(nama) <= 255),
    harga_satuan TEXT NOT NULL,
    jumlah_barang TEXT NOT NULL,
    harga_total  TEXT NOT NULL,
    diskon       TEXT NOT NULL,
    dpp          TEXT NOT NULL,
    ppn          TEXT NOT NULL,
    tarif_ppnbm  TEXT NOT NULL,
    ppnbm        TEXT NOT NULL,
    PRIMARY KEY (faktur_id, line_no)
) WITHOUT ROWID;

-- Each NSFP of a recorded range that has been given to a faktur keluaran. The primary key makes
-- a second hand-out of one number impossible.
CREATE TABLE nsfp_use (
    nsfp      TEXT PRIMARY KEY CHECK (length(nsfp) = 13),
    range_id  INTEGER NOT NULL REFERENCES nsfp_range (id),
    faktur_id INTEGER REFERENCES faktur (id) ON DELETE SET NULL,
    used_at   TEXT NOT NULL
) WITHOUT ROWID;

-- Work for the uploader; rows survive crashes and restarts until done.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    faktur_id       INTEGER NOT NULL REFERENCES faktur (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('upload', 'batal')),
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX outbox_one_pending ON outbox (faktur_id, kind) WHERE state = 'pending';

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
