//! Reads e-Faktur CSV files (Pajak Keluaran FK/LT/FAPR/OF, Pajak Masukan FM) as they come from
//! DJP's export and from ERP generators, one faktur at a time, so memory does not grow with the file.
//!
//! Accepted: quoted or unquoted fields, `,` or `;` (detected from the first line), LF or CRLF,
//! UTF-8 with or without BOM, header rows present or absent, FK with 19 (before e-Faktur 3.1) or 20
//! columns, FAPR in DJP's 7-field shape or the older LT shape, rows padded with trailing empty
//! fields, and Odoo's `\"` escaping of quotes inside fields.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use crate::domain::said::Said;
use crate::domain::text::trim;
use crate::domain::{DjpCode, FakturDraft, FakturItemDraft};
use crate::store::party::LawanTransaksi;

use super::report::{FileKind, Problem, Problems};

/// Column names of each row kind, as in DJP's header rows.
pub const FK_COLUMNS: [&str; 20] = [
    "FK",
    "KD_JENIS_TRANSAKSI",
    "FG_PENGGANTI",
    "NOMOR_FAKTUR",
    "MASA_PAJAK",
    "TAHUN_PAJAK",
    "TANGGAL_FAKTUR",
    "NPWP",
    "NAMA",
    "ALAMAT_LENGKAP",
    "JUMLAH_DPP",
    "JUMLAH_PPN",
    "JUMLAH_PPNBM",
    "ID_KETERANGAN_TAMBAHAN",
    "FG_UANG_MUKA",
    "UANG_MUKA_DPP",
    "UANG_MUKA_PPN",
    "UANG_MUKA_PPNBM",
    "REFERENSI",
    "KODE_DOKUMEN_PENDUKUNG",
];
pub const LT_COLUMNS: [&str; 14] = [
    "LT",
    "NPWP",
    "NAMA",
    "JALAN",
    "BLOK",
    "NOMOR",
    "RT",
    "RW",
    "KECAMATAN",
    "KELURAHAN",
    "KABUPATEN",
    "PROPINSI",
    "KODE_POS",
    "NOMOR_TELEPON",
];
pub const OF_COLUMNS: [&str; 11] = [
    "OF",
    "KODE_OBJEK",
    "NAMA",
    "HARGA_SATUAN",
    "JUMLAH_BARANG",
    "HARGA_TOTAL",
    "DISKON",
    "DPP",
    "PPN",
    "TARIF_PPNBM",
    "PPNBM",
];
pub const FM_COLUMNS: [&str; 14] = [
    "FM",
    "KD_JENIS_TRANSAKSI",
    "FG_PENGGANTI",
    "NOMOR_FAKTUR",
    "MASA_PAJAK",
    "TAHUN_PAJAK",
    "TANGGAL_FAKTUR",
    "NPWP",
    "NAMA",
    "ALAMAT_LENGKAP",
    "JUMLAH_DPP",
    "JUMLAH_PPN",
    "JUMLAH_PPNBM",
    "IS_CREDITABLE",
];
/// FAPR rows: DJP's export writes 7 fields; older Odoo wrote them in the 14-field LT shape.
const FAPR_MAX: usize = 14;

/// One faktur read from the file, with the lines it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFaktur {
    pub draft: FakturDraft,
    /// Line of the FK or FM row.
    pub line: u64,
    /// Line of each OF row, in item order.
    pub item_lines: Vec<u64>,
    /// The LT row that followed the FK, if any.
    pub lawan: Option<ParsedLawan>,
    /// Problems of this faktur's rows found while reading (column counts, encoding).
    pub problems: Vec<Problem>,
}

/// An LT row: a Referensi Lawan Transaksi entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLawan {
    pub line: u64,
    pub party: LawanTransaksi,
    pub problems: Vec<Problem>,
}

/// What the reader hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Faktur(Box<ParsedFaktur>),
    /// An LT row not attached to a faktur (a Lawan Transaksi reference file).
    Lawan(Box<ParsedLawan>),
}

/// Reading choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// `,` or `;`; detected from the first line when `None`.
    pub delimiter: Option<u8>,
}

