//! Fuzz targets for the CSDL reader (`schema_gen::csdl`, the generator's input: Microsoft's
//! metadata) and the numeric limits it reads from descriptions (`schema_gen::constraints`).
//!
//! schema-gen has no proptest among its dev-dependencies, so these run on the small seeded
//! harness in the app's `tests/fuzzkit` (one case is one input; `PROPTEST_CASES=N` sets the
//! count; see "Fuzzing the parsers" in README.md).

#[path = "../../../tests/fuzzkit/mod.rs"]
mod fuzzkit;

use fuzzkit::{check, Rng};
use policy_core::model::{ApiVersion, Schema, SchemaData};
use policy_core::sample::sample_object;
use policy_core::{validate, Mode};
use schema_gen::constraints;
use schema_gen::csdl::{generate, Csdl};

/// Inputs per target in a plain `cargo test`.
const CASES: u64 = 256;

/// Names drawn from a small pool, so types collide, derive from each other (in cycles too) and
/// the singletons the generator starts from name them.
const NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "entity",
    "deviceManagement",
    "officeConfiguration",
    "x.y",
    "",
    "\u{e9}",
];
const NAMESPACES: &[&str] = &["microsoft.graph", "graph", "Edm", "x", ""];
const EDM: &[&str] = &[
    "Edm.String",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.Byte",
    "Edm.Double",
    "Edm.Single",
    "Edm.Boolean",
    "Edm.Guid",
    "Edm.DateTimeOffset",
    "Edm.Duration",
    "Edm.Binary",
    "Edm.Nope",
];
const ENTITY_REFS: &[&str] = &[
    "&amp;",
    "&lt;",
    "&quot;",
    "&#65;",
    "&#x10FFFF;",
    "&#x110000;",
    "&#xD800;",
    "&#0;",
    "&#99999999999999999999;",
    "&bogus;",
    "&",
    "&#;",
    "&#x;",
];
/// The phrasings `constraints` reads, and numbers at every limit.
const PHRASES: &[&str] = &[
    "Valid values ",
    "valid values are from ",
    "Valid range is ",
    "must be between ",
    "Allowed range from ",
    "a minimum value of ",
    " and a maximum value of ",
    "Minimum value is ",
    "Maximum value of ",
    " characters",
    " elements",
    "maximum of ",
    "Maximum length is ",
    "up to ",
    "not exceed ",
    " to ",
    " - ",
    "-",
    " through ",
    " and ",
    "This property is read-only.",
    "Read-only.",
    ". Read-only",
    "0",
    "1",
    "10",
    "255",
    "-1",
    "2147483647",
    "-2147483648",
    "4294967296",
    "9223372036854775808",
    "1e999",
    "-1e999",
    "1.5",
    "1E+308",
    "99999999999999999999999999999999",
    ".",
    " ",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn type_ref(rng: &mut Rng) -> String {
    let t = match rng.below(4) {
        0 => rng.pick(EDM).to_string(),
        1 => format!("{}.{}", rng.pick(NAMESPACES), rng.pick(NAMES)),
        _ => format!("graph.{}", rng.pick(NAMES)),
    };
    match rng.below(6) {
        0 => format!("Collection({t})"),
        1 if rng.chance(1, 4) => format!("Collection({t}"),
        _ => t,
    }
}

/// How a document is made: well formed with the right nesting (so the generator gets to work
/// on it), or hostile (bad escapes, elements anywhere, wrong end tags).
#[derive(Clone, Copy)]
struct Doc {
    hostile: bool,
}

impl Doc {
    /// An attribute value: a well-escaped name, or in a hostile document sometimes entity
    /// references or raw junk.
    fn value(self, rng: &mut Rng, good: impl FnOnce(&mut Rng) -> String) -> String {
        if !self.hostile {
            return escape(&good(rng));
        }
        match rng.below(12) {
            0 => escape(&rng.text(20)),
            1 => rng.pieces(ENTITY_REFS, 4),
            2 => rng.pieces(&["\"", "<", "'", "&", "x"], 3),
            3 => rng.number_text(),
            _ => escape(&good(rng)),
        }
    }

    fn attr(
        self,
        rng: &mut Rng,
        out: &mut String,
        name: &str,
        good: impl FnOnce(&mut Rng) -> String,
    ) {
        if rng.chance(7, 8) {
            let v = self.value(rng, good);
            out.push_str(&format!(" {name}=\"{v}\""));
        }
    }

    /// The children an element of `kind` usually has; in a hostile document, any.
    fn child_kind(self, rng: &mut Rng, kind: &str) -> &'static str {
        const ANY: &[&str] = &[
            "EntityType",
            "ComplexType",
            "Property",
            "NavigationProperty",
            "Key",
            "PropertyRef",
            "EnumType",
            "Member",
            "EntityContainer",
            "Singleton",
            "EntitySet",
            "Annotations",
            "Annotation",
            "EnumMember",
            "Schema",
            "Unknown",
            "edm:Property",
        ];
        if self.hostile && rng.chance(1, 4) {
            return rng.pick(ANY);
        }
        let usual: &[&'static str] = match kind {
            "Schema" => &["EntityType", "ComplexType", "EnumType", "Annotations"],
            "EntityType" | "ComplexType" => &[
                "Property",
                "Property",
                "NavigationProperty",
                "Key",
                "Annotation",
            ],
            "Key" => &["PropertyRef"],
            "EnumType" => &["Member", "Member", "Annotation"],
            "Property" | "NavigationProperty" | "Annotations" | "EnumMember" => &["Annotation"],
            "Annotation" => &["EnumMember", "Annotation"],
            _ => ANY,
        };
        rng.pick(usual)
    }

    /// One element with its attributes and, up to `depth`, its children.
    fn element(self, rng: &mut Rng, kind: &str, depth: usize, out: &mut String) {
        out.push('<');
        out.push_str(kind);
        self.attr(rng, out, "Name", name);
        let flag = |r: &mut Rng| r.pick(&["true", "false", "1"]).to_string();
        match kind {
            "EntityType" | "ComplexType" => {
                if rng.bool() {
                    self.attr(rng, out, "BaseType", type_ref);
                }
                self.attr(rng, out, "Abstract", flag);
                self.attr(rng, out, "OpenType", flag);
            }
            "Property" | "NavigationProperty" | "edm:Property" | "Singleton" | "EntitySet" => {
                self.attr(rng, out, "Type", type_ref);
                self.attr(rng, out, "Nullable", flag);
            }
            "EnumType" => self.attr(rng, out, "IsFlags", flag),
            "Member" => self.attr(rng, out, "Value", |r| {
                if r.chance(1, 4) {
                    r.number_text()
                } else {
                    r.range(-5, 100).to_string()
                }
            }),
            "Schema" => {
                self.attr(rng, out, "Namespace", |r| r.pick(NAMESPACES).to_string());
                self.attr(rng, out, "Alias", |r| r.pick(NAMESPACES).to_string());
            }
            "Annotations" => self.attr(rng, out, "Target", |r| {
                let t = type_ref(r);
                if r.bool() {
                    format!("{t}/{}", r.pick(NAMES))
                } else {
                    t
                }
            }),
            "Annotation" => {
                self.attr(rng, out, "Term", |r| {
                    r.pick(&[
                        "Org.OData.Core.V1.Description",
                        "Org.OData.Core.V1.Computed",
                        "Org.OData.Core.V1.Immutable",
                        "Org.OData.Core.V1.Permissions",
                        "Org.OData.Core.V1.LongDescription",
                    ])
                    .to_string()
                });
                self.attr(rng, out, "String", |r| r.pieces(PHRASES, 12));
                self.attr(rng, out, "Bool", flag);
                self.attr(rng, out, "EnumMember", |r| {
                    r.pick(&["Org.OData.Capabilities.V1.Permission/Read", "x/Read", ""])
                        .to_string()
                });
            }
            _ => {}
        }
        if depth == 0 || rng.chance(1, 3) {
            out.push_str("/>");
            return;
        }
        out.push('>');
        let n = rng.len(6);
        for _ in 0..n {
            match rng.below(14) {
                0 => out.push_str(&escape(&rng.pieces(PHRASES, 4))),
                1 => out.push_str("Org.OData.Capabilities.V1.Permission/Read"),
                2 => out.push_str(&format!("<!--{}-->", rng.text_of("abc-", 6))),
                3 => out.push_str(&format!("<![CDATA[{}]]>", rng.text_of("ab<&", 6))),
                _ => {
                    let child = self.child_kind(rng, kind);
                    self.element(rng, child, depth - 1, out);
                }
            }
        }
        // A hostile document sometimes has a wrong or missing end tag.
        match (self.hostile, rng.below(12)) {
            (true, 0) => {}
            (true, 1) => out.push_str("</Wrong>"),
            _ => out.push_str(&format!("</{kind}>")),
        }
    }
}

