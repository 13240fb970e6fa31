//! Proxies against a real one: `pproxy` (PyPI, in the interop venv) serving SOCKS5 (with and
//! without a password) and HTTP CONNECT. The FTP server (pyftpdlib) listens on the loopback of a
//! network namespace the test creates; the proxy runs in that namespace too and is the only way
//! in (its address on a veth pair), so a connection that went around the proxy could not reach
//! the server at all. Listing, upload and download go through it in passive mode; active mode is
//! refused with the reason. Ignored by default (root, `ip netns`, the venv): `tests/interop/run.sh`
//! runs them (their names contain `interop`).

use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use ferry::*;

use crate::support::*;

const VENV_PYTHON: &str = "/var/cache/ferry-interop/venv/bin/python3";

/// A minimal pyftpdlib server on the namespace's loopback (plain FTP, passive ports 30000-30100).
const SERVER: &str = r#"
import os, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
a = DummyAuthorizer()
a.add_user("ferry", "secret", sys.argv[1], perm="elradfmwMT")
FTPHandler.authorizer = a
FTPHandler.passive_ports = list(range(30000, 30101))
FTPServer(("127.0.0.1", int(sys.argv[2])), FTPHandler).serve_forever()
"#;

/// A namespace with the FTP server and the proxy in it; removed on drop.
struct Lab {
    ns: String,
    /// The FTP server's port: one free on the host's loopback too, so a direct connection
    /// finds nothing there.
    port: u16,
    /// The proxy's address, the namespace's end of the veth pair.
    addr: String,
    children: Vec<Child>,
    root: tempfile::TempDir,
    proxy_log: std::path::PathBuf,
}

fn ip(args: &[&str]) {
    let status = Process::new("ip").args(args).status().expect("ip");
    assert!(status.success(), "ip {args:?} failed");
}

