//! The Graph look-alike itself: which requests are Graph requests, how their paths map onto the
//! stores, and GET (one object or a page of a collection), PATCH and the bound function
//! `getOmaSettingPlainTextValue` as Graph answers them, with faults applied (before the
//! request, or to its answer for `applied=…`) and every request recorded.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use percent_encoding::percent_decode_str;
use policy_core::endpoint::{ObjectId, DEVICE_CONFIGURATIONS};
use policy_core::model::{ApiVersion, Schema, TypeId};
use policy_core::{validate_as, Code, Mode};
use serde_json::{json, Map, Value};

use crate::auth::{authorize, Access};
use crate::clock;
use crate::fault::{self, Fault, Lost, Plan, RetryAfter};
use crate::intents;
use crate::oma;
use crate::reply::{json_response, shorten, Detail, Failure, RequestContext};
use crate::sandbox::{Recorded, Sandbox};
use crate::settings;
use crate::store::Stored;

/// The largest request body accepted; Graph's own limit for a request is the same 4 MiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The page size of a list without `$top`.
pub const DEFAULT_PAGE: usize = 100;
/// The largest `$top` accepted.
pub const MAX_TOP: usize = 999;
/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "x-sandbox-fault";
/// What `concurrent` appends to the display name.
pub const CHANGED_ELSEWHERE: &str = " (changed elsewhere)";

/// A request the Graph look-alike answers: `/{api}/...` or `/_fault/{spec}/{api}/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphRoute {
    /// The path prefix before the version, e.g. `/_fault/429`; kept in `@odata.nextLink`.
    pub prefix: String,
    /// The fault spec of the path prefix, percent-decoded.
    pub fault: Option<String>,
    /// The version segment; an unknown one is answered with a Graph-shaped 400.
    pub api: Result<ApiVersion, String>,
    /// The raw (still percent-encoded) path after the version, without its leading slash.
    pub rest: String,
}

/// Recognises a Graph request by its path; `None` for everything else (static files, 404s).
pub fn classify(path: &str) -> Option<GraphRoute> {
    let (prefix, fault, after) = match path.strip_prefix("/_fault/") {
        Some(rest) => {
            let (spec, after) = rest.split_once('/').unwrap_or((rest, ""));
            (
                format!("/_fault/{spec}"),
                Some(percent_decode(spec).unwrap_or_else(|| spec.to_string())),
                format!("/{after}"),
            )
        }
        None => (String::new(), None, path.to_string()),
    };
    let after = after.strip_prefix('/').unwrap_or(&after);
    let (version, rest) = after.split_once('/').unwrap_or((after, ""));
    let api = match version {
        "v1.0" => Ok(ApiVersion::V1),
        "beta" => Ok(ApiVersion::Beta),
        other if fault.is_some() => Err(other.to_string()),
        _ => return None,
    };
    Some(GraphRoute {
        prefix,
        fault,
        api,
        rest: rest.to_string(),
    })
}

/// What the request was, kept for the recording and the handlers.
struct Incoming {
    method: Method,
    path_and_query: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
    ctx: RequestContext,
}

/// How a request ends.
enum Outcome {
    Answer(Response),
    /// No HTTP answer at all.
    Drop,
}

impl From<Response> for Outcome {
    fn from(r: Response) -> Outcome {
        Outcome::Answer(r)
    }
}

