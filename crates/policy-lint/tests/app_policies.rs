//! App protection and app configuration policies (`deviceAppManagement`) through the real
//! `policy-lint` binary, in both API versions: bodies shaped like Graph's documented create and
//! update examples (the values are ours) lint clean, and each injected defect is found at its path
//! with its code.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_policy-lint");

/// Runs `policy-lint --format json ARGS -` on `body` and returns the exit code and the
/// problems of the one document as (path, code, severity).
fn lint(args: &[&str], body: &Value) -> (i32, Vec<(String, String, String)>) {
    let mut child = Command::new(BIN)
        .args(["--format", "json"])
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(body.to_string().as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    });
    let problems = doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (s("path"), s("code"), s("severity"))
        })
        .collect();
    (out.status.code().unwrap(), problems)
}

fn clean(args: &[&str], body: &Value) {
    let (code, problems) = lint(args, body);
    assert_eq!((code, &problems), (0, &vec![]), "{args:?} {body}");
}

/// `body` with `key` set to `value`.
fn with(body: &Value, key: &str, value: Value) -> Value {
    let mut b = body.clone();
    b[key] = value;
    b
}

/// Lints `body` and expects exactly one problem, `code` at `path`, an error (exit 1).
fn finds(args: &[&str], body: &Value, path: &str, code: &str) {
    let (exit, problems) = lint(args, body);
    assert_eq!(
        (exit, problems),
        (1, vec![(path.into(), code.into(), "error".into())]),
        "{args:?} {body}"
    );
}

const V1: &[&str] = &["--api", "v1.0"];
const BETA: &[&str] = &["--api", "beta"];

/// An iOS app protection as a create request, with only what v1.0 declares.
fn ios_v1() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.iosManagedAppProtection",
        "displayName": "iOS data protection",
        "description": "Office apps on iOS",
        "version": "1",
        "periodOfflineBeforeAccessCheck": "PT12H",
        "periodOnlineBeforeAccessCheck": "PT30M",
        "allowedInboundDataTransferSources": "managedApps",
        "allowedOutboundDataTransferDestinations": "managedApps",
        "organizationalCredentialsRequired": false,
        "allowedOutboundClipboardSharingLevel": "managedAppsWithPasteIn",
        "dataBackupBlocked": true,
        "deviceComplianceRequired": true,
        "managedBrowserToOpenLinksRequired": true,
        "saveAsBlocked": true,
        "periodOfflineBeforeWipeIsEnforced": "P90D",
        "pinRequired": true,
        "maximumPinRetries": 5,
        "simplePinBlocked": true,
        "minimumPinLength": 6,
        "pinCharacterSet": "alphanumericAndSymbol",
        "periodBeforePinReset": "P60D",
        "allowedDataStorageLocations": ["oneDriveForBusiness", "sharePoint"],
        "contactSyncBlocked": false,
        "printBlocked": true,
        "fingerprintBlocked": false,
        "disableAppPinIfDevicePinIsSet": false,
        "minimumRequiredOsVersion": "16.4",
        "minimumWarningOsVersion": "17.0",
        "minimumRequiredAppVersion": "4.2",
        "minimumWarningAppVersion": "4.5",
        "managedBrowser": "microsoftEdge",
        "isAssigned": false,
        "appDataEncryptionType": "whenDeviceLocked",
        "minimumRequiredSdkVersion": "19.0.0",
        "deployedAppCount": 0,
        "faceIdBlocked": false,
        "customBrowserProtocol": "microsoft-edge-https"
    })
}

