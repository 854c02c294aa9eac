//! The sections of a type's form, so a 293-field profile reads like the admin center groups it:
//! Defender, Edge, Password, SmartScreen, Start menu, Windows Spotlight… made from the property
//! names' shared prefixes, one run per declaring type (the type's own settings first, then
//! each base type's), never from Microsoft's prose.
//!
//! A type's own properties are grouped by their first word; a word too general to name a topic
//! ("windows", "start", "smart", "wi", "lock", …) is grouped with the word after it
//! (`windowsSpotlight…`, `startMenu…`, `smartScreen…`, `wiFi…`). A group of fewer than
//! [`MIN_SECTION`] properties joins "General". A base type's properties are one section; so is a
//! type with at most [`SMALL_TYPE`] properties of its own.

use crate::label::{label, words};
use crate::model::{Schema, TypeId};

/// A group smaller than this joins the declaring type's "General" section.
pub const MIN_SECTION: usize = 3;
/// A type with at most this many own properties is one section.
pub const SMALL_TYPE: usize = 12;

/// First words that do not name a topic on their own: the section is named by the first two.
const TWO_WORD: &[&str] = &[
    "allow",
    "app",
    "apps",
    "block",
    "configure",
    "device",
    "enable",
    "enterprise",
    "lock",
    "microsoft",
    "network",
    "personalization",
    "smart",
    "start",
    "windows",
    "wi",
    "wireless",
    "user",
];

/// One section of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Stable within the type, usable in an element id: `own-defender`, `base-deviceConfiguration`.
    pub key: String,
    pub title: String,
    /// The type that declares these properties.
    pub declaring: TypeId,
    /// Property names, in the type's order.
    pub properties: Vec<String>,
}

/// The topic of a property: its first word, or its first two (see [`TWO_WORD`]), lower case.
pub fn topic(name: &str) -> String {
    let w = words(name);
    match w.as_slice() {
        [] => String::new(),
        [first, second, ..] if TWO_WORD.iter().any(|t| first.eq_ignore_ascii_case(t)) => {
            format!("{}{}", first.to_ascii_lowercase(), second)
        }
        [first, ..] => first.to_ascii_lowercase(),
    }
}

