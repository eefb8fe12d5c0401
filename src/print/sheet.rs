//! What a faktur puts on paper, prepared before drawing: texts already formatted and wrapped,
//! and the items split into pages (so every page knows "N dari M" before it is drawn).

use crate::domain::faktur::UangMuka;
use crate::domain::{Amount, ApprovalStatus, BuyerDocument, FakturStatus};
use crate::store::faktur::StoredFaktur;
use crate::store::profile::Profile;

use super::PrintOptions;
use super::fonts::fonts;
use super::format;
use super::geometry::*;

/// A row of a party block: label and its wrapped value lines.
pub struct Row {
    pub label: &'static str,
    pub lines: Vec<String>,
}

impl Row {
    fn new(label: &'static str, value: &str) -> Row {
        Row {
            label,
            lines: fonts().regular.wrap(value, BODY, VALUE_W),
        }
    }

    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * LINE
    }
}

/// One item of the table: its number, the text lines of its middle cell, its amount.
pub struct ItemBlock {
    pub no: String,
    pub lines: Vec<String>,
    pub amount: String,
}

impl ItemBlock {
    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * LINE + 2.0 * CELL_PAD
    }
}

/// The large diagonal word over the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watermark {
    Draf,
    Batal,
    Diganti,
}

impl Watermark {
    pub fn text(self) -> &'static str {
        match self {
            Watermark::Draf => "DRAF",
            Watermark::Batal => "BATAL",
            Watermark::Diganti => "DIGANTI",
        }
    }
}

/// Everything printed on one faktur.
pub struct Sheet {
    pub nomor: String,
    pub seller: Vec<Row>,
    pub buyer: Vec<Row>,
    pub items: Vec<ItemBlock>,
    pub totals: Vec<(String, String)>,
    /// DJP's (here: our e-Nofa service's) approval: e-signature sentence, notice and QR.
    pub approved: bool,
    pub qr_url: Option<String>,
    pub watermark: Option<Watermark>,
    pub place_date: String,
    pub signer: String,
    pub referensi: String,
    /// The e-signature paragraph, wrapped (empty when not approved).
    pub esign: Vec<String>,
    /// Kode 07/08: the cap fasilitas sentence and the Dokumen Referensi line, wrapped (bold,
    /// centred under the totals); empty for other kode.
    pub cap: Vec<String>,
    /// Items per page (ranges into `items`); the totals and signature follow the last page's items.
    pub pages: Vec<std::ops::Range<usize>>,
}

pub const ESIGN: &str = "Sesuai dengan ketentuan yang berlaku, Direktorat Jenderal Pajak mengatur bahwa Faktur Pajak ini telah ditandatangani secara elektronik sehingga tidak diperlukan tanda tangan basah pada Faktur Pajak ini.";

pub const NOTICE: &str = "PEMBERITAHUAN: Faktur Pajak ini telah dilaporkan ke Direktorat Jenderal Pajak dan telah memperoleh persetujuan sesuai dengan ketentuan peraturan perpajakan yang berlaku. PERINGATAN: PKP yang menerbitkan Faktur Pajak yang tidak sesuai dengan keadaan yang sebenarnya dan/atau sesungguhnya sebagaimana dimaksud Pasal 13 ayat (9) UU PPN dikenai sanksi sesuai dengan Pasal 14 ayat (4) UU KUP";

