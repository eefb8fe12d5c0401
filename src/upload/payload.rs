//! A stored faktur as the e-Nofa upload carries it, and the fingerprint that tells whether it
//! changed after it was queued.

use sha2::{Digest, Sha256};

use crate::domain::Faktur;
use crate::enofa::wire::{FakturItemPayload, FakturPayload};
use crate::exchange::csv_write::{fk_fields, of_fields};

/// The payload of a faktur keluaran: the strings of its FK and OF rows.
pub fn payload_of(f: &Faktur) -> FakturPayload {
    let mut fk = fk_fields(f).into_iter().skip(1);
    let mut next = || fk.next().unwrap_or_default();
    let mut p = FakturPayload {
        kd_jenis_transaksi: next(),
        fg_pengganti: next(),
        nomor_faktur: next(),
        masa_pajak: next(),
        tahun_pajak: next(),
        tanggal_faktur: next(),
        npwp: next(),
        nama: next(),
        alamat: next(),
        jumlah_dpp: next(),
        jumlah_ppn: next(),
        jumlah_ppnbm: next(),
        id_keterangan_tambahan: next(),
        fg_uang_muka: next(),
        uang_muka_dpp: next(),
        uang_muka_ppn: next(),
        uang_muka_ppnbm: next(),
        referensi: next(),
        kode_dokumen_pendukung: next(),
        items: Vec::new(),
    };
    p.items = f
        .items
        .iter()
        .map(|it| {
            let [
                _,
                kode_objek,
                nama,
                harga_satuan,
                jumlah_barang,
                harga_total,
                diskon,
                dpp,
                ppn,
                tarif_ppnbm,
                ppnbm,
            ] = of_fields(it);
            FakturItemPayload {
                kode_objek,
                nama,
                harga_satuan,
                jumlah_barang,
                harga_total,
                diskon,
                dpp,
                ppn,
                tarif_ppnbm,
                ppnbm,
            }
        })
        .collect();
    p
}

/// SHA-256 (hex) of the payload's JSON.
pub fn fingerprint(p: &FakturPayload) -> String {
    let json = serde_json::to_vec(p).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FakturDraft;

    #[test]
    fn the_payload_validates_back_to_the_same_faktur() {
        let f = crate::store::faktur::tests::draft("0002400000001")
            .validate()
            .unwrap();
        let p = payload_of(&f);
        let back = FakturDraft::from(&p).validate().unwrap();
        assert_eq!(back.nsfp, f.nsfp);
        assert_eq!(back.totals, f.totals);
        assert_eq!(back.items.len(), f.items.len());
        assert_eq!(payload_of(&back), p);
        assert_eq!(fingerprint(&p), fingerprint(&payload_of(&back)));
        let mut changed = p.clone();
        changed.nama.push('X');
        assert_ne!(fingerprint(&changed), fingerprint(&p));
    }
}
