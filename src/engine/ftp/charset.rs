//! Owns [`Codec`], the character set of one session's names: how the bytes a server sends
//! (listing lines, replies) become text, and how command lines become bytes again. Every
//! connection of a session (browsing and transfers) holds the same codec, so what one learned
//! (auto mode: "this server's names are not UTF-8") the others use.
//!
//! Invariant: a name the server sent goes back byte-exact. A named charset (and UTF-8) decodes
//! and encodes with `encoding_rs`; in auto mode a line that is valid UTF-8 is read as UTF-8,
//! any other with windows-1252, which maps each of the 256 bytes to its own character and back.
//! From the first such line on, the session's command lines are sent in windows-1252 too, so
//! `caf\xe9.txt` is shown as `café.txt` and asked for as `caf\xe9.txt`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::api::Charset;
use crate::engine::error::{EngineError, EngineResult};

/// What auto mode falls back to for bytes that are not UTF-8.
const FALLBACK: &Encoding = WINDOWS_1252;

#[derive(Debug, Clone, Copy)]
enum Mode {
    Auto,
    Forced(&'static Encoding),
}

/// One session's character set (see the module documentation).
#[derive(Debug)]
pub struct Codec {
    /// `None` for a label `encoding_rs` does not know: [`Codec::check`] says so at connect time.
    mode: Option<Mode>,
    label: String,
    /// Auto mode saw bytes that are not UTF-8: the server's names are in [`FALLBACK`].
    not_utf8: AtomicBool,
}

/// A character the session's charset has no bytes for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unencodable {
    pub character: char,
    pub charset: &'static str,
}

impl std::fmt::Display for Unencodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server's character set {} has no {:?}",
            self.charset, self.character
        )
    }
}

impl Codec {
    pub fn new(charset: &Charset) -> Arc<Codec> {
        let (mode, label) = match charset {
            Charset::Auto => (Some(Mode::Auto), "auto".to_string()),
            Charset::Utf8 => (Some(Mode::Forced(UTF_8)), "UTF-8".to_string()),
            Charset::Named(label) => (
                Charset::resolve(label).ok().map(Mode::Forced),
                label.clone(),
            ),
        };
        Arc::new(Codec {
            mode,
            label,
            not_utf8: AtomicBool::new(false),
        })
    }

    /// An unknown charset label is an error before anything is sent.
    pub fn check(&self) -> EngineResult<()> {
        match self.mode {
            Some(_) => Ok(()),
            None => Err(EngineError::Invalid(Charset::unknown_label(&self.label))),
        }
    }

    /// Whether `OPTS UTF8 ON` is worth sending to a server that announces `UTF8`.
    pub fn wants_utf8(&self) -> bool {
        match self.mode {
            Some(Mode::Auto) => true,
            Some(Mode::Forced(encoding)) => encoding == UTF_8,
            None => false,
        }
    }

    /// True once auto mode found names that are not UTF-8.
    pub fn learned_not_utf8(&self) -> bool {
        self.not_utf8.load(Ordering::Relaxed)
    }

    /// The encoding command lines are sent in now.
    fn sending(&self) -> &'static Encoding {
        match self.mode {
            Some(Mode::Forced(encoding)) => encoding,
            Some(Mode::Auto) if self.learned_not_utf8() => FALLBACK,
            _ => UTF_8,
        }
    }

    /// Text for bytes from the server: never fails (a forced charset shows bytes it cannot
    /// read as U+FFFD; auto mode reads every byte).
    pub fn decode(&self, bytes: &[u8]) -> String {
        match self.mode {
            Some(Mode::Forced(encoding)) => {
                encoding.decode_without_bom_handling(bytes).0.into_owned()
            }
            _ => match std::str::from_utf8(bytes) {
                Ok(text) if !self.learned_not_utf8() || text.is_ascii() => text.to_owned(),
                _ => {
                    self.not_utf8.store(true, Ordering::Relaxed);
                    FALLBACK.decode_without_bom_handling(bytes).0.into_owned()
                }
            },
        }
    }

    /// The bytes for `text` in the charset names are sent in, or the first character it lacks.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, Unencodable> {
        let encoding = self.sending();
        if text.is_ascii() || encoding == UTF_8 {
            return Ok(text.as_bytes().to_vec());
        }
        let (bytes, _, unmappable) = encoding.encode(text);
        if !unmappable {
            return Ok(bytes.into_owned());
        }
        let mut buf = [0u8; 4];
        let character = text
            .chars()
            .find(|c| encoding.encode(c.encode_utf8(&mut buf)).2)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        Err(Unencodable {
            character,
            charset: encoding.name(),
        })
    }
}

