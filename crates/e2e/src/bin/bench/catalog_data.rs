//! The benchmark's settings catalog, written here (no Microsoft data: ids follow the public
//! `device_vendor_msft_policy_config_<area>_<setting>` pattern, names, labels, values and
//! ranges are ours): a policy with [`POLICY_SETTINGS`] settings of every kind a policy holds
//! (choices with children, ranged integers, strings with lengths, patterns and formats, secrets,
//! string and integer collections, choice collections, groups, group collections) with its
//! definitions and categories, committed in `crates/e2e/bench-data/` (a test keeps the file
//! current, see `data.rs`); and the filler that makes the catalog the picker searches
//! [`CATALOG_SIZE`] definitions (every definition kind, redirects included), built at run time.
//! Both are sandbox additions files (`graph_sandbox::settings::catalog::Additions`).

// The driver reads the committed file and builds the filler; the policy builder runs in the tests.
#![cfg_attr(not(test), allow(dead_code))]

use serde_json::{json, Map, Value};

/// The top-level settings of the policy.
pub const POLICY_SETTINGS: usize = 300;
/// The definitions the sandbox serves in all (its fixtures, the policy's, the filler).
pub const CATALOG_SIZE: usize = 16_000;
/// The policy's id in the sandbox.
pub const POLICY_ID: &str = "be7c0000-0000-4000-8000-000000000300";
/// The policy's file in the bench-data folder.
pub const POLICY_FILE: &str = "deviceManagementConfigurationPolicy.settings300.data.json";

const GT: &str = "#microsoft.graph.deviceManagementConfiguration";
const PREFIX: &str = "device_vendor_msft_policy_config_";
/// Settings per area (category) of the policy.
const PER_AREA: usize = 10;

/// The policy's areas: each a category and ten settings.
const AREAS: [&str; 30] = [
    "display",
    "storage",
    "networking",
    "printing",
    "power",
    "audio",
    "camera",
    "location",
    "search",
    "clipboard",
    "keyboard",
    "fonts",
    "backup",
    "sync",
    "diagnostics",
    "notifications",
    "wireless",
    "bluetooth",
    "removablemedia",
    "sharing",
    "remoteassist",
    "sleep",
    "language",
    "timeservice",
    "updates",
    "appstore",
    "mail",
    "calendar",
    "contacts",
    "messaging",
];

/// Words the filler's names are made of: a verb and an object, in an area of its own.
const VERBS: [&str; 10] = [
    "allow",
    "block",
    "enable",
    "limit",
    "require",
    "hide",
    "prevent",
    "configure",
    "set",
    "show",
];
const OBJECTS: [&str; 20] = [
    "access",
    "cache",
    "download",
    "upload",
    "preview",
    "prompt",
    "logging",
    "history",
    "sharing",
    "timeout",
    "retries",
    "encryption",
    "signin",
    "recovery",
    "indexing",
    "playback",
    "scanning",
    "reporting",
    "scheduling",
    "shortcuts",
];

fn cap(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A GUID of the benchmark's own (`be7c…`), one per `n` within `kind`.
fn guid(kind: u32, n: usize) -> String {
    format!("be7c{kind:04x}-0000-4000-8000-{n:012x}")
}

fn category(n: usize, name: &str, display: &str, platforms: &str) -> Value {
    json!({
        "id": guid(1, n),
        "name": name,
        "displayName": display,
        "description": "",
        "categoryDescription": null,
        "helpText": "",
        "platforms": platforms,
        "technologies": "mdm",
        "settingUsage": "configuration",
        "parentCategoryId": null,
        "rootCategoryId": guid(1, n),
        "childCategoryIds": [],
    })
}

fn applicability(platform: &str) -> Value {
    if platform == "windows10" {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationWindowsSettingApplicability",
            "description": null,
            "platform": platform,
            "deviceMode": "none",
            "technologies": "mdm",
            "configurationServiceProviderVersion": "1.0",
            "maximumSupportedVersion": null,
            "minimumSupportedVersion": "10.0.19041",
            "windowsSkus": ["windowsEnterprise", "windowsProfessional"],
            "requiresAzureAd": false,
            "requiredAzureAdTrustType": "none",
        })
    } else {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSettingApplicability",
            "description": null,
            "platform": platform,
            "deviceMode": "none",
            "technologies": "mdm",
        })
    }
}

/// Where a definition sits: its category, platform and top-level definition.
#[derive(Clone, Copy)]
struct At<'a> {
    category: &'a str,
    platform: &'a str,
    root: &'a str,
}

