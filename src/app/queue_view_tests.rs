//! The queue view's status texts.

use super::*;

#[test]
fn a_verified_transfer_says_with_which_hash() {
    let mut view = QueueView::default();
    let (id, local) = (TransferId(1), PathBuf::from("f"));
    let (direction, remote) = (Direction::Download, "/f".to_string());
    let (size, is_dir, parent) = (Some(3), false, None);
    view.update(
        id,
        TransferState::Queued {
            direction,
            local,
            remote,
            size,
            is_dir,
            parent,
        },
    );
    let elapsed = std::time::Duration::ZERO;
    let verified = Some("SHA-256".to_string());
    view.update(
        id,
        TransferState::Finished {
            bytes: 3,
            elapsed,
            verified,
        },
    );
    assert_eq!(
        status_text(view.row(id).unwrap()),
        "Done, verified (SHA-256)"
    );
}
