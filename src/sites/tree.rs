//! The site tree in memory: lookups by id, folder paths, search, `site:` path resolution, and
//! the edits the site manager makes (each addressed by id, each checked).

use serde::{Deserialize, Serialize};

use super::model::{Folder, Node, NodeId, SiteEntry, check_name};

/// Folders and sites, top level first. Cheap to read every frame; edit it through
/// [`SiteStore`](super::SiteStore) so changes reach the disk and other windows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SiteTree {
    pub nodes: Vec<Node>,
}

/// A site with where it is: `path` is `Folder/Sub/Name`, `folder` is `Folder/Sub` (empty at
/// the top level).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRef<'a> {
    pub site: &'a SiteEntry,
    pub folder: String,
    pub path: String,
}

/// What a `site:` path names: the site and the remote path after it.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteTarget<'a> {
    pub site: SiteRef<'a>,
    /// The text after the site's path, without the separating `/`: empty for none, starting
    /// with `/` for an absolute remote path.
    pub rest: String,
    /// The `site:` path ended with `/` after a remote path (it names a folder).
    pub trailing_slash: bool,
}

impl SiteTarget<'_> {
    /// The remote path to open: the rest if absolute; else the rest under the site's remote
    /// folder; else relative to the login folder. `None`: the site's remote folder or, without
    /// one, the login folder itself.
    pub fn remote_path(&self) -> Option<String> {
        let rest = self.rest.trim_end_matches('/');
        let rest = if rest.is_empty() && self.rest.starts_with('/') {
            "/"
        } else {
            rest
        };
        let base = self
            .site
            .site
            .remote_dir
            .as_deref()
            .filter(|d| !d.is_empty());
        match (base, rest) {
            (base, "") => base.map(str::to_string),
            (_, rest) if rest.starts_with('/') => Some(rest.to_string()),
            (Some(base), rest) => Some(crate::common::paths::join_remote(base, rest)),
            (None, rest) => Some(rest.to_string()),
        }
    }
}

/// Why a `site:` path names no site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no site is named {name:?}{}", suggest(.suggestions))]
    Unknown {
        name: String,
        suggestions: Vec<String>,
    },
    #[error("{0:?} names more than one site; rename one of them in the site manager")]
    Ambiguous(String),
}

fn suggest(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("; did you mean {one:?}?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Why an edit was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the site or folder no longer exists (was it deleted in another window?)")]
    NotFound(NodeId),
    #[error("that is a site, not a folder")]
    NotAFolder(NodeId),
    #[error("that is a folder, not a site")]
    NotASite(NodeId),
    #[error("{name:?}: {reason}")]
    Name {
        name: String,
        reason: super::model::NameError,
    },
    #[error("{name:?} already exists in {}", if .folder.is_empty() { "the top level" } else { .folder })]
    Duplicate { name: String, folder: String },
    #[error("a folder cannot be moved into itself or a folder inside it")]
    IntoItself,
    #[error("{0}")]
    Invalid(String),
}

impl SiteTree {
    pub fn get(&self, id: &NodeId) -> Option<&Node> {
        find(&self.nodes, id)
    }

    pub fn site(&self, id: &NodeId) -> Option<&SiteEntry> {
        match self.get(id)? {
            Node::Site(s) => Some(s),
            Node::Folder(_) => None,
        }
    }

    pub fn folder(&self, id: &NodeId) -> Option<&Folder> {
        match self.get(id)? {
            Node::Folder(f) => Some(f),
            Node::Site(_) => None,
        }
    }

    /// The folder holding `id` (`Some(None)` at the top level; `None` if there is no `id`).
    pub fn parent(&self, id: &NodeId) -> Option<Option<&NodeId>> {
        self.ancestry(id)
            .map(|chain| chain.iter().rev().nth(1).map(|n| n.id()))
    }

    /// `Folder/Sub/Name` of a node.
    pub fn path_of(&self, id: &NodeId) -> Option<String> {
        let chain = self.ancestry(id)?;
        Some(chain.iter().map(|n| n.name()).collect::<Vec<_>>().join("/"))
    }

