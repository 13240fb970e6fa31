//! Ferry's integration tests: one binary, with the in-process server rig in `support`.

mod cli;
mod engine;
mod hostile;
mod interop;
mod journal;
mod layers;
mod matrix;
mod modes;
mod proxy;
mod sites;
mod support;
mod tls;
mod ui;
mod xfer;
