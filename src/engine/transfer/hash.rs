//! Hash verification: which hash the server can give (FEAT: `HASH` with its algorithm list,
//! draft-bryan-ftp-hash, or the older `XSHA256`/`XSHA1`/`XMD5`/`XCRC` commands), asking it for
//! a file's hash, and the local file's hash, computed on a blocking thread.

use std::io::Read;
use std::path::Path;

use sha2::Digest;

use crate::api::VerifyMode;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::reply::Features;

/// A hash both sides can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha1,
    Md5,
    Crc32,
}

impl Algorithm {
    /// The name `HASH` and `OPTS HASH` use, and the queue shows.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha1 => "SHA-1",
            Algorithm::Md5 => "MD5",
            Algorithm::Crc32 => "CRC32",
        }
    }

    fn x_command(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "XSHA256",
            Algorithm::Sha1 => "XSHA1",
            Algorithm::Md5 => "XMD5",
            Algorithm::Crc32 => "XCRC",
        }
    }

    /// The length of the hash in hexadecimal digits.
    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha1 => 40,
            Algorithm::Md5 => 32,
            Algorithm::Crc32 => 8,
        }
    }

    const BEST_FIRST: [Algorithm; 4] = [
        Algorithm::Sha256,
        Algorithm::Sha1,
        Algorithm::Md5,
        Algorithm::Crc32,
    ];
}

/// How the server is asked for a hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashCommand {
    /// `HASH path`, after `OPTS HASH NAME` unless `selected` (the FEAT line's `*`).
    Hash {
        algorithm: Algorithm,
        selected: bool,
    },
    /// `XSHA256 path` and its kin.
    X(Algorithm),
}

impl HashCommand {
    pub fn algorithm(self) -> Algorithm {
        match self {
            HashCommand::Hash { algorithm, .. } | HashCommand::X(algorithm) => algorithm,
        }
    }

    /// The best hash FEAT offers: `HASH` before the X commands, stronger before weaker.
    pub fn from_features(features: &Features) -> Option<HashCommand> {
        let hash_line = features.lines.iter().find_map(|line| {
            let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
            verb.eq_ignore_ascii_case("HASH").then_some(rest)
        });
        if let Some(list) = hash_line {
            let offered: Vec<(String, bool)> = list
                .split(';')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(|name| {
                    let selected = name.ends_with('*');
                    (name.trim_end_matches('*').to_ascii_uppercase(), selected)
                })
                .collect();
            for algorithm in Algorithm::BEST_FIRST {
                if let Some((_, selected)) = offered.iter().find(|(n, _)| n == algorithm.name()) {
                    let selected = *selected;
                    return Some(HashCommand::Hash {
                        algorithm,
                        selected,
                    });
                }
            }
        }
        let has = |verb: &str| {
            features
                .lines
                .iter()
                .any(|line| line.split(' ').next() == Some(verb))
        };
        Algorithm::BEST_FIRST
            .into_iter()
            .find(|a| has(a.x_command()))
            .map(HashCommand::X)
    }
}

/// The hash to check a transfer with: `None` when verification is off, the server has none,
/// or the transfer is in ASCII mode (the bytes differ on each side); `require` turns the
/// missing hash into an error.
pub fn choose(
    mode: VerifyMode,
    features: &Features,
    ascii: bool,
) -> EngineResult<Option<HashCommand>> {
    if mode == VerifyMode::Off {
        return Ok(None);
    }
    let command = HashCommand::from_features(features).filter(|_| !ascii);
    match (command, mode) {
        (None, VerifyMode::Require) if ascii => Err(EngineError::Invalid(
            "verification is required, but an ASCII transfer cannot be verified".to_string(),
        )),
        (None, VerifyMode::Require) => Err(EngineError::Invalid(
            "verification is required, but the server offers no hash command (HASH, XSHA256…)"
                .to_string(),
        )),
        (command, _) => Ok(command),
    }
}

/// Asks the server for the hash of `path`; lower-case hexadecimal.
pub async fn remote_hash(
    ctl: &mut Control,
    command: HashCommand,
    path: &str,
) -> EngineResult<String> {
    let algorithm = command.algorithm();
    let line = match command {
        HashCommand::Hash { selected, .. } => {
            if !selected {
                ctl.expect_ok(&format!("OPTS HASH {}", algorithm.name()))
                    .await?;
            }
            format!("HASH {path}")
        }
        HashCommand::X(_) => format!("{} {path}", algorithm.x_command()),
    };
    let reply = ctl.expect_ok(&line).await?;
    parse_hash(&reply.text, algorithm).ok_or_else(|| {
        EngineError::Broken(format!(
            "the server's {} reply holds no {} hash: {}",
            algorithm.x_command(),
            algorithm.name(),
            reply.message()
        ))
    })
}

