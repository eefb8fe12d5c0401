//! Import of e-Faktur CSV into the Local Database: every check DJP makes, every problem reported
//! with its line, and one transaction for the whole file.
//!
//! By default nothing is written when anything is wrong. With `skip_invalid` the valid faktur are
//! written and the others reported. Imported faktur get the status of a recorded faktur
//! ("Belum Approve"). A number inside a recorded NSFP range is claimed, so the allocator never
//! hands it out again; a number outside every range is still imported (files migrated from another
//! installation rarely come with their ranges) and reported as an ETAX-20017 warning, since the
//! range must be recorded before the faktur can be uploaded.
//!
//! Reading and validating run on a second thread while this one writes to SQLite; a bounded
//! channel between them keeps memory flat however long the file is.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rusqlite::Connection;

use crate::domain::faktur::{Faktur, Jenis};
use crate::domain::said::Said;
use crate::domain::{ApprovalStatus, DjpCode, KodeStatus, Nsfp};
use crate::store::faktur::{BulkWriter, FakturText, Written};
use crate::store::list_index::ListIndexes;
use crate::store::nsfp::RecordedRange;
use crate::store::{self, Store, StoreError, audit};

use super::control::Control;
use super::csv_read::{CsvOptions, CsvReader, Entry, ParsedFaktur, ParsedLawan};
use super::report::{FileKind, Problem, Problems, Report};

/// Choices of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub csv: CsvOptions,
    /// Write the valid faktur and report the rest, instead of writing nothing.
    pub skip_invalid: bool,
    /// Who is importing (audit log).
    pub actor: String,
    /// Fails the import after this many faktur were written, as a crash would: for tests of the
    /// all-or-nothing guarantee.
    pub fail_after: Option<u64>,
    /// Progress count and *Batal* of a watcher (the window); a cancelled import writes nothing.
    pub control: Option<Arc<Control>>,
}

/// At most this many warnings are kept one by one; the rest are counted.
const MAX_WARNINGS: usize = 1000;
/// Faktur per batch handed from the reading thread to the writing one, and batches in flight.
const BATCH: usize = 256;
const IN_FLIGHT: usize = 4;

/// Why a transaction ends without commit.
enum Abort {
    Store(StoreError),
    /// A file had errors: everything is rolled back; the reports are kept by the caller.
    RolledBack,
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Abort {
        Abort::Store(e)
    }
}