/// Answers one Graph request and records it.
pub async fn handle(sandbox: &Sandbox, route: GraphRoute, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = parts
        .extensions
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_else(|| RequestContext::new(None));
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let mut record = Recorded {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        authorization: header_text(header::AUTHORIZATION),
        content_type: header_text(header::CONTENT_TYPE),
        body: Value::Null,
        status: None,
    };
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            // The only way reading an in-memory or socket body fails here is the size limit
            // (or a client that went away, which no longer reads the answer).
            let response = Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                format!(
                    "The request body is larger than {} MiB.",
                    MAX_BODY_BYTES / 1024 / 1024
                ),
            )
            .respond(&ctx);
            record.status = Some(response.status().as_u16());
            sandbox.record(record);
            return response;
        }
    };
    record.body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let incoming = Incoming {
        method: parts.method,
        path_and_query: record.path.clone(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
        ctx,
    };
    match answer(sandbox, &route, &incoming).await {
        Outcome::Answer(response) => {
            record.status = Some(response.status().as_u16());
            sandbox.record(record);
            response
        }
        Outcome::Drop => {
            sandbox.record(record);
            severed()
        }
    }
}

/// A response whose body fails at once: hyper then closes the connection before the status
/// line leaves its buffer, so the client sees a network error and no HTTP answer.
fn severed() -> Response {
    Response::new(Body::new(Severed))
}

struct Severed;

impl http_body::Body for Severed {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped by the sandbox's drop fault",
        ))))
    }
}

async fn answer(sandbox: &Sandbox, route: &GraphRoute, req: &Incoming) -> Outcome {
    // A path that names no API version is not a Graph request, whatever its fault prefix says.
    let api = match &route.api {
        Ok(api) => *api,
        Err(v) => {
            return Failure::bad_request(format!(
                "{:?} is not an API version; use v1.0 or beta.",
                shorten(v, 40)
            ))
            .respond(&req.ctx)
            .into()
        }
    };
    let plan = match fault_plan(sandbox, route, req) {
        Ok(plan) => plan,
        Err(f) => return f.respond(&req.ctx).into(),
    };
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match plan.end {
        Some(Fault::Drop) => return Outcome::Drop,
        Some(Fault::Status {
            status,
            retry_after,
        }) => return fault_failure(status, retry_after).respond(&req.ctx).into(),
        _ => {}
    }
    let outcome: Outcome = match serve(sandbox, api, route, req, plan.concurrent).await {
        Ok(response) => response.into(),
        Err(f) => f.respond(&req.ctx).into(),
    };
    // `applied=…`: the work is done (and saved); the answer, whatever it was, is lost.
    match plan.lost {
        None => outcome,
        Some(Lost::Drop) => Outcome::Drop,
        Some(Lost::Status(status)) => lost_answer(status).respond(&req.ctx).into(),
    }
}

/// Gathers the faults of the header, the path prefix and the queue.
fn fault_plan(sandbox: &Sandbox, route: &GraphRoute, req: &Incoming) -> Result<Plan, Failure> {
    let unusable = |e: crate::Error| Failure::bad_request(e.to_string());
    let from_header = match req.headers.get(FAULT_HEADER) {
        Some(v) => fault::parse_spec(&String::from_utf8_lossy(v.as_bytes())).map_err(unusable)?,
        None => Vec::new(),
    };
    let from_path = match &route.fault {
        Some(spec) => fault::parse_spec(spec).map_err(unusable)?,
        None => Vec::new(),
    };
    let queued = sandbox
        .faults()
        .take(req.method.as_str(), &req.path_and_query);
    Ok(Plan::from_sources(&[&from_header, &from_path, &queued]))
}

fn fault_failure(status: u16, retry_after: Option<RetryAfter>) -> Failure {
    let (code, message) = fault_words(status);
    let mut f = Failure::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        code,
        format!("{message} (injected by the sandbox)"),
    );
    f.retry_after = retry_after;
    f
}

/// The answer `applied=STATUS` puts in place of the real one, which Graph's gateway lost.
fn lost_answer(status: u16) -> Failure {
    let (code, message) = fault_words(status);
    Failure::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        code,
        format!("{message} (injected by the sandbox after the request was carried out)"),
    )
}

