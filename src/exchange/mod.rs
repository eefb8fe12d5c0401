//! e-Faktur CSV import/export and Coretax `TaxInvoiceBulk` XML: the one owner of these formats.
//!
//! - [`csv_read`] turns a CSV file (DJP's export, ERP generators such as Odoo) into faktur drafts,
//!   streaming, with the line of every row;
//! - [`import`] validates them and writes them to the Local Database in one transaction;
//! - [`csv_write`] writes the Local Database back in the shape DJP's import reads;
//! - [`coretax`] writes and reads Coretax XML (checked as Coretax does by `coretax_check`), [`coretax_import`] brings it into the Local
//!   Database (numbering each faktur from Referensi Nomor Faktur);
//! - [`report`] is what every one of them tells the user: problems with line, column and DJP code.

pub mod coretax;
mod coretax_check;
pub mod coretax_import;
pub mod csv_read;
pub mod csv_write;
pub mod import;
pub mod report;

pub use coretax_import::{XmlImportOptions, import_xml, import_xml_with};
pub use import::{ImportOptions, import_csv, validate_csv};
pub use report::{FileKind, Problem, Report};
