//! The two status columns of a faktur and the transitions between their values.

use std::fmt;

/// "Status Approval": where the faktur is on its way to DJP's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApprovalStatus {
    /// Recorded, not queued ("Belum Approve").
    Draft,
    /// Queued for the uploader ("Siap Upload").
    SiapUpload,
    /// Sent; waiting for DJP's answer ("Dalam Proses Approval").
    DalamProses,
    ApprovalSukses,
    Reject,
}

/// "Status Faktur".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FakturStatus {
    Normal,
    NormalPengganti,
    Diganti,
    Batal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Status tidak dapat berubah dari {from} ke {to}")]
pub struct StatusError {
    pub from: String,
    pub to: String,
}

impl ApprovalStatus {
    pub const ALL: [ApprovalStatus; 5] = [
        ApprovalStatus::Draft,
        ApprovalStatus::SiapUpload,
        ApprovalStatus::DalamProses,
        ApprovalStatus::ApprovalSukses,
        ApprovalStatus::Reject,
    ];

    /// The label the desktop list shows.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Draft => "Belum Approve",
            ApprovalStatus::SiapUpload => "Siap Upload",
            ApprovalStatus::DalamProses => "Dalam Proses Approval",
            ApprovalStatus::ApprovalSukses => "Approval Sukses",
            ApprovalStatus::Reject => "Reject",
        }
    }

    /// A stable key for storage and files.
    pub fn key(self) -> &'static str {
        match self {
            ApprovalStatus::Draft => "draft",
            ApprovalStatus::SiapUpload => "siap_upload",
            ApprovalStatus::DalamProses => "dalam_proses",
            ApprovalStatus::ApprovalSukses => "approval_sukses",
            ApprovalStatus::Reject => "reject",
        }
    }

    pub fn from_key(key: &str) -> Option<ApprovalStatus> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether the faktur may still be edited or deleted locally.
    pub fn editable(self) -> bool {
        matches!(self, ApprovalStatus::Draft | ApprovalStatus::Reject)
    }

    /// Moves to `to` if the step is allowed.
    pub fn transition(self, to: ApprovalStatus) -> Result<ApprovalStatus, StatusError> {
        use ApprovalStatus::*;
        let allowed = matches!(
            (self, to),
            (Draft, SiapUpload)
                | (SiapUpload, Draft)
                | (SiapUpload, DalamProses)
                | (DalamProses, ApprovalSukses)
                | (DalamProses, Reject)
                // A lost answer: the uploader asks again later.
                | (DalamProses, SiapUpload)
                | (Reject, Draft)
                | (Reject, SiapUpload)
        );
        if allowed {
            Ok(to)
        } else {
            Err(StatusError {
                from: self.label().into(),
                to: to.label().into(),
            })
        }
    }
}

impl FakturStatus {
    pub const ALL: [FakturStatus; 4] = [
        FakturStatus::Normal,
        FakturStatus::NormalPengganti,
        FakturStatus::Diganti,
        FakturStatus::Batal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FakturStatus::Normal => "Normal",
            FakturStatus::NormalPengganti => "Normal-Pengganti",
            FakturStatus::Diganti => "Diganti",
            FakturStatus::Batal => "Batal",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            FakturStatus::Normal => "normal",
            FakturStatus::NormalPengganti => "normal_pengganti",
            FakturStatus::Diganti => "diganti",
            FakturStatus::Batal => "batal",
        }
    }

    pub fn from_key(key: &str) -> Option<FakturStatus> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Replacing (by a pengganti) or cancelling needs an approved faktur that is still in force.
    pub fn transition(
        self,
        approval: ApprovalStatus,
        to: FakturStatus,
    ) -> Result<FakturStatus, StatusError> {
        use FakturStatus::*;
        let in_force = matches!(self, Normal | NormalPengganti);
        let allowed =
            in_force && approval == ApprovalStatus::ApprovalSukses && matches!(to, Diganti | Batal);
        if allowed {
            Ok(to)
        } else {
            Err(StatusError {
                from: format!("{} ({})", self.label(), approval.label()),
                to: to.label().into(),
            })
        }
    }
}

impl fmt::Display for ApprovalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Display for FakturStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalStatus::*;
    use FakturStatus::*;

    #[test]
    fn approval_happy_path_and_reject_retry() {
        let s = Draft.transition(SiapUpload).unwrap();
        let s = s.transition(DalamProses).unwrap();
        assert_eq!(s.transition(ApprovalSukses), Ok(ApprovalSukses));
        let r = s.transition(Reject).unwrap();
        assert_eq!(r.transition(SiapUpload), Ok(SiapUpload));
    }

    #[test]
    fn approval_forbidden_steps() {
        for (from, to) in [
            (Draft, ApprovalSukses),
            (Draft, DalamProses),
            (ApprovalSukses, Draft),
            (ApprovalSukses, SiapUpload),
            (SiapUpload, ApprovalSukses),
        ] {
            assert!(from.transition(to).is_err(), "{from} -> {to}");
        }
        assert!(!ApprovalSukses.editable());
        assert!(Reject.editable());
    }

    #[test]
    fn only_approved_faktur_in_force_can_be_replaced_or_cancelled() {
        assert_eq!(Normal.transition(ApprovalSukses, Diganti), Ok(Diganti));
        assert_eq!(NormalPengganti.transition(ApprovalSukses, Batal), Ok(Batal));
        assert!(Normal.transition(Draft, Diganti).is_err());
        assert!(Diganti.transition(ApprovalSukses, Batal).is_err());
        assert!(Batal.transition(ApprovalSukses, Diganti).is_err());
        assert!(Normal.transition(ApprovalSukses, Normal).is_err());
    }

    #[test]
    fn keys_round_trip() {
        for s in ApprovalStatus::ALL {
            assert_eq!(ApprovalStatus::from_key(s.key()), Some(s));
        }
        for s in FakturStatus::ALL {
            assert_eq!(FakturStatus::from_key(s.key()), Some(s));
        }
    }
}
