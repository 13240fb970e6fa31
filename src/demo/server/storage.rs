//! The served folder as libunftp storage: a `Filesystem` opened lazily, so a failure to open it
//! refuses a login instead of ending the server.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use unftp_core::auth::DefaultUser;
use unftp_core::storage::{self, Fileinfo, StorageBackend};
use unftp_sbe_fs::{Filesystem, Meta};

/// The served folder for one session.
///
/// libunftp creates the storage of each session with an infallible factory, in its accept loop,
/// where a panic would end the whole server. Opening the folder can fail (deleted, out of file
/// descriptors), so a failure is kept here and retried at login, where an error only refuses that
/// login (`530`). All file operations need a login, so they never meet an unopened folder.
#[derive(Debug)]
pub(super) struct ServedFolder {
    root: Arc<Path>,
    fs: Option<Filesystem>,
}

impl ServedFolder {
    pub(super) fn open(root: Arc<Path>) -> Self {
        let fs = Filesystem::new(root.as_ref()).ok();
        Self { root, fs }
    }

    fn fs(&self) -> storage::Result<&Filesystem> {
        self.fs
            .as_ref()
            .ok_or_else(|| storage::ErrorKind::LocalError.into())
    }
}

#[async_trait]
impl StorageBackend<DefaultUser> for ServedFolder {
    type Metadata = Meta;

    fn enter(&mut self, user: &DefaultUser) -> io::Result<()> {
        let fs = match self.fs.take() {
            Some(fs) => fs,
            None => Filesystem::new(self.root.as_ref())?,
        };
        self.fs.insert(fs).enter(user)
    }

    fn supported_features(&self) -> u32 {
        // What Filesystem supports; asked before login, possibly before the folder could be opened.
        storage::FEATURE_RESTART | storage::FEATURE_SITEMD5
    }

    async fn metadata<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<Meta> {
        self.fs()?.metadata(user, path).await
    }

    async fn list<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<Vec<Fileinfo<PathBuf, Meta>>> {
        self.fs()?.list(user, path).await
    }

    async fn get<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
        start_pos: u64,
    ) -> storage::Result<Box<dyn tokio::io::AsyncRead + Send + Sync + Unpin>> {
        self.fs()?.get(user, path, start_pos).await
    }

    async fn put<
        P: AsRef<Path> + Send + fmt::Debug,
        R: tokio::io::AsyncRead + Send + Sync + Unpin + 'static,
    >(
        &self,
        user: &DefaultUser,
        input: R,
        path: P,
        start_pos: u64,
    ) -> storage::Result<u64> {
        self.fs()?.put(user, input, path, start_pos).await
    }

    async fn del<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.del(user, path).await
    }

    async fn mkd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.mkd(user, path).await
    }

    async fn rename<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        from: P,
        to: P,
    ) -> storage::Result<()> {
        self.fs()?.rename(user, from, to).await
    }

    async fn rmd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.rmd(user, path).await
    }

    async fn cwd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.cwd(user, path).await
    }
}
