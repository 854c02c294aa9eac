//! Offline validation of a JSON object against the schema: every problem, each with its path, a
//! stable [`Code`], a severity and a message of our own.
//!
//! Codes are part of the interface (the CLI prints them, the app writes them into the page):
//! see [`Code`] for the list and their strings.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::code::Code;
use crate::edm::{format_number, truncate, Edm};
use crate::model::{Property, Schema, StructuredType, TypeId, TypeKind, ValueType};
use crate::path::{FieldPath, PathNode};

/// What the value is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A whole object as GET returns it (or an export of one).
    Object,
    /// A PATCH body: read-only properties are flagged, since they are never sent.
    Patch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub path: FieldPath,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Beyond this many problems a hostile value only costs memory; the rest are summarised.
pub const MAX_PROBLEMS: usize = 1000;

/// The problems found so far, at most [`MAX_PROBLEMS`]; the rest are counted and summarised
/// in one last warning. Both validators (the schema's and the settings catalog's) collect
/// through it.
#[derive(Default)]
pub(crate) struct Collector {
    problems: Vec<Problem>,
    dropped: usize,
}

impl Collector {
    pub(crate) fn push(
        &mut self,
        node: &PathNode,
        code: Code,
        severity: Severity,
        message: String,
    ) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        self.problems.push(Problem {
            path: node.render(),
            code,
            severity,
            message,
        });
    }

    pub(crate) fn finish(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            self.problems.push(Problem {
                path: FieldPath::root(),
                code: Code::TooManyProblems,
                severity: Severity::Warning,
                message: format!(
                    "{} more problems were not listed; fix the ones above first.",
                    self.dropped
                ),
            });
        }
        self.problems
    }
}

/// Validates an object whose type comes from its own top-level `@odata.type`.
pub fn validate(schema: &Schema, value: &Value, mode: Mode) -> Vec<Problem> {
    let mut v = Validator::new(schema, mode);
    let root = FieldPath::root();
    let node = PathNode::Root(&root);
    let Some(map) = value.as_object() else {
        v.error(&node, Code::NotObject, "Expected a JSON object.");
        return v.finish();
    };
    match odata_type_of(map) {
        None => v.error(
            &node,
            Code::MissingOdataType,
            "The object has no \"@odata.type\", so its type is unknown.",
        ),
        Some(t) => {
            if let Some(id) = v.top_level_type(t, None) {
                v.object(&node, id, map, true);
            }
        }
    }
    v.finish()
}

/// Validates an object the caller knows to be of type `expected` (or a type derived from it);
/// its `@odata.type`, when present, must agree.
pub fn validate_as(schema: &Schema, expected: TypeId, value: &Value, mode: Mode) -> Vec<Problem> {
    let mut v = Validator::new(schema, mode);
    let root = FieldPath::root();
    let node = PathNode::Root(&root);
    let Some(map) = value.as_object() else {
        v.error(&node, Code::NotObject, "Expected a JSON object.");
        return v.finish();
    };
    let id = match odata_type_of(map) {
        Some(t) => v.top_level_type(t, Some(expected)),
        None if schema.get(expected).is_abstract => {
            v.abstract_type(&node, expected);
            Some(expected)
        }
        None => Some(expected),
    };
    if let Some(id) = id {
        v.object(&node, id, map, true);
    }
    v.finish()
}

/// Validates one property's value of an object of type `owner`, with paths under its name: what
/// the editor runs on a keystroke instead of the whole object.
pub fn validate_property(
    schema: &Schema,
    owner: TypeId,
    name: &str,
    value: &Value,
    mode: Mode,
) -> Vec<Problem> {
    let mut v = Validator::new(schema, mode);
    let root = FieldPath::root();
    let root_node = PathNode::Root(&root);
    let node = PathNode::Prop(&root_node, name);
    match schema.get(owner).property(name) {
        Some(p) => v.property(&node, p, value),
        None => v.unknown(&node, schema.get(owner), name),
    }
    v.finish()
}

/// The walk over one value (`'v`) against one schema (`'s`). A valid value costs no allocation:
/// paths are [`PathNode`]s on the stack and messages are written only for a problem found.
struct Validator<'s, 'v> {
    schema: &'s Schema,
    mode: Mode,
    problems: Collector,
    types: TypeCache<'v>,
}

