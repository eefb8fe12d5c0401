//! DJP's error codes, kept as users know them (`ETAX-20005 : Format NPWP tidak sesuai`).

use std::fmt;

/// Declares the enum, its printed code and message, and the list of all codes from one table,
/// so a code cannot be added to one and forgotten in another.
macro_rules! djp_codes {
    ($($variant:ident = $code:literal, $message:literal;)+) => {
        /// A DJP error code with its official Indonesian message.
        ///
        /// The codes come from DJP's "Katalog error efaktur"; the project reuses them where its
        /// own checks mean the same thing, so an accountant can search the code as they always did.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DjpCode {
            $($variant,)+
        }

        impl DjpCode {
            /// Every code, for look-ups by text.
            pub const ALL: &'static [DjpCode] = &[$(DjpCode::$variant,)+];

            fn parts(self) -> (&'static str, &'static str) {
                match self {
                    $(DjpCode::$variant => ($code, $message),)+
                }
            }
        }
    };
}

djp_codes! {
    Etax10001 = "ETAX-10001", "Error Database";
    Etax10003 = "ETAX-10003", "Input ke database tidak berhasil, periksa kembali data yang akan diinput";
    Etax20001 = "ETAX-20001", "NPWP tidak lengkap";
    Etax20002 = "ETAX-20002", "Nomor Faktur sudah terdaftar";
    Etax20003 = "ETAX-20003", "Nomor Faktur tidak ditemukan";
    Etax20004 = "ETAX-20004", "Format Angka salah";
    Etax20005 = "ETAX-20005", "Format NPWP tidak sesuai";
    Etax20006 = "ETAX-20006", "Format tanggal salah";
    Etax20007 = "ETAX-20007", "Nomor Faktur tidak lengkap";
    Etax20008 = "ETAX-20008", "Error Validasi";
    Etax20013 = "ETAX-20013", "Lawan Transaksi tidak lengkap";
    Etax20014 = "ETAX-20014", "Nilai tidak boleh kosong";
    Etax20016 = "ETAX-20016", "Range nomor faktur sudah terdaftar";
    Etax20017 = "ETAX-20017", "Nomor Faktur tidak termasuk dalam range Referensi Nomor Faktur";
    Etax20018 = "ETAX-20018", "Range Nomor Faktur tidak tersedia, Daftarkan Referensi Nomor Faktur terlebih dahulu";
    Etax20020 = "ETAX-20020", "Kode Barang/Jasa sudah terdaftar";
    Etax20021 = "ETAX-20021", "Nama Barang/Jasa sudah terdaftar";
    Etax20022 = "ETAX-20022", "Barang/Jasa tidak lengkap";
    Etax20023 = "ETAX-20023", "Format faktur salah";
    Etax20024 = "ETAX-20024", "Masa Faktur tidak boleh kurang dari tanggal faktur";
    Etax20025 = "ETAX-20025", "Masa Faktur melebihi batas ketentuan pelaporan Faktur Pajak";
    Etax20026 = "ETAX-20026", "Flag Pengganti tidak sesuai format";
    Etax20028 = "ETAX-20028", "Jumlah Dpp, Ppn, PPnBm Objek Faktur tidak sama dengan nilai Faktur";
    Etax20027 = "ETAX-20027", "Tanggal Faktur Pengganti tidak boleh kurang dari Faktur Pajak";
    Etax20030 = "ETAX-20030", "Tanggal Retur tidak boleh kurang dari tanggal Faktur";
    Etax20031 = "ETAX-20031", "Masa Retur tidak sesuai dengan tanggal Retur";
    Etax20032 = "ETAX-20032", "Saldo DPP untuk retur kurang";
    Etax20033 = "ETAX-20033", "Saldo PPN untuk retur kurang";
    Etax20034 = "ETAX-20034", "Saldo PPnBM untuk retur kurang";
    Etax20038 = "ETAX-20038", "Faktur Pajak Batal tidak ditemukan";
    Etax20039 = "ETAX-20039", "Tidak ditemukan faktur yang akan diganti";
    Etax20040 = "ETAX-20040", "Faktur tidak dapat dibuat";
    Etax30002 = "ETAX-30002", "Tidak dapat melakukan hashing";
    Etax30005 = "ETAX-30005", "Error Objek Mapping";
    Etax30022 = "ETAX-30022", "File Certificate belum tersedia. Pilih file certificate terlebih dahulu di Referensi > Administrasi Certificate";
    Etax30023 = "ETAX-30023", "File Certificate tidak bisa di pakai";
    Etax30024 = "ETAX-30024", "Harga Barang/Jasa tidak boleh lebih kecil sama dengan 0";
    Etax30029 = "ETAX-30029", "Nomor Faktur tidak benar";
    Etax30030 = "ETAX-30030", "Nomor Retur sudah terdaftar";
    Etax30031 = "ETAX-30031", "Dokumen Lain tidak lengkap";
    Etax40001 = "ETAX-40001", "Tidak dapat menghubungi E-TaxInvoice Server";
    Etax40002 = "ETAX-40002", "Error di service";
    Etax40003 = "ETAX-40003", "Error di service session";
    Etax40004 = "ETAX-40004", "User tidak dapat mengakses service";
    Etax40005 = "ETAX-40005", "Error di service registrasi";
    EtaxService20001 = "ETAXSERVICE-20001", "Nomor Faktur tidak ditemukan";
    EtaxService20006 = "ETAXSERVICE-20006", "Nomor Faktur yang akan diganti tidak ditemukan";
    EtaxService20008 = "ETAXSERVICE-20008", "Nomor Faktur sudah digunakan";
    EtaxService20017 = "ETAXSERVICE-20017", "Client tidak terdaftar";
    EtaxService20019 = "ETAXSERVICE-20019", "Client sudah diaktifasi";
    EtaxService20020 = "ETAXSERVICE-20020", "Nomor seri faktur pajak tidak valid. Nomor Pajak Bukan Jatah";
    EtaxService20021 = "ETAXSERVICE-20021", "Upload Faktur Corrupt, ulang kembali";
    EtaxService20025 = "ETAXSERVICE-20025", "Tanggal Faktur Pajak lebih kecil dari tanggal Nomor Seri Faktur Pajak";
    EtaxService40002 = "ETAXSERVICE-40002", "User tidak ditemukan";
}

