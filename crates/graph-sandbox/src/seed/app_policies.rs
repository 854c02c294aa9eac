//! App protection and app configuration policies under `deviceAppManagement`, as a tenant's GET
//! returns them (ids with Intune's `T_`, `A_`, `M_` prefixes): an iOS and an Android app
//! protection, an app configuration for managed apps, and a Windows Information Protection policy
//! for MDM-enrolled devices. Each exists in both API versions, with the beta-only properties in
//! beta. The values are the sandbox's own.

use policy_core::model::ApiVersion;
use serde_json::{json, Value};

/// The iOS app protection policy (`deviceAppManagement/iosManagedAppProtections`).
pub const IOS_PROTECTION_ID: &str = "T_5a4dbe7a-0000-4000-8000-0000000000a1";
/// The Android app protection policy (`deviceAppManagement/androidManagedAppProtections`).
pub const ANDROID_PROTECTION_ID: &str = "T_5a4dbe7a-0000-4000-8000-0000000000a2";
/// The app configuration for managed apps (`deviceAppManagement/targetedManagedAppConfigurations`).
pub const APP_CONFIGURATION_ID: &str = "A_5a4dbe7a-0000-4000-8000-0000000000a3";
/// The WIP policy for enrolled devices (`deviceAppManagement/mdmWindowsInformationProtectionPolicies`).
pub const MDM_WIP_ID: &str = "M_5a4dbe7a-0000-4000-8000-0000000000a4";

const CREATED: &str = "2026-03-02T09:15:00Z";
const MODIFIED: &str = "2026-05-11T14:40:00Z";

/// The four policies of one API version.
pub fn objects(api: ApiVersion) -> Vec<Value> {
    let beta = api == ApiVersion::Beta;
    vec![
        ios(beta),
        android(beta),
        app_configuration(beta),
        mdm_wip(beta),
    ]
}

/// `base` with `extra`'s members added when `beta`.
fn with_beta(mut base: Value, beta: bool, extra: Value) -> Value {
    if let (true, Some(map), Value::Object(extra)) = (beta, base.as_object_mut(), extra) {
        map.extend(extra);
    }
    base
}

/// What every managed app protection (iOS and Android) shares: PIN, data transfer, access checks.
fn protection_common(beta: bool) -> Value {
    with_beta(
        json!({
            "createdDateTime": CREATED,
            "lastModifiedDateTime": MODIFIED,
            "version": "4",
            "periodOfflineBeforeAccessCheck": "PT12H",
            "periodOnlineBeforeAccessCheck": "PT30M",
            "periodOfflineBeforeWipeIsEnforced": "P90D",
            "periodBeforePinReset": "PT0S",
            "allowedInboundDataTransferSources": "managedApps",
            "allowedOutboundDataTransferDestinations": "managedApps",
            "allowedOutboundClipboardSharingLevel": "managedAppsWithPasteIn",
            "allowedDataStorageLocations": ["oneDriveForBusiness", "sharePoint"],
            "organizationalCredentialsRequired": false,
            "dataBackupBlocked": true,
            "deviceComplianceRequired": true,
            "managedBrowserToOpenLinksRequired": true,
            "managedBrowser": "microsoftEdge",
            "saveAsBlocked": true,
            "contactSyncBlocked": false,
            "printBlocked": false,
            "pinRequired": true,
            "maximumPinRetries": 5,
            "simplePinBlocked": true,
            "minimumPinLength": 6,
            "pinCharacterSet": "numeric",
            "fingerprintBlocked": false,
            "disableAppPinIfDevicePinIsSet": false,
            "minimumRequiredAppVersion": null,
            "minimumWarningAppVersion": null,
            "isAssigned": true
        }),
        beta,
        json!({
            "roleScopeTagIds": ["0"],
            "allowedDataIngestionLocations": ["oneDriveForBusiness", "sharePoint", "camera", "photoLibrary"],
            "allowedOutboundClipboardSharingExceptionLength": 0,
            "appActionIfDeviceComplianceRequired": "block",
            "appActionIfMaximumPinRetriesExceeded": "block",
            "appActionIfUnableToAuthenticateUser": null,
            "appActionIfAccountIsClockedOut": null,
            "blockDataIngestionIntoOrganizationDocuments": false,
            "dialerRestrictionLevel": "allApps",
            "gracePeriodToBlockAppsDuringOffClockHours": null,
            "maximumAllowedDeviceThreatLevel": "notConfigured",
            "maximumRequiredOsVersion": null,
            "maximumWarningOsVersion": null,
            "maximumWipeOsVersion": null,
            "minimumWipeAppVersion": null,
            "mobileThreatDefensePartnerPriority": null,
            "mobileThreatDefenseRemediationAction": "block",
            "notificationRestriction": "blockOrganizationalData",
            "pinRequiredInsteadOfBiometricTimeout": "PT30M",
            "previousPinBlockCount": 0,
            "protectedMessagingRedirectAppType": "anyApp",
            "purviewContentEvaluationRequired": "notRequired",
            "appGroupType": "allCoreMicrosoftApps",
            "targetedAppManagementLevels": "unspecified"
        }),
    )
}

