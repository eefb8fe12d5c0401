//! A faktur as typed in or imported (`FakturDraft`, raw strings) and as validated (`Faktur`).
//!
//! [`FakturDraft::validate`] is the one way from the first to the second, and it reports every
//! problem at once.

use chrono::{Datelike, NaiveDate};

use super::code::DjpCode;
use super::coretax::{CoretaxHeader, CoretaxLine};
use super::kode_transaksi::KodeTransaksi;
use super::money::{Amount, Rupiah};
use super::npwp::Npwp;
use super::nsfp::{KodeStatus, Nsfp};
use super::said::Said;
use super::tax::{self, LineTax, TotalMismatch, Totals};
use super::text;

/// Longest text DJP's database stores in one field (ETAX-10003 "truncation error").
pub const MAX_TEXT: usize = 255;

/// Which side of the transaction the faktur is for this PKP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jenis {
    /// Faktur Pajak Keluaran: issued by this PKP; the counterparty is the buyer.
    Keluaran,
    /// Faktur Pajak Masukan: received; the counterparty is the seller.
    Masukan { dikreditkan: bool },
}

/// One problem with one field: where (field name as in the CSV header, and item index), the DJP
/// code when one exists, and what is wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    /// Index of the item (0-based) when the problem is in an item.
    pub item: Option<usize>,
    pub code: DjpCode,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
    /// The same, with the same detail, in English.
    pub en: String,
}

impl FieldError {
    pub fn new(field: &'static str, code: DjpCode, said: Said) -> FieldError {
        FieldError {
            field,
            item: None,
            code,
            message: said.id,
            en: said.en,
        }
    }
}

/// Raw input of one faktur, every field as typed or as read from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakturDraft {
    pub kd_jenis_transaksi: String,
    pub fg_pengganti: String,
    /// The 13-digit NSFP.
    pub nomor_faktur: String,
    pub masa_pajak: String,
    pub tahun_pajak: String,
    pub tanggal_faktur: String,
    pub npwp: String,
    pub nama: String,
    pub alamat: String,
    pub jumlah_dpp: String,
    pub jumlah_ppn: String,
    pub jumlah_ppnbm: String,
    pub id_keterangan_tambahan: String,
    pub fg_uang_muka: String,
    pub uang_muka_dpp: String,
    pub uang_muka_ppn: String,
    pub uang_muka_ppnbm: String,
    pub referensi: String,
    pub kode_dokumen_pendukung: String,
    /// Pajak masukan only: `IS_CREDITABLE`; `None` for keluaran.
    pub is_creditable: Option<String>,
    pub items: Vec<FakturItemDraft>,
}

/// Raw input of one OF line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakturItemDraft {
    pub kode_objek: String,
    pub nama: String,
    pub harga_satuan: String,
    pub jumlah_barang: String,
    pub harga_total: String,
    pub diskon: String,
    pub dpp: String,
    pub ppn: String,
    pub tarif_ppnbm: String,
    pub ppnbm: String,
}

/// Uang muka flag: a down payment, or the final payment after down payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UangMuka {
    Tidak,
    UangMuka,
    Pelunasan,
}

/// A validated faktur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faktur {
    pub jenis: Jenis,
    pub kode: KodeTransaksi,
    pub status: KodeStatus,
    pub nsfp: Nsfp,
    pub masa: u8,
    pub tahun: u16,
    pub tanggal: NaiveDate,
    /// Buyer (keluaran) or seller (masukan).
    pub lawan_npwp: Npwp,
    pub lawan_nama: String,
    pub lawan_alamat: String,
    /// NIK of a buyer without NPWP (the `NIK#NIK#NAMA#name` convention).
    pub lawan_nik: Option<String>,
    pub totals: Totals,
    pub keterangan_tambahan: Option<u16>,
    pub uang_muka: UangMuka,
    pub uang_muka_totals: Totals,
    pub referensi: String,
    pub kode_dokumen_pendukung: String,
    /// What a Coretax XML said beyond the fields above (empty for other faktur).
    pub coretax: CoretaxHeader,
    pub items: Vec<FakturItem>,
}

/// A validated OF line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakturItem {
    pub kode_objek: String,
    pub nama: String,
    pub harga_satuan: Amount,
    pub jumlah_barang: Amount,
    pub harga_total: Amount,
    pub diskon: Amount,
    pub dpp: Amount,
    pub ppn: Amount,
    pub tarif_ppnbm: Amount,
    pub ppnbm: Amount,
    /// Goods or services, code and unit as a Coretax XML gave them (`None` for other lines:
    /// the exporter takes them from Referensi Barang/Jasa).
    pub coretax: Option<CoretaxLine>,
}

