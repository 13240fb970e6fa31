//! The server's one account (plus optional anonymous access): libunftp's `Authenticator` for it.

use std::fmt;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};

/// User names accepted without a password when anonymous access is on (compared ignoring case).
const ANONYMOUS_USERS: [&str; 2] = ["anonymous", "ftp"];

/// The one account (and optionally anonymous access). Keeps only a digest of the password.
pub(super) struct SingleAccount {
    user: String,
    password_sha256: [u8; 32],
    anonymous: bool,
}

impl SingleAccount {
    pub(super) fn new(user: &str, password: &str, anonymous: bool) -> Self {
        Self {
            user: user.to_string(),
            password_sha256: Sha256::digest(password.as_bytes()).into(),
            anonymous,
        }
    }

    fn is_anonymous(&self, user: &str) -> bool {
        self.anonymous
            && ANONYMOUS_USERS
                .iter()
                .any(|name| name.eq_ignore_ascii_case(user))
    }

    fn password_matches(&self, password: Option<&str>) -> bool {
        let digest: [u8; 32] = Sha256::digest(password.unwrap_or_default().as_bytes()).into();
        digest == self.password_sha256
    }
}

impl fmt::Debug for SingleAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleAccount")
            .field("user", &self.user)
            .field("anonymous", &self.anonymous)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Authenticator for SingleAccount {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        let accepted = if username == self.user {
            self.password_matches(creds.password.as_deref())
        } else if self.is_anonymous(username) {
            true
        } else {
            return Err(AuthenticationError::BadUser);
        };
        match accepted {
            true => Ok(Principal {
                username: username.to_string(),
            }),
            false => Err(AuthenticationError::BadPassword),
        }
    }
}
