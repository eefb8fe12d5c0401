//! Faktur > Impor and Faktur > Ekspor: the `exchange` core run on a background task with a
//! progress bar and *Batal*, and what it found shown as a table.

pub mod ekspor;
pub mod exporter;
pub mod impor;
pub mod importer;
pub mod job;
pub mod problems;
#[cfg(test)]
pub(super) mod tests;