fn ios(beta: bool) -> Value {
    let own = with_beta(
        json!({
            "@odata.type": "#microsoft.graph.iosManagedAppProtection",
            "id": IOS_PROTECTION_ID,
            "displayName": "iOS corporate data protection",
            "description": "PIN, encryption and managed-only data transfer for Office apps on iPhone and iPad",
            "minimumRequiredOsVersion": "16.0",
            "minimumWarningOsVersion": "17.0",
            "appDataEncryptionType": "whenDeviceLocked",
            "customBrowserProtocol": null,
            "deployedAppCount": 3,
            "faceIdBlocked": false,
            "minimumRequiredSdkVersion": null
        }),
        beta,
        json!({
            "minimumWipeOsVersion": "15.0",
            "allowWidgetContentSync": false,
            "allowedIosDeviceModels": null,
            "appActionIfIosDeviceModelNotAllowed": "block",
            "customDialerAppProtocol": null,
            "disableProtectionOfManagedOutboundOpenInData": false,
            "exemptedAppProtocols": [
                {"name": "Default", "value": "tel;telprompt;skype;app-settings;calshow;itms;itmss;itms-apps;itms-appss;itms-services;"}
            ],
            "exemptedUniversalLinks": [],
            "managedUniversalLinks": [],
            "filterOpenInToOnlyManagedApps": false,
            "genmojiConfigurationState": "notBlocked",
            "messagingRedirectAppUrlScheme": null,
            "minimumWarningSdkVersion": null,
            "minimumWipeSdkVersion": null,
            "protectInboundDataFromUnknownSources": false,
            "screenCaptureConfigurationState": "notBlocked",
            "thirdPartyKeyboardsBlocked": true,
            "writingToolsConfigurationState": "blocked"
        }),
    );
    merge(protection_common(beta), own)
}

fn android(beta: bool) -> Value {
    let own = with_beta(
        json!({
            "@odata.type": "#microsoft.graph.androidManagedAppProtection",
            "id": ANDROID_PROTECTION_ID,
            "displayName": "Android corporate data protection",
            "description": "PIN, encryption and blocked screen capture for Office apps on Android",
            "minimumRequiredOsVersion": "11.0",
            "minimumWarningOsVersion": "13.0",
            "customBrowserPackageId": null,
            "customBrowserDisplayName": null,
            "deployedAppCount": 4,
            "disableAppEncryptionIfDeviceEncryptionIsEnabled": false,
            "encryptAppData": true,
            "minimumRequiredPatchVersion": "2025-01-01",
            "minimumWarningPatchVersion": "2025-06-01",
            "screenCaptureBlocked": true
        }),
        beta,
        json!({
            "allowedAndroidDeviceManufacturers": null,
            "allowedAndroidDeviceModels": [],
            "appActionIfAndroidDeviceManufacturerNotAllowed": "block",
            "appActionIfAndroidDeviceModelNotAllowed": "block",
            "appActionIfAndroidSafetyNetAppsVerificationFailed": "warn",
            "appActionIfAndroidSafetyNetDeviceAttestationFailed": "block",
            "appActionIfDeviceLockNotSet": "warn",
            "appActionIfDevicePasscodeComplexityLessThanHigh": null,
            "appActionIfDevicePasscodeComplexityLessThanLow": null,
            "appActionIfDevicePasscodeComplexityLessThanMedium": null,
            "appActionIfSamsungKnoxAttestationRequired": null,
            "approvedKeyboards": [],
            "biometricAuthenticationBlocked": false,
            "blockAfterCompanyPortalUpdateDeferralInDays": 0,
            "connectToVpnOnLaunch": false,
            "customDialerAppDisplayName": null,
            "customDialerAppPackageId": null,
            "deviceLockRequired": true,
            "exemptedAppPackages": [],
            "fingerprintAndBiometricEnabled": true,
            "keyboardsRestricted": false,
            "messagingRedirectAppDisplayName": null,
            "messagingRedirectAppPackageId": null,
            "minimumRequiredCompanyPortalVersion": null,
            "minimumWarningCompanyPortalVersion": null,
            "minimumWipeCompanyPortalVersion": null,
            "minimumWipePatchVersion": "2024-06-01",
            "requireClass3Biometrics": false,
            "requirePinAfterBiometricChange": true,
            "requiredAndroidSafetyNetAppsVerificationType": "enabled",
            "requiredAndroidSafetyNetDeviceAttestationType": "basicIntegrityAndDeviceCertification",
            "requiredAndroidSafetyNetEvaluationType": "hardwareBacked",
            "warnAfterCompanyPortalUpdateDeferralInDays": 0,
            "wipeAfterCompanyPortalUpdateDeferralInDays": 0
        }),
    );
    merge(protection_common(beta), own)
}