/// The error code and message of an injected status.
fn fault_words(status: u16) -> (&'static str, &'static str) {
    match status {
        429 => (
            "TooManyRequests",
            "Too many requests; wait as Retry-After says, then try again.",
        ),
        502 => ("BadGateway", "The service behind Graph did not answer."),
        503 => (
            "ServiceUnavailable",
            "The service is unavailable for now; try again later.",
        ),
        504 => ("GatewayTimeout", "The service behind Graph took too long."),
        _ => (
            "InternalServerError",
            "The service failed while handling the request.",
        ),
    }
}

/// Where a Graph path points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Address {
    Collection(String),
    Member {
        set: String,
        id: String,
    },
    Singleton(String),
    /// An object addressed by id alone (the network access configuration path).
    Id(String),
    /// `deviceConfigurations/{id}/getOmaSettingPlainTextValue(…)`: the call's decoded
    /// argument list, `(…)`.
    PlainText {
        id: String,
        args: String,
    },
}

async fn serve(
    sandbox: &Sandbox,
    api: ApiVersion,
    route: &GraphRoute,
    req: &Incoming,
    concurrent: bool,
) -> Result<Response, Failure> {
    let access = if req.method == Method::GET {
        Access::Read
    } else {
        Access::Write
    };
    authorize(&req.headers, access)?;
    let segments = split_path(&route.rest)?;
    let catalog_root = Links::new(req, route, api).api_root;
    let call = settings::Call {
        method: &req.method,
        query: req.query.as_deref(),
        headers: &req.headers,
        body: &req.body,
        api_root: &catalog_root,
        concurrent,
    };
    if let Some(answer) = settings::serve(sandbox, api, &segments, &call).await {
        return answer;
    }
    if let Some(answer) = intents::serve(sandbox, api, &segments, &call).await {
        return answer;
    }
    let schema = policy_core::embedded::schema(api);
    let address = resolve(schema, &segments)?;
    let links = Links::new(req, route, api);
    if let Address::PlainText { id, args } = &address {
        return plain_text(sandbox, api, id, args, req, &links, concurrent).await;
    }
    if let Address::Collection(set) = &address {
        return if req.method == Method::GET {
            list(sandbox, api, set, req, &links)
        } else {
            Err(Failure::method_not_allowed(req.method.as_str(), "GET"))
        };
    }
    let read = req.method == Method::GET;
    if !read && req.method != Method::PATCH {
        return Err(Failure::method_not_allowed(
            req.method.as_str(),
            "GET, PATCH",
        ));
    }
    let id = find(sandbox, api, &address, &route.rest)?;
    if concurrent {
        change_elsewhere(sandbox, api, &id);
        sandbox.save().await;
    }
    if read {
        return get(sandbox, api, &id, req, &links);
    }
    let response = patch(sandbox, api, &id, req, &links)?;
    sandbox.save().await;
    Ok(response)
}

/// Splits and percent-decodes the path after the version; a trailing slash is ignored.
fn split_path(rest: &str) -> Result<Vec<String>, Failure> {
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/')
        .map(|s| {
            percent_decode(s).ok_or_else(|| {
                Failure::bad_request("The path has a malformed percent-escape or is not UTF-8.")
            })
        })
        .collect()
}

fn check_id(id: &str) -> Result<String, Failure> {
    ObjectId::parse(id)
        .map(|o| o.as_str().to_string())
        .map_err(|e| {
            Failure::bad_request(format!("The id {:?} is not usable: {e}.", shorten(id, 60)))
        })
}

