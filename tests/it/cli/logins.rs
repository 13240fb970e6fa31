//! Logins per command line run, counted in the session log (`--log`): one connection's worth of
//! work logs in once (the connection that browsed carries the transfer), and a parallel transfer
//! logs in once per connection it runs on, no more. A change that brings back a separate
//! transfer login fails here.

use super::{ferry, url};
use crate::support::*;

/// How many times the run logged in.
fn logins(run: &Run) -> usize {
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stderr
        .lines()
        .filter(|l| l.starts_with("Command:\tUSER "))
        .count()
}

#[test]
fn the_command_line_logs_in_once_per_connection_it_uses() {
    let server = Server::plain();
    std::fs::write(server.path("one.bin"), pattern(10_000, 1)).unwrap();
    let here = tempfile::tempdir().unwrap();
    let tree = here.path().join("tree");
    for folder in ["a", "b"] {
        std::fs::create_dir_all(tree.join(folder)).unwrap();
        for i in 0..4 {
            let file = tree.join(format!("{folder}/f{i}.bin"));
            std::fs::write(file, pattern(3000, i)).unwrap();
        }
    }
    let one = url(&server, "ftp", "one.bin");
    let get = ferry(&["get", &one, "--log"], here.path(), &[]);
    assert_eq!(logins(&get), 1, "{}", get.stderr);
    let put = ferry(
        &["put", "one.bin", &url(&server, "ftp", "copy.bin"), "--log"],
        here.path(),
        &[],
    );
    assert_eq!(logins(&put), 1, "{}", put.stderr);

    let up = url(&server, "ftp", "up");
    let tree_arg = tree.to_str().unwrap();
    let put_r = ferry(
        &["put", "-r", tree_arg, &up, "--parallel", "3", "--log"],
        here.path(),
        &[],
    );
    assert_eq!(logins(&put_r), 3, "{}", put_r.stderr);
    assert_eq!(std::fs::read_dir(server.path("up/b")).unwrap().count(), 4);

    let back = here.path().join("back");
    let back_arg = back.to_str().unwrap();
    let mirror = ferry(
        &["mirror", &up, back_arg, "--parallel", "2", "--log"],
        here.path(),
        &[],
    );
    assert_eq!(logins(&mirror), 2, "{}", mirror.stderr);
    assert_eq!(std::fs::read_dir(back.join("a")).unwrap().count(), 4);
}
