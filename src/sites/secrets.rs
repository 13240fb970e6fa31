//! Site passwords in the OS keyring (the `keyring` crate: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows): service `ferry`, account = the site's id. Nothing
//! here writes a password anywhere else, and no error message carries one.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

use super::model::NodeId;
use crate::api::Secret;

/// The keyring service name Ferry's passwords are filed under.
pub const SERVICE: &str = "ferry";

/// Why a password could not be read or saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// The keyring holds no password for this site.
    #[error("no password is saved for this site")]
    NotFound,
    /// There is no usable keyring (none installed, no session bus, locked, refused): tell the
    /// user once and ask for passwords when connecting.
    #[error("the system keyring is not available ({0})")]
    Unavailable(String),
    /// The keyring answered but the operation failed.
    #[error("the system keyring failed: {0}")]
    Failed(String),
}

/// A handle on a credential store. Cheap to clone and `Send + Sync`; its calls block for a
/// round trip to the keyring service (and the OS may show an unlock dialog), so an app calls
/// them when the user acts (Connect, OK), or from a short-lived thread.
#[derive(Clone)]
pub struct Keyring {
    store: Result<Arc<CredentialStore>, String>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.store {
            Ok(store) => write!(f, "Keyring({})", store.vendor()),
            Err(reason) => write!(f, "Keyring(unavailable: {reason})"),
        }
    }
}

impl Keyring {
    /// The OS keyring, unless `$FERRY_KEYRING` is `none` (then passwords are always asked for:
    /// for machines without a keyring service, and for hermetic tests).
    pub fn system() -> Keyring {
        if std::env::var("FERRY_KEYRING").is_ok_and(|v| v.eq_ignore_ascii_case("none")) {
            return Keyring::unavailable("turned off by FERRY_KEYRING=none");
        }
        // The `keyring` crate sets the platform store as keyring-core's default, once.
        let store = match keyring::Entry::store_status() {
            Ok(()) => keyring_core::get_default_store()
                .ok_or_else(|| "no default credential store was set".to_string()),
            Err(e) => Err(describe(e)),
        };
        Keyring { store }
    }

    /// An in-memory store that forgets everything when dropped (keyring-core's mock): for
    /// tests and demos.
    pub fn in_memory() -> Keyring {
        Keyring {
            store: keyring_core::mock::Store::new()
                .map(|s| s as Arc<CredentialStore>)
                .map_err(|e| describe(&e)),
        }
    }

    /// No keyring: every call fails with [`KeyringError::Unavailable`].
    pub fn unavailable(reason: &str) -> Keyring {
        Keyring {
            store: Err(reason.to_string()),
        }
    }

    /// Why this keyring cannot be used, if it cannot (some problems only show on first use).
    pub fn unavailable_reason(&self) -> Option<&str> {
        self.store.as_ref().err().map(String::as_str)
    }

    fn entry(&self, id: &NodeId) -> Result<Entry, KeyringError> {
        let store = self
            .store
            .as_ref()
            .map_err(|reason| KeyringError::Unavailable(reason.clone()))?;
        store.build(SERVICE, id.as_str(), None).map_err(classify)
    }

    /// The site's password.
    pub fn get(&self, id: &NodeId) -> Result<Secret, KeyringError> {
        self.entry(id)?
            .get_password()
            .map(Secret::new)
            .map_err(classify)
    }

    /// Saves (or replaces) the site's password. An empty password deletes it.
    pub fn set(&self, id: &NodeId, password: &Secret) -> Result<(), KeyringError> {
        if password.is_empty() {
            return self.delete(id);
        }
        self.entry(id)?
            .set_password(password.expose())
            .map_err(classify)
    }

    /// Deletes the site's password; none saved is not an error.
    pub fn delete(&self, id: &NodeId) -> Result<(), KeyringError> {
        match self.entry(id)?.delete_credential().map_err(classify) {
            Err(KeyringError::NotFound) => Ok(()),
            other => other,
        }
    }

