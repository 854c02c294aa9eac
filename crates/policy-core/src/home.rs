//! The home view's contract: what the page gives its lazily loaded module (the object list and
//! the drafts panel, `crates/home-ui`) as JSON text (`wasmBindings.home_input()`), and what the
//! module asks of the page (`wasmBindings.home_action(json)`). Pure, so both sides agree on it.

use crate::listing::{self, Row};
use serde_json::{json, Value};

/// One stored draft, as the page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The storage key the page knows it by.
    pub key: String,
    pub name: String,
    /// The type without namespace.
    pub type_name: String,
    pub api: String,
    /// What it is a draft of (a Graph path, `file:…`, `new:…`).
    pub object: String,
    /// Written by another tab of this browser.
    pub other_tab: bool,
    /// When it was written (milliseconds since 1970): the list shows the newest first.
    pub saved_at: f64,
}

/// A stored entry that could not be read as a draft (the page keeps it for export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    /// What it is of, as the key says.
    pub what: String,
}

/// The version's lists, once its catalog is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lists {
    /// Collection paths (`deviceManagement/deviceConfigurations`).
    pub collections: Vec<String>,
    /// Single objects' paths (`officeConfiguration` first, whatever order the page gives).
    pub singletons: Vec<String>,
    /// Types a new draft can start from: (qualified name, name without namespace), by the
    /// short name.
    pub editable: Vec<(String, String)>,
}