/// Parses `dd/mm/yyyy`, also unpadded `d/m/yyyy` as Odoo writes it.
pub fn parse_tanggal(input: &str) -> Option<NaiveDate> {
    let mut parts = input.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || d.len() > 2 || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Formats a date the way DJP's CSV export writes it (`dd/mm/yyyy`).
pub fn format_tanggal(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The stored form of a date, `yyyy-mm-dd` (what `NaiveDate`'s `Display` writes), digit by
/// digit: an import stores one per faktur, and the formatting machinery cost ten times more.
pub fn iso_date(d: NaiveDate) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let mut out = String::with_capacity(10);
    for (v, width) in [(y as u32, 4), (m, 2), (day, 2)] {
        if width == 2 {
            out.push('-');
        }
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10u32.pow(p) % 10) as u8));
        }
    }
    out
}

/// Text DJP's upload rejects: control characters and the Unicode replacement character left by
/// a broken encoding (ETAXSERVICE-20021).
pub fn bad_text_char(s: &str) -> Option<char> {
    // Printable ASCII and tabs (nearly every text) hold none: no need to decode characters.
    if s.bytes().all(|b| (b' '..=b'~').contains(&b) || b == b'\t') {
        return None;
    }
    s.chars()
        .find(|c| (c.is_control() && *c != '\t') || *c == '\u{FFFD}')
}

/// Collects errors while the fields are read, so every problem is reported (shared with the
/// retur and dokumen lain rules).
pub(super) struct Checker {
    pub(super) errors: Vec<FieldError>,
    item: Option<usize>,
}

impl Checker {
    pub(super) fn new() -> Checker {
        Checker {
            errors: Vec::new(),
            item: None,
        }
    }

    pub(super) fn push(&mut self, field: &'static str, code: DjpCode, said: Said) {
        let mut e = FieldError::new(field, code, said);
        e.item = self.item;
        self.errors.push(e);
    }

    pub(super) fn amount(&mut self, field: &'static str, raw: &str) -> Option<Amount> {
        match Amount::parse(raw) {
            Ok(a) if a.is_negative() => {
                self.push(field, DjpCode::Etax20004, Said::negative(field));
                None
            }
            Ok(a) => Some(a),
            Err(e) => {
                self.push(field, DjpCode::Etax20004, e.into());
                None
            }
        }
    }

    /// An optional amount: empty means zero.
    fn amount_or_zero(&mut self, field: &'static str, raw: &str) -> Option<Amount> {
        if raw.trim().is_empty() {
            Some(Amount::ZERO)
        } else {
            self.amount(field, raw)
        }
    }

    pub(super) fn rupiah(&mut self, field: &'static str, raw: &str) -> Option<Rupiah> {
        if raw.trim().is_empty() {
            return Some(Rupiah::ZERO);
        }
        let a = self.amount(field, raw)?;
        if a.decimal().fract().is_zero() {
            Some(a.floor())
        } else {
            self.push(
                field,
                DjpCode::Etax20004,
                Said::not_whole_rupiah(field, raw.trim()),
            );
            None
        }
    }

    pub(super) fn text(&mut self, field: &'static str, raw: &str, required: bool) -> String {
        let t = text::trim(raw);
        if required && t.is_empty() {
            self.push(field, DjpCode::Etax20008, Said::required(field));
        }
        if text::longer_than(t, MAX_TEXT) {
            self.push(field, DjpCode::Etax10003, Said::too_long(field));
        }
        if let Some(c) = bad_text_char(t) {
            self.push(field, DjpCode::EtaxService20021, Said::bad_char(field, c));
        }
        t.to_string()
    }

    /// [`Checker::text`] that keeps the spaces around the text: an address is given back
    /// exactly as it came (a CSV round trip must not change it). The length counts them.
    fn text_kept(&mut self, field: &'static str, raw: &str, required: bool) -> String {
        let before = self.errors.len();
        self.text(field, raw, required);
        if self.errors.len() == before && text::longer_than(raw, MAX_TEXT) {
            self.push(field, DjpCode::Etax10003, Said::too_long(field));
        }
        raw.to_string()
    }
}

impl FakturDraft {
    pub fn jenis_is_masukan(&self) -> bool {
        self.is_creditable.is_some()
    }

