//! The per-site character set of file names as the boundary carries it (FileZilla's
//! "Charset" page): auto, UTF-8, or a named encoding resolved with `encoding_rs`.

use std::fmt;

/// The character set of a server's file names, like FileZilla's per-site setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Charset {
    /// UTF-8 for names that are UTF-8, a fallback (windows-1252) for names that are not.
    #[default]
    Auto,
    /// UTF-8 always.
    Utf8,
    /// A named encoding: a WHATWG label (`latin-1`, `windows-1251`, `shift_jis`, `gbk`…),
    /// kept as its canonical name (`windows-1252`, `Shift_JIS`…) once known.
    Named(String),
}

impl Charset {
    /// The encoding a label names, if it is one names can be sent in (ASCII-compatible).
    /// `latin-1` is taken for the WHATWG label `latin1`.
    pub fn resolve(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
        let find = |label: &str| encoding_rs::Encoding::for_label(label.trim().as_bytes());
        find(label)
            .or_else(|| find(&label.replace('-', "")))
            .filter(|e| e.is_ascii_compatible() && *e != encoding_rs::REPLACEMENT)
            .ok_or_else(|| Charset::unknown_label(label))
    }

    /// The message for a label that names no usable character set.
    pub fn unknown_label(label: &str) -> String {
        format!(
            "unknown character set {label:?}: use auto, utf-8 or a label such as latin-1, \
             windows-1251, koi8-r, shift_jis, euc-jp, gbk, big5 or euc-kr"
        )
    }
}

impl std::str::FromStr for Charset {
    type Err = String;

    /// `auto`, `utf-8` (or `utf8`), or any WHATWG label; case does not matter.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().eq_ignore_ascii_case("auto") {
            return Ok(Charset::Auto);
        }
        let encoding = Charset::resolve(text)?;
        Ok(if encoding == encoding_rs::UTF_8 {
            Charset::Utf8
        } else {
            Charset::Named(encoding.name().to_string())
        })
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Charset::Auto => f.write_str("auto"),
            Charset::Utf8 => f.write_str("UTF-8"),
            Charset::Named(name) => f.write_str(name),
        }
    }
}
