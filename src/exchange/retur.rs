//! Retur (RK/RM) and Dokumen Lain (DK/DM) in DJP's CSV shapes (domain reference §7.4-§7.5):
//! check, import in one transaction, and export (one file per kind, as DJP's import expects).
//!
//! A retur must name a faktur in force in the Local Database (ETAX-20003), describe it as
//! recorded, and together with the earlier retur of that faktur (stored, or earlier in the same
//! file) take back no more than its DPP, PPN and PPnBM (ETAX-20032/33/34).

use std::collections::HashMap;
use std::io::{Read, Write};

use rusqlite::Connection;

use crate::domain::faktur::{Jenis, format_tanggal};
use crate::domain::retur::Original;
use crate::domain::said::Said;
use crate::domain::tax::Totals;
use crate::domain::{
    ApprovalStatus, ArahDokumen, DjpCode, DokumenLain, DokumenLainDraft, KodeStatus, Retur,
    ReturDraft,
};
use crate::store::faktur::Filter;
use crate::store::{self, Store, StoreError, audit};

use super::csv_write::{ExportError, ExportSummary, writer};
use super::report::{FileKind, Problem, Report};
use super::rows::{Row, RowSource};

pub const RK_COLUMNS: [&str; 14] = [
    "RK",
    "NPWP",
    "NAMA",
    "KD_JENIS_TRANSAKSI",
    "FG_PENGGANTI",
    "NOMOR_FAKTUR",
    "TANGGAL_FAKTUR",
    "NOMOR_DOKUMEN_RETUR",
    "TANGGAL_RETUR",
    "MASA_PAJAK_RETUR",
    "TAHUN_PAJAK_RETUR",
    "NILAI_RETUR_DPP",
    "NILAI_RETUR_PPN",
    "NILAI_RETUR_PPNBM",
];
pub const RM_COLUMNS: [&str; 15] = [
    "RM",
    "NPWP",
    "NAMA",
    "KD_JENIS_TRANSAKSI",
    "FG_PENGGANTI",
    "NOMOR_FAKTUR",
    "TANGGAL_FAKTUR",
    "IS_CREDITABLE",
    "NOMOR_DOKUMEN_RETUR",
    "TANGGAL_RETUR",
    "MASA_PAJAK_RETUR",
    "TAHUN_PAJAK_RETUR",
    "NILAI_RETUR_DPP",
    "NILAI_RETUR_PPN",
    "NILAI_RETUR_PPNBM",
];
pub const DK_DM_COLUMNS: [&str; 17] = [
    "DK_DM",
    "JENIS_TRANSAKSI",
    "JENIS_DOKUMEN",
    "KD_JNS_TRANSAKSI",
    "FG_PENGGANTI",
    "NOMOR_DOK_LAIN_GANTI",
    "NOMOR_DOK_LAIN",
    "TANGGAL_DOK_LAIN",
    "MASA_PAJAK",
    "TAHUN_PAJAK",
    "NPWP",
    "NAMA",
    "ALAMAT_LENGKAP",
    "JUMLAH_DPP",
    "JUMLAH_PPN",
    "JUMLAH_PPNBM",
    "KETERANGAN",
];
/// DJP's export appends FAPR and TGL_APPROVAL to DK/DM rows; an import ignores them.
const DK_DM_MAX: usize = 19;

/// Whether a row flag belongs to this module's files.
pub fn is_retur_flag(flag: &str) -> bool {
    matches!(flag, "RK" | "RM" | "DK" | "DM" | "DK_DM")
}

/// One taxpayer written two ways (punctuated, NPWP 15 or 16) is one key.
fn npwp_key(raw: &str) -> String {
    crate::domain::Npwp::parse(raw).map_or_else(|_| raw.trim().to_string(), |n| n.npwp16())
}

/// Choices of one import.
#[derive(Debug, Clone, Default)]
pub struct ReturImportOptions {
    /// Write the valid rows and report the rest, instead of writing nothing.
    pub skip_invalid: bool,
    /// Who is importing (audit log).
    pub actor: String,
}

