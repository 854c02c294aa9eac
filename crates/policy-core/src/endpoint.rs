//! Where requests go: the national clouds, a custom Graph base URL, the API version, and the URL
//! of each object the editor reads and patches. Ids are checked and percent-encoded here, once.

use std::fmt;

use crate::model::ApiVersion;
use crate::weburl::{self, Scheme, UrlError};

/// The Microsoft Graph national clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cloud {
    Global,
    UsGovL4,
    UsGovL5Dod,
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [
        Cloud::Global,
        Cloud::UsGovL4,
        Cloud::UsGovL5Dod,
        Cloud::China,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Cloud::Global => "Global",
            Cloud::UsGovL4 => "US Gov L4 (GCC High)",
            Cloud::UsGovL5Dod => "US Gov L5 (DoD)",
            Cloud::China => "China (21Vianet)",
        }
    }

    /// A short stable name for settings and links.
    pub fn id(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovL4 => "usgov-l4",
            Cloud::UsGovL5Dod => "usgov-l5-dod",
            Cloud::China => "china",
        }
    }

    pub fn from_id(id: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The Graph root, which is also the audience of its tokens.
    pub fn graph_base(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The Entra ID sign-in host.
    pub fn login_authority(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovL4 | Cloud::UsGovL5Dod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The scope that asks for this cloud's Graph with the app's configured permissions.
    pub fn default_scope(self) -> String {
        format!("{}/.default", self.graph_base())
    }

    /// The cloud whose Graph root this URL is, if any.
    pub fn from_graph_base(url: &str) -> Option<Cloud> {
        GraphBase::parse(url).ok()?.cloud_of()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("the Graph base URL must start with https:// (or http:// for this machine: localhost, 127.x.x.x or [::1])")]
    Scheme,
    #[error("the Graph base URL must be a scheme, a host and optionally a port and a path, such as https://graph.microsoft.us")]
    Shape,
    #[error(
        "the Graph base URL may hold only letters, digits and - . _ ~ % = , : + / (not '{0}')"
    )]
    Character(char),
    #[error("the Graph base URL is not usable: {0}")]
    Url(#[from] UrlError),
    #[error("an object id is required")]
    EmptyId,
    #[error("the id is too long ({0} characters; at most 256)")]
    IdTooLong(usize),
    #[error("the id contains a control character")]
    IdControl,
    #[error("\".\" and \"..\" are not ids")]
    IdDots,
}

/// The characters a custom Graph base may hold: enough for a host, a port and a proxy's or the
/// sandbox's path, and none that a shell or PowerShell would read (quotes, `$`, `;`, `|`,
/// backticks, spaces), so a copied command cannot be broken out of even before quoting.
fn base_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~%=,:+/[]".contains(c)
}

/// A Graph root URL: one of the clouds, or a custom one such as a local sandbox. Normalised:
/// lower-case scheme and host, no default port, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GraphBase(String);

impl GraphBase {
    pub fn cloud(cloud: Cloud) -> GraphBase {
        GraphBase(cloud.graph_base().to_string())
    }

