//! Search over the settings catalog for the picker: built once from [`Definitions`], then each
//! keystroke is a scan over prepared lower-case text with no allocation per definition and no
//! regular expression.

use super::{Definitions, PolicyContext};

/// What a search is narrowed to; empty lists and `None` narrow nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only definitions for one of these platforms (`windows10`, `macOS`, …).
    pub platforms: Vec<String>,
    /// Only definitions sharing one of these technologies (`mdm`, `microsoftSense`, …).
    pub technologies: Vec<String>,
    /// Only definitions of this category (`categoryId`).
    pub category: Option<String>,
}

impl SearchFilter {
    /// The filter for settings a policy may have: its platforms and technologies.
    pub fn for_policy(ctx: &PolicyContext) -> SearchFilter {
        SearchFilter {
            platforms: ctx.platforms.clone(),
            technologies: ctx.technologies.clone(),
            category: None,
        }
    }
}

/// Flag names interned as bits; past 63 names, the rest share the last bit (a filter naming
/// one of them then also lets the others through).
#[derive(Debug, Default)]
struct Bits(Vec<String>);

impl Bits {
    fn bit(&mut self, name: &str) -> u64 {
        let lower = name.to_ascii_lowercase();
        let i = match self.0.iter().position(|n| *n == lower) {
            Some(i) => i,
            None if self.0.len() < 63 => {
                self.0.push(lower);
                self.0.len() - 1
            }
            None => 63,
        };
        1 << i.min(63)
    }

    fn mask(&mut self, names: &[String]) -> u64 {
        names.iter().fold(0, |m, n| m | self.bit(n))
    }

    /// The mask of a filter's names without adding any: `None` when the filter is empty.
    fn filter(&self, names: &[String]) -> Option<u64> {
        if names.is_empty() {
            return None;
        }
        Some(names.iter().fold(0, |m, n| {
            let lower = n.to_ascii_lowercase();
            match self.0.iter().position(|x| *x == lower) {
                Some(i) => m | 1 << i,
                None if self.0.len() >= 63 => m | 1 << 63,
                None => m,
            }
        }))
    }
}

#[derive(Debug)]
struct Entry {
    id: String,
    /// Lower-cased display name, name, id, keywords and category, separated by `\u{1}`.
    hay: String,
    /// Where the display name ends in `hay`, and where the name ends.
    display_end: usize,
    name_end: usize,
    platforms: u64,
    technologies: u64,
    category: String,
}

/// The catalog prepared for searching ([`Search::query`]).
#[derive(Debug, Default)]
pub struct Search {
    entries: Vec<Entry>,
    platforms: Bits,
    technologies: Bits,
}

const SEP: char = '\u{1}';

impl Search {
    /// Prepares every definition of `defs`.
    pub fn new(defs: &Definitions) -> Search {
        let mut s = Search::default();
        s.entries.reserve(defs.len());
        for d in defs.iter() {
            let mut hay =
                String::with_capacity(d.display_name.len() + d.name.len() + d.id.len() + 16);
            hay.push_str(&d.display_name.to_lowercase());
            let display_end = hay.len();
            hay.push(SEP);
            hay.push_str(&d.name.to_lowercase());
            let name_end = hay.len();
            hay.push(SEP);
            hay.push_str(&d.id.to_lowercase());
            for k in &d.keywords {
                hay.push(SEP);
                hay.push_str(&k.to_lowercase());
            }
            let category = d.category_id.as_deref().unwrap_or("").to_lowercase();
            hay.push(SEP);
            hay.push_str(&category);
            s.entries.push(Entry {
                id: d.id.clone(),
                hay,
                display_end,
                name_end,
                platforms: s.platforms.mask(&d.platforms),
                technologies: s.technologies.mask(&d.technologies),
                category,
            });
        }
        s
    }

    /// How many definitions are prepared.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids of at most `limit` definitions matching `text` under `filter`, best first: the
    /// display name or name starting with the text, then a word of them starting with it, then
    /// the text inside them, then every word of the text somewhere (id, keywords, category
    /// included); shorter names first within a rank. Empty text matches everything, in
    /// catalog order.
    pub fn query(&self, text: &str, filter: &SearchFilter, limit: usize) -> Vec<&str> {
        let q = text.trim().to_lowercase();
        let words: Vec<&str> = q.split_whitespace().collect();
        let platforms = self.platforms.filter(&filter.platforms);
        let technologies = self.technologies.filter(&filter.technologies);
        let category = filter.category.as_deref().map(str::to_lowercase);
        let passes = |m: u64, want: Option<u64>| m == 0 || want.is_none_or(|w| m & w != 0);
        let mut hits: Vec<(u8, u32, u32)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !passes(e.platforms, platforms) || !passes(e.technologies, technologies) {
                continue;
            }
            if category.as_deref().is_some_and(|c| c != e.category) {
                continue;
            }
            if let Some(rank) = rank(e, &q, &words) {
                hits.push((rank, e.display_end as u32, i as u32));
            }
        }
        hits.sort_unstable();
        hits.into_iter()
            .take(limit)
            .map(|(_, _, i)| self.entries[i as usize].id.as_str())
            .collect()
    }
}

/// 0: the display name or name starts with `q`; 1: a word of them does; 2: they hold `q`;
/// 3: every word of `q` is somewhere in the entry.
fn rank(e: &Entry, q: &str, words: &[&str]) -> Option<u8> {
    if q.is_empty() {
        return Some(0);
    }
    let display = &e.hay[..e.display_end];
    let name = &e.hay[e.display_end + 1..e.name_end];
    if display.starts_with(q) || name.starts_with(q) {
        return Some(0);
    }
    let mut inside = false;
    for part in [display, name] {
        for (at, _) in part.match_indices(q) {
            inside = true;
            let before = part[..at].chars().next_back();
            if before.is_some_and(|c| !c.is_alphanumeric()) {
                return Some(1);
            }
        }
    }
    if inside {
        return Some(2);
    }
    (words.iter().all(|w| e.hay.contains(w))).then_some(3)
}
