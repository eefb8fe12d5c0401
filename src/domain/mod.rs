//! Pure types and rules of the e-Faktur domain: no I/O, no async, no serde.
//!
//! Every type here is built through a validating constructor and keeps its fields private, so a
//! value that exists is a value that is valid ("parse, don't validate").

pub mod activation;
pub mod code;
pub mod coretax;
pub mod deadline;
pub mod dokumen_lain;
pub mod faktur;
pub mod kode_transaksi;
pub mod money;
pub mod npwp;
pub mod nsfp;
pub mod retur;
pub mod said;
pub mod status;
pub mod tax;
pub mod text;

pub use activation::KodeAktivasi;
pub use code::DjpCode;
pub use coretax::{BuyerDocument, CoretaxHeader, CoretaxLine};
pub use dokumen_lain::{ArahDokumen, DokumenLain, DokumenLainDraft};
pub use faktur::{Faktur, FakturDraft, FakturItem, FakturItemDraft, FieldError};
pub use kode_transaksi::KodeTransaksi;
pub use money::{Amount, Rupiah};
pub use npwp::{Npwp, NpwpError, NpwpKind};
pub use nsfp::{KodeStatus, NomorFaktur, Nsfp, NsfpError, NsfpRange};
pub use retur::{Retur, ReturDraft};
pub use said::Said;
pub use status::{ApprovalStatus, FakturStatus, StatusError};
