//! The object list's rows, from a collection's answer: name (`displayName`, or `name` for the
//! settings catalog), type, platform, last change and whether it is assigned where the answer
//! says; and their sort orders. Pure, so the app's table and its tests agree.

use serde_json::Value;

use crate::model::short_name;

/// One object of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// The type without namespace (`windows10GeneralConfiguration`), empty when not given.
    pub type_name: String,
    /// The platform, readable ("Windows", "iOS/iPadOS", "macOS", "Android", "Linux"), or empty.
    pub platform: String,
    /// `lastModifiedDateTime` as Graph wrote it (RFC 3339 sorts as text).
    pub modified: String,
    /// `isAssigned` where the answer has it.
    pub assigned: Option<bool>,
}

/// A sortable column of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Type,
    Platform,
    Modified,
    Assigned,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Name,
        Column::Type,
        Column::Platform,
        Column::Modified,
        Column::Assigned,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Type => "Type",
            Column::Platform => "Platform",
            Column::Modified => "Last modified",
            Column::Assigned => "Assigned",
        }
    }
}

/// The platform of a type, from its name's first word (`windows10…`, `ios…`, `macOS…`,
/// `android…`, `aosp…`), or of a settings catalog policy, from its `platforms` value.
pub fn platform(type_name: &str, platforms: Option<&str>) -> &'static str {
    let from = |text: &str| -> &'static str {
        let t = text.to_ascii_lowercase();
        if t.starts_with("windows") || t.starts_with("win32") || t.starts_with("edition") {
            "Windows"
        } else if t.starts_with("ios") || t.starts_with("ipad") {
            "iOS/iPadOS"
        } else if t.starts_with("macos") {
            "macOS"
        } else if t.starts_with("android") || t.starts_with("aosp") {
            "Android"
        } else if t.starts_with("linux") {
            "Linux"
        } else if t.starts_with("tvos") {
            "tvOS"
        } else {
            ""
        }
    };
    match platforms.map(from) {
        Some(p) if !p.is_empty() => p,
        _ => from(type_name),
    }
}

/// The properties of an object [`row`] reads: all a list needs of a list answer's items.
pub const ROW_FIELDS: [&str; 7] = [
    "id",
    "@odata.type",
    "displayName",
    "name",
    "platforms",
    "lastModifiedDateTime",
    "isAssigned",
];

/// The row of one object of a list answer; `None` for an item without an id.
pub fn row(v: &Value) -> Option<Row> {
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    let id = text("id")?.to_string();
    let type_name = text("@odata.type")
        .map(short_name)
        .unwrap_or("")
        .to_string();
    Some(Row {
        name: text("displayName")
            .or_else(|| text("name"))
            .unwrap_or("(no name)")
            .to_string(),
        platform: platform(&type_name, text("platforms")).to_string(),
        modified: text("lastModifiedDateTime").unwrap_or("").to_string(),
        assigned: v.get("isAssigned").and_then(Value::as_bool),
        type_name,
        id,
    })
}

/// Sorts rows by a column; ties (and names) compare without regard to case, then by id, so the
/// order is the same on every render.
///
/// It sorts strings (the column's key, the name, the id and the row's position, joined), not
/// rows: the app already sorts strings, and a sort of its own for rows would add kilobytes to
/// its wasm.
pub fn sort(rows: &mut Vec<Row>, by: Column, ascending: bool) {
    let key = |r: &Row| -> String {
        match by {
            Column::Name => String::new(),
            Column::Type => r.type_name.to_ascii_lowercase(),
            Column::Platform => r.platform.to_ascii_lowercase(),
            Column::Modified => r.modified.clone(),
            Column::Assigned => match r.assigned {
                Some(true) => "2".into(),
                Some(false) => "1".into(),
                None => "0".into(),
            },
        }
    };
    // U+0001 sorts before any character a key, a name or an id holds.
    let mut keys: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "{}\u{1}{}\u{1}{}\u{1}{i}",
                key(r),
                r.name.to_ascii_lowercase(),
                r.id
            )
        })
        .collect();
    keys.sort_unstable();
    if !ascending {
        keys.reverse();
    }
    let mut taken: Vec<Option<Row>> = rows.drain(..).map(Some).collect();
    rows.extend(keys.iter().filter_map(|k| {
        let i: usize = k.rsplit('\u{1}').next()?.parse().ok()?;
        taken.get_mut(i)?.take()
    }));
}

/// True when a row matches the name filter (lower case, already trimmed).
pub fn matches(row: &Row, needle: &str) -> bool {
    needle.is_empty() || row.name.to_ascii_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_read_both_naming_styles_and_say_the_platform() {
        let a = row(&json!({"id": "1", "@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", "displayName": "Phones", "lastModifiedDateTime": "2026-01-02T00:00:00Z"})).unwrap();
        assert_eq!(
            (a.name.as_str(), a.platform.as_str()),
            ("Phones", "iOS/iPadOS")
        );
        let b = row(&json!({"id": "2", "name": "Baseline", "platforms": "windows10", "technologies": "mdm", "isAssigned": true})).unwrap();
        assert_eq!(
            (b.name.as_str(), b.platform.as_str(), b.assigned),
            ("Baseline", "Windows", Some(true))
        );
        let c =
            row(&json!({"id": "3", "@odata.type": "#microsoft.graph.macOSCustomConfiguration"}))
                .unwrap();
        assert_eq!(
            (c.name.as_str(), c.platform.as_str()),
            ("(no name)", "macOS")
        );
        assert_eq!(row(&json!({"displayName": "no id"})), None);
        assert_eq!(platform("androidManagedAppProtection", None), "Android");
        assert_eq!(platform("targetedManagedAppConfiguration", None), "");
    }

    #[test]
    fn sorting_is_stable_and_reversible() {
        let mut rows: Vec<Row> = [
            json!({"id": "b", "displayName": "beta", "lastModifiedDateTime": "2026-03-01T00:00:00Z"}),
            json!({"id": "a", "displayName": "Alpha", "lastModifiedDateTime": "2026-01-01T00:00:00Z", "isAssigned": false}),
            json!({"id": "c", "displayName": "alpha", "lastModifiedDateTime": "2026-02-01T00:00:00Z", "isAssigned": true}),
        ]
        .iter()
        .filter_map(row)
        .collect();
        let ids = |r: &[Row]| r.iter().map(|r| r.id.clone()).collect::<Vec<_>>().join("");
        sort(&mut rows, Column::Name, true);
        assert_eq!(ids(&rows), "acb");
        sort(&mut rows, Column::Name, false);
        assert_eq!(ids(&rows), "bca");
        sort(&mut rows, Column::Modified, false);
        assert_eq!(ids(&rows), "bca");
        sort(&mut rows, Column::Assigned, false);
        assert_eq!(ids(&rows), "cab");
        assert!(matches(&rows[0], "alp") && !matches(&rows[0], "bet"));
    }
}
