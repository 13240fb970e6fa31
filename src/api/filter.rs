//! Filename filters (FileZilla's "directory listing filters") and the conditions a remote
//! search looks for: plain data the settings save and the engine receives, and their
//! evaluation on an [`Entry`] (pure functions, regexes and globs compiled once).

use globset::{GlobBuilder, GlobMatcher};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::{Entry, EntryKind};

/// How a name condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameTest {
    Contains,
    NotContains,
    Is,
    BeginsWith,
    EndsWith,
    /// A regular expression (the `regex` crate's syntax), anywhere in the name.
    Regex,
    /// A whole-name `*`/`?` pattern.
    Glob,
}

impl NameTest {
    pub const ALL: [NameTest; 7] = [
        NameTest::Contains,
        NameTest::NotContains,
        NameTest::Is,
        NameTest::BeginsWith,
        NameTest::EndsWith,
        NameTest::Regex,
        NameTest::Glob,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NameTest::Contains => "contains",
            NameTest::NotContains => "does not contain",
            NameTest::Is => "is equal to",
            NameTest::BeginsWith => "begins with",
            NameTest::EndsWith => "ends with",
            NameTest::Regex => "matches regex",
            NameTest::Glob => "matches pattern",
        }
    }
}

/// How a size or a date compares (for dates: before, on, after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    Less,
    Equal,
    Greater,
}

impl Compare {
    pub const ALL: [Compare; 3] = [Compare::Less, Compare::Equal, Compare::Greater];

    pub fn size_label(self) -> &'static str {
        match self {
            Compare::Less => "less than",
            Compare::Equal => "equals",
            Compare::Greater => "greater than",
        }
    }

    pub fn date_label(self) -> &'static str {
        match self {
            Compare::Less => "before",
            Compare::Equal => "on",
            Compare::Greater => "after",
        }
    }

    fn holds<T: Ord>(self, value: T, against: T) -> bool {
        match self {
            Compare::Less => value < against,
            Compare::Equal => value == against,
            Compare::Greater => value > against,
        }
    }
}

/// One of the nine unix permission bits, `0` (other execute) to `8` (owner read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission(pub u8);

impl Permission {
    pub const ALL: [Permission; 9] = [
        Permission(8),
        Permission(7),
        Permission(6),
        Permission(5),
        Permission(4),
        Permission(3),
        Permission(2),
        Permission(1),
        Permission(0),
    ];

    /// "owner write", "other execute"...
    pub fn label(self) -> String {
        let who = ["other", "group", "owner"][usize::from(self.0.min(8) / 3)];
        let what = ["execute", "write", "read"][usize::from(self.0 % 3)];
        format!("{who} {what}")
    }

    /// Whether a `rwxr-xr-x` string (a leading type letter allowed) has this bit; `None` when
    /// it is not such a string (an MLSD `perm` fact, a Windows listing).
    fn is_set(self, permissions: &str) -> Option<bool> {
        let bits: Vec<char> = permissions.chars().collect();
        let bits = match bits.len() {
            9 => &bits[..],
            10 => &bits[1..],
            _ => return None,
        };
        let c = bits[8 - usize::from(self.0.min(8))];
        let expected = ['r', 'w', 'x'][2 - usize::from(self.0 % 3)];
        match c {
            '-' => Some(false),
            c if c == expected || (expected == 'x' && "sStT".contains(c)) => Some(true),
            _ => None,
        }
    }
}

/// One test on an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Name(NameTest, String),
    /// Bytes; folders and entries without a size never pass.
    Size(Compare, u64),
    /// A day, `YYYY-MM-DD`, against the entry's modification day.
    Date(Compare, String),
    /// A permission bit is set (`true`) or not.
    Permission(Permission, bool),
}

/// How a filter's conditions combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    #[default]
    All,
    Any,
    /// None of the conditions holds.
    None,
    /// Not all of them hold.
    NotAll,
}

impl MatchMode {
    pub const ALL: [MatchMode; 4] = [
        MatchMode::All,
        MatchMode::Any,
        MatchMode::None,
        MatchMode::NotAll,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MatchMode::All => "all of the conditions",
            MatchMode::Any => "any of the conditions",
            MatchMode::None => "none of the conditions",
            MatchMode::NotAll => "not all of the conditions",
        }
    }
}

/// A named filter: the entries it matches are hidden where it is enabled (a search uses the
/// same conditions to find entries instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub name: String,
    pub conditions: Vec<Condition>,
    pub mode: MatchMode,
    /// It applies to files (and links) ...
    pub files: bool,
    /// ... and to folders.
    pub folders: bool,
    /// Name conditions compare case.
    pub case_sensitive: bool,
    /// Enabled on the local pane (and, with "apply to transfers", for uploads).
    pub local: bool,
    /// Enabled on the remote pane (and, with "apply to transfers", for downloads).
    pub remote: bool,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            name: "New filter".to_string(),
            conditions: Vec::new(),
            mode: MatchMode::All,
            files: true,
            folders: true,
            case_sensitive: false,
            local: false,
            remote: false,
        }
    }
}

/// The filters that hide entries during recursive transfers: those enabled on each side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferFilter {
    /// For uploads: what the local walk leaves out.
    pub local: Vec<Filter>,
    /// For downloads: what the remote expansion leaves out.
    pub remote: Vec<Filter>,
}

/// A condition that cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("{0:?} is not a valid regular expression: {1}")]
    Regex(String, String),
    #[error("{0:?} is not a valid pattern: {1}")]
    Glob(String, String),
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    Date(String),
}

