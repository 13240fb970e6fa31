//! One connection as the engine holds it: the control connection and, beside it, the state of
//! its data connections ([`DataChannel`], the layer above the control connection). Sessions and
//! queues own these; operations and transfers borrow them.

use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::DataChannel;

pub struct Connection {
    pub ctl: Control,
    pub data: DataChannel,
}

impl Connection {
    pub fn is_broken(&self) -> bool {
        self.ctl.is_broken()
    }
}
