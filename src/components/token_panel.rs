//! What the pasted token says, decoded locally: tenant, who, audience, scopes or roles and a live
//! expiry countdown, with warnings for a wrong audience, a missing permission or expiry.

use gloo_timers::callback::Interval;
use policy_core::endpoint::GraphBase;
use policy_core::token::{TokenInfo, WRITE_PERMISSION};
use yew::prelude::*;

use crate::util::now_seconds;

#[derive(Properties, PartialEq)]
pub struct TokenPanelProps {
    pub token: AttrValue,
    pub base: GraphBase,
}

/// Warnings for a token used against a base, in the order the user should fix them.
pub fn token_warnings(info: &TokenInfo, base: &GraphBase, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    if info.seconds_left(now).is_some_and(|s| s <= 0) {
        out.push("This token has expired: get a new one.".to_string());
    }
    let cloud = base.cloud_of();
    if !info.audience_matches(base.as_str(), cloud) {
        out.push(format!(
            "The token is for {}, not for {}: Graph will refuse it.",
            info.audience.as_deref().unwrap_or("an unknown audience"),
            cloud
                .map(|c| c.graph_base().to_string())
                .unwrap_or_else(|| base.to_string())
        ));
    }
    if !info.can_write() {
        out.push(format!("Neither its scopes nor its roles include {WRITE_PERMISSION}: you can read but not save."));
    }
    out
}

fn countdown(seconds: i64) -> String {
    if seconds <= 0 {
        return "expired".into();
    }
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {s:02} s")
    }
}

#[component]
pub fn TokenPanel(props: &TokenPanelProps) -> Html {
    let now = use_state(now_seconds);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(1000, move || now.set(now_seconds()));
            move || drop(interval)
        });
    }
    if props.token.trim().is_empty() {
        return html! {};
    }
    let info = match TokenInfo::decode(&props.token) {
        Ok(i) => i,
        Err(e) => {
            return html! { <div class="token-info error" role="alert">{ format!("Cannot read this token: {e}.") }</div> }
        }
    };
    let warnings = token_warnings(&info, &props.base, *now);
    let who = info
        .user
        .clone()
        .or_else(|| info.app.clone().map(|a| format!("application {a}")));
    let grants: Vec<String> = info
        .scopes
        .iter()
        .chain(info.roles.iter())
        .cloned()
        .collect();
    html! {
        <div class="token-info" id="token-info">
            <dl>
                <dt>{ "Tenant" }</dt><dd>{ info.tenant.clone().unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ "Signed in as" }</dt><dd>{ who.unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ "Audience" }</dt><dd>{ info.audience.clone().unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ if info.roles.is_empty() { "Scopes" } else { "Roles" } }</dt><dd>{ grants.join(" ") }</dd>
                <dt>{ "Expires in" }</dt>
                <dd id="token-expiry">{ info.seconds_left(*now).map(countdown).unwrap_or_else(|| "no expiry claim".into()) }</dd>
            </dl>
            if !warnings.is_empty() {
                <ul class="warnings" id="token-warnings">{ for warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
            }
        </div>
    }
}
