//! The layering rules of ARCHITECTURE.md, checked on the sources: which module may name which,
//! no source file over 600 lines, no function over 80 lines. A failure names the file, the line
//! and the rule.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

/// The engine's entry points: the only parts of `engine` a front end or `sites` may name.
const ENGINE_ENTRY_POINTS: [&str; 3] = ["worker", "events", "driver"];
/// The GUI crates: the engine, `api` and `common` never name them.
const GUI_CRATES: [&str; 5] = ["egui", "eframe", "egui_extras", "egui_kittest", "rfd"];
const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every path a file names (in `use` items and in code), as segment lists with their line.
#[derive(Default)]
struct Paths {
    found: Vec<(Vec<String>, usize)>,
}

impl Paths {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.push(prefix, Some(n.ident.to_string()), n.span()),
            syn::UseTree::Rename(r) => self.push(prefix, Some(r.ident.to_string()), r.span()),
            syn::UseTree::Glob(g) => self.push(prefix, None, g.span()),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }

    fn push(&mut self, prefix: &[String], last: Option<String>, span: proc_macro2::Span) {
        let mut path = prefix.to_vec();
        path.extend(last);
        self.found.push((path, span.start().line));
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.found.push((segments, path.span().start().line));
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Paths inside macro bodies (`format!`, `matches!`...) are tokens, not parsed paths:
        // look for `crate :: a :: b` and `ferry :: a :: b` runs in them.
        let tokens: Vec<proc_macro2::TokenTree> = flatten(mac.tokens.clone());
        for (i, token) in tokens.iter().enumerate() {
            let proc_macro2::TokenTree::Ident(first) = token else {
                continue;
            };
            let mut segments = vec![first.to_string()];
            let mut j = i + 1;
            while let (
                Some(proc_macro2::TokenTree::Punct(a)),
                Some(proc_macro2::TokenTree::Punct(b)),
            ) = (tokens.get(j), tokens.get(j + 1))
            {
                if a.as_char() != ':' || b.as_char() != ':' {
                    break;
                }
                let Some(proc_macro2::TokenTree::Ident(next)) = tokens.get(j + 2) else {
                    break;
                };
                segments.push(next.to_string());
                j += 3;
            }
            if segments.len() > 1 {
                self.found.push((segments, first.span().start().line));
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn flatten(stream: proc_macro2::TokenStream) -> Vec<proc_macro2::TokenTree> {
    let mut out = Vec::new();
    for token in stream {
        match token {
            proc_macro2::TokenTree::Group(g) => out.extend(flatten(g.stream())),
            other => out.push(other),
        }
    }
    out
}

/// Functions and methods longer than [`MAX_FN_LINES`], with their first line.
#[derive(Default)]
struct LongFns {
    found: Vec<(String, usize, usize)>,
}

impl LongFns {
    fn check(&mut self, name: &syn::Ident, span: proc_macro2::Span) {
        let (start, end) = (span.start().line, span.end().line);
        if end - start + 1 > MAX_FN_LINES {
            self.found.push((name.to_string(), start, end - start + 1));
        }
    }
}

impl<'ast> Visit<'ast> for LongFns {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.check(&item.sig.ident, item.span());
        syn::visit::visit_item_fn(self, item);
    }
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.check(&item.sig.ident, item.span());
        syn::visit::visit_impl_item_fn(self, item);
    }
    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.check(&item.sig.ident, item.span());
        syn::visit::visit_trait_item_fn(self, item);
    }
}

fn parse(path: &Path) -> (String, syn::File) {
    let text = std::fs::read_to_string(path).unwrap();
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, file)
}

/// The top-level module a source file belongs to (`engine` for `src/engine/ftp/data/mod.rs`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

