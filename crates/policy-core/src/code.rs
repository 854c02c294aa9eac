//! The stable code of every problem validation reports ([`Code`]).
//!
//! The codes are an interface: the CLI prints them (text and JSON), the app writes them into
//! the page (`data-code`) and tests key on them. Each variant's string ([`Code::as_str`]) never
//! changes once published; the test below lists them all.

use std::fmt;

/// What kind of problem a [`Problem`](crate::Problem) is, as a short stable string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    // Errors: Graph would refuse the value.
    /// The value is not a JSON object.
    NotObject,
    /// The top-level object has no `@odata.type`, and no type was given.
    MissingOdataType,
    /// `@odata.type` names no type of the schema.
    UnknownType,
    /// The type is abstract: a value must name a concrete kind.
    AbstractType,
    /// `@odata.type` names a type that does not fit where it is.
    IncompatibleType,
    /// Not the JSON kind the property needs (text for a number, an object for a list, …).
    WrongType,
    /// A number with a fraction where a whole one is needed.
    NotInteger,
    /// A number that is not finite.
    NotFinite,
    /// A number outside its Edm type's bounds or the property's stated range.
    OutOfRange,
    /// Text longer than the property's maximum length.
    TooLong,
    /// A list longer than the property allows.
    TooManyItems,
    /// `null` where the property is not nullable.
    NotNullable,
    /// Not a member (or not a set of members) of the enum type.
    InvalidEnum,
    /// Not a GUID.
    InvalidGuid,
    /// Not a date and time with an offset (RFC 3339).
    InvalidDateTime,
    /// Not a calendar date.
    InvalidDate,
    /// Not a time of day.
    InvalidTime,
    /// Not an ISO 8601 duration.
    InvalidDuration,
    /// Not base64.
    InvalidBase64,
    // Warnings: the editor leaves them to the user (or never sends the property).
    /// Not a property of the type in this API version.
    UnknownProperty,
    /// A relationship, not a setting: never sent.
    NavigationProperty,
    /// Read-only in a PATCH body: never sent.
    ReadOnly,
    /// A required property is missing.
    MissingRequired,
    /// More problems than [`MAX_PROBLEMS`](crate::validate::MAX_PROBLEMS); the rest are counted.
    TooManyProblems,
    // The settings catalog's (`crate::settings`).
    /// The setting definition id is not one of the loaded definitions: Graph refuses it.
    UnknownSetting,
    /// The instance is not the kind its definition describes (a simple value for a choice, …).
    SettingKindMismatch,
    /// A setting instance lacks its value, or its `settingDefinitionId`.
    MissingValue,
    /// A choice names an option its definition does not list.
    InvalidOption,
    /// Text shorter than the setting's minimum length.
    TooShort,
    /// Text not in the setting's format (e-mail, URL, IP address, version, JSON, XML, pattern).
    InvalidFormat,
    /// Text the setting's pattern does not match.
    PatternMismatch,
    /// A collection with fewer items than the setting requires.
    TooFewItems,
    /// A child setting the chosen option (or the group) requires is missing.
    MissingChildSetting,
    /// A child setting that does not belong under this setting.
    ChildNotAllowed,
    /// A child setting that belongs to another option than the chosen one.
    DependencyNotMet,
    /// A setting given twice in one list.
    DuplicateSetting,
    /// A setting whose platform or technologies do not match the policy's.
    NotApplicable,
    /// A setting the policy's template does not allow.
    NotInTemplate,
    /// A setting the policy's template requires is missing.
    MissingTemplateSetting,
    /// Settings nested deeper than the editor walks.
    TooDeep,
    /// A setting definition's pattern does not compile: values are not matched against it.
    InvalidPattern,
    /// A policy's settings were not checked: no definitions were given.
    SettingsNotChecked,
    /// A template policy's template rules were not checked: its template was not given.
    TemplateNotChecked,
    // The CLI's own, for a file it cannot check.
    /// The file cannot be read, or is not UTF-8 text.
    Unreadable,
    /// The file is not valid JSON.
    InvalidJson,
    // The endpoint security intents' (`crate::intents`).
    /// A setting's `valueJson` is not JSON text.
    InvalidValueJson,
    /// A setting's `value` and `valueJson` say different things.
    ValueMismatch,
}

