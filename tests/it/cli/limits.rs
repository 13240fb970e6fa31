//! `--limit-rate` and `--proxy` on the command line: a limited download takes as long as the
//! limit says, a bad rate is a usage error, and a proxy that does not answer is named in the
//! one-line error (nothing connects around it).

use std::time::Instant;

use super::{ferry, url};
use crate::support::*;

#[test]
fn limit_rate_slows_a_download_to_the_rate() {
    let server = Server::plain();
    let data = pattern(3 * 1024 * 1024, 4);
    std::fs::write(server.path("big.bin"), &data).unwrap();
    let here = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let run = ferry(
        &["get", &url(&server, "ftp", "big.bin"), "--limit-rate", "1M"],
        here.path(),
        &[],
    );
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sha256_file(&here.path().join("big.bin")), sha256(&data));
    // Three seconds of bytes at 1 MiB/s, and the connection around them.
    assert!((2.7..8.0).contains(&secs), "{secs} s");
}

#[test]
fn a_bad_rate_is_a_usage_error_and_a_dead_proxy_is_named() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(
        &["ls", &url(&server, "ftp", ""), "--limit-rate", "2X"],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not a rate"), "{}", run.stderr);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("socks5://{}", dead.local_addr().unwrap());
    drop(dead);
    let run = ferry(
        &["ls", &url(&server, "ftp", ""), "--proxy", &proxy],
        here.path(),
        &[],
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("through the proxy"), "{}", run.stderr);
}
