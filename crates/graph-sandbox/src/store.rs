//! The in-memory stores, one per API version: every object with the entry set it lives in,
//! found by id, listed per set in insertion order, and saved as one JSON document.

use indexmap::IndexMap;
use policy_core::embedded::schema;
use policy_core::endpoint::ObjectId;
use policy_core::model::{ApiVersion, Schema, TypeId, TypeKind};
use serde_json::{Map, Value};

use crate::Error;

/// One stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The entry set path, e.g. `deviceManagement/deviceConfigurations` or `officeConfiguration`.
    pub set: String,
    /// True when the set is a singleton.
    pub singleton: bool,
    pub type_id: TypeId,
    /// The whole object, `@odata.type` and `id` included, as GET returns it except that
    /// encrypted OMA settings hold their plain values here (see [`crate::oma`]).
    pub value: Map<String, Value>,
}

/// The objects of one API version.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    api: ApiVersion,
    objects: IndexMap<String, Stored>,
}

impl Store {
    pub fn new(api: ApiVersion) -> Store {
        Store {
            api,
            objects: IndexMap::new(),
        }
    }

    pub fn api(&self) -> ApiVersion {
        self.api
    }

    pub fn schema(&self) -> &'static Schema {
        schema(self.api)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Stores an object, replacing one with the same id (in place) or holding the same
    /// singleton. `origin` names where it came from, for the error message.
    pub fn insert(&mut self, value: Value, origin: &str) -> Result<String, Error> {
        let bad = |reason: String| Error::BadObject {
            origin: origin.to_string(),
            reason,
        };
        let Value::Object(mut map) = value else {
            return Err(bad("an object must be a JSON object".into()));
        };
        let schema = self.schema();
        let type_name = map
            .get("@odata.type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("the object has no \"@odata.type\"".into()))?;
        let type_id = schema.find(type_name).ok_or_else(|| {
            bad(format!(
                "{type_name:?} is not a type of the {} schema",
                self.api
            ))
        })?;
        let t = schema.get(type_id);
        if t.kind != TypeKind::Entity || t.is_abstract {
            return Err(bad(format!(
                "{} is not a concrete entity type",
                t.short_name()
            )));
        }
        let set = schema
            .entry_set_for(type_id)
            .ok_or_else(|| bad(format!("no entry set holds {}", t.short_name())))?
            .clone();
        let id = match map.get("id") {
            None | Some(Value::Null) => {
                let id = uuid::Uuid::new_v4().to_string();
                map.insert("id".into(), Value::String(id.clone()));
                id
            }
            Some(Value::String(s)) => ObjectId::parse(s)
                .map_err(|e| bad(format!("its id is not usable: {e}")))?
                .as_str()
                .to_string(),
            Some(_) => return Err(bad("its id must be text".into())),
        };
        if !set.collection {
            self.objects
                .retain(|other, s| s.set != set.path || *other == id);
        }
        crate::oma::assign_references(&id, &mut map);
        self.objects.insert(
            id.clone(),
            Stored {
                set: set.path,
                singleton: !set.collection,
                type_id,
                value: map,
            },
        );
        Ok(id)
    }

    pub fn get(&self, id: &str) -> Option<&Stored> {
        self.objects.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Stored> {
        self.objects.get_mut(id)
    }

    /// Takes an object out, as another administrator deleting it would (a later GET or PATCH
    /// of it answers 404).
    pub fn remove(&mut self, id: &str) -> Option<Stored> {
        self.objects.shift_remove(id)
    }

    /// The id of the object held by a singleton entry set.
    pub fn singleton_id(&self, path: &str) -> Option<String> {
        self.objects
            .iter()
            .find(|(_, s)| s.singleton && s.set == path)
            .map(|(id, _)| id.clone())
    }

    /// The objects of one collection, in insertion order: those stored in it, and, as Graph
    /// lists them, those of a sibling collection whose type derives from its type
    /// (`deviceAppManagement/managedAppPolicies` holds the iOS and Android protections too).
    pub fn in_set<'a>(&'a self, set: &'a str) -> impl Iterator<Item = &'a Stored> + 'a {
        self.objects.values().filter(move |s| self.holds(set, s))
    }

    /// True when the collection `set` holds `stored` (see [`Store::in_set`]).
    pub fn holds(&self, set: &str, stored: &Stored) -> bool {
        if stored.set == set {
            return true;
        }
        let parent = |path: &str| path.rsplit_once('/').map(|(p, _)| p.to_string());
        if stored.singleton || parent(set).is_none() || parent(set) != parent(&stored.set) {
            return false;
        }
        let schema = self.schema();
        schema
            .entry_sets
            .iter()
            .find(|e| e.path == set && e.collection)
            .and_then(|e| schema.find(&e.type_name))
            .is_some_and(|base| schema.is_same_or_derived(stored.type_id, base))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Stored> {
        self.objects.values()
    }
}

/// Both stores.
#[derive(Debug, Clone, PartialEq)]
pub struct Stores {
    pub v1: Store,
    pub beta: Store,
}

impl Default for Stores {
    fn default() -> Stores {
        Stores {
            v1: Store::new(ApiVersion::V1),
            beta: Store::new(ApiVersion::Beta),
        }
    }
}

impl Stores {
    pub fn get(&self, api: ApiVersion) -> &Store {
        match api {
            ApiVersion::V1 => &self.v1,
            ApiVersion::Beta => &self.beta,
        }
    }

    pub fn get_mut(&mut self, api: ApiVersion) -> &mut Store {
        match api {
            ApiVersion::V1 => &mut self.v1,
            ApiVersion::Beta => &mut self.beta,
        }
    }

    /// The state file's form: `{"v1.0": [objects], "beta": [objects]}`.
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        for api in ApiVersion::ALL {
            let objects = self
                .get(api)
                .iter()
                .map(|s| Value::Object(s.value.clone()))
                .collect();
            doc.insert(api.as_str().into(), Value::Array(objects));
        }
        Value::Object(doc)
    }

    /// Reads the state file's form back; `origin` names the file for messages.
    pub fn from_json(doc: Value, origin: &str) -> Result<Stores, Error> {
        let Value::Object(mut doc) = doc else {
            return Err(Error::BadObject {
                origin: origin.into(),
                reason: "the state must be a JSON object keyed by API version".into(),
            });
        };
        let mut stores = Stores::default();
        for api in ApiVersion::ALL {
            let objects = match doc.remove(api.as_str()) {
                Some(Value::Array(a)) => a,
                None => Vec::new(),
                Some(_) => {
                    return Err(Error::BadObject {
                        origin: origin.into(),
                        reason: format!("\"{api}\" must be a list of objects"),
                    })
                }
            };
            for (i, object) in objects.into_iter().enumerate() {
                stores
                    .get_mut(api)
                    .insert(object, &format!("{origin}: {api}[{i}]"))?;
            }
        }
        Ok(stores)
    }
}
