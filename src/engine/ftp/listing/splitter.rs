//! Owns [`LineSplitter`], the memory-bounded splitter that turns listing data arriving in
//! arbitrary chunks into lines.

use std::sync::Arc;

use crate::engine::ftp::charset::Codec;

/// Splits listing data arriving in arbitrary chunks into lines (on `\n`, dropping a trailing
/// `\r`, decoding each line in the session's character set, see [`Codec`]). Only the incomplete tail is buffered, and never more than
/// `max_line` bytes of it: a longer line is cut to `max_line` bytes, the rest of it up to the
/// next `\n` is discarded, and the cut line is still yielded.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    max_line: usize,
    truncated: bool,
    codec: Arc<Codec>,
}

impl LineSplitter {
    pub fn new(max_line: usize, codec: Arc<Codec>) -> Self {
        LineSplitter {
            buf: Vec::new(),
            max_line,
            truncated: false,
            codec,
        }
    }

    /// Feed one chunk; every line it completes is appended to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<String>) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.append(&rest[..pos]);
            self.emit(out);
            rest = &rest[pos + 1..];
        }
        self.append(rest);
    }

    /// End of data: yield the last line if it was not terminated.
    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.buf.is_empty() || self.truncated {
            self.emit(out);
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = self.max_line.saturating_sub(self.buf.len());
        let take = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..take]);
        self.truncated |= take < bytes.len();
    }

    fn emit(&mut self, out: &mut Vec<String>) {
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.truncated {
            // Do not leave half a character where the line was cut.
            if let Err(e) = std::str::from_utf8(&self.buf)
                && e.error_len().is_none()
            {
                self.buf.truncate(e.valid_up_to());
            }
        }
        out.push(self.codec.decode(&self.buf));
        self.buf.clear();
        self.truncated = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Charset;

    fn utf8() -> Arc<Codec> {
        Codec::new(&Charset::Utf8)
    }

    fn split(chunks: &[&[u8]], max_line: usize) -> Vec<String> {
        split_as(chunks, max_line, utf8())
    }

    fn split_as(chunks: &[&[u8]], max_line: usize, codec: Arc<Codec>) -> Vec<String> {
        let mut splitter = LineSplitter::new(max_line, codec);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter.push(chunk, &mut out);
        }
        splitter.finish(&mut out);
        out
    }

    #[test]
    fn splitter_handles_split_crlf_and_utf8() {
        let out = split(
            &[b"one\r", b"\ntw", b"o\r\n\xc3", b"\xa9t\xc3", b"\xa9\r\n"],
            100,
        );
        assert_eq!(out, ["one", "two", "été"]);
        assert_eq!(split(&[b"a\n\nb\r\n"], 100), ["a", "", "b"]);
        // A byte UTF-8 cannot read stands for itself (see `Codec`).
        assert_eq!(split(&[b"bad \xff byte\n"], 100), ["bad \u{f7ff} byte"]);
    }

    #[test]
    fn splitter_decodes_in_the_sessions_charset() {
        let auto = Codec::new(&Charset::Auto);
        let out = split_as(&[b"caf\xc3\xa9\r\ncaf", b"\xe9.txt\r\n"], 100, auto.clone());
        assert_eq!(out, ["café", "café.txt"]);
        assert!(auto.learned_not_utf8());
        let sjis = Codec::new(&"shift_jis".parse().unwrap());
        assert_eq!(split_as(&[b"\x93\xfa\x96\x7b\n"], 100, sjis), ["日本"]);
    }

    #[test]
    fn splitter_truncates_long_lines() {
        let long = vec![b'x'; 10_000];
        let out = split(&[b"start\n", &long, &long, b"\r\nnext\n"], 64);
        assert_eq!(
            out,
            ["start".to_string(), "x".repeat(64), "next".to_string()]
        );
        // A cut through a multi-byte char does not leave half of it.
        assert_eq!(split(&["é".repeat(40).as_bytes(), b"\n"], 5), ["éé"]);
        let mut splitter = LineSplitter::new(16, utf8());
        let mut out = Vec::new();
        for _ in 0..1000 {
            splitter.push(&long, &mut out);
        }
        assert!(out.is_empty() && splitter.buf.capacity() <= 64);
    }

    #[test]
    fn splitter_finish_flushes_tail() {
        assert_eq!(split(&[b"a\nlast"], 100), ["a", "last"]);
        assert_eq!(split(&[b"a\n"], 100), ["a"]);
        assert!(split(&[], 100).is_empty());
    }

    #[test]
    fn splitter_million_lines_small_chunks() {
        let data = b"-rw-r--r-- 1 ftp ftp 1024 Nov 21 12:30 file.txt\r\n".repeat(1_000_000);
        let mut splitter = LineSplitter::new(64 * 1024, utf8());
        let (mut out, mut count) = (Vec::new(), 0);
        for chunk in data.chunks(61) {
            splitter.push(chunk, &mut out);
            count += out.len();
            out.clear();
        }
        splitter.finish(&mut out);
        assert_eq!(count + out.len(), 1_000_000);
    }
}
