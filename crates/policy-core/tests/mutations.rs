//! The validator against the schema, for every entity type of both API versions: an object
//! generated valid by construction ([`policy_core::generate`]) gives no problem at all, and
//! each change of one field past a limit (a declared minimum − 1 or maximum + 1, an integer
//! type's range ± 1, one character more than a maximum length or one item more than a maximum
//! count, a name outside an enum) gives exactly one problem, an error, at exactly the path of
//! that field, however deep it is nested in complex values and list items. A value exactly at
//! a limit gives no problem.
//!
//! Nothing is sampled: every mutation of every constrained field of every generated object is
//! checked. A type whose nested places may hold several concrete kinds is generated once per
//! kind (`Options::kind`), so that the properties of every kind are reached.

use std::collections::{BTreeSet, HashSet};
use std::time::Instant;

use policy_core::edm::Edm;
use policy_core::embedded::schema;
use policy_core::generate::{self, Options};
use policy_core::model::{ApiVersion, Constraints, Property, Schema, TypeId, TypeKind, ValueType};
use policy_core::{validate, validate_as, Code, FieldPath, Mode, Problem};
use serde_json::{json, Map, Value};

/// One step into a JSON value.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The new value of a field.
enum Change {
    To(Value),
    /// A list of `n` copies of one item, built only when it is checked: a list may hold 10,000.
    Repeat(Value, usize),
}

impl Change {
    /// What tells two changes apart, short for a long list.
    fn key(&self) -> String {
        match self {
            Change::To(v) => v.to_string(),
            Change::Repeat(item, n) => format!("{n} × {item}"),
        }
    }

    fn build(self) -> Value {
        match self {
            Change::To(v) => v,
            Change::Repeat(item, n) => Value::Array(vec![item; n]),
        }
    }
}

/// A declared property, as (declaring type, name).
type Declared = (String, String);

/// One changed field of a valid object.
struct Case {
    at: Vec<Seg>,
    change: Change,
    /// The code of the one error the change must give; `None` for a value at a limit, which
    /// must give no problem.
    want: Option<Code>,
    /// What was changed, for the failure message and the counts.
    kind: &'static str,
    /// The declared constraint it passes or meets, if it is one (not the Edm type's range or an
    /// enum's members).
    declared: Option<Declared>,
}

/// What the walk over one schema checked.
#[derive(Default)]
struct Tally {
    types: usize,
    /// Valid objects generated: one per concrete kind of a type's most varied nested place.
    objects: usize,
    mutations: usize,
    at_limits: usize,
    /// Mutations inside a complex value (a property below the top level) and in a list (an
    /// index in the path).
    in_complex: usize,
    in_list: usize,
    /// Segments of the deepest path mutated.
    deepest: usize,
    kinds: BTreeSet<&'static str>,
    /// The paths mutated, each with what was done there.
    paths: BTreeSet<(String, &'static str)>,
    /// Declared properties with a constraint that some mutation passed.
    constrained: BTreeSet<Declared>,
    failures: Vec<String>,
}

fn path_of(at: &[Seg]) -> FieldPath {
    at.iter().fold(FieldPath::root(), |p, s| match s {
        Seg::Key(k) => p.prop(k),
        Seg::Index(i) => p.index(*i),
    })
}

fn get_mut<'v>(mut v: &'v mut Value, at: &[Seg]) -> &'v mut Value {
    for s in at {
        v = match s {
            Seg::Key(k) => v.get_mut(k.as_str()),
            Seg::Index(i) => v.get_mut(*i),
        }
        .expect("a case's path leads into the object");
    }
    v
}

/// A whole number as JSON text carries it: beyond `i64` and `u64`, serde_json reads a float.
fn whole(x: i128) -> Value {
    if let Ok(i) = i64::try_from(x) {
        json!(i)
    } else if let Ok(u) = u64::try_from(x) {
        json!(u)
    } else {
        serde_json::from_str(&x.to_string()).expect("a number")
    }
}

/// A declared limit of a numeric property moved by `delta` (0 or ±1), and the code its value
/// past the limit gets. An integral type takes a whole limit as a whole number.
fn moved(edm: Edm, limit: f64, delta: i8) -> (Value, Code) {
    let integral = edm.integer_range().is_some();
    if integral && limit.fract() == 0.0 && limit.abs() < 1e30 {
        (whole(limit as i128 + delta as i128), Code::OutOfRange)
    } else {
        let code = if integral {
            Code::NotInteger
        } else {
            Code::OutOfRange
        };
        (json!(limit + delta as f64), code)
    }
}

