//! Coretax's unit codes (`REF-General.csv`, "Satuan"): the picker of Barang/Jasa shows the code
//! and the name, the Local Database keeps the code.

use std::fmt;

/// `UM.0001` to `UM.0039` with their names, as DJP lists them.
pub const UNITS: &[(&str, &str)] = &[
    ("UM.0001", "Metrik Ton"),
    ("UM.0002", "Wet Ton"),
    ("UM.0003", "Kilogram"),
    ("UM.0004", "Gram"),
    ("UM.0005", "Karat"),
    ("UM.0006", "Kiloliter"),
    ("UM.0007", "Liter"),
    ("UM.0008", "Barrel"),
    ("UM.0009", "MMBTU"),
    ("UM.0010", "Ampere"),
    ("UM.0011", "Sentimeter Kubik"),
    ("UM.0012", "Meter Persegi"),
    ("UM.0013", "Meter"),
    ("UM.0014", "Inci"),
    ("UM.0015", "Sentimeter"),
    ("UM.0016", "Yard"),
    ("UM.0017", "Lusin"),
    ("UM.0018", "Unit"),
    ("UM.0019", "Set"),
    ("UM.0020", "Lembar"),
    ("UM.0021", "Piece"),
    ("UM.0022", "Boks"),
    ("UM.0023", "Tahun"),
    ("UM.0024", "Bulan"),
    ("UM.0025", "Minggu"),
    ("UM.0026", "Hari"),
    ("UM.0027", "Jam"),
    ("UM.0028", "Menit"),
    ("UM.0029", "Persen"),
    ("UM.0030", "Kegiatan"),
    ("UM.0031", "Laporan"),
    ("UM.0032", "Bahan"),
    ("UM.0033", "Lainnya"),
    ("UM.0034", "Meter Kubik"),
    ("UM.0035", "Sentimeter Persegi"),
    ("UM.0036", "Drum"),
    ("UM.0037", "Karton"),
    ("UM.0038", "Kwh"),
    ("UM.0039", "Roll"),
];

/// One entry of the unit picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Satuan(pub &'static str, pub &'static str);

impl Satuan {
    pub fn all() -> Vec<Satuan> {
        UNITS.iter().map(|&(c, n)| Satuan(c, n)).collect()
    }

    pub fn by_code(code: &str) -> Option<Satuan> {
        UNITS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|&(c, n)| Satuan(c, n))
    }

    pub fn code(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Satuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_djps_39_units_and_the_domain_accepts_each() {
        assert_eq!(UNITS.len(), 39);
        assert_eq!(UNITS[0].0, "UM.0001");
        assert_eq!(UNITS[38], ("UM.0039", "Roll"));
        for (code, _) in UNITS {
            assert!(efaktur::domain::coretax::is_unit_code(code), "{code}");
        }
    }
}
