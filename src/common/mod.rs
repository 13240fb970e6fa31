//! Pure helpers every layer may use (the engine, the sites store and both front ends): URLs,
//! remote path arithmetic and name checks, fingerprints as typed, atomic small-file writes and
//! the config folder. Nothing here does network I/O or knows the engine's types.

pub mod atomic_file;
pub mod config;
pub mod fingerprint;
pub mod local_path;
pub mod paths;
pub mod url;
