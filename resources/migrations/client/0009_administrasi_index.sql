-- Administrasi Faktur over a million faktur: every page is a keyset query on an index, never a
-- scan of the table.
--
-- The status the list shows is Diganti or Batal from status_faktur, otherwise status_approval;
-- the filter indexes hold both columns, so a status filter reads no row.
-- One index per column the list is sorted or searched by, each ending in id so that
-- (column, id) is a total order for keyset paging. Names and referensi compare without case.
CREATE INDEX faktur_adm_tanggal ON faktur (jenis, tanggal, id);
CREATE INDEX faktur_adm_nomor ON faktur (jenis, nsfp, id);
CREATE INDEX faktur_adm_npwp ON faktur (jenis, lawan_npwp, id);
CREATE INDEX faktur_adm_nama ON faktur (jenis, lawan_nama COLLATE NOCASE, id);
CREATE INDEX faktur_adm_referensi ON faktur (jenis, referensi COLLATE NOCASE, id);
-- The usual view: one masa in tanggal order.
CREATE INDEX faktur_adm_masa_tanggal ON faktur (jenis, tahun, masa, tanggal, id);
-- The filters: masa/tahun (and status), or status alone. They also hold every sort column, so a
-- filtered page is sorted from the index alone (top-N, no row read) and only its rows are read.
-- faktur_adm_periode's prefix (jenis, tahun, masa) does what faktur_masa did; the dashboard
-- counts on both.
CREATE INDEX faktur_adm_periode ON faktur (
    jenis, tahun, masa, status_approval, status_faktur,
    tanggal, nsfp, lawan_npwp, lawan_nama COLLATE NOCASE, referensi COLLATE NOCASE
);
CREATE INDEX faktur_adm_status ON faktur (
    jenis, status_approval, status_faktur,
    tanggal, nsfp, lawan_npwp, lawan_nama COLLATE NOCASE, referensi COLLATE NOCASE
);
DROP INDEX faktur_masa;
