//! A failed request, said plainly: what happened, what to do, and the facts a support ticket
//! needs (code, message, request-id, date), copyable.

use policy_core::graph_error::status_text;
use policy_core::token::WRITE_PERMISSION;
use yew::prelude::*;

use crate::clipboard::copy_text;
use crate::net::ApiError;

#[derive(Properties, PartialEq)]
pub struct ErrorViewProps {
    pub error: ApiError,
    /// What was being done, e.g. "Sending the change".
    pub action: AttrValue,
    #[prop_or_default]
    pub on_dismiss: Option<Callback<()>>,
}

/// What to do about an error, in a sentence.
pub fn advice(error: &ApiError) -> String {
    match error {
        ApiError::NoToken => "Paste an access token (or sign in) first. Your edits are kept.".into(),
        ApiError::Network(_) => "The request got no answer: check the network, the Graph base URL and that the service allows this page's origin (CORS). Your edit is kept; send it again when the connection is back.".into(),
        ApiError::BadResponse(_) => "The service answered with something that is not Graph JSON. Check the Graph base URL.".into(),
        ApiError::ForeignUrl(u) => format!("A link pointed outside the chosen Graph base ({u}); the token was not sent there."),
        ApiError::SignIn { again: true, .. } => "Your sign-in needs you: use \"Sign in again\" in the Connection panel, then retry. Nothing was sent and your edits are kept.".into(),
        ApiError::SignIn { again: false, .. } => "No token could be had from the sign-in. Check the sign-in settings and the network, then retry; your edits are kept.".into(),
        ApiError::Graph(g) => match g.status {
            401 => "The access token is expired or not valid for this Graph. Get a new token (or sign in again) and retry; your edits are kept.".into(),
            403 => format!("The token lacks permission for this. Writes need the {WRITE_PERMISSION} permission (delegated scope or application role), granted by an administrator."),
            404 => "The object was not found: it may have been deleted, or the id, API version or cloud is wrong.".into(),
            400 => "Graph rejected the request. The fields it named are marked in the form.".into(),
            409 | 412 => "The object changed on the server. Reload it and apply your change again.".into(),
            429 | 503 | 504 => "Graph is busy or throttling; the request will be retried.".into(),
            _ => "Graph could not complete the request. Try again later; if it persists, give the details below to support.".into(),
        },
    }
}

#[component]
pub fn ErrorView(props: &ErrorViewProps) -> Html {
    let e = &props.error;
    let (title, details) = match e {
        ApiError::Graph(g) => (
            format!(
                "{}: HTTP {} {} ({})",
                props.action,
                g.status,
                status_text(g.status),
                g.code
            ),
            Some(g.support_text()),
        ),
        ApiError::Network(m) => (
            format!("{}: no answer from the network", props.action),
            Some(m.clone()),
        ),
        ApiError::BadResponse(m) => (
            format!("{}: unexpected answer", props.action),
            Some(m.clone()),
        ),
        ApiError::NoToken => (format!("{}: no access token", props.action), None),
        ApiError::ForeignUrl(_) => (format!("{}: refused to follow a link", props.action), None),
        ApiError::SignIn { message, .. } => (
            format!("{}: no token from the sign-in", props.action),
            Some(message.clone()),
        ),
    };
    let message = e.graph().map(|g| g.display_message().to_string());
    let copy = details
        .clone()
        .map(|d| Callback::from(move |_| copy_text(&d)));
    let dismiss = props
        .on_dismiss
        .clone()
        .map(|cb| Callback::from(move |_| cb.emit(())));
    html! {
        <div class="error-view" role="alert" data-status={e.graph().map(|g| g.status.to_string())}>
            <h3>{ title }</h3>
            if let Some(m) = message { <p class="graph-message">{ m }</p> }
            <p>{ advice(e) }</p>
            if let Some(d) = details { <pre class="details">{ d }</pre> }
            <div class="actions">
                if let Some(onclick) = copy { <button type="button" {onclick}>{ "Copy details" }</button> }
                if let Some(onclick) = dismiss { <button type="button" class="link" {onclick}>{ "Dismiss" }</button> }
            </div>
        </div>
    }
}
