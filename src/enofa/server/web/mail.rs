//! Mail to PKP (the Lupa Password link). The transport is a mail folder in the state directory
//! (`<state>/mail/*.eml`, readable by the service's user only): an operator's mail relay or a
//! test picks the messages up from there.

use std::path::PathBuf;

use crate::enofa::server::ServerError;
use crate::enofa::server::state::random_hex;

pub struct Mailer {
    folder: PathBuf,
}

impl Mailer {
    pub fn folder(folder: PathBuf) -> Mailer {
        Mailer { folder }
    }

    /// Writes one plain-text message; returns its file name.
    pub fn send(&self, to: &str, subject: &str, body: &str) -> Result<String, ServerError> {
        crate::private_files::create_dir_all(&self.folder)
            .map_err(|e| ServerError::Io(format!("{}: {e}", self.folder.display())))?;
        let name = format!(
            "{}-{}.eml",
            chrono::Utc::now().format("%Y%m%dT%H%M%S"),
            random_hex(4)
        );
        // Header values come from our own records; strip line breaks all the same so no field
        // can add headers.
        let clean = |s: &str| s.replace(['\r', '\n'], " ");
        let message = format!(
            "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            clean(to),
            clean(subject)
        );
        let path = self.folder.join(&name);
        crate::private_files::write(&path, message)
            .map_err(|e| ServerError::Io(format!("{}: {e}", path.display())))?;
        Ok(name)
    }
}
