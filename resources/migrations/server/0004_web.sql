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
