//! When to try again, and what a failure means: pure functions, no clock and no randomness of
//! their own (the caller passes the jitter), so they are tested exactly.

use std::time::Duration;

use crate::domain::DjpCode;
use crate::enofa::ClientError;
use crate::enofa::error::TlsProblem;

/// The wait before attempt `attempt` (1 = the first retry): exponential from `base`, capped at
/// `cap`, then spread by `jitter` in `[0, 1)` over the upper half of that wait, so many clients
/// that failed together do not come back together.
pub fn backoff(attempt: u32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    let full = base.checked_mul(1u32 << doublings).unwrap_or(cap).min(cap);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    full.mul_f64(0.5 + 0.5 * jitter)
}

/// What a failed call means for the faktur and for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Network, a dropped connection, a 5xx, a server restarting: the same request again later,
    /// with the same idempotency key.
    Retry,
    /// The upload session ended: renew it (or open a new one), then the same request again.
    Session,
    /// This request is refused for good (e.g. a signature the server cannot verify): the
    /// faktur becomes *Reject* with the code.
    Refused,
    /// Nothing can be uploaded by this client now (certificate, registration, branch not
    /// approved, locked account): stop the run.
    Stop,
}

pub fn classify(e: &ClientError) -> Failure {
    match e {
        ClientError::Unreachable { .. } | ClientError::Protocol(_) => Failure::Retry,
        ClientError::Tls {
            problem: TlsProblem::Other,
            ..
        } => Failure::Retry,
        ClientError::Tls { .. }
        | ClientError::Certificate(_)
        | ClientError::CabangPending { .. } => Failure::Stop,
        ClientError::SessionExpired { .. } => Failure::Session,
        ClientError::Refused { code, .. } => match code {
            DjpCode::Etax10001 | DjpCode::Etax40001 => Failure::Retry,
            DjpCode::EtaxService20017 | DjpCode::Etax40002 | DjpCode::Etax40004 => Failure::Stop,
            _ => Failure::Refused,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(500);
    const CAP: Duration = Duration::from_secs(300);

    #[test]
    fn backoff_doubles_is_capped_and_jitter_spreads_the_upper_half() {
        assert_eq!(backoff(1, BASE, CAP, 1.0), BASE);
        assert_eq!(backoff(1, BASE, CAP, 0.0), BASE / 2);
        assert_eq!(backoff(2, BASE, CAP, 1.0), BASE * 2);
        assert_eq!(backoff(4, BASE, CAP, 1.0), BASE * 8);
        assert_eq!(backoff(0, BASE, CAP, 1.0), BASE, "attempt 0 is the first");
        for attempt in [20, 31, 32, 1000, u32::MAX] {
            assert_eq!(backoff(attempt, BASE, CAP, 1.0), CAP, "{attempt}");
            assert_eq!(backoff(attempt, BASE, CAP, 0.0), CAP / 2, "{attempt}");
        }
        let mut last = Duration::ZERO;
        for j in 0..=10 {
            let d = backoff(3, BASE, CAP, f64::from(j) / 10.0);
            assert!(d >= last && d >= BASE * 2 && d <= BASE * 4, "{d:?}");
            last = d;
        }
        for odd in [f64::NAN, f64::INFINITY, -3.0, 7.0] {
            let d = backoff(2, BASE, CAP, odd);
            assert!(d >= BASE && d <= BASE * 2, "{odd}: {d:?}");
        }
    }

    fn refused(code: DjpCode) -> ClientError {
        ClientError::Refused {
            code,
            code_text: code.as_str().into(),
            reason: String::new(),
        }
    }

    #[test]
    fn failures_are_classified() {
        let unreachable = ClientError::Unreachable {
            url: "https://127.0.0.1:1".into(),
            detail: "connection reset".into(),
        };
        assert_eq!(classify(&unreachable), Failure::Retry);
        assert_eq!(
            classify(&ClientError::Protocol("HTTP 502".into())),
            Failure::Retry
        );
        assert_eq!(
            classify(&refused(DjpCode::Etax10001)),
            Failure::Retry,
            "a 500"
        );
        assert_eq!(
            classify(&ClientError::SessionExpired {
                reason: String::new()
            }),
            Failure::Session
        );
        assert_eq!(classify(&refused(DjpCode::EtaxService20017)), Failure::Stop);
        assert_eq!(classify(&refused(DjpCode::Etax40004)), Failure::Stop);
        let revoked = ClientError::Tls {
            problem: TlsProblem::ClientCertRevoked,
            detail: String::new(),
        };
        assert_eq!(classify(&revoked), Failure::Stop);
        assert_eq!(
            classify(&refused(DjpCode::EtaxService20021)),
            Failure::Refused
        );
    }
}