/// The codec as suppaftp's stream encoding: suppaftp encodes every command line with it.
/// Decoding in Ferry happens on the raw reply and listing bytes, through [`Codec::decode`].
#[derive(Debug, Clone)]
pub struct WireCodec(pub Arc<Codec>);

impl suppaftp::Encoding for WireCodec {
    fn decode(&self, bytes: &[u8]) -> String {
        self.0.decode(bytes)
    }

    fn encode(&self, text: &str) -> std::io::Result<Vec<u8>> {
        self.0
            .encode(text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(charset: &str) -> Arc<Codec> {
        Codec::new(&charset.parse().expect("a known charset"))
    }

    #[test]
    fn auto_reads_utf8_as_utf8() {
        let auto = codec("auto");
        assert_eq!(auto.decode("café 日本.txt".as_bytes()), "café 日本.txt");
        assert!(!auto.learned_not_utf8());
        assert_eq!(auto.encode("日本.txt").unwrap(), "日本.txt".as_bytes());
    }

    #[test]
    fn auto_falls_back_and_sends_the_same_bytes_back() {
        let auto = codec("auto");
        assert_eq!(auto.decode(b"caf\xe9.txt"), "café.txt");
        assert!(auto.learned_not_utf8());
        assert_eq!(
            auto.encode("RETR /d/café.txt\r\n").unwrap(),
            b"RETR /d/caf\xe9.txt\r\n"
        );
        // Every byte comes back as itself, the five windows-1252 leaves undefined included.
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(auto.encode(&auto.decode(&all)).unwrap(), all);
        // A name the server's charset lacks is refused, naming the charset.
        let error = auto.encode("日本.txt").unwrap_err();
        assert_eq!((error.character, error.charset), ('日', "windows-1252"));
        assert!(error.to_string().contains("windows-1252"));
    }

    #[test]
    fn named_charsets_round_trip() {
        let sjis = codec("shift_jis");
        let raw = b"\x93\xfa\x96\x7b\x8c\xea.txt";
        assert_eq!(sjis.decode(raw), "日本語.txt");
        assert_eq!(sjis.encode("日本語.txt").unwrap(), raw);
        assert!(sjis.encode("é").is_err());
        let latin = codec("latin-1");
        assert_eq!(latin.sending().name(), "windows-1252");
        assert_eq!(latin.decode(b"\xe9"), "é");
        let cyrillic = codec("windows-1251");
        assert_eq!(
            cyrillic.encode("Привет").unwrap(),
            b"\xcf\xf0\xe8\xe2\xe5\xf2"
        );
        assert!(!cyrillic.wants_utf8() && codec("auto").wants_utf8());
    }

    #[test]
    fn forced_utf8_never_falls_back() {
        let utf8 = codec("utf-8");
        assert_eq!(utf8.decode(b"caf\xe9"), "caf\u{fffd}");
        assert!(!utf8.learned_not_utf8());
        assert_eq!(utf8.encode("日本").unwrap(), "日本".as_bytes());
    }

    #[test]
    fn an_unknown_label_is_an_error_at_connect_time() {
        let unknown = Codec::new(&Charset::Named("klingon".to_string()));
        assert!(unknown.check().unwrap_err().to_string().contains("klingon"));
        assert!("klingon".parse::<Charset>().is_err());
    }
}
