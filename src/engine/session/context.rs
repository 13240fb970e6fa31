//! What a session and its transfer queue share: the site, the trust in its certificates, the
//! password asked once, the browsing directory, and what auto mode learned; and how both open
//! a connection (asking about untrusted certificates, parallel connections asking once).

use std::borrow::Cow;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use crate::api::{Answer, CertAnswer, Event, Prompt, Secret, SessionId, Site};
use crate::engine::connection::{Connection, ListingStyle};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::events::EventSink;
use crate::engine::ftp::charset::Codec;
use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::{DataChannel, Way};
use crate::engine::ftp::tls::SiteTrust;
use crate::engine::ftp::wirelog::LogCtx;
use crate::engine::prompts::Prompter;
use crate::engine::transfer::{FilterCell, Throttle};

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
    /// The character set of the server's names, one for all the session's connections.
    pub codec: Arc<Codec>,
    /// The browsing connection's working directory, for resolving relative transfer paths.
    cwd: Mutex<String>,
    /// What auto mode found to work, for every connection of the session.
    learned_way: Mutex<Option<Way>>,
    /// The password the user typed for an "ask for password" site; parallel connections wait
    /// for one question instead of asking each.
    asked_password: tokio::sync::Mutex<Option<Secret>>,
    /// The worker's speed limits, handed to every connection.
    pub throttle: Arc<Throttle>,
    /// What recursive transfers leave out (the worker's, shared by every session).
    pub transfer_filter: FilterCell,
}

impl SessionCtx {
    pub fn new(
        id: SessionId,
        site: Site,
        trust: SiteTrust,
        prompts: Prompter,
        events: EventSink,
        ids: Arc<AtomicU64>,
    ) -> Self {
        SessionCtx {
            id,
            codec: Codec::new(&site.charset),
            site,
            trust: Arc::new(trust),
            prompts,
            events,
            ids,
            cwd: Mutex::new(String::new()),
            learned_way: Mutex::default(),
            asked_password: Default::default(),
            throttle: Arc::default(),
            transfer_filter: FilterCell::default(),
        }
    }

    pub fn log(&self, connection: u32) -> LogCtx {
        LogCtx::new(self.id, connection, self.events.clone()).with_codec(self.codec.clone())
    }

    pub fn cwd(&self) -> String {
        self.cwd.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn set_cwd(&self, cwd: &str) {
        *self.cwd.lock().unwrap_or_else(|e| e.into_inner()) = cwd.to_string();
    }

    fn learned_way(&self) -> Option<Way> {
        *self.learned_way.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Before an operation: `conn` uses what the session's connections learned so far.
    pub fn lend_learned(&self, conn: &mut Connection) {
        conn.data.know(self.learned_way());
    }

    /// After an operation: what auto mode found on `conn` becomes the session's, and the front
    /// end hears when that changed what the session uses. True when the way the session knew
    /// stopped working on `conn` and is forgotten (worth trying again on a new connection).
    pub fn collect_learned(&self, conn: &mut Connection) -> bool {
        if conn.data.take_forgotten() {
            *self.learned_way.lock().unwrap_or_else(|e| e.into_inner()) = None;
            return true;
        }
        let Some(way) = conn.data.take_learned() else {
            return false;
        };
        let changed = {
            let mut learned = self.learned_way.lock().unwrap_or_else(|e| e.into_inner());
            let changed = *learned != Some(way);
            *learned = Some(way);
            changed
        };
        if changed {
            self.events.send(Event::ModeInUse {
                session: self.id,
                mode: way.mode(),
            });
        }
        false
    }

    /// Opens a connection for this site, asking the user about a certificate the platform does
    /// not trust. Parallel connections ask once: the others wait and see the answer.
    pub async fn connect(&self, log: &LogCtx) -> EngineResult<Connection> {
        let mut rounds = 0;
        loop {
            let site = self.logon_site().await?;
            let error = match Control::connect(&site, &self.trust, log, &self.codec).await {
                Ok(ctl) => {
                    let data = DataChannel::new(&site, self.learned_way());
                    return Ok(Connection {
                        ctl,
                        data,
                        listed: None,
                        listing: ListingStyle::of(&site),
                        transfer: site.transfer.clone(),
                        throttle: Arc::clone(&self.throttle),
                    });
                }
                Err(EngineError::Untrusted(info)) => info,
                Err(error @ EngineError::Login(_)) => {
                    if self.site.ask_password {
                        // A wrong password is asked again on the next attempt.
                        *self.asked_password.lock().await = None;
                    }
                    return Err(error);
                }
                Err(other) => return Err(other),
            };
            rounds += 1;
            let _asking = self.trust.asking.lock().await;
            if self.trust.is_accepted(&error.fingerprint) && rounds < MAX_CERT_ROUNDS {
                continue;
            }
            if rounds >= MAX_CERT_ROUNDS {
                return Err(EngineError::Untrusted(error));
            }
            self.ask_trust(error, log).await?;
        }
    }

    /// Asks the user whether to trust the certificate `error` describes, and trusts it as the
    /// answer says; anything but trust is the error again.
    async fn ask_trust(
        &self,
        error: Box<crate::api::CertificateInfo>,
        log: &LogCtx,
    ) -> EngineResult<()> {
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
        Ok(())
    }

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
