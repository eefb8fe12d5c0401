//! `.p12` certificates: loading, inspection, and the secret store (passphrases, e-Nofa password).