/// Checks a file without writing anything. Duplicates are looked up in `conn` (an empty
/// in-memory database, or the profile's database).
pub fn validate_csv<R: Read + Send>(
    input: R,
    conn: &Connection,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, StoreError> {
    validate_reader(CsvReader::new(input, options.csv), conn, options, progress)
}

/// [`validate_csv`] for rows from any source (a CSV file, or a spreadsheet's rows through
/// [`CsvReader::from_rows`]).
pub fn validate_reader<R: Read + Send>(
    reader: CsvReader<R>,
    conn: &Connection,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, StoreError> {
    let mut run = Run::new(options, false);
    match run.read(reader, conn, None, progress) {
        Ok(()) => Ok(run.finish()),
        Err(Abort::Store(e)) => Err(e),
        // Only an import rolls back; a check has nothing to roll back.
        Err(Abort::RolledBack) => Ok(run.finish()),
    }
}

/// Imports a file in one transaction. Returns the report; `imported` is 0 when the file had
/// errors and `skip_invalid` was off (nothing was written).
pub fn import_csv<R: Read + Send>(
    input: R,
    store: &mut Store,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, StoreError> {
    import_reader(CsvReader::new(input, options.csv), store, options, progress)
}

/// [`import_csv`] for rows from any source (a CSV file, or a spreadsheet's rows through
/// [`CsvReader::from_rows`]).
pub fn import_reader<R: Read + Send>(
    reader: CsvReader<R>,
    store: &mut Store,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, StoreError> {
    let mut reports = import_readers(vec![reader], store, options, &mut |_, pos| progress(pos))?;
    Ok(reports
        .pop()
        .unwrap_or_else(|| Report::new(FileKind::PajakKeluaran)))
}

/// Imports several files in ONE transaction, one report per file in their order: either all of
/// them are written, or (when any file has an error and `skip_invalid` is off) none. Once a file
/// failed, the files after it are only checked. A number in two of the files is reported in the
/// later one as already registered. `progress` gets the file's index and its bytes read.
/// For one transaction per file, call [`import_csv`] per file.
pub fn import_csv_files<R: Read + Send>(
    inputs: Vec<R>,
    store: &mut Store,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Vec<Report>, StoreError> {
    let readers = inputs
        .into_iter()
        .map(|input| CsvReader::new(input, options.csv))
        .collect();
    import_readers(readers, store, options, progress)
}

/// [`import_csv_files`] for rows from any source.
pub fn import_readers<R: Read + Send>(
    readers: Vec<CsvReader<R>>,
    store: &mut Store,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Vec<Report>, StoreError> {
    let mut reports = Vec::with_capacity(readers.len());
    let result = store.bulk_transaction(|tx| {
        let mut failed = false;
        let mut indexes = ListIndexes::new(tx)?;
        for (i, reader) in readers.into_iter().enumerate() {
            let mut run = Run::new(options, !failed);
            run.read(reader, tx, Some(&mut indexes), &mut |pos| progress(i, pos))?;
            let report = run.finish();
            if report.is_clean() || options.skip_invalid {
                let actor = if options.actor.is_empty() {
                    "impor"
                } else {
                    &options.actor
                };
                let detail = format!(
                    "{} faktur, {} lawan transaksi",
                    report.imported, report.lawan_transaksi
                );
                audit::record(tx, actor, "faktur.impor", report.kind.key(), &detail)?;
            } else {
                failed = true;
            }
            reports.push(report);
        }
        if failed {
            Err(Abort::RolledBack)
        } else {
            indexes.restore()?;
            Ok(())
        }
    });
    match result {
        Ok(()) => Ok(reports),
        Err(Abort::RolledBack) => {
            for r in &mut reports {
                r.imported = 0;
                r.lawan_transaksi = 0;
            }
            Ok(reports)
        }
        Err(Abort::Store(e)) => Err(e),
    }
}

/// A faktur read and validated (everything that needs no database), with its problems so far.
struct Checked {
    line: u64,
    items: u64,
    faktur: Option<Faktur>,
    /// The TEXT columns of `faktur`, made here so the writing thread only binds them.
    text: Option<FakturText>,
    lawan: Option<ParsedLawan>,
    problems: Vec<Problem>,
}

/// What the reading thread sends.
enum Msg {
    Faktur(Box<Checked>),
    Lawan(Box<ParsedLawan>),
    /// Problems not tied to a faktur (unknown rows, OF without FK...).
    Problems(Problems),
    Progress(u64),
    End(Option<FileKind>),
}

/// The key of a number within one file: NSFP digits and the pengganti flag, plus the seller for
/// pajak masukan (whose numbers are the sellers' own).
fn duplicate_key(draft: &crate::domain::FakturDraft) -> Option<(u64, u128)> {
    let n = Nsfp::parse(&draft.nomor_faktur).ok()?;
    // A normal faktur and its pengganti share the number; the flag keeps them apart.
    let flag = u64::from(draft.fg_pengganti.trim() == "1");
    let nsfp = n.digits().parse::<u64>().ok()? * 2 + flag;
    let seller = match &draft.is_creditable {
        None => 0,
        // One seller written as NPWP 15 in one row and NPWP 16 in another is still one seller.
        Some(_) => crate::domain::Npwp::parse(&draft.npwp)
            .ok()
            .and_then(|p| p.npwp16().parse().ok())
            .unwrap_or(0),
    };
    Some((nsfp, seller))
}

/// The reading thread: CSV rows → validated faktur, in file order. Messages go in batches: one
/// hand-over per faktur would cost more in thread wake-ups than the work itself.
fn read_and_validate<R: Read>(
    mut reader: CsvReader<R>,
    out: SyncSender<Vec<Msg>>,
    recycled: Receiver<Vec<Msg>>,
) {
    let mut seen: HashMap<(u64, u128), u64> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH + 2);
    while let Some(entry) = reader.next_entry() {
        let pending = reader.take_problems();
        if !pending.is_empty() {
            batch.push(Msg::Problems(pending));
        }
        batch.push(match entry {
            Entry::Faktur(p) => Msg::Faktur(Box::new(check(*p, &mut seen))),
            Entry::Lawan(lt) => Msg::Lawan(lt),
        });
        if batch.len() >= BATCH {
            batch.push(Msg::Progress(reader.position()));
            // The writer hands finished batches back: freeing them here, where they were
            // allocated, avoids the allocator's cross-thread locking on the writer's side.
            let next = match recycled.try_recv() {
                Ok(mut old) => {
                    old.clear();
                    old
                }
                Err(_) => Vec::with_capacity(BATCH + 2),
            };
            let full = std::mem::replace(&mut batch, next);
            if out.send(full).is_err() {
                return; // the writer stopped
            }
        }
    }
    batch.push(Msg::Problems(reader.take_problems()));
    batch.push(Msg::Progress(reader.position()));
    batch.push(Msg::End(reader.kind()));
    let _ = out.send(batch);
}

fn check(p: ParsedFaktur, seen: &mut HashMap<(u64, u128), u64>) -> Checked {
    let mut problems = p.problems;
    if let Some(lt) = &p.lawan {
        problems.extend(lt.problems.iter().cloned());
    }
    let faktur = match p.draft.validate() {
        Ok(f) => Some(f),
        Err(errors) => {
            problems.extend(
                errors
                    .into_iter()
                    .map(|e| Problem::from_field(e, p.line, &p.item_lines)),
            );
            None
        }
    };
    // Duplicates within the file are looked for even when the faktur has other problems.
    if let Some(key) = duplicate_key(&p.draft)
        && let Some(first) = seen.insert(key, p.line)
    {
        problems.push(Problem::new(
            p.line,
            "NOMOR_FAKTUR",
            DjpCode::Etax20002,
            Said::new(
                format!(
                    "nomor faktur {} sudah ada di baris {first} file ini; hapus salah satunya",
                    p.draft.nomor_faktur
                ),
                format!(
                    "invoice number {} is already on line {first} of this file; delete one of them",
                    p.draft.nomor_faktur
                ),
            ),
        ));
    }
    Checked {
        line: p.line,
        items: p.item_lines.len() as u64,
        text: faktur.as_ref().map(FakturText::of),
        faktur,
        lawan: p.lawan,
        problems,
    }
}

fn already_registered(line: u64, f: &Faktur) -> Problem {
    Problem::new(
        line,
        "NOMOR_FAKTUR",
        DjpCode::Etax20002,
        Said::new(
            format!(
                "nomor faktur {} sudah terdaftar di Local Database; hapus barisnya atau buat faktur pengganti",
                f.nomor()
            ),
            format!(
                "invoice number {} is already recorded in the Local Database; delete the row or make a replacement invoice",
                f.nomor()
            ),
        ),
    )
}

/// The writing side: database checks, inserts, and the report.
struct Run<'o> {
    options: &'o ImportOptions,
    write: bool,
    report: Report,
    warnings_dropped: u64,
    /// The recorded NSFP ranges (few; read once instead of once per faktur).
    ranges: Vec<RecordedRange>,
    /// One time for every row of the import.
    stamp: String,
    /// Item codes of OF rows already offered to Referensi Barang/Jasa in this import.
    barang_jasa: HashSet<String>,
}

impl<'o> Run<'o> {
    fn new(options: &'o ImportOptions, write: bool) -> Run<'o> {
        Run {
            options,
            write,
            report: Report::new(FileKind::PajakKeluaran),
            warnings_dropped: 0,
            ranges: Vec::new(),
            stamp: store::now(),
            barang_jasa: HashSet::new(),
        }
    }

    fn read<R: Read + Send>(
        &mut self,
        reader: CsvReader<R>,
        conn: &Connection,
        indexes: Option<&mut ListIndexes<'_>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Abort> {
        self.ranges = store::nsfp::ranges(conn)?;
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel(IN_FLIGHT);
            let (back_tx, back_rx) = sync_channel(IN_FLIGHT);
            scope.spawn(move || read_and_validate(reader, tx, back_rx));
            // Returning early drops `rx`, which stops the reading thread at its next send.
            self.consume(rx, back_tx, conn, indexes, progress)
        })
    }

    fn consume(
        &mut self,
        rx: Receiver<Vec<Msg>>,
        back: SyncSender<Vec<Msg>>,
        conn: &Connection,
        mut indexes: Option<&mut ListIndexes<'_>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Abort> {
        let mut kind = None;
        let mut writer = if self.write {
            Some(BulkWriter::new(conn)?)
        } else {
            None
        };
        for batch in rx {
            if self.cancelled() {
                return Err(Abort::RolledBack);
            }
            // Faktur whose headers are written; their items and numbers follow in a few
            // multi-row statements at the end of the batch.
            let mut written = Vec::with_capacity(BATCH);
            for msg in &batch {
                match msg {
                    Msg::Faktur(c) => {
                        if let Some(w) = self.faktur(conn, writer.as_mut(), c)? {
                            written.push(w);
                        }
                    }
                    Msg::Lawan(lt) => self.lawan(conn, lt)?,
                    Msg::Problems(p) => self.report.errors.append(p),
                    Msg::Progress(pos) => {
                        if let Some(c) = &self.options.control {
                            c.set_faktur(self.report.faktur);
                        }
                        progress(*pos)
                    }
                    Msg::End(k) => kind = Some(*k),
                }
            }
            if let Some(w) = writer.as_mut()
                && self.writing()
            {
                w.finish(&written, &self.stamp)?;
                if let Some(i) = indexes.as_deref_mut() {
                    i.wrote(written.len() as u64)?;
                }
            }
            drop(written);
            // Full (or the reader is done): freeing here is fine.
            let _ = back.try_send(batch);
        }
        // A late Batal still wins over the commit that follows.
        if self.cancelled() {
            return Err(Abort::RolledBack);
        }
        let Some(kind) = kind else {
            // The reading thread ended without its last message: it panicked.
            return Err(
                StoreError::rule(DjpCode::Etax20023, "pembacaan file berhenti tiba-tiba").into(),
            );
        };
        self.report.kind = kind.unwrap_or(FileKind::PajakKeluaran);
        if kind.is_none() && self.report.errors.is_empty() {
            self.report.errors.push(Problem::new(
                1,
                "",
                DjpCode::Etax20023,
                Said::new(
                    "file tidak berisi baris FK atau FM; periksa bahwa ini file CSV e-Faktur",
                    "the file holds no FK or FM row; check that it is an e-Faktur CSV file",
                ),
            ));
        }
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.options
            .control
            .as_ref()
            .is_some_and(|c| c.is_cancelled())
    }

    /// Whether rows should still be written: not in a check, and not after an error when the
    /// whole import will be rolled back anyway.
    fn writing(&self) -> bool {
        self.write && (self.options.skip_invalid || self.report.errors.is_empty())
    }

    /// Keeps a warning, made only when it is kept (a file can warn on every faktur, and each
    /// warning's text is formatted twice, in both languages).
    fn warn(&mut self, p: impl FnOnce() -> Problem) {
        if self.report.warnings.len() < MAX_WARNINGS {
            self.report.warnings.push(p());
        } else {
            self.warnings_dropped += 1;
        }
    }

    fn lawan(&mut self, conn: &Connection, lt: &ParsedLawan) -> Result<(), Abort> {
        if !lt.problems.is_empty() {
            self.report.errors.extend(lt.problems.iter().cloned());
            return Ok(());
        }
        if self.writing() {
            store::party::upsert(conn, &lt.party)?;
            self.report.lawan_transaksi += 1;
        }
        Ok(())
    }

    /// Checks one faktur against the database and writes its header; returns it when written,
    /// for [`BulkWriter::finish`].
    fn faktur<'c>(
        &mut self,
        conn: &Connection,
        writer: Option<&mut BulkWriter<'_>>,
        c: &'c Checked,
    ) -> Result<Option<Written<'c>>, Abort> {
        self.report.faktur += 1;
        self.report.items += c.items;
        let mut problems = c.problems.clone();
        // While writing, the insert itself refuses a number already in force (below).
        // A pengganti replaces the faktur in force with its number, so that one is no duplicate.
        if let Some(f) = &c.faktur
            && problems.is_empty()
            && f.status == KodeStatus::Normal
            && !self.writing()
            && store::faktur::exists(conn, f)?
        {
            problems.push(already_registered(c.line, f));
        }
        if !problems.is_empty() {
            self.report.errors.extend(problems);
            return Ok(None);
        }
        let Some(f) = &c.faktur else { return Ok(None) };
        let range = match f.jenis {
            Jenis::Keluaran => self
                .ranges
                .iter()
                .find(|r| r.range.contains(f.nsfp))
                .map(|r| r.id),
            Jenis::Masukan { .. } => None,
        };
        // A check against an empty in-memory database knows no ranges: nothing to warn about.
        if f.jenis == Jenis::Keluaran && range.is_none() && (self.write || !self.ranges.is_empty())
        {
            self.warn(|| {
                Problem::new(
                    c.line,
                    "NOMOR_FAKTUR",
                    DjpCode::Etax20017,
                    Said::new(
                        format!(
                            "nomor {} di luar range Referensi Nomor Faktur; faktur tetap diimpor, rekam range NSFP-nya (efaktur nsfp add) sebelum upload",
                            f.nsfp
                        ),
                        format!(
                            "number {} is outside the ranges of Referensi Nomor Faktur; the invoice is imported anyway, record its NSFP range (efaktur nsfp add) before uploading",
                            f.nsfp
                        ),
                    ),
                )
            });
        }
        let (Some(writer), Some(text)) = (writer.filter(|_| self.writing()), &c.text) else {
            return Ok(None);
        };
        if self.options.fail_after == Some(self.report.imported) {
            return Err(
                StoreError::rule(DjpCode::Etax10001, "impor dihentikan (uji kegagalan)").into(),
            );
        }
        let inserted = match f.status {
            KodeStatus::Normal => writer.insert_header(f, text, ApprovalStatus::Draft, &self.stamp),
            KodeStatus::Pengganti => {
                store::faktur::insert_pengganti(conn, f, ApprovalStatus::Draft, &self.stamp)
                    .map(|(id, _)| id)
            }
        };
        let id = match inserted {
            Ok(id) => id,
            Err(StoreError::Rule {
                code: DjpCode::Etax20002,
                ..
            }) => {
                self.report.errors.push(already_registered(c.line, f));
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(lt) = &c.lawan {
            store::party::upsert(conn, &lt.party)?;
            self.report.lawan_transaksi += 1;
        }
        self.fill_barang_jasa(conn, f)?;
        self.report.imported += 1;
        Ok(Some(Written {
            id,
            faktur: f,
            text,
            // insert_pengganti wrote them.
            items: f.status == KodeStatus::Normal,
            range,
        }))
    }

    /// OF rows fill Referensi Barang/Jasa: each new item code once per import, never over what
    /// the user keeps there (whose Coretax classification the Coretax export uses per line).
    fn fill_barang_jasa(&mut self, conn: &Connection, f: &Faktur) -> Result<(), Abort> {
        for it in &f.items {
            if it.kode_objek.is_empty() || self.barang_jasa.contains(&it.kode_objek) {
                continue;
            }
            self.barang_jasa.insert(it.kode_objek.clone());
            store::item::add_if_new(conn, &it.kode_objek, &it.nama, &it.harga_satuan.to_string())?;
        }
        Ok(())
    }

    fn finish(mut self) -> Report {
        self.report.sort();
        self.report.warnings_omitted = self.warnings_dropped;
        self.report
    }
}
