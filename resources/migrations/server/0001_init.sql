-- e-Nofa service state. Times are RFC 3339 UTC text.

-- A PKP (head office) or a branch (npwp_pusat set). Passwords are argon2 hashes.
CREATE TABLE account (
    npwp            TEXT PRIMARY KEY,
    nama            TEXT NOT NULL,
    alamat          TEXT NOT NULL,
    email           TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    -- Current "Kode Aktivasi eFaktur Desktop" as an argon2 hash; NULL = none generated yet.
    kode_hash       TEXT,
    kode_used       INTEGER NOT NULL DEFAULT 0,
    -- 'belum' (never registered), 'aktif', 'reset' (a reset deactivated the old client).
    client_status   TEXT NOT NULL DEFAULT 'belum',
    client_id       TEXT,
    npwp_pusat      TEXT REFERENCES account(npwp),
    nomor_sk        TEXT,
    tanggal_sk      TEXT,
    created_at      TEXT NOT NULL
);

-- Certificates issued by the service CA. Only 'active' ones are accepted by the API.
CREATE TABLE certificate (
    serial          TEXT PRIMARY KEY,
    npwp            TEXT NOT NULL REFERENCES account(npwp),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
    not_after       TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    -- Branch certificates wait here (passphrase-protected) until the operator approves them.
    p12             BLOB
);

CREATE TABLE nsfp_allocation (
    id              INTEGER PRIMARY KEY,
    npwp            TEXT NOT NULL REFERENCES account(npwp),
    tahun           INTEGER NOT NULL,
    prefix          INTEGER NOT NULL,
    awal_serial     INTEGER NOT NULL,
    akhir_serial    INTEGER NOT NULL,
    nama_pemohon    TEXT NOT NULL,
    jabatan_pemohon TEXT NOT NULL,
    allocated_at    TEXT NOT NULL
);

-- Approved faktur. One NSFP has one row per version: a pengganti adds a row (fg_pengganti '1')
-- and the version it replaces stays, with status 'diganti', so its QR code still answers.
-- status: 'approved', 'diganti' or 'batal'; at most one version per NSFP is not 'diganti'.
CREATE TABLE faktur (
    id              INTEGER PRIMARY KEY,
    nsfp            TEXT NOT NULL,
    npwp            TEXT NOT NULL REFERENCES account(npwp),
    status          TEXT NOT NULL CHECK (status IN ('approved', 'diganti', 'batal')),
    fg_pengganti    TEXT NOT NULL,
    masa            INTEGER NOT NULL,
    tahun           INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    approval_time   TEXT NOT NULL,
    approval_code   TEXT NOT NULL
);
CREATE UNIQUE INDEX faktur_current ON faktur(nsfp) WHERE status <> 'diganti';

-- Every upload's answer by idempotency key, so a retry gets the same answer.
CREATE TABLE upload (
    idempotency_key TEXT NOT NULL,
    npwp            TEXT NOT NULL,
    result          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (npwp, idempotency_key)
);

-- Wrong passwords and captchas, for throttling.
CREATE TABLE failed_attempt (
    npwp            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX failed_attempt_npwp ON failed_attempt(npwp, at);

-- Every state change.
CREATE TABLE audit (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    npwp            TEXT,
    action          TEXT NOT NULL,
    detail          TEXT NOT NULL
);

-- Service settings: the QR secret.
CREATE TABLE setting (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);
