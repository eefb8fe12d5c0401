-- Administrasi User (issue #10): a role per user and a way to disable one without losing who
-- recorded what. Administrator manages users and Referensi; Perekam records faktur. Users of
-- earlier versions could do everything, so they all become Administrator.
ALTER TABLE app_user ADD COLUMN role TEXT NOT NULL DEFAULT 'administrator'
    CHECK (role IN ('administrator', 'perekam'));
ALTER TABLE app_user ADD COLUMN disabled_at TEXT;
UPDATE app_user SET role = 'administrator', is_admin = 1;