/// Beta's own properties of every managed app protection (iOS and Android).
fn protection_beta() -> Value {
    json!({
        "roleScopeTagIds": ["0", "7"],
        "allowedDataIngestionLocations": ["oneDriveForBusiness", "sharePoint", "camera"],
        "allowedOutboundClipboardSharingExceptionLength": 20,
        "appActionIfDeviceComplianceRequired": "block",
        "appActionIfMaximumPinRetriesExceeded": "wipe",
        "appActionIfUnableToAuthenticateUser": "block",
        "pinRequiredInsteadOfBiometricTimeout": "PT30M",
        "previousPinBlockCount": 3,
        "notificationRestriction": "blockOrganizationalData",
        "dialerRestrictionLevel": "managedApps",
        "maximumAllowedDeviceThreatLevel": "low",
        "mobileThreatDefenseRemediationAction": "warn",
        "blockDataIngestionIntoOrganizationDocuments": true,
        "protectedMessagingRedirectAppType": "anyManagedApp",
        "appGroupType": "allCoreMicrosoftApps",
        "targetedAppManagementLevels": "unmanaged"
    })
}

/// `body` with every member of `extra` added.
fn extended(mut body: Value, extra: Value) -> Value {
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

/// The same policy as beta's create request, with beta's own properties.
fn ios_beta() -> Value {
    let b = extended(ios_v1(), protection_beta());
    extended(
        b,
        json!({
            "exemptedAppProtocols": [{"name": "Maps", "value": "maps"}],
            "managedUniversalLinks": ["https://contoso.example/*"],
            "exemptedUniversalLinks": [],
            "thirdPartyKeyboardsBlocked": true,
            "filterOpenInToOnlyManagedApps": true,
            "protectInboundDataFromUnknownSources": true,
            "disableProtectionOfManagedOutboundOpenInData": false,
            "appActionIfIosDeviceModelNotAllowed": "wipe",
            "allowedIosDeviceModels": "iPhone15,2;iPhone16,1",
            "minimumWipeOsVersion": "15.0",
            "genmojiConfigurationState": "blocked",
            "writingToolsConfigurationState": "notBlocked",
            "screenCaptureConfigurationState": "blocked"
        }),
    )
}

/// An Android app protection as an update request (the documented update body's shape).
fn android(beta: bool) -> Value {
    let mut b = json!({
        "@odata.type": "#microsoft.graph.androidManagedAppProtection",
        "displayName": "Android data protection",
        "description": "Office apps on Android",
        "version": "3",
        "periodOfflineBeforeAccessCheck": "PT8H",
        "periodOnlineBeforeAccessCheck": "PT30M",
        "allowedInboundDataTransferSources": "allApps",
        "allowedOutboundDataTransferDestinations": "managedApps",
        "organizationalCredentialsRequired": false,
        "allowedOutboundClipboardSharingLevel": "managedApps",
        "dataBackupBlocked": true,
        "deviceComplianceRequired": true,
        "managedBrowserToOpenLinksRequired": false,
        "saveAsBlocked": true,
        "periodOfflineBeforeWipeIsEnforced": "P60D",
        "pinRequired": true,
        "maximumPinRetries": 8,
        "simplePinBlocked": false,
        "minimumPinLength": 4,
        "pinCharacterSet": "numeric",
        "periodBeforePinReset": "PT0S",
        "allowedDataStorageLocations": ["oneDriveForBusiness"],
        "contactSyncBlocked": true,
        "printBlocked": false,
        "fingerprintBlocked": false,
        "disableAppPinIfDevicePinIsSet": true,
        "minimumRequiredOsVersion": "10.0",
        "minimumWarningOsVersion": "12.0",
        "managedBrowser": "notConfigured",
        "isAssigned": true,
        "screenCaptureBlocked": true,
        "disableAppEncryptionIfDeviceEncryptionIsEnabled": false,
        "encryptAppData": true,
        "deployedAppCount": 5,
        "minimumRequiredPatchVersion": "2025-03-01",
        "minimumWarningPatchVersion": "2025-09-01",
        "customBrowserPackageId": "com.contoso.browser",
        "customBrowserDisplayName": "Contoso Browser"
    });
    if beta {
        b = extended(b, protection_beta());
        let extra = json!({
            "requiredAndroidSafetyNetDeviceAttestationType": "basicIntegrity",
            "appActionIfAndroidSafetyNetDeviceAttestationFailed": "warn",
            "requiredAndroidSafetyNetAppsVerificationType": "enabled",
            "appActionIfAndroidSafetyNetAppsVerificationFailed": "block",
            "requiredAndroidSafetyNetEvaluationType": "hardwareBacked",
            "keyboardsRestricted": true,
            "approvedKeyboards": [{"name": "com.google.android.inputmethod.latin", "value": "Gboard"}],
            "exemptedAppPackages": [{"name": "Phone", "value": "com.android.dialer"}],
            "allowedAndroidDeviceModels": ["Pixel 8", "SM-S921B"],
            "appActionIfAndroidDeviceModelNotAllowed": "block",
            "allowedAndroidDeviceManufacturers": "Google;Samsung",
            "appActionIfAndroidDeviceManufacturerNotAllowed": "block",
            "blockAfterCompanyPortalUpdateDeferralInDays": 30,
            "warnAfterCompanyPortalUpdateDeferralInDays": 7,
            "wipeAfterCompanyPortalUpdateDeferralInDays": 90,
            "deviceLockRequired": true,
            "appActionIfDeviceLockNotSet": "warn",
            "connectToVpnOnLaunch": false,
            "requireClass3Biometrics": true,
            "requirePinAfterBiometricChange": true,
            "biometricAuthenticationBlocked": false,
            "fingerprintAndBiometricEnabled": true,
            "appActionIfDevicePasscodeComplexityLessThanMedium": "warn"
        });
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
    }
    b
}

/// An app configuration for managed apps.
fn app_configuration(beta: bool) -> Value {
    let mut b = json!({
        "@odata.type": "#microsoft.graph.targetedManagedAppConfiguration",
        "displayName": "Managed app settings",
        "description": "Outlook and Edge",
        "version": "1",
        "customSettings": [
            {"name": "com.microsoft.outlook.Mail.FocusedInbox", "value": "false"},
            {"name": "com.microsoft.intune.mam.managedbrowser.homepage", "value": "https://intranet.contoso.example"}
        ],
        "deployedAppCount": 2,
        "isAssigned": false
    });
    if beta {
        b["appGroupType"] = json!("selectedPublicApps");
        b["targetedAppManagementLevels"] = json!("unspecified");
        b["roleScopeTagIds"] = json!(["0"]);
    }
    b
}

/// A Windows Information Protection policy for devices that are not enrolled (MAM).
fn wip() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.windowsInformationProtectionPolicy",
        "displayName": "WIP without enrollment",
        "description": "Protected apps and the corporate network",
        "version": "2",
        "enforcementLevel": "encryptAndAuditOnly",
        "enterpriseDomain": "contoso.example",
        "enterpriseProtectedDomainNames": [
            {"displayName": "Identities", "resources": ["contoso.example"]}
        ],
        "protectionUnderLockConfigRequired": false,
        "dataRecoveryCertificate": {
            "subjectName": "CN=WIP Recovery",
            "description": "Recovery agent",
            "expirationDateTime": "2028-01-31T00:00:00Z",
            "certificate": "MIIBszCCAVmgAwIBAgIUQ2Fy"
        },
        "revokeOnUnenrollDisabled": false,
        "rightsManagementServicesTemplateId": "8e1cb16a-2d0f-4a3a-9c1e-4b2d5e6f7a80",
        "azureRightsManagementServicesAllowed": true,
        "iconsVisible": true,
        "protectedApps": [
            {
                "@odata.type": "microsoft.graph.windowsInformationProtectionStoreApp",
                "displayName": "Microsoft Teams",
                "description": "Store app",
                "publisherName": "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US",
                "productName": "MSTeams",
                "denied": false
            },
            {
                "@odata.type": "microsoft.graph.windowsInformationProtectionDesktopApp",
                "displayName": "Notepad",
                "description": "Desktop app",
                "publisherName": "O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US",
                "productName": "*",
                "denied": false,
                "binaryName": "notepad.exe",
                "binaryVersionLow": "10.0.0.0",
                "binaryVersionHigh": "*"
            }
        ],
        "exemptApps": [],
        "enterpriseNetworkDomainNames": [
            {"displayName": "Intranet", "resources": ["corp.contoso.example"]}
        ],
        "enterpriseProxiedDomains": [
            {
                "displayName": "Cloud resources",
                "proxiedDomains": [{"ipAddressOrFQDN": "contoso.sharepoint.example", "proxy": "proxy.contoso.example"}]
            }
        ],
        "enterpriseIPRanges": [
            {
                "displayName": "Offices",
                "ranges": [
                    {"@odata.type": "microsoft.graph.iPv4Range", "lowerAddress": "10.1.0.1", "upperAddress": "10.1.255.254"},
                    {"@odata.type": "microsoft.graph.iPv6CidrRange", "cidrAddress": "fd00:1:2::/48"}
                ]
            }
        ],
        "enterpriseIPRangesAreAuthoritative": true,
        "enterpriseProxyServers": [],
        "enterpriseInternalProxyServers": [],
        "enterpriseProxyServersAreAuthoritative": false,
        "neutralDomainResources": [{"displayName": "Sign-in", "resources": ["login.contoso.example"]}],
        "indexingEncryptedStoresOrItemsBlocked": true,
        "smbAutoEncryptedFileExtensions": [{"displayName": "Documents", "resources": [".docx", ".xlsx"]}],
        "isAssigned": false,
        "revokeOnMdmHandoffDisabled": false,
        "mdmEnrollmentUrl": "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc",
        "windowsHelloForBusinessBlocked": false,
        "pinMinimumLength": 6,
        "pinUppercaseLetters": "allow",
        "pinLowercaseLetters": "requireAtLeastOne",
        "pinSpecialCharacters": "notAllow",
        "pinExpirationDays": 90,
        "numberOfPastPinsRemembered": 5,
        "passwordMaximumAttemptCount": 10,
        "minutesOfInactivityBeforeDeviceLock": 15,
        "daysWithoutContactBeforeUnenroll": 90
    })
}