    /// Accepts `https://host[:port][/path]`, or `http://` for loopback hosts only (decided on
    /// the parsed address: `localhost`, 127.0.0.0/8, `[::1]`), so a token never travels in
    /// clear text over a network. A path serves proxies and the sandbox's fault prefixes;
    /// queries, fragments, credentials, dot segments and shell metacharacters are refused.
    pub fn parse(url: &str) -> Result<GraphBase, EndpointError> {
        let url = url.trim().trim_end_matches('/');
        if let Some(c) = url.chars().find(|&c| !base_char(c)) {
            return Err(EndpointError::Character(c));
        }
        let u = weburl::parse(url)?;
        if u.query.is_some() {
            return Err(EndpointError::Shape);
        }
        if u.scheme == Scheme::Http && !u.host.is_loopback() {
            return Err(EndpointError::Scheme);
        }
        let port = match u.port {
            Some(p) if p != u.scheme.default_port() => format!(":{p}"),
            _ => String::new(),
        };
        Ok(GraphBase(format!(
            "{}://{}{port}{}",
            u.scheme.as_str(),
            u.host,
            u.path
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn cloud_of(&self) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.graph_base() == self.0)
    }

    /// True for a base on this machine (the sandbox), which may use plain http.
    pub fn is_loopback(&self) -> bool {
        weburl::parse(&self.0).is_ok_and(|u| u.host.is_loopback())
    }

    /// The URL of a path under the API version: `https://graph.microsoft.com/beta/{path}`.
    pub fn url(&self, api: ApiVersion, path: &str) -> String {
        format!(
            "{}/{}/{}",
            self.0,
            api.as_str(),
            path.trim_start_matches('/')
        )
    }

    /// True when `url` is under this base: the same scheme, host and port, and a path below the
    /// base's path, as the browser will read it (see [`weburl`]). The Authorization header goes
    /// nowhere else. Never panics, whatever the text.
    pub fn owns(&self, url: &str) -> bool {
        let (Ok(base), Ok(u)) = (weburl::parse(&self.0), weburl::parse(url)) else {
            return false;
        };
        let below = u
            .path
            .strip_prefix(base.path)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty());
        u.same_origin(&base) && below
    }
}

impl fmt::Display for GraphBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An object id, checked and ready to be put in a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectId(String);

impl ObjectId {
    pub fn parse(id: &str) -> Result<ObjectId, EndpointError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(EndpointError::EmptyId);
        }
        let n = id.chars().count();
        if n > 256 {
            return Err(EndpointError::IdTooLong(n));
        }
        if id.chars().any(char::is_control) {
            return Err(EndpointError::IdControl);
        }
        // URL parsers resolve "." and ".." segments even when percent-encoded.
        if id == "." || id == ".." {
            return Err(EndpointError::IdDots);
        }
        Ok(ObjectId(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as one path segment: everything but unreserved characters is percent-encoded.
    pub fn encoded(&self) -> String {
        percent_encode(&self.0)
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters. Written here rather than taken
/// from the `percent-encoding` crate to spare the app's download; `tests/urls.rs` holds it to
/// that crate.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An object the editor reads and patches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An object in a collection, e.g. `deviceManagement/deviceConfigurations/{id}`.
    Member { set: String, id: ObjectId },
    /// A single-valued entry, e.g. `officeConfiguration`.
    Singleton { path: String },
    /// The seeds' alternate path through a group assignment.
    GroupAssignment {
        configuration: ObjectId,
        assignment: ObjectId,
    },
    /// The seeds' alternate path through a domain-join configuration's network access list.
    NetworkAccess {
        configuration: ObjectId,
        id: ObjectId,
    },
}

pub const DEVICE_CONFIGURATIONS: &str = "deviceManagement/deviceConfigurations";
pub const ANDROID_FOR_WORK_ENROLLMENT_PROFILES: &str =
    "deviceManagement/androidForWorkEnrollmentProfiles";
pub const OFFICE_CONFIGURATION: &str = "officeConfiguration";

impl Target {
    pub fn device_configuration(id: &str) -> Result<Target, EndpointError> {
        Ok(Target::Member {
            set: DEVICE_CONFIGURATIONS.into(),
            id: ObjectId::parse(id)?,
        })
    }

    pub fn android_for_work_enrollment_profile(id: &str) -> Result<Target, EndpointError> {
        Ok(Target::Member {
            set: ANDROID_FOR_WORK_ENROLLMENT_PROFILES.into(),
            id: ObjectId::parse(id)?,
        })
    }

    pub fn office_configuration() -> Target {
        Target::Singleton {
            path: OFFICE_CONFIGURATION.into(),
        }
    }

    /// The path below the API version.
    pub fn path(&self) -> String {
        match self {
            Target::Member { set, id } => format!("{set}/{}", id.encoded()),
            Target::Singleton { path } => path.clone(),
            Target::GroupAssignment {
                configuration,
                assignment,
            } => format!(
                "{DEVICE_CONFIGURATIONS}/{}/groupAssignments/{}/deviceConfiguration",
                configuration.encoded(),
                assignment.encoded()
            ),
            Target::NetworkAccess { configuration, id } => format!(
                "{DEVICE_CONFIGURATIONS}/{}/microsoft.graph.windowsDomainJoinConfiguration/networkAccessConfigurations/{}",
                configuration.encoded(),
                id.encoded()
            ),
        }
    }

    /// The full URL of the object, for GET and PATCH.
    pub fn url(&self, base: &GraphBase, api: ApiVersion) -> String {
        base.url(api, &self.path())
    }
}

/// The URL that lists a collection with the fields a picker needs.
pub fn list_url(
    base: &GraphBase,
    api: ApiVersion,
    set: &str,
    select: &[&str],
    top: Option<u32>,
) -> String {
    let mut url = base.url(api, set);
    let mut sep = '?';
    if !select.is_empty() {
        url.push_str(&format!("{sep}$select={}", select.join(",")));
        sep = '&';
    }
    if let Some(top) = top {
        url.push_str(&format!("{sep}$top={top}"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_each_target() {
        let base = GraphBase::cloud(Cloud::UsGovL5Dod);
        let t = Target::device_configuration("a b/c").unwrap();
        assert_eq!(
            t.url(&base, ApiVersion::V1),
            "https://dod-graph.microsoft.us/v1.0/deviceManagement/deviceConfigurations/a%20b%2Fc"
        );
        assert_eq!(
            Target::office_configuration().url(&GraphBase::cloud(Cloud::Global), ApiVersion::Beta),
            "https://graph.microsoft.com/beta/officeConfiguration"
        );
        let g = Target::GroupAssignment {
            configuration: ObjectId::parse("c1").unwrap(),
            assignment: ObjectId::parse("g1").unwrap(),
        };
        assert_eq!(
            g.path(),
            "deviceManagement/deviceConfigurations/c1/groupAssignments/g1/deviceConfiguration"
        );
        let n = Target::NetworkAccess {
            configuration: ObjectId::parse("c1").unwrap(),
            id: ObjectId::parse("n1").unwrap(),
        };
        assert_eq!(n.path(), "deviceManagement/deviceConfigurations/c1/microsoft.graph.windowsDomainJoinConfiguration/networkAccessConfigurations/n1");
        assert_eq!(
            Target::android_for_work_enrollment_profile("p").unwrap().url(&GraphBase::cloud(Cloud::China), ApiVersion::Beta),
            "https://microsoftgraph.chinacloudapi.cn/beta/deviceManagement/androidForWorkEnrollmentProfiles/p"
        );
    }

    #[test]
    fn ids_and_bases_are_checked() {
        assert_eq!(ObjectId::parse(""), Err(EndpointError::EmptyId));
        assert_eq!(ObjectId::parse(".."), Err(EndpointError::IdDots));
        assert_eq!(ObjectId::parse("a\nb"), Err(EndpointError::IdControl));
        assert!(matches!(
            ObjectId::parse(&"x".repeat(300)),
            Err(EndpointError::IdTooLong(300))
        ));
        assert_eq!(ObjectId::parse("../x").unwrap().encoded(), "..%2Fx");
        assert!(GraphBase::parse("http://127.0.0.1:8080/").is_ok());
        assert!(GraphBase::parse("http://example.com").is_err());
        assert!(GraphBase::parse("https://proxy.example/graph").is_ok());
        assert!(GraphBase::parse("https://graph.microsoft.us?x=1").is_err());
        assert!(GraphBase::parse("https://graph.example/a/../b").is_err());
        assert!(GraphBase::parse("https://user@evil.example").is_err());
        let b = GraphBase::parse("https://graph.microsoft.us").unwrap();
        assert_eq!(b.cloud_of(), Some(Cloud::UsGovL4));
        assert!(b.owns("https://graph.microsoft.us/beta/x"));
        assert!(!b.owns("https://graph.microsoft.us.evil.example/beta/x"));
        assert_eq!(
            Cloud::UsGovL5Dod.login_authority(),
            "https://login.microsoftonline.us"
        );
    }
}