/// Streaming reader of one CSV file.
pub struct CsvReader<R: Read> {
    inner: Source<R>,
    record: csv::ByteRecord,
    kind: Option<FileKind>,
    pending: Option<ParsedFaktur>,
    /// Problems not tied to one faktur (unknown rows, OF without FK...); a file of nothing but
    /// unknown rows yields no entry, so this list is capped until the caller takes it.
    problems: Problems,
    first_row: bool,
    done: bool,
    /// The current row's fields, decoded, one after the other (reused between rows)…
    text: String,
    /// …and where each one lies in `text`.
    spans: Vec<std::ops::Range<usize>>,
    /// Columns of the FK header row, when the file has one: 19 before e-Faktur 3.1, 20 since.
    /// FK rows must then have as many (a 19-column row in a 3.1 file lost a column).
    fk_header: Option<usize>,
}

/// Where the records come from: a CSV file, or the rows of a spreadsheet ([`super::xlsx`]) fed
/// through the same row handling, so both get the same checks.
enum Source<R: Read> {
    Csv(csv::Reader<BufReader<R>>),
    /// Row number and cells; `read` counts the rows handed out (for progress).
    Rows {
        rows: std::vec::IntoIter<(u64, Vec<String>)>,
        read: u64,
    },
}

/// Counts `,` and `;` outside quotes in the first line and picks the more frequent.
pub(crate) fn detect_delimiter(head: &[u8]) -> u8 {
    let (mut comma, mut semi, mut quoted) = (0usize, 0usize, false);
    for &b in head.iter().take_while(|&&b| b != b'\n') {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            _ => {}
        }
    }
    if semi > comma { b';' } else { b',' }
}

fn is_flag(s: &str) -> bool {
    matches!(s, "FK" | "LT" | "OF" | "FAPR" | "FM")
}