#[test]
fn documented_shapes_lint_clean_in_both_versions() {
    for (args, body) in [
        (V1, ios_v1()),
        (BETA, ios_beta()),
        (V1, android(false)),
        (BETA, android(true)),
        (V1, app_configuration(false)),
        (BETA, app_configuration(true)),
        (V1, wip()),
        (BETA, wip()),
    ] {
        clean(args, &body);
        let patch: Vec<&str> = args.iter().copied().chain(["--patch"]).collect();
        clean(&patch, &body);
    }
    // What v1.0 declares is a valid PATCH in beta too; as a whole beta object it lacks beta's
    // required settings, which are said (warnings), not refused.
    clean(&["--api", "beta", "--patch"], &ios_v1());
    let (code, problems) = lint(BETA, &ios_v1());
    assert_eq!(code, 0);
    assert!(problems.iter().any(|p| p.0 == "thirdPartyKeyboardsBlocked"));
    assert!(
        problems
            .iter()
            .all(|(_, code, severity)| code == "missing-required" && severity == "warning"),
        "{problems:?}"
    );
    // The policy as Graph returns it, read-only stamps and id included.
    let mut answer = ios_beta();
    answer["id"] = json!("T_0f6a5e3c-1c1d-4f4e-9a7b-2a3b4c5d6e7f");
    answer["createdDateTime"] = json!("2026-01-05T10:00:00Z");
    answer["lastModifiedDateTime"] = json!("2026-02-01T08:30:00.1234567Z");
    clean(BETA, &answer);
}

