//! A scripted FTP server for the cases a real server will not produce: hostile replies, a PASV
//! that points elsewhere, endless lines, silence, trickling data. It speaks just enough FTP for
//! Ferry to log in, list and download, and records every command it receives. With
//! [`Script::files`] and MLST/SIZE off it is a LIST-only server that serves files by the exact
//! name RETR gives.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How the fake server misbehaves.
#[derive(Clone)]
pub struct Script {
    pub greeting: String,
    /// The address PASV announces (the data listener is on 127.0.0.1 whatever it says).
    pub pasv_ip: [u8; 4],
    /// Answer EPSV (else refuse it with `502 not implemented`).
    pub epsv: bool,
    /// Offer MLST in FEAT (listings via MLSD), else LIST.
    pub mlst: bool,
    /// What a listing sends over the data connection.
    pub listing: Arc<dyn Fn() -> Vec<u8> + Send + Sync>,
    /// The one remote file, whatever its path: RETR sends it, SIZE measures it, STOR replaces
    /// it and APPE appends to it.
    pub file: Arc<Vec<u8>>,
    /// Offer REST STREAM in FEAT (else resumed uploads must use APPE).
    pub rest_stream: bool,
    /// Offer SIZE in FEAT.
    pub size_feat: bool,
    /// Answer SIZE (else refuse it with `502 not implemented`).
    pub size_works: bool,
    /// Refuse `LIST` with arguments (`LIST -a`) like servers that take `-a` for a file name.
    pub refuse_list_args: bool,
    /// Accept AUTH TLS, then never answer again (a TLS handshake that never ends).
    pub hang_after_auth: bool,
    /// Passive replies announce a port nobody listens on (a firewall that refuses it).
    pub passive_dead: bool,
    /// Refuse PORT and EPRT with `port_refusal`.
    pub refuse_port: bool,
    /// The reply refusing PORT and EPRT.
    pub port_refusal: &'static str,
    /// Active mode: connect to this address instead of the announced one (a router
    /// translating the announced public address back to the client).
    pub port_connect_to: Option<std::net::IpAddr>,
    /// Active mode: connect from this local address (a third party, not the server).
    pub connect_from: Option<std::net::IpAddr>,
    /// Active mode: never connect back and never say so (a router dropping the attempt).
    pub active_silent: bool,
    /// Active mode: connect, send everything and close before sending `150` and `226`
    /// together (a fast server on a fast network).
    pub eager: bool,
    /// After this many data connections (counted in `data_connections`, over all control
    /// connections), passive and active swap: passive is dead before and works after, active
    /// works before and is silent after.
    pub swap_modes_after: Option<usize>,
    pub data_connections: Arc<std::sync::atomic::AtomicUsize>,
    /// Send the file (and listings) in pieces of this size with this pause between them.
    pub trickle: Option<(usize, Duration)>,
    /// Never answer this command verb.
    pub silent_on: Option<String>,
    /// Answer this command verb with a line that never ends.
    pub endless_on: Option<String>,
    /// Answer this command verb with a multi-line reply that never ends.
    pub endless_multiline_on: Option<String>,
    /// At most this many control connections at once; more are greeted with `421` and closed
    /// (a shared host's per-address limit).
    pub max_connections: Option<usize>,
    /// STOR and APPE take the data connection and never read from it (a server whose disk
    /// stalls): the upload fills the socket and then waits.
    pub stor_stalls: bool,
    /// Files by the exact path RETR (and SIZE) must name; when there are any, `file` is not
    /// served and any other path gets `550` (a server that only finds what it listed).
    pub files: Arc<Vec<(String, Vec<u8>)>>,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            greeting: "220 fake server ready".to_string(),
            pasv_ip: [127, 0, 0, 1],
            epsv: true,
            mlst: true,
            listing: Arc::new(Vec::new),
            file: Arc::new(Vec::new()),
            rest_stream: true,
            size_feat: true,
            size_works: true,
            refuse_list_args: false,
            hang_after_auth: false,
            passive_dead: false,
            refuse_port: false,
            port_refusal: "500 Illegal PORT command.",
            port_connect_to: None,
            connect_from: None,
            active_silent: false,
            eager: false,
            trickle: None,
            swap_modes_after: None,
            data_connections: Arc::default(),
            silent_on: None,
            endless_on: None,
            endless_multiline_on: None,
            max_connections: None,
            files: Arc::default(),
            stor_stalls: false,
        }
    }
}

