//! One connection as the engine holds it: the control connection and, beside it, the state of
//! its data connections ([`DataChannel`], the layer above the control connection). Sessions and
//! queues own these; operations and transfers borrow them.

use std::sync::Arc;

use crate::api::{Entry, ServerType, Site, TransferOptions};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::DataChannel;
use crate::engine::transfer::Throttle;

/// A folder and the entries its listing showed, kept for a server that cannot say whether a
/// file exists (no usable SIZE, no MLST): what uploads into that folder go by.
pub type Listed = Option<(String, Vec<Entry>)>;

pub struct Connection {
    pub ctl: Control,
    pub data: DataChannel,
    /// The folder listing transfers on this connection go by (see [`Listed`]).
    pub listed: Listed,
    /// How the site's LIST replies are read.
    pub listing: ListingStyle,
    /// What the site asks of each file transfer (verify, times, type).
    pub transfer: TransferOptions,
    /// The worker's speed limits, which transfers on this connection keep to.
    pub throttle: Arc<Throttle>,
}

/// The site's settings for reading LIST replies: the forced server type and the timezone
/// offset (minutes added to LIST times; MLSD, MLST and MDTM times are UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListingStyle {
    pub server_type: ServerType,
    pub timezone_offset: i32,
}

impl ListingStyle {
    pub fn of(site: &Site) -> Self {
        ListingStyle {
            server_type: site.server_type,
            timezone_offset: site.timezone_offset,
        }
    }
}

impl Connection {
    pub fn is_broken(&self) -> bool {
        self.ctl.is_broken()
    }
}