impl<R: Read> CsvReader<R> {
    pub fn new(input: R, options: CsvOptions) -> CsvReader<R> {
        let mut buffered = BufReader::with_capacity(64 * 1024, input);
        let mut problems = Problems::new();
        let mut delimiter = b',';
        match buffered.fill_buf() {
            Ok(head) => {
                if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
                    problems.push(Problem::new(
                        1,
                        "",
                        DjpCode::Etax20023,
                        Said::new(
                            "file tersimpan sebagai UTF-16; simpan ulang sebagai CSV UTF-8",
                            "the file is saved as UTF-16; save it again as UTF-8 CSV",
                        ),
                    ));
                }
                let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
                delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(head));
            }
            Err(e) => problems.push(Problem::new(
                0,
                "",
                DjpCode::Etax20023,
                Said::new(
                    format!("file tidak dapat dibaca: {e}"),
                    format!("the file cannot be read: {e}"),
                ),
            )),
        }
        let inner = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .escape(Some(b'\\'))
            // Records end at '\n' only: with the default CRLF terminator csv counts the lines of
            // CRLF files one short. A '\r' left at the end of the last field is trimmed.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(buffered);
        let done = !problems.is_empty();
        CsvReader {
            inner: Source::Csv(inner),
            record: csv::ByteRecord::new(),
            kind: None,
            pending: None,
            problems,
            first_row: true,
            done,
            text: String::new(),
            spans: Vec::new(),
            fk_header: None,
        }
    }

    /// A reader of rows taken out of a spreadsheet: row number and cells as text.
    pub fn from_rows(rows: Vec<(u64, Vec<String>)>) -> CsvReader<R> {
        CsvReader {
            inner: Source::Rows {
                rows: rows.into_iter(),
                read: 0,
            },
            record: csv::ByteRecord::new(),
            kind: None,
            pending: None,
            problems: Problems::new(),
            first_row: true,
            done: false,
            text: String::new(),
            spans: Vec::new(),
            fk_header: None,
        }
    }

    /// The next record into `self.record`, with its line; `Ok(false)` at the end.
    fn read_record(&mut self) -> csv::Result<bool> {
        match &mut self.inner {
            Source::Csv(r) => r.read_byte_record(&mut self.record),
            Source::Rows { rows, read } => {
                let Some((line, cells)) = rows.next() else {
                    return Ok(false);
                };
                *read += 1;
                self.record.clear();
                for c in &cells {
                    self.record.push_field(c.as_bytes());
                }
                let mut pos = csv::Position::new();
                pos.set_line(line);
                self.record.set_position(Some(pos));
                Ok(true)
            }
        }
    }

    /// The kind of file, known once the first row was read.
    pub fn kind(&self) -> Option<FileKind> {
        self.kind
    }

    /// Bytes (CSV) or rows (spreadsheet) read so far, for progress bars.
    pub fn position(&self) -> u64 {
        match &self.inner {
            Source::Csv(r) => r.position().byte(),
            Source::Rows { read, .. } => *read,
        }
    }

    /// Problems not tied to a faktur, found so far (at most [`super::report::MAX_PROBLEMS`],
    /// the others counted).
    pub fn take_problems(&mut self) -> Problems {
        std::mem::take(&mut self.problems)
    }

    /// The next faktur or stand-alone LT row; `None` at the end of the file.
    pub fn next_entry(&mut self) -> Option<Entry> {
        while !self.done {
            match self.read_record() {
                Ok(true) => {
                    if let Some(e) = self.row() {
                        return Some(e);
                    }
                }
                Ok(false) => self.done = true,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    self.problems.push(Problem::new(
                        line,
                        "",
                        DjpCode::Etax20023,
                        Said::new(
                            format!("baris tidak dapat dibaca sebagai CSV: {e}"),
                            format!("the row cannot be read as CSV: {e}"),
                        ),
                    ));
                    self.done = true;
                }
            }
        }
        self.pending.take().map(|f| Entry::Faktur(Box::new(f)))
    }

    /// Decodes the fields of the current record; bytes that are not UTF-8 are reported
    /// (DJP's upload rejects them with ETAXSERVICE-20021) and replaced.
    fn decode(&mut self, line: u64, columns: &[&str]) -> Vec<Problem> {
        let mut problems = Vec::new();
        let n = self.record.len();
        // The text and the field bounds are reused from row to row: no allocation once they are
        // long enough, and one copy of the row instead of one per field.
        self.text.clear();
        self.spans.clear();
        // One UTF-8 check of the whole record instead of one per field (a fixed cost each): valid
        // fields concatenate to valid text whose field bounds fall on character boundaries.
        let whole = std::str::from_utf8(self.record.as_slice())
            .ok()
            .filter(|s| {
                (0..n).all(|i| {
                    self.record
                        .range(i)
                        .is_some_and(|r| s.is_char_boundary(r.start) && s.is_char_boundary(r.end))
                })
            });
        if let Some(whole) = whole {
            self.text.push_str(whole);
            self.spans
                .extend((0..n).map(|i| self.record.range(i).unwrap_or(0..0)));
            return problems;
        }
        for (i, raw) in self.record.iter().enumerate() {
            let start = self.text.len();
            match std::str::from_utf8(raw) {
                Ok(s) => self.text.push_str(s),
                Err(_) => {
                    problems.push(Problem::new(
                        line,
                        columns.get(i).copied().unwrap_or("?"),
                        DjpCode::EtaxService20021,
                        Said::new(
                            "teks bukan UTF-8 (mis. disalin dari dokumen lain); simpan file sebagai UTF-8 atau ketik ulang teksnya",
                            "the text is not UTF-8 (e.g. copied from another document); save the file as UTF-8 or type the text again",
                        ),
                    ));
                    self.text.push_str(&String::from_utf8_lossy(raw));
                }
            }
            self.spans.push(start..self.text.len());
        }
        problems
    }

    /// Field `i` of the row [`CsvReader::decode`] decoded, as written.
    fn raw_field(&self, i: usize) -> &str {
        self.spans.get(i).map_or("", |r| &self.text[r.clone()])
    }

    /// A field as written, spaces kept (addresses come back from a round trip unchanged).
    fn field_untrimmed(&self, i: usize) -> String {
        self.raw_field(i).to_string()
    }

    fn field(&self, i: usize) -> String {
        trim(self.raw_field(i)).to_string()
    }

    /// Checks the number of fields; trailing empty fields beyond the last column are padding.
    fn check_columns(&self, line: u64, flag: &str, min: usize, max: usize) -> Option<Problem> {
        let raw = self.record.len();
        let used = self.non_empty_columns();
        if raw >= min && used <= max {
            return None;
        }
        let (expected, expected_en) = if min == max {
            (format!("{max}"), format!("{max}"))
        } else {
            (format!("{min} atau {max}"), format!("{min} or {max}"))
        };
        let found = if raw < min { raw } else { used };
        Some(Problem::new(
            line,
            flag,
            DjpCode::Etax30005,
            Said::new(
                format!(
                    "baris {flag} harus {expected} kolom, ditemukan {found}; periksa pemisah kolom dan format e-Faktur (mis. KODE_DOKUMEN_PENDUKUNG sejak e-Faktur 3.1)"
                ),
                format!(
                    "the {flag} row has {found} columns, expected {expected_en}; check the column separator and the e-Faktur format (e.g. KODE_DOKUMEN_PENDUKUNG since e-Faktur 3.1)"
                ),
            ),
        ))
    }

    /// The number of fields up to the last non-empty one.
    fn non_empty_columns(&self) -> usize {
        self.record
            .iter()
            .rposition(|f| !f.iter().all(u8::is_ascii_whitespace))
            .map_or(0, |i| i + 1)
    }

    fn set_kind(&mut self, line: u64, kind: FileKind) -> bool {
        match self.kind {
            None => {
                self.kind = Some(kind);
                true
            }
            Some(k) if k == kind => true,
            Some(k) => {
                self.problems.push(Problem::new(
                    line,
                    "",
                    DjpCode::Etax20023,
                    Said::mixed_rows(k.key(), kind.key()),
                ));
                false
            }
        }
    }

    /// Handles one record; returns an entry when one is complete.
    fn row(&mut self) -> Option<Entry> {
        let line = self.record.position().map_or(0, |p| p.line());
        let first = std::mem::replace(&mut self.first_row, false);
        let raw_flag = self.record.get(0).unwrap_or_default();
        let raw_flag = if first {
            raw_flag.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw_flag)
        } else {
            raw_flag
        };
        // Borrowed, not copied: this runs for every row.
        let flag = match std::str::from_utf8(raw_flag) {
            Ok(text) => Cow::Borrowed(trim(text)),
            Err(_) => Cow::Owned(String::from_utf8_lossy(raw_flag).trim().to_string()),
        };
        if self
            .record
            .iter()
            .all(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            return None;
        }
        if !is_flag(&flag) {
            let junk = first
                && ["FK", "LT", "OF", "FM", "FAPR"]
                    .iter()
                    .any(|f| flag.trim_end_matches('"').ends_with(f));
            let message = if junk {
                Said::new(
                    "ada byte tak dikenal sebelum baris pertama; simpan ulang file sebagai CSV UTF-8 yang dimulai dengan FK atau FM",
                    "unknown bytes before the first row; save the file again as UTF-8 CSV starting with FK or FM",
                )
            } else if matches!(&*flag, "RK" | "RM" | "DK" | "DM" | "DK_DM") {
                Said::new(
                    format!(
                        "baris {flag} (retur/dokumen lain) tidak boleh dicampur dengan faktur; pindahkan ke file sendiri dan impor file itu (efaktur import)"
                    ),
                    format!(
                        "{flag} rows (returns/other documents) must not be mixed with invoices; move them to a file of their own and import that file (efaktur import)"
                    ),
                )
            } else {
                Said::new(
                    format!(
                        "jenis baris '{flag}' tidak dikenal; kolom pertama harus FK, LT, FAPR, OF atau FM"
                    ),
                    format!(
                        "unknown row kind '{flag}'; the first column must be FK, LT, FAPR, OF or FM"
                    ),
                )
            };
            self.problems
                .push(Problem::new(line, "", DjpCode::Etax20023, message));
            return None;
        }
        // A header row names its second column; text that is not UTF-8 names none.
        let second = self
            .record
            .get(1)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map_or("", trim);
        let names = |name: &str| second.eq_ignore_ascii_case(name);
        let flag: &'static str = match &*flag {
            "FK" => "FK",
            "FM" => "FM",
            "LT" => "LT",
            "OF" => "OF",
            _ => "FAPR",
        };
        let is_header = match flag {
            "FK" | "FM" => names("KD_JENIS_TRANSAKSI"),
            "LT" => names("NPWP"),
            "OF" => names("KODE_OBJEK"),
            _ => names("NPWP") || names("NAMA") || names("NAMA_PKP"),
        };
        match flag {
            "FK" => {
                if !self.set_kind(line, FileKind::PajakKeluaran) {
                    return None;
                }
                if is_header {
                    self.fk_header = Some(self.non_empty_columns().clamp(19, 20));
                    return None;
                }
                let done = self.pending.take();
                self.start_fk(line);
                done.map(|f| Entry::Faktur(Box::new(f)))
            }
            "FM" => {
                if !self.set_kind(line, FileKind::PajakMasukan) || is_header {
                    return None;
                }
                let f = self.read_fm(line);
                Some(Entry::Faktur(Box::new(f)))
            }
            "OF" => {
                if !self.set_kind(line, FileKind::PajakKeluaran) || is_header {
                    return None;
                }
                self.read_of(line);
                None
            }
            "LT" => {
                if !self.set_kind(line, FileKind::PajakKeluaran) || is_header {
                    return None;
                }
                let lt = self.read_lt(line);
                match &mut self.pending {
                    Some(f) if f.lawan.is_none() && f.item_lines.is_empty() => {
                        f.lawan = Some(lt);
                        None
                    }
                    _ => Some(Entry::Lawan(Box::new(lt))),
                }
            }
            _ => {
                // FAPR: the seller's own name and address as DJP's export writes them; the Local
                // Database's profile is the source of truth, so only the shape is checked.
                if !self.set_kind(line, FileKind::PajakKeluaran) || is_header {
                    return None;
                }
                if let Some(p) = self.check_columns(line, "FAPR", 3, FAPR_MAX) {
                    self.problems.push(p);
                }
                None
            }
        }
    }

    /// Columns 1–12, the same in FK and FM rows (KD_JENIS_TRANSAKSI … JUMLAH_PPNBM).
    fn common_header(&self) -> FakturDraft {
        let f = |i| self.field(i);
        FakturDraft {
            kd_jenis_transaksi: f(1),
            fg_pengganti: f(2),
            nomor_faktur: f(3),
            masa_pajak: f(4),
            tahun_pajak: f(5),
            tanggal_faktur: f(6),
            npwp: f(7),
            nama: f(8),
            alamat: self.field_untrimmed(9),
            jumlah_dpp: f(10),
            jumlah_ppn: f(11),
            jumlah_ppnbm: f(12),
            ..FakturDraft::default()
        }
    }

    fn start_fk(&mut self, line: u64) {
        let mut problems = self.decode(line, &FK_COLUMNS);
        let (min, max) = self.fk_header.map_or((19, 20), |n| (n, n));
        problems.extend(self.check_columns(line, "FK", min, max));
        let f = |i| self.field(i);
        let draft = FakturDraft {
            id_keterangan_tambahan: f(13),
            fg_uang_muka: f(14),
            uang_muka_dpp: f(15),
            uang_muka_ppn: f(16),
            uang_muka_ppnbm: f(17),
            referensi: f(18),
            kode_dokumen_pendukung: f(19),
            ..self.common_header()
        };
        self.pending = Some(ParsedFaktur {
            draft,
            line,
            item_lines: Vec::new(),
            lawan: None,
            problems,
        });
    }

    fn read_fm(&mut self, line: u64) -> ParsedFaktur {
        let mut problems = self.decode(line, &FM_COLUMNS);
        problems.extend(self.check_columns(line, "FM", 14, 14));
        let draft = FakturDraft {
            is_creditable: Some(self.field(13)),
            ..self.common_header()
        };
        ParsedFaktur {
            draft,
            line,
            item_lines: Vec::new(),
            lawan: None,
            problems,
        }
    }

    fn read_of(&mut self, line: u64) {
        let mut problems = self.decode(line, &OF_COLUMNS);
        problems.extend(self.check_columns(line, "OF", 11, 11));
        let f = |i| self.field(i);
        let item = FakturItemDraft {
            kode_objek: f(1),
            nama: f(2),
            harga_satuan: f(3),
            jumlah_barang: f(4),
            harga_total: f(5),
            diskon: f(6),
            dpp: f(7),
            ppn: f(8),
            tarif_ppnbm: f(9),
            ppnbm: f(10),
        };
        match &mut self.pending {
            Some(p) => {
                p.draft.items.push(item);
                p.item_lines.push(line);
                p.problems.extend(problems);
            }
            None => self.problems.push(Problem::new(
                line,
                "OF",
                DjpCode::Etax20022,
                Said::new(
                    "baris OF tanpa baris FK sebelumnya; letakkan baris OF di bawah FK fakturnya",
                    "an OF row without an FK row before it; put OF rows below the FK row of their invoice",
                ),
            )),
        }
    }

    fn read_lt(&mut self, line: u64) -> ParsedLawan {
        let mut problems = self.decode(line, &LT_COLUMNS);
        problems.extend(self.check_columns(line, "LT", 14, 14));
        let f = |i| self.field(i);
        let mut party = LawanTransaksi {
            npwp: f(1),
            nama: f(2),
            jalan: f(3),
            blok: f(4),
            nomor: f(5),
            rt: f(6),
            rw: f(7),
            kecamatan: f(8),
            kelurahan: f(9),
            kabupaten: f(10),
            propinsi: f(11),
            kode_pos: f(12),
            telepon: f(13),
            ..LawanTransaksi::default()
        };
        check_lawan(line, &mut party, &mut problems);
        ParsedLawan {
            line,
            party,
            problems,
        }
    }
}

