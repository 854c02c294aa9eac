//! The objects a fresh sandbox holds that the tests open: their types, entry sets and ids (see
//! `crates/graph-sandbox/src/seed.rs` and its `seed/` folder). A unit test checks that a fresh
//! sandbox holds every one, so these cannot drift from the seeds.

/// The entry set of device configurations (most of the seeded types live there).
pub const CONFIGURATIONS: &str = "deviceManagement/deviceConfigurations";

/// The v1.0 custom Android work profile (also in the beta store), with one OMA setting.
pub const CUSTOM: &str = "androidWorkProfileCustomConfiguration";
pub const CUSTOM_V1_ID: &str = "76c5d59b-d59b-76c5-9bd5-c5769bd5c576";

/// The beta Android for Work enrollment profile (entry set
/// `deviceManagement/androidForWorkEnrollmentProfiles`).
pub const ENROLLMENT: &str = "androidForWorkEnrollmentProfile";
pub const ENROLLMENT_ID: &str = "e6742553-2553-e674-5325-74e6532574e6";

/// The beta general Android for Work profile, which most failure and draft tests edit.
pub const GENERAL: &str = "androidForWorkGeneralDeviceConfiguration";
pub const GENERAL_ID: &str = "a931a366-a366-a931-66a3-31a966a331a9";

/// The beta derived-credential profile.
pub const DERIVED_CREDENTIAL: &str =
    "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration";
pub const DERIVED_CREDENTIAL_ID: &str = "9815f155-f155-9815-55f1-159855f11598";

/// The beta `officeConfiguration` singleton.
pub const OFFICE: &str = "officeConfiguration";

/// The large beta Windows 10 general profile built from the schema (a sample of every property).
pub const WINDOWS10: &str = "windows10GeneralConfiguration";
pub const WINDOWS10_ID: &str = "5a4dbe7a-0000-4000-8000-000000000001";

/// The large beta iOS general profile built from the schema.
pub const IOS: &str = "iosGeneralDeviceConfiguration";
pub const IOS_ID: &str = "5a4dbe7a-0000-4000-8000-000000000002";

/// The beta Windows 10 custom profile whose `omaSettings[2]` is encrypted.
pub const ENCRYPTED_OMA: &str = "windows10CustomConfiguration";
pub const ENCRYPTED_OMA_ID: &str = graph_sandbox::seed::ENCRYPTED_OMA_ID;
/// The plain value of that encrypted setting.
pub const ENCRYPTED_OMA_SECRET: &str = graph_sandbox::seed::ENCRYPTED_OMA_SECRET;

/// The entry set of settings catalog and endpoint security policies (beta only).
pub const SETTINGS_POLICIES: &str = graph_sandbox::settings::POLICIES;
/// The settings catalog policy type.
pub const SETTINGS_POLICY: &str = "deviceManagementConfigurationPolicy";
/// The Windows settings catalog policy: 16 settings (a choice with children at `settings[0]`,
/// ranged integers, string and integer collections, a group collection, a group, a secret).
pub const SETTINGS_WINDOWS_ID: &str = graph_sandbox::settings::WINDOWS_POLICY_ID;
/// The plain value of its top-level secret (`settings[12]`), shown only as a token.
pub const SETTINGS_WINDOWS_SECRET: &str = graph_sandbox::settings::WINDOWS_POLICY_SECRET;
/// The macOS settings catalog policy (`mdm,appleRemoteManagement`).
pub const SETTINGS_MACOS_ID: &str = graph_sandbox::settings::MACOS_POLICY_ID;
/// The endpoint security antivirus policy (template family `endpointSecurityAntivirus`).
pub const SETTINGS_ANTIVIRUS_ID: &str = graph_sandbox::settings::ANTIVIRUS_POLICY_ID;
/// The endpoint security firewall policy (template family `endpointSecurityFirewall`).
pub const SETTINGS_FIREWALL_ID: &str = graph_sandbox::settings::FIREWALL_POLICY_ID;
/// The Linux settings catalog policy.
pub const SETTINGS_LINUX_ID: &str = graph_sandbox::settings::LINUX_POLICY_ID;

