//! Access tokens: the pasted one lives in memory, or, only if the user opts in, in this tab's
//! sessionStorage. A token never goes into the URL, localStorage or a log.

use gloo_storage::{SessionStorage, Storage};

const TOKEN_KEY: &str = "intune-editor.token";

/// The token kept for this tab, if the user chose to keep it.
pub fn load_tab_token() -> Option<String> {
    SessionStorage::get::<String>(TOKEN_KEY)
        .ok()
        .filter(|t| !t.is_empty())
}

/// Keeps the token for this tab (`keep`), or forgets any kept copy.
pub fn keep_for_tab(token: &str, keep: bool) {
    if keep && !token.is_empty() {
        let _ = SessionStorage::set(TOKEN_KEY, token);
    } else {
        SessionStorage::delete(TOKEN_KEY);
    }
}