fn name(rng: &mut Rng) -> String {
    rng.pick(NAMES).to_string()
}

/// A CSDL document: the Edmx frame, schemas of types, enums and annotations (names colliding,
/// bases in cycles, limits at every extreme), the singletons the generator starts from; a
/// hostile one also has bad escapes, misplaced elements and wrong end tags, or is cut short or
/// has junk inserted.
fn hostile_csdl(rng: &mut Rng) -> String {
    let doc = Doc {
        hostile: rng.chance(1, 3),
    };
    let mut out = String::new();
    if rng.bool() {
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    }
    let framed = rng.chance(3, 4);
    if framed {
        out.push_str(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\
             <edmx:DataServices>",
        );
    }
    let schemas = 1 + rng.below(2);
    for _ in 0..schemas {
        out.push_str("<Schema");
        let ns = rng.pick(&["microsoft.graph", "microsoft.graph", "x", ""]);
        let alias = rng.pick(&["graph", "graph", "microsoft.graph", ""]);
        out.push_str(&format!(" Namespace=\"{ns}\" Alias=\"{alias}\">"));
        if rng.chance(3, 4) {
            // The root the generator starts from, deriving from any name (itself included),
            // with entry sets of any types.
            let base = rng.pick(NAMES);
            out.push_str(&format!(
                "<EntityType Name=\"deviceManagement\" BaseType=\"graph.{base}\">"
            ));
            for _ in 0..rng.len(5) {
                let kind = rng.pick(&["NavigationProperty", "Property"]);
                let (n, t) = (rng.pick(NAMES), rng.pick(NAMES));
                out.push_str(&format!(
                    "<{kind} Name=\"{n}\" Type=\"Collection(graph.{t})\"/>"
                ));
            }
            out.push_str("</EntityType>");
        }
        let n = 1 + rng.len(12);
        for _ in 0..n {
            let kind = doc.child_kind(rng, "Schema");
            let depth = 1 + rng.below(4);
            doc.element(rng, kind, depth, &mut out);
        }
        if rng.chance(7, 8) {
            out.push_str("<EntityContainer Name=\"GraphService\">");
            for singleton in ["deviceManagement", "officeConfiguration"] {
                if rng.chance(7, 8) {
                    let t = if rng.bool() {
                        format!("graph.{singleton}")
                    } else {
                        type_ref(rng)
                    };
                    out.push_str(&format!(
                        "<Singleton Name=\"{singleton}\" Type=\"{}\"/>",
                        escape(&t)
                    ));
                }
            }
            out.push_str("</EntityContainer>");
        }
        out.push_str("</Schema>");
    }
    if framed {
        out.push_str("</edmx:DataServices></edmx:Edmx>");
    }
    if doc.hostile {
        match rng.below(4) {
            0 => {
                let mut cut = rng.below(out.len() + 1);
                while !out.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.truncate(cut);
            }
            1 => {
                let mut at = rng.below(out.len() + 1);
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                let junk = rng.pieces(
                    &["<", ">", "</", "/>", "\"", "&", "<!--", "]]>", "\u{0}"],
                    3,
                );
                out.insert_str(at, &junk);
            }
            _ => {}
        }
    }
    out
}