impl<'s, 'v> Validator<'s, 'v> {
    fn new(schema: &'s Schema, mode: Mode) -> Self {
        Validator {
            schema,
            mode,
            problems: Collector::default(),
            types: TypeCache::default(),
        }
    }

    fn finish(self) -> Vec<Problem> {
        self.problems.finish()
    }

    fn push(&mut self, node: &PathNode, code: Code, severity: Severity, message: String) {
        self.problems.push(node, code, severity, message)
    }

    fn error(&mut self, node: &PathNode, code: Code, message: impl Into<String>) {
        self.push(node, code, Severity::Error, message.into());
    }

    fn warning(&mut self, node: &PathNode, code: Code, message: impl Into<String>) {
        self.push(node, code, Severity::Warning, message.into());
    }

    fn abstract_type(&mut self, node: &PathNode, id: TypeId) {
        let t = self.schema.get(id);
        let kinds: Vec<&str> = self
            .schema
            .concrete_types(id)
            .into_iter()
            .map(|c| self.schema.get(c).short_name())
            .collect();
        let choice = if kinds.is_empty() {
            String::new()
        } else {
            format!(" Choose one of: {}.", kinds.join(", "))
        };
        self.error(
            node,
            Code::AbstractType,
            format!(
                "{} is an abstract type: a value must name a concrete kind in \"@odata.type\".{choice}",
                t.short_name()
            ),
        );
    }

    /// Resolves a top-level `@odata.type`; reports and returns `None` when it is unusable.
    fn top_level_type(&mut self, t: &'v Value, expected: Option<TypeId>) -> Option<TypeId> {
        let root = FieldPath::root();
        let root_node = PathNode::Root(&root);
        let node = PathNode::Prop(&root_node, "@odata.type");
        let id = self.odata_type(&node, t, expected)?;
        let ty = self.schema.get(id);
        if ty.kind == TypeKind::Complex {
            self.error(
                &node,
                Code::IncompatibleType,
                format!(
                    "{} is a part of an object, not an object Graph stores on its own.",
                    ty.short_name()
                ),
            );
            return None;
        }
        if ty.is_abstract {
            self.abstract_type(&root_node, id);
        }
        Some(id)
    }

    /// Reads an `@odata.type` value and checks it against the declared type, if any.
    fn odata_type(
        &mut self,
        node: &PathNode,
        t: &'v Value,
        declared: Option<TypeId>,
    ) -> Option<TypeId> {
        let Some(name) = t.as_str() else {
            self.error(
                node,
                Code::WrongType,
                "\"@odata.type\" must be text naming a type.",
            );
            return None;
        };
        let Some(id) = self.types.find(self.schema, name) else {
            self.error(
                node,
                Code::UnknownType,
                format!(
                    "{:?} is not a type this editor knows in the {} API.",
                    truncate(name, 80),
                    self.schema.api
                ),
            );
            return None;
        };
        if let Some(d) = declared {
            if !self.schema.is_same_or_derived(id, d) {
                self.error(
                    node,
                    Code::IncompatibleType,
                    format!(
                        "{} is not a kind of {}.",
                        self.schema.get(id).short_name(),
                        self.schema.get(d).short_name()
                    ),
                );
                return None;
            }
        }
        Some(id)
    }

    fn unknown(&mut self, node: &PathNode, owner: &StructuredType, name: &str) {
        if owner.navigation.iter().any(|n| n == name) {
            self.warning(
                node,
                Code::NavigationProperty,
                format!(
                    "{name:?} is a relationship, not a setting: it is ignored here and never sent."
                ),
            );
        } else if !owner.is_open {
            self.warning(
                node,
                Code::UnknownProperty,
                format!(
                    "{:?} is not a property of {} in the {} API; Graph may reject it.",
                    truncate(name, 80),
                    owner.short_name(),
                    self.schema.api
                ),
            );
        }
    }

