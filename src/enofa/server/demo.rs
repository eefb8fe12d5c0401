//! `enofa-server demo` and `efaktur --simulasi`: one PKP with everything ready to register.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{ServerError, operator};
use crate::cert::{P12Encryption, Secret};
use crate::domain::Npwp;

pub const DEMO_NPWP: &str = "013000666091000";
pub const DEMO_NAMA: &str = "PT SIMULASI FAKTUR";

/// Everything a trainee types into REGISTER ETAX INVOICE.
#[derive(Clone)]
pub struct DemoCredentials {
    pub npwp: Npwp,
    pub nama: String,
    pub p12_path: PathBuf,
    pub passphrase: Secret,
    pub kode_aktivasi: Secret,
    pub password: Secret,
    pub ca_pem_path: PathBuf,
}

impl fmt::Debug for DemoCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCredentials")
            .field("npwp", &self.npwp)
            .field("p12_path", &self.p12_path)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for DemoCredentials {
    /// The credentials in clear: only for printing to a trainer's terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "NPWP            : {}", self.npwp)?;
        writeln!(f, "Nama            : {}", self.nama)?;
        writeln!(f, "Sertifikat      : {}", self.p12_path.display())?;
        writeln!(f, "Passphrase      : {}", self.passphrase.expose())?;
        writeln!(f, "Kode Aktivasi   : {}", self.kode_aktivasi.expose())?;
        writeln!(f, "Password e-Nofa : {}", self.password.expose())?;
        write!(f, "CA server       : {}", self.ca_pem_path.display())
    }
}

/// Creates (or renews, when it exists) the demo PKP in `state_dir`: account, `.p12` with a
/// passphrase, Kode Aktivasi and e-Nofa password. Blocking: call via `spawn_blocking` from async.
pub fn prepare(state_dir: &Path) -> Result<DemoCredentials, ServerError> {
    let npwp = Npwp::parse(DEMO_NPWP).map_err(|e| ServerError::Operator(e.to_string()))?;
    let created = match operator::pkp_add(
        state_dir,
        DEMO_NPWP,
        DEMO_NAMA,
        "JL. LATIHAN NO. 1, JAKARTA",
        "demo@example.invalid",
    ) {
        Ok(p) => p,
        Err(ServerError::Operator(_)) => operator::pkp_renew(state_dir, &npwp)?,
        Err(e) => return Err(e),
    };
    let passphrase = Secret::new(format!("demo-{}", super::state::random_hex(4)));
    let (_, p12) = operator::cert_issue(
        state_dir,
        DEMO_NPWP,
        passphrase.expose(),
        P12Encryption::default(),
    )?;
    let demo_dir = state_dir.join("demo");
    std::fs::create_dir_all(&demo_dir)
        .map_err(|e| ServerError::Io(format!("{}: {e}", demo_dir.display())))?;
    let p12_path = demo_dir.join(format!("{DEMO_NPWP}.p12"));
    std::fs::write(&p12_path, p12)
        .map_err(|e| ServerError::Io(format!("{}: {e}", p12_path.display())))?;
    Ok(DemoCredentials {
        npwp,
        nama: DEMO_NAMA.into(),
        p12_path,
        passphrase,
        kode_aktivasi: created.kode_aktivasi,
        password: created.password,
        ca_pem_path: super::ca_pem_path(state_dir),
    })
}
