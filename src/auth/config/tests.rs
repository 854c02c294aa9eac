//! The sign-in configuration, resolved for every cloud and custom base, and refused with a
//! sentence when it cannot work.

use super::*;
use serde_json::json;

const PAGE: &str = "https://tools.example/intune/index.html?graph=x#top";

fn host(v: Value) -> HostConfig {
    HostConfig::from_config(Some(&json!({ "msal": v })))
        .unwrap()
        .unwrap()
}

fn cloud(c: Cloud) -> (Option<Cloud>, GraphBase) {
    (Some(c), GraphBase::cloud(c))
}

#[test]
fn every_cloud_signs_in_at_its_own_host_with_its_own_graph_scope() {
    let h = host(json!({ "clientId": "app", "tenant": "contoso.onmicrosoft.com" }));
    let cases = [
        (
            Cloud::Global,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com",
            "https://graph.microsoft.com/.default",
        ),
        (
            Cloud::UsGovL4,
            "https://login.microsoftonline.us/contoso.onmicrosoft.com",
            "https://graph.microsoft.us/.default",
        ),
        (
            Cloud::UsGovL5Dod,
            "https://login.microsoftonline.us/contoso.onmicrosoft.com",
            "https://dod-graph.microsoft.us/.default",
        ),
        (
            Cloud::China,
            "https://login.chinacloudapi.cn/contoso.onmicrosoft.com",
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
    ];
    for (c, authority, scope) in cases {
        let (cl, base) = cloud(c);
        let r = resolve(&h, &UserOverrides::default(), cl, &base, PAGE).unwrap();
        assert_eq!(r.authority, authority, "{c:?}");
        assert_eq!(r.scopes, vec![scope.to_string()], "{c:?}");
        assert_eq!(r.redirect_uri, "https://tools.example/intune/redirect.html");
        assert_eq!(r.cache, CacheLocation::Session);
    }
}

#[test]
fn defaults_overrides_and_custom_bases() {
    let (cl, base) = cloud(Cloud::Global);
    let r = resolve(
        &host(json!({"clientId": "a"})),
        &UserOverrides::default(),
        cl,
        &base,
        PAGE,
    )
    .unwrap();
    assert_eq!(
        r.authority,
        "https://login.microsoftonline.com/organizations"
    );
    let user = UserOverrides {
        client_id: " mine ".into(),
        tenant: "common".into(),
        redirect_uri: "/auth/redirect.html".into(),
        cache_location: CacheLocation::Memory,
        ..UserOverrides::default()
    };
    let r = resolve(&host(json!({"clientId": "a"})), &user, cl, &base, PAGE).unwrap();
    assert_eq!(r.client_id, "mine");
    assert_eq!(r.authority, "https://login.microsoftonline.com/common");
    assert_eq!(r.redirect_uri, "https://tools.example/auth/redirect.html");
    assert_eq!(
        r.msal_configuration()["cache"]["cacheLocation"],
        "memoryStorage"
    );

    let custom = GraphBase::parse("http://127.0.0.1:8080").unwrap();
    let h = host(json!({
        "clientId": "e2e", "authority": "https://127.0.0.1:9443/tenant/",
        "knownAuthorities": ["127.0.0.1:9443"], "protocolMode": "OIDC",
        "authorityMetadata": {"issuer": "https://127.0.0.1:9443/tenant"},
        "tokenRenewalOffsetSeconds": 2
    }));
    let r = resolve(
        &h,
        &UserOverrides::default(),
        None,
        &custom,
        "http://127.0.0.1:8080/",
    )
    .unwrap();
    assert_eq!(r.authority, "https://127.0.0.1:9443/tenant");
    assert_eq!(r.scopes, vec!["http://127.0.0.1:8080/.default".to_string()]);
    assert_eq!(r.redirect_uri, "http://127.0.0.1:8080/redirect.html");
    let c = r.msal_configuration();
    assert_eq!(c["system"]["protocolMode"], "OIDC");
    assert_eq!(c["system"]["tokenRenewalOffsetSeconds"], 2);
    assert_eq!(c["auth"]["knownAuthorities"], json!(["127.0.0.1:9443"]));
    let meta: Value =
        serde_json::from_str(c["auth"]["authorityMetadata"].as_str().unwrap()).unwrap();
    assert_eq!(meta["issuer"], "https://127.0.0.1:9443/tenant");
}

#[test]
fn bad_configuration_is_a_sentence_not_a_panic() {
    let (cl, base) = cloud(Cloud::Global);
    let custom = GraphBase::parse("https://proxy.example/graph").unwrap();
    let none = UserOverrides::default();
    let check = |h: Value, cl: Option<Cloud>, base: &GraphBase, page: &str| {
        resolve(&host(h), &none, cl, base, page).unwrap_err()
    };
    assert_eq!(check(json!({}), cl, &base, PAGE), ConfigError::NoClientId);
    assert_eq!(
        check(json!({"clientId": "a b"}), cl, &base, PAGE),
        ConfigError::BadClientId
    );
    assert_eq!(
        check(json!({"clientId": "a", "tenant": "x/y"}), cl, &base, PAGE),
        ConfigError::BadTenant
    );
    assert_eq!(
        check(json!({"clientId": "a"}), None, &custom, PAGE),
        ConfigError::NoAuthority
    );
    assert!(matches!(
        check(
            json!({"clientId": "a", "authority": "http://127.0.0.1:9/t"}),
            None,
            &custom,
            PAGE
        ),
        ConfigError::InsecureAuthority(_)
    ));
    assert!(matches!(
        check(
            json!({"clientId": "a", "redirectUri": "https://evil.example/r.html"}),
            cl,
            &base,
            PAGE
        ),
        ConfigError::RedirectOtherOrigin(_)
    ));
    assert!(matches!(
        check(
            json!({"clientId": "a", "protocolMode": "SAML"}),
            cl,
            &base,
            PAGE
        ),
        ConfigError::BadProtocolMode(_)
    ));
    assert_eq!(
        check(
            json!({"clientId": "a", "authorityMetadata": "{not json"}),
            cl,
            &base,
            PAGE
        ),
        ConfigError::BadMetadata("authorityMetadata")
    );
    for bad in [
        json!({"clientId": 5}),
        json!({"clientId": "a", "scopes": "x"}),
        json!({"clientId": "a", "knownAuthorities": [1]}),
        json!({"clientId": "a", "tokenRenewalOffsetSeconds": -1}),
        json!(["clientId"]),
    ] {
        let e = HostConfig::from_config(Some(&json!({ "msal": bad }))).unwrap_err();
        assert!(e.contains("not usable"), "{e}");
    }
    // Every field as a host writes it.
    let full = host(json!({
        "clientId": "c", "tenant": "t", "redirectUri": "r.html", "authority": "https://a/t",
        "knownAuthorities": ["a"], "protocolMode": "OIDC", "scopes": ["s"],
        "authorityMetadata": {"issuer": "i"}, "cloudDiscoveryMetadata": "{}",
        "tokenRenewalOffsetSeconds": 60, "unknown": true,
    }));
    assert_eq!(
        full,
        HostConfig {
            client_id: "c".into(),
            tenant: "t".into(),
            redirect_uri: "r.html".into(),
            authority: "https://a/t".into(),
            known_authorities: vec!["a".into()],
            protocol_mode: "OIDC".into(),
            authority_metadata: Some(json!({"issuer": "i"})),
            cloud_discovery_metadata: Some(json!("{}")),
            scopes: vec!["s".into()],
            token_renewal_offset_seconds: Some(60),
            graph_bases: Vec::new(),
        }
    );
    assert_eq!(
        HostConfig::from_config(Some(&json!({"sandbox": {}}))),
        Ok(None)
    );
    assert_eq!(HostConfig::from_config(None), Ok(None));
}

#[test]
fn host_scopes_apply_only_to_the_bases_the_host_allows() {
    let config = json!({
        "graphBases": ["https://proxy.example/graph/", "not a url", 5],
        "msal": {"clientId": "a", "authority": "https://login.example/t", "scopes": ["api://proxy/.default"]}
    });
    let h = HostConfig::from_config(Some(&config)).unwrap().unwrap();
    let proxy = GraphBase::parse("https://proxy.example/graph").unwrap();
    assert_eq!(allowed_bases(Some(&config)), vec![proxy.clone()]);
    let none = UserOverrides::default();
    let r = resolve(&h, &none, None, &proxy, PAGE).unwrap();
    assert_eq!(r.scopes, vec!["api://proxy/.default".to_string()]);
    // A base a link brought (the user confirmed it) gets its own scope, not the host's.
    let other = GraphBase::parse("https://other.example").unwrap();
    let r = resolve(&h, &none, None, &other, PAGE).unwrap();
    assert_eq!(r.scopes, vec!["https://other.example/.default".to_string()]);
    // A cloud the host did not list: the cloud's own Graph scope.
    let (cl, base) = cloud(Cloud::UsGovL4);
    let r = resolve(&h, &none, cl, &base, PAGE).unwrap();
    assert_eq!(
        r.scopes,
        vec!["https://graph.microsoft.us/.default".to_string()]
    );
    assert!(allowed_bases(None).is_empty());
    assert!(allowed_bases(Some(&json!({"graphBases": "x"}))).is_empty());
}

#[test]
fn urls_resolve_like_links_on_the_page() {
    assert_eq!(
        resolve_url("https://h.example/a/b/", "r.html"),
        "https://h.example/a/b/r.html"
    );
    assert_eq!(
        resolve_url("https://h.example", "r.html"),
        "https://h.example/r.html"
    );
    assert_eq!(
        resolve_url("https://h.example:8443/x?y=/z", "/r"),
        "https://h.example:8443/r"
    );
    assert_eq!(
        resolve_url(PAGE, "https://o.example/r"),
        "https://o.example/r"
    );
    assert_eq!(
        CacheLocation::parse("localStorage"),
        Some(CacheLocation::Local)
    );
    let saved = UserOverrides::read(r#"{"clientId":"c","cacheLocation":"memoryStorage"}"#);
    assert_eq!(saved.cache_location, CacheLocation::Memory);
    assert_eq!(saved.client_id, "c");
    // What is written reads back; what is not readable gives the defaults.
    let all = UserOverrides {
        client_id: "id".into(),
        tenant: "contoso.example".into(),
        redirect_uri: "r.html".into(),
        authority: "https://login.example/t".into(),
        cache_location: CacheLocation::Local,
    };
    assert_eq!(
        UserOverrides::read(&serde_json::to_string(&all).unwrap()),
        all
    );
    assert_eq!(UserOverrides::read("{not json"), UserOverrides::default());
    assert_eq!(
        UserOverrides::read(r#"{"clientId":5,"cacheLocation":"elsewhere"}"#),
        UserOverrides::default()
    );
}