    fn object(&mut self, node: &PathNode, id: TypeId, map: &'v Map<String, Value>, top: bool) {
        let t = self.schema.get(id);
        let mut required_seen = 0;
        let mut next = 0;
        for (key, value) in map {
            let found = match t.properties.get(next) {
                // The usual case: the key is the property after the last one found (see
                // `find_property`).
                Some(p) if text::is_plain(key, &p.name) => {
                    // Exact as long as a type has no two properties of one name (CSDL forbids it).
                    debug_assert!(t.property(key).is_some_and(|q| std::ptr::eq(p, q)));
                    next += 1;
                    Some(p)
                }
                // Instance and property annotations (`@odata.etag`, `x@odata.type`) are not data.
                _ if text::has_at_sign(key) => continue,
                _ => find_property(t, key, &mut next),
            };
            let child = PathNode::Prop(node, key);
            match found {
                Some(p) => {
                    required_seen += usize::from(p.is_required());
                    self.property(&child, p, value)
                }
                None => self.unknown(&child, t, key),
            }
        }
        // A nested complex value is always sent whole, so its required parts must be there; a
        // PATCH body leaves out whatever it does not change. Counting first spares the search
        // in the usual case where all of them are there.
        if (!top || self.mode == Mode::Object) && required_seen < t.required_count {
            for p in &t.properties {
                if p.is_required() && !has_key(map, &p.name) {
                    let child = PathNode::Prop(node, &p.name);
                    self.warning(
                        &child,
                        Code::MissingRequired,
                        format!("{} is required and missing.", p.name),
                    );
                }
            }
        }
    }

    fn property(&mut self, node: &PathNode, p: &Property, value: &'v Value) {
        if p.read_only && self.mode == Mode::Patch {
            // Said, and its value is still checked for its type below.
            self.warning(
                node,
                Code::ReadOnly,
                format!(
                    "{} is read-only: Graph sets it, and the editor never sends it.",
                    p.name
                ),
            );
        }
        if p.collection {
            match value {
                Value::Null => self.null(node, p),
                Value::Array(items) => {
                    if let Some(max) = p.constraints.max_items {
                        if items.len() > max as usize {
                            self.error(
                                node,
                                Code::TooManyItems,
                                format!(
                                    "At most {max} items are allowed; there are {}.",
                                    items.len()
                                ),
                            );
                        }
                    }
                    for (i, item) in items.iter().enumerate() {
                        let child = PathNode::Index(node, i);
                        self.single(&child, p, item);
                    }
                }
                other => self.error(
                    node,
                    Code::WrongType,
                    format!("Expected a list, found {}.", describe_json(other)),
                ),
            }
        } else {
            self.single(node, p, value);
        }
    }

    fn null(&mut self, node: &PathNode, p: &Property) {
        if !p.nullable {
            self.error(
                node,
                Code::NotNullable,
                "A value is required here; null is not allowed.",
            );
        }
    }

    fn single(&mut self, node: &PathNode, p: &Property, value: &'v Value) {
        if value.is_null() {
            self.null(node, p);
            return;
        }
        match p.value_type {
            ValueType::Primitive(edm) => self.primitive(node, p, edm, value),
            ValueType::Enum(e) => self.enumeration(node, e, value),
            ValueType::Structured(id) => self.structured(node, id, value),
            ValueType::Unresolved => {}
        }
    }

    fn primitive(&mut self, node: &PathNode, p: &Property, edm: Edm, value: &Value) {
        if let Some(fault) = edm.fault(value) {
            let problem = edm.problem(fault, value);
            self.error(node, problem.code, problem.message);
            return;
        }
        let c = &p.constraints;
        if (c.min.is_some() || c.max.is_some()) && edm.is_numeric() {
            let x = value.as_f64().unwrap_or_default();
            let below = c.min.is_some_and(|m| x < m);
            let above = c.max.is_some_and(|m| x > m);
            if below || above {
                self.error(node, Code::OutOfRange, range_message(x, c.min, c.max));
            }
        }
        if let Some(max) = c.max_length {
            if let Some(s) = value.as_str() {
                let len = s.chars().count();
                if len > max as usize {
                    self.error(
                        node,
                        Code::TooLong,
                        format!("At most {max} characters are allowed; this has {len}."),
                    );
                }
            }
        }
    }