fn satisfiable(c: &Constraints) -> bool {
    match (c.min, c.max) {
        (Some(lo), Some(hi)) => lo <= hi,
        _ => true,
    }
}

/// The cases of one generated object: a walk over it beside its schema.
struct Walk<'s> {
    schema: &'s Schema,
    options: Options,
    cases: Vec<Case>,
    /// The most concrete kinds a nested place of the object may hold.
    kinds: usize,
}

impl Walk<'_> {
    fn push(
        &mut self,
        at: &[Seg],
        change: Change,
        want: Option<Code>,
        kind: &'static str,
        p: Option<&Property>,
    ) {
        let declared = p.map(|p| (self.schema.get(p.declared_in).name.clone(), p.name.clone()));
        self.cases.push(Case {
            at: at.to_vec(),
            change,
            want,
            kind,
            declared,
        });
    }

    fn object(&mut self, map: &Map<String, Value>, at: &mut Vec<Seg>, depth: usize) {
        let name = map["@odata.type"].as_str().expect("a generated type name");
        let t = self
            .schema
            .get(self.schema.find(name).expect("a known type"));
        for (key, value) in map {
            if key.contains('@') {
                continue;
            }
            let p = t.property(key).expect("generated keys are properties");
            at.push(Seg::Key(key.clone()));
            if p.collection {
                self.list(p, value.as_array().expect("a list"), at, depth);
            } else {
                self.item(p, value, at, depth);
            }
            at.pop();
        }
    }

    fn list(&mut self, p: &Property, items: &[Value], at: &mut Vec<Seg>, depth: usize) {
        if let Some(max) = p.constraints.max_items {
            let one = items
                .first()
                .cloned()
                .or_else(|| generate::valid_item(self.schema, p, &self.options, depth));
            if let Some(one) = one {
                let n = max as usize;
                let full = Change::Repeat(one.clone(), n);
                self.push(at, full, None, "max items", Some(p));
                let over = Change::Repeat(one, n + 1);
                self.push(at, over, Some(Code::TooManyItems), "max items + 1", Some(p));
            }
        }
        for (i, item) in items.iter().enumerate() {
            at.push(Seg::Index(i));
            self.item(p, item, at, depth);
            at.pop();
        }
    }

    fn item(&mut self, p: &Property, value: &Value, at: &mut Vec<Seg>, depth: usize) {
        match p.value_type {
            ValueType::Primitive(edm) => self.primitive(p, edm, at),
            ValueType::Enum(e) => {
                let e = self.schema.enum_type(e);
                let first = &e.members[0].0;
                let bad = (0..)
                    .map(|i| format!("{first}Unknown{i}"))
                    .find(|m| !e.has_member(m))
                    .expect("some name is not a member");
                if e.flags {
                    let mixed = Change::To(json!(format!("{first},{bad}")));
                    self.push(
                        at,
                        mixed,
                        Some(Code::InvalidEnum),
                        "flags with a non-member",
                        None,
                    );
                }
                let bad = Change::To(json!(bad));
                self.push(at, bad, Some(Code::InvalidEnum), "enum non-member", None);
            }
            ValueType::Structured(declared) => {
                self.kinds = self.kinds.max(self.schema.concrete_types(declared).len());
                self.object(value.as_object().expect("an object"), at, depth + 1);
            }
            ValueType::Unresolved => {}
        }
    }

    fn primitive(&mut self, p: &Property, edm: Edm, at: &[Seg]) {
        let c = &p.constraints;
        if edm.is_numeric() {
            let limits = [
                (c.min, -1, "declared minimum", "declared minimum - 1"),
                (c.max, 1, "declared maximum", "declared maximum + 1"),
            ];
            for (limit, delta, at_limit, past_limit) in limits {
                let Some(limit) = limit else { continue };
                let (value, _) = moved(edm, limit, 0);
                if satisfiable(c) && edm.check(&value).is_ok() {
                    self.push(at, Change::To(value), None, at_limit, Some(p));
                }
                let (past, code) = moved(edm, limit, delta);
                // A float so large that one more is the same number cannot be passed by one.
                if past != json!(limit) {
                    self.push(at, Change::To(past), Some(code), past_limit, Some(p));
                }
            }
        }
        // The type's own range, its ends valid where no declared limit is stricter.
        let range = match edm {
            Edm::Single => Some((-(f32::MAX as f64), f32::MAX as f64)),
            _ => edm.integer_range().map(|(lo, hi)| (lo as f64, hi as f64)),
        };
        if let Some((lo, hi)) = range {
            let (lo_ok, hi_ok) = (c.min.is_none_or(|m| m <= lo), c.max.is_none_or(|m| m >= hi));
            let (at_lo, at_hi, below, above) = match edm.integer_range() {
                Some((lo, hi)) => (
                    whole(lo as i128),
                    whole(hi as i128),
                    whole(lo as i128 - 1),
                    whole(hi as i128 + 1),
                ),
                // Beyond the largest single-precision number by far more than one: a float's
                // neighbour rounds back to it.
                None => (json!(lo), json!(hi), json!(-1e39), json!(1e39)),
            };
            if lo_ok && c.max.is_none_or(|m| m >= lo) {
                self.push(at, Change::To(at_lo), None, "type minimum", None);
            }
            if hi_ok && c.min.is_none_or(|m| m <= hi) {
                self.push(at, Change::To(at_hi), None, "type maximum", None);
            }
            let code = Some(Code::OutOfRange);
            self.push(at, Change::To(below), code, "type minimum - 1", None);
            self.push(at, Change::To(above), code, "type maximum + 1", None);
        }
        if let (Some(max), Edm::String) = (c.max_length, edm) {
            // Characters, not bytes: each `é` is two bytes in UTF-8.
            let n = max as usize;
            let full = Change::To(json!("é".repeat(n)));
            self.push(at, full, None, "max length", Some(p));
            let over = Change::To(json!("é".repeat(n + 1)));
            self.push(at, over, Some(Code::TooLong), "max length + 1", Some(p));
        }
    }
}

