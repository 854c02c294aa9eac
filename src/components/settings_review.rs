//! The review's setting-level changes of a settings catalog policy: each added, removed or
//! changed setting by its name, with its value before and after, as the catalog module
//! describes them (never a JSON blob).

use serde_json::Value;
use yew::prelude::*;

use crate::net::catalog_module;
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct SettingsReviewProps {
    /// The policy as loaded and as edited (only their `settings` are compared).
    pub loaded: Shared<Value>,
    pub edited: Option<Shared<Value>>,
}

/// One changed setting, as the module describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `added`, `removed` or `changed`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The rows of the module's answer (none when it is not JSON rows). Read by hand: the app has
/// no serde derive (each would add its own code).
pub fn rows(answer: &str) -> Vec<Row> {
    let v: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    let text = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(Row {
                kind: text(r, "kind")?,
                id: text(r, "id")?,
                name: text(r, "name")?,
                before: text(r, "before"),
                after: text(r, "after"),
            })
        })
        .collect()
}

#[component]
pub fn SettingsReview(props: &SettingsReviewProps) -> Html {
    let rows = use_memo(
        (props.loaded.clone(), props.edited.clone()),
        |(loaded, edited)| {
            let empty = Value::Array(Vec::new());
            let before = loaded.get("settings").unwrap_or(&empty).to_string();
            let after = edited.as_ref().map(|e| e.0.to_string()).unwrap_or_default();
            catalog_module::diff(&before, &after).map(|a| rows(&a))
        },
    );
    let Some(rows) = rows.as_ref() else {
        return html! { <p class="unit" id="settings-diff">{ "The settings changed; their list of changes shows once the settings editor has loaded." }</p> };
    };
    html! {
        <table class="diff" id="settings-diff">
            <thead><tr><th>{ "Setting" }</th><th>{ "Before" }</th><th>{ "After" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|r| html! {
                    <tr data-setting={r.id.clone()} data-kind={r.kind.clone()}>
                        <td>{ &r.name }<br /><code class="setting-id">{ &r.id }</code></td>
                        <td class="old">{ r.before.clone().unwrap_or_else(|| "(absent)".into()) }</td>
                        <td class="new">{ r.after.clone().unwrap_or_else(|| "(removed)".into()) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_module_rows_read_as_rows_and_anything_else_as_none() {
        let r = rows(
            r#"[{"kind":"changed","id":"a_b","name":"B","before":"On","after":"Off","path":"settings[0]"}]"#,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(
            (
                r[0].kind.as_str(),
                r[0].before.as_deref(),
                r[0].after.as_deref()
            ),
            ("changed", Some("On"), Some("Off"))
        );
        assert!(rows("{}").is_empty());
        assert!(rows("not json").is_empty());
    }
}
