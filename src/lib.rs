//! Ferry: a desktop FTP/FTPS client. The library holds the engine (a worker that owns the FTP
//! sessions) and its boundary; the binary puts a command line and a desktop app on top.

pub mod api;
pub mod app;
mod atomic_file;
pub mod cli;
mod control;
mod data;
pub mod demo;
pub mod error;
pub mod events;
pub mod listing;
pub mod localserver;
mod ops;
pub mod paths;
mod prompts;
mod queue;
mod reply;
mod session;
pub mod sites;
pub mod tls;
mod transfer;
pub mod url;
pub mod wirelog;
pub mod worker;

pub use api::*;
pub use events::EventSink;
pub use worker::{Worker, WorkerConfig};
