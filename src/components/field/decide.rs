//! The one decision of the form: which field and which widget a property gets. Everything else
//! in the form renders what this says; nothing else looks at a property's type to choose.

use policy_core::edm::Edm;
use policy_core::model::{EnumId, Property, TypeId, ValueType};
use serde_json::Value;

/// The widget of one single value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// On or off (`<input type=checkbox role=switch>`).
    Toggle,
    /// A number (`<input type=number>`), whole or not as the type says.
    Number(Edm),
    /// A date and time in UTC (`<input type=datetime-local>`), sent with a `Z`.
    DateTime,
    Date,
    Time,
    /// A line of text; also what a value of an unknown type is edited as.
    Text,
    /// A file, sent as base64; `with_name`: its object has a `fileName` set with it.
    File {
        with_name: bool,
    },
    /// One member of an enum.
    Select(EnumId),
    /// Any members of a flags enum.
    Flags(EnumId),
    /// An encrypted setting's value: never shown as Graph's mask (see `secret`).
    Secret,
}

/// What a property is in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A list: each item edited as [`item`] says.
    List,
    /// A structured value of this declared type: a nested fieldset.
    Group(TypeId),
    /// One value with this widget.
    Single(Widget),
}

/// The decision for one property of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub kind: Kind,
    /// Labelled by a legend (a fieldset) rather than a `<label for>`.
    pub group: bool,
    pub read_only: bool,
}

/// The widget of a single value of `p`'s type (a property's value, or one item of its list).
pub fn widget(p: &Property) -> Option<Widget> {
    Some(match p.value_type {
        ValueType::Primitive(edm) => match edm {
            Edm::Boolean => Widget::Toggle,
            e if e.is_numeric() => Widget::Number(e),
            Edm::DateTimeOffset => Widget::DateTime,
            Edm::Date => Widget::Date,
            Edm::TimeOfDay => Widget::Time,
            Edm::Binary | Edm::Stream => Widget::File { with_name: false },
            _ => Widget::Text,
        },
        ValueType::Enum(e) => Widget::Select(e),
        ValueType::Structured(_) => return None,
        ValueType::Unresolved => Widget::Text,
    })
}

/// What one item of `p`'s list is.
pub fn item(p: &Property, flags: impl Fn(EnumId) -> bool) -> Kind {
    match p.value_type {
        ValueType::Structured(t) => Kind::Group(t),
        _ => Kind::Single(flagged(widget(p).unwrap_or(Widget::Text), flags)),
    }
}

fn flagged(w: Widget, flags: impl Fn(EnumId) -> bool) -> Widget {
    match w {
        Widget::Select(e) if flags(e) => Widget::Flags(e),
        w => w,
    }
}

/// Decides the field of property `p` of an object whose other values are `object` (`None` at
/// the top level), inside a read-only context or not. `flags` tells a flags enum from a plain
/// one (the schema knows).
pub fn decide(
    p: &Property,
    object: Option<&serde_json::Map<String, Value>>,
    read_only_context: bool,
    flags: impl Fn(EnumId) -> bool,
) -> Decision {
    let read_only = read_only_context || p.read_only;
    let kind = if p.collection {
        Kind::List
    } else if let ValueType::Structured(t) = p.value_type {
        Kind::Group(t)
    } else {
        let encrypted = object
            .and_then(|o| o.get("isEncrypted"))
            .and_then(Value::as_bool)
            == Some(true);
        let w = match widget(p).unwrap_or(Widget::Text) {
            // An encrypted setting's value.
            _ if encrypted && p.name == "value" => Widget::Secret,
            // A file whose object has a name for it beside: both set together.
            Widget::File { .. } => Widget::File {
                with_name: object.is_some_and(|o| o.contains_key("fileName")),
            },
            w => flagged(w, flags),
        };
        Kind::Single(w)
    };
    Decision {
        kind,
        group: matches!(kind, Kind::List | Kind::Group(_)),
        read_only,
    }
}

/// A field that builds several widgets counts as this many fields when a big form is built in
/// steps (see `form_view`).
pub const GROUP_WEIGHT: usize = 6;

/// The cost of building `p`'s field, in fields.
pub fn weight(p: &Property) -> usize {
    if p.collection || matches!(p.value_type, ValueType::Structured(_)) {
        GROUP_WEIGHT
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::model::{ApiVersion, Schema};
    use serde_json::json;

    fn beta() -> &'static Schema {
        policy_core::embedded::schema(ApiVersion::Beta)
    }

    fn prop<'a>(s: &'a Schema, t: &str, name: &str) -> &'a Property {
        s.get(s.find(t).unwrap()).property(name).unwrap()
    }

    #[test]
    fn each_property_gets_one_field_and_widget() {
        let s = beta();
        let flags = |e| s.enum_type(e).flags;
        let w10 = "windows10GeneralConfiguration";
        let d = |t, n| decide(prop(s, t, n), None, false, flags);
        assert_eq!(d(w10, "cameraBlocked").kind, Kind::Single(Widget::Toggle));
        assert_eq!(
            d(w10, "passwordMinimumLength").kind,
            Kind::Single(Widget::Number(Edm::Int32))
        );
        assert_eq!(d(w10, "displayName").kind, Kind::Single(Widget::Text));
        assert!(matches!(
            d(w10, "defenderScanType").kind,
            Kind::Single(Widget::Select(_))
        ));
        let list = d(w10, "defenderFileExtensionsToExclude");
        assert_eq!((list.kind, list.group), (Kind::List, true));
        let group = d(w10, "defenderDetectedMalwareActions");
        assert!(matches!(group.kind, Kind::Group(_)) && group.group);
        assert!(d(w10, "lastModifiedDateTime").read_only);
        assert_eq!(
            d(w10, "lastModifiedDateTime").kind,
            Kind::Single(Widget::DateTime)
        );
        // Inside a read-only object everything is read-only.
        assert!(decide(prop(s, w10, "displayName"), None, true, flags).read_only);

        // An encrypted OMA setting's value is a secret; a plain one is text.
        let value = prop(s, "omaSettingString", "value");
        let encrypted = json!({"isEncrypted": true, "value": "****"});
        let plain = json!({"isEncrypted": false, "value": "x"});
        let secret = decide(value, encrypted.as_object(), false, flags);
        assert_eq!(secret.kind, Kind::Single(Widget::Secret));
        assert_eq!(
            decide(value, plain.as_object(), false, flags).kind,
            Kind::Single(Widget::Text)
        );
        // A flags enum is a multi-select.
        let flags_prop = s
            .types()
            .flat_map(|(_, t)| t.properties.iter())
            .find(|p| {
                matches!(p.value_type, ValueType::Enum(e) if s.enum_type(e).flags) && !p.collection
            })
            .expect("a flags enum property");
        assert!(matches!(
            decide(flags_prop, None, false, flags).kind,
            Kind::Single(Widget::Flags(_))
        ));
        assert_eq!(weight(prop(s, w10, "displayName")), 1);
        assert_eq!(
            weight(prop(s, w10, "defenderFileExtensionsToExclude")),
            GROUP_WEIGHT
        );
    }
}