impl Lab {
    /// `net` picks the /30 (one per test, tests run in parallel); `listen` are pproxy's `-l`
    /// URLs without the address, e.g. `socks5://{}:1080#user:pass`.
    fn start(net: u8, listen: &[&str]) -> Lab {
        let pid = std::process::id();
        let ns = format!("ferry-px-{pid}-{net}");
        let (host_if, ns_if) = (format!("fpx{net}h{}", pid % 10000), format!("fpx{net}n"));
        let (host_addr, addr) = (format!("10.231.{net}.1"), format!("10.231.{net}.2"));
        ip(&["netns", "add", &ns]);
        let root = tempfile::tempdir().unwrap();
        let proxy_log = root.path().join("pproxy.log");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut lab = Lab {
            port,
            ns: ns.clone(),
            addr: addr.clone(),
            children: Vec::new(),
            root,
            proxy_log,
        };
        ip(&[
            "link", "add", &host_if, "type", "veth", "peer", "name", &ns_if, "netns", &ns,
        ]);
        ip(&["addr", "add", &format!("{host_addr}/30"), "dev", &host_if]);
        ip(&["link", "set", &host_if, "up"]);
        ip(&[
            "-n",
            &ns,
            "addr",
            "add",
            &format!("{addr}/30"),
            "dev",
            &ns_if,
        ]);
        ip(&["-n", &ns, "link", "set", &ns_if, "up"]);
        ip(&["-n", &ns, "link", "set", "lo", "up"]);
        let files = lab.root.path().join("files");
        std::fs::create_dir(&files).unwrap();
        let port = port.to_string();
        let server = lab.spawn(&["-c", SERVER, files.to_str().unwrap(), &port], None);
        lab.children.push(server);
        let mut args = vec!["-m".to_string(), "pproxy".to_string(), "-v".to_string()];
        for url in listen {
            args.push("-l".to_string());
            args.push(url.replace("{}", &addr));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let log = std::fs::File::create(&lab.proxy_log).unwrap();
        let proxy = lab.spawn(&args, Some(log));
        lab.children.push(proxy);
        lab.wait_until_listening(&port);
        lab
    }

    fn spawn(&self, args: &[&str], log: Option<std::fs::File>) -> Child {
        let mut cmd = Process::new("ip");
        cmd.args(["netns", "exec", &self.ns, VENV_PYTHON])
            .args(args);
        cmd.stdin(Stdio::null());
        match log {
            Some(file) => cmd.stdout(file.try_clone().unwrap()).stderr(file),
            None => cmd.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        cmd.spawn().expect("starting a process in the namespace")
    }

    /// Waits until the server listens inside the namespace (and gives pproxy the same time).
    fn wait_until_listening(&self, port: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = Process::new("ip")
                .args(["netns", "exec", &self.ns, "ss", "-ltn"])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            if text.contains(&format!("127.0.0.1:{port}")) && text.matches("LISTEN").count() >= 2 {
                return;
            }
            assert!(Instant::now() < deadline, "the lab did not start: {text}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn files(&self) -> std::path::PathBuf {
        self.root.path().join("files")
    }

    /// The site as Ferry sees it: the namespace's loopback, reachable only through the proxy.
    fn site(&self, proxy: &str) -> Site {
        let mut site = Site::new("127.0.0.1", Protocol::Ftp);
        site.port = self.port;
        site.user = "ferry".to_string();
        site.password = Secret::new("secret");
        site.mode = DataMode::Passive;
        site.timeouts = short_timeouts(5);
        site.on_exists = ExistsPolicy::Overwrite;
        site.proxy = Some(proxy.replace("{}", &self.addr).parse().unwrap());
        site
    }

    fn proxy_log(&self) -> String {
        std::fs::read_to_string(&self.proxy_log).unwrap_or_default()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Process::new("ip").args(["netns", "del", &self.ns]).status();
    }
}

/// Browses, uploads and downloads through `proxy`; the file comes back byte for byte.
fn round_trip(lab: &Lab, proxy: &str) -> Rig {
    let mut rig = Rig::new();
    rig.connect(lab.site(proxy)).unwrap();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(3 * 1024 * 1024 + 5, 11);
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    rig.transfer_ok(rig.request(Direction::Upload, &local.path().join("up.bin"), "/up.bin"));
    assert_eq!(sha256_file(&lab.files().join("up.bin")), sha256(&data));
    let names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"up.bin".to_string()), "{names:?}");
    let back = local.path().join("back.bin");
    rig.transfer_ok(rig.request(Direction::Download, &back, "/up.bin"));
    assert_eq!(sha256_file(&back), sha256(&data));
    assert!(rig.has_log(LogKind::Status, "through the proxy"));
    rig
}

/// Without the proxy the server cannot be reached at all: nothing can go around it.
fn unreachable_directly(lab: &Lab) {
    let mut site = lab.site("http://{}:1");
    site.proxy = None;
    let mut rig = Rig::new();
    let error = rig
        .connect(site)
        .expect_err("the server is only reachable through the proxy");
    assert_eq!(error.kind, ErrorKind::Connect, "{error:?}");
}

#[test]
#[ignore = "needs root, ip netns and pproxy in the interop venv: tests/interop/run.sh"]
fn interop_proxy_socks5_with_and_without_a_password() {
    let lab = Lab::start(1, &["socks5://{}:1080", "socks5://{}:1081#alice:wonder"]);
    unreachable_directly(&lab);
    round_trip(&lab, "socks5://{}:1080");
    // A wrong password is refused by the proxy, as a connection error naming it (first:
    // pproxy lets an address in without asking again once it gave the right one).
    let mut rig = Rig::new();
    let error = rig
        .connect(lab.site("socks5://alice:nope@{}:1081"))
        .expect_err("a wrong proxy password");
    assert!(error.message.contains("through the proxy"), "{error:?}");
    round_trip(&lab, "socks5://alice:wonder@{}:1081");
    // pproxy saw the control connection and every data connection (3 transfers, 3 + 3 lines).
    let log = lab.proxy_log();
    let tunnels = log.lines().filter(|l| l.contains("127.0.0.1:")).count();
    assert!(tunnels >= 8, "pproxy's log: {log}");
}

#[test]
#[ignore = "needs root, ip netns and pproxy in the interop venv: tests/interop/run.sh"]
fn interop_proxy_http_connect_and_active_mode_refused() {
    let lab = Lab::start(2, &["http://{}:8080"]);
    unreachable_directly(&lab);
    let mut rig = round_trip(&lab, "http://{}:8080");
    rig.disconnect();
    // Active mode through a proxy: refused, with the reason.
    let mut site = lab.site("http://{}:8080");
    site.mode = DataMode::Active;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let error = rig.run(Operation::List(Some("/".to_string()))).unwrap_err();
    assert!(
        error
            .message
            .contains("active mode cannot work through a proxy"),
        "{error:?}"
    );
}