#[test]
fn app_protection_defects_are_found_at_their_path() {
    for (args, body) in [(V1, ios_v1()), (BETA, ios_beta())] {
        finds(
            args,
            &with(&body, "pinCharacterSet", json!("lettersOnly")),
            "pinCharacterSet",
            "invalid-enum",
        );
        finds(
            args,
            &with(&body, "minimumPinLength", json!("six")),
            "minimumPinLength",
            "wrong-type",
        );
        finds(
            args,
            &with(&body, "maximumPinRetries", json!(0)),
            "maximumPinRetries",
            "out-of-range",
        );
        finds(
            args,
            &with(&body, "periodOnlineBeforeAccessCheck", json!("30 minutes")),
            "periodOnlineBeforeAccessCheck",
            "invalid-duration",
        );
        finds(
            args,
            &with(
                &body,
                "allowedDataStorageLocations",
                json!(["sharePoint", "dropbox"]),
            ),
            "allowedDataStorageLocations[1]",
            "invalid-enum",
        );
    }
    finds(
        BETA,
        &with(&ios_beta(), "previousPinBlockCount", json!(25)),
        "previousPinBlockCount",
        "out-of-range",
    );
    finds(
        BETA,
        &with(
            &android(true),
            "requiredAndroidSafetyNetEvaluationType",
            json!("strong"),
        ),
        "requiredAndroidSafetyNetEvaluationType",
        "invalid-enum",
    );
    finds(
        V1,
        &with(&android(false), "screenCaptureBlocked", json!("yes")),
        "screenCaptureBlocked",
        "wrong-type",
    );
}

