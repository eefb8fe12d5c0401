//! Certificate errors, with certificates generated on the spot (rcgen).

use chrono::{DateTime, Duration, Utc};
use rcgen::{CertificateParams, DnType, KeyPair};

use super::*;
use crate::domain::Npwp;

const NPWP: &str = "013000666091000";

fn time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap()
}

/// A self-signed PKP-style certificate in a `.p12` protected by "benar".
fn p12(
    npwp: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    encryption: P12Encryption,
) -> Vec<u8> {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, "PT UJI");
    if let Some(n) = npwp {
        params
            .distinguished_name
            .push(DnType::CustomDnType(vec![2, 5, 4, 5]), n);
    }
    params.not_before = time(from);
    params.not_after = time(to);
    let cert = params.self_signed(&key).unwrap();
    write_p12(
        &[cert.der().to_vec()],
        &key.serialize_der(),
        "uji",
        "benar",
        encryption,
    )
    .unwrap()
}

fn valid() -> Vec<u8> {
    let now = Utc::now();
    p12(
        Some(NPWP),
        now - Duration::days(1),
        now + Duration::days(730),
        P12Encryption::Aes256,
    )
}

#[test]
fn opens_and_reads_npwp_serial_and_validity() {
    let id = Identity::from_p12(&valid(), "benar").unwrap();
    let info = id.info();
    assert_eq!(info.npwp.as_ref().map(|n| n.digits()), Some(NPWP));
    assert!(info.subject.contains("PT UJI"), "{}", info.subject);
    assert!(!info.serial.is_empty());
    assert!((728..=730).contains(&info.days_left(Utc::now())));
    id.check_for(&Npwp::parse(NPWP).unwrap(), Utc::now())
        .unwrap();
    assert!(!format!("{id:?}").contains("BEGIN"));
}

#[test]
fn legacy_3des_files_open_too() {
    let now = Utc::now();
    let bytes = p12(
        Some(NPWP),
        now - Duration::days(1),
        now + Duration::days(1),
        P12Encryption::Legacy3Des,
    );
    Identity::from_p12(&bytes, "benar").unwrap();
    assert_eq!(
        Identity::from_p12(&bytes, "salah").unwrap_err(),
        CertError::WrongPassphrase
    );
}

#[test]
fn wrong_passphrase_is_said_plainly() {
    let e = Identity::from_p12(&valid(), "salah").unwrap_err();
    assert_eq!(e, CertError::WrongPassphrase);
    assert!(e.to_string().starts_with("Passphrase salah"));
}

#[test]
fn not_a_p12() {
    let e = Identity::from_p12(b"ini bukan sertifikat", "benar").unwrap_err();
    assert!(matches!(e, CertError::NotPkcs12(_)), "{e:?}");
}

#[test]
fn other_npwp_expired_not_yet_valid_and_missing_npwp() {
    let now = Utc::now();
    let other = Npwp::parse("013121660123000").unwrap_or_else(|_| {
        (0..10)
            .find_map(|d| Npwp::parse(&format!("01312166{d}123000")).ok())
            .unwrap()
    });
    let id = Identity::from_p12(&valid(), "benar").unwrap();
    assert!(matches!(
        id.check_for(&other, now),
        Err(CertError::OtherNpwp { .. })
    ));

    let old = p12(
        Some(NPWP),
        now - Duration::days(800),
        now - Duration::days(70),
        P12Encryption::Aes256,
    );
    let npwp = Npwp::parse(NPWP).unwrap();
    let e = Identity::from_p12(&old, "benar")
        .unwrap()
        .check_for(&npwp, now)
        .unwrap_err();
    assert!(matches!(e, CertError::Expired { .. }), "{e:?}");
    assert!(e.to_string().contains("kedaluwarsa"));

    let future = p12(
        Some(NPWP),
        now + Duration::days(3),
        now + Duration::days(30),
        P12Encryption::Aes256,
    );
    let e = Identity::from_p12(&future, "benar")
        .unwrap()
        .check_for(&npwp, now)
        .unwrap_err();
    assert!(matches!(e, CertError::NotYetValid { .. }), "{e:?}");

    let anonymous = p12(
        None,
        now - Duration::days(1),
        now + Duration::days(1),
        P12Encryption::Aes256,
    );
    let e = Identity::from_p12(&anonymous, "benar")
        .unwrap()
        .check_for(&npwp, now)
        .unwrap_err();
    assert_eq!(e, CertError::NoNpwp);
}

#[test]
fn signatures_verify_only_with_the_signed_bytes() {
    let id = Identity::from_p12(&valid(), "benar").unwrap();
    let (scheme, sig) = id.sign(b"faktur").unwrap();
    let leaf = id.certificate_chain()[0].to_vec();
    verify_signature(&leaf, &scheme, b"faktur", &sig).unwrap();
    assert!(verify_signature(&leaf, &scheme, b"faktur lain", &sig).is_err());
}

#[test]
fn key_copies_are_wiped_on_drop() {
    let id = Identity::from_p12(&valid(), "benar").unwrap();
    // The type is the test: a copy handed out is a `Zeroizing`, wiped when dropped.
    let key: zeroize::Zeroizing<rustls_pki_types::PrivateKeyDer<'static>> = id.private_key();
    assert!(!key.secret_der().is_empty());
    let mut copy = key;
    zeroize::Zeroize::zeroize(&mut *copy);
    assert!(copy.secret_der().is_empty(), "wiped");
    // The TLS client key is built from a borrowed copy and matches the leaf certificate.
    let certified = id.certified_key().unwrap();
    assert_eq!(certified.cert, id.certificate_chain());
}
