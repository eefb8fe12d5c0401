//! e-Faktur CSV import/export and Coretax `TaxInvoiceBulk` XML: the one owner of these formats.
//!
//! - [`csv_read`] turns a CSV file (DJP's export, ERP generators such as Odoo) into faktur drafts,
//!   streaming, with the line of every row;
//! - [`import`] validates them and writes them to the Local Database in one transaction;
//! - [`csv_write`] writes the Local Database back in the shape DJP's import reads;
//! - [`coretax`] writes and reads Coretax XML (checked as Coretax does by `coretax_check`), [`coretax_import`] brings it into the Local
//!   Database (numbering each faktur from Referensi Nomor Faktur);
//! - [`retur`] checks, imports and exports retur (RK/RM) and dokumen lain (DK/DM);
//! - [`referensi`] imports and exports Referensi Lawan Transaksi and Barang/Jasa;
//! - [`rows`] hands rows out of CSV files and [`xlsx`] spreadsheets alike;
//! - [`output`] writes export files safely (temporary file + rename, no silent overwrite);
//! - [`control`] lets a watcher count faktur and cancel an import;
//! - [`report`] is what every one of them tells the user: problems with line, column and DJP code.

pub mod control;
pub mod coretax;
mod coretax_check;
pub mod coretax_import;
pub mod csv_read;
pub mod csv_write;
pub mod import;
pub mod output;
pub mod referensi;
pub mod report;
pub mod retur;
pub mod rows;
pub mod xlsx;

pub use coretax_import::{XmlImportOptions, import_xml, import_xml_with};
pub use import::{
    ImportOptions, import_csv, import_csv_files, import_reader, import_readers, validate_csv,
    validate_reader,
};
pub use report::{FileKind, Problem, Report};