#[test]
fn nested_defects_in_app_configuration_and_wip() {
    for (args, body) in [
        (V1, app_configuration(false)),
        (BETA, app_configuration(true)),
    ] {
        let mut b = body.clone();
        b["customSettings"][1]["value"] = json!(42);
        finds(args, &b, "customSettings[1].value", "wrong-type");
    }
    for args in [V1, BETA] {
        let mut b = wip();
        b["protectedApps"][1]["denied"] = json!("no");
        finds(args, &b, "protectedApps[1].denied", "wrong-type");
        finds(
            args,
            &with(&wip(), "enforcementLevel", json!("encryptEverything")),
            "enforcementLevel",
            "invalid-enum",
        );
        finds(
            args,
            &with(&wip(), "pinMinimumLength", json!(200)),
            "pinMinimumLength",
            "out-of-range",
        );
        let mut b = wip();
        b["dataRecoveryCertificate"]["expirationDateTime"] = json!("31/01/2028");
        finds(
            args,
            &b,
            "dataRecoveryCertificate.expirationDateTime",
            "invalid-datetime",
        );
    }
}

/// A PATCH body as Graph judges it: a property the version does not declare is an error, so a
/// beta-only setting sent to v1.0 is caught, and a misspelt one in either.
#[test]
fn patch_bodies_with_unknown_properties_are_refused() {
    let ios = "#microsoft.graph.iosManagedAppProtection";
    let beta_only = json!({"@odata.type": ios, "thirdPartyKeyboardsBlocked": true});
    clean(&["--api", "beta", "--patch"], &beta_only);
    finds(
        &["--api", "v1.0", "--patch"],
        &beta_only,
        "thirdPartyKeyboardsBlocked",
        "unknown-property",
    );
    for api in ["v1.0", "beta"] {
        let typo = json!({"@odata.type": ios, "minimumPinLenght": 8});
        finds(
            &["--api", api, "--patch"],
            &typo,
            "minimumPinLenght",
            "unknown-property",
        );
        let android = json!({
            "@odata.type": "#microsoft.graph.androidManagedAppProtection",
            "pinRequired": false,
            "screenCaptureBlock": true
        });
        finds(
            &["--api", api, "--patch"],
            &android,
            "screenCaptureBlock",
            "unknown-property",
        );
        // The same slip in a whole object is only a warning.
        let (code, problems) = lint(&["--api", api], &typo);
        assert_eq!(code, 0, "{problems:?}");
        assert_eq!(problems[0].2, "warning");
    }
}