    fn enumeration(&mut self, node: &PathNode, id: crate::model::EnumId, value: &Value) {
        let e = self.schema.enum_type(id);
        let Some(s) = value.as_str() else {
            self.error(
                node,
                Code::WrongType,
                format!(
                    "Expected the name of a member, found {}.",
                    describe_json(value)
                ),
            );
            return;
        };
        // `EnumType::has_member`, with the faster comparison.
        let has_member = |name: &str| e.members.iter().any(|(m, _)| text::same(m, name));
        let valid = if e.flags {
            s.split(',').map(str::trim).all(has_member)
        } else {
            has_member(s)
        };
        if !valid {
            let bad: Vec<&str> = if e.flags {
                s.split(',')
                    .map(str::trim)
                    .filter(|m| !has_member(m))
                    .collect()
            } else {
                vec![s]
            };
            let members: Vec<&str> = e.members.iter().map(|(m, _)| m.as_str()).collect();
            let shown = if members.len() > 12 {
                format!("{}, …", members[..12].join(", "))
            } else {
                members.join(", ")
            };
            let what = if e.flags {
                "Each comma-separated part must be one of"
            } else {
                "Must be one of"
            };
            self.error(
                node,
                Code::InvalidEnum,
                format!(
                    "{:?} is not allowed. {what}: {shown}.",
                    truncate(&bad.join(","), 60)
                ),
            );
        }
    }

    fn structured(&mut self, node: &PathNode, declared: TypeId, value: &'v Value) {
        let Some(map) = value.as_object() else {
            self.error(
                node,
                Code::WrongType,
                format!(
                    "Expected an object of type {}, found {}.",
                    self.schema.get(declared).short_name(),
                    describe_json(value)
                ),
            );
            return;
        };
        let actual = match odata_type_of(map) {
            Some(t) => {
                let child = PathNode::Prop(node, "@odata.type");
                match self.odata_type(&child, t, Some(declared)) {
                    Some(id) => id,
                    None => return,
                }
            }
            None => declared,
        };
        if self.schema.get(actual).is_abstract {
            self.abstract_type(node, actual);
        }
        self.object(node, actual, map, false);
    }
}

/// The `@odata.type` annotation of an object. It usually comes first, and comparing a few keys
/// is cheaper than hashing one.
fn odata_type_of(map: &Map<String, Value>) -> Option<&Value> {
    const SCANNED: usize = 8;
    for (key, value) in map.iter().take(SCANNED) {
        if text::same(key, "@odata.type") {
            return Some(value);
        }
    }
    if map.len() > SCANNED {
        map.get("@odata.type")
    } else {
        None
    }
}

/// `map.contains_key(key)`; comparing the keys of a small object is cheaper than hashing.
fn has_key(map: &Map<String, Value>, key: &str) -> bool {
    const SCANNED: usize = 16;
    if map.len() <= SCANNED {
        map.keys()
            .any(|k| k.len() == key.len() && text::same(k, key))
    } else {
        map.contains_key(key)
    }
}

/// The property `key` of `t`, exactly as [`StructuredType::property`] finds it, and in `next`
/// the index after it.
///
/// Objects as Graph returns them, as the editor builds them and as exports keep them list their
/// properties in the schema's order, so [`Validator::object`] first tries the property after
/// the last one found: one comparison instead of hashing the whole name. When that fails, a
/// small type is searched from the end (where a duplicated name would be indexed, too) and a
/// large one through its index.
fn find_property<'t>(t: &'t StructuredType, key: &str, next: &mut usize) -> Option<&'t Property> {
    const SCANNED: usize = 12;
    let props = &t.properties;
    if props.len() <= SCANNED {
        let i = props
            .iter()
            .rposition(|p| p.name.len() == key.len() && text::same(&p.name, key))?;
        *next = i + 1;
        return Some(&props[i]);
    }
    let p = t.property(key)?;
    // The index of `p` in `props`, from addresses: `p` is an element of that slice. (Were it
    // not, `next` would only be a poor guess: a guess is always checked against the key.)
    let offset = (p as *const Property as usize).wrapping_sub(props.as_ptr() as usize);
    *next = offset / std::mem::size_of::<Property>() + 1;
    Some(p)
}