fn describe(problems: &[Problem]) -> String {
    let each: Vec<String> = problems
        .iter()
        .map(|p| {
            let (severity, code, path) = (p.severity, p.code, p.path.as_str());
            format!("{severity:?} {code} at {path:?}: {}", p.message)
        })
        .collect();
    each.join("; ")
}

/// Generates the valid objects of the concrete entity type `id` (one per kind of its most
/// varied nested place, so that every concrete kind of every place is filled once) and checks
/// them and every mutation of them.
fn check_type(s: &Schema, id: TypeId, tally: &mut Tally) {
    let name = s.get(id).short_name();
    tally.types += 1;
    // The mutations already checked in an earlier object of this type.
    let mut seen: HashSet<(FieldPath, &'static str, String, Option<Declared>)> = HashSet::new();
    let mut kinds = 1;
    let mut kind = 0;
    while kind < kinds {
        let options = Options {
            kind,
            ..Options::default()
        };
        kind += 1;
        let mut object = generate::valid_object(s, id, &options).expect("a concrete type");
        tally.objects += 1;

        // Every constrained property is filled at the top level, so every one is mutated.
        for p in &s.get(id).properties {
            if !p.constraints.is_empty() && object.get(&p.name).is_none() {
                let (p, c) = (&p.name, &p.constraints);
                tally
                    .failures
                    .push(format!("{name}: the generator left out {p} ({c:?})"));
            }
        }
        let problems = validate(s, &object, Mode::Object);
        if !problems.is_empty() {
            let problems = describe(&problems);
            tally
                .failures
                .push(format!("{name} (kind {}): not valid: {problems}", kind - 1));
            continue;
        }
        // The body of a PATCH that writes every writable property is valid too.
        let writable = Options {
            read_only: false,
            ..options
        };
        let body = generate::valid_object(s, id, &writable).expect("a concrete type");
        let problems = validate(s, &body, Mode::Patch);
        if !problems.is_empty() {
            let problems = describe(&problems);
            tally.failures.push(format!(
                "{name} (kind {}): PATCH not valid: {problems}",
                kind - 1
            ));
        }

        let mut walk = Walk {
            schema: s,
            options,
            cases: Vec::new(),
            kinds: 1,
        };
        walk.object(object.as_object().expect("an object"), &mut Vec::new(), 0);
        kinds = kinds.max(walk.kinds);

        for case in walk.cases {
            let path = path_of(&case.at);
            let key = (
                path.clone(),
                case.kind,
                case.change.key(),
                case.declared.clone(),
            );
            if !seen.insert(key) {
                continue;
            }
            let slot = get_mut(&mut object, &case.at);
            let original = std::mem::replace(slot, case.change.build());
            let problems = validate(s, &object, Mode::Object);
            let changed = std::mem::replace(get_mut(&mut object, &case.at), original);

            let ok = match case.want {
                None => problems.is_empty(),
                Some(code) => {
                    problems.len() == 1
                        && problems[0].is_error()
                        && problems[0].path == path
                        && problems[0].code == code
                }
            };
            if !ok {
                let shown: String = changed.to_string().chars().take(80).collect();
                let want = case
                    .want
                    .map_or("no problem".into(), |c| format!("one error {c}"));
                tally.failures.push(format!(
                    "{name}: {} at {:?} = {shown}: wanted {want}, got [{}]",
                    case.kind,
                    path.as_str(),
                    describe(&problems)
                ));
                continue;
            }
            tally.kinds.insert(case.kind);
            tally.paths.insert((path.to_string(), case.kind));
            if case.want.is_none() {
                tally.at_limits += 1;
                continue;
            }
            tally.mutations += 1;
            tally.deepest = tally.deepest.max(case.at.len());
            if case.at.iter().skip(1).any(|s| matches!(s, Seg::Key(_))) {
                tally.in_complex += 1;
            }
            if case.at.iter().any(|s| matches!(s, Seg::Index(_))) {
                tally.in_list += 1;
            }
            if let Some(d) = case.declared {
                tally.constrained.insert(d);
            }
        }
    }
}

/// Checks every entity type of `s`: the concrete ones with all their mutations, the abstract
/// ones through the concrete kind the generator fills them with.
fn check_schema(s: &Schema) -> Tally {
    let mut tally = Tally::default();
    for (id, t) in s.types() {
        if t.kind != TypeKind::Entity {
            continue;
        }
        if !t.is_abstract {
            check_type(s, id, &mut tally);
            continue;
        }
        // The validator rejects an object of an abstract type (`abstract-type`) and takes one
        // of a kind derived from it in its place: what the generator builds for it.
        let Some(object) = generate::valid_object(s, id, &Options::default()) else {
            continue; // No concrete kind: nothing can be an object of it.
        };
        let problems = validate_as(s, id, &object, Mode::Object);
        if !problems.is_empty() {
            let problems = describe(&problems);
            let name = t.short_name();
            tally
                .failures
                .push(format!("{name}: not valid: {problems}"));
        }
    }
    tally
}

/// The declared properties with a constraint, wherever they are declared.
fn constrained_properties(s: &Schema) -> BTreeSet<Declared> {
    s.types()
        .flat_map(|(_, t)| t.properties.iter())
        .filter(|p| !p.constraints.is_empty())
        .map(|p| (s.get(p.declared_in).name.clone(), p.name.clone()))
        .collect()
}

fn report(what: &str, tally: &Tally, declared: usize) {
    eprintln!(
        "{what}: {} concrete entity types in {} valid objects; {} mutations, each exactly one \
         error at its path ({} inside a complex value, {} in a list, paths of up to {} \
         segments); {} values at a limit, no problem; {} of {} constrained properties declared \
         were passed; {} kinds of change",
        tally.types,
        tally.objects,
        tally.mutations,
        tally.in_complex,
        tally.in_list,
        tally.deepest,
        tally.at_limits,
        tally.constrained.len(),
        declared,
        tally.kinds.len(),
    );
}

fn fail_on(failures: &[String]) {
    let first: Vec<&str> = failures.iter().take(40).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} failures, the first ones:\n{}",
        failures.len(),
        first.join("\n")
    );
}

