//! Faktur > Rekam Faktur (Pajak Keluaran and Pajak Masukan): the form ([`form`]), its lines
//! ([`lines`]), the draft it hands to the domain ([`draft`]) and its view ([`view`]). Ubah and
//! Pengganti open the same form on a stored faktur.

pub mod actions;
pub mod draft;
pub mod form;
pub mod lines;
mod view;

#[cfg(test)]
mod tests;
