//! JSON paths as the editor, the CLI and the form's `name` attributes spell them:
//! `omaSettings[3].value`, `qrCodeImage.value`, `passwordExpirationDays`.

use std::fmt::{self, Write};

use serde::Serialize;

/// A rendered path into a JSON value; the empty path is the object itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FieldPath(String);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(String::new())
    }

    /// The path of a property below this one.
    pub fn prop(&self, name: &str) -> FieldPath {
        if self.0.is_empty() {
            FieldPath(name.to_string())
        } else {
            FieldPath(format!("{}.{name}", self.0))
        }
    }

    /// The path of an element of the collection at this path.
    pub fn index(&self, i: usize) -> FieldPath {
        FieldPath(format!("{}[{i}]", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The top-level property this path is under: `omaSettings` for `omaSettings[2].value`.
    pub fn top_property(&self) -> &str {
        let end = self.0.find(['.', '[']).unwrap_or(self.0.len());
        &self.0[..end]
    }

    /// True when `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        other.0.is_empty()
            || (self.0.starts_with(&other.0)
                && matches!(
                    self.0.as_bytes().get(other.0.len()),
                    None | Some(b'.' | b'[')
                ))
    }

    /// Parses a rendered path; Graph error targets use the same spelling.
    pub fn parse(s: &str) -> FieldPath {
        FieldPath(s.trim().to_string())
    }
}

/// One step of a path: a property, or an element of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl FieldPath {
    /// The steps of the path, in order; `None` when it is not one this module writes (an
    /// unclosed `[`, an index that is not a number). A key starting with `@` (an annotation such
    /// as `@odata.type`) runs to the next `[`, dot and all.
    pub fn steps(&self) -> Option<Vec<Step<'_>>> {
        let mut steps = Vec::new();
        let mut rest = self.0.as_str();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('[') {
                let (n, r) = r.split_once(']')?;
                steps.push(Step::Index(n.parse().ok()?));
                rest = r;
            } else {
                let r = rest.strip_prefix('.').unwrap_or(rest);
                let end = if r.starts_with('@') {
                    r.find('[').unwrap_or(r.len())
                } else {
                    r.find(['.', '[']).unwrap_or(r.len())
                };
                steps.push(Step::Key(&r[..end]));
                rest = &r[end..];
            }
        }
        Some(steps)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path under construction during a walk, kept on the stack so that a valid value costs no
/// allocation; it is rendered only when a problem is reported.
#[derive(Clone, Copy)]
pub(crate) enum PathNode<'a> {
    Root(&'a FieldPath),
    Prop(&'a PathNode<'a>, &'a str),
    Index(&'a PathNode<'a>, usize),
}

impl PathNode<'_> {
    /// The path as [`FieldPath::prop`] and [`FieldPath::index`] would build it, in one string.
    pub(crate) fn render(&self) -> FieldPath {
        let mut out = String::new();
        self.write(&mut out);
        FieldPath(out)
    }

    fn write(&self, out: &mut String) {
        match self {
            PathNode::Root(p) => out.push_str(&p.0),
            PathNode::Prop(parent, name) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathNode::Index(parent, i) => {
                parent.write(out);
                // Writing to a `String` cannot fail.
                let _ = write!(out, "[{i}]");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_back_as_the_steps_that_built_it() {
        let p = FieldPath::root()
            .prop("omaSettings")
            .index(2)
            .prop("@odata.type");
        assert_eq!(
            p.steps(),
            Some(vec![
                Step::Key("omaSettings"),
                Step::Index(2),
                Step::Key("@odata.type")
            ])
        );
        let p = FieldPath::parse("a.b[10].c");
        assert_eq!(
            p.steps(),
            Some(vec![
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(10),
                Step::Key("c")
            ])
        );
        assert_eq!(FieldPath::root().steps(), Some(vec![]));
        assert_eq!(FieldPath::parse("a[x]").steps(), None);
        assert_eq!(FieldPath::parse("a[1").steps(), None);
    }

    #[test]
    fn nodes_render_as_field_paths_build() {
        for root in [FieldPath::root(), FieldPath::parse("omaSettings[1]")] {
            let r = PathNode::Root(&root);
            let a = PathNode::Prop(&r, "omaSettings");
            let b = PathNode::Index(&a, 12);
            let c = PathNode::Prop(&b, "value");
            let empty = PathNode::Prop(&r, "");
            let after_empty = PathNode::Prop(&empty, "x");
            let index_first = PathNode::Index(&r, 3);
            let cases = [
                (r, root.clone()),
                (c, root.prop("omaSettings").index(12).prop("value")),
                (after_empty, root.prop("").prop("x")),
                (index_first, root.index(3)),
                (PathNode::Prop(&index_first, "y"), root.index(3).prop("y")),
            ];
            for (node, want) in cases {
                assert_eq!(node.render(), want);
            }
        }
    }

    #[test]
    fn builds_and_splits_paths() {
        let p = FieldPath::root().prop("omaSettings").index(2).prop("value");
        assert_eq!(p.as_str(), "omaSettings[2].value");
        assert_eq!(p.top_property(), "omaSettings");
        assert!(p.starts_with(&FieldPath::parse("omaSettings")));
        assert!(p.starts_with(&FieldPath::parse("omaSettings[2]")));
        assert!(!p.starts_with(&FieldPath::parse("omaSetting")));
        assert!(
            !FieldPath::parse("omaSettings[20]").starts_with(&FieldPath::parse("omaSettings[2]"))
        );
    }
}