/// What the generator does with a document, and what is built from its output: nothing may
/// panic or loop, and the output reads back through both readers alike.
fn use_csdl(xml: &str) {
    let Ok(csdl) = Csdl::parse(xml) else {
        return;
    };
    for api in ApiVersion::ALL {
        let Ok(g) = csdl.to_schema(api) else {
            continue;
        };
        let text = schema_gen::render(&g.schema);
        let derived: SchemaData = serde_json::from_str(&text).expect("rendered schema reads");
        let by_hand = SchemaData::from_json(serde_json::from_str(&text).unwrap())
            .expect("rendered schema reads by hand");
        assert_eq!(derived, by_hand);
        for root in g.schema.pack_roots() {
            let _ = g.schema.pack(&[root]);
        }
        if let Ok(schema) = Schema::from_data(g.schema) {
            let _ = schema.catalog();
            for (id, _) in schema.types() {
                let sample = sample_object(&schema, id, true);
                let _ = validate(&schema, &sample, Mode::Object);
            }
        }
    }
}

#[test]
fn csdl_any_text() {
    check(
        "csdl_any_text",
        CASES,
        |rng| match rng.below(3) {
            0 => rng.text(300),
            1 => String::from_utf8_lossy(&rng.bytes(300)).into_owned(),
            _ => rng.pieces(
                &[
                    "<",
                    ">",
                    "</",
                    "/>",
                    "<Schema>",
                    "<EntityType Name=\"a\">",
                    "</EntityType>",
                    "<Property Name=\"p\" Type=\"Edm.Int32\"/>",
                    "<EnumType Name=\"e\">",
                    "<Member Name=\"m\" Value=\"1\"/>",
                    "\"",
                    "=",
                    " ",
                    "&amp;",
                    "&#0;",
                    "<!--",
                    "-->",
                    "<![CDATA[",
                    "]]>",
                    "<?xml",
                    "?>",
                    "<!DOCTYPE x>",
                    "a",
                ],
                40,
            ),
        },
        |xml| use_csdl(xml),
    );
}

#[test]
fn csdl_hostile_documents() {
    check("csdl_hostile_documents", CASES, hostile_csdl, |xml| {
        use_csdl(xml)
    });
}