    /// Whether a password is saved for the site.
    pub fn has(&self, id: &NodeId) -> Result<bool, KeyringError> {
        match self.get(id) {
            Ok(_) => Ok(true),
            Err(KeyringError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Deletes the passwords of deleted sites; returns the first failure, after trying all.
    pub fn forget(&self, ids: &[NodeId]) -> Result<(), KeyringError> {
        let mut first = Ok(());
        for id in ids {
            if let Err(e) = self.delete(id)
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }

    /// Copies passwords to duplicated sites (`(original, copy)` pairs); sites without one are
    /// skipped. Returns the first failure, after trying all.
    pub fn copy_passwords(&self, pairs: &[(NodeId, NodeId)]) -> Result<(), KeyringError> {
        let mut first = Ok(());
        for (from, to) in pairs {
            let result = match self.get(from) {
                Ok(password) => self.set(to, &password),
                Err(KeyringError::NotFound) => Ok(()),
                Err(e) => Err(e),
            };
            if let Err(e) = result
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}

/// Sorts keyring-core's errors into ours, without ever including secret bytes (its
/// `BadEncoding` and `BadDataFormat` carry them).
fn classify(error: Error) -> KeyringError {
    match error {
        Error::NoEntry => KeyringError::NotFound,
        Error::NoStorageAccess(_)
        | Error::NoDefaultStore
        | Error::PlatformFailure(_)
        | Error::NotSupportedByStore(_) => KeyringError::Unavailable(describe(&error)),
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            KeyringError::Failed("the saved password is not readable text".to_string())
        }
        Error::Ambiguous(entries) => KeyringError::Failed(format!(
            "{} passwords are saved for this site",
            entries.len()
        )),
        other => KeyringError::Failed(describe(&other)),
    }
}

/// A one-line description of an error that carries no secret.
fn describe(error: &Error) -> String {
    match error {
        Error::PlatformFailure(e) | Error::NoStorageAccess(e) => {
            let text = e.to_string();
            text.lines().next().unwrap_or_default().to_string()
        }
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            "the saved password is not readable text".to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_by_site_id() {
        let keyring = Keyring::in_memory();
        let a = NodeId::generate();
        let b = NodeId::generate();
        assert_eq!(keyring.get(&a), Err(KeyringError::NotFound));
        keyring.set(&a, &Secret::new("pä$$ wörd")).unwrap();
        assert_eq!(keyring.get(&a).unwrap().expose(), "pä$$ wörd");
        assert_eq!(keyring.get(&b), Err(KeyringError::NotFound));
        keyring.set(&a, &Secret::new("second")).unwrap();
        assert_eq!(keyring.get(&a).unwrap().expose(), "second");
        assert!(keyring.has(&a).unwrap());

        let c = NodeId::generate();
        keyring
            .copy_passwords(&[(a.clone(), c.clone()), (b.clone(), NodeId::generate())])
            .unwrap();
        assert_eq!(keyring.get(&c).unwrap().expose(), "second");

        keyring.forget(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(keyring.get(&a), Err(KeyringError::NotFound));
        assert!(keyring.has(&c).unwrap());
        keyring.set(&c, &Secret::default()).unwrap();
        assert!(!keyring.has(&c).unwrap());
    }

    #[test]
    fn no_keyring_is_told_apart_from_no_password() {
        let none = Keyring::unavailable("no Secret Service on the session bus");
        let id = NodeId::generate();
        let error = none.get(&id).unwrap_err();
        assert!(matches!(error, KeyringError::Unavailable(_)));
        assert!(error.to_string().contains("no Secret Service"), "{error}");
        assert!(matches!(
            none.set(&id, &Secret::new("x")),
            Err(KeyringError::Unavailable(_))
        ));
        assert_eq!(
            none.unavailable_reason(),
            Some("no Secret Service on the session bus")
        );
    }

    #[test]
    fn keyring_errors_are_classified_without_the_secret() {
        let locked = Error::NoStorageAccess("collection is locked".into());
        assert_eq!(
            classify(locked),
            KeyringError::Unavailable("collection is locked".to_string())
        );
        let bad = classify(Error::BadEncoding(b"hunter2\xff".to_vec()));
        assert!(!format!("{bad} {bad:?}").contains("hunter2"));
        assert_eq!(classify(Error::NoEntry), KeyringError::NotFound);

        // A failure the store reports on a real call reaches the caller typed.
        let keyring = Keyring::in_memory();
        let id = NodeId::generate();
        keyring.set(&id, &Secret::new("pw")).unwrap();
        let entry = keyring.entry(&id).unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(Error::NoStorageAccess("locked".into()));
        assert!(matches!(
            entry.get_password().map_err(classify),
            Err(KeyringError::Unavailable(_))
        ));
    }
}
