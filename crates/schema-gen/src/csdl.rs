//! Reads Microsoft's OData CSDL (the Graph `$metadata`) and derives the [`SchemaData`] the editor
//! embeds: every entity type reachable for a PATCH under `deviceManagement`, the app policy and
//! app configuration collections of `deviceAppManagement`, the singletons the editor opens, and
//! the complex and enum types they use.
//!
//! Only facts leave this module: names, types, flags and numbers. Descriptions are read for their
//! numeric limits and read-only marks, then dropped.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use policy_core::model::{
    short_name, ApiVersion, EntrySetData, EnumData, PropertyData, SchemaData, StructuredTypeData,
    TypeKind,
};

use crate::constraints;
use crate::Error;

/// A property exactly as the CSDL declares it.
#[derive(Debug, Clone, Default)]
pub struct CsdlProperty {
    pub name: String,
    pub type_name: String,
    pub collection: bool,
    pub nullable: bool,
}

#[derive(Debug, Clone)]
pub struct CsdlType {
    pub name: String,
    pub kind: TypeKind,
    pub base: Option<String>,
    pub is_abstract: bool,
    pub is_open: bool,
    pub key: Vec<String>,
    pub properties: Vec<CsdlProperty>,
    pub navigation: Vec<CsdlProperty>,
}

#[derive(Debug, Clone, Default)]
pub struct CsdlAnnotations {
    pub description: Option<String>,
    pub computed: bool,
    pub permissions_read_only: bool,
    pub immutable: bool,
}

/// The parts of a CSDL document the editor needs, with every name fully qualified.
#[derive(Debug, Clone, Default)]
pub struct Csdl {
    pub types: BTreeMap<String, CsdlType>,
    pub enums: BTreeMap<String, EnumData>,
    /// `Target` (qualified type, or `type/property`) to its annotations.
    pub annotations: HashMap<String, CsdlAnnotations>,
    /// Singleton name to qualified type.
    pub singletons: BTreeMap<String, String>,
}

