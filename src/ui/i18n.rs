//! User-facing text: Bahasa Indonesia by default, English selectable. DJP's own words
//! ("REGISTER ETAX INVOICE", "Kode Aktivasi", "Daftarkan User") stay as users know them.

pub mod errors;

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
    // lang:
    HintRefreshCaptcha,
    HintPasangP12,
    HintPilihServer,
    HintPeriksaIsian,
    HintUlangiRegistrasi,
    LogoutTanya,
    BukaDulu,
    UrutanRegister,
    PasswordMinimal,
    UrlHarusHttps,
    SertifikatP12,
    KodeSudahDipakai,
    // `efaktur validate` / `import` (the CLI follows the settings' language too):
    CliMasalahLain,
    CliPeringatan,
    CliPeringatanLain,
    CliFaktur,
    CliDokumen,
    CliRingkasanFaktur,
    CliRingkasanDokumen,
    CliTidakDiimporLain,
    CliTidakDiimpor,
    CliDiimpor,
    ChooserPetunjuk,
    ChooserNaik,
    ChooserTerlaluBanyak,
    ChooserTidakTerbaca,
    // refui:
    BarangJasa,
    NomorFakturRef,
    AdministrasiUser,
    HanyaBaca,
    BatasDaftar,
    HapusTanya,
    Hapus,
    YaHapus,
    NikSalah,
    Tersimpan,
    Terhapus,
    CariLawan,
    Tambah,
    Ubah,
    Simpan,
    UbahLawan,
    TambahLawan,
    BelumAdaData,
    NpwpAtauKosong,
    Telepon,
    Barang,
    Jasa,
    HargaSalah,
    KodeCoretaxSalah,
    CariBarang,
    UbahBarang,
    TambahBarang,
    KodeBarang,
    Satuan,
    PilihSatuan,
    BarangAtauJasa,
    KodeCoretax,
    RangeDirekam,
    PilihServer,
    JumlahSalah,
    RegisterDulu,
    PassphraseBelumDiingat,
    RekamRange,
    MintaNsfp,
    BelumAdaRange,
    RangeNsfp,
    TanggalSurat,
    JumlahNomor,
    Terpakai,
    Tersisa,
    LihatNomor,
    NomorTerpakai,
    DipakaiPada,
    TanpaFaktur,
    NomorAwal,
    NomorAkhir,
    TanggalSalah,
    MintaNsfpHint,
    NamaPemohon,
    JabatanPemohon,
    PassphraseBilaPerlu,
    PasswordDiubah,
    UserDitambah,
    UserDiaktifkan,
    UserDinonaktifkan,
    LoginSebagai,
    UbahPassword,
    PasswordLama,
    PasswordBaru,
    DaftarUser,
    Peran,
    Aktif,
    Nonaktif,
    Nonaktifkan,
    Aktifkan,
    TambahUser,
    DipakaiFaktur,
    DipakaiTodo,
    AdminTerakhir,
    // rekam:
    RekamFaktur,
    UbahFaktur,
    FakturPenggantiJudul,
    BatalFaktur,
    Pengganti,
    DetailTransaksi,
    KodeTransaksi,
    KeteranganTambahan,
    NsfpOtomatis,
    NomorFakturPenjual,
    FakturPengganti,
    UangMuka,
    UangMukaTidak,
    UangMukaYa,
    Pelunasan,
    UangMukaDiterima,
    Pembeli,
    Penjual,
    Identitas,
    IdNpwp,
    IdNik,
    IdPaspor,
    NomorIdentitas,
    FormCariLawan,
    SimpanKeReferensi,
    FormCariBarang,
    TarifPpnbm,
    TambahBaris,
    SimpanBaris,
    HapusBaris,
    BelumAdaBaris,
    Total,
    MasaPengkreditan,
    Dikreditkan,
    JumlahFakturMasukan,
    PeriksaIsian,
    PetunjukForm,
    PenggantiInfo,
    HapusFakturTanya,
    BatalTanya,
    BatalDiajukan,
    Ya,
    Tidak,
    Menyimpan,
    PilihSatu,
    // upui:
    MenuUpload,
    StartUploader,
    StopUploader,
    UploaderBerjalan,
    UploaderBerhenti,
    UploaderMati,
    UploaderAngka,
    Cetak,
    CetakTerpilih,
    CetakSesuaiFilter,
    CetakKeFolder,
    CetakGabung,
    CetakTujuan,
    CetakTimpa,
    CetakBerjalan,
    CetakSelesai,
    CetakDilewati,
    MulaiCetak,
    BatasUpload,
    JatuhTempo,
    LewatBatas,
    TidakAdaBatas,
    LihatMasa,
    PasswordCabang,
    // ship:
    MenuFile,
    BackupDatabase,
    RestoreDatabase,
    BackupPenjelasan,
    RestorePenjelasan,
    FolderCadangan,
    BuatCadangan,
    CadanganDibuat,
    FileCadangan,
    PilihCadangan,
    PeriksaCadangan,
    CadanganUtuh,
    Skema,
    Pulihkan,
    KonfirmasiRestore,
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
    // english: the pages' own failure sentences (issue #10)
    CetakTujuanKosong,
    CetakTulisTujuan,
    CetakTidakJalan,
    CobaLagi,
    ProfilPkpKosong,
    CetakFileAda,
    CetakCentangTimpa,
    CetakPerbaikiTujuan,
    FakturTidakAdaLagi,
    KembaliMuatUlang,
    ProsesBerhenti,
    CobaLagiLaporkan,
    PilihServerConnect,
    BelumRegistrasi,
    LakukanRegister,
    PasangP12,
    FakturDireject,
    PerbaikiFakturReject,
    FakturBelumTerkirim,
    UploaderMencobaLagi,
    UploaderTidakJalan,
    TutupAplikasiBerat,
    StartUploaderLagi,
    StartUploaderBaru,
    PeriksaCaptchaSubmit,
    // siap upload:
    UploadFaktur,
    // clilang: the CLI's summaries and progress lines ({name} placeholders)
    CliCadanganDibuat,
    CliCadanganDapatDipulihkan,
    CliDipulihkan,
    CliDatabaseSebelumnya,
    CliLaptopBaru,
    CliFileTidakDitimpa,
    CliTidakAdaFakturCocok,
    CliFakturDicetak,
    CliTidakAdaSiapUpload,
    CliRingkasanUpload,
    CliAdaReject,
    CliBelumTerkirim,
    CliCobaLagiNanti,
    CliRangeDirekam,
    CliProfilDibuat,
    CliRegistrasiBerhasil,
    CliSiapUploadDibuat,
    CliTetapDraft,
    // leave: leaving a page that would lose work
    TinggalkanJudul,
    TinggalkanImpor,
    TinggalkanEkspor,
    TinggalkanRekam,
    TinggalkanYa,
    TetapDiSini,
    // returui: the Retur and Dokumen Lain pages, their export
    ReturPajakKeluaran,
    ReturPajakMasukan,
    AdministrasiRetur,
    MenuDokumenLain,
    NomorRetur,
    TanggalRetur,
    TanggalFaktur,
    NomorDokumen,
    JenisDokumen,
    DokumenDiganti,
    Keterangan,
    ReturKosong,
    DokumenLainKosong,
    JumlahRetur,
    JumlahDokumenLain,
    EksporDokumen,
    EksporPilihRetur,
    EksporDokumenBerjalan,
    EksporDokumenSelesai,
    EksporDokumenKosong,
    // impor2:
    BukaRetur,
    BukaDokumenLain,
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

