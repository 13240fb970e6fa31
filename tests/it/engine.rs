//! Command → Event transcripts through the engine's driver against the in-process server (and,
//! where a real server will not misbehave, the scripted one): login, listings, transfers,
//! file-exists policies and operations.

mod charset;
mod exists;
mod keepalive;
mod limits;
mod list_only;
mod listing;
mod login;
mod ops;
mod requests;
mod rounds;
mod search;
mod segments;
mod speed;
mod transfers;
mod trust;
