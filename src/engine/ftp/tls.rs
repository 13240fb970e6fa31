//! TLS for FTPS: the rustls configuration of each session (its own resumption cache, so data
//! connections resume the control connection's TLS session), certificate verification against
//! the platform's roots, and what to do with certificates the roots do not vouch for: remember
//! why they failed so the session can ask the user, and accept the fingerprints the user trusted
//! (once, always, or pinned on the command line).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::Resumption;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::api::CertificateInfo;
use crate::common::atomic_file::write_atomically;

use crate::common::fingerprint::normalize_fingerprint;

/// SHA-256 of a DER certificate as `AB:CD:...`.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let hex: Vec<String> = digest.iter().map(|b| format!("{b:02X}")).collect();
    hex.join(":")
}

fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// The platform verifier, built once (it reads the system's roots); `None` where the platform
/// offers no roots at all, in which case every certificate goes to the user.
fn platform_verifier() -> Option<Arc<rustls_platform_verifier::Verifier>> {
    static VERIFIER: OnceLock<Option<Arc<rustls_platform_verifier::Verifier>>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            rustls_platform_verifier::Verifier::new(provider())
                .ok()
                .map(Arc::new)
        })
        .clone()
}

/// Fingerprints the user trusted for good, per `host:port`, kept in a small JSON file.
pub struct TrustStore {
    path: Option<PathBuf>,
    hosts: Mutex<BTreeMap<String, BTreeSet<String>>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct TrustFile {
    version: u32,
    hosts: BTreeMap<String, BTreeSet<String>>,
}

impl TrustStore {
    /// A store that forgets everything when the process ends.
    pub fn in_memory() -> Self {
        TrustStore {
            path: None,
            hosts: Mutex::new(BTreeMap::new()),
        }
    }