    /// Validates every field and the arithmetic; returns every problem found.
    pub fn validate(&self) -> Result<Faktur, Vec<FieldError>> {
        let mut c = Checker {
            errors: Vec::new(),
            item: None,
        };
        let nomor = self.nomor_fields(&mut c);
        let period = self.period_fields(&mut c);
        let jenis = self.jenis(&mut c);
        check_period(&mut c, jenis, &nomor, &period);
        let (lawan_npwp, lawan_nama, lawan_nik) = self.lawan(&mut c);
        let lawan_alamat = c.text_kept("ALAMAT_LENGKAP", &self.alamat, jenis == Jenis::Keluaran);
        let totals = self.totals(&mut c);
        let keterangan_tambahan = self.keterangan_tambahan(&mut c, nomor.kode);
        let (uang_muka, uang_muka_totals) = self.uang_muka(&mut c);
        let referensi = c.text("REFERENSI", &self.referensi, false);
        let kode_dokumen_pendukung = c.text(
            "KODE_DOKUMEN_PENDUKUNG",
            &self.kode_dokumen_pendukung,
            false,
        );
        let items = self.items(&mut c);
        if jenis == Jenis::Keluaran {
            self.check_lines(&mut c, &items, totals, tax_date(&nomor, &period));
        }

        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(Faktur {
            jenis,
            kode: nomor.kode.expect("checked"),
            status: nomor.status.expect("checked"),
            nsfp: nomor.nsfp.expect("checked"),
            masa: period.masa.expect("checked"),
            tahun: period.tahun.expect("checked"),
            tanggal: period.tanggal.expect("checked"),
            lawan_npwp: lawan_npwp.expect("checked"),
            lawan_nama,
            lawan_alamat,
            lawan_nik,
            totals,
            keterangan_tambahan,
            uang_muka,
            uang_muka_totals,
            referensi,
            kode_dokumen_pendukung,
            coretax: CoretaxHeader::default(),
            items,
        })
    }

    /// KD_JENIS_TRANSAKSI, FG_PENGGANTI and NOMOR_FAKTUR.
    fn nomor_fields(&self, c: &mut Checker) -> NomorFields {
        nomor_fields(
            c,
            &self.kd_jenis_transaksi,
            &self.fg_pengganti,
            &self.nomor_faktur,
        )
    }

