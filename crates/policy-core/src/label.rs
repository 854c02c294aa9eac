//! Labels for the form, made from property and type names (never from Microsoft's prose):
//! `passwordExpirationDays` → "Password expiration days", `minOSVersion` → "Min OS version".
//! Graph's names are ASCII identifiers, so only ASCII letters change case (which also keeps
//! Unicode's case tables out of the app's wasm).

/// Splits a camelCase name into words, keeping runs of capitals (acronyms) together.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) => {
                (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                    || (c.is_ascii_uppercase()
                        && p.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
                    || (c.is_ascii_digit() && p.is_ascii_alphabetic() && !p.is_ascii_uppercase())
                    || c == '_'
            }
        };
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if c != '_' {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Brand names split by the rule above: "i" + "OS…" is iOS, "mac" + "OS…" is macOS.
    let mut merged: Vec<String> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(prev) if matches!(prev.as_str(), "i" | "mac" | "Mac") && w.starts_with("OS") => {
                prev.push_str("OS");
                if w.len() > 2 {
                    merged.push(w[2..].to_string());
                }
            }
            _ => merged.push(w),
        }
    }
    merged
}

/// Brand names and acronyms as they are written, for the words of a name that lost their
/// spelling in camelCase (`iosGeneralDeviceConfiguration`, `wifiSsid`, `omaUri`). One table,
/// ours; matched without regard to case.
const SPELLING: &[(&str, &str)] = &[
    ("android", "Android"),
    ("azure", "Azure"),
    ("bitlocker", "BitLocker"),
    ("bluetooth", "Bluetooth"),
    ("cortana", "Cortana"),
    ("defender", "Defender"),
    ("eap", "EAP"),
    ("edge", "Edge"),
    ("google", "Google"),
    ("hello", "Hello"),
    ("imei", "IMEI"),
    ("intune", "Intune"),
    ("ios", "iOS"),
    ("ipados", "iPadOS"),
    ("kerberos", "Kerberos"),
    ("macos", "macOS"),
    ("mdm", "MDM"),
    ("microsoft", "Microsoft"),
    ("oma", "OMA"),
    ("onedrive", "OneDrive"),
    ("os", "OS"),
    ("pkcs", "PKCS"),
    ("pin", "PIN"),
    ("scep", "SCEP"),
    ("smartscreen", "SmartScreen"),
    ("ssid", "SSID"),
    ("tvos", "tvOS"),
    ("uri", "URI"),
    ("url", "URL"),
    ("usb", "USB"),
    ("vpn", "VPN"),
    ("wifi", "Wi-Fi"),
    ("windows", "Windows"),
];

fn brand(word: &str) -> Option<&'static str> {
    SPELLING
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(word))
        .map(|(_, v)| *v)
}