/// Everything the home view shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    pub api: String,
    /// The collection being listed.
    pub set: String,
    pub lists: Option<Lists>,
    /// Why the lists could not be loaded.
    pub catalog_error: Option<String>,
    /// The listed objects' rows, in the answer's order.
    pub rows: Vec<Row>,
    /// How many objects the answer held (rows without an id are left out).
    pub items: usize,
    pub has_more: bool,
    pub loading: bool,
    pub drafts: Vec<Draft>,
    pub unreadable: Vec<Unreadable>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn texts(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

impl Input {
    /// Reads the page's JSON; whatever is missing or of the wrong kind reads as empty, so a
    /// page of another version never stops the list from showing.
    pub fn parse(json: &str) -> Input {
        let v: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        let empty = Vec::new();
        let items = v.get("items").and_then(Value::as_array).unwrap_or(&empty);
        let lists = v.get("lists").filter(|l| l.is_object()).map(|l| Lists {
            collections: texts(l.get("collections")),
            singletons: {
                // officeConfiguration first, the one administrators edit most, then by path.
                let mut s = texts(l.get("singletons"));
                s.sort_unstable_by_key(|p| (p != "officeConfiguration", p.clone()));
                s
            },
            editable: {
                let mut e: Vec<(String, String)> = texts(l.get("editable"))
                    .into_iter()
                    .map(|n| {
                        let short = crate::model::short_name(&n).to_string();
                        (n, short)
                    })
                    .collect();
                e.sort_unstable_by(|a, b| a.1.cmp(&b.1));
                e
            },
        });
        let array = |key: &str| v.get(key).and_then(Value::as_array).unwrap_or(&empty);
        let mut drafts: Vec<Draft> = array("drafts")
            .iter()
            .map(|d| Draft {
                key: text(d, "key"),
                name: text(d, "name"),
                type_name: text(d, "type"),
                api: text(d, "api"),
                object: text(d, "object"),
                other_tab: flag(d, "otherTab"),
                saved_at: d.get("savedAt").and_then(Value::as_f64).unwrap_or(0.0),
            })
            .filter(|d| !d.key.is_empty())
            .collect();
        // Newest first.
        drafts.sort_unstable_by(|a, b| b.saved_at.total_cmp(&a.saved_at));
        Input {
            api: text(&v, "api"),
            set: text(&v, "set"),
            lists,
            catalog_error: v
                .get("catalogError")
                .and_then(Value::as_str)
                .map(str::to_string),
            rows: items.iter().filter_map(listing::row).collect(),
            items: items.len(),
            has_more: flag(&v, "hasMore"),
            loading: flag(&v, "loading"),
            drafts,
            unreadable: array("unreadable")
                .iter()
                .map(|u| Unreadable {
                    key: text(u, "key"),
                    what: text(u, "what"),
                })
                .filter(|u| !u.key.is_empty())
                .collect(),
        }
    }

    /// The types among the listed objects (for the type filter), sorted, once each.
    pub fn types(&self) -> Vec<String> {
        let mut types: Vec<String> = self
            .rows
            .iter()
            .map(|r| r.type_name.clone())
            .filter(|t| !t.is_empty())
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    }
}

/// The page's side of [`Input`]: the JSON text `home_input()` answers. (One argument per
/// field of the contract, so the page cannot leave one out.) Written as text, not built as a
/// `Value`: this runs in the page's first-load wasm, where every byte of code counts.
#[allow(clippy::too_many_arguments)]
pub fn input_json(
    api: &str,
    set: &str,
    lists: Option<&Lists>,
    catalog_error: Option<&str>,
    items: &[Value],
    has_more: bool,
    loading: bool,
    drafts: &[Draft],
    unreadable: &[Unreadable],
) -> String {
    let q = |s: &str| Value::from(s).to_string();
    let strings = |v: &mut dyn Iterator<Item = &str>| {
        format!("[{}]", v.map(&q).collect::<Vec<_>>().join(","))
    };
    let lists = lists.map_or("null".to_string(), |l| {
        format!(
            r#"{{"collections":{},"singletons":{},"editable":{}}}"#,
            strings(&mut l.collections.iter().map(String::as_str)),
            strings(&mut l.singletons.iter().map(String::as_str)),
            strings(&mut l.editable.iter().map(|(n, _)| n.as_str())),
        )
    });
    // Only what a row reads: a list of big profiles would otherwise cross whole on every update.
    let items: Vec<String> = items
        .iter()
        .map(|item| {
            let fields: Vec<String> = listing::ROW_FIELDS
                .iter()
                .filter_map(|k| Some(format!("{}:{}", q(k), item.get(*k)?)))
                .collect();
            format!("{{{}}}", fields.join(","))
        })
        .collect();
    let drafts: Vec<String> = drafts
        .iter()
        .map(|d| {
            format!(
                r#"{{"key":{},"name":{},"type":{},"api":{},"object":{},"otherTab":{},"savedAt":{}}}"#,
                q(&d.key),
                q(&d.name),
                q(&d.type_name),
                q(&d.api),
                q(&d.object),
                d.other_tab,
                Value::from(d.saved_at)
            )
        })
        .collect();
    let unreadable: Vec<String> = unreadable
        .iter()
        .map(|u| format!(r#"{{"key":{},"what":{}}}"#, q(&u.key), q(&u.what)))
        .collect();
    format!(
        r#"{{"api":{},"set":{},"lists":{lists},"catalogError":{},"items":[{}],"hasMore":{has_more},"loading":{loading},"drafts":[{}],"unreadable":[{}]}}"#,
        q(api),
        q(set),
        catalog_error.map_or("null".to_string(), q),
        items.join(","),
        drafts.join(","),
        unreadable.join(","),
    )
}

/// What the view asks the page to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// List another collection (not yet fetched).
    Set(String),
    /// Fetch the chosen collection's first page.
    List,
    /// Fetch the next page.
    More,
    /// Open a member of a collection: (collection, id).
    Open(String, String),
    /// Open a single object by its path.
    Singleton(String),
    /// A file the user chose or dropped: (name, text), or why it could not be read.
    File(String, Result<String, String>),
    /// Start an empty draft of a qualified type.
    New(String),
    /// Try loading the version's lists again.
    Retry,
    /// Reopen, discard or export a stored draft (by key).
    DraftOpen(String),
    DraftDiscard(String),
    DraftExport(String),
    /// Forget every draft on this device.
    ForgetAll,
}

impl Action {
    /// The JSON the page's `home_action` reads.
    pub fn to_json(&self) -> String {
        let v = match self {
            Action::Set(s) => json!({"do": "set", "set": s}),
            Action::List => json!({"do": "list"}),
            Action::More => json!({"do": "more"}),
            Action::Open(set, id) => json!({"do": "open", "set": set, "id": id}),
            Action::Singleton(p) => json!({"do": "singleton", "path": p}),
            Action::File(name, Ok(t)) => json!({"do": "file", "name": name, "text": t}),
            Action::File(name, Err(e)) => json!({"do": "file", "name": name, "error": e}),
            Action::New(t) => json!({"do": "new", "type": t}),
            Action::Retry => json!({"do": "retry"}),
            Action::DraftOpen(k) => json!({"do": "draft-open", "key": k}),
            Action::DraftDiscard(k) => json!({"do": "draft-discard", "key": k}),
            Action::DraftExport(k) => json!({"do": "draft-export", "key": k}),
            Action::ForgetAll => json!({"do": "forget-all"}),
        };
        v.to_string()
    }

    /// Reads an action back (the page's side); `None` for anything else.
    pub fn parse(json: &str) -> Option<Action> {
        let v: Value = serde_json::from_str(json).ok()?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(match v.get("do")?.as_str()? {
            "set" => Action::Set(s("set")?),
            "list" => Action::List,
            "more" => Action::More,
            "open" => Action::Open(s("set")?, s("id")?),
            "singleton" => Action::Singleton(s("path")?),
            "file" => Action::File(
                s("name")?,
                match s("text") {
                    Some(t) => Ok(t),
                    None => Err(s("error")?),
                },
            ),
            "new" => Action::New(s("type")?),
            "retry" => Action::Retry,
            "draft-open" => Action::DraftOpen(s("key")?),
            "draft-discard" => Action::DraftDiscard(s("key")?),
            "draft-export" => Action::DraftExport(s("key")?),
            "forget-all" => Action::ForgetAll,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_input_reads_whole_and_survives_anything() {
        let input = Input::parse(
            r##"{"api":"beta","set":"deviceManagement/deviceConfigurations",
            "lists":{"collections":["deviceManagement/deviceConfigurations",7],
                     "singletons":["deviceManagement/b","deviceManagement/a","officeConfiguration"],
                     "editable":["#microsoft.graph.windows10GeneralConfiguration"]},
            "catalogError":null,
            "items":[{"id":"a","displayName":"B","@odata.type":"#microsoft.graph.iosGeneralDeviceConfiguration"},
                     {"displayName":"no id"},
                     {"id":"c","displayName":"A","@odata.type":"#microsoft.graph.iosGeneralDeviceConfiguration"}],
            "hasMore":true,"loading":false,
            "drafts":[{"key":"k0","savedAt":5},{"key":"k1","name":"N","type":"t","api":"beta","object":"o","otherTab":true,"savedAt":9},{"name":"keyless"}],
            "unreadable":[{"key":"k2","what":"w"}]}"##,
        );
        assert_eq!(input.api, "beta");
        let lists = input.lists.as_ref().unwrap();
        assert_eq!(lists.collections, ["deviceManagement/deviceConfigurations"]);
        assert_eq!(
            lists.editable,
            [(
                "#microsoft.graph.windows10GeneralConfiguration".to_string(),
                "windows10GeneralConfiguration".to_string()
            )]
        );
        assert_eq!(
            lists.singletons,
            [
                "officeConfiguration",
                "deviceManagement/a",
                "deviceManagement/b"
            ],
            "officeConfiguration first, then by path"
        );
        assert_eq!(input.items, 3);
        assert_eq!(input.rows.len(), 2, "a row without an id cannot be opened");
        assert_eq!(input.types(), ["iosGeneralDeviceConfiguration"]);
        assert!(input.has_more && !input.loading);
        assert_eq!(input.drafts.len(), 2);
        assert_eq!(input.drafts[0].key, "k1", "the newest first");
        assert!(input.drafts[0].other_tab);
        assert_eq!(input.unreadable[0].what, "w");

        for hostile in [
            "",
            "null",
            "[]",
            "{\"items\":{}}",
            "{\"lists\":7,\"drafts\":\"x\"}",
        ] {
            let i = Input::parse(hostile);
            assert!(i.rows.is_empty() && i.lists.is_none() && i.drafts.is_empty());
        }
    }

    #[test]
    fn what_the_page_writes_the_module_reads() {
        let lists = Lists {
            collections: vec!["deviceManagement/a".into()],
            singletons: vec!["officeConfiguration".into()],
            editable: vec![("#microsoft.graph.t".into(), "t".into())],
        };
        let drafts = [Draft {
            key: "k".into(),
            name: "</script><b>".into(),
            type_name: "t".into(),
            api: "v1.0".into(),
            object: "new:t:1".into(),
            other_tab: false,
            saved_at: 1_795_000_000_123.5,
        }];
        let unreadable = [Unreadable {
            key: "u".into(),
            what: "w".into(),
        }];
        let items = [
            serde_json::json!({"id": "1", "displayName": "x", "isAssigned": true,
            "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "lastModifiedDateTime": "2026-01-02T03:04:05Z",
            "passwordRequired": true, "omaSettings": [{"omaUri": "./Vendor/MSFT/x"}]}),
        ];
        let json = input_json(
            "v1.0",
            "deviceManagement/a",
            Some(&lists),
            Some("offline"),
            &items,
            true,
            true,
            &drafts,
            &unreadable,
        );
        let input = Input::parse(&json);
        assert_eq!(input.lists.as_ref(), Some(&lists));
        assert_eq!(input.catalog_error.as_deref(), Some("offline"));
        assert_eq!(input.rows.len(), 1);
        assert_eq!(
            Some(&input.rows[0]),
            crate::listing::row(&items[0]).as_ref()
        );
        assert!(!json.contains("omaSettings") && !json.contains("passwordRequired"));
        assert!(input.has_more && input.loading);
        assert_eq!(input.drafts, drafts);
        assert_eq!(input.unreadable, unreadable);
        let none = Input::parse(&input_json(
            "beta",
            "",
            None,
            None,
            &[],
            false,
            false,
            &[],
            &[],
        ));
        assert!(none.lists.is_none() && none.catalog_error.is_none() && none.rows.is_empty());
    }

    #[test]
    fn every_action_reads_back_as_itself() {
        let all = [
            Action::Set("deviceManagement/x".into()),
            Action::List,
            Action::More,
            Action::Open("deviceManagement/x".into(), "id\"1".into()),
            Action::Singleton("officeConfiguration".into()),
            Action::File("a.json".into(), Ok("{\"a\":1}".into())),
            Action::File("b.json".into(), Err("unreadable".into())),
            Action::New("#microsoft.graph.t".into()),
            Action::Retry,
            Action::DraftOpen("k".into()),
            Action::DraftDiscard("k".into()),
            Action::DraftExport("k".into()),
            Action::ForgetAll,
        ];
        for a in all {
            assert_eq!(Action::parse(&a.to_json()), Some(a));
        }
        for bad in [
            "",
            "{}",
            "{\"do\":\"open\",\"set\":\"s\"}",
            "{\"do\":\"rm -rf\"}",
            "[1]",
        ] {
            assert_eq!(Action::parse(bad), None, "{bad}");
        }
    }
}