    /// TANGGAL_FAKTUR, MASA_PAJAK and TAHUN_PAJAK, each on its own.
    fn period_fields(&self, c: &mut Checker) -> PeriodFields {
        let tanggal = parse_tanggal(&self.tanggal_faktur);
        if tanggal.is_none() {
            c.push(
                "TANGGAL_FAKTUR",
                DjpCode::Etax20006,
                Said::new(
                    format!(
                        "tanggal '{}' tidak sah; tulis tanggal/bulan/tahun, mis. 23/07/2015",
                        self.tanggal_faktur.trim()
                    ),
                    format!(
                        "the date '{}' is not valid; write day/month/year, e.g. 23/07/2015",
                        self.tanggal_faktur.trim()
                    ),
                ),
            );
        }
        let masa = self
            .masa_pajak
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|m| (1..=12).contains(m));
        if masa.is_none() {
            c.push(
                "MASA_PAJAK",
                DjpCode::Etax20004,
                Said::new(
                    format!("masa pajak '{}' harus bulan 1-12", self.masa_pajak.trim()),
                    format!(
                        "the tax period '{}' must be a month 1-12",
                        self.masa_pajak.trim()
                    ),
                ),
            );
        }
        let tahun = self
            .tahun_pajak
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|y| (2000..=2099).contains(y));
        if tahun.is_none() {
            c.push(
                "TAHUN_PAJAK",
                DjpCode::Etax20004,
                Said::new(
                    format!("tahun pajak '{}' harus 4 digit", self.tahun_pajak.trim()),
                    format!(
                        "the tax year '{}' must have 4 digits",
                        self.tahun_pajak.trim()
                    ),
                ),
            );
        }
        PeriodFields {
            tanggal,
            masa,
            tahun,
        }
    }

    /// Keluaran, or masukan (dikreditkan or not) from IS_CREDITABLE.
    fn jenis(&self, c: &mut Checker) -> Jenis {
        match &self.is_creditable {
            None => Jenis::Keluaran,
            Some(flag) => match flag.trim() {
                "1" => Jenis::Masukan { dikreditkan: true },
                "0" => Jenis::Masukan { dikreditkan: false },
                other => {
                    c.push(
                        "IS_CREDITABLE",
                        DjpCode::Etax20008,
                        Said::new(
                            format!("IS_CREDITABLE harus 1 (dikreditkan) atau 0, bukan '{other}'"),
                            format!("IS_CREDITABLE must be 1 (credited) or 0, not '{other}'"),
                        ),
                    );
                    Jenis::Masukan { dikreditkan: false }
                }
            },
        }
    }

    /// JUMLAH_DPP, JUMLAH_PPN and JUMLAH_PPNBM.
    fn totals(&self, c: &mut Checker) -> Totals {
        Totals {
            dpp: c.rupiah("JUMLAH_DPP", &self.jumlah_dpp).unwrap_or_default(),
            ppn: c.rupiah("JUMLAH_PPN", &self.jumlah_ppn).unwrap_or_default(),
            ppnbm: c
                .rupiah("JUMLAH_PPNBM", &self.jumlah_ppnbm)
                .unwrap_or_default(),
        }
    }

    /// ID_KETERANGAN_TAMBAHAN, required by the kode transaksi that need a facility.
    fn keterangan_tambahan(&self, c: &mut Checker, kode: Option<KodeTransaksi>) -> Option<u16> {
        let keterangan = match self.id_keterangan_tambahan.trim() {
            "" => None,
            t => match t.parse::<u16>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    c.push(
                        "ID_KETERANGAN_TAMBAHAN",
                        DjpCode::Etax20040,
                        Said::new(
                            format!(
                                "ID_KETERANGAN_TAMBAHAN '{t}' harus nomor keterangan (1, 2, ...)"
                            ),
                            format!(
                                "ID_KETERANGAN_TAMBAHAN '{t}' must be a remark number (1, 2, ...)"
                            ),
                        ),
                    );
                    None
                }
            },
        };
        if let Some(k) = kode
            && k.needs_keterangan_tambahan()
            && keterangan.is_none()
        {
            c.push(
                "ID_KETERANGAN_TAMBAHAN",
                DjpCode::Etax20040,
                Said::new(
                    format!(
                        "kode transaksi {k} wajib mengisi ID_KETERANGAN_TAMBAHAN (cap fasilitas)"
                    ),
                    format!(
                        "transaction code {k} needs ID_KETERANGAN_TAMBAHAN (the facility stamp)"
                    ),
                ),
            );
        }
        keterangan
    }

    /// FG_UANG_MUKA and the UANG_MUKA_* amounts.
    fn uang_muka(&self, c: &mut Checker) -> (UangMuka, Totals) {
        let uang_muka = match self.fg_uang_muka.trim() {
            "" | "0" => UangMuka::Tidak,
            "1" => UangMuka::UangMuka,
            "2" => UangMuka::Pelunasan,
            other => {
                c.push(
                    "FG_UANG_MUKA",
                    DjpCode::Etax20008,
                    Said::new(
                        format!(
                            "FG_UANG_MUKA harus 0, 1 (uang muka) atau 2 (pelunasan), bukan '{other}'"
                        ),
                        format!(
                            "FG_UANG_MUKA must be 0, 1 (down payment) or 2 (final payment), not '{other}'"
                        ),
                    ),
                );
                UangMuka::Tidak
            }
        };
        let totals = Totals {
            dpp: c
                .rupiah("UANG_MUKA_DPP", &self.uang_muka_dpp)
                .unwrap_or_default(),
            ppn: c
                .rupiah("UANG_MUKA_PPN", &self.uang_muka_ppn)
                .unwrap_or_default(),
            ppnbm: c
                .rupiah("UANG_MUKA_PPNBM", &self.uang_muka_ppnbm)
                .unwrap_or_default(),
        };
        (uang_muka, totals)
    }

    /// Every OF line; a line with a problem is left out (and reported).
    fn items(&self, c: &mut Checker) -> Vec<FakturItem> {
        let mut items = Vec::with_capacity(self.items.len());
        for (i, d) in self.items.iter().enumerate() {
            c.item = Some(i);
            if let Some(item) = d.validate(c) {
                items.push(item);
            }
        }
        c.item = None;
        items
    }

    /// A faktur keluaran has OF lines, and its header totals are what the lines add up to.
    fn check_lines(
        &self,
        c: &mut Checker,
        items: &[FakturItem],
        header: Totals,
        tanggal: Option<NaiveDate>,
    ) {
        if self.items.is_empty() {
            c.push(
                "OF",
                DjpCode::Etax20022,
                Said::new(
                    "faktur keluaran harus punya paling sedikit satu baris OF (barang/jasa)",
                    "an output tax invoice needs at least one OF row (goods/services)",
                ),
            );
        }
        let Some(t) = tanggal else { return };
        if items.is_empty() || items.len() != self.items.len() {
            return;
        }
        let lines = Totals::of_lines(items.iter().map(FakturItem::line_tax));
        let tarif = tax::ppn_rule(t, header.ppnbm > Rupiah::ZERO).tarif;
        for m in tax::check_totals(header, lines, tarif) {
            let (field, header, lines) = match m {
                TotalMismatch::Dpp { header, lines } => ("JUMLAH_DPP", header, lines),
                TotalMismatch::Ppn { header, lines } => ("JUMLAH_PPN", header, lines),
                TotalMismatch::Ppnbm { header, lines } => ("JUMLAH_PPNBM", header, lines),
            };
            c.push(
                field,
                DjpCode::Etax20028,
                Said::new(
                    format!(
                        "{field} {} tidak sama dengan jumlah baris OF {} (dibulatkan ke bawah)",
                        header, lines
                    ),
                    format!(
                        "{field} {} differs from the sum of the OF rows {} (rounded down)",
                        header, lines
                    ),
                ),
            );
        }
    }

    /// NPWP and name of the counterparty, unpacking `NIK#NIK#NAMA#name` for buyers without NPWP.
    fn lawan(&self, c: &mut Checker) -> (Option<Npwp>, String, Option<String>) {
        let npwp = match Npwp::parse(&self.npwp) {
            Ok(n) => Some(n),
            Err(e) => {
                let code = if self.npwp.trim().is_empty() {
                    DjpCode::Etax20001
                } else {
                    DjpCode::Etax20005
                };
                c.push("NPWP", code, e.into());
                None
            }
        };
        let mut nama = text::trim(&self.nama);
        let mut nik = None;
        // A byte search first: setting up the substring search costs more than the rest.
        if nama.contains('#')
            && let Some((id, rest)) = nama.split_once("#NIK#NAMA#")
        {
            match Npwp::parse(id) {
                Ok(n) if n.kind() == super::npwp::NpwpKind::Nik => {
                    nik = Some(n.digits().to_string())
                }
                _ => c.push(
                    "NAMA",
                    DjpCode::Etax20005,
                    Said::new(
                        format!("NIK '{id}' pada NAMA tidak valid (16 digit NIK)"),
                        format!("the NIK '{id}' in NAMA is not valid (a NIK has 16 digits)"),
                    ),
                ),
            }
            nama = rest;
        }
        let nama = c.text("NAMA", nama, true);
        (npwp, nama, nik)
    }
}

