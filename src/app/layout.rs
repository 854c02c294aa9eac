//! The page's frame: the header bar that the connection collapses into once there is a
//! credential (cloud, API version, who, token expiry; it opens on demand), and the address bar
//! that follows the user (the list of a collection, or an object), with the browser's back and
//! forward buttons. No token is ever written into a URL.

use policy_core::token::TokenInfo;

use crate::session::{LinkParams, Settings};

/// What the header bar says about the connection, and whether it is usable as it is (a token
/// or a signed-in account, a usable base, nothing waiting for the user): then the connection
/// panel starts folded.
pub struct Summary {
    pub text: String,
    pub connected: bool,
    /// The token has expired or sign-in needs the user: the bar says so in its warning colour.
    pub attention: bool,
}

/// The header bar's summary of `s` at `now` (seconds since the Unix epoch).
pub fn summary(s: &Settings, now: i64) -> Summary {
    let place = match (s.cloud, s.base()) {
        (Some(c), _) => c.label().to_string(),
        (None, Ok(b)) => b.to_string(),
        (None, Err(_)) => "no Graph base".to_string(),
    };
    let mut parts = vec![place, s.api.to_string()];
    let mut attention = false;
    let token = TokenInfo::decode(s.token.trim()).ok();
    let signed_in = s.sign_in.active.as_ref().and_then(|id| {
        s.sign_in
            .accounts
            .iter()
            .find(|a| &a.home_id == id)
            .map(|a| a.username.clone())
    });
    match (&signed_in, &token) {
        (Some(user), _) => {
            parts.push(format!("signed in as {user}"));
            if s.sign_in.needs_interaction {
                parts.push("sign in again".into());
                attention = true;
            }
        }
        (None, Some(t)) => {
            let who = t.user.clone().or_else(|| t.app.clone());
            parts.push(match who {
                Some(w) => format!("token for {w}"),
                None => "pasted token".into(),
            });
            match t.seconds_left(now) {
                Some(left) if left <= 0 => {
                    parts.push("expired".into());
                    attention = true;
                }
                Some(left) => parts.push(format!("expires in {}", minutes(left))),
                None => {}
            }
        }
        (None, None) if !s.token.trim().is_empty() => parts.push("token not readable".into()),
        (None, None) => parts.push("not connected".into()),
    }
    Summary {
        text: parts.join(" · "),
        // A token Graph may take even if it is not a JWT this page can read (a proxy's own).
        connected: s.has_credential() && !attention && s.base().is_ok() && s.link_base.is_none(),
        attention,
    }
}

fn minutes(seconds: i64) -> String {
    match seconds {
        s if s < 60 => "less than a minute".into(),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// Where the address bar goes when the page moves: a new history entry when the user goes
/// somewhere else (the list → an object, an object → the list), the same entry when only its
/// details change (an object reloaded after Send). `query` starts with `?`.
pub fn go_to(query: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(h) = w.history() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let current = w.location().search().unwrap_or_default();
    if current == query {
        return;
    }
    let url = format!("{path}{query}");
    // Read as the browser reads queries (URLSearchParams), as the page's own link is.
    let read = |q: &str| {
        web_sys::UrlSearchParams::new_with_str(q)
            .map(|p| LinkParams::from_query(|name| p.get(name)))
            .unwrap_or_default()
    };
    let _ = if same_place(&read(&current), &read(query)) {
        h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
}

/// True when two of the app's addresses name the same place (the same object, or both a
/// list): their `id` and `set` decide.
fn same_place(a: &LinkParams, b: &LinkParams) -> bool {
    match (&a.id, &b.id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.set.is_none() || b.set.is_none() || a.set == b.set,
        _ => false,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::session::parse_query;

    #[test]
    fn the_address_bar_adds_an_entry_only_when_the_place_changes() {
        let same_place = |a: &str, b: &str| same_place(&parse_query(a), &parse_query(b));
        // Reloading the same object after Send replaces the entry.
        assert!(same_place(
            "?graph=g&api=beta&type=t&id=1",
            "?graph=g&api=beta&type=t&id=1"
        ));
        // The list → an object, and back, add entries.
        assert!(!same_place(
            "?graph=g&api=beta&set=deviceManagement%2Fs",
            "?graph=g&api=beta&type=t&id=1"
        ));
        assert!(!same_place(
            "?graph=g&api=beta&type=t&id=1",
            "?graph=g&api=beta&set=deviceManagement%2Fs"
        ));
        // One object → another adds one.
        assert!(!same_place("?type=t&id=1", "?type=t&id=2"));
        // The start page becoming the list of its collection is the same place.
        assert!(same_place("", "?graph=g&api=beta&set=deviceManagement%2Fs"));
        assert!(!same_place(
            "?set=deviceManagement%2Fa",
            "?set=deviceManagement%2Fb"
        ));
    }

    #[test]
    fn the_bar_says_who_and_until_when_without_the_token() {
        let mut s = Settings::default();
        let b = summary(&s, 0);
        assert!(!b.connected);
        assert!(b.text.contains("not connected"), "{}", b.text);
        // An unsigned token for someone, valid for an hour.
        // {"upn":"ada@contoso.example","exp":3600,"aud":"https://graph.microsoft.com"}
        s.token = "eyJhbGciOiJub25lIn0.eyJ1cG4iOiJhZGFAY29udG9zby5leGFtcGxlIiwiZXhwIjozNjAwLCJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.".into();
        let b = summary(&s, 0);
        assert!(b.connected, "{}", b.text);
        assert!(
            b.text.contains("token for ada@contoso.example"),
            "{}",
            b.text
        );
        assert!(b.text.contains("expires in 1 h 00 min"), "{}", b.text);
        assert!(!b.text.contains(&s.token));
        let late = summary(&s, 4000);
        assert!(late.attention && !late.connected);
        assert!(late.text.contains("expired"));
        // A token the page cannot read is still the user's choice: the bar says so.
        s.token.truncate(10);
        let opaque = summary(&s, 0);
        assert!(opaque.connected && opaque.text.contains("token not readable"));
        // Waiting for the user's yes to a link's base is not connected.
        s.link_base = Some("https://graph.example".into());
        assert!(!summary(&s, 0).connected);
    }
}
