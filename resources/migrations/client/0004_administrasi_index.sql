-- Administrasi Faktur over a million faktur, at the least cost to imports: every index here is
-- paid for by each faktur written, so only the list's indispensable orders get one. Each is
-- narrow; SQLite appends the rowid (id), so (column, id) is a total order for keyset paging.
--
-- The default view: every faktur in tanggal order.
CREATE INDEX faktur_adm_tanggal ON faktur (jenis, tanggal);
-- One masa in tanggal order; a masa's faktur sorted by any other column, or filtered by status,
-- are read through it (bounded by one masa). Its prefix does what faktur_masa did (Beranda's
-- counts).
CREATE INDEX faktur_adm_masa ON faktur (jenis, tahun, masa, tanggal);
-- Search by NPWP prefix.
CREATE INDEX faktur_adm_npwp ON faktur (jenis, lawan_npwp);
-- Search by nomor prefix. faktur_in_force does not serve it: it leaves out Diganti and Batal
-- faktur, and puts the seller's NPWP before the nomor of a faktur masukan.
CREATE INDEX faktur_adm_nomor ON faktur (jenis, nsfp);
DROP INDEX faktur_masa;