    /// The nodes from the top level down to `id`, inclusive.
    fn ancestry(&self, id: &NodeId) -> Option<Vec<&Node>> {
        fn walk<'a>(nodes: &'a [Node], id: &NodeId, chain: &mut Vec<&'a Node>) -> bool {
            for node in nodes {
                chain.push(node);
                if node.id() == id {
                    return true;
                }
                if let Node::Folder(f) = node
                    && walk(&f.children, id, chain)
                {
                    return true;
                }
                chain.pop();
            }
            false
        }
        let mut chain = Vec::new();
        walk(&self.nodes, id, &mut chain).then_some(chain)
    }

    /// Every site, depth first in the user's order, with its folder path.
    pub fn sites(&self) -> Vec<SiteRef<'_>> {
        fn walk<'a>(nodes: &'a [Node], folder: &str, out: &mut Vec<SiteRef<'a>>) {
            for node in nodes {
                match node {
                    Node::Site(site) => out.push(SiteRef {
                        site,
                        folder: folder.to_string(),
                        path: join(folder, &site.name),
                    }),
                    Node::Folder(f) => walk(&f.children, &join(folder, &f.name), out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, "", &mut out);
        out
    }

    /// Every folder with its path, depth first (for a "move to" list).
    pub fn folders(&self) -> Vec<(NodeId, String)> {
        fn walk(nodes: &[Node], folder: &str, out: &mut Vec<(NodeId, String)>) {
            for node in nodes {
                if let Node::Folder(f) = node {
                    let path = join(folder, &f.name);
                    out.push((f.id.clone(), path.clone()));
                    walk(&f.children, &path, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, "", &mut out);
        out
    }

    /// (sites, folders) in the whole tree.
    pub fn count(&self) -> (usize, usize) {
        (self.sites().len(), self.folders().len())
    }

    /// Sites whose name, host, user or comments contain `query`, ignoring case (all sites for
    /// an empty query), in tree order.
    pub fn search(&self, query: &str) -> Vec<SiteRef<'_>> {
        let query = query.trim().to_lowercase();
        self.sites()
            .into_iter()
            .filter(|r| {
                let s = r.site;
                query.is_empty()
                    || [&s.name, &s.host, &s.user, &s.comments]
                        .iter()
                        .any(|field| field.to_lowercase().contains(&query))
            })
            .collect()
    }

    /// Resolves `Folder/Sub/Site name/remote/path` (what follows `site:`): the longest site
    /// path that is a prefix of it, compared exactly, else ignoring case; the rest is the
    /// remote path (see [`SiteTarget::remote_path`]).
    pub fn resolve(&self, spec: &str) -> Result<SiteTarget<'_>, ResolveError> {
        let spec = spec.strip_prefix('/').unwrap_or(spec);
        let parts: Vec<&str> = spec.split('/').collect();
        let sites = self.sites();
        let path_parts =
            |r: &SiteRef<'_>| -> Vec<String> { r.path.split('/').map(str::to_string).collect() };
        for exact in [true, false] {
            let same = |a: &str, b: &str| {
                if exact {
                    a == b
                } else {
                    a.to_lowercase() == b.to_lowercase()
                }
            };
            let mut best: Vec<(usize, &SiteRef<'_>)> = Vec::new();
            for site in &sites {
                let names = path_parts(site);
                if names.len() <= parts.len() && names.iter().zip(&parts).all(|(n, p)| same(n, p)) {
                    match best.first() {
                        Some((len, _)) if *len > names.len() => {}
                        Some((len, _)) if *len == names.len() => best.push((names.len(), site)),
                        _ => best = vec![(names.len(), site)],
                    }
                }
            }
            match best.as_slice() {
                [] => continue,
                [(len, site)] => {
                    let rest = parts[*len..].join("/");
                    return Ok(SiteTarget {
                        site: (*site).clone(),
                        trailing_slash: rest.len() > 1 && rest.ends_with('/'),
                        rest,
                    });
                }
                [(len, _), ..] => return Err(ResolveError::Ambiguous(parts[..*len].join("/"))),
            }
        }
        Err(ResolveError::Unknown {
            name: spec.trim_end_matches('/').to_string(),
            suggestions: self.close_names(&parts),
        })
    }

    /// Site paths that look like the start of `parts` (a typo or two), best first.
    fn close_names(&self, parts: &[&str]) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = self
            .sites()
            .into_iter()
            .filter_map(|r| {
                let depth = r.path.split('/').count().min(parts.len());
                let typed = parts[..depth].join("/").to_lowercase();
                let known = r.path.to_lowercase();
                let distance = edit_distance(&typed, &known);
                let close = distance <= (known.chars().count() / 4).max(2)
                    || (typed.len() >= 3 && known.contains(&typed));
                close.then_some((distance, r.path))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, p)| p).collect()
    }

    /// A name not yet used in `parent`: `base`, else `base (2)`, `base (3)`...
    pub fn free_name(&self, parent: Option<&NodeId>, base: &str) -> String {
        let siblings = match parent {
            None => &self.nodes,
            Some(id) => match self.folder(id) {
                Some(f) => &f.children,
                None => return base.to_string(),
            },
        };
        free_name(siblings, base)
    }

    // ---- edits ----

    fn children_mut(&mut self, parent: Option<&NodeId>) -> Result<&mut Vec<Node>, EditError> {
        match parent {
            None => Ok(&mut self.nodes),
            Some(id) => match find_mut(&mut self.nodes, id) {
                Some(Node::Folder(f)) => Ok(&mut f.children),
                Some(Node::Site(_)) => Err(EditError::NotAFolder(id.clone())),
                None => Err(EditError::NotFound(id.clone())),
            },
        }
    }

    fn folder_label(&self, parent: Option<&NodeId>) -> String {
        parent.and_then(|id| self.path_of(id)).unwrap_or_default()
    }

    fn check_free(
        &self,
        parent: Option<&NodeId>,
        name: &str,
        except: Option<&NodeId>,
    ) -> Result<(), EditError> {
        let siblings = match parent {
            None => &self.nodes,
            Some(id) => match self.get(id) {
                Some(Node::Folder(f)) => &f.children,
                Some(Node::Site(_)) => return Err(EditError::NotAFolder(id.clone())),
                None => return Err(EditError::NotFound(id.clone())),
            },
        };
        if siblings
            .iter()
            .any(|n| n.name() == name && Some(n.id()) != except)
        {
            return Err(EditError::Duplicate {
                name: name.to_string(),
                folder: self.folder_label(parent),
            });
        }
        Ok(())
    }

    /// Adds `node` to `parent` (the top level for `None`) at `index` (the end for `None` or
    /// past the end). Its name is trimmed and must be valid and free in that folder.
    pub fn insert(
        &mut self,
        parent: Option<&NodeId>,
        index: Option<usize>,
        mut node: Node,
    ) -> Result<NodeId, EditError> {
        let name = node.name().trim().to_string();
        check_name(&name).map_err(|reason| EditError::Name {
            name: name.clone(),
            reason,
        })?;
        *node.name_mut() = name.clone();
        if let Node::Site(site) = &node {
            site.check().map_err(EditError::Invalid)?;
        }
        if self.get(node.id()).is_some() {
            return Err(EditError::Invalid(format!(
                "{name:?}: its id is already in use"
            )));
        }
        self.check_free(parent, &name, None)?;
        let id = node.id().clone();
        let children = self.children_mut(parent)?;
        let index = index.unwrap_or(children.len()).min(children.len());
        children.insert(index, node);
        Ok(id)
    }

    /// Removes a site or a folder with everything in it, and returns it.
    pub fn remove(&mut self, id: &NodeId) -> Result<Node, EditError> {
        let parent = self
            .parent(id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?
            .cloned();
        let children = self.children_mut(parent.as_ref())?;
        let index = children
            .iter()
            .position(|n| n.id() == id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?;
        Ok(children.remove(index))
    }

    /// Renames a site or folder (trimmed; unique in its folder).
    pub fn rename(&mut self, id: &NodeId, name: &str) -> Result<(), EditError> {
        let name = name.trim();
        check_name(name).map_err(|reason| EditError::Name {
            name: name.to_string(),
            reason,
        })?;
        let parent = self
            .parent(id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?
            .cloned();
        self.check_free(parent.as_ref(), name, Some(id))?;
        let node = find_mut(&mut self.nodes, id).ok_or_else(|| EditError::NotFound(id.clone()))?;
        *node.name_mut() = name.to_string();
        Ok(())
    }

    /// Replaces the site with `site.id` by `site`, where it is.
    pub fn save_site(&mut self, mut site: SiteEntry) -> Result<(), EditError> {
        site.name = site.name.trim().to_string();
        check_name(&site.name).map_err(|reason| EditError::Name {
            name: site.name.clone(),
            reason,
        })?;
        site.check().map_err(EditError::Invalid)?;
        let parent = self
            .parent(&site.id)
            .ok_or_else(|| EditError::NotFound(site.id.clone()))?
            .cloned();
        self.check_free(parent.as_ref(), &site.name, Some(&site.id))?;
        match find_mut(&mut self.nodes, &site.id) {
            Some(Node::Site(old)) => {
                *old = site;
                Ok(())
            }
            Some(Node::Folder(_)) => Err(EditError::NotASite(site.id)),
            None => Err(EditError::NotFound(site.id)),
        }
    }

    /// Copies a site or a folder (with fresh ids throughout) right after the original, named
    /// `Copy of NAME`. Returns the copy's id and `(original, copy)` ids of every site copied,
    /// for copying their passwords.
    pub fn duplicate(&mut self, id: &NodeId) -> Result<Duplicated, EditError> {
        let parent = self
            .parent(id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?
            .cloned();
        let original = self
            .get(id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?
            .clone();
        let mut sites = Vec::new();
        let mut copy = renew_ids(original, &mut sites);
        let siblings = self.children_mut(parent.as_ref())?;
        *copy.name_mut() = free_name(siblings, &format!("Copy of {}", copy.name()));
        let index = siblings.iter().position(|n| n.id() == id).map(|i| i + 1);
        let new_id = self.insert(parent.as_ref(), index, copy)?;
        Ok(Duplicated { id: new_id, sites })
    }

    /// Moves a node into `to` (the top level for `None`) at `index` among its children as they
    /// are after the node was taken out (the end if past it).
    pub fn move_node(
        &mut self,
        id: &NodeId,
        to: Option<&NodeId>,
        index: usize,
    ) -> Result<(), EditError> {
        let node = self
            .get(id)
            .ok_or_else(|| EditError::NotFound(id.clone()))?;
        if let Some(target) = to {
            if self.folder(target).is_none() {
                return Err(match self.get(target) {
                    Some(_) => EditError::NotAFolder(target.clone()),
                    None => EditError::NotFound(target.clone()),
                });
            }
            if find(std::slice::from_ref(node), target).is_some() {
                return Err(EditError::IntoItself);
            }
        }
        let name = node.name().to_string();
        self.check_free(to, &name, Some(id))?;
        let node = self.remove(id)?;
        let children = self.children_mut(to)?;
        let index = index.min(children.len());
        children.insert(index, node);
        Ok(())
    }

    /// Problems a hand-edited file may have: bad names, bad fields, duplicate ids.
    pub fn check(&self) -> Result<(), String> {
        fn walk(
            nodes: &[Node],
            folder: &str,
            seen: &mut std::collections::HashSet<NodeId>,
        ) -> Result<(), String> {
            for node in nodes {
                let path = join(folder, node.name());
                check_name(node.name()).map_err(|e| format!("{path:?}: {e}"))?;
                if !seen.insert(node.id().clone()) {
                    return Err(format!("{path:?}: id {} is used twice", node.id()));
                }
                match node {
                    Node::Site(s) => s.check().map_err(|e| format!("in {folder:?}: {e}"))?,
                    Node::Folder(f) => walk(&f.children, &path, seen)?,
                }
            }
            Ok(())
        }
        walk(&self.nodes, "", &mut std::collections::HashSet::new())
    }
}

/// The result of [`SiteTree::duplicate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicated {
    pub id: NodeId,
    /// `(original, copy)` for every site copied.
    pub sites: Vec<(NodeId, NodeId)>,
}

fn renew_ids(node: Node, sites: &mut Vec<(NodeId, NodeId)>) -> Node {
    match node {
        Node::Site(mut s) => {
            let new = NodeId::generate();
            sites.push((s.id.clone(), new.clone()));
            s.id = new;
            Node::Site(s)
        }
        Node::Folder(f) => Node::Folder(Folder {
            id: NodeId::generate(),
            name: f.name,
            children: f
                .children
                .into_iter()
                .map(|c| renew_ids(c, sites))
                .collect(),
        }),
    }
}

pub(crate) fn free_name(siblings: &[Node], base: &str) -> String {
    let taken = |name: &str| siblings.iter().any(|n| n.name() == name);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_string())
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

fn find<'a>(nodes: &'a [Node], id: &NodeId) -> Option<&'a Node> {
    for node in nodes {
        if node.id() == id {
            return Some(node);
        }
        if let Node::Folder(f) = node
            && let Some(found) = find(&f.children, id)
        {
            return Some(found);
        }
    }
    None
}

fn find_mut<'a>(nodes: &'a mut [Node], id: &NodeId) -> Option<&'a mut Node> {
    for node in nodes {
        if node.id() == id {
            return Some(node);
        }
        if let Node::Folder(f) = node
            && let Some(found) = find_mut(&mut f.children, id)
        {
            return Some(found);
        }
    }
    None
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}