/// The checks DJP makes on an LT row (ETAX-20013 and the NPWP/text rules of faktur).
pub(crate) fn check_lawan(line: u64, p: &mut LawanTransaksi, problems: &mut Vec<Problem>) {
    match crate::domain::Npwp::parse(&p.npwp) {
        Ok(n) => p.npwp = n.digits().to_string(),
        Err(e) => problems.push(Problem::new(
            line,
            "NPWP",
            if p.npwp.is_empty() {
                DjpCode::Etax20001
            } else {
                DjpCode::Etax20005
            },
            Said::new(
                format!("{e}; perbaiki NPWP lawan transaksi"),
                format!("{}; correct the counterparty's NPWP", e.english()),
            ),
        )),
    }
    if let Some((nik, nama)) = p.nama.split_once("#NIK#NAMA#") {
        p.nik = Some(nik.to_string());
        p.nama = nama.to_string();
    }
    if p.nama.is_empty() {
        problems.push(Problem::new(
            line,
            "NAMA",
            DjpCode::Etax20013,
            Said::new(
                "NAMA lawan transaksi wajib diisi",
                "the counterparty's NAMA must be filled in",
            ),
        ));
    }
    let texts: [(&str, &String); 13] = [
        ("NAMA", &p.nama),
        ("JALAN", &p.jalan),
        ("BLOK", &p.blok),
        ("NOMOR", &p.nomor),
        ("RT", &p.rt),
        ("RW", &p.rw),
        ("KECAMATAN", &p.kecamatan),
        ("KELURAHAN", &p.kelurahan),
        ("KABUPATEN", &p.kabupaten),
        ("PROPINSI", &p.propinsi),
        ("KODE_POS", &p.kode_pos),
        ("NOMOR_TELEPON", &p.telepon),
        ("NPWP", &p.npwp),
    ];
    for (column, text) in texts {
        if text.chars().count() > crate::domain::faktur::MAX_TEXT {
            problems.push(Problem::new(
                line,
                column,
                DjpCode::Etax10003,
                Said::too_long(column),
            ));
        }
        if let Some(c) = crate::domain::faktur::bad_text_char(text) {
            problems.push(Problem::new(
                line,
                column,
                DjpCode::EtaxService20021,
                Said::bad_char(column, c),
            ));
        }
    }
    // The full address as DJP composes it, so a faktur rekam can copy it.
    p.alamat = compose_alamat(p);
    if p.alamat.chars().count() > crate::domain::faktur::MAX_TEXT {
        p.alamat = p
            .alamat
            .chars()
            .take(crate::domain::faktur::MAX_TEXT)
            .collect();
    }
}

