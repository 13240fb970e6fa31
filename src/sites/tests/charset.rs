//! The per-site character set: kept in the store, turned into the engine's `Charset`, and
//! imported from and exported to FileZilla's `EncodingType`/`CustomEncoding`.

use super::*;
use crate::api::Charset;

const FILEZILLA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3><Servers>
<Server><Host>auto.example</Host><Protocol>0</Protocol><Logontype>0</Logontype><EncodingType>Auto</EncodingType><Name>Auto</Name></Server>
<Server><Host>utf8.example</Host><Protocol>0</Protocol><Logontype>0</Logontype><EncodingType>UTF-8</EncodingType><Name>Utf8</Name></Server>
<Server><Host>latin.example</Host><Protocol>0</Protocol><Logontype>0</Logontype><EncodingType>Custom</EncodingType><CustomEncoding>ISO-8859-1</CustomEncoding><Name>Latin</Name></Server>
<Server><Host>sjis.example</Host><Protocol>0</Protocol><Logontype>0</Logontype><EncodingType>Custom</EncodingType><CustomEncoding>SHIFT_JIS</CustomEncoding><Name>Sjis</Name></Server>
<Server><Host>odd.example</Host><Protocol>0</Protocol><Logontype>0</Logontype><EncodingType>Custom</EncodingType><CustomEncoding>EBCDIC-37</CustomEncoding><Name>Odd</Name></Server>
</Servers></FileZilla3>"#;

fn charsets(tree: &SiteTree) -> Vec<(String, String)> {
    tree.sites()
        .into_iter()
        .map(|r| (r.path, r.site.charset.clone()))
        .collect()
}

#[test]
fn filezilla_encoding_types_import_and_export() {
    let parsed = filezilla::parse(FILEZILLA).unwrap();
    let tree = SiteTree {
        nodes: parsed.nodes.clone(),
    };
    let expected = [
        ("Auto", ""),
        ("Utf8", "UTF-8"),
        ("Latin", "windows-1252"),
        ("Sjis", "Shift_JIS"),
        ("Odd", ""),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(charsets(&tree), expected);
    assert_eq!(
        parsed.warnings,
        ["Odd: the character set \"EBCDIC-37\" is unknown; auto is used"]
    );

    let (xml, _) = filezilla::export(&tree);
    assert!(xml.contains("<EncodingType>UTF-8</EncodingType>"), "{xml}");
    assert!(xml.contains("<EncodingType>Custom</EncodingType>"), "{xml}");
    assert!(
        xml.contains("<CustomEncoding>Shift_JIS</CustomEncoding>"),
        "{xml}"
    );
    let again = filezilla::parse(&xml).unwrap();
    let again = SiteTree { nodes: again.nodes };
    assert_eq!(charsets(&again), expected);
}

#[test]
fn the_charset_is_stored_and_reaches_the_engine() {
    let mut entry = site("Legacy", "legacy.example");
    let text = serde_json::to_string(&entry).unwrap();
    assert!(!text.contains("charset"), "auto is not written: {text}");
    let site = engine_site(&entry, &Settings::default(), None);
    assert_eq!(site.charset, Charset::Auto);

    entry.charset = "windows-1251".to_string();
    let text = serde_json::to_string(&entry).unwrap();
    let back: SiteEntry = serde_json::from_str(&text).unwrap();
    assert_eq!(back.charset, "windows-1251");
    let site = engine_site(&back, &Settings::default(), None);
    assert_eq!(site.charset, Charset::Named("windows-1251".to_string()));

    // A label nothing knows is kept, for the engine to refuse when connecting.
    entry.charset = "klingon".to_string();
    let site = engine_site(&entry, &Settings::default(), None);
    assert_eq!(site.charset, Charset::Named("klingon".to_string()));
    entry.charset = "utf8".to_string();
    assert_eq!(
        engine_site(&entry, &Settings::default(), None).charset,
        Charset::Utf8
    );
}
