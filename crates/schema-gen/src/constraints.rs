//! Numeric limits stated in the prose of the metadata's descriptions, turned into numbers.
//!
//! Only the numbers are kept; the sentences never leave the generator. The phrasings are those
//! `constraint-phrasings.json` lists. Ranges that only restate the Edm type's bounds carry no
//! information and are dropped. Where one description states two different ranges, or a range
//! that contradicts itself, [`OVERRIDES`] decides.

use std::sync::OnceLock;

use policy_core::edm::Edm;
use policy_core::model::Constraints;
use regex::Regex;

/// A decision for a description that contradicts itself: `(type short name, property, min, max)`.
/// `None` on both sides drops the range.
pub const OVERRIDES: &[(&str, &str, Option<f64>, Option<f64>)] = &[
    // "Valid values 0 to 90" after "(1-90)" in the same sentence: 0 turns the delay off.
    (
        "macOSGeneralDeviceConfiguration",
        "softwareUpdateNonOSDeferredInstallDelayInDays",
        Some(0.0),
        Some(90.0),
    ),
];

const NUM: &str = r"(-?\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?)";

fn range_patterns() -> &'static [Regex] {
    static P: OnceLock<Vec<Regex>> = OnceLock::new();
    P.get_or_init(|| {
        [
            format!(r"[Vv]alid values?(?: are| is)?(?: range)?(?: from| between)?:? {NUM}\s*(?:to|-|through|and)\s*{NUM}"),
            format!(r"[Vv]alid range(?: is)?(?: from)?:? {NUM}\s*(?:-|to)\s*{NUM}"),
            format!(r"(?:can|must|should) be between {NUM} and {NUM}"),
            format!(r"(?:Allowed|Supported) range (?:from |of )?{NUM}\s*(?:to|-)\s*{NUM}"),
            format!(r"minimum value of {NUM} and a maximum value of {NUM}"),
        ]
        .iter()
        .map(|p| Regex::new(p).expect("valid pattern"))
        .collect()
    })
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

fn min_is() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(
        &R,
        &format!(r"[Mm]inimum (?:value )?(?:is|of) {NUM}( characters| elements)?"),
    )
}

fn max_is() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(
        &R,
        &format!(r"[Mm]aximum (?:value )?(?:is|of) {NUM}( characters| elements)?"),
    )
}

fn max_items() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"maximum of (\d+) elements")
}

fn max_length() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(
        &R,
        r"(?i)(?:maximum length is|maximum|up to|not exceed|maximum limit of) (\d+) characters",
    )
}

/// True when a bound is only the type's own limit (or beyond it): it says nothing.
fn is_type_bound(edm: Edm, value: f64, upper: bool) -> bool {
    match edm.integer_range() {
        Some((lo, hi)) => {
            if upper {
                value >= hi as f64
            } else {
                value <= lo as f64
            }
        }
        None => value.abs() >= 1e300 || (edm == Edm::Single && value.abs() >= 3.4e38),
    }
}

/// Reads the limits one description states for a property of the given shape.
/// Returns the constraints and whether the text held two ranges that disagree.
pub fn parse(description: &str, type_name: &str, collection: bool) -> (Constraints, bool) {
    let mut c = Constraints::default();
    let mut conflict = false;
    let edm = Edm::parse(type_name);
    if let Some(edm) = edm.filter(|e| e.is_numeric()) {
        let mut ranges: Vec<(Option<f64>, Option<f64>)> = Vec::new();
        for re in range_patterns() {
            for cap in re.captures_iter(description) {
                let (Ok(lo), Ok(hi)) = (cap[1].parse::<f64>(), cap[2].parse::<f64>()) else {
                    continue;
                };
                let lo = (!is_type_bound(edm, lo, false)).then_some(lo);
                let hi = (!is_type_bound(edm, hi, true)).then_some(hi);
                if lo.is_some() || hi.is_some() {
                    ranges.push((lo, hi));
                }
            }
        }
        if ranges.is_empty() {
            // "Maximum of 10 characters" is a length, not a value: those are skipped.
            let bound = |re: &Regex| {
                re.captures(description)
                    .filter(|cap| cap.get(2).is_none())
                    .and_then(|cap| cap[1].parse::<f64>().ok())
            };
            let lo = bound(min_is()).filter(|v| !is_type_bound(edm, *v, false));
            let hi = bound(max_is()).filter(|v| !is_type_bound(edm, *v, true));
            ranges.push((lo, hi));
        }
        let (lo, hi) = ranges[0];
        conflict = ranges.iter().any(|r| *r != ranges[0])
            || matches!((lo, hi), (Some(a), Some(b)) if a > b);
        c.min = lo;
        c.max = hi;
    }
    if collection {
        if let Some(cap) = max_items().captures(description) {
            c.max_items = cap[1].parse().ok();
        }
    }
    if edm == Some(Edm::String) {
        if let Some(cap) = max_length().captures(description) {
            c.max_length = cap[1].parse().ok();
        }
    }
    (c, conflict)
}

/// The override for a property, if the table has one.
pub fn override_for(type_short_name: &str, property: &str) -> Option<(Option<f64>, Option<f64>)> {
    OVERRIDES
        .iter()
        .find(|(t, p, _, _)| *t == type_short_name && *p == property)
        .map(|&(_, _, lo, hi)| (lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str, ty: &str) -> (Option<f64>, Option<f64>) {
        let (c, _) = parse(text, ty, false);
        (c.min, c.max)
    }

    #[test]
    fn phrasings() {
        assert_eq!(
            range("Days. Valid values 1 to 365", "Edm.Int32"),
            (Some(1.0), Some(365.0))
        );
        assert_eq!(
            range("Valid range 1-3600.", "Edm.Int32"),
            (Some(1.0), Some(3600.0))
        );
        assert_eq!(
            range("with valid range from 0 to 30 days.", "Edm.Int32"),
            (Some(0.0), Some(30.0))
        );
        assert_eq!(
            range(
                "This value must be between 4 and 127, inclusive",
                "Edm.Int32"
            ),
            (Some(4.0), Some(127.0))
        );
        assert_eq!(
            range(
                "a minimum value of 1 and a maximum value of 24.",
                "Edm.Int32"
            ),
            (Some(1.0), Some(24.0))
        );
        assert_eq!(range("Minimum value is 0.", "Edm.Int32"), (Some(0.0), None));
        assert_eq!(
            range("Valid values -2147483648 to 2147483647", "Edm.Int32"),
            (None, None)
        );
        assert_eq!(
            range(
                "Valid values range from 0-100. Read-only. Valid values -1.79769313486232E+308 to 1.79769313486232E+308",
                "Edm.Double"
            ),
            (Some(0.0), Some(100.0))
        );
        // Numbers in a text field's description are not a range of its length.
        assert_eq!(range("Valid values 1 to 10", "Edm.String"), (None, None));
    }

    #[test]
    fn counts_and_lengths() {
        let (c, _) = parse(
            "Traffic rules. This collection can contain a maximum of 1000 elements.",
            "microsoft.graph.vpnTrafficRule",
            true,
        );
        assert_eq!(c.max_items, Some(1000));
        let (c, _) = parse("Maximum length is 256 characters.", "Edm.String", false);
        assert_eq!(c.max_length, Some(256));
    }

    #[test]
    fn disagreeing_ranges_are_reported() {
        let (_, conflict) = parse(
            "Valid values 1 to 10. Valid values 0 to 10",
            "Edm.Int32",
            false,
        );
        assert!(conflict);
        let (_, conflict) = parse("Valid values 10 to 1", "Edm.Int32", false);
        assert!(conflict);
    }
}
