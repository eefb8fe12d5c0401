//! `efaktur referensi import|export --jenis lawan-transaksi|barang-jasa`: Referensi files in
//! e-Faktur's CSV shapes (an `.xlsx` with the same columns is read too).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use efaktur::domain::Said;
use efaktur::exchange::referensi::{Referensi, import_referensi, write_referensi};
use efaktur::exchange::rows::RowSource;
use efaktur::exchange::xlsx;
use efaktur::paths::AppDirs;
use efaktur::store::Store;

use super::exchange::{Delimiter, finish, open_input};
use super::{CliResult, choose_database};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReferensiJenis {
    /// LT rows: NPWP, NAMA, address parts, KODE_POS, NOMOR_TELEPON.
    LawanTransaksi,
    /// OB rows: KODE_OBJEK, NAMA, HARGA_SATUAN.
    BarangJasa,
}

impl ReferensiJenis {
    fn referensi(self) -> Referensi {
        match self {
            ReferensiJenis::LawanTransaksi => Referensi::LawanTransaksi,
            ReferensiJenis::BarangJasa => Referensi::BarangJasa,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum ReferensiCommand {
    /// Import a Referensi file in one transaction (nothing is written when any row is wrong).
    Import {
        #[arg(long, value_enum)]
        jenis: ReferensiJenis,
        /// The CSV (or .xlsx) file.
        file: PathBuf,
        #[arg(long)]
        npwp: Option<String>,
        #[arg(long)]
        json: bool,
        /// Column separator (detected from the first line when omitted).
        #[arg(long, value_enum)]
        delimiter: Option<Delimiter>,
    },
    /// Export a Referensi as CSV.
    Export {
        #[arg(long, value_enum)]
        jenis: ReferensiJenis,
        /// Output file (standard output when omitted).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        npwp: Option<String>,
    },
}

pub fn run(command: ReferensiCommand, dirs: &AppDirs) -> CliResult {
    match command {
        ReferensiCommand::Import {
            jenis,
            file,
            npwp,
            json,
            delimiter,
        } => {
            let (_, path) = choose_database(dirs, npwp.as_deref())?;
            let mut store = Store::open(&path)?;
            let (report, shown) = if xlsx::is_xlsx(&file) {
                let sheet = xlsx::read_first_sheet(&file)?;
                let shown = PathBuf::from(format!("{}[{}]", file.display(), sheet.name));
                let source = RowSource::<std::io::Empty>::Rows(sheet.rows.into_iter());
                (
                    import_referensi(source, &mut store, jenis.referensi(), "cli"),
                    shown,
                )
            } else {
                let (input, _) = open_input(&file)?;
                let source = RowSource::csv(input, delimiter.map(Delimiter::byte));
                (
                    import_referensi(source, &mut store, jenis.referensi(), "cli"),
                    file.clone(),
                )
            };
            let report = report?;
            let lang = super::language(dirs);
            Ok(finish(lang, &report, &shown, json, Some(report.imported)))
        }
        ReferensiCommand::Export { jenis, out, npwp } => {
            let (_, path) = choose_database(dirs, npwp.as_deref())?;
            let store = Store::open_read_only(&path)?;
            let sink: Box<dyn Write> = match &out {
                Some(p) => Box::new(File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
                None => Box::new(std::io::stdout().lock()),
            };
            let summary = write_referensi(BufWriter::new(sink), store.conn(), jenis.referensi())?;
            let n = summary.faktur;
            let said = Said::new(
                format!("{n} entri diekspor"),
                format!("{n} entries exported"),
            );
            let lang = super::language(dirs);
            eprintln!("{}", crate::ui::i18n::errors::said(lang, &said));
            Ok(ExitCode::SUCCESS)
        }
    }
}