fn app_configuration(beta: bool) -> Value {
    with_beta(
        json!({
            "@odata.type": "#microsoft.graph.targetedManagedAppConfiguration",
            "id": APP_CONFIGURATION_ID,
            "displayName": "Outlook and Edge settings for managed apps",
            "description": "Focused inbox off, the intranet bookmarked in Edge",
            "createdDateTime": CREATED,
            "lastModifiedDateTime": MODIFIED,
            "version": "2",
            "customSettings": [
                {"name": "com.microsoft.outlook.Mail.FocusedInbox", "value": "false"},
                {"name": "com.microsoft.intune.mam.managedbrowser.bookmarks", "value": "Intranet|https://intranet.contoso.example/"}
            ],
            "deployedAppCount": 2,
            "isAssigned": true
        }),
        beta,
        json!({
            "roleScopeTagIds": ["0"],
            "appGroupType": "selectedPublicApps",
            "targetedAppManagementLevels": "unspecified"
        }),
    )
}

fn mdm_wip(beta: bool) -> Value {
    with_beta(
        json!({
            "@odata.type": "#microsoft.graph.mdmWindowsInformationProtectionPolicy",
            "id": MDM_WIP_ID,
            "displayName": "Windows Information Protection for enrolled devices",
            "description": "Corporate data stays in protected apps on the contoso.example network",
            "createdDateTime": CREATED,
            "lastModifiedDateTime": MODIFIED,
            "version": "7",
            "enforcementLevel": "encryptAuditAndPrompt",
            "enterpriseDomain": "contoso.example",
            "enterpriseProtectedDomainNames": [
                {"displayName": "Corporate identities", "resources": ["contoso.example", "corp.contoso.example"]}
            ],
            "enterpriseNetworkDomainNames": [
                {"displayName": "Intranet", "resources": ["corp.contoso.example"]}
            ],
            "enterpriseIPRanges": [
                {
                    "displayName": "Head office",
                    "ranges": [
                        {"@odata.type": "#microsoft.graph.iPv4Range", "lowerAddress": "10.20.0.1", "upperAddress": "10.20.255.254"}
                    ]
                }
            ],
            "enterpriseIPRangesAreAuthoritative": true,
            "enterpriseProxyServers": [],
            "enterpriseInternalProxyServers": [],
            "enterpriseProxyServersAreAuthoritative": false,
            "enterpriseProxiedDomains": [],
            "neutralDomainResources": [],
            "smbAutoEncryptedFileExtensions": [],
            "protectedApps": [
                {
                    "@odata.type": "#microsoft.graph.windowsInformationProtectionStoreApp",
                    "displayName": "Microsoft Edge",
                    "description": null,
                    "publisherName": "O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US",
                    "productName": "Microsoft.MicrosoftEdge",
                    "denied": false
                },
                {
                    "@odata.type": "#microsoft.graph.windowsInformationProtectionDesktopApp",
                    "displayName": "Notepad",
                    "description": null,
                    "publisherName": "O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US",
                    "productName": "MICROSOFT WINDOWS OPERATING SYSTEM",
                    "binaryName": "NOTEPAD.EXE",
                    "binaryVersionLow": "*",
                    "binaryVersionHigh": "*",
                    "denied": false
                }
            ],
            "exemptApps": [],
            "iconsVisible": true,
            "indexingEncryptedStoresOrItemsBlocked": false,
            "azureRightsManagementServicesAllowed": false,
            "rightsManagementServicesTemplateId": null,
            "dataRecoveryCertificate": null,
            "protectionUnderLockConfigRequired": false,
            "revokeOnUnenrollDisabled": false,
            "isAssigned": false
        }),
        beta,
        json!({ "roleScopeTagIds": ["0"] }),
    )
}

/// `own`'s members over `common`'s, `@odata.type` and `id` first as Graph writes them.
fn merge(common: Value, own: Value) -> Value {
    let (Value::Object(common), Value::Object(own)) = (common, own) else {
        return Value::Null;
    };
    let mut out = own;
    for (k, v) in common {
        out.entry(k).or_insert(v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::embedded::schema;
    use policy_core::{validate, Mode};

    /// Each seed is a valid object of its type in each version: no unknown property, no
    /// value outside its type or enum.
    #[test]
    fn every_policy_is_valid_in_both_versions() {
        for api in ApiVersion::ALL {
            let schema = schema(api);
            let objects = objects(api);
            assert_eq!(objects.len(), 4);
            for object in &objects {
                let problems = validate(schema, object, Mode::Object);
                assert!(problems.is_empty(), "{api} {}: {problems:?}", object["id"]);
            }
        }
        let v1 = objects(ApiVersion::V1);
        assert!(v1[0].get("thirdPartyKeyboardsBlocked").is_none());
        assert_eq!(
            objects(ApiVersion::Beta)[0]["thirdPartyKeyboardsBlocked"],
            true
        );
    }
}
