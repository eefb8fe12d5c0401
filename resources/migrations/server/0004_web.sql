-- e-Nofa Online web pages. Sessions: the cookie carries a random token, only its SHA-256 is
-- kept here (a copy of this file opens no session). `csrf` is the form token of the session:
-- it proves a form came from our own page, it opens nothing by itself.
CREATE TABLE web_session (
    token_hash  TEXT PRIMARY KEY,
    npwp        TEXT NOT NULL REFERENCES account (npwp),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX web_session_npwp ON web_session (npwp, expires_at);

-- Lupa Password: the link mailed to the PKP's email. Single use, short-lived; only the
-- SHA-256 of its token is kept.
CREATE TABLE password_reset (
    token_hash  TEXT PRIMARY KEY,
    npwp        TEXT NOT NULL REFERENCES account (npwp),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- KPP officers of the web pages (accounts made with `enofa-server officer add`); argon2 hashes.
CREATE TABLE officer (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Officer sessions, kept as web_session is (token hash only).
CREATE TABLE officer_session (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES officer (username),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