impl Code {
    /// Every code, in the order of the declaration.
    pub const ALL: [Code; 47] = [
        Code::NotObject,
        Code::MissingOdataType,
        Code::UnknownType,
        Code::AbstractType,
        Code::IncompatibleType,
        Code::WrongType,
        Code::NotInteger,
        Code::NotFinite,
        Code::OutOfRange,
        Code::TooLong,
        Code::TooManyItems,
        Code::NotNullable,
        Code::InvalidEnum,
        Code::InvalidGuid,
        Code::InvalidDateTime,
        Code::InvalidDate,
        Code::InvalidTime,
        Code::InvalidDuration,
        Code::InvalidBase64,
        Code::UnknownProperty,
        Code::NavigationProperty,
        Code::ReadOnly,
        Code::MissingRequired,
        Code::TooManyProblems,
        Code::UnknownSetting,
        Code::SettingKindMismatch,
        Code::MissingValue,
        Code::InvalidOption,
        Code::TooShort,
        Code::InvalidFormat,
        Code::PatternMismatch,
        Code::TooFewItems,
        Code::MissingChildSetting,
        Code::ChildNotAllowed,
        Code::DependencyNotMet,
        Code::DuplicateSetting,
        Code::NotApplicable,
        Code::NotInTemplate,
        Code::MissingTemplateSetting,
        Code::TooDeep,
        Code::InvalidPattern,
        Code::SettingsNotChecked,
        Code::TemplateNotChecked,
        Code::Unreadable,
        Code::InvalidJson,
        Code::InvalidValueJson,
        Code::ValueMismatch,
    ];

    /// The stable string: what the CLI prints and the page's `data-code` holds.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::NotObject => "not-object",
            Code::MissingOdataType => "missing-odata-type",
            Code::UnknownType => "unknown-type",
            Code::AbstractType => "abstract-type",
            Code::IncompatibleType => "incompatible-type",
            Code::WrongType => "wrong-type",
            Code::NotInteger => "not-integer",
            Code::NotFinite => "not-finite",
            Code::OutOfRange => "out-of-range",
            Code::TooLong => "too-long",
            Code::TooManyItems => "too-many-items",
            Code::NotNullable => "not-nullable",
            Code::InvalidEnum => "invalid-enum",
            Code::InvalidGuid => "invalid-guid",
            Code::InvalidDateTime => "invalid-datetime",
            Code::InvalidDate => "invalid-date",
            Code::InvalidTime => "invalid-time",
            Code::InvalidDuration => "invalid-duration",
            Code::InvalidBase64 => "invalid-base64",
            Code::UnknownProperty => "unknown-property",
            Code::NavigationProperty => "navigation-property",
            Code::ReadOnly => "read-only",
            Code::MissingRequired => "missing-required",
            Code::TooManyProblems => "too-many-problems",
            Code::UnknownSetting => "unknown-setting",
            Code::SettingKindMismatch => "setting-kind-mismatch",
            Code::MissingValue => "missing-value",
            Code::InvalidOption => "invalid-option",
            Code::TooShort => "too-short",
            Code::InvalidFormat => "invalid-format",
            Code::PatternMismatch => "pattern-mismatch",
            Code::TooFewItems => "too-few-items",
            Code::MissingChildSetting => "missing-child-setting",
            Code::ChildNotAllowed => "child-not-allowed",
            Code::DependencyNotMet => "dependency-not-met",
            Code::DuplicateSetting => "duplicate-setting",
            Code::NotApplicable => "not-applicable",
            Code::NotInTemplate => "not-in-template",
            Code::MissingTemplateSetting => "missing-template-setting",
            Code::TooDeep => "too-deep",
            Code::InvalidPattern => "invalid-pattern",
            Code::SettingsNotChecked => "settings-not-checked",
            Code::TemplateNotChecked => "template-not-checked",
            Code::Unreadable => "unreadable",
            Code::InvalidJson => "invalid-json",
            Code::InvalidValueJson => "invalid-value-json",
            Code::ValueMismatch => "value-mismatch",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as its string ([`Code::as_str`]), as the CLI's JSON output has always had it.
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The published strings. One may be added; none may change or go.
    const PUBLISHED: [(Code, &str); 47] = [
        (Code::NotObject, "not-object"),
        (Code::MissingOdataType, "missing-odata-type"),
        (Code::UnknownType, "unknown-type"),
        (Code::AbstractType, "abstract-type"),
        (Code::IncompatibleType, "incompatible-type"),
        (Code::WrongType, "wrong-type"),
        (Code::NotInteger, "not-integer"),
        (Code::NotFinite, "not-finite"),
        (Code::OutOfRange, "out-of-range"),
        (Code::TooLong, "too-long"),
        (Code::TooManyItems, "too-many-items"),
        (Code::NotNullable, "not-nullable"),
        (Code::InvalidEnum, "invalid-enum"),
        (Code::InvalidGuid, "invalid-guid"),
        (Code::InvalidDateTime, "invalid-datetime"),
        (Code::InvalidDate, "invalid-date"),
        (Code::InvalidTime, "invalid-time"),
        (Code::InvalidDuration, "invalid-duration"),
        (Code::InvalidBase64, "invalid-base64"),
        (Code::UnknownProperty, "unknown-property"),
        (Code::NavigationProperty, "navigation-property"),
        (Code::ReadOnly, "read-only"),
        (Code::MissingRequired, "missing-required"),
        (Code::TooManyProblems, "too-many-problems"),
        (Code::UnknownSetting, "unknown-setting"),
        (Code::SettingKindMismatch, "setting-kind-mismatch"),
        (Code::MissingValue, "missing-value"),
        (Code::InvalidOption, "invalid-option"),
        (Code::TooShort, "too-short"),
        (Code::InvalidFormat, "invalid-format"),
        (Code::PatternMismatch, "pattern-mismatch"),
        (Code::TooFewItems, "too-few-items"),
        (Code::MissingChildSetting, "missing-child-setting"),
        (Code::ChildNotAllowed, "child-not-allowed"),
        (Code::DependencyNotMet, "dependency-not-met"),
        (Code::DuplicateSetting, "duplicate-setting"),
        (Code::NotApplicable, "not-applicable"),
        (Code::NotInTemplate, "not-in-template"),
        (Code::MissingTemplateSetting, "missing-template-setting"),
        (Code::TooDeep, "too-deep"),
        (Code::InvalidPattern, "invalid-pattern"),
        (Code::SettingsNotChecked, "settings-not-checked"),
        (Code::TemplateNotChecked, "template-not-checked"),
        (Code::Unreadable, "unreadable"),
        (Code::InvalidJson, "invalid-json"),
        (Code::InvalidValueJson, "invalid-value-json"),
        (Code::ValueMismatch, "value-mismatch"),
    ];

