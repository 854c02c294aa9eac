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

/// A readable label: first word capitalised, acronyms kept, the rest in lower case.
pub fn label(name: &str) -> String {
    words(name)
        .iter()
        .enumerate()
        .map(|(i, w)| {
            // Acronyms and brand names (OS, VPN, iOS, macOS) keep their spelling.
            let keep = w.chars().skip(1).any(|c| c.is_ascii_uppercase());
            if keep {
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

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels() {
        assert_eq!(label("passwordExpirationDays"), "Password expiration days");
        assert_eq!(label("minOSVersion"), "Min OS version");
        assert_eq!(label("omaUri"), "Oma uri");
        assert_eq!(label("qrCodeImage"), "Qr code image");
        assert_eq!(
            label("windows10GeneralConfiguration"),
            "Windows 10 general configuration"
        );
        assert_eq!(
            label("deviceManagementApplicabilityRuleOsEdition"),
            "Device management applicability rule os edition"
        );
        assert_eq!(
            label("allowedGoogleAccountDomains"),
            "Allowed google account domains"
        );
        assert_eq!(label("iOSVersion"), "iOS version");
        assert_eq!(
            label("macOSGeneralDeviceConfiguration"),
            "macOS general device configuration"
        );
        assert_eq!(
            label("vpnAlwaysOnPackageIdentifier"),
            "Vpn always on package identifier"
        );
    }
}
