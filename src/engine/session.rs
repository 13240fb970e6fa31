//! A browsing session: one task, one control connection, one operation at a time, in order.
//! It connects (asking about untrusted certificates), runs operations, keeps the connection
//! alive with NOOP when asked to, cancels on request, and reconnects transparently when the
//! connection was lost or fell out of step.

use std::collections::VecDeque;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use std::borrow::Cow;

use crate::api::{
    Answer, CertAnswer, Event, Operation, Prompt, RequestId, Secret, SessionId, Site,
};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::events::EventSink;
use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::{DataPolicy, Way};
use crate::engine::ftp::tls::SiteTrust;
use crate::engine::ftp::wirelog::LogCtx;
use crate::engine::ops;
use crate::engine::prompts::Prompter;

/// How many times one connection attempt may come back for a newly trusted certificate.
const MAX_CERT_ROUNDS: usize = 3;

/// What a session and its transfer queue share.
pub struct SessionCtx {
    pub id: SessionId,
    pub site: Site,
    pub trust: Arc<SiteTrust>,
    pub prompts: Prompter,
    pub events: EventSink,
    pub ids: Arc<AtomicU64>,
    /// The browsing connection's working directory, for resolving relative transfer paths.
    pub cwd: Mutex<String>,
    /// What auto mode found to work, for every connection of the session.
    pub learned_way: Arc<Mutex<Option<Way>>>,
    /// The password the user typed for an "ask for password" site; parallel connections wait
    /// for one question instead of asking each.
    pub asked_password: tokio::sync::Mutex<Option<Secret>>,
}

impl SessionCtx {
    pub fn log(&self, connection: u32) -> LogCtx {
        LogCtx::new(self.id, connection, self.events.clone())
    }

    pub fn cwd(&self) -> String {
        self.cwd.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_cwd(&self, cwd: &str) {
        *self.cwd.lock().unwrap_or_else(|e| e.into_inner()) = cwd.to_string();
    }

    /// Opens a connection for this site, asking the user about a certificate the platform does
    /// not trust. Parallel connections ask once: the others wait and see the answer.
    pub async fn connect(&self, log: &LogCtx) -> EngineResult<Control> {
        let mut rounds = 0;
        loop {
            let site = self.logon_site().await?;
            let data = DataPolicy::new(&site, Arc::clone(&self.learned_way));
            let error = match Control::connect(&site, &self.trust, data, log).await {
                Err(EngineError::Untrusted(info)) => info,
                Err(error @ EngineError::Login(_)) => {
                    if self.site.ask_password {
                        // A wrong password is asked again on the next attempt.
                        *self.asked_password.lock().await = None;
                    }
                    return Err(error);
                }
                other => return other,
            };
            rounds += 1;
            let _asking = self.trust.asking.lock().await;
            if self.trust.is_accepted(&error.fingerprint) && rounds < MAX_CERT_ROUNDS {
                continue;
            }
            if rounds >= MAX_CERT_ROUNDS {
                return Err(EngineError::Untrusted(error));
            }
            log.status(format!(
                "The server's certificate is not trusted: {}",
                error.reason
            ));
            let answer = self
                .prompts
                .ask(self.id, Prompt::Certificate((*error).clone()))
                .await;
            match answer {
                Some(Answer::Certificate(CertAnswer::TrustOnce)) => {
                    self.trust.trust_once(&error.fingerprint);
                }
                Some(Answer::Certificate(CertAnswer::TrustAlways)) => {
                    if let Err(e) = self.trust.trust_always(&error.fingerprint) {
                        log.error(format!(
                            "Could not save the trusted certificate ({e}); it is trusted for this session only"
                        ));
                    }
                }
                _ => return Err(EngineError::Untrusted(error)),
            }
            log.status(format!("Trusting certificate {}", error.fingerprint));
        }
    }
}

impl SessionCtx {
    /// The site with the password to log on with: asked from the user once per session for
    /// an "ask for password" site.
    async fn logon_site(&self) -> EngineResult<Cow<'_, Site>> {
        if !self.site.ask_password {
            return Ok(Cow::Borrowed(&self.site));
        }
        let mut known = self.asked_password.lock().await;
        let password = match &*known {
            Some(password) => password.clone(),
            None => {
                let prompt = Prompt::Password {
                    host: self.site.host.clone(),
                    user: self.site.user.clone(),
                };
                match self.prompts.ask(self.id, prompt).await {
                    Some(Answer::Password(Some(password))) => {
                        *known = Some(password.clone());
                        password
                    }
                    _ => {
                        return Err(EngineError::Invalid(format!(
                            "no password was given for {}@{}",
                            self.site.user, self.site.host
                        )));
                    }
                }
            }
        };
        let mut site = self.site.clone();
        site.password = password;
        Ok(Cow::Owned(site))
    }
}

/// What the worker sends a browsing session.
pub enum SessionMsg {
    Run(RequestId, Operation),
    Cancel,
    Disconnect,
}

/// Runs a browsing session until it is told to disconnect or cannot connect.
pub async fn run(ctx: Arc<SessionCtx>, rx: mpsc::UnboundedReceiver<SessionMsg>) {
    let log = ctx.log(0);
    log.clone().scope(serve(ctx, rx, log)).await;
}