/// A definition of `kind` (the part of Graph's `@odata.type` between
/// `deviceManagementConfiguration` and `Definition`) with the fields every kind has, then
/// `extra`.
fn definition(kind: &str, id: &str, display: &str, at: At, extra: Value) -> Value {
    let name = id.rsplit('_').next().unwrap_or(id);
    let mut d = json!({
        "@odata.type": format!("{GT}{kind}Definition"),
        "id": id,
        "name": name,
        "displayName": display,
        "description": "",
        "helpText": "",
        "categoryId": at.category,
        "rootDefinitionId": at.root,
        "version": "1",
        "baseUri": "./Device/Vendor/MSFT/Policy/Config",
        "offsetUri": name,
        "keywords": [],
        "infoUrls": [],
        "applicability": applicability(at.platform),
        "occurrence": {"minDeviceOccurrence": 0, "maxDeviceOccurrence": 1},
        "accessTypes": "add,delete,get,replace",
        "settingUsage": "configuration",
        "uxBehavior": if kind.starts_with("Choice") { "dropdown" } else { "default" },
        "visibility": "settingsCatalog,template",
        "riskLevel": "low",
        "referredSettingInformationList": [],
    });
    if let (Some(d), Value::Object(extra)) = (d.as_object_mut(), extra) {
        d.extend(extra);
    }
    d
}

fn int_value(v: i64) -> Value {
    json!({"@odata.type": format!("{GT}IntegerSettingValue"), "settingValueTemplateReference": null, "value": v})
}

fn string_value(v: &str) -> Value {
    json!({"@odata.type": format!("{GT}StringSettingValue"), "settingValueTemplateReference": null, "value": v})
}