/// Why a transaction ends without commit.
enum Abort {
    Store(StoreError),
    Rejected(Report),
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Abort {
        Abort::Store(e)
    }
}

/// Checks a retur or dokumen lain file without writing. With `database` (the profile's, read
/// only) the returned faktur, earlier retur and registered numbers are looked up too; without,
/// only what the file itself shows is checked.
pub fn validate_retur<R: Read>(
    source: RowSource<R>,
    database: Option<&Connection>,
) -> Result<Report, StoreError> {
    let empty;
    let conn = match database {
        Some(c) => c,
        None => {
            empty = Store::open_in_memory()?;
            empty.conn()
        }
    };
    let mut run = Run::new(conn, false, false);
    run.lookups = database.is_some();
    match run.rows(source) {
        Ok(()) | Err(Abort::Rejected(_)) => Ok(run.finish()),
        Err(Abort::Store(e)) => Err(e),
    }
}

/// Imports a retur or dokumen lain file in one transaction. Nothing is written when anything is
/// wrong, unless `skip_invalid`.
pub fn import_retur<R: Read>(
    source: RowSource<R>,
    store: &mut Store,
    options: &ReturImportOptions,
) -> Result<Report, StoreError> {
    let result = store.transaction(|tx| {
        let mut run = Run::new(tx, true, options.skip_invalid);
        run.rows(source)?;
        let report = run.finish();
        if !report.is_clean() && !options.skip_invalid {
            return Err(Abort::Rejected(report));
        }
        let actor = if options.actor.is_empty() {
            "impor"
        } else {
            &options.actor
        };
        let detail = format!("{} dokumen", report.imported);
        audit::record(tx, actor, "retur.impor", report.kind.key(), &detail)?;
        Ok(report)
    });
    match result {
        Ok(r) => Ok(r),
        Err(Abort::Rejected(mut r)) => {
            r.imported = 0;
            r.newest_masa = None;
            Ok(r)
        }
        Err(Abort::Store(e)) => Err(e),
    }
}

/// At most this many warnings are kept one by one; the rest are counted.
const MAX_WARNINGS: usize = 1000;

struct Run<'c> {
    conn: &'c Connection,
    write: bool,
    skip_invalid: bool,
    /// Whether the Local Database is consulted (faktur, earlier retur, registered numbers).
    lookups: bool,
    report: Report,
    kind: Option<FileKind>,
    /// What the retur seen so far take back of each faktur (stored ones included).
    returned: HashMap<i64, Totals>,
    /// Numbers seen in this file, with their line.
    seen: HashMap<(bool, String, String), u64>,
    stamp: String,
}