/// A readable label: first word capitalised, acronyms and brand names kept (see [`SPELLING`]),
/// the rest in lower case.
pub fn label(name: &str) -> String {
    // Two words that are one brand when joined: "smart" + "Screen", "wi" + "Fi".
    let mut ws: Vec<String> = Vec::new();
    for w in words(name) {
        match ws.last_mut() {
            Some(prev) if brand(&format!("{prev}{w}")).is_some() => prev.push_str(&w),
            _ => ws.push(w),
        }
    }
    ws.iter()
        .enumerate()
        .map(|(i, w)| {
            // Acronyms and brand names (OS, VPN, iOS, macOS) keep their spelling.
            let keep = w.chars().skip(1).any(|c| c.is_ascii_uppercase());
            if let Some(b) = brand(w) {
                b.to_string()
            } else if keep {
                w.clone()
            } else if i == 0 {
                let mut cs = w.chars();
                match cs.next() {
                    Some(f) => std::iter::once(f.to_ascii_uppercase())
                        .chain(cs.map(|c| c.to_ascii_lowercase()))
                        .collect(),
                    None => String::new(),
                }
            } else {
                w.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The unit a property's name carries: `passwordExpirationDays` is in days.
pub fn unit(name: &str) -> Option<&'static str> {
    const UNITS: &[(&str, &str)] = &[
        ("Seconds", "seconds"),
        ("Minutes", "minutes"),
        ("Hours", "hours"),
        ("Days", "days"),
        ("Weeks", "weeks"),
        ("Months", "months"),
        ("Years", "years"),
        ("Percent", "percent"),
        ("Percentage", "percent"),
        ("InKB", "kilobytes"),
        ("InMB", "megabytes"),
        ("InGB", "gigabytes"),
        ("Megabytes", "megabytes"),
        ("Gigabytes", "gigabytes"),
    ];
    UNITS
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, u)| *u)
}

/// Our help for a field: only what the user needs to get it right, that is the unit its name
/// carries, the range, the length or the number of items the metadata allows. Empty when there
/// is nothing to say ("required" is not said: the editor sends only what changed).
pub fn help(p: &crate::model::Property) -> String {
    let c = &p.constraints;
    let fmt = crate::edm::format_number;
    let mut parts = Vec::new();
    if let Some(u) = unit(&p.name) {
        parts.push(format!("in {u}"));
    }
    match (c.min, c.max) {
        (Some(lo), Some(hi)) => parts.push(format!("from {} to {}", fmt(lo), fmt(hi))),
        (Some(lo), None) => parts.push(format!("at least {}", fmt(lo))),
        (None, Some(hi)) => parts.push(format!("at most {}", fmt(hi))),
        _ => {}
    }
    if let Some(n) = c.max_length {
        parts.push(format!("up to {n} characters"));
    }
    if let Some(n) = c.max_items {
        parts.push(format!("up to {n} items"));
    }
    let mut text = parts.join(", ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels() {
        assert_eq!(label("passwordExpirationDays"), "Password expiration days");
        assert_eq!(label("minOSVersion"), "Min OS version");
        // A brand split into two camelCase words is joined again.
        assert_eq!(
            label("smartScreenEnableAppInstallControl"),
            "SmartScreen enable app install control"
        );
        assert_eq!(
            label("wiFiConnectAutomatically"),
            "Wi-Fi connect automatically"
        );
        assert_eq!(label("omaUri"), "OMA URI");
        assert_eq!(label("qrCodeImage"), "Qr code image");
        assert_eq!(
            label("windows10GeneralConfiguration"),
            "Windows 10 general configuration"
        );
        assert_eq!(
            label("deviceManagementApplicabilityRuleOsEdition"),
            "Device management applicability rule OS edition"
        );
        assert_eq!(
            label("allowedGoogleAccountDomains"),
            "Allowed Google account domains"
        );
        assert_eq!(label("iOSVersion"), "iOS version");
        assert_eq!(
            label("macOSGeneralDeviceConfiguration"),
            "macOS general device configuration"
        );
        assert_eq!(
            label("vpnAlwaysOnPackageIdentifier"),
            "VPN always on package identifier"
        );
        assert_eq!(
            label("iosGeneralDeviceConfiguration"),
            "iOS general device configuration"
        );
        assert_eq!(
            label("windowsWifiConfiguration"),
            "Windows Wi-Fi configuration"
        );
        assert_eq!(
            label("androidScepCertificateProfile"),
            "Android SCEP certificate profile"
        );
        assert_eq!(
            label("windows10PkcsCertificateProfile"),
            "Windows 10 PKCS certificate profile"
        );
        assert_eq!(
            label("windowsHelloForBusinessBlocked"),
            "Windows Hello for business blocked"
        );
        assert_eq!(
            label("macOSCustomConfiguration"),
            "macOS custom configuration"
        );
    }

    #[test]
    fn help_says_only_what_the_user_needs() {
        use crate::model::ApiVersion;
        let s = crate::embedded::schema(ApiVersion::Beta);
        let t = s.get(s.find("androidForWorkGeneralDeviceConfiguration").unwrap());
        let p = t.property("passwordExpirationDays").unwrap();
        assert_eq!(super::help(p), "In days, from 1 to 365.");
        // Nothing to say: no boilerplate ("On or off, required.").
        let p = t.property("passwordBlockFingerprintUnlock").unwrap();
        assert_eq!(super::help(p), "");
        assert_eq!(super::unit("screenTimeoutInMinutes"), Some("minutes"));
        assert_eq!(super::unit("displayName"), None);
    }
}
