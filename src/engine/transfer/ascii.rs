//! ASCII-mode line endings: CRLF from the server becomes the local line ending on download,
//! and local line endings become CRLF on upload, across buffer boundaries.

/// A line-ending conversion that keeps its state across buffers.
pub trait LineEndings {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>);

    /// The bytes to move: `input` itself in binary mode, converted in ASCII mode.
    fn apply<'a>(&mut self, ascii: bool, input: &'a [u8], out: &'a mut Vec<u8>) -> &'a [u8] {
        if ascii {
            self.convert(input, out);
            out
        } else {
            input
        }
    }
}

/// Converts CRLF to the local line ending in an ASCII download, across buffer boundaries.
#[derive(Default)]
pub struct AsciiIn {
    pending_cr: bool,
}

impl AsciiIn {
    /// The bytes held back at the end of the stream: a CR that no LF followed.
    pub fn finish(&mut self) -> &'static [u8] {
        if std::mem::take(&mut self.pending_cr) {
            b"\r"
        } else {
            b""
        }
    }
}

impl LineEndings for AsciiIn {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                if b != b'\n' {
                    out.push(b'\r');
                }
            }
            if b == b'\r' && cfg!(not(windows)) {
                self.pending_cr = true;
            } else {
                out.push(b);
            }
        }
    }
}

/// Converts local line endings to CRLF in an ASCII upload.
#[derive(Default)]
pub struct AsciiOut {
    last_cr: bool,
}

impl LineEndings for AsciiOut {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for &b in input {
            if b == b'\n' && !self.last_cr {
                out.push(b'\r');
            }
            self.last_cr = b == b'\r';
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_conversion_across_buffers() {
        let mut inbound = AsciiIn::default();
        let mut out = Vec::new();
        let mut all = Vec::new();
        for chunk in [&b"a\r"[..], b"\nb\r", b"c\r\n"] {
            inbound.convert(chunk, &mut out);
            all.extend_from_slice(&out);
        }
        if cfg!(not(windows)) {
            assert_eq!(all, b"a\nb\rc\n");
        }
        let mut outbound = AsciiOut::default();
        outbound.convert(b"a\nb\r\nc", &mut out);
        assert_eq!(out, b"a\r\nb\r\nc");
    }

    #[test]
    fn a_lone_cr_at_the_end_of_a_download_is_kept() {
        let mut inbound = AsciiIn::default();
        let mut out = Vec::new();
        inbound.convert(b"line\r\nlast\r", &mut out);
        let mut all = out.clone();
        all.extend_from_slice(inbound.finish());
        if cfg!(not(windows)) {
            assert_eq!(all, b"line\nlast\r");
        }
        assert_eq!(inbound.finish(), b"", "the CR is handed out once");
    }
}