impl Sheet {
    pub fn new(sf: &StoredFaktur, seller: &Profile, opts: &PrintOptions) -> Sheet {
        let f = &sf.faktur;
        let approved = sf.approval == ApprovalStatus::ApprovalSukses;
        let watermark = match sf.status {
            FakturStatus::Batal => Some(Watermark::Batal),
            FakturStatus::Diganti => Some(Watermark::Diganti),
            _ if !approved => Some(Watermark::Draf),
            _ => None,
        };
        let seller_rows = vec![
            Row::new("Nama", &seller.nama),
            Row::new("Alamat", &seller.alamat),
            Row::new("NPWP", &seller.npwp.to_string()),
        ];
        let mut buyer = vec![
            Row::new("Nama", &f.lawan_nama),
            Row::new("Alamat", &f.lawan_alamat),
            Row::new("NPWP", &f.lawan_npwp.to_string()),
        ];
        if let Some(nik) = &f.lawan_nik {
            buyer.push(Row::new("NIK", nik));
        } else if let (Some(doc), Some(number)) =
            (f.coretax.buyer_document, &f.coretax.buyer_document_number)
            && !number.trim().is_empty()
        {
            let label = match doc {
                BuyerDocument::Tin => None,
                BuyerDocument::NationalId => Some("NIK"),
                BuyerDocument::Passport => Some("Nomor Paspor"),
                BuyerDocument::OtherId => Some("Identitas Lain"),
            };
            if let Some(label) = label {
                buyer.push(Row::new(label, number));
            }
        }

        let regular = &fonts().regular;
        let items: Vec<ItemBlock> = f
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let mut lines = regular.wrap(&it.nama, BODY, NAME_W);
                lines.push(format!(
                    "Rp {} x {}",
                    format::plain(it.harga_satuan),
                    format::plain(it.jumlah_barang)
                ));
                if it.diskon > Amount::ZERO {
                    lines.push(format!("Potongan Harga = Rp {}", format::rupiah(it.diskon)));
                }
                if it.tarif_ppnbm > Amount::ZERO || it.ppnbm > Amount::ZERO {
                    lines.push(format!(
                        "PPnBM ({}) = Rp {}",
                        format::percent(it.tarif_ppnbm),
                        format::rupiah(it.ppnbm)
                    ));
                }
                ItemBlock {
                    no: (i + 1).to_string(),
                    lines,
                    amount: format::rupiah(it.harga_total),
                }
            })
            .collect();

        let sum = |g: fn(&crate::domain::FakturItem) -> Amount| {
            f.items.iter().fold(Amount::ZERO, |s, it| s + g(it))
        };
        let harga_jual = sum(|it| it.harga_total);
        let potongan = sum(|it| it.diskon);
        let uang_muka = match f.uang_muka {
            UangMuka::Pelunasan => Amount::from_rupiah(f.uang_muka_totals.dpp),
            _ => Amount::ZERO,
        };
        let dpp = Amount::from_rupiah(f.totals.dpp);
        // DPP Nilai Lain (e.g. 11/12 of the price from 2025): the base differs from the price.
        let dpp_label = if (harga_jual - potongan - uang_muka).floor() != f.totals.dpp {
            "Dasar Pengenaan Pajak (DPP Nilai Lain)"
        } else {
            "Dasar Pengenaan Pajak"
        };
        let totals = vec![
            (
                "Harga Jual / Penggantian".to_string(),
                format::rupiah(harga_jual),
            ),
            (
                "Dikurangi Potongan Harga".to_string(),
                format::rupiah(potongan),
            ),
            ("Dikurangi Uang Muka".to_string(), format::rupiah(uang_muka)),
            (dpp_label.to_string(), format::rupiah(dpp)),
            ("Total PPN".to_string(), format::rupiah_total(f.totals.ppn)),
            (
                "Total PPnBM (Pajak Penjualan Barang Mewah)".to_string(),
                format::rupiah_total(f.totals.ppnbm),
            ),
        ];

        let tanggal = format::tanggal(f.tanggal);
        let place_date = match opts.kota.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => format!("{k}, {tanggal}"),
            _ => tanggal,
        };
        let esign = if approved {
            regular.wrap(ESIGN, SMALL, RIGHT - LEFT)
        } else {
            Vec::new()
        };
        let cap = cap_lines(f);
        let mut sheet = Sheet {
            nomor: f.nomor().to_string(),
            seller: seller_rows,
            buyer,
            items,
            totals,
            approved,
            qr_url: if approved { sf.qr_url.clone() } else { None },
            watermark,
            place_date,
            signer: opts.penandatangan.clone().unwrap_or_default(),
            referensi: f.referensi.trim().to_string(),
            esign,
            cap,
            pages: Vec::new(),
        };
        sheet.pages = paginate(
            sheet.items.iter().map(ItemBlock::height),
            sheet.first_items_top(),
            CONT_ITEMS_TOP,
            sheet.tail_height(),
        );
        sheet
    }

    /// The cap lines and the gap above them.
    pub fn cap_height(&self) -> f32 {
        if self.cap.is_empty() {
            0.0
        } else {
            GAP + self.cap.len() as f32 * LINE
        }
    }

    fn block_height(rows: &[Row]) -> f32 {
        SECTION_HEAD + rows.iter().map(Row::height).sum::<f32>() + 2.0 * CELL_PAD
    }

    /// Where the seller block begins, below the nomor row.
    pub fn seller_top(&self) -> f32 {
        BOX_TOP + NOMOR_ROW
    }

    pub fn buyer_top(&self) -> f32 {
        self.seller_top() + Self::block_height(&self.seller)
    }

    pub fn table_top(&self) -> f32 {
        self.buyer_top() + Self::block_height(&self.buyer)
    }

    fn first_items_top(&self) -> f32 {
        self.table_top() + TABLE_HEAD
    }

    /// Totals rows, the e-signature paragraph and the signature/QR block.
    pub fn tail_height(&self) -> f32 {
        self.totals.len() as f32 * TOTAL_ROW
            + self.cap_height()
            + GAP
            + self.esign.len() as f32 * SMALL_LINE
            + GAP
            + SIGN_BLOCK
    }
}

