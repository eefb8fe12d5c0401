-- Administrasi Faktur over a million faktur: every page is a keyset query on an index, never a
-- scan of the table.
--
-- The status a person reads in the list: a replaced or cancelled faktur says so (Diganti, Batal),
-- otherwise its approval status. Virtual: computed on read, stored only in the indexes below.
ALTER TABLE faktur ADD COLUMN status_admin TEXT GENERATED ALWAYS AS (
    CASE WHEN status_faktur = 'diganti' OR status_faktur = 'batal' THEN status_faktur
         ELSE status_approval END
) VIRTUAL;

-- One index per column the list is sorted or searched by, each ending in id so that
-- (column, id) is a total order for keyset paging. Names and referensi compare without case.
CREATE INDEX faktur_adm_tanggal ON faktur (jenis, tanggal, id);
CREATE INDEX faktur_adm_nomor ON faktur (jenis, nsfp, id);
CREATE INDEX faktur_adm_npwp ON faktur (jenis, lawan_npwp, id);
CREATE INDEX faktur_adm_nama ON faktur (jenis, lawan_nama COLLATE NOCASE, id);
CREATE INDEX faktur_adm_referensi ON faktur (jenis, referensi COLLATE NOCASE, id);
CREATE INDEX faktur_adm_status ON faktur (jenis, status_admin, id);
-- Filters by masa/tahun and status, and the dashboard's counts. Its prefix (jenis, tahun, masa)
-- does what faktur_masa did.
CREATE INDEX faktur_adm_periode ON faktur (jenis, tahun, masa, status_admin);
DROP INDEX faktur_masa;
