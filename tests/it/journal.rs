//! The transfer queue's journal: what it keeps from the worker's events (never a password),
//! how often it writes, and a real process killed mid-transfer whose queue is processed again.

mod feed;
mod kill;