/// The hash in a reply: `213 SHA-256 0-49 <hex> name` (HASH) or `250 <hex>` (X commands): the
/// first word of the right length that is all hexadecimal.
fn parse_hash(text: &str, algorithm: Algorithm) -> Option<String> {
    let line = text.lines().last()?;
    line.get(4..)?
        .split_whitespace()
        .find(|w| w.len() == algorithm.hex_len() && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// The hash of the local file at `path`, read on a blocking thread; lower-case hexadecimal.
pub async fn local_hash(path: &Path, algorithm: Algorithm) -> EngineResult<String> {
    let owned = path.to_path_buf();
    tokio::task::spawn_blocking(move || hash_file(&owned, algorithm))
        .await
        .map_err(|e| EngineError::local(path, std::io::Error::other(e)))?
        .map_err(|e| EngineError::local(path, e))
}

fn hash_file(path: &Path, algorithm: Algorithm) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut sha256 = sha2::Sha256::new();
    let mut sha1 = sha1::Sha1::new();
    let mut md5 = md5::Md5::new();
    let mut crc = crc32fast::Hasher::new();
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        match algorithm {
            Algorithm::Sha256 => sha256.update(chunk),
            Algorithm::Sha1 => sha1.update(chunk),
            Algorithm::Md5 => md5.update(chunk),
            Algorithm::Crc32 => crc.update(chunk),
        }
    }
    Ok(match algorithm {
        Algorithm::Sha256 => hex(&sha256.finalize()),
        Algorithm::Sha1 => hex(&sha1.finalize()),
        Algorithm::Md5 => hex(&md5.finalize()),
        Algorithm::Crc32 => format!("{:08x}", crc.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a transfer did not pass its hash check.
pub enum Unverified {
    /// The hashes differ: the file is not what the server has.
    Mismatch(EngineError),
    /// The hash could not be had (refused, unreadable, a local error).
    Failed(EngineError),
}

/// Compares the server's hash of `remote` with the local file's. In `Auto` mode a server that
/// refuses to hash leaves the file checked by size only (logged); `Require` fails then.
pub async fn verify(
    ctl: &mut Control,
    command: HashCommand,
    mode: VerifyMode,
    local: &Path,
    remote: &str,
) -> Result<Option<&'static str>, Unverified> {
    let algorithm = command.algorithm();
    let hashes = async {
        let theirs = remote_hash(ctl, command, remote).await?;
        let ours = local_hash(local, algorithm).await?;
        Ok::<_, EngineError>((theirs, ours))
    };
    let (theirs, ours) = match hashes.await {
        Ok(both) => both,
        Err(e @ (EngineError::Refused { .. } | EngineError::Broken(_)))
            if mode == VerifyMode::Auto =>
        {
            ctl.log.status(format!(
                "Could not verify {remote}, its size was checked: {e}"
            ));
            return Ok(None);
        }
        Err(e) => return Err(Unverified::Failed(e)),
    };
    if theirs != ours {
        return Err(Unverified::Mismatch(EngineError::Broken(format!(
            "the {} hash of {remote} does not match: the server has {theirs}, the local file {ours}",
            algorithm.name()
        ))));
    }
    ctl.log
        .status(format!("Verified {remote} ({}: {ours})", algorithm.name()));
    Ok(Some(algorithm.name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ftp::reply::Reply;

    fn features(text: &str) -> Features {
        Features::parse(&Reply::from_text(text))
    }

    #[test]
    fn hash_from_feat_prefers_hash_and_the_strongest() {
        let f = features("211-Features:\n HASH SHA-1*;SHA-256;MD5\n XMD5\n211 End");
        assert_eq!(
            HashCommand::from_features(&f),
            Some(HashCommand::Hash {
                algorithm: Algorithm::Sha256,
                selected: false
            })
        );
        let f = features("211-Features:\n XCRC\n XMD5\n SIZE\n211 End");
        assert_eq!(
            HashCommand::from_features(&f),
            Some(HashCommand::X(Algorithm::Md5))
        );
        assert_eq!(
            HashCommand::from_features(&features("211-F:\n SIZE\n211 End")),
            None
        );
    }

    #[test]
    fn require_fails_without_a_hash_and_ascii_is_not_hashed() {
        let none = features("211-F:\n SIZE\n211 End");
        assert!(choose(VerifyMode::Require, &none, false).is_err());
        assert_eq!(choose(VerifyMode::Auto, &none, false).unwrap(), None);
        let some = features("211-F:\n XSHA256\n211 End");
        assert_eq!(choose(VerifyMode::Auto, &some, true).unwrap(), None);
        assert_eq!(choose(VerifyMode::Off, &some, false).unwrap(), None);
        assert!(choose(VerifyMode::Auto, &some, false).unwrap().is_some());
    }

    #[test]
    fn hashes_in_replies() {
        let sha = "a".repeat(64);
        let reply = format!("213 SHA-256 0-49 {sha} file name.txt");
        assert_eq!(parse_hash(&reply, Algorithm::Sha256), Some(sha));
        assert_eq!(
            parse_hash("250 0A1B2C3D", Algorithm::Crc32).as_deref(),
            Some("0a1b2c3d")
        );
        assert_eq!(parse_hash("213 nothing here", Algorithm::Md5), None);
    }

    #[test]
    fn local_hashes_match_known_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let sha = hash_file(&path, Algorithm::Sha256).unwrap();
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hash_file(&path, Algorithm::Md5).unwrap(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(hash_file(&path, Algorithm::Crc32).unwrap(), "352441c2");
        assert_eq!(
            hash_file(&path, Algorithm::Sha1).unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
