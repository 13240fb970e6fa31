//! Questions the worker asks a front end (a certificate to trust, a file that exists, a
//! password) and the answers that come back, with the one wording of the file-exists choices.

use std::time::SystemTime;

use super::{Direction, ExistsPolicy, Secret, TransferId};

/// Details of a certificate that failed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub host: String,
    pub port: u16,
    /// SHA-256 of the DER certificate, `AB:CD:...`.
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// Why verification failed, in words.
    pub reason: String,
    /// Fingerprints trusted "always" for this host and port, none of them this certificate's:
    /// the certificate changed since, which may be an interception. Front ends warn loudly and
    /// name both fingerprints. Empty for a first meeting.
    pub previously_trusted: Vec<String>,
}

impl CertificateInfo {
    /// The loud warning for a certificate that differs from the one trusted "always" for this
    /// host and port, naming both fingerprints; `None` for a first meeting.
    pub fn change_warning(&self) -> Option<String> {
        if self.previously_trusted.is_empty() {
            return None;
        }
        Some(format!(
            "WARNING: the certificate of {}:{} has CHANGED since you trusted it. Someone may be \
             intercepting the connection. Trusted before: {}. Presented now: {}. Accept it only \
             if you know the server's certificate was replaced.",
            self.host,
            self.port,
            self.previously_trusted.join(", "),
            self.fingerprint
        ))
    }
}

/// One side of a file-exists question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub path: String,
    pub size: Option<u64>,
    pub modified: Option<SystemTime>,
}

/// A question the worker needs answered before it can go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Certificate(CertificateInfo),
    FileExists {
        transfer: TransferId,
        direction: Direction,
        source: FileFacts,
        destination: FileFacts,
    },
    /// The site asks for its password at logon ("ask for password" sites).
    Password {
        host: String,
        user: String,
    },
}

/// The answer to a certificate prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertAnswer {
    Reject,
    TrustOnce,
    TrustAlways,
}

/// The action chosen for an existing destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistsAction {
    Overwrite,
    OverwriteIfNewer,
    OverwriteIfSizeDiffers,
    Resume,
    Rename,
    Skip,
    /// Fail this transfer with an error.
    Cancel,
}

impl ExistsAction {
    /// Every choice, in the order the app's dialog and the terminal offer them.
    pub const ALL: [ExistsAction; 7] = [
        ExistsAction::Overwrite,
        ExistsAction::OverwriteIfNewer,
        ExistsAction::OverwriteIfSizeDiffers,
        ExistsAction::Resume,
        ExistsAction::Rename,
        ExistsAction::Skip,
        ExistsAction::Cancel,
    ];

    /// The policy that makes this choice for every transfer ("for all"); `None` for `Cancel`.
    pub fn policy(self) -> Option<ExistsPolicy> {
        Some(match self {
            ExistsAction::Overwrite => ExistsPolicy::Overwrite,
            ExistsAction::OverwriteIfNewer => ExistsPolicy::OverwriteIfNewer,
            ExistsAction::OverwriteIfSizeDiffers => ExistsPolicy::OverwriteIfSizeDiffers,
            ExistsAction::Resume => ExistsPolicy::Resume,
            ExistsAction::Rename => ExistsPolicy::Rename,
            ExistsAction::Skip => ExistsPolicy::Skip,
            ExistsAction::Cancel => return None,
        })
    }

    /// The one wording of each choice: the app's dialog, the Settings window (through
    /// [`ExistsPolicy::label`]) and the terminal's question all use it.
    pub fn label(self) -> &'static str {
        match self {
            ExistsAction::Overwrite => "Overwrite",
            ExistsAction::OverwriteIfNewer => "Overwrite if source newer",
            ExistsAction::OverwriteIfSizeDiffers => "Overwrite if size differs",
            ExistsAction::Resume => "Resume",
            ExistsAction::Rename => "Rename",
            ExistsAction::Skip => "Skip",
            ExistsAction::Cancel => "Cancel this transfer",
        }
    }
}

impl ExistsPolicy {
    /// The action this policy takes without asking; `None` for [`ExistsPolicy::Ask`].
    pub fn action(self) -> Option<ExistsAction> {
        Some(match self {
            ExistsPolicy::Ask => return None,
            ExistsPolicy::Overwrite => ExistsAction::Overwrite,
            ExistsPolicy::OverwriteIfNewer => ExistsAction::OverwriteIfNewer,
            ExistsPolicy::OverwriteIfSizeDiffers => ExistsAction::OverwriteIfSizeDiffers,
            ExistsPolicy::Resume => ExistsAction::Resume,
            ExistsPolicy::Rename => ExistsAction::Rename,
            ExistsPolicy::Skip => ExistsAction::Skip,
        })
    }

    /// "Ask", or the wording of the choice the policy makes without asking.
    pub fn label(self) -> &'static str {
        self.action().map_or("Ask", ExistsAction::label)
    }
}

/// An answer to a [`Prompt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Certificate(CertAnswer),
    FileExists {
        action: ExistsAction,
        /// Use this action for every later conflict in this queue.
        for_all: bool,
    },
    /// The password for a [`Prompt::Password`]; `None` gives up connecting.
    Password(Option<Secret>),
}