/// Every kind of change the walk makes; each must have happened somewhere.
const KINDS: [&str; 14] = [
    "declared minimum",
    "declared minimum - 1",
    "declared maximum",
    "declared maximum + 1",
    "type minimum",
    "type minimum - 1",
    "type maximum",
    "type maximum + 1",
    "max items",
    "max items + 1",
    "max length",
    "max length + 1",
    "enum non-member",
    "flags with a non-member",
];

#[test]
fn every_entity_type_of_both_versions_rejects_each_limit_passed_by_one_at_its_path() {
    let started = Instant::now();
    let mut failures = Vec::new();
    for api in ApiVersion::ALL {
        let s = schema(api);
        let mut tally = check_schema(s);
        let declared = constrained_properties(s);
        report(api.as_str(), &tally, declared.len());

        // Lower bounds, so that the test cannot pass by checking little: v1.0 has about 1,000
        // mutations and beta 5,000.
        let (types, mutations, in_complex, in_list) = match api {
            ApiVersion::V1 => (90, 1000, 150, 50),
            ApiVersion::Beta => (320, 4500, 1500, 500),
        };
        let counts = [
            ("concrete entity types", tally.types, types),
            ("mutations", tally.mutations, mutations),
            (
                "mutations inside a complex value",
                tally.in_complex,
                in_complex,
            ),
            ("mutations in a list", tally.in_list, in_list),
            ("values at a limit", tally.at_limits, mutations / 3),
        ];
        for (what, got, least) in counts {
            if got < least {
                let f = format!("only {got} {what} were checked, expected {least} or more");
                tally.failures.push(f);
            }
        }
        // Every constrained property the schema declares is reached and passed.
        for (t, p) in declared.difference(&tally.constrained) {
            let f = format!("no mutation passed the constraint of {t}.{p}");
            tally.failures.push(f);
        }
        // The real schemas declare no maximum length (the synthetic test below has one).
        for kind in KINDS.iter().filter(|k| !k.contains("length")) {
            if !tally.kinds.contains(kind) {
                tally
                    .failures
                    .push(format!("no {kind:?} change was checked"));
            }
        }
        failures.extend(tally.failures.into_iter().map(|f| format!("{api} {f}")));
    }
    eprintln!("checked in {:.1} s", started.elapsed().as_secs_f64());
    fail_on(&failures);
}