impl<'c> Run<'c> {
    fn new(conn: &'c Connection, write: bool, skip_invalid: bool) -> Run<'c> {
        Run {
            conn,
            write,
            skip_invalid,
            lookups: true,
            report: Report::new(FileKind::ReturKeluaran),
            kind: None,
            returned: HashMap::new(),
            seen: HashMap::new(),
            stamp: store::now(),
        }
    }

    fn writing(&self) -> bool {
        self.write && (self.skip_invalid || self.report.errors.is_empty())
    }

    fn error(&mut self, p: Problem) {
        self.report.errors.push(p);
    }

    fn warn(&mut self, p: Problem) {
        if self.report.warnings.len() < MAX_WARNINGS {
            self.report.warnings.push(p);
        } else {
            self.report.warnings_omitted += 1;
        }
    }

    fn rows<R: Read>(&mut self, mut source: RowSource<R>) -> Result<(), Abort> {
        while let Some(row) = source.next_row() {
            match row {
                Ok(row) => self.row(&row)?,
                Err(p) => self.error(p),
            }
        }
        if self.kind.is_none() && self.report.errors.is_empty() {
            self.error(Problem::new(
                1,
                "",
                DjpCode::Etax20023,
                Said::new(
                    "file tidak berisi baris RK, RM, DK atau DM; periksa bahwa ini file retur atau dokumen lain e-Faktur",
                    "the file holds no RK, RM, DK or DM row; check that it is an e-Faktur return or other-document file",
                ),
            ));
        }
        Ok(())
    }

    /// The file's kind from its first data row; a row of another kind is an error.
    fn set_kind(&mut self, line: u64, kind: FileKind) -> bool {
        match self.kind {
            None => {
                self.kind = Some(kind);
                self.report.kind = kind;
                true
            }
            Some(k) if k == kind => true,
            Some(k) => {
                self.error(Problem::new(
                    line,
                    "",
                    DjpCode::Etax20023,
                    Said::mixed_rows(k.key(), kind.key()),
                ));
                false
            }
        }
    }

    fn row(&mut self, row: &Row) -> Result<(), Abort> {
        let flag = row.flag();
        let second = row.get(1).to_ascii_uppercase();
        match flag.as_str() {
            "RK" | "RM" if second == "NPWP" => Ok(()),
            "DK_DM" => Ok(()),
            "RK" => {
                if self.set_kind(row.line, FileKind::ReturKeluaran) {
                    self.retur(row, false)?;
                }
                Ok(())
            }
            "RM" => {
                if self.set_kind(row.line, FileKind::ReturMasukan) {
                    self.retur(row, true)?;
                }
                Ok(())
            }
            "DK" | "DM" => {
                if self.set_kind(row.line, FileKind::DokumenLain) {
                    self.dokumen(row)?;
                }
                Ok(())
            }
            other => {
                self.error(Problem::new(
                    row.line,
                    "",
                    DjpCode::Etax20023,
                    Said::new(
                        format!(
                            "jenis baris '{other}' tidak dikenal di file retur/dokumen lain; kolom pertama harus RK, RM, DK atau DM (faktur FK/FM diimpor sebagai file sendiri)"
                        ),
                        format!(
                            "unknown row kind '{other}' in a return/other-document file; the first column must be RK, RM, DK or DM (FK/FM invoices are imported as a file of their own)"
                        ),
                    ),
                ));
                Ok(())
            }
        }
    }

    fn retur(&mut self, row: &Row, masukan: bool) -> Result<(), Abort> {
        self.report.faktur += 1;
        let columns: &[&str] = if masukan { &RM_COLUMNS } else { &RK_COLUMNS };
        let mut problems = row.encoding_problems(columns);
        problems.extend(row.check_columns(columns.len(), columns.len(), DjpCode::Etax30005));
        // RM has IS_CREDITABLE after TANGGAL_FAKTUR; the columns after it shift by one.
        let s = usize::from(masukan);
        let f = |i: usize| row.get(i).to_string();
        let draft = ReturDraft {
            npwp: f(1),
            nama: f(2),
            kd_jenis_transaksi: f(3),
            fg_pengganti: f(4),
            nomor_faktur: f(5),
            tanggal_faktur: f(6),
            is_creditable: masukan.then(|| f(7)),
            nomor_dokumen_retur: f(7 + s),
            tanggal_retur: f(8 + s),
            masa_pajak_retur: f(9 + s),
            tahun_pajak_retur: f(10 + s),
            nilai_retur_dpp: f(11 + s),
            nilai_retur_ppn: f(12 + s),
            nilai_retur_ppnbm: f(13 + s),
        };
        let retur = match draft.validate() {
            Ok(r) => Some(r),
            Err(errors) => {
                problems.extend(
                    errors
                        .into_iter()
                        .map(|e| Problem::from_field(e, row.line, &[])),
                );
                None
            }
        };
        if let Some(first) = self.seen.insert(
            (
                masukan,
                npwp_key(&draft.npwp),
                draft.nomor_dokumen_retur.clone(),
            ),
            row.line,
        ) {
            problems.push(Problem::new(
                row.line,
                "NOMOR_DOKUMEN_RETUR",
                DjpCode::Etax30030,
                Said::new(
                    format!(
                        "nomor retur {} sudah ada di baris {first} file ini; hapus salah satunya",
                        draft.nomor_dokumen_retur
                    ),
                    format!(
                        "return number {} is already on line {first} of this file; delete one of them",
                        draft.nomor_dokumen_retur
                    ),
                ),
            ));
        }
        let Some(retur) = retur.filter(|_| problems.is_empty()) else {
            self.report.errors.extend(problems);
            return Ok(());
        };
        self.stored_retur(row.line, &retur)
    }

    /// The checks against the Local Database, then the insert.
    fn stored_retur(&mut self, line: u64, r: &Retur) -> Result<(), Abort> {
        if !self.lookups {
            return Ok(());
        }
        if store::retur::exists(self.conn, r)? {
            self.error(Problem::new(
                line,
                "NOMOR_DOKUMEN_RETUR",
                DjpCode::Etax30030,
                Said::new(
                    format!(
                        "nomor retur {} sudah terdaftar di Local Database; hapus barisnya",
                        r.nomor_retur
                    ),
                    format!(
                        "return number {} is already recorded in the Local Database; delete the row",
                        r.nomor_retur
                    ),
                ),
            ));
            return Ok(());
        }
        let Some(faktur) = store::retur::returned_faktur(self.conn, r)? else {
            let (what, what_en) = match r.jenis {
                Jenis::Keluaran => ("faktur keluaran", "output tax invoice"),
                Jenis::Masukan { .. } => ("faktur masukan", "input tax invoice"),
            };
            self.error(Problem::new(
                line,
                "NOMOR_FAKTUR",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "{what} {} tidak ditemukan (atau sudah diganti/batal) di Local Database; impor atau rekam fakturnya dulu",
                        r.nsfp
                    ),
                    format!(
                        "{what_en} {} was not found (or was replaced/cancelled) in the Local Database; import or record the invoice first",
                        r.nsfp
                    ),
                ),
            ));
            return Ok(());
        };
        let before = match self.returned.get(&faktur.id) {
            Some(t) => *t,
            None => store::retur::returned_so_far(self.conn, faktur.id)?,
        };
        let original = Original {
            kode: faktur.kode,
            status: faktur.status,
            tanggal: faktur.tanggal,
            lawan_npwp: &faktur.lawan_npwp,
            totals: faktur.totals,
        };
        let problems = r.check_against(original, before);
        if !problems.is_empty() {
            self.report.errors.extend(
                problems
                    .into_iter()
                    .map(|e| Problem::from_field(e, line, &[])),
            );
            return Ok(());
        }
        self.returned.insert(
            faktur.id,
            Totals {
                dpp: before.dpp + r.nilai.dpp,
                ppn: before.ppn + r.nilai.ppn,
                ppnbm: before.ppnbm + r.nilai.ppnbm,
            },
        );
        if faktur.approval != ApprovalStatus::ApprovalSukses {
            self.warn(Problem::new(
                line,
                "NOMOR_FAKTUR",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "faktur {} belum Approval Sukses; retur diimpor, tetapi baru dapat diupload setelah fakturnya diapprove DJP",
                        r.nsfp
                    ),
                    format!(
                        "invoice {} is not Approval Sukses yet; the return is imported, but it can be uploaded only after DJP approves the invoice",
                        r.nsfp
                    ),
                ),
            ));
        }
        if self.writing() {
            match store::retur::insert(self.conn, faktur.id, r, ApprovalStatus::Draft, &self.stamp)
            {
                Ok(_) => {
                    self.report.imported += 1;
                    let masukan = matches!(r.jenis, Jenis::Masukan { .. });
                    self.report.wrote_in(masukan, r.tahun, r.masa);
                }
                // The one rule an insert enforces: a return number once.
                Err(StoreError::Rule { code, message }) => self.error(Problem::new(
                    line,
                    "NOMOR_DOKUMEN_RETUR",
                    code,
                    Said::new(
                        message,
                        format!(
                            "return number {} is already recorded; delete the row",
                            r.nomor_retur
                        ),
                    ),
                )),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn dokumen(&mut self, row: &Row) -> Result<(), Abort> {
        self.report.faktur += 1;
        let mut problems = row.encoding_problems(&DK_DM_COLUMNS);
        problems.extend(row.check_columns(DK_DM_COLUMNS.len(), DK_DM_MAX, DjpCode::Etax30031));
        let f = |i: usize| row.get(i).to_string();
        let draft = DokumenLainDraft {
            dk_dm: row.flag(),
            jenis_transaksi: f(1),
            jenis_dokumen: f(2),
            kd_jns_transaksi: f(3),
            fg_pengganti: f(4),
            nomor_dok_lain_ganti: f(5),
            nomor_dok_lain: f(6),
            tanggal_dok_lain: f(7),
            masa_pajak: f(8),
            tahun_pajak: f(9),
            npwp: f(10),
            nama: f(11),
            alamat_lengkap: f(12),
            jumlah_dpp: f(13),
            jumlah_ppn: f(14),
            jumlah_ppnbm: f(15),
            keterangan: f(16),
        };
        let dokumen = match draft.validate() {
            Ok(d) => Some(d),
            Err(errors) => {
                problems.extend(
                    errors
                        .into_iter()
                        .map(|e| Problem::from_field(e, row.line, &[])),
                );
                None
            }
        };
        let key = (
            draft.dk_dm == "DM",
            npwp_key(&draft.npwp),
            format!("{}#{}", draft.fg_pengganti, draft.nomor_dok_lain),
        );
        if let Some(first) = self.seen.insert(key, row.line) {
            problems.push(Problem::new(
                row.line,
                "NOMOR_DOK_LAIN",
                DjpCode::Etax20002,
                Said::new(
                    format!(
                        "nomor dokumen {} sudah ada di baris {first} file ini; hapus salah satunya",
                        draft.nomor_dok_lain
                    ),
                    format!(
                        "document number {} is already on line {first} of this file; delete one of them",
                        draft.nomor_dok_lain
                    ),
                ),
            ));
        }
        let Some(d) = dokumen.filter(|_| problems.is_empty()) else {
            self.report.errors.extend(problems);
            return Ok(());
        };
        if self.lookups && store::dokumen_lain::exists(self.conn, &d)? {
            self.error(Problem::new(
                row.line,
                "NOMOR_DOK_LAIN",
                DjpCode::Etax20002,
                Said::new(
                    format!(
                        "nomor dokumen {} sudah terdaftar di Local Database; hapus barisnya",
                        d.nomor
                    ),
                    format!(
                        "document number {} is already recorded in the Local Database; delete the row",
                        d.nomor
                    ),
                ),
            ));
            return Ok(());
        }
        // A pengganti names the document it replaces; one that is not here (recorded in
        // another installation) does not stop the import, but is worth knowing.
        if self.lookups
            && d.status == KodeStatus::Pengganti
            && !self.seen_nomor(&d, &d.nomor_ganti)
            && !store::dokumen_lain::nomor_exists(self.conn, &d, &d.nomor_ganti)?
        {
            self.warn(Problem::new(
                row.line,
                "NOMOR_DOK_LAIN_GANTI",
                DjpCode::Etax20003,
                Said::new(
                    format!(
                        "dokumen {} yang diganti tidak ditemukan di Local Database; periksa nomornya",
                        d.nomor_ganti
                    ),
                    format!(
                        "the replaced document {} was not found in the Local Database; check its number",
                        d.nomor_ganti
                    ),
                ),
            ));
        }
        if self.writing() {
            match store::dokumen_lain::insert(self.conn, &d, ApprovalStatus::Draft, &self.stamp) {
                Ok(_) => {
                    self.report.imported += 1;
                    let masukan = d.arah == ArahDokumen::Masukan;
                    self.report.wrote_in(masukan, d.tahun, d.masa);
                }
                // The one rule an insert enforces: a document number once.
                Err(StoreError::Rule { code, message }) => self.error(Problem::new(
                    row.line,
                    "NOMOR_DOK_LAIN",
                    code,
                    Said::new(
                        message,
                        format!(
                            "document number {} is already recorded; delete the row",
                            d.nomor
                        ),
                    ),
                )),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Whether the file already had a normal document with this number for the counterparty.
    fn seen_nomor(&self, d: &DokumenLain, nomor: &str) -> bool {
        let key = (
            d.arah == ArahDokumen::Masukan,
            d.lawan_npwp.npwp16(),
            format!("0#{nomor}"),
        );
        self.seen.contains_key(&key)
    }

    fn finish(mut self) -> Report {
        if !self.write {
            self.report.imported = 0;
            self.report.newest_masa = None;
        }
        self.report.sort();
        self.report
    }
}

/// Which retur or dokumen lain file to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturExport {
    ReturKeluaran,
    ReturMasukan,
    DokumenLainKeluaran,
    DokumenLainMasukan,
}

/// Writes one kind of the documents matching `filter` (its `masukan` is set by `kind`) in DJP's
/// shape: every field quoted, one header row, CRLF.
pub fn write_retur<W: Write>(
    out: W,
    conn: &Connection,
    kind: ReturExport,
    filter: Filter,
    progress: &mut dyn FnMut(u64),
) -> Result<ExportSummary, ExportError> {
    let masukan = matches!(
        kind,
        ReturExport::ReturMasukan | ReturExport::DokumenLainMasukan
    );
    let header: &[&str] = match kind {
        ReturExport::ReturKeluaran => &RK_COLUMNS,
        ReturExport::ReturMasukan => &RM_COLUMNS,
        ReturExport::DokumenLainKeluaran | ReturExport::DokumenLainMasukan => &DK_DM_COLUMNS,
    };
    let mut w = writer(out);
    w.write_record(header)?;
    let mut summary = ExportSummary::default();
    let mut failure: Option<ExportError> = None;
    let filter = Filter {
        masukan: Some(masukan),
        ..filter
    };
    // The store walks the rows; a write failure stops it and is reported as itself.
    let mut emit = |row: Vec<String>| match w.write_record(&row) {
        Ok(()) => {
            summary.faktur += 1;
            progress(summary.faktur);
            Ok(())
        }
        Err(e) => {
            failure = Some(e.into());
            Err(StoreError::rule(DjpCode::Etax10001, "ekspor dihentikan"))
        }
    };
    let result = match kind {
        ReturExport::ReturKeluaran | ReturExport::ReturMasukan => {
            store::retur::for_each(conn, filter, |s| emit(retur_row(&s.retur)))
        }
        ReturExport::DokumenLainKeluaran | ReturExport::DokumenLainMasukan => {
            store::dokumen_lain::for_each(conn, filter, |s| emit(dokumen_row(&s.dokumen)))
        }
    };
    result.map_err(|e| failure.take().map_or(ExportError::Store(e), |f| f))?;
    w.flush()?;
    Ok(summary)
}

fn retur_row(r: &Retur) -> Vec<String> {
    let (flag, creditable) = match r.jenis {
        Jenis::Keluaran => ("RK", None),
        Jenis::Masukan { dikreditkan } => ("RM", Some(if dikreditkan { "1" } else { "0" })),
    };
    let mut row = vec![
        flag.to_string(),
        r.lawan_npwp.digits().to_string(),
        r.lawan_nama.clone(),
        format!("{:02}", r.kode.value()),
        r.status.flag().to_string(),
        r.nsfp.digits(),
        format_tanggal(r.tanggal_faktur),
    ];
    row.extend(creditable.map(str::to_string));
    row.extend([
        r.nomor_retur.clone(),
        format_tanggal(r.tanggal_retur),
        r.masa.to_string(),
        r.tahun.to_string(),
        r.nilai.dpp.value().to_string(),
        r.nilai.ppn.value().to_string(),
        r.nilai.ppnbm.value().to_string(),
    ]);
    row
}

fn dokumen_row(d: &DokumenLain) -> Vec<String> {
    vec![
        d.arah.flag().to_string(),
        d.jenis_transaksi.to_string(),
        d.jenis_dokumen.to_string(),
        d.kd_jns_transaksi.to_string(),
        d.status.flag().to_string(),
        d.nomor_ganti.clone(),
        d.nomor.clone(),
        format_tanggal(d.tanggal),
        d.masa.to_string(),
        d.tahun.to_string(),
        d.lawan_npwp.digits().to_string(),
        d.lawan_nama.clone(),
        d.lawan_alamat.clone(),
        d.totals.dpp.value().to_string(),
        d.totals.ppn.value().to_string(),
        d.totals.ppnbm.value().to_string(),
        d.keterangan.clone(),
    ]
}
