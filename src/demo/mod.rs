//! The built-in demo: an in-process FTP server on loopback over a temporary folder filled with
//! sample files and folders, so `ferry --demo` shows a working session with nothing set up.

use std::path::{Path, PathBuf};

use crate::api::{Protocol, Secret, Site};
pub mod server;

use server::{LocalServer, LocalServerConfig};

pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo";

/// A running demo server; dropping it stops the server and removes its folder.
pub struct Demo {
    runtime: tokio::runtime::Runtime,
    server: Option<LocalServer>,
    root: PathBuf,
    pub site: Site,
}

impl Demo {
    pub fn start() -> Result<Demo, String> {
        // Unique per process and per demo (tests start several in one process).
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("ferry-demo-{}-{n}", std::process::id()));
        fill(&root)
            .map_err(|e| format!("cannot create the demo folder {}: {e}", root.display()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ferry-demo-server")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let mut config = LocalServerConfig::new(&root, DEMO_USER, DEMO_PASSWORD);
        config.greeting = "Welcome to the Ferry demo server";
        let server = runtime
            .block_on(LocalServer::start(config))
            .map_err(|e| format!("cannot start the demo server: {e}"))?;
        let mut site = Site::new("127.0.0.1", Protocol::Ftp);
        site.port = server.addr().port();
        site.user = DEMO_USER.to_string();
        site.password = Secret::new(DEMO_PASSWORD);
        Ok(Demo {
            runtime,
            server: Some(server),
            root,
            site,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Deterministic bytes that look like a binary file.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

fn fill(root: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(root);
    for dir in [
        "documents",
        "photos/2026 summer",
        "music",
        "website/css",
        "website/img",
        "empty folder",
    ] {
        std::fs::create_dir_all(root.join(dir))?;
    }
    std::fs::write(
        root.join("README.txt"),
        "This is Ferry's demo server, running inside the app on your own machine.\n\
         Browse, download, upload, rename and delete freely: it is a temporary folder\n\
         that disappears when Ferry closes.\n",
    )?;
    std::fs::write(
        root.join("documents/notes.md"),
        "# Notes\n\n- try dragging a file onto the remote pane\n",
    )?;
    std::fs::write(root.join("documents/report 2026.pdf"), noise(180_000, 1))?;
    std::fs::write(
        root.join("documents/budget.csv"),
        "month,amount\njan,120\nfeb,95\n",
    )?;
    for i in 1..=6u32 {
        std::fs::write(
            root.join(format!("photos/2026 summer/IMG_{i:04}.jpg")),
            noise(300_000 + i as usize * 70_000, i),
        )?;
    }
    std::fs::write(root.join("music/theme.ogg"), noise(2_500_000, 40))?;
    std::fs::write(
        root.join("website/index.html"),
        "<!doctype html><title>Demo</title><h1>Hello</h1>\n",
    )?;
    std::fs::write(
        root.join("website/css/site.css"),
        "body { font-family: sans-serif; }\n",
    )?;
    std::fs::write(root.join("website/img/logo.png"), noise(24_000, 50))?;
    std::fs::write(root.join("big download.iso"), noise(64 * 1024 * 1024, 60))?;
    date(root, SAMPLE_DATE);
    Ok(())
}

/// 2026-06-12 14:05 UTC: the sample files look lived-in, and the demo looks the same every run.
const SAMPLE_DATE: u64 = 1_781_273_100;

/// Dates everything under `path` a few hours apart, children first (writing them changes the
/// folder's own date). Dates are cosmetic: a file system that refuses is left as it is.
fn date(path: &Path, seconds: u64) {
    if let Ok(entries) = std::fs::read_dir(path) {
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for (i, child) in children.iter().enumerate() {
            date(child, seconds - 5_400 * (i as u64 + 1));
        }
    }
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.set_modified(when);
    }
}
