//! User-facing text: Bahasa Indonesia by default, English selectable. DJP's own words
//! ("REGISTER ETAX INVOICE", "Kode Aktivasi", "Daftarkan User") stay as users know them.

pub use efaktur::config::Language as Lang;

/// A piece of user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppTitle,
    PilihDatabase,
    LocalDatabase,
    NewDatabase,
    NoDatabases,
    Server,
    ServerUrl,
    CaCertificate,
    Pilih,
    Simulasi,
    SimulasiInfo,
    SimulasiCaptchaHint,
    SimulasiPanel,
    Connect,
    Language,
    Loading,
    RegisterTitle,
    Npwp,
    SertifikatUser,
    Buka,
    PilihFileP12,
    KodeAktivasi,
    Register,
    Close,
    PassphraseTitle,
    Passphrase,
    Ok,
    Cancel,
    CaptchaTitle,
    CaptchaHint,
    RefreshCaptcha,
    Captcha,
    PasswordEnofa,
    Submit,
    ContactingServer,
    OpeningCertificate,
    RegisterUserTitle,
    RegistrasiBerhasil,
    UserDibuat,
    NamaUser,
    Password,
    UlangiPassword,
    DaftarkanUser,
    PasswordMismatch,
    Required,
    LoginTitle,
    Login,
    Logout,
    Referensi,
    AdministrasiCertificate,
    Subject,
    Issuer,
    Serial,
    BerlakuDari,
    BerlakuSampai,
    SisaHari,
    NoCertificate,
    InstallCertificate,
    IngatPassphrase,
    Pasang,
    TesKoneksi,
    KoneksiOk,
    CertificateInstalled,
    ExpiresSoon,
    Expired,
    OtherNpwp,
    FatalTitle,
    Quit,
    Back,
    Working,
    MenuFaktur,
    PajakKeluaran,
    PajakMasukan,
    AdministrasiFaktur,
    Bantuan,
    Tentang,
    SimulasiMark,
    Beranda,
    FakturMasa,
    NsfpTersisa,
    BelumUpload,
    BelumAdaFaktur,
    Versi,
    FolderData,
    PathLocalDatabase,
    NomorFaktur,
    Tanggal,
    MasaTahun,
    NpwpLawan,
    NamaLawan,
    Dpp,
    Ppn,
    Ppnbm,
    Status,
    KolomReferensi,
    Semua,
    Masa,
    Tahun,
    Cari,
    Sebelumnya,
    Berikutnya,
    Awal,
    Akhir,
    PetunjukTabel,
    TidakAdaCocok,
    PersempitPencarian,
    UrutanTanpaMasa,
    DetailFaktur,
    LawanTransaksi,
    Alamat,
    NamaBarang,
    HargaSatuan,
    Jumlah,
    HargaTotal,
    Diskon,
    AlasanReject,
    // impor:
    MenuImpor,
    MenuEkspor,
    PilihFileImpor,
    ImporFile,
    ImporYangBenar,
    ImporMulai,
    ImporBerjalan,
    ImporBerjalanBaris,
    Membatalkan,
    ImporDibatalkan,
    ImporSelesai,
    ImporTidakAdaYangDitulis,
    ImporSebagian,
    BukaAdministrasi,
    Baris,
    Kolom,
    Kode,
    Pesan,
    Peringatan,
    MasalahLain,
    FileMasalah,
    SimpanMasalah,
    MasalahDisimpan,
    MasalahTidakTersimpan,
    PilihFileLain,
    FileSudahAda,
    Timpa,
    ImporFileTidakTerbaca,
    ImporPeriksaFile,
    JenisFaktur,
    Format,
    EfakturCsv,
    CoretaxXml,
    FileTujuan,
    EksporMulai,
    EksporBerjalan,
    EksporSelesai,
    EksporBatalDilewati,
    FileDihapus,
    EksporKosong,
    EksporDibatalkan,
    EksporGagal,
    CoretaxHanyaKeluaran,
    TahunSalah,
    ProfilBelumAda,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (id, en) = pair(key);
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// The language's own name, for the language picker.
pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "Bahasa Indonesia",
        Lang::En => "English",
    }
}

