//! The FTP protocol below the engine's sessions: the control connection, data connections
//! (a layer above the control connection), reply parsing, TLS, the wire log, listing parsers, proxies and
//! the character set names are read and sent in.

pub(crate) mod charset;
pub(crate) mod control;
pub(crate) mod data;
pub mod listing;
pub(crate) mod proxy;
pub(crate) mod reply;
pub mod tls;
pub mod wirelog;