/// DJP's cap on a faktur of kode 07 (PPN tidak dipungut).
pub const CAP_07: &str = "Pajak Pertambahan Nilai atau Pajak Pertambahan Nilai dan Pajak Penjualan atas Barang Mewah tidak dipungut";
/// ... and of kode 08 (dibebaskan).
pub const CAP_08: &str = "Pajak Pertambahan Nilai atau Pajak Pertambahan Nilai dan Pajak Penjualan atas Barang Mewah dibebaskan";

/// The cap of kode 07/08 with the number of its keterangan tambahan, and the Dokumen Referensi
/// (the supporting document) where there is one.
fn cap_lines(f: &crate::domain::Faktur) -> Vec<String> {
    let sentence = match f.kode.value() {
        7 => CAP_07,
        8 => CAP_08,
        _ => return Vec::new(),
    };
    let bold = &fonts().bold;
    let text = match f.keterangan_tambahan {
        Some(n) => format!("{sentence} (keterangan tambahan {n})"),
        None => sentence.to_string(),
    };
    let mut lines = bold.wrap(&text, BODY, RIGHT - LEFT - 40.0);
    let dokumen = f.kode_dokumen_pendukung.trim();
    if !dokumen.is_empty() && dokumen != "0" {
        lines.push(format!("Dokumen Referensi : {dokumen}"));
    }
    lines
}

