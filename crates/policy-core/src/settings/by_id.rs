//! What both kinds of setting definitions share (the settings catalog's and the older intents'):
//! the set the editor holds, keyed by id without regard to case ([`ById`]), and the walk over
//! the shapes Graph's answers carry them in ([`ById::add_walked`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::key;

/// A definition as [`ById`] keys it.
pub trait HasId {
    fn id(&self) -> &str;
}

/// Definitions keyed by id without regard to case, in the order they were first added.
#[derive(Debug, Clone)]
pub struct ById<T> {
    list: Vec<T>,
    index: HashMap<String, usize>,
}

impl<T> Default for ById<T> {
    fn default() -> Self {
        ById {
            list: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: HasId> ById<T> {
    /// Adds one definition, replacing one of the same id.
    pub fn insert(&mut self, definition: T) {
        let k = key(definition.id());
        match self.index.get(&k) {
            Some(&i) => self.list[i] = definition,
            None => {
                self.index.insert(k, self.list.len());
                self.list.push(definition);
            }
        }
    }

    /// The definition of this id (compared without regard to case).
    pub fn get(&self, id: &str) -> Option<&T> {
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => *self.index.get(&key(id))?,
        };
        self.list.get(i)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every definition, in the order first added.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.list.iter()
    }

    /// Adds each definition `json` holds in `shapes` that `parse` reads, replacing ones of the
    /// same id: how many, or `None` when `json` is none of the shapes.
    pub(crate) fn add_walked<E>(
        &mut self,
        json: &Value,
        shapes: &Shapes,
        parse: fn(&Value) -> Result<T, E>,
    ) -> Option<usize> {
        let mut read = 0;
        let recognised = walk(json, shapes, &mut |d| {
            if let Ok(d) = parse(d) {
                self.insert(d);
                read += 1;
            }
        });
        recognised.then_some(read)
    }
}

/// How a Graph answer holds definitions: the most levels walked, the fields whose lists may
/// hold them (`value`, `settingDefinitions`, …) and what a definition looks like.
pub(crate) struct Shapes {
    pub max_depth: usize,
    pub containers: &'static [&'static str],
    pub is_definition: fn(&Map<String, Value>) -> bool,
}

/// Walks `json` as `shapes` say, giving `found` each definition; returns whether `json` was one
/// of the shapes (a list, a definition, or an object with a container list).
fn walk(json: &Value, shapes: &Shapes, found: &mut dyn FnMut(&Value)) -> bool {
    fn go(json: &Value, depth: usize, shapes: &Shapes, found: &mut dyn FnMut(&Value)) -> bool {
        if depth > shapes.max_depth {
            return false;
        }
        match json {
            Value::Array(items) => {
                for item in items {
                    go(item, depth + 1, shapes, found);
                }
                true
            }
            Value::Object(map) if (shapes.is_definition)(map) => {
                found(json);
                true
            }
            Value::Object(map) => {
                let mut recognised = false;
                for field in shapes.containers {
                    if let Some(inner) = map.get(*field).filter(|v| v.is_array()) {
                        recognised = true;
                        go(inner, depth + 1, shapes, found);
                    }
                }
                recognised
            }
            _ => false,
        }
    }
    go(json, 0, shapes, found)
}