/// The nomor fields as read; `None` where the field was refused.
pub(super) struct NomorFields {
    pub(super) kode: Option<KodeTransaksi>,
    pub(super) status: Option<KodeStatus>,
    pub(super) nsfp: Option<Nsfp>,
}

/// KD_JENIS_TRANSAKSI, FG_PENGGANTI and NOMOR_FAKTUR of a faktur or of the faktur a retur names.
pub(super) fn nomor_fields(
    c: &mut Checker,
    kd_jenis_transaksi: &str,
    fg_pengganti: &str,
    nomor_faktur: &str,
) -> NomorFields {
    let kode = KodeTransaksi::parse(kd_jenis_transaksi);
    if kode.is_none() {
        c.push(
            "KD_JENIS_TRANSAKSI",
            DjpCode::Etax20008,
            Said::new(
                format!(
                    "kode jenis transaksi '{}' tidak dikenal (01-09)",
                    kd_jenis_transaksi.trim()
                ),
                format!(
                    "unknown transaction code '{}' (01-09)",
                    kd_jenis_transaksi.trim()
                ),
            ),
        );
    }
    let status = KodeStatus::from_flag(fg_pengganti);
    if status.is_none() {
        c.push(
            "FG_PENGGANTI",
            DjpCode::Etax20026,
            Said::new(
                format!(
                    "FG_PENGGANTI harus 0 (normal) atau 1 (pengganti), bukan '{}'",
                    fg_pengganti.trim()
                ),
                format!(
                    "FG_PENGGANTI must be 0 (normal) or 1 (replacement), not '{}'",
                    fg_pengganti.trim()
                ),
            ),
        );
    }
    let nsfp = match Nsfp::parse(nomor_faktur) {
        Ok(n) => Some(n),
        Err(e) => {
            c.push("NOMOR_FAKTUR", DjpCode::Etax20007, e.into());
            None
        }
    };
    NomorFields { kode, status, nsfp }
}

/// The date fields as read; `None` where the field was refused.
struct PeriodFields {
    tanggal: Option<NaiveDate>,
    masa: Option<u8>,
    tahun: Option<u16>,
}

/// The fields that must agree with each other: the NSFP's year with the date, the masa with the
/// date. Checked only where each field on its own was fine.
/// The date whose PPN rate applies: the faktur's own, except for a pengganti reported in an
/// earlier masa (its original's), which corrects a delivery of that masa at that masa's rate.
fn tax_date(nomor: &NomorFields, period: &PeriodFields) -> Option<NaiveDate> {
    let t = period.tanggal?;
    let masa_start = match (period.tahun, period.masa) {
        (Some(y), Some(m)) => NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), 1),
        _ => None,
    };
    match masa_start {
        // Rates change on the first of a month: any day of the masa has the original's rate.
        Some(start) if nomor.status == Some(KodeStatus::Pengganti) && start < t => Some(start),
        _ => Some(t),
    }
}

fn check_period(c: &mut Checker, jenis: Jenis, nomor: &NomorFields, period: &PeriodFields) {
    // A pengganti keeps its original's number and masa, so its number's year is the original's:
    // the tahun pajak, not necessarily the year of the pengganti's own (later) date.
    let pengganti = nomor.status == Some(KodeStatus::Pengganti);
    if let (Some(n), Some(t)) = (nomor.nsfp, period.tanggal)
        && !n.valid_for_year(t.year())
        && !(pengganti && period.tahun.is_some_and(|y| n.valid_for_year(i32::from(y))))
    {
        c.push("NOMOR_FAKTUR", DjpCode::Etax30029, Said::serial_year(n, t));
    }
    if let (Some(t), Some(m), Some(y)) = (period.tanggal, period.masa, period.tahun) {
        check_masa(c, jenis, nomor.status, t, m, y);
    }
}