impl DjpCode {
    /// The code as DJP prints it, e.g. `ETAX-20005`.
    pub fn as_str(self) -> &'static str {
        self.parts().0
    }

    /// DJP's own message for the code.
    pub fn message(self) -> &'static str {
        self.parts().1
    }

    /// `message` without a leading copy of this code (`"ETAX-20018: …"`, `"ETAX-20018 : …"`).
    /// Whatever prints a code in front of a message passes the message through this, so a
    /// message that already carries its code (e.g. a store error's text) shows it once.
    pub fn strip_from(self, message: &str) -> &str {
        message
            .trim_start()
            .strip_prefix(self.as_str())
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .map_or(message, str::trim_start)
    }

    /// Looks a code up by its printed form (`"ETAX-20005"`).
    pub fn from_code(code: &str) -> Option<DjpCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for DjpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.as_str(), self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_djp() {
        assert_eq!(
            DjpCode::Etax40001.to_string(),
            "ETAX-40001 : Tidak dapat menghubungi E-TaxInvoice Server"
        );
    }

    #[test]
    fn a_message_carrying_its_code_loses_the_copy() {
        let c = DjpCode::Etax20018;
        assert_eq!(c.strip_from("ETAX-20018: habis"), "habis");
        assert_eq!(c.strip_from("ETAX-20018 : habis"), "habis");
        assert_eq!(c.strip_from("habis"), "habis");
        assert_eq!(c.strip_from("ETAX-20017: lain"), "ETAX-20017: lain");
    }

    #[test]
    fn every_code_round_trips_and_is_unique() {
        for &code in DjpCode::ALL {
            assert_eq!(DjpCode::from_code(code.as_str()), Some(code));
        }
        let mut texts: Vec<_> = DjpCode::ALL.iter().map(|c| c.as_str()).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), DjpCode::ALL.len());
        assert_eq!(
            DjpCode::from_code("ETAX-30002").map(|c| c.to_string()),
            Some("ETAX-30002 : Tidak dapat melakukan hashing".into())
        );
    }
}