/// The language the switch in the menu bar offers.
pub fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::Id => Lang::En,
        Lang::En => Lang::Id,
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
            "ETAX-30022 : File Certificate belum tersedia. Pasang file .p12 di bawah ini (Pasang / ganti sertifikat).",
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
        // lang:
        HintRefreshCaptcha => ("Tekan Refresh Captcha.", "Press Refresh Captcha."),
        HintPasangP12 => (
            "Pasang file .p12 di bawah ini (Pasang / ganti sertifikat).",
            "Install the .p12 file below (Install / replace certificate).",
        ),
        HintPilihServer => (
            "Pilih server e-Nofa di layar Pilih Database (Connect).",
            "Choose the e-Nofa server on the Choose Database (Connect) screen.",
        ),
        HintPeriksaIsian => (
            "Periksa isian lalu ulangi.",
            "Check the fields and try again.",
        ),
        HintUlangiRegistrasi => (
            "Periksa folder data aplikasi, lalu ulangi registrasi.",
            "Check the application's data folder, then register again.",
        ),
        LogoutTanya => (
            "Keluar dari aplikasi (Logout)? Data yang belum disimpan hilang.",
            "Log out of the application? Unsaved data is lost.",
        ),
        BukaDulu => (
            "Buka sertifikat .p12 dulu: tekan Buka dan ketik passphrase-nya, lalu tekan Register.",
            "Open the .p12 certificate first: press Open and type its passphrase, then press Register.",
        ),
        UrutanRegister => (
            "Urutan: 1. NPWP · 2. Sertifikat User (.p12): Pilih… lalu Buka (passphrase) · 3. Kode \
             Aktivasi · 4. Register (captcha dan password e-Nofa).",
            "Order: 1. NPWP · 2. User Certificate (.p12): Browse… then Open (passphrase) · 3. \
             Activation Code · 4. Register (captcha and e-Nofa password).",
        ),
        // `{n}` is replaced by the minimum length.
        PasswordMinimal => ("Password minimal {n} karakter", "At least {n} characters"),
        UrlHarusHttps => (
            "Alamat server harus diawali https://",
            "The server address must start with https://",
        ),
        SertifikatP12 => ("Sertifikat (.p12)", "Certificate (.p12)"),
        KodeSudahDipakai => (
            "sudah dipakai — registrasi sudah selesai, silakan login",
            "already used — registration is complete, please log in",
        ),
        CliMasalahLain => (
            "... dan {n} masalah lainnya (tidak ditampilkan); perbaiki yang di atas lalu periksa lagi",
            "... and {n} more problems (not shown); fix the ones above, then check again",
        ),
        CliPeringatan => ("peringatan", "warning"),
        CliPeringatanLain => (
            "... dan {n} peringatan lainnya",
            "... and {n} more warnings",
        ),
        CliFaktur => ("faktur", "invoices"),
        CliDokumen => ("dokumen", "documents"),
        CliRingkasanFaktur => (
            "{n} faktur, {items} baris OF, {errors} kesalahan",
            "{n} invoices, {items} OF lines, {errors} errors",
        ),
        CliRingkasanDokumen => (
            "{n} dokumen, {errors} kesalahan",
            "{n} documents, {errors} errors",
        ),
        CliTidakDiimporLain => (
            "tidak diimpor karena file lain dalam impor yang sama bermasalah (semua atau tidak \
             sama sekali). Perbaiki file itu, atau pakai --per-file.",
            "not imported because another file of the same import has problems (all or nothing). \
             Fix that file, or use --per-file.",
        ),
        CliTidakDiimpor => (
            "tidak ada yang diimpor. Perbaiki baris di atas, atau pakai --skip-invalid untuk \
             mengimpor {noun} yang benar saja.",
            "nothing was imported. Fix the lines above, or use --skip-invalid to import only the \
             valid {noun}.",
        ),
        CliDiimpor => ("{n} {noun} diimpor", "{n} {noun} imported"),
        ChooserPetunjuk => (
            "Jendela pilih file sistem tidak tersedia di komputer ini (tidak ada \
             xdg-desktop-portal atau zenity). Pilih file di bawah, atau ketik lokasinya lalu OK.",
            "The system's file dialog is not available on this computer (no xdg-desktop-portal \
             or zenity). Choose the file below, or type its path and press OK.",
        ),
        ChooserNaik => ("↑ Folder induk", "↑ Parent folder"),
        ChooserTerlaluBanyak => (
            "Folder ini berisi lebih banyak file; ketik nama file di kolom di atas.",
            "This folder holds more files; type the file's name in the field above.",
        ),
        // `{detail}` is the system's own words.
        ChooserTidakTerbaca => (
            "Folder ini tidak dapat dibaca; pilih folder lain [{detail}].",
            "This folder cannot be read; choose another one [{detail}].",
        ),
        // refui:
        BarangJasa => ("Barang/Jasa", "Goods/services (Barang/Jasa)"),
        NomorFakturRef => ("Nomor Faktur", "Invoice numbers (Nomor Faktur)"),
        AdministrasiUser => ("Administrasi User", "User administration"),
        HanyaBaca => (
            "Anda login sebagai Perekam: Referensi hanya dapat dilihat. Perubahan dilakukan oleh Administrator.",
            "You are logged in as Perekam: References are read-only. An Administrator makes changes.",
        ),
        BatasDaftar => (
            "Hanya {n} baris pertama yang ditampilkan; persempit pencarian.",
            "Only the first {n} rows are shown; narrow the search.",
        ),
        HapusTanya => ("Hapus {nama}?", "Delete {nama}?"),
        Hapus => ("Hapus", "Delete"),
        YaHapus => ("Ya, hapus", "Yes, delete"),
        NikSalah => ("NIK harus 16 digit", "The NIK must have 16 digits"),
        Tersimpan => ("Data tersimpan.", "Saved."),
        Terhapus => ("Data dihapus.", "Deleted."),
        CariLawan => ("Cari NPWP, NIK atau nama…", "Search NPWP, NIK or name…"),
        Tambah => ("Tambah", "Add"),
        Ubah => ("Ubah", "Edit"),
        Simpan => ("Simpan", "Save"),
        UbahLawan => ("Ubah Lawan Transaksi", "Edit counterparty"),
        TambahLawan => ("Tambah Lawan Transaksi", "Add counterparty"),
        BelumAdaData => ("Belum ada data.", "No data yet."),
        NpwpAtauKosong => (
            "NPWP (kosongkan bila tidak ada; isi NIK)",
            "NPWP (leave empty if none; fill in the NIK)",
        ),
        Telepon => ("Telepon", "Phone"),
        Barang => ("Barang", "Goods"),
        Jasa => ("Jasa", "Service"),
        HargaSalah => (
            "ETAX-30024 : isi harga satuan berupa angka lebih dari 0 (desimal dengan titik)",
            "ETAX-30024 : enter a unit price above 0 (decimals with a point)",
        ),
        KodeCoretaxSalah => (
            "Kode harus 6 digit (000000 bila tidak ada)",
            "The code must have 6 digits (000000 if none)",
        ),
        CariBarang => ("Cari kode atau nama…", "Search code or name…"),
        UbahBarang => ("Ubah Barang/Jasa", "Edit goods/service"),
        TambahBarang => ("Tambah Barang/Jasa", "Add goods/service"),
        KodeBarang => ("Kode", "Code"),
        Satuan => ("Satuan (Coretax)", "Unit (Coretax)"),
        PilihSatuan => ("Pilih satuan…", "Choose a unit…"),
        BarangAtauJasa => ("Barang atau jasa (Coretax)", "Goods or service (Coretax)"),
        KodeCoretax => (
            "Kode barang/jasa Coretax (6 digit)",
            "Coretax goods/service code (6 digits)",
        ),
        RangeDirekam => (
            "Range {range} ({n} nomor) direkam.",
            "Range {range} ({n} numbers) recorded.",
        ),
        PilihServer => (
            "Pilih server e-Nofa di layar Pilih Database, lalu login lagi.",
            "Choose the e-Nofa server on the Choose Database screen, then log in again.",
        ),
        JumlahSalah => (
            "Isi jumlah nomor berupa angka lebih dari 0",
            "Enter a number of invoice numbers above 0",
        ),
        RegisterDulu => (
            "Database ini belum terdaftar di server e-Nofa; lakukan REGISTER ETAX INVOICE terlebih dahulu.",
            "This database is not registered with the e-Nofa server; do REGISTER ETAX INVOICE first.",
        ),
        PassphraseBelumDiingat => (
            "Passphrase certificate belum diingat di keyring; isi Passphrase pada formulir ini.",
            "The certificate passphrase is not remembered in the keyring; fill in Passphrase on this form.",
        ),
        RekamRange => ("Rekam Range", "Record range"),
        MintaNsfp => ("Minta NSFP", "Request NSFP"),
        BelumAdaRange => (
            "Belum ada range Nomor Faktur. Rekam range dari surat DJP, atau Minta NSFP ke server e-Nofa.",
            "No invoice number range yet. Record a range from DJP's letter, or request NSFP from the e-Nofa server.",
        ),
        RangeNsfp => ("Range", "Range"),
        TanggalSurat => ("Tanggal surat DJP", "Date of DJP's letter"),
        JumlahNomor => ("Jumlah nomor", "Numbers"),
        Terpakai => ("Terpakai", "Used"),
        Tersisa => ("Tersisa", "Free"),
        LihatNomor => ("Nomor terpakai", "Used numbers"),
        NomorTerpakai => (
            "Nomor terpakai dari range {range}",
            "Numbers used from range {range}",
        ),
        DipakaiPada => ("Dipakai pada", "Used at"),
        TanpaFaktur => ("(tanpa faktur)", "(no invoice)"),
        NomorAwal => ("Nomor awal (13 digit)", "First number (13 digits)"),
        NomorAkhir => ("Nomor akhir (13 digit)", "Last number (13 digits)"),
        TanggalSalah => (
            "ETAX-20006 : tulis tanggal/bulan/tahun, mis. 02/01/2025",
            "ETAX-20006 : write day/month/year, e.g. 02/01/2025",
        ),
        MintaNsfpHint => (
            "NSFP tahun {tahun} diminta ke server e-Nofa dengan certificate terpasang. Server menolak permintaan yang melebihi kuota (ETAX-20008): nomor yang belum terpakai ditambah permintaan tidak boleh melebihi batas menurut faktur yang disetujui dalam 3 masa terakhir.",
            "NSFP of {tahun} are requested from the e-Nofa server with the installed certificate. The server refuses a request above the quota (ETAX-20008): unused numbers plus the request may not exceed the limit set by the invoices approved in the last 3 periods.",
        ),
        NamaPemohon => ("Nama pemohon", "Applicant name"),
        JabatanPemohon => ("Jabatan pemohon", "Applicant position"),
        PassphraseBilaPerlu => (
            "Passphrase certificate (kosongkan bila diingat di keyring)",
            "Certificate passphrase (leave empty if remembered in the keyring)",
        ),
        PasswordDiubah => ("Password diubah.", "Password changed."),
        UserDitambah => ("User ditambahkan.", "User added."),
        UserDiaktifkan => ("User diaktifkan.", "User enabled."),
        UserDinonaktifkan => ("User dinonaktifkan.", "User disabled."),
        LoginSebagai => (
            "Login sebagai {nama} ({peran})",
            "Logged in as {nama} ({peran})",
        ),
        UbahPassword => ("Ubah password", "Change password"),
        PasswordLama => ("Password lama", "Current password"),
        PasswordBaru => ("Password baru", "New password"),
        DaftarUser => ("Daftar user", "Users"),
        Peran => ("Peran", "Role"),
        Aktif => ("Aktif", "Active"),
        Nonaktif => ("Nonaktif", "Disabled"),
        Nonaktifkan => ("Nonaktifkan", "Disable"),
        Aktifkan => ("Aktifkan", "Enable"),
        TambahUser => ("Tambah user", "Add user"),
        DipakaiFaktur => (
            "Data ini dipakai oleh {n} faktur dan tidak dapat dihapus.",
            "This entry is used by {n} invoice(s) and cannot be deleted.",
        ),
        DipakaiTodo => (
            "Ubah datanya bila perlu; faktur yang sudah ada tidak berubah.",
            "Edit it if needed; existing invoices stay as they are.",
        ),
        AdminTerakhir => (
            "Ini Administrator aktif terakhir dan tidak dapat dinonaktifkan. Jadikan user lain Administrator terlebih dahulu.",
            "This is the last active Administrator and cannot be disabled. Make another user Administrator first.",
        ),
        // rekam:
        RekamFaktur => ("Rekam Faktur", "Record invoice"),
        UbahFaktur => ("Ubah Faktur", "Edit invoice"),
        FakturPenggantiJudul => ("Faktur Pengganti", "Replacement invoice"),
        BatalFaktur => ("Batal Faktur", "Cancel invoice"),
        Pengganti => ("Pengganti", "Replace"),
        DetailTransaksi => ("Detail Transaksi", "Transaction"),
        KodeTransaksi => ("Kode transaksi", "Transaction code"),
        KeteranganTambahan => (
            "Keterangan tambahan (cap fasilitas)",
            "Additional information (facility stamp)",
        ),
        NsfpOtomatis => (
            "Nomor seri diambil dari Referensi Nomor Faktur saat Simpan.",
            "The serial number is taken from Referensi Nomor Faktur on Save.",
        ),
        NomorFakturPenjual => (
            "Nomor seri faktur dari penjual (13 digit)",
            "Serial number on the seller's invoice (13 digits)",
        ),
        FakturPengganti => (
            "Faktur pengganti (kode status 1)",
            "Replacement invoice (status code 1)",
        ),
        UangMuka => ("Uang muka / pelunasan", "Down payment / settlement"),
        UangMukaTidak => ("Bukan uang muka", "Not a down payment"),
        UangMukaYa => ("Uang muka", "Down payment"),
        Pelunasan => ("Pelunasan", "Settlement"),
        UangMukaDiterima => (
            "Uang muka yang telah diterima (DPP, PPN, PPnBM)",
            "Down payments already received (DPP, VAT, luxury tax)",
        ),
        Pembeli => ("Pembeli", "Buyer"),
        Penjual => ("Penjual", "Seller"),
        Identitas => ("Identitas", "Identity"),
        IdNpwp => ("NPWP", "NPWP"),
        IdNik => ("NIK", "NIK"),
        IdPaspor => ("Paspor", "Passport"),
        NomorIdentitas => ("Nomor NPWP / NIK / paspor", "NPWP / NIK / passport number"),
        FormCariLawan => (
            "Cari di Referensi (NPWP atau nama)",
            "Search Referensi (NPWP or name)",
        ),
        SimpanKeReferensi => (
            "Simpan ke Referensi Lawan Transaksi",
            "Save to Referensi Lawan Transaksi",
        ),
        FormCariBarang => (
            "Cari di Referensi Barang/Jasa (kode atau nama)",
            "Search Referensi Barang/Jasa (code or name)",
        ),
        TarifPpnbm => ("Tarif PPnBM (%)", "Luxury tax rate (%)"),
        TambahBaris => ("Tambah baris", "Add line"),
        SimpanBaris => ("Simpan baris", "Update line"),
        HapusBaris => ("Buang", "Remove"),
        BelumAdaBaris => (
            "Belum ada baris barang/jasa: isi baris di bawah lalu Tambah baris.",
            "No lines yet: fill in the line below, then Add line.",
        ),
        Total => ("Total", "Total"),
        MasaPengkreditan => ("Masa pengkreditan", "Crediting period"),
        Dikreditkan => ("Dapat dikreditkan", "Creditable"),
        JumlahFakturMasukan => (
            "Nilai faktur (DPP, PPN, PPnBM)",
            "Invoice amounts (DPP, VAT, luxury tax)",
        ),
        PeriksaIsian => (
            "Faktur belum disimpan: periksa isian yang ditandai merah.",
            "Not saved: check the fields marked in red.",
        ),
        PetunjukForm => (
            "Enter = Simpan · Esc = kembali tanpa menyimpan",
            "Enter = Save · Esc = back without saving",
        ),
        PenggantiInfo => (
            "Faktur pengganti memakai nomor seri faktur yang diganti (kode status 1) dan masanya; faktur yang diganti menjadi Diganti. Sejak 8 November 2025 DJP menolak upload pengganti dari e-Faktur Desktop (ETAX-API-10056): untuk DJP buat penggantinya di Coretax.",
            "A replacement keeps the replaced invoice's serial number (status code 1) and period; the replaced invoice becomes Diganti. Since 8 November 2025 DJP refuses replacements uploaded from e-Faktur Desktop (ETAX-API-10056): for DJP, make the replacement in Coretax.",
        ),
        HapusFakturTanya => (
            "Hapus faktur ini? Nomor serinya tidak dipakai lagi.",
            "Delete this invoice? Its serial number will not be used again.",
        ),
        BatalTanya => (
            "Ajukan pembatalan faktur ini ke DJP? Uploader mengirimnya; status menjadi Batal setelah DJP mengonfirmasi.",
            "Ask DJP to cancel this invoice? The uploader sends the request; the status becomes Batal once DJP confirms.",
        ),
        BatalDiajukan => (
            "Pembatalan diajukan: menunggu Uploader dan konfirmasi DJP.",
            "Cancellation requested: waiting for the uploader and DJP's confirmation.",
        ),
        Ya => ("Ya", "Yes"),
        Tidak => ("Tidak", "No"),
        Menyimpan => ("Menyimpan…", "Saving…"),
        PilihSatu => ("Pilih…", "Choose…"),
        // upui:
        MenuUpload => ("Upload", "Upload"),
        StartUploader => ("Start Uploader", "Start Uploader"),
        StopUploader => ("Stop Uploader", "Stop Uploader"),
        UploaderBerjalan => ("Uploader berjalan", "Uploader running"),
        UploaderBerhenti => ("Uploader berhenti…", "Uploader stopping…"),
        UploaderMati => ("Uploader berhenti", "Uploader stopped"),
        UploaderAngka => (
            "Antre {antre} · Terkirim {terkirim} · Approval Sukses {approved} · Reject {reject} · {laju} faktur/detik",
            "Queued {antre} · Sent {terkirim} · Approved {approved} · Rejected {reject} · {laju} invoices/s",
        ),
        Cetak => ("Cetak", "Print"),
        CetakTerpilih => ("Faktur terpilih: {nomor}", "Selected invoice: {nomor}"),
        CetakSesuaiFilter => (
            "Semua faktur daftar ini (masa dan status yang dipilih; pencarian tidak dipakai)",
            "Every invoice of this list (the chosen period and status; the search is not used)",
        ),
        CetakKeFolder => (
            "Satu PDF per faktur ke folder",
            "One PDF per invoice into a folder",
        ),
        CetakGabung => ("Satu PDF gabungan", "One merged PDF"),
        CetakTujuan => ("Folder atau file tujuan", "Target folder or file"),
        CetakTimpa => ("Timpa file yang sudah ada", "Replace existing files"),
        CetakBerjalan => (
            "Mencetak… {n} faktur selesai",
            "Printing… {n} invoices done",
        ),
        CetakSelesai => (
            "{n} faktur dicetak ke {tujuan}",
            "{n} invoices printed to {tujuan}",
        ),
        CetakDilewati => (
            "{n} file sudah ada dan tidak ditimpa; centang Timpa file yang sudah ada untuk menimpanya.",
            "Kept because they existed: {n} files; tick Replace existing files to replace them.",
        ),
        MulaiCetak => ("Mulai cetak", "Start printing"),
        BatasUpload => (
            "Batas upload (tanggal {hari} bulan berikutnya)",
            "Upload deadline (day {hari} of the next month)",
        ),
        JatuhTempo => (
            "Jatuh tempo: masa {masa} harus Approval Sukses paling lambat {tanggal}; {n} faktur belum. Start Uploader sekarang.",
            "Due soon: period {masa} must be approved by {tanggal}; not yet approved: {n} invoices. Start the uploader now.",
        ),
        LewatBatas => (
            "Lewat batas upload: {n} faktur belum Approval Sukses (masa {dari} s.d. {sampai}). Upload segera; faktur yang terlambat dapat dikenai sanksi.",
            "Past the upload deadline: {n} invoices not approved (periods {dari} to {sampai}). Upload them now; late invoices may be penalised.",
        ),
        TidakAdaBatas => (
            "Tidak ada faktur yang mendekati atau lewat batas upload.",
            "No invoices near or past the upload deadline.",
        ),
        LihatMasa => ("Lihat masa {masa}", "Show period {masa}"),
        PasswordCabang => (
            "NPWP cabang: isi password cabang yang ditetapkan kantor pusat di Administrasi Cabang e-Nofa.",
            "Branch NPWP: enter the branch password the head office set in e-Nofa's Administrasi Cabang.",
        ),
        // ship:
        MenuFile => ("File", "File"),
        BackupDatabase => ("Backup Local Database", "Back up the Local Database"),
        RestoreDatabase => ("Restore Local Database", "Restore a Local Database"),
        BackupPenjelasan => (
            "Salinan Local Database ini dibuat sekarang, juga saat faktur sedang disimpan. Simpan salinannya juga di luar komputer ini (flashdisk, penyimpanan kantor).",
            "A copy of this Local Database is made now, also while invoices are being saved. Keep the copy outside this computer too (USB stick, office storage).",
        ),
        RestorePenjelasan => (
            "Pilih file cadangan (.db). File diperiksa dulu (utuh, versi skema, NPWP); database yang diganti disimpan di folder cadangan. Setelah itu aplikasi kembali ke Pilih Database.",
            "Choose a backup file (.db). It is checked first (intact, schema version, NPWP); the database it replaces is kept in the backup folder. Afterwards the app returns to Choose Database.",
        ),
        FolderCadangan => ("Folder cadangan", "Backup folder"),
        BuatCadangan => ("Buat Cadangan Sekarang", "Back Up Now"),
        CadanganDibuat => ("Cadangan dibuat", "Backup written"),
        FileCadangan => ("File cadangan", "Backup file"),
        PilihCadangan => ("Pilih…", "Choose…"),
        PeriksaCadangan => ("Periksa", "Check"),
        CadanganUtuh => (
            "Cadangan utuh: Local Database NPWP",
            "Backup intact: Local Database of NPWP",
        ),
        Skema => ("skema", "schema"),
        Pulihkan => ("Pulihkan", "Restore"),
        KonfirmasiRestore => (
            "Local Database NPWP ini akan diganti dengan isi cadangan. Database yang sekarang disimpan di folder cadangan. Lanjutkan?",
            "The Local Database of this NPWP will be replaced by the backup. The current database is kept in the backup folder. Continue?",
        ),
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
        // english: the pages' own failure sentences (issue #10)
        CetakTujuanKosong => (
            "Tujuan cetak belum diisi.",
            "The print destination is empty.",
        ),
        CetakTulisTujuan => (
            "Tulis folder atau nama file PDF.",
            "Type a folder or a PDF file name.",
        ),
        CetakTidakJalan => (
            "Cetak tidak dapat dijalankan: {error}",
            "Printing could not start: {error}",
        ),
        CobaLagi => ("Coba lagi.", "Try again."),
        ProfilPkpKosong => (
            "Profil PKP belum diisi.",
            "The PKP profile is not filled in yet.",
        ),
        CetakFileAda => (
            "File {file} sudah ada dan tidak ditimpa.",
            "The file {file} already exists and was not replaced.",
        ),
        CetakCentangTimpa => (
            "Centang Timpa file yang sudah ada, atau tulis nama file lain.",
            "Tick Replace existing files, or type another file name.",
        ),
        CetakPerbaikiTujuan => (
            "Perbaiki tujuan cetak (folder ada dan boleh ditulis), lalu Cetak lagi.",
            "Correct the print destination (the folder exists and can be written to), then Print again.",
        ),
        FakturTidakAdaLagi => (
            "faktur tidak ada lagi di Local Database.",
            "the invoice is no longer in the Local Database.",
        ),
        KembaliMuatUlang => (
            "Kembali ke Administrasi Faktur dan muat ulang daftarnya.",
            "Go back to Administrasi Faktur and reload its list.",
        ),
        ProsesBerhenti => (
            "Proses latar belakang berhenti tiba-tiba; tidak ada yang ditulis.",
            "The background task stopped unexpectedly; nothing was written.",
        ),
        CobaLagiLaporkan => (
            "Coba lagi; bila berulang, laporkan ke pengembang.",
            "Try again; if it repeats, report it to the developers.",
        ),
        PilihServerConnect => (
            "Pilih server e-Nofa di layar Connect.",
            "Choose the e-Nofa server on the Connect screen.",
        ),
        BelumRegistrasi => (
            "Local Database ini belum registrasi e-Nofa.",
            "This Local Database is not registered with e-Nofa yet.",
        ),
        LakukanRegister => (
            "Lakukan REGISTER ETAX INVOICE dulu.",
            "Do REGISTER ETAX INVOICE first.",
        ),
        PasangP12 => (
            "Pasang file .p12 di Referensi > Administrasi Certificate.",
            "Install the .p12 file in Referensi > Administrasi Certificate.",
        ),
        FakturDireject => (
            "Faktur {nsfp} di-reject: {code} : {message}",
            "Invoice {nsfp} was rejected: {code} : {message}",
        ),
        PerbaikiFakturReject => (
            "Perbaiki faktur sesuai keterangan, tandai Siap Upload lagi; uploader mengirimnya lagi.",
            "Correct the invoice as the message says and mark it Siap Upload again; the uploader sends it again.",
        ),
        FakturBelumTerkirim => (
            "Faktur {nsfp} belum terkirim: {error}",
            "Invoice {nsfp} is not sent yet: {error}",
        ),
        UploaderMencobaLagi => (
            "Uploader mencoba lagi otomatis; bila berulang, periksa koneksi ke server e-Nofa.",
            "The uploader tries again by itself; if it repeats, check the connection to the e-Nofa server.",
        ),
        UploaderTidakJalan => (
            "Uploader tidak dapat dijalankan: {error}",
            "The uploader could not start: {error}",
        ),
        StartUploaderBaru => (
            "Start Uploader lagi (captcha dan password baru).",
            "Start Uploader again (a new captcha and password).",
        ),
        PeriksaCaptchaSubmit => (
            "Periksa captcha dan password e-Nofa, lalu Submit lagi dengan captcha baru.",
            "Check the captcha and the e-Nofa password, then Submit again with a new captcha.",
        ),
        StartUploaderLagi => (
            "Start Uploader lagi (captcha dan password baru); faktur yang antre tidak hilang.",
            "Start Uploader again (a new captcha and password); the queued invoices are not lost.",
        ),
        TutupAplikasiBerat => (
            "Tutup aplikasi lain yang berat, lalu Start Uploader lagi.",
            "Close other heavy applications, then Start Uploader again.",
        ),
        // siap upload:
        UploadFaktur => ("Upload Faktur", "Upload invoice"),
        // clilang:
        CliCadanganDibuat => (
            "Cadangan Local Database {npwp}: {file}",
            "Backup of Local Database {npwp}: {file}",
        ),
        CliCadanganDapatDipulihkan => (
            "{file}: Local Database NPWP {npwp} (skema {schema}), utuh; dapat dipulihkan",
            "{file}: Local Database of NPWP {npwp} (schema {schema}), intact; it can be restored",
        ),
        CliDipulihkan => (
            "Local Database {npwp} dipulihkan dari {file}",
            "Local Database {npwp} restored from {file}",
        ),
        CliDatabaseSebelumnya => (
            "Database sebelumnya disimpan di {file}",
            "The previous database was kept in {file}",
        ),
        CliLaptopBaru => (
            "Di laptop baru: lakukan Reset Aplikasi Client di e-Nofa, lalu registrasi ulang dengan Kode Aktivasi baru (efaktur register --npwp {digits} ...).",
            "On a new laptop: do Reset Aplikasi Client in e-Nofa, then register again with a new Kode Aktivasi (efaktur register --npwp {digits} ...).",
        ),
        CliFileTidakDitimpa => (
            "file {file} sudah ada dan tidak ditimpa; pakai --force untuk menimpanya",
            "file {file} already exists and was not replaced; use --force to replace it",
        ),
        CliTidakAdaFakturCocok => (
            "tidak ada faktur yang cocok dengan pilihan itu; tidak ada file yang ditulis",
            "no invoice matches that selection; no file was written",
        ),
        CliFakturDicetak => (
            "{n} faktur dicetak ke {file}",
            "{n} invoices printed to {file}",
        ),
        CliTidakAdaSiapUpload => (
            "Tidak ada faktur Siap Upload untuk NPWP {npwp}.",
            "There are no Siap Upload invoices for NPWP {npwp}.",
        ),
        CliRingkasanUpload => (
            "Approval Sukses: {approved}, Reject: {rejected}, Batal: {cancelled}, masih antre: {pending}",
            "Approval Sukses: {approved}, Reject: {rejected}, Batal: {cancelled}, still queued: {pending}",
        ),
        CliAdaReject => (
            "Ada faktur Reject: perbaiki sesuai keterangan, tandai Siap Upload lagi, lalu jalankan ulang.",
            "Some invoices were rejected (Reject): correct them as the reason says, mark them Siap Upload again, then run again.",
        ),
        CliBelumTerkirim => (
            "ETAX-40001 : {n} faktur belum terkirim (server tidak terjangkau). Jalankan lagi nanti; tidak ada yang hilang atau terkirim dua kali.",
            "ETAX-40001 : {n} invoices not sent yet (the server cannot be reached). Run again later; nothing is lost or sent twice.",
        ),
        CliCobaLagiNanti => (
            "coba lagi nanti {nsfp}: {error}",
            "will try again later {nsfp}: {error}",
        ),
        CliRangeDirekam => (
            "Range {range} ({n} nomor) direkam",
            "Range {range} ({n} numbers) recorded",
        ),
        CliProfilDibuat => (
            "Local Database untuk {npwp} ({nama}) dibuat: {file}",
            "Local Database for {npwp} ({nama}) created: {file}",
        ),
        CliRegistrasiBerhasil => (
            "Registrasi berhasil: {nama} ({npwp}); Local Database {file}",
            "Registration succeeded: {nama} ({npwp}); Local Database {file}",
        ),
        CliSiapUploadDibuat => (
            "{n} faktur dijadikan Siap Upload.",
            "Now Siap Upload (ready to upload): {n} invoices.",
        ),
        CliTetapDraft => (
            "{n} faktur tetap Draft: nomornya di luar range Referensi Nomor Faktur; rekam range-nya (efaktur nsfp add) lalu jalankan lagi.",
            "Still Draft: {n} invoices, numbered outside every range in Referensi Nomor Faktur; record the range (efaktur nsfp add), then run again.",
        ),
        // leave:
        TinggalkanJudul => ("Tinggalkan halaman ini?", "Leave this page?"),
        TinggalkanImpor => (
            "Impor masih berjalan. Jika Anda pindah halaman, impor dihentikan dan tidak satu faktur pun dari file ini disimpan; Anda dapat mengimpornya lagi nanti.",
            "The import is still running. If you leave this page, the import stops and no invoice of this file is saved; you can import it again later.",
        ),
        TinggalkanEkspor => (
            "Ekspor masih berjalan. Jika Anda pindah halaman, ekspor dihentikan dan file tidak ditulis; Anda dapat mengekspor lagi nanti.",
            "The export is still running. If you leave this page, the export stops and no file is written; you can export again later.",
        ),
        TinggalkanRekam => (
            "Faktur ini belum disimpan. Jika Anda pindah halaman, isian Anda hilang. Tetap di sini lalu tekan Simpan untuk menyimpannya.",
            "This invoice has not been saved. If you leave this page, what you typed is lost. Stay here and press Simpan (Save) to keep it.",
        ),
        TinggalkanYa => ("Tinggalkan", "Leave"),
        TetapDiSini => ("Tetap di sini", "Stay here"),
        // returui:
        ReturPajakKeluaran => (
            "Retur Pajak Keluaran",
            "Output tax returns (Retur Pajak Keluaran)",
        ),
        ReturPajakMasukan => (
            "Retur Pajak Masukan",
            "Input tax returns (Retur Pajak Masukan)",
        ),
        AdministrasiRetur => ("Administrasi Retur", "Return administration"),
        MenuDokumenLain => ("Dokumen Lain", "Other documents (Dokumen Lain)"),
        NomorRetur => ("Nomor Retur", "Return number"),
        TanggalRetur => ("Tanggal Retur", "Return date"),
        TanggalFaktur => ("Tanggal Faktur", "Invoice date"),
        NomorDokumen => ("Nomor Dokumen", "Document number"),
        JenisDokumen => ("Kode Jenis", "Kind codes"),
        DokumenDiganti => ("Mengganti", "Replaces"),
        Keterangan => ("Keterangan", "Remarks"),
        ReturKosong => (
            "Belum ada retur pada masa {masa}. Pilih masa lain, atau impor file retur (RK/RM) lewat Faktur > Impor.",
            "No returns in period {masa}. Choose another period, or import a return file (RK/RM) via Faktur > Impor.",
        ),
        DokumenLainKosong => (
            "Belum ada dokumen lain pada masa {masa}. Pilih masa lain, atau impor file dokumen lain (DK/DM) lewat Faktur > Impor.",
            "No other documents in period {masa}. Choose another period, or import a file of other documents (DK/DM) via Faktur > Impor.",
        ),
        JumlahRetur => (
            "{n} retur pada masa {masa}",
            "Returns in period {masa}: {n}",
        ),
        JumlahDokumenLain => (
            "{n} dokumen pada masa {masa}",
            "Documents in period {masa}: {n}",
        ),
        EksporDokumen => ("Dokumen", "Document"),
        EksporPilihRetur => ("Retur", "Returns (Retur)"),
        EksporDokumenBerjalan => ("Mengekspor… {n} dokumen", "Exporting… documents: {n}"),
        EksporDokumenSelesai => ("{n} dokumen diekspor ke:", "Documents exported: {n}, to:"),
        EksporDokumenKosong => (
            "Tidak ada retur atau dokumen lain untuk masa, jenis dan status ini; tidak ada file yang ditulis. Pilih masa atau status lain.",
            "No returns or other documents for this period, kind and status; no file was written. Choose another period or status.",
        ),
        // impor2: `{masa}` is `mm/yyyy`, the newest masa of what was imported.
        BukaRetur => (
            "Buka Retur masa {masa}",
            "Open the returns of period {masa}",
        ),
        BukaDokumenLain => (
            "Buka Dokumen Lain masa {masa}",
            "Open the other documents of period {masa}",
        ),
    }
}

