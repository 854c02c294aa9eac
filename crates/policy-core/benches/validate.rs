//! Full validation of the heaviest realistic objects: the largest beta type with every property
//! set, `windows10GeneralConfiguration` likewise, and a custom profile with 500 OMA settings of
//! the seven kinds in turn. Run with `cargo bench -p policy-core`.

use criterion::{criterion_group, criterion_main, Criterion};
use policy_core::embedded::schema;
use policy_core::model::{ApiVersion, TypeKind};
use policy_core::sample::sample_object;
use policy_core::{validate, Mode};
use serde_json::{json, Value};

fn oma500() -> Value {
    let kinds = [
        ("omaSettingBase64", json!("SGVsbG8="), true),
        ("omaSettingBoolean", json!(true), false),
        ("omaSettingDateTime", json!("2024-05-01T08:30:00Z"), false),
        ("omaSettingFloatingPoint", json!(1.5), false),
        ("omaSettingInteger", json!(42), false),
        ("omaSettingString", json!("value"), false),
        ("omaSettingStringXml", json!("PHg+PC94Pg=="), true),
    ];
    let settings: Vec<Value> = (0..500)
        .map(|i| {
            let (kind, value, file) = &kinds[i % kinds.len()];
            let mut s = json!({"@odata.type": format!("#microsoft.graph.{kind}"), "displayName": format!("Setting {i}"),
                "description": "d", "omaUri": format!("./Vendor/MSFT/Policy/Config/Area/Setting{i}"), "value": value});
            if *file {
                s["fileName"] = json!("setting.xml");
            }
            s
        })
        .collect();
    json!({"@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "displayName": "OMA 500",
        "description": "bench", "version": 1, "omaSettings": settings})
}

fn bench(c: &mut Criterion) {
    let s = schema(ApiVersion::Beta);
    let largest = s
        .types()
        .filter(|(_, t)| t.kind == TypeKind::Entity && !t.is_abstract)
        .max_by_key(|(_, t)| t.properties.len())
        .map(|(id, _)| id)
        .unwrap();
    let objects = [
        (
            format!(
                "{} ({} properties)",
                s.get(largest).short_name(),
                s.get(largest).properties.len()
            ),
            sample_object(s, largest, true),
        ),
        (
            "windows10GeneralConfiguration".to_string(),
            sample_object(s, s.find("windows10GeneralConfiguration").unwrap(), true),
        ),
        (
            "androidWorkProfileCustomConfiguration x500 OMA".to_string(),
            oma500(),
        ),
    ];
    for (name, object) in &objects {
        assert!(
            validate(s, object, Mode::Object)
                .iter()
                .all(|p| !p.is_error()),
            "{name}"
        );
        c.bench_function(&format!("validate {name}"), |b| {
            b.iter(|| validate(s, std::hint::black_box(object), Mode::Object))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