/// The sections of `type_id`'s form, in display order: the type's own (General first, then by
/// topic in the order topics first appear), then one per base type from the nearest base up.
pub fn sections(schema: &Schema, type_id: TypeId) -> Vec<Section> {
    let t = schema.get(type_id);
    let mut chain = vec![type_id];
    let mut cur = t.base;
    while let Some(b) = cur {
        chain.push(b);
        cur = schema.get(b).base;
    }
    let mut out: Vec<Section> = Vec::new();
    for (depth, declaring) in chain.iter().enumerate() {
        let names: Vec<&str> = t
            .properties
            .iter()
            .filter(|p| p.declared_in == *declaring)
            .map(|p| p.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let declaring_name = schema.get(*declaring).short_name();
        // A base with a property or two (`entity`: `id`) joins the section before it.
        if depth > 0 && names.len() < MIN_SECTION {
            if let Some(prev) = out.last_mut() {
                prev.properties.extend(names.iter().map(|n| n.to_string()));
                continue;
            }
        }
        if depth > 0 || names.len() <= SMALL_TYPE {
            let title = if depth == 0 {
                format!("{} settings", label(declaring_name))
            } else {
                format!("From {}", label(declaring_name).to_ascii_lowercase())
            };
            out.push(Section {
                key: format!(
                    "{}-{declaring_name}",
                    if depth == 0 { "own" } else { "base" }
                ),
                title,
                declaring: *declaring,
                properties: names.iter().map(|n| n.to_string()).collect(),
            });
            continue;
        }
        // Topics in the order they first appear, each with its properties.
        let mut topics: Vec<(String, Vec<String>)> = Vec::new();
        for n in &names {
            let k = topic(n);
            match topics.iter_mut().find(|(t, _)| *t == k) {
                Some((_, list)) => list.push(n.to_string()),
                None => topics.push((k, vec![n.to_string()])),
            }
        }
        // Small topics make "General", in the type's order; the others a section each, in the
        // order their topics first appear (no sort: it would grow the app's wasm).
        let small = |n: &str| {
            let k = topic(n);
            topics
                .iter()
                .any(|(t, list)| *t == k && list.len() < MIN_SECTION)
        };
        let general: Vec<String> = names
            .iter()
            .filter(|n| small(n))
            .map(|n| n.to_string())
            .collect();
        let named: Vec<Section> = topics
            .into_iter()
            .filter(|(_, list)| list.len() >= MIN_SECTION)
            .map(|(k, list)| Section {
                key: format!("own-{k}"),
                title: label(&k),
                declaring: *declaring,
                properties: list,
            })
            .collect();
        if !general.is_empty() {
            out.push(Section {
                key: "own-general".into(),
                title: "General".into(),
                declaring: *declaring,
                properties: general,
            });
        }
        out.extend(named);
    }
    out
}

/// The title of the section that holds `property`, if any.
pub fn section_of<'a>(sections: &'a [Section], property: &str) -> Option<&'a Section> {
    sections
        .iter()
        .find(|s| s.properties.iter().any(|p| p == property))
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use super::*;
    use crate::embedded::schema;
    use crate::model::ApiVersion;

    #[test]
    fn topics_name_what_admins_look_for() {
        assert_eq!(topic("defenderScanArchiveFiles"), "defender");
        assert_eq!(topic("smartScreenEnableAppInstallControl"), "smartScreen");
        assert_eq!(topic("windowsSpotlightBlocked"), "windowsSpotlight");
        assert_eq!(topic("startMenuHideLock"), "startMenu");
        assert_eq!(topic("wiFiBlocked"), "wiFi");
        assert_eq!(topic("passwordMinimumLength"), "password");
        assert_eq!(topic("x"), "x");
        assert_eq!(topic(""), "");
    }

    #[test]
    fn the_big_windows_profile_has_the_admin_centers_sections() {
        let s = schema(ApiVersion::Beta);
        let id = s.find("windows10GeneralConfiguration").unwrap();
        let secs = sections(s, id);
        let titles: Vec<&str> = secs.iter().map(|s| s.title.as_str()).collect();
        for want in [
            "General",
            "Defender",
            "Edge",
            "Password",
            "SmartScreen",
            "Start menu",
            "Windows spotlight",
            "Wi-Fi",
            "From device configuration",
        ] {
            assert!(titles.contains(&want), "{want} missing from {titles:?}");
        }
        // Every property is in exactly one section, and sections are not tiny.
        let t = s.get(id);
        let mut all: Vec<&str> = secs
            .iter()
            .flat_map(|s| s.properties.iter().map(String::as_str))
            .collect();
        assert_eq!(all.len(), t.properties.len());
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), t.properties.len());
        for sec in secs.iter().filter(|s| s.title != "General") {
            if sec.key.starts_with("own-") {
                assert!(sec.properties.len() >= MIN_SECTION, "{sec:?}");
            }
        }
        // Keys are unique (they become element ids).
        let mut keys: Vec<&str> = secs.iter().map(|s| s.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), secs.len());
        assert_eq!(
            section_of(&secs, "defenderScanArchiveFiles").map(|s| s.title.as_str()),
            Some("Defender")
        );
    }

    #[test]
    fn a_small_type_is_one_section_per_declaring_type() {
        let s = schema(ApiVersion::V1);
        let id = s.find("windows10CustomConfiguration").unwrap();
        let secs = sections(s, id);
        assert_eq!(secs[0].title, "Windows 10 custom configuration settings");
        assert!(secs.iter().skip(1).all(|s| s.title.starts_with("From ")));
        // `entity` (only `id`) joins the base before it.
        assert!(!secs.iter().any(|s| s.title == "From entity"), "{secs:?}");
        // A type right under `entity` keeps `id` in its own last section.
        let beta = schema(ApiVersion::Beta);
        let p = beta.find("deviceManagementConfigurationPolicy").unwrap();
        let psecs = sections(beta, p);
        assert!(psecs.iter().all(|x| x.title != "From entity"), "{psecs:?}");
        assert!(psecs.last().unwrap().properties.iter().any(|n| n == "id"));
        let total: usize = secs.iter().map(|s| s.properties.len()).sum();
        assert_eq!(total, s.get(id).properties.len());
    }
}
