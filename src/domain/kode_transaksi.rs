//! Kode jenis transaksi 01–10 (PER-03/PJ/2022; 10 exists only in Coretax).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KodeTransaksi(u8);

impl KodeTransaksi {
    pub const BIASA: KodeTransaksi = KodeTransaksi(1);
    pub const NILAI_LAIN: KodeTransaksi = KodeTransaksi(4);

    /// Accepts `"1"`, `"01"` or `" 01 "`.
    pub fn parse(input: &str) -> Option<KodeTransaksi> {
        let t = input.trim();
        if t.is_empty() || t.len() > 2 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::new(t.parse().ok()?)
    }

    pub fn new(code: u8) -> Option<KodeTransaksi> {
        (1..=10).contains(&code).then_some(KodeTransaksi(code))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Kode 07 (tidak dipungut) and 08 (dibebaskan) must name a keterangan tambahan.
    pub fn needs_keterangan_tambahan(self) -> bool {
        matches!(self.0, 7 | 8)
    }

    /// Kode 10 is Coretax-only; desktop-era numbering stops at 09.
    pub fn is_coretax_only(self) -> bool {
        self.0 == 10
    }

    /// Whether PPN on this faktur is actually collected by the seller (07 and 08 are not).
    pub fn ppn_collected(self) -> bool {
        !self.needs_keterangan_tambahan()
    }

    /// DJP's description, in Indonesian.
    pub fn description(self) -> &'static str {
        match self.0 {
            1 => "Kepada pihak yang bukan pemungut PPN",
            2 => "Kepada pemungut PPN instansi pemerintah",
            3 => "Kepada pemungut PPN selain instansi pemerintah",
            4 => "DPP Nilai Lain",
            5 => "Besaran tertentu",
            6 => "Penyerahan lainnya, termasuk kepada turis asing (VAT refund)",
            7 => "Penyerahan yang PPN-nya tidak dipungut",
            8 => "Penyerahan yang PPN-nya dibebaskan",
            9 => "Penyerahan aktiva yang tujuan semula tidak untuk diperjualbelikan (Pasal 16D)",
            _ => "Penyerahan lainnya (Coretax)",
        }
    }

    pub fn all() -> impl Iterator<Item = KodeTransaksi> {
        (1..=10).map(KodeTransaksi)
    }
}

impl fmt::Display for KodeTransaksi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_padded_and_unpadded() {
        assert_eq!(KodeTransaksi::parse("01"), Some(KodeTransaksi::BIASA));
        assert_eq!(KodeTransaksi::parse("4"), Some(KodeTransaksi::NILAI_LAIN));
        assert_eq!(KodeTransaksi::parse("10").unwrap().to_string(), "10");
        for bad in ["", "00", "11", "1a", "001", "-1"] {
            assert_eq!(KodeTransaksi::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_07_and_08_need_keterangan_tambahan() {
        let needing: Vec<u8> = KodeTransaksi::all()
            .filter(|k| k.needs_keterangan_tambahan())
            .map(KodeTransaksi::value)
            .collect();
        assert_eq!(needing, vec![7, 8]);
        assert!(KodeTransaksi::all().all(|k| !k.description().is_empty()));
    }
}
