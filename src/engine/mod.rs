//! The engine: a worker thread that owns every FTP session. Front ends reach it only through
//! [`worker::Worker`] (send a `Command`), [`events::EventSink`] (receive `Event`s) and the blocking
//! [`driver`]; everything below them (sessions, the queue, operations, transfers and the FTP
//! protocol in [`ftp`]) is private to the engine.

mod connection;
pub mod driver;
pub mod error;
pub mod events;
pub(crate) mod ftp;
mod idle;
mod ops;
mod prompts;
mod queue;
mod session;
mod transfer;
pub mod worker;