    /// Loads the store at `path` (missing means empty). A file that cannot be read is reported
    /// and left alone: the store then stays in memory so the file is never overwritten.
    pub fn load(path: &Path) -> Result<Self, String> {
        let hosts = match std::fs::read_to_string(path) {
            Ok(text) => {
                let file: TrustFile = serde_json::from_str(&text).map_err(|e| {
                    format!("cannot read trusted certificates {}: {e}", path.display())
                })?;
                file.hosts
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(TrustStore {
            path: Some(path.to_path_buf()),
            hosts: Mutex::new(hosts),
        })
    }

    fn key(host: &str, port: u16) -> String {
        format!("{}:{port}", host.to_ascii_lowercase())
    }

    pub fn fingerprints(&self, host: &str, port: u16) -> Vec<String> {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .get(&Self::key(host, port))
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Remembers `fingerprint` for `host:port` and writes the file.
    pub fn add(&self, host: &str, port: u16, fingerprint: &str) -> std::io::Result<()> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(Self::key(host, port))
            .or_default()
            .insert(fingerprint.to_string());
        let Some(path) = &self.path else {
            return Ok(());
        };
        let file = TrustFile {
            version: 1,
            hosts: hosts.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
        write_atomically(path, text.as_bytes())
    }
}

/// The TLS context of one secured control connection: its client configuration (with the
/// resumption cache holding its session) and the server's name. Data connections handshake with
/// it to resume the control connection's session, as servers require.
#[derive(Clone)]
pub struct TlsSession {
    pub config: Arc<ClientConfig>,
    pub server_name: ServerName<'static>,
}

/// The TLS side of one site: which certificates are accepted beyond the platform's roots.
/// Shared by the browsing connection and the transfer connections of a session.
pub struct SiteTrust {
    pub host: String,
    pub port: u16,
    store: Arc<TrustStore>,
    once: Mutex<HashSet<String>>,
    pinned: Vec<String>,
    pub insecure: bool,
    /// Held while asking the user, so parallel connections ask once.
    pub asking: tokio::sync::Mutex<()>,
}

impl SiteTrust {
    pub fn new(
        host: &str,
        port: u16,
        store: Arc<TrustStore>,
        pinned: &[String],
        insecure: bool,
    ) -> Self {
        SiteTrust {
            host: host.to_string(),
            port,
            store,
            once: Mutex::new(HashSet::new()),
            pinned: pinned
                .iter()
                .filter_map(|p| normalize_fingerprint(p))
                .collect(),
            insecure,
            asking: tokio::sync::Mutex::new(()),
        }
    }

    pub fn trust_once(&self, fingerprint: &str) {
        let mut once = self.once.lock().unwrap_or_else(|e| e.into_inner());
        once.insert(fingerprint.to_string());
    }

    pub fn trust_always(&self, fingerprint: &str) -> std::io::Result<()> {
        self.trust_once(fingerprint);
        self.store.add(&self.host, self.port, fingerprint)
    }

    pub fn is_accepted(&self, fingerprint: &str) -> bool {
        self.accepted().contains(fingerprint)
    }

    fn accepted(&self) -> HashSet<String> {
        let mut set: HashSet<String> = self.pinned.iter().cloned().collect();
        set.extend(self.store.fingerprints(&self.host, self.port));
        let once = self.once.lock().unwrap_or_else(|e| e.into_inner());
        set.extend(once.iter().cloned());
        set
    }

    /// A fresh client configuration for one connection (control plus its data connections),
    /// with its own resumption cache, and the slot where a rejected certificate is described.
    pub fn client_config(&self) -> (Arc<ClientConfig>, Arc<Mutex<Option<CertificateInfo>>>) {
        let rejected = Arc::new(Mutex::new(None));
        let verifier = FerryVerifier {
            platform: platform_verifier(),
            accepted: self.accepted(),
            insecure: self.insecure,
            rejected: Arc::clone(&rejected),
            host: self.host.clone(),
            port: self.port,
            trusted_always: self.store.fingerprints(&self.host, self.port),
        };
        let mut config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.resumption = Resumption::in_memory_sessions(256);
        (Arc::new(config), rejected)
    }
}

/// Accepts what the platform's roots accept plus the fingerprints the user trusted; describes
/// anything else in `rejected` for the certificate prompt.
#[derive(Debug)]
struct FerryVerifier {
    platform: Option<Arc<rustls_platform_verifier::Verifier>>,
    accepted: HashSet<String>,
    insecure: bool,
    rejected: Arc<Mutex<Option<CertificateInfo>>>,
    host: String,
    port: u16,
    /// What the trust store holds for this host and port ("trust always").
    trusted_always: Vec<String>,
}

impl ServerCertVerifier for FerryVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.insecure || self.accepted.contains(&fingerprint(end_entity)) {
            return Ok(ServerCertVerified::assertion());
        }
        let result = match &self.platform {
            Some(platform) => platform.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        if let Err(error) = &result {
            let mut info = describe(end_entity, &self.host, self.port, error);
            info.previously_trusted = self.trusted_always.clone();
            *self.rejected.lock().unwrap_or_else(|e| e.into_inner()) = Some(info);
        }
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Everything the certificate prompt shows.
fn describe(
    der: &CertificateDer<'_>,
    host: &str,
    port: u16,
    error: &rustls::Error,
) -> CertificateInfo {
    let (subject, issuer, not_before, not_after) =
        match x509_parser::parse_x509_certificate(der.as_ref()) {
            Ok((_, cert)) => (
                cert.subject().to_string(),
                cert.issuer().to_string(),
                cert.validity().not_before.to_string(),
                cert.validity().not_after.to_string(),
            ),
            Err(_) => {
                let unknown = || "(unreadable)".to_string();
                (unknown(), unknown(), unknown(), unknown())
            }
        };
    CertificateInfo {
        host: host.to_string(),
        port,
        fingerprint: fingerprint(der.as_ref()),
        subject,
        issuer,
        not_before,
        not_after,
        reason: reason(error),
        previously_trusted: Vec::new(),
    }
}

/// Why a certificate failed, in words a user understands.
fn reason(error: &rustls::Error) -> String {
    let rustls::Error::InvalidCertificate(cert_error) = error else {
        return error.to_string();
    };
    match cert_error {
        CertificateError::UnknownIssuer => {
            "it is self-signed or issued by an unknown authority".to_string()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "it has expired".to_string()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "it is not valid yet".to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "it was issued for another host name".to_string()
        }
        CertificateError::Revoked => "it has been revoked".to_string(),
        CertificateError::BadSignature => "its signature is invalid".to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_normalise_from_any_typed_form() {
        let fp = fingerprint(b"certificate");
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert_eq!(normalize_fingerprint(&fp), Some(fp.clone()));
        let bare = fp.replace(':', "").to_ascii_lowercase();
        assert_eq!(normalize_fingerprint(&bare), Some(fp));
        assert_eq!(normalize_fingerprint("AB:CD"), None);
        assert_eq!(normalize_fingerprint(&"zz".repeat(32)), None);
    }

    #[test]
    fn trust_store_survives_a_reload_and_keeps_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trusted.json");
        let store = TrustStore::load(&path).unwrap();
        store.add("Example.com", 21, "AA:BB").unwrap();
        let again = TrustStore::load(&path).unwrap();
        assert_eq!(again.fingerprints("example.com", 21), vec!["AA:BB"]);
        assert!(again.fingerprints("example.com", 990).is_empty());

        std::fs::write(&path, "{not json").unwrap();
        let error = TrustStore::load(&path).err().unwrap();
        assert!(error.contains("trusted.json"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
    }
}