    /// A new variant fails to compile here until it is listed in `Code::ALL` and `PUBLISHED`.
    fn listed(code: Code) -> bool {
        match code {
            Code::NotObject
            | Code::MissingOdataType
            | Code::UnknownType
            | Code::AbstractType
            | Code::IncompatibleType
            | Code::WrongType
            | Code::NotInteger
            | Code::NotFinite
            | Code::OutOfRange
            | Code::TooLong
            | Code::TooManyItems
            | Code::NotNullable
            | Code::InvalidEnum
            | Code::InvalidGuid
            | Code::InvalidDateTime
            | Code::InvalidDate
            | Code::InvalidTime
            | Code::InvalidDuration
            | Code::InvalidBase64
            | Code::UnknownProperty
            | Code::NavigationProperty
            | Code::ReadOnly
            | Code::MissingRequired
            | Code::TooManyProblems
            | Code::UnknownSetting
            | Code::SettingKindMismatch
            | Code::MissingValue
            | Code::InvalidOption
            | Code::TooShort
            | Code::InvalidFormat
            | Code::PatternMismatch
            | Code::TooFewItems
            | Code::MissingChildSetting
            | Code::ChildNotAllowed
            | Code::DependencyNotMet
            | Code::DuplicateSetting
            | Code::NotApplicable
            | Code::NotInTemplate
            | Code::MissingTemplateSetting
            | Code::TooDeep
            | Code::InvalidPattern
            | Code::SettingsNotChecked
            | Code::TemplateNotChecked
            | Code::Unreadable
            | Code::InvalidJson
            | Code::InvalidValueJson
            | Code::ValueMismatch => {
                Code::ALL.contains(&code) && PUBLISHED.iter().any(|&(c, _)| c == code)
            }
        }
    }

    #[test]
    fn every_code_keeps_its_published_string_and_no_two_share_one() {
        assert_eq!(Code::ALL, PUBLISHED.map(|(c, _)| c));
        let mut seen = HashSet::new();
        for (code, text) in PUBLISHED {
            assert!(listed(code), "{code:?}");
            assert_eq!(code.as_str(), text, "{code:?}");
            assert_eq!(code.to_string(), text, "{code:?}");
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(text.into())
            );
            assert!(seen.insert(text), "{text} is used twice");
            // Lower-case words joined by hyphens: safe in an attribute, a selector and JSON.
            assert!(
                text.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{text}"
            );
        }
    }
}