/// The endpoint security intent type (the older `deviceManagement/intents`, beta only).
pub const INTENT: &str = "deviceManagementIntent";
/// The seeded intent of the endpoint protection baseline: firewall (true/false, a ranged number,
/// enums, two network profiles as complex values, rules as a list of complex values), antivirus
/// (a list of text, a percentage) and the browser's search engine (an abstract complex value).
pub const INTENT_ENDPOINT_ID: &str = graph_sandbox::intents::ENDPOINT_INTENT_ID;
/// The seeded BitLocker intent.
pub const INTENT_BITLOCKER_ID: &str = graph_sandbox::intents::BITLOCKER_INTENT_ID;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestSandbox;

    #[tokio::test]
    async fn a_fresh_sandbox_holds_every_seed_the_tests_name() {
        let sandbox = TestSandbox::start(None).await;
        for (api, type_name, id) in [
            ("v1.0", CUSTOM, CUSTOM_V1_ID),
            ("beta", CUSTOM, CUSTOM_V1_ID),
            ("beta", ENROLLMENT, ENROLLMENT_ID),
            ("beta", GENERAL, GENERAL_ID),
            ("beta", DERIVED_CREDENTIAL, DERIVED_CREDENTIAL_ID),
            ("beta", WINDOWS10, WINDOWS10_ID),
            ("beta", IOS, IOS_ID),
            ("beta", ENCRYPTED_OMA, ENCRYPTED_OMA_ID),
            ("beta", SETTINGS_POLICY, SETTINGS_WINDOWS_ID),
            ("beta", SETTINGS_POLICY, SETTINGS_MACOS_ID),
            ("beta", SETTINGS_POLICY, SETTINGS_ANTIVIRUS_ID),
            ("beta", SETTINGS_POLICY, SETTINGS_FIREWALL_ID),
        ] {
            let object = sandbox.object(api, id);
            assert_eq!(
                object["@odata.type"],
                format!("#microsoft.graph.{type_name}"),
                "{api} {id}"
            );
        }
        assert_eq!(
            sandbox.singleton("beta", OFFICE)["@odata.type"],
            format!("#microsoft.graph.{OFFICE}")
        );
        sandbox.stop().await;
    }
}

// App protection and app configuration policies under `deviceAppManagement`, in both versions
// (see `crates/graph-sandbox/src/seed/app_policies.rs`).

/// The iOS app protection policy.
pub const IOS_PROTECTION: &str = "iosManagedAppProtection";
pub const IOS_PROTECTIONS: &str = "deviceAppManagement/iosManagedAppProtections";
pub const IOS_PROTECTION_ID: &str = graph_sandbox::seed::app_policies::IOS_PROTECTION_ID;

/// The Android app protection policy.
pub const ANDROID_PROTECTION: &str = "androidManagedAppProtection";
pub const ANDROID_PROTECTIONS: &str = "deviceAppManagement/androidManagedAppProtections";
pub const ANDROID_PROTECTION_ID: &str = graph_sandbox::seed::app_policies::ANDROID_PROTECTION_ID;

/// The app configuration for managed apps.
pub const APP_CONFIGURATION: &str = "targetedManagedAppConfiguration";
pub const APP_CONFIGURATIONS: &str = "deviceAppManagement/targetedManagedAppConfigurations";
pub const APP_CONFIGURATION_ID: &str = graph_sandbox::seed::app_policies::APP_CONFIGURATION_ID;

/// The Windows Information Protection policy for enrolled devices.
pub const MDM_WIP: &str = "mdmWindowsInformationProtectionPolicy";
pub const MDM_WIPS: &str = "deviceAppManagement/mdmWindowsInformationProtectionPolicies";
pub const MDM_WIP_ID: &str = graph_sandbox::seed::app_policies::MDM_WIP_ID;

#[cfg(test)]
mod app_policy_tests {
    use super::*;
    use crate::TestSandbox;

    #[tokio::test]
    async fn a_fresh_sandbox_holds_the_app_policies_in_both_versions() {
        let sandbox = TestSandbox::start(None).await;
        for api in ["v1.0", "beta"] {
            for (type_name, id) in [
                (IOS_PROTECTION, IOS_PROTECTION_ID),
                (ANDROID_PROTECTION, ANDROID_PROTECTION_ID),
                (APP_CONFIGURATION, APP_CONFIGURATION_ID),
                (MDM_WIP, MDM_WIP_ID),
            ] {
                assert_eq!(
                    sandbox.object(api, id)["@odata.type"],
                    format!("#microsoft.graph.{type_name}"),
                    "{api} {id}"
                );
            }
        }
        sandbox.stop().await;
    }
}
