-- Beranda's upload deadline marks (issue #11): faktur keluaran not yet approved, per masa. A
-- partial index holds only those, so counting them costs what is waiting, not the whole table;
-- a faktur leaves it when approved, cancelled or replaced. Named faktur_adm_* so that a large
-- import builds it once at its end, as the Administrasi indexes (store/list_index.rs).
CREATE INDEX faktur_adm_belum_approval ON faktur (jenis, tahun, masa)
    WHERE status_approval <> 'approval_sukses'
      AND status_faktur IN ('normal', 'normal_pengganti');