/// A small schema with what the generated ones lack or have little of: every integral Edm type,
/// a maximum length, limits on list items and on a float, a list that allows no item, a flags
/// enum with a zero member, a required nested value, a recursive type, an abstract type with
/// two kinds and a read-only limit.
fn synthetic_schema() -> Schema {
    Schema::from_json(
        &json!({
            "api": "beta",
            "entrySets": [{"path": "deviceManagement/things", "type": "microsoft.graph.thing", "collection": true}],
            "types": [
                {"name": "microsoft.graph.entity", "kind": "entity", "key": ["id"], "properties": [
                    {"name": "id", "type": "Edm.String", "nullable": false, "readOnly": true}]},
                {"name": "microsoft.graph.thing", "kind": "entity", "base": "microsoft.graph.entity",
                 "navigation": ["assignments"], "properties": [
                    {"name": "name", "type": "Edm.String", "nullable": false, "constraints": {"maxLength": 5}},
                    {"name": "code", "type": "Edm.String", "constraints": {"maxLength": 0}},
                    {"name": "b", "type": "Edm.Byte", "constraints": {"min": 10.0}},
                    {"name": "sb", "type": "Edm.SByte"},
                    {"name": "i16", "type": "Edm.Int16", "constraints": {"max": 40000.0}},
                    {"name": "i32", "type": "Edm.Int32", "nullable": false, "constraints": {"min": 1.0, "max": 365.0}},
                    {"name": "i64", "type": "Edm.Int64", "constraints": {"min": -5.0, "max": 4294967295.0}},
                    {"name": "big", "type": "Edm.Int64"},
                    {"name": "single", "type": "Edm.Single", "constraints": {"min": 0.0}},
                    {"name": "ratio", "type": "Edm.Double", "constraints": {"min": -0.5, "max": 99.5}},
                    {"name": "money", "type": "Edm.Decimal", "constraints": {"min": 0.0}},
                    {"name": "guid", "type": "Edm.Guid"},
                    {"name": "when", "type": "Edm.DateTimeOffset"},
                    {"name": "day", "type": "Edm.Date"},
                    {"name": "time", "type": "Edm.TimeOfDay"},
                    {"name": "span", "type": "Edm.Duration"},
                    {"name": "blob", "type": "Edm.Binary"},
                    {"name": "place", "type": "Edm.GeographyPoint"},
                    {"name": "color", "type": "microsoft.graph.color", "nullable": false},
                    {"name": "days", "type": "microsoft.graph.weekDays"},
                    {"name": "tags", "type": "Edm.String", "collection": true, "constraints": {"maxItems": 2, "maxLength": 3}},
                    {"name": "levels", "type": "Edm.Int32", "collection": true, "constraints": {"maxItems": 3, "min": 0.0, "max": 10.0}},
                    {"name": "nothing", "type": "Edm.Int32", "collection": true, "constraints": {"maxItems": 0}},
                    {"name": "settings", "type": "microsoft.graph.setting", "collection": true, "constraints": {"maxItems": 4}},
                    {"name": "window", "type": "microsoft.graph.window", "nullable": false},
                    {"name": "tree", "type": "microsoft.graph.node"},
                    {"name": "stamp", "type": "Edm.Int32", "readOnly": true, "constraints": {"min": 0.0, "max": 5.0}}]},
                {"name": "microsoft.graph.setting", "kind": "complex", "abstract": true, "properties": [
                    {"name": "uri", "type": "Edm.String", "nullable": false, "constraints": {"maxLength": 8}}]},
                {"name": "microsoft.graph.settingInteger", "kind": "complex", "base": "microsoft.graph.setting", "properties": [
                    {"name": "value", "type": "Edm.Int32", "nullable": false, "constraints": {"min": 0.0, "max": 9.0}}]},
                {"name": "microsoft.graph.settingText", "kind": "complex", "base": "microsoft.graph.setting", "properties": [
                    {"name": "text", "type": "Edm.String", "nullable": false, "constraints": {"maxLength": 4}},
                    {"name": "shade", "type": "microsoft.graph.color"}]},
                {"name": "microsoft.graph.window", "kind": "complex", "properties": [
                    {"name": "start", "type": "Edm.TimeOfDay", "nullable": false},
                    {"name": "weekday", "type": "Edm.Int32", "nullable": false, "constraints": {"min": 1.0, "max": 7.0}}]},
                {"name": "microsoft.graph.node", "kind": "complex", "properties": [
                    {"name": "weight", "type": "Edm.Byte", "constraints": {"max": 99.0}},
                    {"name": "child", "type": "microsoft.graph.node"},
                    {"name": "children", "type": "microsoft.graph.node", "collection": true, "constraints": {"maxItems": 2}}]}
            ],
            "enums": [
                {"name": "microsoft.graph.color", "members": [["red", 0], ["green", 1]]},
                {"name": "microsoft.graph.weekDays", "flags": true, "members": [["none", 0], ["monday", 1], ["tuesday", 2]]}
            ]
        })
        .to_string(),
    )
    .expect("a valid schema")
}

