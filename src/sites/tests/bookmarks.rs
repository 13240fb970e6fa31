//! Bookmarks and synchronized browsing in FileZilla's sitemanager.xml (a site's `SyncBrowsing`,
//! `DirectoryComparison` and `<Bookmark>` elements) both ways, and the global bookmarks kept
//! when the Settings window saves.

use super::*;

const WITH_BOOKMARKS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.0" platform="*nix">
  <Servers>
    <Server>
      <Host>ftp.example.com</Host>
      <Port>21</Port>
      <Protocol>0</Protocol>
      <Type>0</Type>
      <Logontype>0</Logontype>
      <Name>Web</Name>
      <LocalDir>/home/ann/site</LocalDir>
      <RemoteDir>1 0 3 var 3 www</RemoteDir>
      <SyncBrowsing>1</SyncBrowsing>
      <DirectoryComparison>1</DirectoryComparison>
      <Bookmark>
        <Name>Images</Name>
        <LocalDir>/home/ann/site/img</LocalDir>
        <RemoteDir>1 0 3 var 3 www 3 img</RemoteDir>
        <SyncBrowsing>1</SyncBrowsing>
      </Bookmark>
      <Bookmark>
        <Name>Logs</Name>
        <RemoteDir>1 0 3 var 3 log</RemoteDir>
        <SyncBrowsing>1</SyncBrowsing>
        <DirectoryComparison>1</DirectoryComparison>
      </Bookmark>
      <Bookmark>
        <Name>Nothing</Name>
      </Bookmark>
    </Server>
    <Server>
      <Host>half.example.com</Host>
      <Protocol>0</Protocol>
      <Logontype>0</Logontype>
      <Name>Half</Name>
      <RemoteDir>1 0 3 var</RemoteDir>
      <SyncBrowsing>1</SyncBrowsing>
    </Server>
  </Servers>
</FileZilla3>
"#;

fn imported(text: &str) -> (Vec<SiteEntry>, Vec<String>) {
    let parsed = filezilla::parse(text).unwrap();
    let tree = SiteTree {
        nodes: parsed.nodes,
    };
    let sites = tree.sites().into_iter().map(|r| r.site.clone()).collect();
    (sites, parsed.warnings)
}

#[test]
fn filezilla_bookmarks_and_sync_browsing_import() {
    let (sites, warnings) = imported(WITH_BOOKMARKS);
    let web = &sites[0];
    assert!(web.sync_browsing && web.directory_comparison);
    let names: Vec<&str> = web.bookmarks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Images", "Logs"]);
    let images = &web.bookmarks[0];
    assert_eq!(
        images.local_dir.as_deref(),
        Some(Path::new("/home/ann/site/img"))
    );
    assert_eq!(images.remote_dir.as_deref(), Some("/var/www/img"));
    assert!(images.sync_browsing && !images.directory_comparison);
    // FileZilla reads SyncBrowsing only when both folders are there.
    let logs = &web.bookmarks[1];
    assert!(logs.local_dir.is_none());
    assert!(!logs.sync_browsing && logs.directory_comparison);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"Nothing\"") && w.contains("local or a remote folder")),
        "{warnings:?}"
    );
    assert!(!sites[1].sync_browsing, "no local folder, no sync browsing");
}

#[test]
fn bookmarks_and_sync_browsing_survive_an_export_and_import() {
    let (sites, _) = imported(WITH_BOOKMARKS);
    let tree = SiteTree {
        nodes: sites.into_iter().map(Node::Site).collect(),
    };
    let (text, warnings) = filezilla::export(&tree);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(text.contains("<SyncBrowsing>1</SyncBrowsing>"), "{text}");
    assert!(
        text.contains("<RemoteDir>1 0 3 var 3 www 3 img</RemoteDir>"),
        "{text}"
    );
    let (back, _) = imported(&text);
    let before: Vec<_> = tree.sites().into_iter().map(|r| r.site.clone()).collect();
    for (a, b) in before.iter().zip(&back) {
        assert_eq!(a.bookmarks, b.bookmarks, "{}", a.name);
        assert_eq!(
            (a.sync_browsing, a.directory_comparison),
            (b.sync_browsing, b.directory_comparison),
            "{}",
            a.name
        );
    }
}

#[test]
fn site_and_global_bookmarks_are_stored_and_settings_saves_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, acme, _) = sample(dir.path());
    let mut entry = store.tree().site(&acme).unwrap().clone();
    entry
        .bookmarks
        .push(Bookmark::new("docs", "/tmp/docs", "/docs"));
    store.save_site(entry).unwrap();
    let again = SiteStore::open(dir.path());
    assert_eq!(again.tree().site(&acme).unwrap().bookmarks.len(), 1);

    let mut settings = SettingsStore::open(dir.path());
    let stale = settings.settings().clone();
    settings
        .update(|s| {
            crate::sites::bookmarks::add(&mut s.bookmarks, Bookmark::new("home", "/home", ""))
                .map_err(|e| EditError::Invalid(e.to_string()))
        })
        .unwrap();
    // The Settings window saves the copy it opened with: the bookmark stays.
    settings.save(stale).unwrap();
    let again = SettingsStore::open(dir.path());
    assert_eq!(again.settings().bookmarks[0].name, "home");
}
