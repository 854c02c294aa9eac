//! The five seed pages' request and response examples, validated as Graph documents them.

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::{validate, Code, Mode, Problem, Severity};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every (path, code, severity) of a validation, for exact comparisons.
fn summary(problems: &[Problem]) -> Vec<(String, Code, Severity)> {
    problems
        .iter()
        .map(|p| (p.path.to_string(), p.code, p.severity))
        .collect()
}

fn errors(problems: &[Problem]) -> Vec<(String, Code)> {
    problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| (p.path.to_string(), p.code))
        .collect()
}

struct Case {
    file: &'static str,
    api: ApiVersion,
    mode: Mode,
    errors: &'static [(&'static str, Code)],
}

const CASES: &[Case] = &[
    Case {
        file: "androidWorkProfileCustomConfiguration.v1.0.request.json",
        api: ApiVersion::V1,
        mode: Mode::Object,
        errors: &[("omaSettings[0]", Code::AbstractType)],
    },
    Case {
        file: "androidWorkProfileCustomConfiguration.v1.0.request.json",
        api: ApiVersion::V1,
        mode: Mode::Patch,
        errors: &[("omaSettings[0]", Code::AbstractType)],
    },
    Case {
        file: "androidWorkProfileCustomConfiguration.v1.0.response.json",
        api: ApiVersion::V1,
        mode: Mode::Object,
        errors: &[("omaSettings[0]", Code::AbstractType)],
    },
    Case {
        file: "androidForWorkGeneralDeviceConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[("workProfilePasswordMinimumLength", Code::OutOfRange)],
    },
    Case {
        file: "androidForWorkGeneralDeviceConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Patch,
        errors: &[("workProfilePasswordMinimumLength", Code::OutOfRange)],
    },
    Case {
        file: "androidForWorkGeneralDeviceConfiguration.beta.response.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[("workProfilePasswordMinimumLength", Code::OutOfRange)],
    },
    Case {
        file: "androidForWorkEnrollmentProfile.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
    Case {
        file: "androidForWorkEnrollmentProfile.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Patch,
        errors: &[],
    },
    Case {
        file: "androidForWorkEnrollmentProfile.beta.response.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
    Case {
        file: "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
    Case {
        file: "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Patch,
        errors: &[],
    },
    Case {
        file: "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.response.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
    Case {
        file: "officeConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
    Case {
        file: "officeConfiguration.beta.request.json",
        api: ApiVersion::Beta,
        mode: Mode::Patch,
        errors: &[],
    },
    Case {
        file: "officeConfiguration.beta.response.json",
        api: ApiVersion::Beta,
        mode: Mode::Object,
        errors: &[],
    },
];

#[test]
fn seed_examples_validate_as_documented() {
    for case in CASES {
        let problems = validate(schema(case.api), &load(case.file), case.mode);
        let want: Vec<(String, Code)> = case
            .errors
            .iter()
            .map(|(p, c)| (p.to_string(), *c))
            .collect();
        assert_eq!(
            errors(&problems),
            want,
            "{} as {:?}: {:#?}",
            case.file,
            case.mode,
            problems
        );
    }
}

#[test]
fn read_only_scope_tag_flag_warns_in_a_patch_body() {
    let body = load("androidForWorkGeneralDeviceConfiguration.beta.request.json");
    let problems = validate(schema(ApiVersion::Beta), &body, Mode::Patch);
    assert!(summary(&problems).contains(&(
        "supportsScopeTags".into(),
        Code::ReadOnly,
        Severity::Warning
    )));
    let as_object = validate(schema(ApiVersion::Beta), &body, Mode::Object);
    assert!(!as_object.iter().any(|p| p.code == Code::ReadOnly));
}

#[test]
fn seed_constraints_are_generated() {
    let beta = schema(ApiVersion::Beta);
    let v1 = schema(ApiVersion::V1);
    let range = |s: &policy_core::Schema, ty: &str, prop: &str| {
        let t = s.get(s.find(ty).unwrap_or_else(|| panic!("{ty}")));
        let c = &t
            .property(prop)
            .unwrap_or_else(|| panic!("{ty}.{prop}"))
            .constraints;
        (c.min, c.max, c.max_items)
    };
    let afw = "androidForWorkGeneralDeviceConfiguration";
    for (prop, lo, hi) in [
        ("passwordExpirationDays", 1.0, 365.0),
        ("passwordMinimumLength", 4.0, 16.0),
        ("passwordPreviousPasswordBlockCount", 0.0, 24.0),
        ("passwordSignInFailureCountBeforeFactoryReset", 1.0, 16.0),
        ("workProfilePasswordExpirationDays", 1.0, 365.0),
        ("workProfilePasswordMinimumLength", 4.0, 16.0),
        ("workProfilePasswordPreviousPasswordBlockCount", 0.0, 24.0),
        (
            "workProfilePasswordSignInFailureCountBeforeFactoryReset",
            1.0,
            16.0,
        ),
        ("workProfilePasswordMinLetterCharacters", 1.0, 10.0),
        ("workProfilePasswordMinLowerCaseCharacters", 1.0, 10.0),
        ("workProfilePasswordMinNonLetterCharacters", 1.0, 10.0),
        ("workProfilePasswordMinNumericCharacters", 1.0, 10.0),
        ("workProfilePasswordMinSymbolCharacters", 1.0, 10.0),
        ("workProfilePasswordMinUpperCaseCharacters", 1.0, 10.0),
    ] {
        assert_eq!(range(beta, afw, prop), (Some(lo), Some(hi), None), "{prop}");
    }
    for s in [v1, beta] {
        assert_eq!(
            range(s, "androidWorkProfileCustomConfiguration", "omaSettings").2,
            Some(500)
        );
    }
    assert_eq!(
        range(
            beta,
            "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration",
            "silentCertificateAccessDetails"
        )
        .2,
        Some(50)
    );
}

#[test]
fn every_device_configuration_type_is_present() {
    for (api, count) in [(ApiVersion::V1, 26), (ApiVersion::Beta, 139)] {
        let s = schema(api);
        let base = s.find("deviceConfiguration").unwrap();
        let n = s
            .types()
            .filter(|(id, _)| *id != base && s.is_same_or_derived(*id, base))
            .count();
        assert_eq!(n, count, "{api}");
        assert!(s.find("androidWorkProfileCustomConfiguration").is_some());
    }
    let beta = schema(ApiVersion::Beta);
    assert!(beta.find("androidForWorkEnrollmentProfile").is_some());
    let office = beta.find("officeConfiguration").unwrap();
    assert_eq!(
        beta.entry_set_for(office).unwrap().path,
        "officeConfiguration"
    );
}

/// The `officeConfiguration` singleton is declared with neither a base nor a key, but Graph's
/// answer for it carries `id` like every entity's: no warning about it.
#[test]
fn a_singletons_own_answer_raises_no_warning_about_its_id() {
    let beta = schema(ApiVersion::Beta);
    let t = beta.get(beta.find("officeConfiguration").unwrap());
    let id = t.property("id").expect("the singleton has entity's id");
    assert!(id.read_only);
    let answer = serde_json::json!({
        "@odata.type": "#microsoft.graph.officeConfiguration",
        "id": "5a4dbe7a-0000-4000-8000-0000000000ff",
        "tenantCheckinStatuses": [],
    });
    let problems = validate(beta, &answer, Mode::Object);
    assert!(
        !problems.iter().any(|p| p.path.as_str() == "id"),
        "{problems:#?}"
    );
}
