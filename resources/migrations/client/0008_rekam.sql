-- Rekam Faktur (issue #10): Hapus of one draft must not read every faktur. When a faktur row is
-- deleted, SQLite looks for the rows that point at it (foreign keys); without an index on the
-- pointing column that look-up reads the whole table (about half a second at a million faktur).
-- Partial index: only a pengganti has replaces_id, so faktur written by imports cost nothing.
CREATE INDEX faktur_replaces ON faktur (replaces_id) WHERE replaces_id IS NOT NULL;
-- The outbox keeps a row per uploaded faktur; one more index on a table written one row per upload.
CREATE INDEX outbox_faktur ON outbox (faktur_id);
