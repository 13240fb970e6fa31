//! Preserved modification times: after a download the local file gets the remote file's time
//! (MDTM, else MLST; both UTC), after an upload the server gets the local file's (MFMT, or
//! `SITE UTIME` where FEAT shows that instead). A time that cannot be carried over is logged;
//! the transfer itself stands.

use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ops::parse_mdtm;

use super::remote::mlst_facts;

/// The remote file's modification time, when the server tells it.
async fn remote_time(ctl: &mut Control, path: &str) -> EngineResult<Option<SystemTime>> {
    if ctl.features.mdtm || !ctl.features.mlst {
        let reply = ctl.cmd_final(&format!("MDTM {path}")).await?;
        if reply.code == 213
            && let Some(time) = parse_mdtm(&reply.message())
        {
            return Ok(Some(SystemTime::from(time.time.and_utc())));
        }
    }
    if ctl.features.mlst {
        let reply = ctl.cmd_final(&format!("MLST {path}")).await?;
        if reply.code == 250 {
            return Ok(mlst_facts(&reply.text, path).modified);
        }
    }
    Ok(None)
}

/// Gives the downloaded `local` the modification time of `remote`.
pub async fn after_download(ctl: &mut Control, remote: &str, local: &Path) -> EngineResult<()> {
    let Some(time) = remote_time(ctl, remote).await? else {
        ctl.log.status(format!(
            "The server did not tell the time of {remote}; its local copy keeps the time of the download"
        ));
        return Ok(());
    };
    let owned = local.to_path_buf();
    tokio::task::spawn_blocking(move || {
        filetime::set_file_mtime(&owned, filetime::FileTime::from_system_time(time))
    })
    .await
    .map_err(|e| EngineError::local(local, std::io::Error::other(e)))?
    .map_err(|e| EngineError::local(local, e))
}

/// Gives the uploaded `remote` the modification time of `local`.
pub async fn after_upload(ctl: &mut Control, local: &Path, remote: &str) -> EngineResult<()> {
    let modified = tokio::fs::metadata(local)
        .await
        .and_then(|m| m.modified())
        .map_err(|e| EngineError::local(local, e))?;
    let stamp = DateTime::<Utc>::from(modified)
        .format("%Y%m%d%H%M%S")
        .to_string();
    let line = if has_feature(ctl, "MFMT") {
        format!("MFMT {stamp} {remote}")
    } else if has_feature(ctl, "UTIME") {
        format!("SITE UTIME {stamp} {remote}")
    } else {
        ctl.log.status(format!(
            "The server cannot set file times (no MFMT or SITE UTIME); {remote} keeps the time of the upload"
        ));
        return Ok(());
    };
    let reply = ctl.cmd_final(&line).await?;
    if !reply.is_success() {
        ctl.log.status(format!(
            "The server did not set the time of {remote}: {}",
            reply.message()
        ));
    }
    Ok(())
}

/// Whether a FEAT line names `word` (`MFMT`; `SITE UTIME` or `UTIME` among SITE's commands).
fn has_feature(ctl: &Control, word: &str) -> bool {
    ctl.features
        .lines
        .iter()
        .any(|line| line.split([' ', ';']).any(|w| w.eq_ignore_ascii_case(word)))
}
