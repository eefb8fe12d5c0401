//! What Coretax (2025+) knows about a faktur beyond the e-Faktur CSV fields: how the buyer is
//! identified, the places of business (NITKU), and per line whether it is goods or services, its
//! 6-digit code and its unit (DJP's template 1.6.1, `reference/coretax-xml.md`).
//!
//! A faktur imported from Coretax XML keeps these values so that it goes back out as it came in;
//! a faktur from CSV or typed in leaves them empty and the exporter derives them.

use super::npwp::{Npwp, NpwpKind};
use super::said::Said;

/// Coretax's `BuyerDocument`: how the buyer is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuyerDocument {
    Tin,
    NationalId,
    Passport,
    OtherId,
}

impl BuyerDocument {
    pub fn parse(s: &str) -> Option<BuyerDocument> {
        Some(match s {
            "TIN" => BuyerDocument::Tin,
            "National ID" => BuyerDocument::NationalId,
            "Passport" => BuyerDocument::Passport,
            "Other ID" => BuyerDocument::OtherId,
            _ => return None,
        })
    }

    /// The value as Coretax writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            BuyerDocument::Tin => "TIN",
            BuyerDocument::NationalId => "National ID",
            BuyerDocument::Passport => "Passport",
            BuyerDocument::OtherId => "Other ID",
        }
    }
}

/// The header values a Coretax XML carried; `None`/empty where the faktur did not come from one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoretaxHeader {
    pub buyer_document: Option<BuyerDocument>,
    /// `BuyerDocumentNumber` as written (NIK, passport number, other number, or `-`).
    pub buyer_document_number: Option<String>,
    /// ISO alpha-3 country of the buyer (`BuyerCountry`).
    pub buyer_country: Option<String>,
    pub buyer_email: String,
    /// `BuyerIDTKU` as written (22-digit NITKU for TIN buyers, `000000` otherwise).
    pub buyer_idtku: Option<String>,
    /// `SellerIDTKU`: the seller's place of business.
    pub seller_idtku: Option<String>,
    /// `CustomDocMonthYear`: MMYYYY of the supporting document.
    pub custom_doc_month_year: String,
    /// The `nn` of `FacilityStamp` `TD.011nn` when it differs from the keterangan tambahan's.
    pub facility_stamp: Option<u16>,
}

impl CoretaxHeader {
    pub fn is_empty(&self) -> bool {
        *self == CoretaxHeader::default()
    }
}

/// One line as Coretax classifies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoretaxLine {
    /// `false` barang (`Opt` A), `true` jasa (`Opt` B).
    pub jasa: bool,
    /// 6-digit goods/services code, `000000` when none.
    pub kode: String,
    /// Unit code `UM.0001`..`UM.0039`.
    pub satuan: String,
}

impl CoretaxLine {
    /// Checks the three values as Coretax does; the message says what is wrong, in both
    /// languages.
    pub fn new(opt: &str, kode: &str, satuan: &str) -> Result<CoretaxLine, Said> {
        let jasa = match opt {
            "A" => false,
            "B" => true,
            other => {
                return Err(Said::new(
                    format!("Opt '{other}' harus A (barang) atau B (jasa)"),
                    format!("Opt '{other}' must be A (goods) or B (services)"),
                ));
            }
        };
        if !is_goods_code(kode) {
            return Err(Said::new(
                format!("kode barang/jasa '{kode}' harus 6 digit (000000 bila tidak ada)"),
                format!("the goods/services code '{kode}' must have 6 digits (000000 when none)"),
            ));
        }
        if !is_unit_code(satuan) {
            return Err(Said::new(
                format!("satuan '{satuan}' harus kode satuan UM.0001 sampai UM.0039"),
                format!("the unit '{satuan}' must be a unit code UM.0001 to UM.0039"),
            ));
        }
        Ok(CoretaxLine {
            jasa,
            kode: kode.to_string(),
            satuan: satuan.to_string(),
        })
    }

    /// `A` or `B`.
    pub fn opt(&self) -> &'static str {
        if self.jasa { "B" } else { "A" }
    }
}

/// A 6-digit goods/services code.
pub fn is_goods_code(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A unit code of DJP's list, `UM.0001` to `UM.0039`.
pub fn is_unit_code(s: &str) -> bool {
    s.len() == 7
        && s.strip_prefix("UM.")
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (1..=39).contains(&n))
}

/// An ISO alpha-3 country code as Coretax writes it (three capital letters).
pub fn is_country_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// `CustomDocMonthYear`: empty, or MMYYYY.
pub fn is_month_year(s: &str) -> bool {
    s.is_empty()
        || (s.len() == 6
            && s.bytes().all(|b| b.is_ascii_digit())
            && s[..2].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)))
}

/// Highest keterangan tambahan (`TD.005nn`) Coretax lists for kode 07 and for kode 08
/// (REF-KetTambahan of template 1.6.1).
pub fn max_keterangan(kode: u8) -> Option<u16> {
    match kode {
        7 => Some(31),
        8 => Some(10),
        _ => None,
    }
}

/// The TIN Coretax takes for an NPWP: a branch (15 digits ending in anything but `000`) has no
/// NPWP 16 of its own, so its TIN is the head office's (`0` + the first 12 digits + `000`;
/// domain §6.4). Other forms are their 16-digit NPWP.
pub fn tin(npwp: &Npwp) -> String {
    match npwp.kind() {
        NpwpKind::Npwp15 if !npwp.digits().ends_with("000") && !npwp.is_none() => {
            format!("0{}000", &npwp.digits()[..12])
        }
        _ => npwp.npwp16(),
    }
}

/// The NITKU (22 digits) of an NPWP's place of business: a branch `…001` is the head office's TIN
/// with suffix `000001`; a head office ends in `000000`; a NITKU stays as it is.
pub fn idtku(npwp: &Npwp) -> String {
    match npwp.kind() {
        NpwpKind::Nitku => npwp.digits().to_string(),
        NpwpKind::Npwp15 if !npwp.is_none() => {
            format!("{}000{}", tin(npwp), &npwp.digits()[12..])
        }
        _ => format!("{}000000", npwp.npwp16()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branch_is_the_head_office_tin_with_its_number_in_the_nitku() {
        let branch = Npwp::parse("013463476415001").unwrap();
        assert_eq!(tin(&branch), "0013463476415000");
        assert_eq!(idtku(&branch), "0013463476415000000001");
        assert!(Npwp::parse(&tin(&branch)).is_ok());
        let head = Npwp::parse("013000666091000").unwrap();
        assert_eq!(tin(&head), "0013000666091000");
        assert_eq!(idtku(&head), "0013000666091000000000");
        let sixteen = Npwp::parse("0013000666091000").unwrap();
        assert_eq!(idtku(&sixteen), "0013000666091000000000");
        let nitku = Npwp::parse("0013000666091000000007").unwrap();
        assert_eq!(
            (tin(&nitku).as_str(), idtku(&nitku).as_str()),
            ("0013000666091000", "0013000666091000000007")
        );
    }

    #[test]
    fn line_codes_are_checked() {
        assert!(CoretaxLine::new("B", "000000", "UM.0030").unwrap().jasa);
        assert!(CoretaxLine::new("C", "000000", "UM.0030").is_err());
        assert!(CoretaxLine::new("A", "12345", "UM.0030").is_err());
        assert!(CoretaxLine::new("A", "000000", "UM.0040").is_err());
        assert!(is_month_year("012025") && is_month_year("") && !is_month_year("132025"));
    }
}