#[test]
fn every_kind_of_limit_in_a_small_schema_is_rejected_at_its_path() {
    let s = synthetic_schema();
    let thing = s.find("thing").expect("the type");

    // The generated object, as a reader would write it.
    let object = generate::valid_object(&s, thing, &Options::default()).expect("concrete");
    assert_eq!(object["@odata.type"], "#microsoft.graph.thing");
    assert_eq!(object["name"], "name");
    assert_eq!(object["code"], "");
    assert_eq!(object["b"], 10);
    assert_eq!(object["i32"], 1);
    assert_eq!(object["days"], "monday,tuesday");
    assert_eq!(object["nothing"], json!([]));
    assert_eq!(
        object["settings"][0]["@odata.type"],
        "#microsoft.graph.settingInteger"
    );
    assert_eq!(object["window"]["weekday"], 1);
    let other = Options {
        kind: 1,
        ..Options::default()
    };
    let object = generate::valid_object(&s, thing, &other).expect("concrete");
    assert_eq!(
        object["settings"][0]["@odata.type"],
        "#microsoft.graph.settingText"
    );

    let tally = check_schema(&s);
    report("synthetic", &tally, constrained_properties(&s).len());
    let mut failures = tally.failures.clone();
    for kind in KINDS {
        if !tally.kinds.contains(kind) {
            failures.push(format!("no {kind:?} change was checked"));
        }
    }
    for d in constrained_properties(&s).difference(&tally.constrained) {
        failures.push(format!("no mutation passed the constraint of {d:?}"));
    }
    // Nested places, one of each shape, with the right paths.
    for (path, kind) in [
        ("name", "max length + 1"),
        ("tags", "max items + 1"),
        ("tags[0]", "max length + 1"),
        ("levels[0]", "declared maximum + 1"),
        ("nothing", "max items + 1"),
        ("big", "type minimum - 1"),
        ("single", "type maximum + 1"),
        ("days", "flags with a non-member"),
        ("settings[0].value", "declared minimum - 1"),
        ("settings[0].uri", "max length + 1"),
        ("settings[0].text", "max length + 1"),
        ("settings[0].shade", "enum non-member"),
        ("window.weekday", "declared maximum + 1"),
        ("tree.child.child.weight", "declared maximum + 1"),
        ("tree.children[0].children", "max items + 1"),
        ("tree.children[0].weight", "type minimum - 1"),
        ("stamp", "declared maximum + 1"),
    ] {
        if !tally.paths.contains(&(path.to_string(), kind)) {
            failures.push(format!("no {kind:?} change at {path:?} was checked"));
        }
    }
    fail_on(&failures);
}
