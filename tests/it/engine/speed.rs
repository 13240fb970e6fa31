//! Speed limits: a limited download and a limited upload move their bytes at the limit (within
//! ±10 %, measured from the progress the test sees over time), and a limit changed while a
//! transfer runs takes effect at once.

use std::time::{Duration, Instant};

use ferry::*;

use crate::support::*;

const MIB: u64 = 1024 * 1024;

/// Queues `request` and follows it to its end: the (time, bytes done) of each progress event,
/// and how long the transfer said it took. `during` runs at the first progress event.
fn follow(
    rig: &mut Rig,
    request: TransferRequest,
    mut during: impl FnMut(&Rig),
) -> (Vec<(Instant, u64)>, u64, Duration) {
    let id = request.id;
    let session = rig.session();
    rig.send(Command::Enqueue {
        session,
        transfers: vec![request],
    });
    let mut samples = Vec::new();
    loop {
        match rig.next(Duration::from_secs(60)) {
            Event::Transfer { id: got, state, .. } if got == id => match state {
                TransferState::Progress { done, .. } => {
                    if samples.is_empty() {
                        during(rig);
                    }
                    samples.push((Instant::now(), done));
                }
                TransferState::Finished { bytes, elapsed, .. } => return (samples, bytes, elapsed),
                other @ (TransferState::Failed(_) | TransferState::Skipped { .. }) => {
                    panic!("the transfer ended: {other:?}")
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// The rate between the first and the last progress event, in bytes per second.
fn measured(samples: &[(Instant, u64)]) -> f64 {
    let (first, last) = (samples.first().unwrap(), samples.last().unwrap());
    (last.1 - first.1) as f64 / last.0.duration_since(first.0).as_secs_f64()
}

fn limit(rig: &Rig, download: Option<u64>, upload: Option<u64>) {
    rig.send(Command::SetSpeedLimits(SpeedLimits { download, upload }));
}

fn assert_near(what: &str, rate: f64, target: u64) {
    let target = target as f64;
    assert!(
        (target * 0.9..=target * 1.1).contains(&rate),
        "{what}: {:.0} bytes/s against a limit of {target:.0}",
        rate
    );
}

#[test]
fn limited_transfers_keep_to_the_limit_within_ten_percent() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(6 * MIB as usize, 3);
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    limit(&rig, Some(2 * MIB), Some(2 * MIB));

    let up = rig.request(Direction::Upload, &local.path().join("up.bin"), "/up.bin");
    let (samples, bytes, elapsed) = follow(&mut rig, up, |_| {});
    assert_eq!(bytes, 6 * MIB);
    assert_near("upload, progress over time", measured(&samples), 2 * MIB);
    assert_near(
        "upload, whole transfer",
        bytes as f64 / elapsed.as_secs_f64(),
        2 * MIB,
    );

    let down = rig.request(
        Direction::Download,
        &local.path().join("down.bin"),
        "/up.bin",
    );
    let (samples, bytes, elapsed) = follow(&mut rig, down, |_| {});
    assert_eq!(bytes, 6 * MIB);
    assert_near("download, progress over time", measured(&samples), 2 * MIB);
    assert_near(
        "download, whole transfer",
        bytes as f64 / elapsed.as_secs_f64(),
        2 * MIB,
    );
    assert_eq!(sha256_file(&local.path().join("down.bin")), sha256(&data));
}

#[test]
fn a_limit_changed_during_a_transfer_takes_effect_at_once() {
    let server = Server::plain();
    std::fs::write(server.path("big.bin"), pattern(8 * MIB as usize, 5)).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    limit(&rig, Some(MIB), None);
    let down = rig.request(
        Direction::Download,
        &local.path().join("big.bin"),
        "/big.bin",
    );
    // Eight seconds at the first limit; the limit is lifted as soon as bytes flow.
    let (_, bytes, elapsed) = follow(&mut rig, down, |rig| limit(rig, None, None));
    assert_eq!(bytes, 8 * MIB);
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}
