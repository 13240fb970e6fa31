//! Ferry: a desktop FTP/FTPS client. The library holds the boundary (`api`), the engine (a worker
//! that owns the FTP sessions), the helpers every layer shares (`common`), the saved sites, and
//! the two front ends (the desktop `app` and the `cli`); the binary picks a front end.
//!
//! Layers, top to bottom: `app`, `cli` → `sites`, `journal` → `engine` (worker, events, driver) → `api`;
//! `common` may be used by all of them. `tests/it/layers.rs` enforces the arrows.

pub mod api;
pub mod app;
pub mod cli;
pub mod common;
#[cfg(feature = "demo")]
pub mod demo;
pub mod engine;
pub mod journal;
pub mod sites;

pub use api::*;
pub use engine::events::EventSink;
pub use engine::worker::{Worker, WorkerConfig};
