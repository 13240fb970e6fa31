//! The listing settings of a site (server type, timezone offset): stored, checked, handed to
//! the engine, and taken from and given to FileZilla.

use super::*;
use crate::api::ServerType;

/// Sites as FileZilla writes them, with its `<Type>` numbers and offsets in minutes.
const LISTING_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="windows">
    <Servers>
        <Server><Host>vms.example</Host><Protocol>0</Protocol><Type>2</Type><Logontype>0</Logontype><TimezoneOffset>-90</TimezoneOffset><Name>VMS</Name></Server>
        <Server><Host>fwd.example</Host><Protocol>0</Protocol><Type>10</Type><Logontype>0</Logontype><TimezoneOffset>60</TimezoneOffset><Name>DOS fwd</Name></Server>
        <Server><Host>mvs.example</Host><Protocol>0</Protocol><Type>4</Type><Logontype>0</Logontype><Name>MVS</Name></Server>
        <Server><Host>odd.example</Host><Protocol>0</Protocol><Type>42</Type><Logontype>0</Logontype><TimezoneOffset>5000</TimezoneOffset><Name>Odd</Name></Server>
    </Servers>
</FileZilla3>
"#;

#[test]
fn filezilla_server_types_and_timezone_offsets_are_imported_and_exported() {
    let parsed = filezilla::parse(LISTING_XML).unwrap();
    let tree = SiteTree {
        nodes: parsed.nodes.clone(),
    };
    let got: Vec<(String, ServerType, i32)> = tree
        .sites()
        .iter()
        .map(|r| (r.path.clone(), r.site.server_type, r.site.timezone_offset))
        .collect();
    let want = [
        ("VMS", ServerType::Vms, -90),
        ("DOS fwd", ServerType::DosFwdSlashes, 60),
        ("MVS", ServerType::Mvs, 0),
        ("Odd", ServerType::Auto, 0),
    ]
    .map(|(p, t, o)| (p.to_string(), t, o));
    assert_eq!(got, want);
    assert_eq!(
        parsed.warnings,
        [
            "Odd: server type 42 is unknown; Ferry detects the listing format",
            "Odd: the timezone offset of 5000 minutes is more than 24 hours; not imported",
        ]
    );

    let (text, warnings) = filezilla::export(&tree);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(text.contains("<Type>2</Type>"), "{text}");
    assert!(text.contains("<TimezoneOffset>-90</TimezoneOffset>"));
    assert!(text.contains("<Type>10</Type>"));
    let back = filezilla::parse(&text).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let back = SiteTree { nodes: back.nodes };
    let again: Vec<(String, ServerType, i32)> = back
        .sites()
        .iter()
        .map(|r| (r.path.clone(), r.site.server_type, r.site.timezone_offset))
        .collect();
    assert_eq!(again, got);
}

#[test]
fn every_server_type_has_its_own_filezilla_number() {
    let text = |t: ServerType| {
        let mut site = site("S", "h.example");
        site.server_type = t;
        let tree = SiteTree {
            nodes: vec![Node::Site(site)],
        };
        filezilla::export(&tree).0
    };
    let mut numbers = std::collections::HashSet::new();
    for t in ServerType::ALL {
        let xml = text(t);
        let back = filezilla::parse(&xml).unwrap();
        let back = SiteTree { nodes: back.nodes };
        assert_eq!(back.sites()[0].site.server_type, t);
        let number = xml
            .split("<Type>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert!(numbers.insert(number.to_string()), "{t:?} shares {number}");
    }
}

#[test]
fn listing_settings_are_stored_checked_and_reach_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    let mut entry = site("Old box", "old.example");
    entry.server_type = ServerType::HpNonStop;
    entry.timezone_offset = -330;
    let id = store.add_site(None, entry.clone()).unwrap();
    let again = SiteStore::load(dir.path()).unwrap();
    assert_eq!(again.tree().site(&id), Some(&entry));
    let text = std::fs::read_to_string(sites_file(dir.path())).unwrap();
    assert!(text.contains("\"server_type\": \"hp-nonstop\""), "{text}");
    assert!(text.contains("\"timezone_offset\": -330"), "{text}");

    let engine = engine_site(&entry, &Settings::default(), None);
    assert_eq!(
        (engine.server_type, engine.timezone_offset),
        (ServerType::HpNonStop, -330)
    );

    entry.timezone_offset = 24 * 60 + 1;
    let refused = entry.check().unwrap_err();
    assert!(refused.contains("within 24 hours"), "{refused}");
    entry.timezone_offset = -24 * 60;
    assert!(entry.check().is_ok());
}
