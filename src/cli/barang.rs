//! `efaktur barang list|set`: Referensi Barang/Jasa, including how Coretax classifies each item's
//! lines (barang or jasa, 6-digit code, unit), which the Coretax export uses per line.

use std::process::ExitCode;

use efaktur::domain::{Amount, CoretaxLine, Said};
use efaktur::paths::AppDirs;
use efaktur::store::Store;
use efaktur::store::item::{self, BarangJasa};

use super::{CliResult, choose_database};
use crate::ui::i18n::errors;

/// An item that is not recorded yet needs its name and price.
fn unknown(kode: &str) -> Said {
    Said::new(
        format!("barang {kode} belum ada: isi --nama dan --harga"),
        format!("item {kode} is not recorded yet: give --nama and --harga"),
    )
}

#[derive(Debug, clap::Subcommand)]
pub enum BarangCommand {
    /// List Referensi Barang/Jasa: code, name, unit price, Coretax Opt/Code/Unit.
    List {
        #[arg(long)]
        npwp: Option<String>,
    },
    /// Add an item or change one; with --jenis, --kode-coretax and --satuan its lines go to
    /// Coretax with these values.
    Set {
        #[arg(long)]
        npwp: Option<String>,
        /// Item code (KODE_OBJEK of the OF rows).
        #[arg(long)]
        kode: String,
        /// Name (required for a new item).
        #[arg(long)]
        nama: Option<String>,
        /// Unit price (required for a new item).
        #[arg(long)]
        harga: Option<String>,
        /// Coretax: A (barang) or B (jasa).
        #[arg(long, requires_all = ["kode_coretax", "satuan"])]
        jenis: Option<String>,
        /// Coretax: 6-digit goods/services code (000000 when none).
        #[arg(long, requires = "jenis")]
        kode_coretax: Option<String>,
        /// Coretax: unit code UM.0001..UM.0039.
        #[arg(long, requires = "jenis")]
        satuan: Option<String>,
    },
}

pub fn run(command: BarangCommand, dirs: &AppDirs) -> CliResult {
    match command {
        BarangCommand::List { npwp } => {
            let (_, path) = choose_database(dirs, npwp.as_deref())?;
            let store = Store::open_read_only(&path)?;
            for b in item::list(store.conn())? {
                let ct = b.coretax.as_ref().map_or_else(
                    || "-".to_string(),
                    |c| format!("{} {} {}", c.opt(), c.kode, c.satuan),
                );
                println!("{}\t{}\t{}\t{ct}", b.kode, b.nama, b.harga_satuan);
            }
            Ok(ExitCode::SUCCESS)
        }
        BarangCommand::Set {
            npwp,
            kode,
            nama,
            harga,
            jenis,
            kode_coretax,
            satuan,
        } => {
            let (_, path) = choose_database(dirs, npwp.as_deref())?;
            let store = Store::open(&path)?;
            let existing = item::list(store.conn())?
                .into_iter()
                .find(|b| b.kode == kode);
            let coretax = match (jenis, kode_coretax, satuan) {
                (Some(j), Some(k), Some(s)) => Some(CoretaxLine::new(&j, &k, &s).map_err(|e| {
                    Said::new(
                        format!("ETAX-20008 : {}", e.id),
                        format!("ETAX-20008 : {}", e.en),
                    )
                })?),
                _ => existing.as_ref().and_then(|b| b.coretax.clone()),
            };
            let nama = nama
                .or_else(|| existing.as_ref().map(|b| b.nama.clone()))
                .ok_or_else(|| unknown(&kode))?;
            let harga_satuan = match harga {
                Some(h) => Amount::parse(&h).map_err(|e| {
                    Said::new(
                        format!("--harga: ETAX-20004 : {e}"),
                        format!("--harga: ETAX-20004 : {}", e.english()),
                    )
                })?,
                None => existing
                    .as_ref()
                    .map(|b| b.harga_satuan)
                    .ok_or_else(|| unknown(&kode))?,
            };
            let b = BarangJasa {
                kode,
                nama,
                harga_satuan,
                coretax,
            };
            item::upsert(store.conn(), &b)?;
            let said = Said::new(
                format!("Barang/Jasa {} direkam", b.kode),
                format!("Goods/service {} recorded", b.kode),
            );
            println!("{}", errors::said(super::language(dirs), &said));
            Ok(ExitCode::SUCCESS)
        }
    }
}