/// A property as declared: name, Edm type, collection, nullable.
type DeclaredProperty = (String, String, bool, bool);
/// An entity type as declared: name and properties.
type DeclaredType = (String, Vec<DeclaredProperty>);

/// A well-formed document of `n` entity types under `deviceManagement`: the generator keeps
/// every type, property and flag it declares.
#[test]
fn csdl_well_formed_documents_keep_their_facts() {
    check(
        "csdl_well_formed_documents_keep_their_facts",
        CASES,
        |rng| {
            let n = 1 + rng.below(5);
            let types: Vec<DeclaredType> = (0..n)
                .map(|i| {
                    let props = (0..rng.len(6))
                        .map(|j| {
                            (
                                format!("p{j}{}", rng.text_of("abcXYZ", 6)),
                                rng.pick(&EDM[..11]).to_string(),
                                rng.bool(),
                                rng.bool(),
                            )
                        })
                        .collect();
                    (format!("t{i}{}", rng.text_of("abcXYZ", 6)), props)
                })
                .collect();
            let mut xml = String::from(
                "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\
                 <edmx:DataServices><Schema Namespace=\"microsoft.graph\" Alias=\"graph\">\
                 <EntityType Name=\"entity\" Abstract=\"true\"><Key><PropertyRef Name=\"id\"/>\
                 </Key><Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/></EntityType>\
                 <EntityType Name=\"deviceManagement\" BaseType=\"graph.entity\">",
            );
            for (t, _) in &types {
                xml.push_str(&format!(
                    "<NavigationProperty Name=\"{t}s\" Type=\"Collection(graph.{t})\"/>"
                ));
            }
            xml.push_str("</EntityType>");
            for (t, props) in &types {
                xml.push_str(&format!(
                    "<EntityType Name=\"{t}\" BaseType=\"graph.entity\">"
                ));
                for (p, ty, collection, nullable) in props {
                    let ty = if *collection {
                        format!("Collection({ty})")
                    } else {
                        ty.clone()
                    };
                    xml.push_str(&format!(
                        "<Property Name=\"{p}\" Type=\"{ty}\" Nullable=\"{nullable}\"/>"
                    ));
                }
                xml.push_str("</EntityType>");
            }
            xml.push_str(
                "<EntityContainer Name=\"GraphService\"><Singleton Name=\"deviceManagement\" \
                 Type=\"graph.deviceManagement\"/></EntityContainer></Schema>\
                 </edmx:DataServices></edmx:Edmx>",
            );
            (types, xml)
        },
        |(types, xml)| {
            let g = generate(xml, ApiVersion::Beta).expect("a well-formed document generates");
            let schema = Schema::from_data(g.schema.clone()).expect("its schema resolves");
            for (t, props) in types {
                let data = g
                    .schema
                    .types
                    .iter()
                    .find(|d| d.name == format!("microsoft.graph.{t}"))
                    .unwrap_or_else(|| panic!("{t} is kept"));
                assert_eq!(data.base.as_deref(), Some("microsoft.graph.entity"));
                assert_eq!(data.properties.len(), props.len());
                for (d, (p, ty, collection, nullable)) in data.properties.iter().zip(props) {
                    assert_eq!((&d.name, &d.type_name), (p, ty));
                    assert_eq!((d.collection, d.nullable), (*collection, *nullable));
                }
                let set = format!("deviceManagement/{t}s");
                assert!(g
                    .schema
                    .entry_sets
                    .iter()
                    .any(|s| s.path == set && s.collection));
                let id = schema.find(t).expect("found by its short name");
                let sample = sample_object(&schema, id, false);
                assert!(validate(&schema, &sample, Mode::Patch)
                    .iter()
                    .all(|p| !p.is_error()));
            }
        },
    );
}

/// Descriptions of any text and of the phrasings with numbers at every limit.
#[test]
fn constraint_phrasings() {
    check(
        "constraint_phrasings",
        CASES,
        |rng| {
            let text = if rng.chance(1, 4) {
                rng.text(200)
            } else {
                rng.pieces(PHRASES, 16)
            };
            let ty = if rng.bool() {
                rng.pick(EDM).to_string()
            } else {
                type_ref(rng)
            };
            let (lo, hi) = (rng.range(0, 1000), rng.range(0, 1000));
            (text, ty, rng.bool(), lo.min(hi), lo.max(hi))
        },
        |(text, ty, collection, lo, hi)| {
            let _ = constraints::parse(text, ty, *collection);
            let (c, conflict) =
                constraints::parse(&format!("Valid values {lo} to {hi}."), "Edm.Int32", false);
            assert_eq!(
                (c.min, c.max, conflict),
                (Some(*lo as f64), Some(*hi as f64), false)
            );
        },
    );
}