/// A condition ready to test.
#[derive(Debug, Clone)]
enum Test {
    Text(NameTest, String),
    Regex(Regex),
    Glob(GlobMatcher),
    Size(Compare, u64),
    Date(Compare, chrono::NaiveDate),
    Permission(Permission, bool),
}

/// A [`Filter`] with its patterns compiled.
#[derive(Debug, Clone)]
pub struct CompiledFilter {
    filter: Filter,
    tests: Vec<Test>,
}

impl Filter {
    /// Compiles the conditions; the first one that cannot be evaluated is the error.
    pub fn compile(&self) -> Result<CompiledFilter, FilterError> {
        let tests = self
            .conditions
            .iter()
            .map(|c| compile_condition(c, self.case_sensitive))
            .collect::<Result<_, _>>()?;
        Ok(CompiledFilter {
            filter: self.clone(),
            tests,
        })
    }
}

fn compile_condition(condition: &Condition, case_sensitive: bool) -> Result<Test, FilterError> {
    let fold = |s: &str| match case_sensitive {
        true => s.to_string(),
        false => s.to_lowercase(),
    };
    Ok(match condition {
        Condition::Name(NameTest::Regex, pattern) => RegexBuilder::new(pattern)
            .case_insensitive(!case_sensitive)
            .size_limit(1 << 20)
            .build()
            .map(Test::Regex)
            .map_err(|e| FilterError::Regex(pattern.clone(), e.to_string()))?,
        Condition::Name(NameTest::Glob, pattern) => GlobBuilder::new(pattern)
            .case_insensitive(!case_sensitive)
            .literal_separator(false)
            .build()
            .map(|g| Test::Glob(g.compile_matcher()))
            .map_err(|e| FilterError::Glob(pattern.clone(), e.kind().to_string()))?,
        Condition::Name(test, text) => Test::Text(*test, fold(text)),
        Condition::Size(compare, bytes) => Test::Size(*compare, *bytes),
        Condition::Date(compare, day) => {
            let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .map_err(|_| FilterError::Date(day.clone()))?;
            Test::Date(*compare, date)
        }
        Condition::Permission(bit, set) => Test::Permission(*bit, *set),
    })
}

impl Test {
    fn holds(&self, entry: &Entry, case_sensitive: bool) -> bool {
        let name = || match case_sensitive {
            true => entry.name.clone(),
            false => entry.name.to_lowercase(),
        };
        match self {
            Test::Text(test, text) => {
                let name = name();
                match test {
                    NameTest::Contains => name.contains(text.as_str()),
                    NameTest::NotContains => !name.contains(text.as_str()),
                    NameTest::Is => name == *text,
                    NameTest::BeginsWith => name.starts_with(text.as_str()),
                    NameTest::EndsWith => name.ends_with(text.as_str()),
                    NameTest::Regex | NameTest::Glob => false,
                }
            }
            Test::Regex(regex) => regex.is_match(&entry.name),
            Test::Glob(glob) => glob.is_match(&entry.name),
            Test::Size(compare, bytes) => {
                entry.kind != EntryKind::Dir
                    && entry.size.is_some_and(|size| compare.holds(size, *bytes))
            }
            Test::Date(compare, date) => entry
                .modified
                .is_some_and(|t| compare.holds(t.time.date(), *date)),
            Test::Permission(bit, set) => entry
                .permissions
                .as_deref()
                .and_then(|p| bit.is_set(p))
                .is_some_and(|is_set| is_set == *set),
        }
    }
}

impl CompiledFilter {
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Whether the filter matches `entry`: it applies to its kind and its conditions combine
    /// to true. A filter without conditions matches nothing.
    pub fn matches(&self, entry: &Entry) -> bool {
        let is_dir = entry.kind == EntryKind::Dir;
        let applies = if is_dir {
            self.filter.folders
        } else {
            self.filter.files
        };
        if !applies || self.tests.is_empty() {
            return false;
        }
        let cs = self.filter.case_sensitive;
        let mut results = self.tests.iter().map(|t| t.holds(entry, cs));
        match self.filter.mode {
            MatchMode::All => results.all(|r| r),
            MatchMode::Any => results.any(|r| r),
            MatchMode::None => !results.any(|r| r),
            MatchMode::NotAll => !results.all(|r| r),
        }
    }
}

/// Several filters: an entry is hidden when any of them matches it.
#[derive(Debug, Clone, Default)]
pub struct FilterSet {
    filters: Vec<CompiledFilter>,
}

impl FilterSet {
    /// The filters that compile (one that does not hides nothing: its editor shows why).
    pub fn new<'a>(filters: impl IntoIterator<Item = &'a Filter>) -> FilterSet {
        FilterSet {
            filters: filters
                .into_iter()
                .filter_map(|f| f.compile().ok())
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    pub fn hides(&self, entry: &Entry) -> bool {
        self.filters.iter().any(|f| f.matches(entry))
    }
}

/// [`TransferFilter`] compiled: what the engine evaluates while expanding folders.
#[derive(Debug, Clone, Default)]
pub struct TransferFilterSet {
    pub local: FilterSet,
    pub remote: FilterSet,
}

impl TransferFilterSet {
    pub fn new(filter: &TransferFilter) -> TransferFilterSet {
        TransferFilterSet {
            local: FilterSet::new(&filter.local),
            remote: FilterSet::new(&filter.remote),
        }
    }
}

#[cfg(test)]
mod tests;