fn resolve(schema: &Schema, segs: &[String]) -> Result<Address, Failure> {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let not_found = || Failure::not_found(&shorten(&segs.join("/"), 200));
    if let ["deviceManagement", "deviceConfigurations", config, "groupAssignments", assignment, "deviceConfiguration"] =
        s.as_slice()
    {
        check_id(assignment)?;
        return Ok(Address::Member {
            set: DEVICE_CONFIGURATIONS.into(),
            id: check_id(config)?,
        });
    }
    if let ["deviceManagement", "deviceConfigurations", config, call] = s.as_slice() {
        if let Some(args) = oma::plain_text_call(call) {
            return Ok(Address::PlainText {
                id: check_id(config)?,
                args: args.to_string(),
            });
        }
    }
    if let ["deviceManagement", "deviceConfigurations", config, "microsoft.graph.windowsDomainJoinConfiguration", "networkAccessConfigurations", id] =
        s.as_slice()
    {
        check_id(config)?;
        return Ok(Address::Id(check_id(id)?));
    }
    for set in &schema.entry_sets {
        let parts: Vec<&str> = set.path.split('/').collect();
        if s == parts {
            return Ok(if set.collection {
                Address::Collection(set.path.clone())
            } else {
                Address::Singleton(set.path.clone())
            });
        }
        if set.collection && s.len() == parts.len() + 1 && s[..parts.len()] == parts[..] {
            return Ok(Address::Member {
                set: set.path.clone(),
                id: check_id(s[parts.len()])?,
            });
        }
    }
    Err(not_found())
}

/// The id of the stored object an address names, or 404.
fn find(
    sandbox: &Sandbox,
    api: ApiVersion,
    address: &Address,
    shown: &str,
) -> Result<String, Failure> {
    let stores = sandbox.stores();
    let store = stores.get(api);
    let found = match address {
        Address::Member { set, id } => store
            .get(id)
            .filter(|s| store.holds(set, s))
            .map(|_| id.clone()),
        Address::Singleton(path) => store.singleton_id(path),
        Address::Id(id) => store.get(id).map(|_| id.clone()),
        Address::Collection(_) | Address::PlainText { .. } => None,
    };
    found.ok_or_else(|| Failure::not_found(&format!("/{api}/{}", shorten(shown, 200))))
}

/// The absolute URLs of answers, built from the request's `Host`.
struct Links {
    /// `http://host[/_fault/spec]/{api}`.
    api_root: String,
}

impl Links {
    fn new(req: &Incoming, route: &GraphRoute, api: ApiVersion) -> Links {
        let host = req
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            })
            .unwrap_or("localhost");
        Links {
            api_root: format!("http://{host}{}/{api}", route.prefix),
        }
    }

    fn context(&self, fragment: &str) -> String {
        format!("{}/$metadata#{fragment}", self.api_root)
    }
}

/// The options a GET understands; other query options are ignored.
struct Query {
    select: Option<Vec<String>>,
    top: Option<usize>,
    skip: usize,
}

fn parse_query(raw: Option<&str>) -> Result<Query, Failure> {
    let mut q = Query {
        select: None,
        top: None,
        skip: 0,
    };
    for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key).unwrap_or_default();
        let value = percent_decode(&value.replace('+', " ")).ok_or_else(|| {
            Failure::bad_request("The query has a malformed percent-escape or is not UTF-8.")
        })?;
        match key.as_str() {
            "$select" | "select" => {
                q.select = Some(
                    value
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                )
            }
            "$top" | "top" => match value.trim().parse::<usize>() {
                Ok(n) if n <= MAX_TOP => q.top = Some(n),
                _ => {
                    return Err(Failure::bad_request(format!(
                        "$top must be a whole number from 0 to {MAX_TOP}."
                    )))
                }
            },
            "$skiptoken" => {
                q.skip = value.parse().map_err(|_| {
                    Failure::bad_request("The $skiptoken is not one this service issued.")
                })?
            }
            _ => {}
        }
    }
    Ok(q)
}