fn pair(key: Key) -> (&'static str, &'static str) {
    use Key::*;
    match key {
        AppTitle => ("e-Faktur Desktop (open)", "e-Faktur Desktop (open)"),
        PilihDatabase => ("Pilih Database", "Choose Database"),
        LocalDatabase => ("Lokal Database", "Local Database"),
        NewDatabase => ("Database baru (registrasi)", "New database (register)"),
        NoDatabases => (
            "Belum ada Local Database di komputer ini.",
            "No Local Database on this computer yet.",
        ),
        Server => ("Server e-Nofa", "e-Nofa server"),
        ServerUrl => ("Alamat server (https://…)", "Server address (https://…)"),
        CaCertificate => (
            "Sertifikat CA server (.pem)",
            "Server CA certificate (.pem)",
        ),
        Pilih => ("Pilih…", "Browse…"),
        Simulasi => (
            "Simulasi (server latihan di komputer ini)",
            "Simulasi (training server on this computer)",
        ),
        SimulasiInfo => (
            "Data PKP latihan untuk registrasi (hanya simulasi):",
            "Training PKP data for registration (simulasi only):",
        ),
        SimulasiPanel => (
            "Data PKP latihan (hanya simulasi)",
            "Training PKP data (simulasi only)",
        ),
        SimulasiCaptchaHint => (
            "Jawaban captcha (hanya simulasi):",
            "Captcha answer (simulasi only):",
        ),
        Connect => ("Connect", "Connect"),
        Language => ("Bahasa", "Language"),
        Loading => ("Memuat…", "Loading…"),
        RegisterTitle => ("REGISTER ETAX INVOICE", "REGISTER ETAX INVOICE"),
        Npwp => ("NPWP", "NPWP"),
        SertifikatUser => ("Sertifikat User (.p12)", "User Certificate (.p12)"),
        Buka => ("Buka", "Open"),
        PilihFileP12 => ("Pilih file .p12", "Choose a .p12 file"),
        KodeAktivasi => ("Kode Aktivasi", "Activation Code (Kode Aktivasi)"),
        Register => ("Register", "Register"),
        Close => ("Close", "Close"),
        PassphraseTitle => ("Passphrase Certificate", "Certificate passphrase"),
        Passphrase => ("Passphrase", "Passphrase"),
        Ok => ("OK", "OK"),
        Cancel => ("Batal", "Cancel"),
        CaptchaTitle => ("Session Captcha", "Session Captcha"),
        CaptchaHint => (
            "Masukan Captcha dan Password User E-Nofa anda untuk mengakses Web Service",
            "Enter the captcha and your e-Nofa user password to access the web service",
        ),
        RefreshCaptcha => ("Refresh Captcha", "Refresh Captcha"),
        Captcha => ("Captcha", "Captcha"),
        PasswordEnofa => ("Password e-Nofa", "e-Nofa password"),
        Submit => ("Submit", "Submit"),
        ContactingServer => ("Menghubungi server…", "Contacting the server…"),
        OpeningCertificate => ("Membuka sertifikat…", "Opening the certificate…"),
        RegisterUserTitle => ("REGISTER USER", "REGISTER USER"),
        RegistrasiBerhasil => (
            "Registrasi berhasil. Buat user pertama untuk aplikasi ini.",
            "Registration succeeded. Create the first user of this application.",
        ),
        // `{nama}` is replaced by the user's name.
        UserDibuat => (
            "User {nama} dibuat. Silakan login.",
            "User {nama} created. Please log in.",
        ),
        NamaUser => ("Nama user", "User name"),
        Password => ("Password", "Password"),
        UlangiPassword => ("Ulangi password", "Repeat password"),
        DaftarkanUser => ("Daftarkan User", "Register User"),
        PasswordMismatch => ("Password tidak sama", "Passwords do not match"),
        Required => ("Wajib diisi", "Required"),
        LoginTitle => ("Login", "Login"),
        Login => ("Login", "Log in"),
        Logout => ("Logout", "Log out"),
        Referensi => ("Referensi", "References"),
        AdministrasiCertificate => ("Administrasi Certificate", "Certificate administration"),
        Subject => ("Subjek", "Subject"),
        Issuer => ("Penerbit", "Issuer"),
        Serial => ("Nomor seri", "Serial number"),
        BerlakuDari => ("Berlaku dari", "Valid from"),
        BerlakuSampai => ("Berlaku sampai", "Valid until"),
        SisaHari => ("Sisa hari", "Days left"),
        NoCertificate => (
            "ETAX-30022 : File Certificate belum tersedia. Pilih file certificate terlebih dahulu di Administrasi",
            "ETAX-30022 : No certificate installed yet. Choose a certificate file below.",
        ),
        InstallCertificate => (
            "Pasang / ganti sertifikat (.p12)",
            "Install / replace certificate (.p12)",
        ),
        IngatPassphrase => (
            "Ingat passphrase (disimpan di keyring sistem)",
            "Remember passphrase (in the system keyring)",
        ),
        Pasang => ("Pasang", "Install"),
        TesKoneksi => ("Tes koneksi", "Test connection"),
        KoneksiOk => (
            "Koneksi ke server e-Nofa berhasil (mutual TLS).",
            "Connected to the e-Nofa server (mutual TLS).",
        ),
        CertificateInstalled => ("Sertifikat terpasang.", "Certificate installed."),
        ExpiresSoon => (
            "Sertifikat akan habis masa berlakunya; ajukan sertifikat baru ke KPP.",
            "The certificate expires soon; request a new one from your KPP.",
        ),
        Expired => (
            "Sertifikat sudah tidak berlaku; ajukan sertifikat baru ke KPP.",
            "The certificate has expired; request a new one from your KPP.",
        ),
        OtherNpwp => (
            "Sertifikat ini bukan milik NPWP database ini; pilih sertifikat yang benar.",
            "This certificate belongs to another NPWP; choose the right certificate.",
        ),
        FatalTitle => (
            "Aplikasi tidak dapat dimulai",
            "The application cannot start",
        ),
        Quit => ("Keluar", "Quit"),
        Back => ("Kembali", "Back"),
        Working => ("Sedang diproses…", "Working…"),
        MenuFaktur => ("Faktur", "Invoices (Faktur)"),
        PajakKeluaran => ("Pajak Keluaran", "Output tax (Pajak Keluaran)"),
        PajakMasukan => ("Pajak Masukan", "Input tax (Pajak Masukan)"),
        AdministrasiFaktur => ("Administrasi Faktur", "Invoice administration"),
        Bantuan => ("Bantuan", "Help"),
        Tentang => ("Tentang", "About"),
        SimulasiMark => (
            "SIMULASI — server latihan di komputer ini, tidak terhubung ke DJP",
            "SIMULASI — training server on this computer, not connected to DJP",
        ),
        Beranda => ("Beranda", "Home"),
        FakturMasa => ("Faktur masa {masa}", "Invoices of period {masa}"),
        NsfpTersisa => (
            "NSFP tersisa (Referensi Nomor Faktur)",
            "NSFP left (Referensi Nomor Faktur)",
        ),
        BelumUpload => (
            "Faktur keluaran masa ini belum diupload",
            "Output invoices of this period not yet uploaded",
        ),
        BelumAdaFaktur => ("Belum ada faktur.", "No invoices yet."),
        Versi => ("Versi", "Version"),
        FolderData => ("Folder data", "Data folder"),
        PathLocalDatabase => ("Local Database", "Local Database"),
        NomorFaktur => ("Nomor Faktur", "Invoice number"),
        Tanggal => ("Tanggal", "Date"),
        MasaTahun => ("Masa/Tahun", "Period"),
        NpwpLawan => ("NPWP", "NPWP"),
        NamaLawan => ("Nama", "Name"),
        Dpp => ("DPP", "DPP"),
        Ppn => ("PPN", "PPN"),
        Ppnbm => ("PPnBM", "PPnBM"),
        Status => ("Status", "Status"),
        KolomReferensi => ("Referensi", "Reference"),
        Semua => ("Semua", "All"),
        Masa => ("Masa", "Period"),
        Tahun => ("Tahun", "Year"),
        Cari => ("Cari", "Search"),
        Sebelumnya => ("‹ Sebelumnya", "‹ Previous"),
        Berikutnya => ("Berikutnya ›", "Next ›"),
        Awal => ("« Awal", "« First"),
        Akhir => ("Akhir »", "Last »"),
        PetunjukTabel => (
            "↑↓ pilih · Enter buka · PgUp/PgDn halaman · Home/End awal/akhir · Esc kembali",
            "↑↓ select · Enter open · PgUp/PgDn page · Home/End first/last · Esc back",
        ),
        TidakAdaCocok => ("Tidak ada faktur yang cocok.", "No matching invoices."),
        PersempitPencarian => (
            "Pencarian berhenti setelah memeriksa {n} faktur: persempit pencarian (mis. pilih \
             masa), atau tekan Berikutnya untuk memeriksa {n} faktur lagi.",
            "The search stopped after examining {n} invoices: narrow the search (e.g. pick a \
             period), or press Next to examine {n} more.",
        ),
        UrutanTanpaMasa => (
            "Tanpa masa, daftar diurutkan menurut Tanggal (pencarian nomor atau NPWP: menurut \
             kolom itu). Pilih masa untuk mengurutkan menurut kolom lain dan untuk pencarian \
             cepat nama, referensi atau status.",
            "Without a period the list is in date order (a number or NPWP search: in that \
             column's order). Pick a period to sort by another column and for fast name, \
             reference or status searches.",
        ),
        DetailFaktur => ("Detail Faktur", "Invoice detail"),
        LawanTransaksi => ("Lawan Transaksi", "Counterparty"),
        Alamat => ("Alamat", "Address"),
        NamaBarang => ("Nama barang/jasa", "Goods/service"),
        HargaSatuan => ("Harga satuan", "Unit price"),
        Jumlah => ("Jumlah", "Quantity"),
        HargaTotal => ("Harga total", "Total price"),
        Diskon => ("Diskon", "Discount"),
        AlasanReject => ("Alasan reject", "Reject reason"),
        // impor:
        MenuImpor => ("Impor", "Import"),
        MenuEkspor => ("Ekspor", "Export"),
        PilihFileImpor => ("Pilih file untuk diimpor", "Choose a file to import"),
        ImporFile => (
            "File (CSV e-Faktur, retur/dokumen lain, Referensi, XML Coretax atau .xlsx)",
            "File (e-Faktur CSV, returns/other documents, Referensi, Coretax XML or .xlsx)",
        ),
        ImporYangBenar => (
            "Impor yang benar saja; yang salah dilaporkan dan tidak diimpor",
            "Import the valid ones only; the others are reported and not imported",
        ),
        ImporMulai => ("Impor", "Import"),
        ImporBerjalan => (
            "Mengimpor… {done} dari {total} · {faktur} faktur",
            "Importing… {done} of {total} · {faktur} invoices",
        ),
        ImporBerjalanBaris => (
            "Mengimpor… baris {done} dari {total} · {faktur} faktur",
            "Importing… row {done} of {total} · {faktur} invoices",
        ),
        Membatalkan => ("Membatalkan…", "Cancelling…"),
        ImporDibatalkan => (
            "Impor dibatalkan; tidak ada yang ditulis ke Local Database.",
            "Import cancelled; nothing was written to the Local Database.",
        ),
        ImporSelesai => (
            "{file}: {imported} dari {faktur} dokumen diimpor; {errors} kesalahan, {warnings} peringatan.",
            "{file}: {imported} of {faktur} documents imported; {errors} errors, {warnings} warnings.",
        ),
        ImporTidakAdaYangDitulis => (
            "Tidak ada yang diimpor karena file ini bermasalah. Perbaiki baris di bawah lalu impor lagi, atau centang \"Impor yang benar saja\".",
            "Nothing was imported because this file has errors. Fix the lines below and import again, or tick \"Import the valid ones only\".",
        ),
        ImporSebagian => (
            "Yang benar sudah diimpor; baris di bawah tidak. Perbaiki lalu impor baris itu lagi.",
            "The valid ones were imported; the lines below were not. Fix them and import those again.",
        ),
        BukaAdministrasi => ("Buka Administrasi Faktur", "Open Administrasi Faktur"),
        Baris => ("Baris", "Line"),
        Kolom => ("Kolom", "Column"),
        Kode => ("Kode", "Code"),
        Pesan => ("Pesan", "Message"),
        Peringatan => ("Peringatan", "Warning"),
        MasalahLain => (
            "… dan {n} masalah lain yang tidak ditampilkan; perbaiki yang di atas lalu impor lagi.",
            "… and {n} more problems not shown; fix those above and import again.",
        ),
        FileMasalah => ("File daftar masalah (CSV)", "Problem list file (CSV)"),
        SimpanMasalah => ("Simpan daftar masalah", "Save problem list"),
        MasalahDisimpan => (
            "Daftar masalah disimpan: {file}",
            "Problem list saved: {file}",
        ),
        MasalahTidakTersimpan => (
            "Daftar masalah tidak dapat disimpan ke {file} ({error}).",
            "The problem list could not be saved to {file} ({error}).",
        ),
        PilihFileLain => (
            "Pilih folder atau nama file lain, lalu coba lagi.",
            "Choose another folder or file name, then try again.",
        ),
        FileSudahAda => (
            "File {file} sudah ada. Timpa?",
            "File {file} already exists. Overwrite it?",
        ),
        Timpa => ("Timpa", "Overwrite"),
        ImporFileTidakTerbaca => (
            "ETAX-30006 : file {file} tidak dapat dibuka atau dibaca ({error}).",
            "ETAX-30006 : file {file} cannot be opened or read ({error}).",
        ),
        ImporPeriksaFile => (
            "Periksa nama dan lokasi file, lalu coba lagi.",
            "Check the file's name and location, then try again.",
        ),
        JenisFaktur => ("Jenis", "Kind"),
        Format => ("Format", "Format"),
        EfakturCsv => ("CSV e-Faktur", "e-Faktur CSV"),
        CoretaxXml => ("XML Coretax", "Coretax XML"),
        FileTujuan => ("File tujuan", "Output file"),
        EksporMulai => ("Ekspor", "Export"),
        EksporBerjalan => (
            "Mengekspor… {faktur} faktur",
            "Exporting… {faktur} invoices",
        ),
        EksporSelesai => (
            "{faktur} faktur diekspor ke:",
            "{faktur} invoices exported to:",
        ),
        EksporBatalDilewati => (
            "{n} faktur Batal tidak diekspor (format CSV tidak punya kolom untuknya).",
            "{n} cancelled (Batal) invoices were not exported (the CSV format has no column for them).",
        ),
        FileDihapus => (
            "Dihapus (sisa ekspor sebelumnya): {file}",
            "Removed (left over from an earlier export): {file}",
        ),
        EksporKosong => (
            "Tidak ada faktur untuk masa, jenis dan status ini; tidak ada file yang ditulis. Pilih masa atau status lain.",
            "No invoices for this period, kind and status; no file was written. Choose another period or status.",
        ),
        EksporDibatalkan => (
            "Ekspor dibatalkan; tidak ada file yang ditulis.",
            "Export cancelled; no file was written.",
        ),
        EksporGagal => (
            "Ekspor gagal; tidak ada file yang ditulis: {error}",
            "Export failed; no file was written: {error}",
        ),
        CoretaxHanyaKeluaran => (
            "XML Coretax hanya untuk faktur keluaran; pilih CSV e-Faktur untuk pajak masukan.",
            "Coretax XML is for output invoices only; choose e-Faktur CSV for input invoices.",
        ),
        TahunSalah => ("Tahun harus 2000–2099.", "The year must be 2000–2099."),
        ProfilBelumAda => (
            "Local Database ini belum punya profil PKP; daftarkan PKP terlebih dahulu.",
            "This Local Database has no PKP profile yet; register the PKP first.",
        ),
    }
}

/// A rupiah amount with thousands separators: `1.234.567` in Bahasa Indonesia, `1,234,567` in
/// English.
pub fn rupiah(lang: Lang, value: i64) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_is_default_and_english_differs() {
        assert_eq!(Lang::default(), Lang::Id);
        assert_eq!(t(Lang::Id, Key::Cancel), "Batal");
        assert_eq!(t(Lang::En, Key::Cancel), "Cancel");
        assert_eq!(t(Lang::En, Key::RegisterTitle), "REGISTER ETAX INVOICE");
    }

    #[test]
    fn rupiah_groups_thousands_per_language() {
        assert_eq!(rupiah(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(rupiah(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(rupiah(Lang::Id, 100), "100");
        assert_eq!(rupiah(Lang::Id, -1_000), "-1.000");
    }
}