async fn serve(ctx: Arc<SessionCtx>, mut rx: mpsc::UnboundedReceiver<SessionMsg>, log: LogCtx) {
    let conn = match ctx.connect(&log).await {
        Ok(conn) => conn,
        Err(error) => {
            log.error(error.to_string());
            ctx.events.send(Event::SessionClosed {
                session: ctx.id,
                error: Some(error.report()),
            });
            return;
        }
    };
    ctx.set_cwd(&conn.cwd);
    ctx.events.send(Event::Connected {
        session: ctx.id,
        info: conn.info(),
    });
    let mut conn = Some(conn);
    let mut backlog: VecDeque<SessionMsg> = VecDeque::new();
    let mut last_activity = Instant::now();
    loop {
        let msg = match backlog.pop_front() {
            Some(msg) => msg,
            None => match ctx.site.keepalive {
                Some(every) => tokio::select! {
                    msg = rx.recv() => msg.unwrap_or(SessionMsg::Disconnect),
                    _ = sleep_until(last_activity + every) => {
                        last_activity = Instant::now();
                        if let Some(c) = conn.as_mut().filter(|c| !c.is_broken())
                            && let Err(e) = c.expect_ok("NOOP").await
                        {
                            log.error(format!("Keep-alive failed: {e}"));
                        }
                        continue;
                    }
                },
                None => rx.recv().await.unwrap_or(SessionMsg::Disconnect),
            },
        };
        let (request, op) = match msg {
            SessionMsg::Disconnect => break,
            // Nothing is running: a late cancel has nothing to stop.
            SessionMsg::Cancel => continue,
            SessionMsg::Run(request, op) => (request, op),
        };
        let ctl = match usable(&ctx, &log, conn.take()).await {
            Ok(ctl) => conn.insert(ctl),
            Err(error) => {
                finish(&ctx, &log, request, Err(error));
                continue;
            }
        };
        let outcome = {
            let fut = execute(&ctx, ctl, request, &op);
            tokio::pin!(fut);
            let mut stop = None;
            loop {
                tokio::select! {
                    result = &mut fut => break Some(result),
                    msg = rx.recv() => match msg {
                        Some(SessionMsg::Run(request, op)) => {
                            backlog.push_back(SessionMsg::Run(request, op));
                        }
                        Some(SessionMsg::Cancel) => break None,
                        Some(SessionMsg::Disconnect) | None => {
                            stop = Some(());
                            break None;
                        }
                    },
                }
            }
            .ok_or(stop)
        };
        last_activity = Instant::now();
        match outcome {
            Ok(result) => {
                if let Some(ctl) = conn.as_ref() {
                    ctx.set_cwd(&ctl.cwd);
                }
                finish(&ctx, &log, request, result);
            }
            Err(stop) => {
                if let Some(ctl) = conn.as_mut() {
                    ctl.abort(None).await;
                }
                log.error("Operation cancelled");
                finish(&ctx, &log, request, Err(EngineError::Cancelled));
                if stop.is_some() {
                    break;
                }
            }
        }
    }
    if let Some(ctl) = conn.take() {
        ctl.quit().await;
    }
    log.status("Disconnected from server");
    ctx.events.send(Event::SessionClosed {
        session: ctx.id,
        error: None,
    });
}

/// The connection, reopened (in the same directory) if it was lost or is out of step.
async fn usable(ctx: &SessionCtx, log: &LogCtx, conn: Option<Control>) -> EngineResult<Control> {
    if let Some(ctl) = conn.filter(|c| !c.is_broken()) {
        return Ok(ctl);
    }
    log.status("Reconnecting...");
    let mut ctl = ctx.connect(log).await?;
    let cwd = ctx.cwd();
    if !cwd.is_empty() && cwd != ctl.cwd && ctl.cwd(&cwd).await.is_err() {
        log.status(format!("Could not return to {cwd}"));
    }
    Ok(ctl)
}

async fn execute(
    ctx: &SessionCtx,
    ctl: &mut Control,
    request: RequestId,
    op: &Operation,
) -> EngineResult<crate::api::OpOutput> {
    match op {
        Operation::List(path) => {
            ctl.log.status("Retrieving directory listing...");
            let (path, entries) = ops::list_dir(ctl, path.as_deref(), |dir, entries| {
                ctx.events.send(Event::Listing {
                    session: ctx.id,
                    request,
                    path: dir.to_string(),
                    entries,
                })
            })
            .await?;
            Ok(crate::api::OpOutput::Listed { path, entries })
        }
        other => ops::run(ctl, other).await,
    }
}

fn finish(
    ctx: &SessionCtx,
    log: &LogCtx,
    request: RequestId,
    result: EngineResult<crate::api::OpOutput>,
) {
    if let Err(error) = &result
        && !matches!(error, EngineError::Cancelled)
    {
        log.error(error.to_string());
    }
    ctx.events.send(Event::OpDone {
        session: ctx.id,
        request,
        result: result.map_err(|e| e.report()),
    });
}
