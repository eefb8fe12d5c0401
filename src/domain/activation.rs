//! Kode Aktivasi: 16 uppercase alphanumerics, shown `XXXX-XXXX-XXXX-XXXX`.

use std::fmt;

/// A Kode Aktivasi (or "Kode Aktivasi eFaktur Desktop"). Debug does not print it: it is a secret.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct KodeAktivasi {
    code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KodeAktivasiError {
    #[error("Kode Aktivasi harus 16 huruf/angka, bukan {0}")]
    Length(usize),
    #[error("Kode Aktivasi hanya boleh huruf dan angka, bukan '{0}'")]
    BadCharacter(char),
}

impl KodeAktivasi {
    /// Accepts dashes, spaces and lower case, as users copy it from the KPP letter or e-Nofa.
    pub fn parse(input: &str) -> Result<KodeAktivasi, KodeAktivasiError> {
        let mut code = String::with_capacity(16);
        for c in input.trim().chars() {
            match c {
                '-' | ' ' => {}
                c if c.is_ascii_alphanumeric() => code.push(c.to_ascii_uppercase()),
                other => return Err(KodeAktivasiError::BadCharacter(other)),
            }
        }
        if code.len() != 16 {
            return Err(KodeAktivasiError::Length(code.len()));
        }
        Ok(KodeAktivasi { code })
    }

    /// The 16 characters without separators, as the registration form takes them.
    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for KodeAktivasi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.code;
        write!(f, "{}-{}-{}-{}", &c[0..4], &c[4..8], &c[8..12], &c[12..16])
    }
}

impl fmt::Debug for KodeAktivasi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KodeAktivasi(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_users_type() {
        for input in [
            "J23D5LDTSE1AW64J",
            "J23D-5LDT-SE1A-W64J",
            "j23d-5ldt-se1a-w64j",
            " J23D 5LDT SE1A W64J ",
        ] {
            let k = KodeAktivasi::parse(input).unwrap();
            assert_eq!(k.as_str(), "J23D5LDTSE1AW64J");
            assert_eq!(k.to_string(), "J23D-5LDT-SE1A-W64J");
        }
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        assert_eq!(
            KodeAktivasi::parse("J23D-5LDT-SE1A"),
            Err(KodeAktivasiError::Length(12))
        );
        assert_eq!(
            KodeAktivasi::parse("J23D_5LDTSE1AW64J"),
            Err(KodeAktivasiError::BadCharacter('_'))
        );
    }

    #[test]
    fn debug_hides_the_code() {
        let k = KodeAktivasi::parse("J23D5LDTSE1AW64J").unwrap();
        assert!(!format!("{k:?}").contains("J23D"));
    }
}