/// What `path` (named in a file of `module`) breaks, if anything.
fn broken_rule(module: &str, path: &[String]) -> Option<String> {
    let (head, rest) = path.split_first()?;
    let own = head == "crate" || head == "ferry";
    let target = if own {
        rest.first().map(String::as_str)
    } else {
        None
    };
    let below_engine = own && target == Some("engine");
    let engine_part = rest.get(1).map(String::as_str);
    match module {
        "api" if own && target.is_some_and(|t| t != "api") => {
            Some("`api` imports nothing of the crate".into())
        }
        "app" | "cli" | "sites" | "main" | "demo" | "journal"
            if below_engine && engine_part.is_some_and(|p| !ENGINE_ENTRY_POINTS.contains(&p)) =>
        {
            Some(format!(
                "`{module}` names only the engine's entry points ({}), not `engine::{}`",
                ENGINE_ENTRY_POINTS.join(", "),
                engine_part.unwrap()
            ))
        }
        "engine" | "api" | "common" | "journal" if GUI_CRATES.contains(&head.as_str()) => {
            Some(format!("`{module}` never names the GUI crate `{head}`"))
        }
        "engine" if own && matches!(target, Some("app" | "cli" | "sites" | "demo" | "journal")) => {
            Some(format!(
                "`engine` never names `{}`: they are layers above it",
                target.unwrap()
            ))
        }
        "common"
            if own
                && matches!(
                    target,
                    Some("engine" | "app" | "cli" | "sites" | "demo" | "journal")
                ) =>
        {
            Some(format!(
                "`common` is below every layer: it never names `{}`",
                target.unwrap()
            ))
        }
        "sites" if own && matches!(target, Some("app" | "cli")) => Some(format!(
            "`sites` never names the front end `{}`",
            target.unwrap()
        )),
        // The journal is beside `sites`: the front ends use it, it uses what is below.
        "journal" if own && matches!(target, Some("app" | "cli" | "sites" | "demo")) => {
            Some(format!("`journal` never names `{}`", target.unwrap()))
        }
        _ => None,
    }
}

fn layer_violations(files: &[PathBuf]) -> Vec<String> {
    let src = root().join("src");
    let mut problems = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue; // the crate root declares the modules and re-exports the entry points
        }
        let module = module_of(relative);
        let (_, file) = parse(path);
        let mut paths = Paths::default();
        paths.visit_file(&file);
        for (segments, line) in paths.found {
            if let Some(rule) = broken_rule(&module, &segments) {
                problems.push(format!(
                    "src/{}:{line}: `{}` breaks the rule: {rule}",
                    relative.display(),
                    segments.join("::")
                ));
            }
        }
    }
    problems
}

#[test]
fn every_module_respects_the_layers() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let problems = layer_violations(&files);
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_layer_check_catches_a_forbidden_import() {
    // The check itself, on made-up lines: each of these must be reported.
    let bad: [(&str, &str); 6] = [
        ("api", "crate::engine::worker::Worker"),
        ("app", "crate::engine::ftp::control::Control"),
        ("cli", "crate::engine::session::Session"),
        ("engine", "egui::Context"),
        ("engine", "crate::app::FerryApp"),
        ("common", "crate::engine::error::EngineError"),
    ];
    for (module, path) in bad {
        let segments: Vec<String> = path.split("::").map(String::from).collect();
        assert!(
            broken_rule(module, &segments).is_some(),
            "{module} may name {path}?"
        );
    }
    let good: [(&str, &str); 4] = [
        ("app", "crate::engine::worker::Worker"),
        ("cli", "crate::engine::driver::Driver"),
        ("engine", "crate::api::Command"),
        ("sites", "crate::common::paths::join_remote"),
    ];
    for (module, path) in good {
        let segments: Vec<String> = path.split("::").map(String::from).collect();
        assert_eq!(
            broken_rule(module, &segments),
            None,
            "{module} naming {path}"
        );
    }
}

#[test]
fn no_source_file_is_too_long_and_no_function_either() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut test_files = Vec::new();
    rust_files(&root().join("tests"), &mut test_files);
    let mut problems = Vec::new();
    for path in files.iter().chain(&test_files) {
        let relative = path.strip_prefix(root()).unwrap().display().to_string();
        let (text, file) = parse(path);
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!(
                "{relative}: {lines} lines (at most {MAX_FILE_LINES})"
            ));
        }
        if files.contains(path) {
            let mut long = LongFns::default();
            long.visit_file(&file);
            for (name, line, count) in long.found {
                problems.push(format!(
                    "{relative}:{line}: fn {name} has {count} lines (at most {MAX_FN_LINES})"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "too long:\n{}", problems.join("\n"));
}