pub struct FakeServer {
    pub addr: SocketAddr,
    /// Every command line received, in order, over all connections.
    pub commands: Arc<Mutex<Vec<String>>>,
    /// The remote file as it is now.
    pub file: Arc<Mutex<Vec<u8>>>,
    /// Control connections open now.
    pub open: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    pub async fn start(script: Script) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let commands = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&commands);
        let file = Arc::new(Mutex::new(script.file.to_vec()));
        let stored = Arc::clone(&file);
        let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let open_now = Arc::clone(&open);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let busy = open.load(std::sync::atomic::Ordering::SeqCst);
                if script.max_connections.is_some_and(|max| busy >= max) {
                    log.lock().unwrap().push("(refused: 421)".to_string());
                    let _ = socket
                        .write_all(b"421 Too many connections from the same IP address.\r\n")
                        .await;
                    continue;
                }
                open.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let script = script.clone();
                let log = Arc::clone(&log);
                let file = Arc::clone(&stored);
                let open = Arc::clone(&open);
                tokio::spawn(async move {
                    let session = serve(socket, script, log, file);
                    let _ = tokio::time::timeout(Duration::from_secs(120), session).await;
                    open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                });
            }
        });
        FakeServer {
            addr,
            commands,
            file,
            open: open_now,
            task,
        }
    }

    /// A passive-mode site for this server (user `user`, password `pw`), every step bounded by
    /// `timeout_secs`.
    pub fn site(&self, timeout_secs: u64) -> ferry::Site {
        let mut site = ferry::Site::new("127.0.0.1", ferry::Protocol::Ftp);
        site.port = self.addr.port();
        site.user = "user".to_string();
        site.password = ferry::Secret::new("pw");
        site.timeouts = super::short_timeouts(timeout_secs);
        site.mode = ferry::DataMode::Passive;
        site
    }

    pub fn received(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until every control connection has closed on the server's side.
    pub fn wait_all_closed(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.open.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "connections still open after 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Script {
    /// Whether the modes are swapped now (see [`Script::swap_modes_after`]).
    fn swapped(&self) -> Option<bool> {
        let made = self
            .data_connections
            .load(std::sync::atomic::Ordering::SeqCst);
        self.swap_modes_after.map(|after| made >= after)
    }

    fn passive_dead(&self) -> bool {
        self.passive_dead || self.swapped() == Some(false)
    }

    fn active_silent(&self) -> bool {
        self.active_silent || self.swapped() == Some(true)
    }
}

/// How the next data connection is made.
enum Plan {
    Passive(TcpListener),
    /// Connect to this address (PORT/EPRT).
    Active(SocketAddr),
}

/// Makes the data connection the last PASV/EPSV/PORT/EPRT asked for.
async fn open(plan: Plan, script: &Script) -> Option<TcpStream> {
    let stream = connect(plan, script).await;
    if stream.is_some() {
        script
            .data_connections
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    stream
}

async fn connect(plan: Plan, script: &Script) -> Option<TcpStream> {
    let wait = Duration::from_secs(10);
    match plan {
        Plan::Passive(listener) => match tokio::time::timeout(wait, listener.accept()).await {
            Ok(Ok((data, _))) => Some(data),
            _ => None,
        },
        Plan::Active(_) if script.active_silent() => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            None
        }
        Plan::Active(mut target) => {
            if let Some(ip) = script.port_connect_to {
                target.set_ip(ip);
            }
            let socket = tokio::net::TcpSocket::new_v4().ok()?;
            if let Some(from) = script.connect_from {
                socket.bind(SocketAddr::new(from, 0)).ok()?;
            }
            tokio::time::timeout(wait, socket.connect(target))
                .await
                .ok()?
                .ok()
        }
    }
}

/// The listener for a passive reply: on the announced address when it is a loopback one.
async fn passive_listener(script: &Script) -> (Option<TcpListener>, u16) {
    let ip = if script.pasv_ip[0] == 127 {
        script.pasv_ip
    } else {
        [127, 0, 0, 1]
    };
    let listener = TcpListener::bind(SocketAddr::from((ip, 0))).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    if script.passive_dead() {
        (None, port)
    } else {
        (Some(listener), port)
    }
}

/// The address in `PORT h1,h2,h3,h4,p1,p2` or `EPRT |1|ip|port|`.
fn active_target(verb: &str, argument: &str) -> Option<SocketAddr> {
    if verb == "PORT" {
        let n: Vec<u16> = argument
            .split(',')
            .map(|x| x.trim().parse().ok())
            .collect::<Option<_>>()?;
        let [a, b, c, d, p1, p2] = n[..] else {
            return None;
        };
        let ip = std::net::Ipv4Addr::new(a as u8, b as u8, c as u8, d as u8);
        return Some(SocketAddr::new(ip.into(), p1 * 256 + p2));
    }
    let fields: Vec<&str> = argument.split('|').collect();
    Some(SocketAddr::new(
        fields.get(2)?.parse().ok()?,
        fields.get(3)?.parse().ok()?,
    ))
}

async fn send_data(mut data: TcpStream, bytes: &[u8], trickle: Option<(usize, Duration)>) {
    match trickle {
        Some((size, pause)) => {
            for chunk in bytes.chunks(size.max(1)) {
                if data.write_all(chunk).await.is_err() {
                    return;
                }
                tokio::time::sleep(pause).await;
            }
        }
        None => {
            let _ = data.write_all(bytes).await;
        }
    }
    let _ = data.shutdown().await;
}

/// The file of [`Script::files`] the command line's argument names exactly.
fn named_file<'a>(script: &'a Script, line: &str) -> Option<&'a [u8]> {
    let (verb, path) = line.split_once(' ')?;
    if !matches!(verb.to_ascii_uppercase().as_str(), "RETR" | "SIZE") {
        return None;
    }
    script
        .files
        .iter()
        .find(|(name, _)| name == path)
        .map(|(_, bytes)| bytes.as_slice())
}