/// The address of an LT row in DJP's own form (e.g. `KOTA BLATER Blok - No.000 RT:004 RW:000
/// Kel.PONTANG Kec.AMBULU Kota/Kab.JEMBER JAWATIMUR 00000`, domain §7.2): every part kept,
/// labelled parts only when given.
pub fn compose_alamat(p: &LawanTransaksi) -> String {
    let mut out = String::new();
    let mut push = |label: &str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(label);
        out.push_str(value);
    };
    push("", &p.jalan);
    push("Blok ", &p.blok);
    push("No.", &p.nomor);
    push("RT:", &p.rt);
    push("RW:", &p.rw);
    push("Kel.", &p.kelurahan);
    push("Kec.", &p.kecamatan);
    push("Kota/Kab.", &p.kabupaten);
    push("", &p.propinsi);
    push("", &p.kode_pos);
    out
}

/// Reads a whole file into entries and problems (tests and small files).
pub fn read_all<R: Read>(
    input: R,
    options: CsvOptions,
) -> (Option<FileKind>, Vec<Entry>, Problems) {
    let mut r = CsvReader::new(input, options);
    let mut out = Vec::new();
    while let Some(e) = r.next_entry() {
        out.push(e);
    }
    (r.kind(), out, r.take_problems())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fakturs(text: &str) -> (Vec<ParsedFaktur>, Problems) {
        let (_, entries, problems) = read_all(text.as_bytes(), CsvOptions::default());
        let f = entries
            .into_iter()
            .filter_map(|e| match e {
                Entry::Faktur(f) => Some(*f),
                Entry::Lawan(_) => None,
            })
            .collect();
        (f, problems)
    }

    const FK: &str = "FK,01,0,0001500000001,7,2015,23/07/2015,013000666091000,PT A,Jl. B,100,10,0,,0,0,0,0,INV1,";
    const OF: &str = "OF,B1,Semen,100,1,100,0,100,10,0,0";

    #[test]
    fn groups_of_rows_under_their_fk_with_lines() {
        let text = format!("{FK}\nOF,B1,Semen,50,1,50,0,50,5,0,0\n{OF}\n{FK}\n{OF}\n");
        let (f, problems) = fakturs(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].line, f[0].item_lines.clone()), (1, vec![2, 3]));
        assert_eq!((f[1].line, f[1].item_lines.clone()), (4, vec![5]));
    }

    #[test]
    fn semicolons_bom_crlf_and_quotes() {
        let text = format!(
            "\u{FEFF}\"{}\"\r\n\"{}\"\r\n",
            FK.replace(',', "\";\""),
            OF.replace(',', "\";\"")
        );
        let (f, problems) = fakturs(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(f[0].draft.nama, "PT A");
        assert_eq!(f[0].draft.items[0].nama, "Semen");
        assert_eq!(f[0].item_lines, vec![2], "CRLF lines are counted right");
    }

    #[test]
    fn detects_the_delimiter_outside_quotes() {
        assert_eq!(detect_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(detect_delimiter(b"a;b;c,d\n"), b';');
    }

    #[test]
    fn odoo_backslash_quotes() {
        let text = FK.replace("PT A", "\"PT \\\"A\\\"\"");
        let (f, problems) = fakturs(&format!("{text}\n{OF}\n"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(f[0].draft.nama, "PT \"A\"");
    }

    #[test]
    fn padding_is_fine_but_missing_columns_are_not() {
        let (f, _) = fakturs(&format!("{FK},,,\n{OF},,\n"));
        assert!(f[0].problems.is_empty(), "{:?}", f[0].problems);
        let (f, _) = fakturs(&format!("{}\n{OF}\n", FK.rsplit_once(",INV1,").unwrap().0));
        assert_eq!(f[0].problems[0].code, DjpCode::Etax30005);
    }

    #[test]
    fn utf16_files_and_unknown_rows_are_reported() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(FK.bytes().flat_map(|b| [b, 0]))
            .collect();
        let (_, entries, problems) = read_all(utf16.as_slice(), CsvOptions::default());
        assert!(entries.is_empty());
        assert_eq!(
            (problems[0].line, problems[0].code),
            (1, DjpCode::Etax20023)
        );

        let (_, problems) = fakturs(&format!("{FK}\n{OF}\nRK,1,2\nXX,1\n"));
        let found: Vec<_> = problems.iter().map(|p| (p.line, p.code)).collect();
        assert_eq!(
            found,
            vec![(3, DjpCode::Etax20023), (4, DjpCode::Etax20023)]
        );
    }

    #[test]
    fn a_character_split_across_two_fields_is_not_utf8() {
        // "é" is C3 A9: split by the comma, each field is invalid though the record's bytes
        // (without the comma) would read as valid text.
        let mut bytes = FK.replace("PT A,Jl. B", "PT A\u{1},Jl. B").into_bytes();
        let at = bytes.iter().position(|&b| b == 1).unwrap_or(0);
        bytes.splice(at..=at + 1, [0xC3, b',', 0xA9]);
        let text = [bytes.as_slice(), b"\n", OF.as_bytes(), b"\n"].concat();
        let (_, entries, _) = read_all(text.as_slice(), CsvOptions::default());
        let Some(Entry::Faktur(f)) = entries.first() else {
            panic!("no faktur read");
        };
        let found: Vec<_> = f
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_str(), p.code))
            .collect();
        assert!(
            found.contains(&(1, "NAMA", DjpCode::EtaxService20021)),
            "{found:?}"
        );
    }

    #[test]
    fn of_rows_before_any_fk_are_reported() {
        let (f, problems) = fakturs(&format!("{OF}\n{FK}\n{OF}\n"));
        assert_eq!(
            (problems[0].line, problems[0].code),
            (1, DjpCode::Etax20022)
        );
        assert_eq!(f[0].item_lines, vec![3]);
    }
}
