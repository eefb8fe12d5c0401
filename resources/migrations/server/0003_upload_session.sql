-- Upload sessions (protocol v1, extended): opened with captcha + e-Nofa (or branch) password,
-- bound to the client certificate's serial and the registered client id. Only the SHA-256 of
-- the token is kept: a copy of this file opens no session.
CREATE TABLE upload_session (
    token_hash  TEXT PRIMARY KEY,
    npwp        TEXT NOT NULL REFERENCES account (npwp),
    client_id   TEXT NOT NULL,
    cert_serial TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX upload_session_npwp ON upload_session (npwp, expires_at);
