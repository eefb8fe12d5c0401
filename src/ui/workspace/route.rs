//! Where a page of the workspace is, and the menu bar as data: a new page is a `Route` variant,
//! a line in [`MENU`] and an arm in `Page::new`.

use crate::ui::i18n::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    /// Administrasi Faktur of Pajak Keluaran (`false`) or Pajak Masukan (`true`).
    Administrasi {
        masukan: bool,
    },
    /// One faktur with its items.
    Faktur(i64),
    Certificate,
    Tentang,
    // refui:
    LawanTransaksi,
    BarangJasa,
    NomorFaktur,
    AdministrasiUser,
    // rekam:
    /// Rekam Faktur: a new faktur keluaran (`false`) or masukan (`true`).
    Rekam {
        masukan: bool,
    },
    /// Ubah of a stored faktur (not yet approved).
    Ubah(i64),
    /// The pengganti of an approved faktur.
    Pengganti(i64),
    // upui:
    /// Administrasi Faktur of Pajak Keluaran filtered to one masa (Beranda's deadline links).
    KeluaranMasa {
        tahun: u16,
        masa: u8,
    },
    // ship:
    /// File > Backup (`false`) or File > Restore (`true`).
    Cadangan {
        restore: bool,
    },
    // impor:
    Impor,
    Ekspor,
    // returui:
    /// Administrasi Retur of Retur Pajak Keluaran (`false`, RK) or Retur Pajak Masukan (`true`,
    /// RM).
    Retur {
        masukan: bool,
    },
    /// Dokumen Lain of Pajak Keluaran (`false`, DK) or Pajak Masukan (`true`, DM).
    DokumenLain {
        masukan: bool,
    },
    /// The Retur (`dokumen_lain: false`) or Dokumen Lain page on one masa: where the Impor page
    /// sends the user after importing such documents.
    DokumenMasa {
        dokumen_lain: bool,
        masukan: bool,
        tahun: u16,
        masa: u8,
    },
}

/// An entry of a menu: the section it is listed under (DJP's submenus) and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub section: Option<Key>,
    pub label: Key,
    pub route: Route,
}

/// The menu bar: DJP's menus, with only the entries that work.
pub const MENU: &[(Key, &[Entry])] = &[
    (
        Key::MenuFaktur,
        &[
            Entry {
                section: Some(Key::PajakKeluaran),
                label: Key::AdministrasiFaktur,
                route: Route::Administrasi { masukan: false },
            },
            Entry {
                section: Some(Key::PajakKeluaran),
                label: Key::RekamFaktur,
                route: Route::Rekam { masukan: false },
            },
            Entry {
                section: Some(Key::PajakMasukan),
                label: Key::AdministrasiFaktur,
                route: Route::Administrasi { masukan: true },
            },
            Entry {
                section: Some(Key::PajakMasukan),
                label: Key::RekamFaktur,
                route: Route::Rekam { masukan: true },
            },
            // returui: DJP's Faktur menu lists the retur after the faktur.
            Entry {
                section: Some(Key::ReturPajakKeluaran),
                label: Key::AdministrasiRetur,
                route: Route::Retur { masukan: false },
            },
            Entry {
                section: Some(Key::ReturPajakMasukan),
                label: Key::AdministrasiRetur,
                route: Route::Retur { masukan: true },
            },
            // impor:
            Entry {
                section: None,
                label: Key::MenuImpor,
                route: Route::Impor,
            },
            Entry {
                section: None,
                label: Key::MenuEkspor,
                route: Route::Ekspor,
            },
        ],
    ),
    // returui: DJP's Dokumen Lain menu, right after Faktur as there.
    (
        Key::MenuDokumenLain,
        &[
            Entry {
                section: None,
                label: Key::PajakKeluaran,
                route: Route::DokumenLain { masukan: false },
            },
            Entry {
                section: None,
                label: Key::PajakMasukan,
                route: Route::DokumenLain { masukan: true },
            },
        ],
    ),
    (
        Key::Referensi,
        &[
            Entry {
                section: None,
                label: Key::AdministrasiCertificate,
                route: Route::Certificate,
            },
            // refui:
            Entry {
                section: None,
                label: Key::LawanTransaksi,
                route: Route::LawanTransaksi,
            },
            Entry {
                section: None,
                label: Key::BarangJasa,
                route: Route::BarangJasa,
            },
            Entry {
                section: None,
                label: Key::NomorFakturRef,
                route: Route::NomorFaktur,
            },
            Entry {
                section: None,
                label: Key::AdministrasiUser,
                route: Route::AdministrasiUser,
            },
        ],
    ),
    (
        Key::Bantuan,
        &[Entry {
            section: None,
            label: Key::Tentang,
            route: Route::Tentang,
        }],
    ),
    // ship:
    (
        Key::MenuFile,
        &[
            Entry {
                section: None,
                label: Key::BackupDatabase,
                route: Route::Cadangan { restore: false },
            },
            Entry {
                section: None,
                label: Key::RestoreDatabase,
                route: Route::Cadangan { restore: true },
            },
        ],
    ),
];