/// English nouns the texts count, plural and singular.
const COUNTED: &[(&str, &str)] = &[
    ("invoices", "invoice"),
    ("documents", "document"),
    ("numbers", "number"),
    ("errors", "error"),
    ("warnings", "warning"),
    ("files", "file"),
    ("lines", "line"),
    ("items", "item"),
    ("rows", "row"),
    ("characters", "character"),
    ("problems", "problem"),
];

/// A text whose counts are filled in, with "1 invoices" made "1 invoice" in English (the texts
/// are written for many; Bahasa Indonesia does not inflect).
pub fn counted(lang: Lang, text: String) -> String {
    if lang != Lang::En || !text.contains('1') {
        return text;
    }
    let mut out = text;
    for (many, one) in COUNTED {
        let pattern = format!("1 {many}");
        let mut from = 0;
        while let Some(at) = out[from..].find(&pattern).map(|i| i + from) {
            // Only a count of exactly one: not 11, 2,001 or 0.1, and the word ends there.
            let before = out[..at].chars().next_back();
            let whole_number = !before.is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.');
            let end = at + pattern.len();
            let word_ends = !out[end..].chars().next().is_some_and(char::is_alphanumeric);
            if whole_number && word_ends {
                out.replace_range(at..end, &format!("1 {one}"));
                from = at + 2 + one.len();
            } else {
                from = end;
            }
        }
    }
    out
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
    fn a_count_of_one_is_singular_in_english_only() {
        let en = |s: &str| counted(Lang::En, s.to_string());
        assert_eq!(en("1 invoices printed to x"), "1 invoice printed to x");
        assert_eq!(
            en("1 invoices, 1 OF lines, 1 errors"),
            "1 invoice, 1 OF lines, 1 error"
        );
        assert_eq!(
            en("11 invoices, 2,001 errors, 0.1 files"),
            "11 invoices, 2,001 errors, 0.1 files"
        );
        assert_eq!(en("Exporting… 1 invoices"), "Exporting… 1 invoice");
        assert_eq!(en("1 invoicesX"), "1 invoicesX");
        assert_eq!(counted(Lang::Id, "1 invoices".into()), "1 invoices");
    }

    #[test]
    fn rupiah_groups_thousands_per_language() {
        assert_eq!(rupiah(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(rupiah(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(rupiah(Lang::Id, 100), "100");
        assert_eq!(rupiah(Lang::Id, -1_000), "-1.000");
    }
}
