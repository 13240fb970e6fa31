//! The session log: turns what goes over the control connection into `Status:`/`Command:`/
//! `Response:`/`Error:` events. suppaftp has no hook for this; it writes every command and reply
//! line as a `log` record at TRACE level, so a global `log::Log` decodes those records and hands
//! them to the session that is running, found through a tokio task-local. `PASS` is masked here,
//! the only place the password could otherwise reach a log line.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use crate::api::{Event, LogKind, LogLine, SessionId};
use crate::engine::events::EventSink;
use crate::engine::ftp::charset::Codec;

/// The masked form of every `PASS` command, whatever the password's length.
pub const MASKED_PASS: &str = "PASS ********";

tokio::task_local! {
    static CURRENT: LogCtx;
}

/// Where one connection's log lines go.
#[derive(Clone)]
pub struct LogCtx {
    pub session: SessionId,
    pub connection: u32,
    sink: EventSink,
    /// The session's character set, for the replies shown (lossy UTF-8 without one).
    codec: Option<Arc<Codec>>,
}

impl LogCtx {
    pub fn new(session: SessionId, connection: u32, sink: EventSink) -> Self {
        LogCtx {
            session,
            connection,
            sink,
            codec: None,
        }
    }

    /// Replies in this log are decoded with `codec`.
    pub fn with_codec(mut self, codec: Arc<Codec>) -> Self {
        self.codec = Some(codec);
        self
    }

    pub fn line(&self, kind: LogKind, text: impl Into<String>) {
        self.sink.send(Event::Log(LogLine {
            session: self.session,
            connection: self.connection,
            time: SystemTime::now(),
            kind,
            text: text.into(),
        }));
    }

    pub fn status(&self, text: impl Into<String>) {
        self.line(LogKind::Status, text);
    }

    pub fn error(&self, text: impl Into<String>) {
        self.line(LogKind::Error, text);
    }

    /// Runs `fut` with this context receiving the wire log of every suppaftp call inside it.
    pub async fn scope<F: std::future::Future>(self, fut: F) -> F::Output {
        install();
        CURRENT.scope(self, fut).await
    }
}

/// Installs the global logger once per process.
pub fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if log::set_logger(&WireLogger).is_ok() {
            log::set_max_level(log::LevelFilter::Trace);
        }
    });
}

struct WireLogger;

impl log::Log for WireLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() == log::Level::Trace && metadata.target().starts_with("suppaftp")
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let _ = CURRENT.try_with(|ctx| {
            if let Some((kind, text)) = decode_record(&message, ctx.codec.as_deref()) {
                ctx.line(kind, text);
            }
        });
    }

    fn flush(&self) {}
}

/// Decodes one suppaftp trace message into a log line, or `None` for records that are not
/// control-connection traffic.
pub fn decode_record(message: &str, codec: Option<&Codec>) -> Option<(LogKind, String)> {
    if let Some(command) = message.strip_prefix("CC OUT: ") {
        return Some((LogKind::Command, mask_command(command)));
    }
    if let Some(bytes) = message.strip_prefix("CC IN: ") {
        let raw = parse_byte_list(bytes)?;
        let text = match codec {
            Some(codec) => codec.decode_text(&raw),
            None => String::from_utf8_lossy(&raw).into_owned(),
        };
        return Some((LogKind::Response, reply_text(&text)));
    }
    None
}

/// `PASS anything` becomes `PASS ********`; every other command is logged as sent.
pub fn mask_command(command: &str) -> String {
    let command = command.trim_end_matches(['\r', '\n']);
    let verb = command.split(' ').next().unwrap_or("");
    if verb.eq_ignore_ascii_case("PASS") {
        MASKED_PASS.to_string()
    } else {
        command.to_string()
    }
}

/// A reply line as shown: without its line ending, control characters shown as `?` so a
/// hostile server cannot inject fake log lines or terminal escapes.
pub fn reply_text(text: &str) -> String {
    text.trim_end_matches(['\r', '\n'])
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Parses `[50, 50, 48]` (a `Vec<u8>` printed with `{:?}`) back into bytes.
fn parse_byte_list(text: &str) -> Option<Vec<u8>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|part| part.trim().parse::<u8>().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_is_masked_whatever_its_case_and_length() {
        assert_eq!(mask_command("PASS hunter2"), MASKED_PASS);
        assert_eq!(mask_command("pass a much longer password"), MASKED_PASS);
        assert_eq!(mask_command("PASS"), MASKED_PASS);
        assert_eq!(mask_command("USER bob"), "USER bob");
        assert_eq!(mask_command("PASSIVE"), "PASSIVE");
    }

    #[test]
    fn reply_bytes_decode_to_text() {
        let message = format!("CC IN: {:?}", b"220 Welcome\r\n".to_vec());
        assert_eq!(
            decode_record(&message, None),
            Some((LogKind::Response, "220 Welcome".to_string()))
        );
        assert_eq!(
            decode_record("CC OUT: PASS secret", None),
            Some((LogKind::Command, MASKED_PASS.to_string()))
        );
        assert_eq!(decode_record("Sending custom command: NOOP", None), None);
    }

    #[test]
    fn replies_are_shown_in_the_sessions_charset() {
        let message = format!("CC IN: {:?}", b"257 \"/caf\xe9\"\r\n".to_vec());
        let auto = Codec::new(&crate::api::Charset::Auto);
        assert_eq!(
            decode_record(&message, Some(&auto)),
            Some((LogKind::Response, "257 \"/café\"".to_string()))
        );
    }

    #[test]
    fn control_characters_in_replies_are_neutralised() {
        assert_eq!(reply_text("200 ok\x1b[31m\rfake\r\n"), "200 ok?[31m?fake");
    }
}