async fn serve(
    socket: TcpStream,
    script: Script,
    log: Arc<Mutex<Vec<String>>>,
    file: Arc<Mutex<Vec<u8>>>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut plan: Option<Plan> = None;
    // A data connection `stor_stalls` holds without reading, until the connection ends.
    let mut _stalled = None;
    // The offset of a `REST` for the next RETR.
    let mut rest = 0usize;
    let _ = write
        .write_all(format!("{}\r\n", script.greeting).as_bytes())
        .await;
    if !script.greeting.starts_with("220") {
        return;
    }
    loop {
        let mut line = String::new();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        // Only the line ending goes: a name may end with a space.
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        log.lock().unwrap().push(line.clone());
        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        if script.silent_on.as_deref() == Some(verb.as_str()) {
            continue;
        }
        if script.endless_on.as_deref() == Some(verb.as_str()) {
            let _ = write.write_all(b"200 ").await;
            let junk = vec![b'a'; 64 * 1024];
            while write.write_all(&junk).await.is_ok() {}
            return;
        }
        if script.endless_multiline_on.as_deref() == Some(verb.as_str()) {
            let _ = write.write_all(b"200-start\r\n").await;
            while write.write_all(b" more\r\n").await.is_ok() {}
            return;
        }
        let reply: String = match verb.as_str() {
            "USER" => "331 password please".into(),
            "PASS" => "230 logged in".into(),
            "FEAT" => {
                let mlst = if script.mlst {
                    " MLST type*;size*;modify*;\r\n"
                } else {
                    ""
                };
                let rest = if script.rest_stream {
                    " REST STREAM\r\n"
                } else {
                    ""
                };
                let size = if script.size_feat { " SIZE\r\n" } else { "" };
                format!("211-Features:\r\n{mlst}{rest}{size} UTF8\r\n211 End")
            }
            "OPTS" | "TYPE" | "NOOP" => "200 ok".into(),
            "PWD" => "257 \"/\" is the current directory".into(),
            "CWD" => "250 ok".into(),
            "SIZE" if script.size_works && !script.files.is_empty() => {
                match named_file(&script, &line) {
                    Some(bytes) => format!("213 {}", bytes.len()),
                    None => "550 no such file".into(),
                }
            }
            "SIZE" if script.size_works => format!("213 {}", file.lock().unwrap().len()),
            "RETR" if !script.files.is_empty() && named_file(&script, &line).is_none() => {
                plan = None;
                "550 no such file".into()
            }
            "AUTH" if script.hang_after_auth => {
                let _ = write.write_all(b"234 go ahead\r\n").await;
                tokio::time::sleep(Duration::from_secs(60)).await;
                return;
            }
            "LIST" if script.refuse_list_args && line.len() > 4 => "550 -a: no such file".into(),
            "STOR" | "APPE" => {
                let Some(how) = plan.take() else {
                    let _ = write.write_all(b"425 use PASV or PORT first\r\n").await;
                    continue;
                };
                let _ = write.write_all(b"150 send it\r\n").await;
                let Some(mut data) = open(how, &script).await else {
                    let _ = write.write_all(b"425 no data connection\r\n").await;
                    continue;
                };
                if script.stor_stalls {
                    _stalled = Some(data);
                    continue;
                }
                let mut received = Vec::new();
                let _ = data.read_to_end(&mut received).await;
                let mut file = file.lock().unwrap();
                if verb == "STOR" {
                    file.clear();
                }
                file.extend_from_slice(&received);
                "226 stored".into()
            }
            "EPSV" if script.epsv => {
                let (listener, port) = passive_listener(&script).await;
                plan = listener.map(Plan::Passive);
                format!("229 Entering Extended Passive Mode (|||{port}|)")
            }
            "PORT" | "EPRT" if script.refuse_port => script.port_refusal.into(),
            "PORT" | "EPRT" => match active_target(&verb, line.get(5..).unwrap_or("")) {
                Some(target) => {
                    plan = Some(Plan::Active(target));
                    "200 PORT command successful".into()
                }
                None => "501 bad address".into(),
            },
            "PASV" => {
                let (listener, port) = passive_listener(&script).await;
                plan = listener.map(Plan::Passive);
                let [a, b, c, d] = script.pasv_ip;
                format!(
                    "227 Entering Passive Mode ({a},{b},{c},{d},{},{})",
                    port / 256,
                    port % 256
                )
            }
            "MLSD" | "LIST" | "RETR" => {
                let Some(how) = plan.take() else {
                    let _ = write.write_all(b"425 use PASV or PORT first\r\n").await;
                    continue;
                };
                let bytes = if let Some(named) = named_file(&script, &line) {
                    named.to_vec()
                } else if verb == "RETR" {
                    file.lock().unwrap().clone()
                } else {
                    (script.listing)()
                };
                let from = std::mem::take(&mut rest).min(bytes.len());
                let bytes = if verb == "RETR" {
                    bytes[from..].to_vec()
                } else {
                    bytes
                };
                let eager = script.eager && matches!(how, Plan::Active(_));
                if !eager {
                    let _ = write.write_all(b"150 opening data connection\r\n").await;
                }
                let Some(data) = open(how, &script).await else {
                    let _ = write.write_all(b"425 no data connection\r\n").await;
                    continue;
                };
                send_data(data, &bytes, script.trickle).await;
                if eager {
                    // Everything done before the client even saw the 150.
                    let _ = write
                        .write_all(b"150 here it comes\r\n226 all sent\r\n")
                        .await;
                    continue;
                }
                "226 transfer complete".into()
            }
            "REST" => {
                rest = line
                    .get(5..)
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(0);
                "350 restarting".into()
            }
            "ABOR" => "226 aborted".into(),
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => "502 not implemented".into(),
        };
        if write
            .write_all(format!("{reply}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}
