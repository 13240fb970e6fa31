//! The engine's error type, and how each error becomes an [`ErrorReport`] at the boundary.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{CertificateInfo, ErrorKind, ErrorReport};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not resolve host {host}: {detail}")]
    Resolve { host: String, detail: String },
    #[error("could not connect to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("{step} timed out after {} s", .after.as_secs())]
    Timeout { step: String, after: Duration },
    #[error("login refused by the server: {0}")]
    Login(String),
    #[error(
        "the server's certificate is not trusted ({reason}); SHA-256 fingerprint {fingerprint}",
        reason = .0.reason,
        fingerprint = .0.fingerprint
    )]
    Untrusted(Box<CertificateInfo>),
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("the server refused {command}: {code} {text}")]
    Refused {
        command: String,
        code: u16,
        text: String,
    },
    #[error("data connection failed in {mode} mode: {detail}")]
    Data { mode: &'static str, detail: String },
    #[error(
        "data connection failed in passive and in active mode. Passive mode failed: {passive} Active mode also failed: {active}"
    )]
    DataBoth { passive: String, active: String },
    #[error("{0}")]
    Broken(String),
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("{}: {source}", .path.display())]
    Local {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    UnsafeName(#[from] crate::common::paths::UnsafeName),
    #[error("{} already exists", .0.display())]
    LocalExists(PathBuf),
    #[error("{0} already exists on the server")]
    RemoteExists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("cancelled")]
    Cancelled,
    #[error("connection lost: {0}")]
    Lost(String),
}

pub type EngineResult<T> = Result<T, EngineError>;

impl EngineError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            EngineError::Resolve { .. } | EngineError::Connect { .. } => ErrorKind::Connect,
            EngineError::Timeout { .. } => ErrorKind::Timeout,
            EngineError::Login(_) => ErrorKind::Login,
            EngineError::Untrusted(_) => ErrorKind::Certificate,
            EngineError::Tls(_) => ErrorKind::Tls,
            EngineError::Refused { .. } => ErrorKind::Refused,
            EngineError::Data { .. } | EngineError::DataBoth { .. } | EngineError::Broken(_) => {
                ErrorKind::DataConnection
            }
            EngineError::Protocol(_) | EngineError::UnsafeName(_) => ErrorKind::Protocol,
            EngineError::Local { .. } => ErrorKind::Local,
            EngineError::LocalExists(_) | EngineError::RemoteExists(_) => ErrorKind::Exists,
            EngineError::Invalid(_) => ErrorKind::Invalid,
            EngineError::Cancelled => ErrorKind::Cancelled,
            EngineError::Lost(_) => ErrorKind::Disconnected,
        }
    }

    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            kind: self.kind(),
            message: self.to_string(),
        }
    }

    /// Whether the control connection can no longer be trusted to be in step with its replies.
    pub fn breaks_connection(&self) -> bool {
        matches!(
            self,
            EngineError::Timeout { .. }
                | EngineError::Cancelled
                | EngineError::Lost(_)
                | EngineError::Protocol(_)
                | EngineError::Tls(_)
        )
    }

    pub fn local(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EngineError::Local {
            path: path.into(),
            source,
        }
    }

    pub fn timeout(step: impl Into<String>, after: Duration) -> Self {
        EngineError::Timeout {
            step: step.into(),
            after,
        }
    }
}