/// `@odata.type` spellings already resolved during one walk. The objects of a list usually
/// repeat a few kinds, and resolving a name hashes all of it; a hit costs a comparison.
#[derive(Default)]
struct TypeCache<'v> {
    entries: [Option<(&'v str, Option<TypeId>)>; 8],
    next: usize,
}

impl<'v> TypeCache<'v> {
    /// What [`Schema::find`] answers for `name`.
    fn find(&mut self, schema: &Schema, name: &'v str) -> Option<TypeId> {
        let last = name.as_bytes().last();
        for &(cached, id) in self.entries.iter().flatten() {
            // Names differ mostly in their length and their end: test those before all of it.
            if cached.len() == name.len()
                && cached.as_bytes().last() == last
                && text::same(cached, name)
            {
                return id;
            }
        }
        let id = schema.find(name);
        self.entries[self.next] = Some((name, id));
        self.next = (self.next + 1) % self.entries.len();
        id
    }
}

fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn range_message(x: f64, min: Option<f64>, max: Option<f64>) -> String {
    let (x, min, max) = (
        format_number(x),
        min.map(format_number),
        max.map(format_number),
    );
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{x} is out of range: allowed values are {lo} to {hi}."),
        (Some(lo), None) => format!("{x} is too small: the minimum is {lo}."),
        (None, Some(hi)) => format!("{x} is too large: the maximum is {hi}."),
        (None, None) => String::new(),
    }
}

/// Text tests for the walk's hottest lines, eight bytes at a time: every key of every object is
/// searched for `@` and compared with a property name. In WebAssembly, `==` on text and
/// `str::contains` go through a `memcmp` and a `memchr` that read one or four bytes at a time.
mod text {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const ATS: u64 = u64::from_ne_bytes([b'@'; 8]);

    /// `a == b`.
    pub(super) fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i + 8 <= a.len() {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// `key == name`, and `key` holds no `@`.
    pub(super) fn is_plain(key: &str, name: &str) -> bool {
        let (a, b) = (key.as_bytes(), name.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i + 8 <= a.len() {
            let w = word(a, i);
            if w != word(b, i) || has_at(w) {
                return false;
            }
            i += 8;
        }
        while i < a.len() {
            if a[i] != b[i] || a[i] == b'@' {
                return false;
            }
            i += 1;
        }
        true
    }

    /// `s.contains('@')`.
    pub(super) fn has_at_sign(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i + 8 <= b.len() {
            if has_at(word(b, i)) {
                return true;
            }
            i += 8;
        }
        b[i..].contains(&b'@')
    }

    /// The eight bytes of `b` from `i` as one number. (Left to itself, an optimizer for size
    /// may call this rather than load the eight bytes in place.)
    #[inline(always)]
    fn word(b: &[u8], i: usize) -> u64 {
        let mut w = [0; 8];
        w.copy_from_slice(&b[i..i + 8]);
        u64::from_ne_bytes(w)
    }

    /// Whether a byte of `w` is `@`: the exact test for a zero byte, on `w` with `@`s cleared.
    #[inline(always)]
    fn has_at(w: u64) -> bool {
        let z = w ^ ATS;
        z.wrapping_sub(ONES) & !z & HIGHS != 0
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn agree_with_the_standard_library() {
            let words = [
                "",
                "a",
                "@",
                "abcdefg",
                "abcdefgh",
                "abcdefgh@",
                "@bcdefgh",
                "abc@efghijklmnop",
                "abcdefghijklmnoq",
                "abcdefghijklmnop",
                "x@odata.type",
                "@odata.type",
                "é@ü",
                "éü",
                "\u{7f}\u{80}\u{c0}@\u{ff}",
                "accountsBlockAddingNonMicrosoftAccountEmail",
                "accountsBlockAddingNonMicrosoftAccountEmaiL",
            ];
            for a in words {
                assert_eq!(has_at_sign(a), a.contains('@'), "{a:?}");
                for b in words {
                    assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
                    assert_eq!(is_plain(a, b), a == b && !a.contains('@'), "{a:?} {b:?}");
                }
            }
            // Every byte value in every position of a word.
            for pos in 0..9 {
                for c in 0..=255u8 {
                    let mut bytes = vec![b'a'; 9];
                    bytes[pos] = c;
                    let s = String::from_utf8_lossy(&bytes).into_owned();
                    assert_eq!(has_at_sign(&s), s.contains('@'), "{s:?}");
                }
            }
        }
    }
}