fn check_masa(
    c: &mut Checker,
    jenis: Jenis,
    status: Option<KodeStatus>,
    tanggal: NaiveDate,
    masa: u8,
    tahun: u16,
) {
    let months = |y: i32, m: u32| y * 12 + m as i32;
    let faktur_month = months(tanggal.year(), tanggal.month());
    let masa_month = months(i32::from(tahun), u32::from(masa));
    // A pengganti is dated on or after its original and reported in the original's masa
    // (domain §8.4): an earlier masa is expected there.
    if masa_month < faktur_month && status != Some(KodeStatus::Pengganti) {
        c.push(
            "MASA_PAJAK",
            DjpCode::Etax20024,
            Said::new(
                format!(
                    "masa {masa}/{tahun} lebih awal dari tanggal faktur {}",
                    format_tanggal(tanggal)
                ),
                format!(
                    "the period {masa}/{tahun} is before the invoice date {}",
                    format_tanggal(tanggal)
                ),
            ),
        );
        return;
    }
    match jenis {
        // Normal faktur keluaran are reported in the month of their date; a pengganti in its
        // original's masa, which cannot lie after its own date.
        Jenis::Keluaran if status == Some(KodeStatus::Pengganti) && masa_month > faktur_month => c
            .push(
                "MASA_PAJAK",
                DjpCode::Etax20024,
                Said::new(
                    format!(
                        "faktur pengganti bertanggal {} harus dilaporkan pada masa faktur yang diganti, bukan masa sesudah tanggalnya ({masa}/{tahun})",
                        format_tanggal(tanggal)
                    ),
                    format!(
                        "a replacement invoice dated {} is reported in the period of the invoice it replaces, not a period after its date ({masa}/{tahun})",
                        format_tanggal(tanggal)
                    ),
                ),
            ),
        Jenis::Keluaran if status == Some(KodeStatus::Normal) && masa_month != faktur_month => c
            .push(
                "MASA_PAJAK",
                DjpCode::Etax20024,
                Said::new(
                    format!(
                        "faktur keluaran bertanggal {} harus dilaporkan pada masa {}/{}, bukan {masa}/{tahun}",
                        format_tanggal(tanggal),
                        tanggal.month(),
                        tanggal.year()
                    ),
                    format!(
                        "an output tax invoice dated {} is reported in the period {}/{}, not {masa}/{tahun}",
                        format_tanggal(tanggal),
                        tanggal.month(),
                        tanggal.year()
                    ),
                ),
            ),
        Jenis::Masukan { .. } if masa_month > faktur_month + 3 => c.push(
            "MASA_PAJAK",
            DjpCode::Etax20025,
            Said::new(
                format!(
                    "faktur masukan bertanggal {} hanya dapat dikreditkan sampai 3 masa sesudahnya",
                    format_tanggal(tanggal)
                ),
                format!(
                    "an input tax invoice dated {} can be credited up to 3 periods later only",
                    format_tanggal(tanggal)
                ),
            ),
        ),
        _ => {}
    }
}

impl FakturItemDraft {
    fn validate(&self, c: &mut Checker) -> Option<FakturItem> {
        let before = c.errors.len();
        let kode_objek = c.text("KODE_OBJEK", &self.kode_objek, false);
        let nama = c.text("NAMA", &self.nama, true);
        let harga_satuan = c.amount("HARGA_SATUAN", &self.harga_satuan);
        let jumlah_barang = c.amount("JUMLAH_BARANG", &self.jumlah_barang);
        let harga_total = c.amount("HARGA_TOTAL", &self.harga_total);
        let diskon = c.amount_or_zero("DISKON", &self.diskon);
        let dpp = c.amount("DPP", &self.dpp);
        let ppn = c.amount("PPN", &self.ppn);
        let tarif_ppnbm = c.amount_or_zero("TARIF_PPNBM", &self.tarif_ppnbm);
        let ppnbm = c.amount_or_zero("PPNBM", &self.ppnbm);
        if c.errors.len() > before {
            return None;
        }
        let item = FakturItem {
            kode_objek,
            nama,
            harga_satuan: harga_satuan?,
            jumlah_barang: jumlah_barang?,
            harga_total: harga_total?,
            diskon: diskon?,
            dpp: dpp?,
            ppn: ppn?,
            tarif_ppnbm: tarif_ppnbm?,
            ppnbm: ppnbm?,
            coretax: None,
        };
        // Generators round the unit price; a difference under one rupiah is not an error.
        let Some(product) = item.harga_satuan.checked_mul(item.jumlah_barang) else {
            c.push(
                "HARGA_SATUAN",
                DjpCode::Etax20004,
                Said::new(
                    format!(
                        "HARGA_SATUAN {} x JUMLAH_BARANG {} terlalu besar untuk dihitung",
                        item.harga_satuan, item.jumlah_barang
                    ),
                    format!(
                        "HARGA_SATUAN {} x JUMLAH_BARANG {} is too large to compute",
                        item.harga_satuan, item.jumlah_barang
                    ),
                ),
            );
            return None;
        };
        if (product - item.harga_total).decimal().abs() >= rust_decimal::Decimal::ONE {
            c.push(
                "HARGA_TOTAL",
                DjpCode::Etax20028,
                Said::new(
                    format!(
                        "HARGA_TOTAL {} tidak sama dengan HARGA_SATUAN x JUMLAH_BARANG = {}",
                        item.harga_total, product
                    ),
                    format!(
                        "HARGA_TOTAL {} differs from HARGA_SATUAN x JUMLAH_BARANG = {}",
                        item.harga_total, product
                    ),
                ),
            );
        }
        if item.diskon > item.harga_total {
            c.push(
                "DISKON",
                DjpCode::Etax20004,
                Said::new(
                    format!(
                        "DISKON {} lebih besar dari HARGA_TOTAL {}",
                        item.diskon, item.harga_total
                    ),
                    format!(
                        "DISKON {} is greater than HARGA_TOTAL {}",
                        item.diskon, item.harga_total
                    ),
                ),
            );
        }
        Some(item)
    }
}