fn attr(e: &BytesStart, name: &[u8]) -> Result<Option<String>, Error> {
    for a in e.attributes() {
        let a = a.map_err(|err| Error::Csdl(err.to_string()))?;
        if a.key.as_ref() == name {
            let v = a
                .unescape_value()
                .map_err(|err| Error::Csdl(err.to_string()))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn local_name(e: &BytesStart) -> Vec<u8> {
    e.local_name().as_ref().to_vec()
}

/// Where the parser is in the document, for the elements whose meaning depends on the parent.
enum Scope {
    Schema,
    Enum(String),
    Type(String),
    Property(String, String),
    Annotations(String),
    PermissionsAnnotation(String),
    Other,
}

impl Csdl {
    /// Parses a CSDL document. Aliases (`graph.` in v1.0) are replaced by their namespace.
    pub fn parse(xml: &str) -> Result<Csdl, Error> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().trim_text(true);
        let mut csdl = Csdl::default();
        let mut aliases: HashMap<String, String> = HashMap::new();
        let mut namespace = String::new();
        let mut stack: Vec<Scope> = Vec::new();
        let mut text_target: Option<String> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| Error::Csdl(format!("at byte {}: {e}", reader.buffer_position())))?;
            let (e, is_empty) = match &event {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(_) => {
                    stack.pop();
                    continue;
                }
                Event::Text(t) => {
                    if let Some(target) = &text_target {
                        let text = t
                            .decode()
                            .map_err(|err| Error::Csdl(err.to_string()))?
                            .into_owned();
                        if text.trim().ends_with("Permission/Read") {
                            csdl.annotations
                                .entry(target.clone())
                                .or_default()
                                .permissions_read_only = true;
                        }
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = local_name(&e);
            let parent = stack.last();
            let scope = match name.as_slice() {
                b"Schema" => {
                    namespace = attr(&e, b"Namespace")?.unwrap_or_default();
                    if let Some(alias) = attr(&e, b"Alias")? {
                        aliases.insert(alias, namespace.clone());
                    }
                    Scope::Schema
                }
                b"EnumType" => {
                    let qn = format!("{namespace}.{}", attr(&e, b"Name")?.unwrap_or_default());
                    let flags = attr(&e, b"IsFlags")?.as_deref() == Some("true");
                    csdl.enums.insert(
                        qn.clone(),
                        EnumData {
                            name: qn.clone(),
                            flags,
                            members: Vec::new(),
                        },
                    );
                    Scope::Enum(qn)
                }
                b"Member" => {
                    if let Some(Scope::Enum(qn)) = parent {
                        let member = attr(&e, b"Name")?.unwrap_or_default();
                        let en = csdl.enums.get_mut(qn).expect("enum opened");
                        let value = match attr(&e, b"Value")? {
                            Some(v) => v.parse().map_err(|_| {
                                Error::Csdl(format!("enum {qn} member {member}: value {v:?}"))
                            })?,
                            None => en.members.len() as i64,
                        };
                        en.members.push((member, value));
                    }
                    Scope::Other
                }
                b"EntityType" | b"ComplexType" => {
                    let qn = format!("{namespace}.{}", attr(&e, b"Name")?.unwrap_or_default());
                    let kind = if name == b"EntityType" {
                        TypeKind::Entity
                    } else {
                        TypeKind::Complex
                    };
                    csdl.types.insert(
                        qn.clone(),
                        CsdlType {
                            name: qn.clone(),
                            kind,
                            base: attr(&e, b"BaseType")?,
                            is_abstract: attr(&e, b"Abstract")?.as_deref() == Some("true"),
                            is_open: attr(&e, b"OpenType")?.as_deref() == Some("true"),
                            key: Vec::new(),
                            properties: Vec::new(),
                            navigation: Vec::new(),
                        },
                    );
                    Scope::Type(qn)
                }
                b"PropertyRef" => {
                    if let Some(Scope::Type(qn)) =
                        stack.iter().rev().find(|s| matches!(s, Scope::Type(_)))
                    {
                        let key = attr(&e, b"Name")?.unwrap_or_default();
                        csdl.types.get_mut(qn).expect("type opened").key.push(key);
                    }
                    Scope::Other
                }
                b"Property" | b"NavigationProperty" => {
                    if let Some(Scope::Type(qn)) = parent {
                        let qn = qn.clone();
                        let pname = attr(&e, b"Name")?.unwrap_or_default();
                        let raw_type = attr(&e, b"Type")?.unwrap_or_default();
                        let (type_name, collection) = match raw_type
                            .strip_prefix("Collection(")
                            .and_then(|t| t.strip_suffix(')'))
                        {
                            Some(inner) => (inner.to_string(), true),
                            None => (raw_type, false),
                        };
                        let prop = CsdlProperty {
                            name: pname.clone(),
                            type_name,
                            collection,
                            nullable: attr(&e, b"Nullable")?.as_deref() != Some("false"),
                        };
                        let t = csdl.types.get_mut(&qn).expect("type opened");
                        if name == b"Property" {
                            t.properties.push(prop);
                        } else {
                            t.navigation.push(prop);
                        }
                        Scope::Property(qn, pname)
                    } else {
                        Scope::Other
                    }
                }
                b"Annotations" => Scope::Annotations(attr(&e, b"Target")?.unwrap_or_default()),
                b"Annotation" => {
                    let target = match parent {
                        Some(Scope::Annotations(t)) => Some(t.clone()),
                        Some(Scope::Property(t, p)) => Some(format!("{t}/{p}")),
                        Some(Scope::Type(t)) | Some(Scope::Enum(t)) => Some(t.clone()),
                        _ => None,
                    };
                    match target {
                        Some(target) => {
                            let term = attr(&e, b"Term")?.unwrap_or_default();
                            let entry = csdl.annotations.entry(target.clone()).or_default();
                            match term.as_str() {
                                "Org.OData.Core.V1.Description" => {
                                    entry.description = attr(&e, b"String")?;
                                    Scope::Other
                                }
                                "Org.OData.Core.V1.Computed" => {
                                    entry.computed = attr(&e, b"Bool")?.as_deref() != Some("false");
                                    Scope::Other
                                }
                                "Org.OData.Core.V1.Immutable" => {
                                    entry.immutable =
                                        attr(&e, b"Bool")?.as_deref() != Some("false");
                                    Scope::Other
                                }
                                "Org.OData.Core.V1.Permissions" => {
                                    if let Some(v) = attr(&e, b"EnumMember")? {
                                        entry.permissions_read_only =
                                            v.ends_with("Permission/Read");
                                    }
                                    Scope::PermissionsAnnotation(target)
                                }
                                _ => Scope::Other,
                            }
                        }
                        None => Scope::Other,
                    }
                }
                b"EnumMember" => {
                    text_target = match parent {
                        Some(Scope::PermissionsAnnotation(t)) if !is_empty => Some(t.clone()),
                        _ => None,
                    };
                    Scope::Other
                }
                b"Singleton" => {
                    if let (Some(n), Some(t)) = (attr(&e, b"Name")?, attr(&e, b"Type")?) {
                        csdl.singletons.insert(n, t);
                    }
                    Scope::Other
                }
                _ => Scope::Other,
            };
            if name != b"EnumMember" {
                text_target = None;
            }
            if !is_empty {
                stack.push(scope);
            }
        }
        csdl.qualify(&aliases);
        Ok(csdl)
    }

    /// Rewrites `alias.x` to `namespace.x` everywhere a type name appears.
    fn qualify(&mut self, aliases: &HashMap<String, String>) {
        let fix = |name: &mut String| {
            if let Some((prefix, rest)) = name.split_once('.') {
                if let Some(ns) = aliases.get(prefix) {
                    *name = format!("{ns}.{rest}");
                }
            }
        };
        for t in self.types.values_mut() {
            if let Some(b) = t.base.as_mut() {
                fix(b);
            }
            for p in t.properties.iter_mut().chain(t.navigation.iter_mut()) {
                fix(&mut p.type_name);
            }
        }
        for t in self.singletons.values_mut() {
            fix(t);
        }
        let annotations = std::mem::take(&mut self.annotations);
        for (mut target, a) in annotations {
            fix(&mut target);
            self.annotations.insert(target, a);
        }
    }

    fn derived_of(&self) -> HashMap<&str, Vec<&str>> {
        let mut derived: HashMap<&str, Vec<&str>> = HashMap::new();
        for t in self.types.values() {
            if let Some(b) = &t.base {
                derived.entry(b.as_str()).or_default().push(t.name.as_str());
            }
        }
        derived
    }

    /// Derives the editor's schema: see the module documentation for what it holds.
    pub fn to_schema(&self, api: ApiVersion) -> Result<Generated, Error> {
        let dm_type = self
            .singletons
            .get("deviceManagement")
            .ok_or_else(|| Error::Csdl("no deviceManagement singleton".into()))?
            .clone();
        let mut entry_sets = vec![EntrySetData {
            path: "deviceManagement".into(),
            type_name: dm_type.clone(),
            collection: false,
        }];
        for nav in self
            .chain(&dm_type)
            .iter()
            .flat_map(|t| t.navigation.iter())
        {
            entry_sets.push(EntrySetData {
                path: format!("deviceManagement/{}", nav.name),
                type_name: nav.type_name.clone(),
                collection: nav.collection,
            });
        }
        if let Some(dam_type) = self.singletons.get("deviceAppManagement") {
            for nav in self
                .chain(dam_type)
                .iter()
                .flat_map(|t| t.navigation.iter())
                .filter(|n| self.is_app_configuration(&n.type_name))
            {
                entry_sets.push(EntrySetData {
                    path: format!("deviceAppManagement/{}", nav.name),
                    type_name: nav.type_name.clone(),
                    collection: nav.collection,
                });
            }
        }
        if let Some(t) = self.singletons.get("officeConfiguration") {
            entry_sets.push(EntrySetData {
                path: "officeConfiguration".into(),
                type_name: t.clone(),
                collection: false,
            });
        }
        entry_sets.sort_by(|a, b| a.path.cmp(&b.path));

        let derived = self.derived_of();
        let mut included: BTreeSet<String> = BTreeSet::new();
        let mut enums: BTreeSet<String> = BTreeSet::new();
        // (name, expand derived types): a type reached as a base is needed for its properties,
        // but its other derived types are not (every entity derives from `entity`).
        let mut work: Vec<(String, bool)> = entry_sets
            .iter()
            .map(|s| (s.type_name.clone(), true))
            .collect();
        let mut expanded: BTreeSet<String> = BTreeSet::new();
        while let Some((name, expand)) = work.pop() {
            if self.enums.contains_key(&name) {
                enums.insert(name);
                continue;
            }
            let Some(t) = self.types.get(&name) else {
                continue; // Edm primitives and names outside the document.
            };
            if included.insert(name.clone()) {
                work.extend(t.base.iter().map(|b| (b.clone(), false)));
                work.extend(t.properties.iter().map(|p| (p.type_name.clone(), true)));
            }
            if expand && expanded.insert(name.clone()) {
                if let Some(ds) = derived.get(name.as_str()) {
                    work.extend(ds.iter().map(|d| (d.to_string(), true)));
                }
            }
        }

        let mut conflicts = Vec::new();
        let mut types = Vec::new();
        for name in &included {
            let t = &self.types[name];
            let mut properties = Vec::new();
            for p in &t.properties {
                let target = format!("{name}/{}", p.name);
                let ann = self.annotations.get(&target).cloned().unwrap_or_default();
                let description = ann.description.as_deref().unwrap_or("");
                let (mut c, conflict) = constraints::parse(description, &p.type_name, p.collection);
                match constraints::override_for(short_name(name), &p.name) {
                    Some((lo, hi)) => {
                        c.min = lo;
                        c.max = hi;
                    }
                    None if conflict => conflicts.push(format!("{}.{}", short_name(name), p.name)),
                    None => {}
                }
                properties.push(PropertyData {
                    name: p.name.clone(),
                    type_name: p.type_name.clone(),
                    collection: p.collection,
                    nullable: p.nullable,
                    read_only: t.key.contains(&p.name)
                        || ann.computed
                        || ann.permissions_read_only
                        || ann.immutable
                        || says_read_only(description)
                        || is_server_managed(t.kind, &p.name, &p.type_name),
                    constraints: c,
                });
            }
            // An entity declared with neither a base nor a key (the historical
            // officeConfiguration) is still a Graph entity: it has `entity`'s `id`, which its
            // own answers carry.
            if t.kind == TypeKind::Entity
                && t.base.is_none()
                && t.key.is_empty()
                && !properties.iter().any(|p| p.name == "id")
            {
                properties.insert(
                    0,
                    PropertyData {
                        name: "id".into(),
                        type_name: "Edm.String".into(),
                        collection: false,
                        nullable: true,
                        read_only: true,
                        constraints: Default::default(),
                    },
                );
            }
            types.push(StructuredTypeData {
                name: name.clone(),
                kind: t.kind,
                base: t.base.clone(),
                is_abstract: t.is_abstract,
                is_open: t.is_open,
                key: t.key.clone(),
                properties,
                navigation: t.navigation.iter().map(|n| n.name.clone()).collect(),
            });
        }
        let enums = enums.iter().map(|e| self.enums[e].clone()).collect();
        Ok(Generated {
            schema: SchemaData {
                api,
                entry_sets,
                types,
                enums,
            },
            conflicts,
        })
    }

    /// True for a type of an app policy or app configuration family (see
    /// [`APP_CONFIGURATION_BASES`]) that the document declares in full: a stub (no property or
    /// navigation of its own or from a base below `entity`) is not followed.
    fn is_app_configuration(&self, name: &str) -> bool {
        let chain = self.chain(name);
        let declared = chain.iter().any(|t| {
            t.name != "microsoft.graph.entity"
                && (!t.properties.is_empty() || !t.navigation.is_empty())
        });
        declared
            && chain
                .iter()
                .any(|t| APP_CONFIGURATION_BASES.contains(&t.name.as_str()))
    }

    /// The type and its bases, most derived first. Bases that form a cycle end the chain where
    /// it comes back to a type already in it.
    fn chain(&self, name: &str) -> Vec<&CsdlType> {
        let mut out: Vec<&CsdlType> = Vec::new();
        let mut cur = self.types.get(name);
        while let Some(t) = cur {
            if out.iter().any(|seen| std::ptr::eq(*seen, t)) {
                break;
            }
            out.push(t);
            cur = t.base.as_ref().and_then(|b| self.types.get(b));
        }
        out
    }
}

/// The bases of what `deviceAppManagement` holds that the editor opens: app protection and app
/// configuration policies, and managed-device app configurations. Its other collections (apps,
/// e-books, tokens, registrations, statuses) are not configuration.
pub const APP_CONFIGURATION_BASES: [&str; 2] = [
    "microsoft.graph.managedAppPolicy",
    "microsoft.graph.managedDeviceMobileAppConfiguration",
];

/// The generator's output, with the properties whose descriptions disagree with themselves and
/// that the override table does not settle yet.
#[derive(Debug, Clone)]
pub struct Generated {
    pub schema: SchemaData,
    pub conflicts: Vec<String>,
}

/// "This property is read-only." or a "Read-only." sentence.
fn says_read_only(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    d.contains("this property is read-only")
        || d.contains("read-only property")
        || d.starts_with("read-only.")
        || d.contains(". read-only.")
        || d.ends_with(". read-only")
}

/// Creation and modification stamps are set by the service on every entity: the documented PATCH
/// bodies leave them out, and sending them is at best ignored.
fn is_server_managed(kind: TypeKind, name: &str, type_name: &str) -> bool {
    kind == TypeKind::Entity
        && type_name == "Edm.DateTimeOffset"
        && matches!(name, "createdDateTime" | "lastModifiedDateTime")
}

/// Reads a CSDL file and derives the schema of one API version.
pub fn generate(xml: &str, api: ApiVersion) -> Result<Generated, Error> {
    let csdl = Csdl::parse(xml)?;
    csdl.to_schema(api)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `deviceAppManagement` gives the app policy and app configuration collections declared in
    /// full, with their derived types; apps, stubs and a stub's family are left out.
    #[test]
    fn app_policy_collections_of_device_app_management() {
        let xml = r#"<Schema Namespace="microsoft.graph" Alias="graph">
            <EntityType Name="entity"><Key><PropertyRef Name="id"/></Key>
                <Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
            <EntityType Name="deviceManagement" BaseType="graph.entity"/>
            <EntityType Name="deviceAppManagement" BaseType="graph.entity">
                <NavigationProperty Name="managedAppPolicies" Type="Collection(graph.managedAppPolicy)"/>
                <NavigationProperty Name="iosManagedAppProtections" Type="Collection(graph.iosManagedAppProtection)"/>
                <NavigationProperty Name="mobileAppConfigurations" Type="Collection(graph.managedDeviceMobileAppConfiguration)"/>
                <NavigationProperty Name="mobileApps" Type="Collection(graph.mobileApp)"/>
                <NavigationProperty Name="vppTokens" Type="Collection(graph.vppToken)"/>
            </EntityType>
            <EntityType Name="managedAppPolicy" BaseType="graph.entity" Abstract="true">
                <Property Name="displayName" Type="Edm.String"/></EntityType>
            <EntityType Name="iosManagedAppProtection" BaseType="graph.managedAppPolicy">
                <Property Name="minimumPinLength" Type="Edm.Int32" Nullable="false"/></EntityType>
            <EntityType Name="managedDeviceMobileAppConfiguration" BaseType="graph.entity" Abstract="true"/>
            <EntityType Name="mobileApp" BaseType="graph.entity">
                <Property Name="publisher" Type="Edm.String"/></EntityType>
            <EntityType Name="vppToken" BaseType="graph.entity"/>
            <EntityContainer Name="GraphService">
                <Singleton Name="deviceManagement" Type="graph.deviceManagement"/>
                <Singleton Name="deviceAppManagement" Type="graph.deviceAppManagement"/>
            </EntityContainer>
        </Schema>"#;
        let g = generate(xml, ApiVersion::V1).unwrap();
        let paths: Vec<&str> = g
            .schema
            .entry_sets
            .iter()
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "deviceAppManagement/iosManagedAppProtections",
                "deviceAppManagement/managedAppPolicies",
                "deviceManagement"
            ]
        );
        let types: Vec<&str> = g.schema.types.iter().map(|t| short_name(&t.name)).collect();
        assert!(types.contains(&"iosManagedAppProtection"), "{types:?}");
        assert!(!types.contains(&"mobileApp"), "{types:?}");
    }

    /// Found by `crates/schema-gen/tests/fuzz.rs` (`csdl_hostile_documents`): a
    /// `deviceManagement` whose base types lead back to it made the generator follow the bases
    /// for ever, growing its list until the process ran out of memory.
    #[test]
    fn a_cycle_of_base_types_ends_the_chain() {
        let xml = r#"<Schema Namespace="microsoft.graph" Alias="graph">
            <EntityType Name="deviceManagement" BaseType="graph.root">
                <NavigationProperty Name="things" Type="Collection(graph.thing)"/>
            </EntityType>
            <EntityType Name="root" BaseType="graph.deviceManagement"/>
            <EntityType Name="thing"/>
            <EntityContainer Name="GraphService">
                <Singleton Name="deviceManagement" Type="graph.deviceManagement"/>
            </EntityContainer>
        </Schema>"#;
        let g = generate(xml, ApiVersion::Beta).unwrap();
        let paths: Vec<&str> = g
            .schema
            .entry_sets
            .iter()
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(paths, ["deviceManagement", "deviceManagement/things"]);
        // What it generated is refused where schema data is resolved.
        assert!(matches!(
            policy_core::Schema::from_data(g.schema),
            Err(policy_core::Error::BaseTypeCycle(_))
        ));
    }
}