/// Splits items of the given heights into pages: the first page's items start at `first_top`,
/// the others' at `next_top`, all end above [`CONTENT_BOTTOM`]; the last page also needs `tail`
/// below its items (when it does not fit, the tail gets a page of its own, with no items).
pub fn paginate(
    heights: impl Iterator<Item = f32>,
    first_top: f32,
    next_top: f32,
    tail: f32,
) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let (mut start, mut y) = (0, first_top);
    let mut n = 0;
    let mut last_h = 0.0;
    for h in heights {
        if y + h > CONTENT_BOTTOM && n > start {
            pages.push(start..n);
            start = n;
            y = next_top;
        }
        y += h;
        n += 1;
        last_h = h;
    }
    if y + tail > CONTENT_BOTTOM && n > start {
        // The totals do not fit under the last items: the last item goes along with them
        // (totals alone on a page read as a separate document), unless it is the page's only one.
        let keep = if n - start > 1 && next_top + last_h + tail <= CONTENT_BOTTOM {
            n - 1
        } else {
            n
        };
        pages.push(start..keep);
        start = keep;
    }
    pages.push(start..n);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::faktur::{FakturDraft, FakturItemDraft};
    use crate::domain::{FakturStatus, Npwp};

    /// Kode 04 of 2025: DPP Nilai Lain 11/12 of the price, PPN 12 % of it.
    fn nilai_lain() -> StoredFaktur {
        let d = FakturDraft {
            kd_jenis_transaksi: "04".into(),
            fg_pengganti: "0".into(),
            nomor_faktur: "0002500000001".into(),
            masa_pajak: "2".into(),
            tahun_pajak: "2025".into(),
            tanggal_faktur: "03/02/2025".into(),
            npwp: "013000666091000".into(),
            nama: "PT PEMBELI JAYA".into(),
            alamat: "JL. MERDEKA NO. 1, JAKARTA".into(),
            jumlah_dpp: "1100000".into(),
            jumlah_ppn: "132000".into(),
            jumlah_ppnbm: "0".into(),
            items: vec![FakturItemDraft {
                kode_objek: "B001".into(),
                nama: "Semen 50kg".into(),
                harga_satuan: "120000".into(),
                jumlah_barang: "10".into(),
                harga_total: "1200000".into(),
                diskon: "0".into(),
                dpp: "1100000".into(),
                ppn: "132000".into(),
                tarif_ppnbm: "0".into(),
                ppnbm: "0".into(),
            }],
            ..FakturDraft::default()
        };
        StoredFaktur {
            id: 1,
            faktur: d.validate().unwrap(),
            status: FakturStatus::Normal,
            approval: ApprovalStatus::Draft,
            approval_time: None,
            qr_url: Some("https://127.0.0.1/validasi/faktur/x/y/z".into()),
            reject_code: None,
            reject_message: None,
        }
    }

    #[test]
    fn dpp_nilai_lain_is_named_and_a_draft_gets_no_approval_marks() {
        let seller = Profile::new(Npwp::parse("013463476415001").unwrap(), "PT A", "Jakarta");
        let s = Sheet::new(&nilai_lain(), &seller, &PrintOptions::default());
        let dpp = s
            .totals
            .iter()
            .find(|(l, _)| l.starts_with("Dasar"))
            .unwrap();
        assert_eq!(dpp.0, "Dasar Pengenaan Pajak (DPP Nilai Lain)");
        assert_eq!(dpp.1, "1.100.000,00");
        assert_eq!(s.totals[0].1, "1.200.000,00");
        assert_eq!(s.items[0].lines[1], "Rp 120.000 x 10");
        // Not approved: no QR even when a URL is stored, no e-signature sentence, DRAF.
        assert!(s.qr_url.is_none() && s.esign.is_empty());
        assert_eq!(s.watermark, Some(Watermark::Draf));
        assert_eq!(s.place_date, "3 Februari 2025", "no kota: the date alone");
    }

    #[test]
    fn items_fill_pages_and_the_tail_stays_on_the_last_one() {
        // Everything fits on one page.
        assert_eq!(
            paginate([20.0; 3].into_iter(), 300.0, 100.0, 200.0),
            vec![0..3]
        );
        // No items: one page.
        assert_eq!(paginate([].into_iter(), 300.0, 100.0, 200.0), vec![0..0]);
        // Items overflow the first page; the rest and the tail on the second.
        let pages = paginate([40.0; 20].into_iter(), 300.0, 100.0, 200.0);
        let per_first = ((CONTENT_BOTTOM - 300.0) / 40.0) as usize;
        assert_eq!(pages[0], 0..per_first);
        assert_eq!(pages.last().unwrap().end, 20);
        // Items that fill the first page exactly: the last one goes with the totals.
        let n = ((CONTENT_BOTTOM - 300.0) / 20.0) as usize;
        let pages = paginate(std::iter::repeat_n(20.0, n), 300.0, 100.0, 200.0);
        assert_eq!(pages, vec![0..n - 1, n - 1..n]);
        // A single item too tall to share its page with the totals: the totals alone.
        let pages = paginate([400.0].into_iter(), 300.0, 100.0, 200.0);
        assert_eq!(pages, vec![0..1, 1..1]);
    }
}
