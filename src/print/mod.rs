//! Cetak Faktur: the printed faktur pajak as PDF (A4, the PER-03/PJ/2022 form as DJP's e-Faktur
//! Desktop prints it), with DJP's approval marks and the validation QR code only on approved
//! faktur, and DRAF / BATAL / DIGANTI watermarks.
//!
//! [`sheet`] prepares the texts and the page breaks, [`draw`] puts them on krilla pages,
//! [`qr`] makes the QR image, [`fonts`] holds the embedded typeface and its metrics; [`merge`]
//! writes many faktur into one PDF as they are drawn (`efaktur cetak --gabung`).

pub mod batch;
pub mod draw;
pub mod fonts;
pub mod format;
pub mod geometry;
pub mod merge;
pub mod qr;
pub mod sheet;

use krilla::Document;
use krilla::metadata::Metadata;

use crate::domain::Faktur;
use crate::store::faktur::StoredFaktur;
use crate::store::profile::Profile;

/// Who signs and where (settings, overridden by the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// Place before the date: `JAKARTA, 5 Maret 2025`.
    pub kota: Option<String>,
    /// Name under the signature.
    pub penandatangan: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("PDF faktur tidak dapat dibuat: {0}")]
    Pdf(String),
}

/// One or more faktur as one PDF; each faktur starts on a new page.
pub struct PdfFile {
    doc: Document,
    faktur: usize,
    /// The first faktur's nomor, for the document title.
    first: String,
}

impl Default for PdfFile {
    fn default() -> Self {
        PdfFile::new()
    }
}

impl PdfFile {
    pub fn new() -> PdfFile {
        PdfFile {
            doc: Document::new(),
            faktur: 0,
            first: String::new(),
        }
    }

    /// Adds the pages of one faktur.
    pub fn add(&mut self, f: &StoredFaktur, seller: &Profile, opts: &PrintOptions) {
        if self.faktur == 0 {
            self.first = f.faktur.nomor().to_string();
        }
        draw::sheet(&mut self.doc, &sheet::Sheet::new(f, seller, opts));
        self.faktur += 1;
    }

    pub fn faktur(&self) -> usize {
        self.faktur
    }

    /// The finished PDF: fonts subsetted, everything serialized.
    pub fn finish(mut self) -> Result<Vec<u8>, PrintError> {
        let title = match self.faktur {
            1 => format!("Faktur Pajak {}", self.first),
            n => format!("Faktur Pajak ({n} faktur)"),
        };
        self.doc.set_metadata(
            Metadata::new()
                .title(title)
                .creator("efaktur cetak".to_string()),
        );
        self.doc
            .finish()
            .map_err(|e| PrintError::Pdf(format!("{e:?}")))
    }
}

/// One faktur as a PDF.
pub fn faktur_pdf(
    f: &StoredFaktur,
    seller: &Profile,
    opts: &PrintOptions,
) -> Result<Vec<u8>, PrintError> {
    let mut file = PdfFile::new();
    file.add(f, seller, opts);
    file.finish()
}

/// `010.008-22.04067870.pdf`: a faktur's file name in a folder of printed faktur.
pub fn file_name(f: &Faktur) -> String {
    format!("{}.pdf", f.nomor())
}
