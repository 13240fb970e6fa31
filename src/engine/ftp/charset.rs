//! Owns [`Codec`], the character set of one session's names: how the bytes a server sends
//! (listing lines, replies) become text, and how command lines become bytes again. Every
//! connection of a session (browsing and transfers) holds the same codec, so what one learned
//! (auto mode: "this server's names are not UTF-8") the others use.
//!
//! Invariant: a name the server sent goes back byte-exact. A named charset (and UTF-8) decodes
//! and encodes with `encoding_rs`; in auto mode a line that is valid UTF-8 is read as UTF-8,
//! any other with windows-1252, which maps each of the 256 bytes to its own character and back.
//! From the first such line on, the session's command lines are sent in windows-1252 too, so
//! `caf\xe9.txt` is shown as `café.txt` and asked for as `caf\xe9.txt`. Bytes a forced charset
//! cannot read are shown as private-use characters U+F780..U+F7FF (one per byte, as Python's
//! `surrogateescape` does) and sent back as those bytes, so even such a name can be acted on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use encoding_rs::{DecoderResult, Encoding, UTF_8, WINDOWS_1252};

use crate::api::Charset;
use crate::engine::error::{EngineError, EngineResult};

/// What auto mode falls back to for bytes that are not UTF-8.
const FALLBACK: &Encoding = WINDOWS_1252;

/// Where the private-use characters standing for unreadable bytes start (byte `b` ≥ 0x80 is
/// `ESCAPE + b`).
const ESCAPE: u32 = 0xF700;

fn escape(byte: u8) -> char {
    char::from_u32(ESCAPE + u32::from(byte)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn unescape(c: char) -> Option<u8> {
    u32::from(c)
        .checked_sub(ESCAPE)
        .and_then(|b| u8::try_from(b).ok())
        .filter(|b| *b >= 0x80)
}

/// `bytes` in `encoding` so that they encode back to themselves: the fast decoding when it
/// does, else character by character, escaping the bytes of any character that would not
/// (bytes it cannot read; Shift-JIS duplicates and user-defined characters, Big5's Hong Kong
/// ones, which WHATWG decodes but does not encode).
fn decode_exact(encoding: &'static Encoding, bytes: &[u8]) -> String {
    let fast = decode_escaping(encoding, bytes);
    if encoding == UTF_8 || encode_with(encoding, &fast).is_ok_and(|back| back == bytes) {
        return fast;
    }
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut pos = 0;
    'bytes: while pos < bytes.len() {
        for len in 1..=4.min(bytes.len() - pos) {
            let source = &bytes[pos..pos + len];
            let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(source)
            else {
                continue;
            };
            if encode_with(encoding, &text).is_ok_and(|back| back == source) {
                out.push_str(&text);
                pos += len;
                continue 'bytes;
            }
        }
        out.push(escape(bytes[pos]));
        pos += 1;
    }
    out
}

/// `text` in `encoding`, escaped bytes as themselves, or the first character it lacks.
fn encode_with(encoding: &'static Encoding, text: &str) -> Result<Vec<u8>, Unencodable> {
    if text.is_ascii() {
        return Ok(text.as_bytes().to_vec());
    }
    let mut out = Vec::with_capacity(text.len());
    let mut run = 0;
    for (at, c) in text.char_indices() {
        if let Some(byte) = unescape(c) {
            out.extend(encode_run(encoding, &text[run..at])?);
            out.push(byte);
            run = at + c.len_utf8();
        }
    }
    out.extend(encode_run(encoding, &text[run..])?);
    Ok(out)
}

/// Text without escaped bytes in `encoding`.
fn encode_run(encoding: &'static Encoding, text: &str) -> Result<Vec<u8>, Unencodable> {
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

/// `bytes` in `encoding`, each byte it cannot read as its private-use character.
fn decode_escaping(encoding: &'static Encoding, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    if encoding == UTF_8 {
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            out.extend(chunk.invalid().iter().map(|b| escape(*b)));
        }
        return out;
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut pos = 0;
    loop {
        let rest = &bytes[pos..];
        let room = decoder.max_utf8_buffer_length_without_replacement(rest.len());
        out.reserve(room.unwrap_or(rest.len() * 4 + 16));
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => return out,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, extra) => {
                let end = pos.saturating_sub(usize::from(extra));
                let start = end.saturating_sub(usize::from(bad));
                out.extend(bytes[start..end].iter().map(|b| escape(*b)));
            }
        }
    }
}

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

    /// Text for names from the server (listing lines, replies after login); never fails, and
    /// encodes back to the same bytes. In auto mode, bytes that are not UTF-8 make the
    /// session's names windows-1252 from now on.
    pub fn decode(&self, bytes: &[u8]) -> String {
        self.decode_as(bytes, true)
    }

    /// Text that is not names (the welcome message, login replies, the log): decoded like
    /// names, but teaching auto mode nothing (a banner in Latin-1 says nothing of the names).
    pub fn decode_text(&self, bytes: &[u8]) -> String {
        self.decode_as(bytes, false)
    }

    fn decode_as(&self, bytes: &[u8], learn: bool) -> String {
        match self.mode {
            Some(Mode::Forced(encoding)) => decode_exact(encoding, bytes),
            _ => match std::str::from_utf8(bytes) {
                Ok(text) if !self.learned_not_utf8() || text.is_ascii() => text.to_owned(),
                _ => {
                    if learn {
                        self.not_utf8.store(true, Ordering::Relaxed);
                    }
                    FALLBACK.decode_without_bom_handling(bytes).0.into_owned()
                }
            },
        }
    }

    /// The bytes for `text` in the charset names are sent in, or the first character it lacks.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, Unencodable> {
        encode_with(self.sending(), text)
    }
}

