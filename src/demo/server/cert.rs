//! The FTPS server's identity: an rcgen self-signed certificate, its fingerprint, and the rustls
//! `ServerConfig` presenting it.

use std::net::Ipv4Addr;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};

use super::{LocalServerError, ServerCert};

/// Generates a self-signed end-entity certificate for `localhost` and `127.0.0.1` (ECDSA P-256,
/// valid from 1975 to 4096, rcgen's default) and a rustls server configuration presenting it.
pub(super) fn self_signed_tls() -> Result<(ServerCert, Arc<ServerConfig>), LocalServerError> {
    let mut params = rcgen::CertificateParams::new(vec![
        "localhost".to_string(),
        Ipv4Addr::LOCALHOST.to_string(),
    ])?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Ferry local FTP server");
    // rustls refuses a CA certificate as the server's own: say so explicitly (basicConstraints CA:FALSE).
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    let der = cert.der().to_vec();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = tls_config(CertificateDer::from(der.clone()), key_der)?;
    let sha256 = fingerprint(&der);
    Ok((ServerCert { der, sha256 }, config))
}

/// TLS 1.3 and 1.2 with the ring provider, no client certificates.
fn tls_config(
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    Ok(Arc::new(config))
}

/// SHA-256 of `der` as uppercase hex pairs joined by colons.
pub(super) fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
