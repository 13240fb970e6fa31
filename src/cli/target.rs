//! What a URL argument names: the site to connect to (a URL with the global settings, or a saved
//! `site:` with its own), the options given on the command line over it, and the remote path.

use std::time::Duration;

use anyhow::anyhow;

use super::args::Opts;
use super::sites;
use crate::api::{Site, SpeedLimits, Timeouts, TransferType};
use crate::common::fingerprint::normalize_fingerprint;
use crate::common::url::{FtpUrl, parse};
use crate::sites::{KeyringError, is_site_url, quick_site};

/// A site to connect to and a remote path.
pub(super) struct Target {
    /// The remote path and its trailing slash; `url.site` is the site to connect to.
    pub(super) url: FtpUrl,
    /// For a `site:` target with normal logon: why its password is not in the keyring.
    pub(super) keyring_note: Option<KeyringError>,
    /// `--limit-rate`, for both directions.
    pub(super) limits: SpeedLimits,
}

impl Target {
    /// A URL with the global settings (as the app's quick connect applies them), or
    /// `site:FOLDER/NAME[/PATH]` with the site's own settings; the options given on the command
    /// line override either.
    pub(super) fn open(text: &str, opts: &Opts) -> anyhow::Result<Target> {
        let (mut url, keyring_note) = if is_site_url(text) {
            let connection = sites::open(text)?;
            let url = FtpUrl {
                site: connection.site,
                path: connection.remote_path,
                has_password: true,
                trailing_slash: connection.trailing_slash,
            };
            (url, connection.keyring_note)
        } else {
            let mut url = parse(text)?;
            url.site = quick_site(url.site, &sites::settings());
            (url, None)
        };
        apply_opts(&mut url.site, opts)?;
        let limits = SpeedLimits {
            download: opts.limit_rate,
            upload: opts.limit_rate,
        };
        Ok(Target {
            url,
            keyring_note,
            limits,
        })
    }
}

/// The options the user gave; those not given leave the site as it is.
fn apply_opts(site: &mut Site, opts: &Opts) -> anyhow::Result<()> {
    if let Some(mode) = opts.mode {
        site.mode = mode.mode();
    }
    if let Some(parallel) = opts.parallel {
        site.parallel = usize::from(parallel);
    }
    if let Some(segments) = opts.segments {
        site.segments = Some(usize::from(segments));
    }
    if let Some(on_exists) = opts.on_exists {
        site.on_exists = on_exists.policy();
    }
    if let Some(timeout) = opts.timeout {
        site.timeouts = Timeouts::uniform(Duration::from_secs(timeout));
    }
    for fingerprint in &opts.trust {
        let normalized = normalize_fingerprint(fingerprint).ok_or_else(|| {
            anyhow!("--trust {fingerprint:?} is not a SHA-256 fingerprint (64 hex digits)")
        })?;
        site.tls.pinned.push(normalized);
    }
    site.tls.insecure |= opts.insecure;
    if let Some(ip) = opts.external_ip {
        site.active.external_ip = Some(ip);
    }
    if let Some(ports) = opts.active_ports {
        site.active.ports = Some(ports);
    }
    site.use_epsv &= !opts.no_epsv;
    site.trust_pasv_address |= opts.trust_pasv_address;
    if let Some(charset) = &opts.charset {
        site.charset = charset.clone();
    }
    // The command line transfers in binary unless told otherwise (as curl and lftp do).
    site.transfer.transfer_type = match (opts.transfer_type, opts.ascii) {
        (Some(kind), _) => kind.transfer_type(),
        (None, true) => TransferType::Ascii,
        (None, false) => TransferType::Binary,
    };
    if let Some(verify) = opts.verify {
        site.transfer.verify = verify.mode();
    }
    site.transfer.preserve_times |= opts.preserve_times;
    if let Some(proxy) = &opts.proxy {
        site.proxy = Some(proxy.clone());
    }
    Ok(())
}