/// The codec as suppaftp's stream encoding: suppaftp encodes every command line with it.
/// Decoding in Ferry happens on the raw reply and listing bytes, through [`Codec::decode`].
#[derive(Debug, Clone)]
pub struct WireCodec(pub Arc<Codec>);

impl suppaftp::Encoding for WireCodec {
    /// What suppaftp decodes itself is the welcome message.
    fn decode(&self, bytes: &[u8]) -> String {
        self.0.decode_text(bytes)
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
    fn only_names_teach_auto_mode() {
        let auto = codec("auto");
        assert_eq!(
            auto.decode_text(b"220 Willkommen f\xfcr alle"),
            "220 Willkommen für alle"
        );
        assert!(!auto.learned_not_utf8());
        assert_eq!(auto.encode("ü").unwrap(), "ü".as_bytes());
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
        assert_eq!(utf8.decode(b"caf\xe9"), "caf\u{f7e9}");
        assert!(!utf8.learned_not_utf8());
        assert_eq!(utf8.encode("日本").unwrap(), "日本".as_bytes());
    }

    #[test]
    fn bytes_a_forced_charset_cannot_read_still_go_back_as_sent() {
        let sjis = codec("shift_jis");
        let raw = b"\x93\xfa caf\xe9.txt \x81\x20 \xff";
        let shown = sjis.decode(raw);
        assert!(
            shown.starts_with("日 caf") && !shown.contains('\u{fffd}'),
            "{shown:?}"
        );
        assert_eq!(sjis.encode(&shown).unwrap(), raw);
        // Random bytes: what a charset shows always goes back as the same bytes.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        };
        for round in 0..2000 {
            let bytes: Vec<u8> = (0..(round % 24)).map(|_| next()).collect();
            for label in [
                "utf-8",
                "windows-1251",
                "koi8-r",
                "latin-1",
                "shift_jis",
                "gbk",
                "big5",
                "euc-kr",
                "euc-jp",
                "gb18030",
            ] {
                let c = codec(label);
                assert_eq!(
                    c.encode(&c.decode(&bytes)).unwrap(),
                    bytes,
                    "{label} {bytes:x?}"
                );
            }
        }
    }

    #[test]
    fn an_unknown_label_is_an_error_at_connect_time() {
        let unknown = Codec::new(&Charset::Named("klingon".to_string()));
        assert!(unknown.check().unwrap_err().to_string().contains("klingon"));
        assert!("klingon".parse::<Charset>().is_err());
    }
}