/// A choice's options: `(label, children)` each, item ids `<id>_<n>`, integer values `n`.
fn options(id: &str, labels: &[(&str, Vec<(String, bool)>)]) -> Value {
    labels
        .iter()
        .enumerate()
        .map(|(n, (label, children))| {
            json!({
                "itemId": format!("{id}_{n}"),
                "name": label,
                "displayName": label,
                "description": null,
                "helpText": null,
                "optionValue": int_value(n as i64),
                "dependentOn": [],
                "dependedOnBy": children.iter().map(|(c, required)| json!({"dependedOnBy": c, "required": required})).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn choice(id: &str, display: &str, at: At, labels: &[(&str, Vec<(String, bool)>)]) -> Value {
    definition(
        "ChoiceSetting",
        id,
        display,
        at,
        json!({"options": options(id, labels), "defaultOptionId": format!("{id}_0")}),
    )
}

fn choice_collection(id: &str, display: &str, at: At, labels: &[&str], max: u32) -> Value {
    let labels: Vec<(&str, Vec<(String, bool)>)> = labels.iter().map(|l| (*l, vec![])).collect();
    definition(
        "ChoiceSettingCollection",
        id,
        display,
        at,
        json!({"options": options(id, &labels), "defaultOptionId": null,
               "minimumCount": 0, "maximumCount": max}),
    )
}

fn integer_rule(min: i64, max: i64) -> Value {
    json!({"@odata.type": format!("{GT}IntegerSettingValueDefinition"), "minimumValue": min, "maximumValue": max})
}

fn string_rule(min: u32, max: u32, format: &str, pattern: Option<&str>, secret: bool) -> Value {
    json!({
        "@odata.type": format!("{GT}StringSettingValueDefinition"),
        "format": format,
        "inputValidationSchema": pattern,
        "isSecret": secret,
        "minimumLength": min,
        "maximumLength": max,
        "fileTypes": [],
    })
}

/// A simple setting (or a collection of them, with `count`), under `parent` when given (an
/// option's item id or a group's id, and the parent definition's id).
fn simple(
    id: &str,
    display: &str,
    at: At,
    rule: Value,
    count: Option<(u32, u32)>,
    parent: Option<(&str, &str)>,
) -> Value {
    let mut extra = json!({
        "valueDefinition": rule,
        "defaultValue": null,
        "dependentOn": parent.map(|(on, p)| vec![json!({"dependentOn": on, "parentSettingId": p})]).unwrap_or_default(),
        "dependedOnBy": [],
    });
    let kind = match count {
        Some((min, max)) => {
            extra["minimumCount"] = json!(min);
            extra["maximumCount"] = json!(max);
            "SimpleSettingCollection"
        }
        None => "SimpleSetting",
    };
    definition(kind, id, display, at, extra)
}

fn group(
    id: &str,
    display: &str,
    at: At,
    children: &[(String, bool)],
    count: Option<u32>,
) -> Value {
    let mut extra = json!({
        "childIds": children.iter().map(|(c, _)| c).collect::<Vec<_>>(),
        "dependentOn": [],
        "dependedOnBy": children.iter().map(|(c, r)| json!({"dependedOnBy": c, "required": r})).collect::<Vec<_>>(),
    });
    let kind = match count {
        Some(max) => {
            extra["minimumCount"] = json!(0);
            extra["maximumCount"] = json!(max);
            "SettingGroupCollection"
        }
        None => "SettingGroup",
    };
    definition(kind, id, display, at, extra)
}

/// A setting instance of `kind` (the part of Graph's `@odata.type` between
/// `deviceManagementConfiguration` and `Instance`).
fn instance(kind: &str, id: &str, field: &str, value: Value) -> Value {
    let mut i = Map::new();
    i.insert("@odata.type".into(), json!(format!("{GT}{kind}Instance")));
    i.insert("settingDefinitionId".into(), json!(id));
    i.insert("settingInstanceTemplateReference".into(), Value::Null);
    i.insert(field.into(), value);
    Value::Object(i)
}

fn choice_instance(id: &str, option: usize, children: Vec<Value>) -> Value {
    instance(
        "ChoiceSetting",
        id,
        "choiceSettingValue",
        json!({"settingValueTemplateReference": null, "value": format!("{id}_{option}"), "children": children}),
    )
}

fn simple_instance(id: &str, value: Value) -> Value {
    instance("SimpleSetting", id, "simpleSettingValue", value)
}

/// The definitions and the settings of one area of the policy.
fn area(n: usize, name: &str) -> (Vec<Value>, Vec<Value>) {
    let cat = guid(1, n);
    let label = cap(name);
    let id = |setting: &str| format!("{PREFIX}{name}_{setting}");
    let mut defs = Vec::new();
    let mut settings = Vec::new();
    fn at<'a>(category: &'a str, root: &'a str) -> At<'a> {
        At {
            category,
            platform: "windows10",
            root,
        }
    }
    let ni = n as i64;

    // A choice whose "On" brings a required level and an optional label.
    let (feature, level, tag) = (id("enablefeature"), id("featurelevel"), id("featurelabel"));
    let a = at(&cat, &feature);
    defs.push(choice(
        &feature,
        &format!("{label} feature"),
        a,
        &[
            ("Off", vec![]),
            ("On", vec![(level.clone(), true), (tag.clone(), false)]),
        ],
    ));
    let under_on = Some((format!("{feature}_1"), feature.clone()));
    let under_on = under_on.as_ref().map(|(o, p)| (o.as_str(), p.as_str()));
    defs.push(simple(
        &level,
        &format!("{label} feature level"),
        a,
        integer_rule(1, 5),
        None,
        under_on,
    ));
    defs.push(simple(
        &tag,
        &format!("{label} feature label"),
        a,
        string_rule(1, 64, "none", None, false),
        None,
        under_on,
    ));
    settings.push(choice_instance(
        &feature,
        1,
        vec![
            simple_instance(&level, int_value(1 + ni % 5)),
            simple_instance(&tag, string_value(&format!("{label} level"))),
        ],
    ));

    // A ranged integer.
    let timeout = id("timeoutminutes");
    defs.push(simple(
        &timeout,
        &format!("{label} timeout (minutes)"),
        at(&cat, &timeout),
        integer_rule(0, 1440),
        None,
        None,
    ));
    settings.push(simple_instance(&timeout, int_value(30 + ni)));

    // A string with a length and a pattern.
    let server = id("servername");
    defs.push(simple(
        &server,
        &format!("{label} server name"),
        at(&cat, &server),
        string_rule(1, 253, "none", Some("^[a-z0-9][a-z0-9.-]*$"), false),
        None,
        None,
    ));
    settings.push(simple_instance(
        &server,
        string_value(&format!("{name}.example.com")),
    ));

    // A string collection.
    let hosts = id("allowedhosts");
    defs.push(simple(
        &hosts,
        &format!("{label} allowed hosts"),
        at(&cat, &hosts),
        string_rule(1, 253, "none", None, false),
        Some((0, 20)),
        None,
    ));
    settings.push(instance(
        "SimpleSettingCollection",
        &hosts,
        "simpleSettingCollectionValue",
        json!([
            string_value(&format!("a.{name}.example.com")),
            string_value(&format!("b.{name}.example.com")),
            string_value(&format!("c.{name}.example.com")),
        ]),
    ));

    // A choice of four.
    let mode = id("mode");
    defs.push(choice(
        &mode,
        &format!("{label} mode"),
        at(&cat, &mode),
        &[
            ("Automatic", vec![]),
            ("Manual", vec![]),
            ("Scheduled", vec![]),
            ("Off", vec![]),
        ],
    ));
    settings.push(choice_instance(&mode, n % 4, vec![]));

    // An integer collection with a range.
    let ports = id("ports");
    defs.push(simple(
        &ports,
        &format!("{label} ports"),
        at(&cat, &ports),
        integer_rule(1, 65535),
        Some((0, 10)),
        None,
    ));
    settings.push(instance(
        "SimpleSettingCollection",
        &ports,
        "simpleSettingCollectionValue",
        json!([int_value(443), int_value(8443 + ni)]),
    ));

    // A choice collection.
    let channels = id("channels");
    defs.push(choice_collection(
        &channels,
        &format!("{label} channels"),
        at(&cat, &channels),
        &["Stable", "Preview", "Insider", "Archive"],
        4,
    ));
    settings.push(instance(
        "ChoiceSettingCollection",
        &channels,
        "choiceSettingCollectionValue",
        json!([
            {"settingValueTemplateReference": null, "value": format!("{channels}_0"), "children": []},
            {"settingValueTemplateReference": null, "value": format!("{channels}_2"), "children": []},
        ]),
    ));

    // A group: an address and a port.
    let (proxy, address, port) = (id("proxy"), id("proxy_address"), id("proxy_port"));
    let a = at(&cat, &proxy);
    defs.push(group(
        &proxy,
        &format!("{label} proxy"),
        a,
        &[(address.clone(), true), (port.clone(), false)],
        None,
    ));
    defs.push(simple(
        &address,
        &format!("{label} proxy address"),
        a,
        string_rule(1, 255, "none", None, false),
        None,
        Some((&proxy, &proxy)),
    ));
    defs.push(simple(
        &port,
        &format!("{label} proxy port"),
        a,
        integer_rule(1, 65535),
        None,
        Some((&proxy, &proxy)),
    ));
    settings.push(instance(
        "GroupSetting",
        &proxy,
        "groupSettingValue",
        json!({"settingValueTemplateReference": null, "children": [
            simple_instance(&address, string_value(&format!("proxy.{name}.example.com"))),
            simple_instance(&port, int_value(3128)),
        ]}),
    ));

    // A group collection: profiles of a name, a kind and a weight.
    let (profiles, pname, pkind, pweight) = (
        id("profiles"),
        id("profiles_name"),
        id("profiles_kind"),
        id("profiles_weight"),
    );
    let a = at(&cat, &profiles);
    defs.push(group(
        &profiles,
        &format!("{label} profiles"),
        a,
        &[
            (pname.clone(), true),
            (pkind.clone(), true),
            (pweight.clone(), false),
        ],
        Some(10),
    ));
    let mut kind = choice(
        &pkind,
        &format!("{label} profile kind"),
        a,
        &[("Personal", vec![]), ("Work", vec![]), ("Shared", vec![])],
    );
    kind["dependentOn"] = json!([{"dependentOn": profiles, "parentSettingId": profiles}]);
    defs.push(simple(
        &pname,
        &format!("{label} profile name"),
        a,
        string_rule(1, 32, "none", None, false),
        None,
        Some((&profiles, &profiles)),
    ));
    defs.push(kind);
    defs.push(simple(
        &pweight,
        &format!("{label} profile weight"),
        a,
        integer_rule(0, 100),
        None,
        Some((&profiles, &profiles)),
    ));
    let profile = |nm: &str, k: usize, w: i64| {
        json!({"settingValueTemplateReference": null, "children": [
            simple_instance(&pname, string_value(nm)),
            choice_instance(&pkind, k, vec![]),
            simple_instance(&pweight, int_value(w)),
        ]})
    };
    settings.push(instance(
        "GroupSettingCollection",
        &profiles,
        "groupSettingCollectionValue",
        json!([profile("Primary", 1, 80), profile("Fallback", 2, 20)]),
    ));

    // A secret (even areas) or an e-mail address (odd ones).
    if n % 2 == 0 {
        let key = id("accesskey");
        defs.push(simple(
            &key,
            &format!("{label} access key"),
            at(&cat, &key),
            string_rule(8, 128, "none", None, true),
            None,
            None,
        ));
        settings.push(simple_instance(
            &key,
            json!({"@odata.type": format!("{GT}SecretSettingValue"), "settingValueTemplateReference": null,
                   "value": format!("bench-key-{name}-{n:04}"), "valueState": "notEncrypted"}),
        ));
    } else {
        let mail = id("contactemail");
        defs.push(simple(
            &mail,
            &format!("{label} contact e-mail"),
            at(&cat, &mail),
            string_rule(3, 254, "email", None, false),
            None,
            None,
        ));
        settings.push(simple_instance(
            &mail,
            string_value(&format!("{name}@example.com")),
        ));
    }
    debug_assert_eq!(settings.len(), PER_AREA);
    (defs, settings)
}

/// The policy with its definitions and categories, as a sandbox additions file.
pub fn policy_additions() -> Value {
    let mut categories = Vec::new();
    let mut definitions = Vec::new();
    let mut settings = Vec::new();
    for (n, name) in AREAS.iter().enumerate() {
        categories.push(category(
            n,
            name,
            &format!("{} (bench)", cap(name)),
            "windows10",
        ));
        let (d, s) = area(n, name);
        definitions.extend(d);
        settings.extend(s);
    }
    let settings: Vec<Value> = settings
        .into_iter()
        .enumerate()
        .map(|(i, s)| json!({"id": i.to_string(), "settingInstance": s}))
        .collect();
    let policy = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "id": POLICY_ID,
        "name": format!("Benchmark: {POLICY_SETTINGS} settings"),
        "description": "Every kind of setting, for the benchmark.",
        "platforms": "windows10",
        "technologies": "mdm",
        "roleScopeTagIds": ["0"],
        "isAssigned": false,
        "createdDateTime": "2025-03-01T09:00:00Z",
        "lastModifiedDateTime": "2025-03-01T09:00:00Z",
        "settingCount": settings.len(),
        "creationSource": null,
        "priorityMetaData": null,
        "templateReference": {"templateId": "", "templateFamily": "none",
                              "templateDisplayName": null, "templateDisplayVersion": null},
        "settings": settings,
    });
    json!({"categories": categories, "definitions": definitions, "policies": [policy]})
}

/// `count` more definitions for the picker's catalog, in 40 categories of their own: the
/// seven kinds in turn (a group or group collection with its two members), half of them for
/// Windows, a quarter each for macOS and iOS, so the policy's platform filter has work to do.
pub fn filler(count: usize) -> Value {
    const CATEGORIES: usize = 40;
    let categories: Vec<Value> = (0..CATEGORIES)
        .map(|c| {
            let platform = ["windows10", "windows10", "macOS", "iOS"][c % 4];
            category(
                1000 + c,
                &format!("catalog{c:02}"),
                &format!("Catalog part {c}"),
                platform,
            )
        })
        .collect();
    let mut definitions: Vec<Value> = Vec::with_capacity(count);
    let mut n = 0usize;
    while definitions.len() < count {
        // A category per 200 (every verb with every object once), so each name is in several.
        let c = (n / (VERBS.len() * OBJECTS.len())) % CATEGORIES;
        let cat = guid(1, 1000 + c);
        let platform = ["windows10", "windows10", "macOS", "iOS"][c % 4];
        let (verb, object) = (
            VERBS[n % VERBS.len()],
            OBJECTS[(n / VERBS.len()) % OBJECTS.len()],
        );
        let id = format!("{PREFIX}catalog{c:02}_{verb}{object}{n}");
        let display = format!("{} {object} {n}", cap(verb));
        let at = At {
            category: &cat,
            platform,
            root: &id,
        };
        let left = count - definitions.len();
        match n % 7 {
            0 => definitions.push(choice(
                &id,
                &display,
                at,
                &[("Off", vec![]), ("On", vec![])],
            )),
            1 => definitions.push(simple(
                &id,
                &display,
                at,
                integer_rule(0, 1000),
                None,
                None,
            )),
            2 => definitions.push(simple(
                &id,
                &display,
                at,
                string_rule(0, 256, "none", None, false),
                None,
                None,
            )),
            3 => definitions.push(simple(
                &id,
                &display,
                at,
                string_rule(1, 256, "none", None, false),
                Some((0, 50)),
                None,
            )),
            4 => definitions.push(choice_collection(
                &id,
                &display,
                at,
                &["First", "Second", "Third"],
                3,
            )),
            5 => definitions.push(definition(
                "RedirectSetting",
                &id,
                &display,
                at,
                json!({"deepLink": "https://intune.example/bench", "redirectMessage": "Set elsewhere.",
                       "redirectReason": "Moved."}),
            )),
            _ if left >= 3 => {
                let (a, b) = (format!("{id}_name"), format!("{id}_value"));
                definitions.push(group(
                    &id,
                    &display,
                    at,
                    &[(a.clone(), true), (b.clone(), false)],
                    // A group collection and a group in turn.
                    (n % 14 == 6).then_some(5),
                ));
                let member = |mid: &str, what: &str, rule: Value| {
                    simple(
                        mid,
                        &format!("{display} {what}"),
                        at,
                        rule,
                        None,
                        Some((&id, &id)),
                    )
                };
                definitions.push(member(&a, "name", string_rule(1, 64, "none", None, false)));
                definitions.push(member(&b, "value", integer_rule(0, 100)));
            }
            _ => definitions.push(simple(
                &id,
                &display,
                at,
                integer_rule(0, 10),
                None,
                None,
            )),
        }
        n += 1;
    }
    json!({"categories": categories, "definitions": definitions})
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::settings::{validate_policy, DefinitionKind, Definitions};
    use std::collections::HashSet;

    fn defs_of(doc: &Value) -> Definitions {
        let mut defs = Definitions::default();
        defs.add_graph_json(&doc["definitions"])
            .expect("definitions parse");
        defs
    }

    /// The policy has 300 settings of every instance kind and validates without a problem
    /// against its own definitions; each of its definitions is one the policy uses.
    #[test]
    fn the_policy_is_valid_and_has_every_kind() {
        let doc = policy_additions();
        let defs = defs_of(&doc);
        let policy = &doc["policies"][0];
        let settings = policy["settings"].as_array().unwrap();
        assert_eq!(settings.len(), POLICY_SETTINGS);
        let problems = validate_policy(policy, &defs, None);
        assert!(problems.is_empty(), "{problems:#?}");
        let kinds: HashSet<&str> = settings
            .iter()
            .map(|s| s["settingInstance"]["@odata.type"].as_str().unwrap())
            .collect();
        for kind in [
            "ChoiceSetting",
            "ChoiceSettingCollection",
            "SimpleSetting",
            "SimpleSettingCollection",
            "GroupSetting",
            "GroupSettingCollection",
        ] {
            assert!(
                kinds.contains(format!("{GT}{kind}Instance").as_str()),
                "{kind}"
            );
        }
        // Every definition is of a kind the editor knows.
        assert!(defs.iter().all(|d| d.kind != DefinitionKind::Other));
        let text = policy.to_string();
        for d in defs.iter() {
            assert!(text.contains(&format!("\"{}\"", d.id)), "{} unused", d.id);
        }
    }

    /// The sandbox takes the committed policy (its checks pass) and the filler beside its
    /// fixtures, and stores the policy with its 300 settings.
    #[test]
    fn the_sandbox_serves_the_policy_and_the_filler() {
        let dir = tempfile::tempdir().unwrap();
        let filler_file = dir.path().join("filler.json");
        std::fs::write(&filler_file, filler(500).to_string()).unwrap();
        let config = graph_sandbox::Config {
            settings: vec![crate::data::dir().join(POLICY_FILE), filler_file],
            ..graph_sandbox::Config::default()
        };
        let sandbox = graph_sandbox::Sandbox::new(config).expect("the sandbox takes both files");
        let fixtures = graph_sandbox::settings::catalog().definitions().len();
        let own = policy_additions()["definitions"].as_array().unwrap().len();
        assert_eq!(sandbox.catalog().definitions().len(), fixtures + own + 500);
        let stores = sandbox.stores();
        let stored = stores
            .get(policy_core::model::ApiVersion::Beta)
            .get(POLICY_ID)
            .expect("the policy is seeded");
        assert_eq!(stored.value["settingCount"], POLICY_SETTINGS);
    }

    /// The filler has exactly the count asked for, every definition kind, ids of its own.
    #[test]
    fn the_filler_has_every_kind_and_unique_ids() {
        let policy = defs_of(&policy_additions());
        let doc = filler(1000);
        let defs = defs_of(&doc);
        assert_eq!(doc["definitions"].as_array().unwrap().len(), 1000);
        assert_eq!(defs.len(), 1000);
        let kinds: HashSet<DefinitionKind> = defs.iter().map(|d| d.kind).collect();
        assert_eq!(kinds.len(), 7, "{kinds:?}");
        assert!(defs.iter().all(|d| policy.get(&d.id).is_none()));
    }
}