impl FakturItem {
    /// The line's values as the totals check sums them.
    pub fn line_tax(&self) -> LineTax {
        LineTax {
            dpp: self.dpp,
            ppn: self.ppn,
            ppnbm: self.ppnbm,
        }
    }
}

impl Faktur {
    /// The full nomor faktur (kode transaksi + status + NSFP).
    pub fn nomor(&self) -> super::nsfp::NomorFaktur {
        super::nsfp::NomorFaktur {
            kode: self.kode,
            status: self.status,
            nsfp: self.nsfp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A faktur as DJP's 2015 export sample has it (one line, 10 % PPN, floored header).
    pub(crate) fn sample() -> FakturDraft {
        FakturDraft {
            kd_jenis_transaksi: "01".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: "0001500000001".into(),
            masa_pajak: "7".into(),
            tahun_pajak: "2015".into(),
            tanggal_faktur: "23/07/2015".into(),
            npwp: "013000666091000".into(),
            nama: "PT PEMBELI JAYA".into(),
            alamat: "JL. MERDEKA NO. 1, JAKARTA".into(),
            jumlah_dpp: "5794456".into(),
            jumlah_ppn: "579445".into(),
            jumlah_ppnbm: "0".into(),
            items: vec![FakturItemDraft {
                kode_objek: "B001".into(),
                nama: "Semen 50kg".into(),
                harga_satuan: "5794456.0".into(),
                jumlah_barang: "1.0".into(),
                harga_total: "5794456.0".into(),
                diskon: "0".into(),
                dpp: "5794456.0".into(),
                ppn: "579445.6".into(),
                tarif_ppnbm: "0".into(),
                ppnbm: "0".into(),
            }],
            ..FakturDraft::default()
        }
    }

    #[test]
    fn iso_date_is_what_display_writes() {
        for (y, m, d) in [
            (2024, 1, 5),
            (2099, 12, 31),
            (2000, 2, 29),
            (999, 7, 4),
            (12345, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.to_string());
        }
    }

    #[test]
    fn a_good_draft_validates() {
        let f = sample().validate().unwrap();
        assert_eq!(f.nomor().to_string(), "010.000-15.00000001");
        assert_eq!(f.totals.ppn, Rupiah::new(579_445));
        assert_eq!(f.items.len(), 1);
        assert_eq!(f.jenis, Jenis::Keluaran);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut d = sample();
        d.kd_jenis_transaksi = "07".into(); // needs keterangan tambahan
        d.npwp = "013000667091000".into(); // bad check digit
        d.tanggal_faktur = "31/02/2015".into(); // no such date
        d.jumlah_dpp = "5.794.456".into(); // thousands separator
        d.items[0].ppn = "abc".into();
        d.nama = "PT\u{0007}BEL".into();
        let errors = d.validate().unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        for expected in [
            ("ID_KETERANGAN_TAMBAHAN", DjpCode::Etax20040),
            ("NPWP", DjpCode::Etax20005),
            ("TANGGAL_FAKTUR", DjpCode::Etax20006),
            ("JUMLAH_DPP", DjpCode::Etax20004),
            ("PPN", DjpCode::Etax20004),
            ("NAMA", DjpCode::EtaxService20021),
        ] {
            assert!(
                codes.contains(&expected),
                "{expected:?} missing in {codes:?}"
            );
        }
        let ppn = errors.iter().find(|e| e.field == "PPN").unwrap();
        assert_eq!(ppn.item, Some(0));
    }

    #[test]
    fn year_digits_must_match_the_date() {
        let mut d = sample();
        d.nomor_faktur = "0001600000001".into();
        let errors = d.validate().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, DjpCode::Etax30029);
    }

    #[test]
    fn header_must_match_lines() {
        let mut d = sample();
        d.jumlah_ppn = "579446".into(); // rounded up instead of down
        let errors = d.validate().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].field, errors[0].code),
            ("JUMLAH_PPN", DjpCode::Etax20028)
        );
    }

    #[test]
    fn masa_rules_for_keluaran_and_masukan() {
        let mut d = sample();
        d.masa_pajak = "6".into();
        assert_eq!(d.validate().unwrap_err()[0].code, DjpCode::Etax20024);
        d.masa_pajak = "8".into();
        assert_eq!(d.validate().unwrap_err()[0].code, DjpCode::Etax20024);

        let mut m = sample();
        m.items.clear();
        m.is_creditable = Some("1".into());
        m.masa_pajak = "10".into(); // 3 masa later: allowed
        assert!(m.validate().is_ok());
        m.masa_pajak = "11".into();
        assert_eq!(m.validate().unwrap_err()[0].code, DjpCode::Etax20025);
    }

    #[test]
    fn a_pengganti_dated_later_keeps_its_originals_masa_and_number_year() {
        // Original: masa 7/2015 (sample). Pengganti dated in the next month, and in the next year.
        let mut d = sample();
        d.fg_pengganti = "1".into();
        d.tanggal_faktur = "10/08/2015".into();
        assert!(d.validate().is_ok(), "{:?}", d.validate());
        d.tanggal_faktur = "05/01/2016".into();
        assert!(d.validate().is_ok(), "{:?}", d.validate());
        // Not a masa after its own date, and a normal faktur still reports in its date's month.
        d.tanggal_faktur = "10/06/2015".into();
        assert_eq!(d.validate().unwrap_err()[0].code, DjpCode::Etax20024);
        d.fg_pengganti = "0".into();
        d.tanggal_faktur = "10/08/2015".into();
        assert_eq!(d.validate().unwrap_err()[0].code, DjpCode::Etax20024);

        // Across a change of rate: a pengganti dated April 2022 of a March 2022 faktur keeps 10 %.
        let mut p = sample();
        p.fg_pengganti = "1".into();
        p.nomor_faktur = "0002200000001".into();
        p.masa_pajak = "3".into();
        p.tahun_pajak = "2022".into();
        p.tanggal_faktur = "04/04/2022".into();
        assert!(p.validate().is_ok(), "{:?}", p.validate());
    }

    #[test]
    fn nik_buyer_convention() {
        let mut d = sample();
        d.npwp = "000000000000000".into();
        d.nama = "3578104709870002#NIK#NAMA#Siti Aminah".into();
        let f = d.validate().unwrap();
        assert!(f.lawan_npwp.is_none());
        assert_eq!(f.lawan_nik.as_deref(), Some("3578104709870002"));
        assert_eq!(f.lawan_nama, "Siti Aminah");
    }

    #[test]
    fn dates_padded_or_not() {
        assert_eq!(
            parse_tanggal("3/7/2015"),
            NaiveDate::from_ymd_opt(2015, 7, 3)
        );
        assert_eq!(
            parse_tanggal("03/07/2015"),
            NaiveDate::from_ymd_opt(2015, 7, 3)
        );
        for bad in ["2015-07-03", "03/07/15", "32/01/2015", "03/07/2015/1", ""] {
            assert_eq!(parse_tanggal(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_over_255_characters_is_refused() {
        let mut d = sample();
        d.alamat = "A".repeat(256);
        let e = d.validate().unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code),
            ("ALAMAT_LENGKAP", DjpCode::Etax10003)
        );
    }

    #[test]
    fn huge_amounts_are_refused_not_a_panic() {
        let huge = "9".repeat(20);
        let mut d = sample();
        d.items[0].harga_satuan = huge.clone();
        d.items[0].jumlah_barang = huge.clone();
        d.items[0].harga_total = huge.clone();
        d.jumlah_dpp = huge;
        let e = d.validate().unwrap_err();
        assert!(
            e.iter()
                .any(|e| e.field == "JUMLAH_DPP" && e.code == DjpCode::Etax20004),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|e| e.field == "HARGA_SATUAN" && e.code == DjpCode::Etax20004),
            "{e:?}"
        );
        // Each value allowed, but their product beyond what can be computed exactly.
        let max = "9".repeat(crate::domain::money::MAX_INTEGER_DIGITS);
        let mut d = sample();
        d.items[0].harga_satuan = max.clone();
        d.items[0].jumlah_barang = max;
        let e = d.validate().unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code, e[0].item),
            ("HARGA_SATUAN", DjpCode::Etax20004, Some(0))
        );
    }
}