/// Keeps the selected properties; `@odata.type` and `id` always stay.
fn project(value: &Map<String, Value>, select: Option<&[String]>) -> Map<String, Value> {
    match select {
        None => value.clone(),
        Some(names) => value
            .iter()
            .filter(|(k, _)| {
                k.as_str() == "@odata.type" || k.as_str() == "id" || names.iter().any(|n| n == *k)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

fn list(
    sandbox: &Sandbox,
    api: ApiVersion,
    set: &str,
    req: &Incoming,
    links: &Links,
) -> Result<Response, Failure> {
    let q = parse_query(req.query.as_deref())?;
    let page = q.top.unwrap_or(DEFAULT_PAGE);
    let (items, total) = {
        let stores = sandbox.stores();
        let all: Vec<&Stored> = stores.get(api).in_set(set).collect();
        let items: Vec<Value> = all
            .iter()
            .skip(q.skip)
            .take(page)
            .map(|s| {
                let mut item = project(&s.value, q.select.as_deref());
                oma::mask(&mut item);
                Value::Object(item)
            })
            .collect();
        (items, all.len())
    };
    let fragment = match &q.select {
        Some(names) => format!("{set}({})", names.join(",")),
        None => set.to_string(),
    };
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(links.context(&fragment)));
    body.insert("value".into(), Value::Array(items));
    let next = q.skip.saturating_add(page);
    if page > 0 && next < total {
        let kept: Vec<&str> = req
            .query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter(|p| {
                !p.is_empty() && !p.starts_with("$skiptoken=") && !p.starts_with("%24skiptoken=")
            })
            .collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        body.insert(
            "@odata.nextLink".into(),
            json!(format!("{}/{set}?{query}$skiptoken={next}", links.api_root)),
        );
    }
    Ok(json_response(StatusCode::OK, &Value::Object(body)))
}

/// The object with `@odata.context` first, as Graph writes a single entity, secrets masked.
fn entity_body(stored: &Stored, links: &Links, select: Option<&[String]>) -> Value {
    let fragment = if stored.singleton {
        stored.set.clone()
    } else {
        format!("{}/$entity", stored.set)
    };
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(links.context(&fragment)));
    body.extend(project(&stored.value, select));
    oma::mask(&mut body);
    intents::hide_settings(&stored.set, &mut body);
    Value::Object(body)
}

fn get(
    sandbox: &Sandbox,
    api: ApiVersion,
    id: &str,
    req: &Incoming,
    links: &Links,
) -> Result<Response, Failure> {
    let q = parse_query(req.query.as_deref())?;
    let stores = sandbox.stores();
    let stored = stores
        .get(api)
        .get(id)
        .ok_or_else(|| Failure::not_found(id))?;
    Ok(json_response(
        StatusCode::OK,
        &entity_body(stored, links, q.select.as_deref()),
    ))
}

/// True for `application/json` and `application/*+json`, with any parameters.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn wants_minimal(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().any(|v| {
        v.to_str().is_ok_and(|s| {
            s.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("return=minimal"))
        })
    })
}

/// Reads and checks a PATCH body as far as it can be checked without the stored object.
fn patch_body(req: &Incoming) -> Result<Map<String, Value>, Failure> {
    let content_type = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !is_json(content_type) {
        return Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "A PATCH body must be JSON: send Content-Type: application/json.",
        ));
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::bad_request(
            "The request body is empty; send the properties to change as a JSON object.",
        ));
    }
    let value: Value = serde_json::from_slice(&req.body)
        .map_err(|e| Failure::bad_request(format!("The request body is not valid JSON: {e}.")))?;
    let Value::Object(map) = value else {
        return Err(Failure::bad_request(
            "The request body must be a JSON object of the properties to change.",
        ));
    };
    if map.keys().all(|k| k == "@odata.type") {
        return Err(Failure::bad_request(
            "The request body changes nothing; send at least one property.",
        ));
    }
    Ok(map)
}

fn patch(
    sandbox: &Sandbox,
    api: ApiVersion,
    id: &str,
    req: &Incoming,
    links: &Links,
) -> Result<Response, Failure> {
    let mut body = patch_body(req)?;
    let mut stores = sandbox.stores();
    let store = stores.get_mut(api);
    let schema = store.schema();
    let stored = store.get_mut(id).ok_or_else(|| Failure::not_found(id))?;
    check_type(schema, stored.type_id, body.get("@odata.type"))?;
    oma::resolve_patch(id, &stored.value, &mut body)?;
    let body = Value::Object(body);
    let rejected: Vec<Detail> = validate_as(schema, stored.type_id, &body, Mode::Patch)
        .into_iter()
        .filter(|p| p.is_error() || p.code == Code::UnknownProperty)
        .map(|p| Detail {
            code: p.code.to_string(),
            message: p.message,
            target: p.path.to_string(),
        })
        .collect();
    if let Some(first) = rejected.first() {
        let mut f = Failure::bad_request(if rejected.len() == 1 {
            format!("The request body has a problem: {}", first.message)
        } else {
            format!(
                "The request body has {} problems; the first: {}",
                rejected.len(),
                first.message
            )
        });
        f.target = Some(first.target.clone());
        f.details = rejected;
        return Err(f);
    }
    apply(schema, stored, body);
    let response = if sandbox.config.respond_204 || wants_minimal(&req.headers) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        json_response(StatusCode::OK, &entity_body(stored, links, None))
    };
    Ok(response)
}

/// The body's `@odata.type`, when given, must name the stored object's own type.
fn check_type(schema: &Schema, stored: TypeId, given: Option<&Value>) -> Result<(), Failure> {
    let Some(given) = given else {
        return Ok(());
    };
    if given.as_str().and_then(|t| schema.find(t)) == Some(stored) {
        return Ok(());
    }
    let mut f = Failure::bad_request(format!(
        "\"@odata.type\" must be {} for this object; the body says {}.",
        schema.get(stored).odata_type(),
        shorten(&given.to_string(), 80)
    ));
    f.target = Some("@odata.type".into());
    Err(f)
}

/// Shallow merge as Graph does it: writable properties replace the stored ones; read-only and
/// navigation properties and annotations are ignored. Then the service's own bookkeeping.
fn apply(schema: &Schema, stored: &mut Stored, body: Value) {
    let t = schema.get(stored.type_id);
    let Value::Object(body) = body else {
        return;
    };
    for (key, value) in body {
        if key.contains('@') {
            continue;
        }
        let writable = match t.property(&key) {
            Some(p) => !p.read_only,
            None => t.is_open && !t.navigation.contains(&key),
        };
        if writable {
            stored.value.insert(key, value);
        }
    }
    touch(schema, stored);
}

/// Bumps `version` and `lastModifiedDateTime` as the service does on every change.
fn touch(schema: &Schema, stored: &mut Stored) {
    if let Some(v) = stored.value.get("version").and_then(Value::as_i64) {
        stored
            .value
            .insert("version".into(), json!(v.saturating_add(1)));
    }
    if schema
        .get(stored.type_id)
        .property("lastModifiedDateTime")
        .is_some()
    {
        stored
            .value
            .insert("lastModifiedDateTime".into(), json!(clock::rfc3339_now()));
    }
}

/// `GET …/deviceConfigurations/{id}/getOmaSettingPlainTextValue(secretReferenceValueId='…')`:
/// the plain value of one of the object's secrets, to a token that may write (as Graph wants
/// `DeviceManagementConfiguration.ReadWrite.All` for it); 404 for a reference the object does
/// not have.
async fn plain_text(
    sandbox: &Sandbox,
    api: ApiVersion,
    id: &str,
    args: &str,
    req: &Incoming,
    links: &Links,
    concurrent: bool,
) -> Result<Response, Failure> {
    if req.method != Method::GET {
        return Err(Failure::method_not_allowed(req.method.as_str(), "GET"));
    }
    authorize(&req.headers, Access::Write)?;
    let reference = oma::reference_argument(args, req.query.as_deref())?;
    let member = Address::Member {
        set: DEVICE_CONFIGURATIONS.into(),
        id: id.to_string(),
    };
    let id = find(
        sandbox,
        api,
        &member,
        &format!("{DEVICE_CONFIGURATIONS}/{id}"),
    )?;
    if concurrent {
        change_elsewhere(sandbox, api, &id);
        sandbox.save().await;
    }
    let plain = {
        let stores = sandbox.stores();
        stores
            .get(api)
            .get(&id)
            .and_then(|s| oma::plain_value(&s.value, &reference))
            .cloned()
    };
    let plain = match plain {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => return Err(oma::unknown_reference(&id, &reference)),
        Some(other) => other.to_string(),
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "@odata.context": links.context("Edm.String"),
            "value": plain,
        }),
    ))
}

/// The `concurrent` fault: another administrator saves the object first.
pub(crate) fn change_elsewhere(sandbox: &Sandbox, api: ApiVersion, id: &str) {
    let mut stores = sandbox.stores();
    let store = stores.get_mut(api);
    let schema = store.schema();
    if let Some(stored) = store.get_mut(id) {
        touch(schema, stored);
        if let Some(Value::String(name)) = stored.value.get_mut("displayName") {
            name.push_str(CHANGED_ELSEWHERE);
        }
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape (a `%` not followed by two hexadecimal
/// digits) or a result that is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    // The crate would pass a malformed escape through as text; the sandbox refuses it (400).
    let well_formed = s.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_graph_paths() {
        let r = classify("/beta/deviceManagement/deviceConfigurations").unwrap();
        assert_eq!(r.api, Ok(ApiVersion::Beta));
        assert_eq!(r.rest, "deviceManagement/deviceConfigurations");
        let r = classify("/_fault/429%3Aretry-after%3D3/v1.0/officeConfiguration").unwrap();
        assert_eq!(r.fault.as_deref(), Some("429:retry-after=3"));
        assert_eq!(r.prefix, "/_fault/429%3Aretry-after%3D3");
        assert_eq!(r.api, Ok(ApiVersion::V1));
        assert_eq!(classify("/_fault/drop").unwrap().api, Err(String::new()));
        assert!(classify("/index.html").is_none());
        assert!(classify("/v2.0/x").is_none());
    }

    #[test]
    fn resolves_paths() {
        let schema = policy_core::embedded::schema(ApiVersion::Beta);
        let segs = |p: &str| split_path(p).unwrap();
        assert_eq!(
            resolve(schema, &segs("deviceManagement/deviceConfigurations")),
            Ok(Address::Collection(DEVICE_CONFIGURATIONS.into()))
        );
        assert_eq!(
            resolve(schema, &segs("deviceManagement/deviceConfigurations/a%2Fb")),
            Ok(Address::Member {
                set: DEVICE_CONFIGURATIONS.into(),
                id: "a/b".into()
            })
        );
        assert_eq!(
            resolve(schema, &segs("officeConfiguration")),
            Ok(Address::Singleton("officeConfiguration".into()))
        );
        assert_eq!(
            resolve(
                schema,
                &segs("deviceManagement/deviceConfigurations/c/groupAssignments/g/deviceConfiguration")
            ),
            Ok(Address::Member {
                set: DEVICE_CONFIGURATIONS.into(),
                id: "c".into()
            })
        );
        assert_eq!(
            resolve(schema, &segs("deviceManagement/deviceConfigurations/c/microsoft.graph.windowsDomainJoinConfiguration/networkAccessConfigurations/n")),
            Ok(Address::Id("n".into()))
        );
        for bad in [
            "deviceManagement/deviceConfigurations/%2e%2e",
            "deviceManagement/deviceConfigurations/%00",
        ] {
            assert_eq!(
                resolve(schema, &segs(bad)).unwrap_err().status,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
        assert_eq!(
            resolve(schema, &segs("deviceManagement/nothing"))
                .unwrap_err()
                .status,
            StatusCode::NOT_FOUND
        );
        assert!(split_path("a/%zz").is_err());
        assert!(split_path("a/%ff").is_err());
    }

    impl PartialEq for Failure {
        fn eq(&self, other: &Failure) -> bool {
            self.status == other.status && self.message == other.message
        }
    }
}
