//! A second, minimal Graph look-alike for the trust tests: an HTTP/1.1 server on a free loopback
//! port that answers every request the way its test says (CORS allowed for any origin, so a
//! browser would let the page read it) and records what arrived, the Authorization header in
//! particular. It stands for "some other host": the tests assert the token never reaches it
//! unless the user chose it.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the spy received it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpyRequest {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub authorization: Option<String>,
}

/// What the spy answers.
#[derive(Debug, Clone)]
pub struct SpyReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl SpyReply {
    /// `200` with a JSON body.
    pub fn json(body: serde_json::Value) -> SpyReply {
        SpyReply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string(),
        }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> SpyReply {
        SpyReply {
            status,
            headers: vec![("Location".into(), location.to_string())],
            body: String::new(),
        }
    }
}

type Responder = Arc<dyn Fn(&SpyRequest) -> SpyReply + Send + Sync>;

pub struct Spy {
    pub port: u16,
    seen: Arc<Mutex<Vec<SpyRequest>>>,
    task: JoinHandle<()>,
}

impl Spy {
    /// Starts listening on 127.0.0.1 at a free port; `answer` decides every reply but the CORS
    /// preflight's.
    pub async fn start(answer: impl Fn(&SpyRequest) -> SpyReply + Send + Sync + 'static) -> Spy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the spy listens on a free port");
        let port = listener.local_addr().expect("a local address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answer: Responder = Arc::new(answer);
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let seen = seen.clone();
                    let answer = answer.clone();
                    tokio::spawn(async move {
                        let _ = serve(stream, &seen, &answer).await;
                    });
                }
            })
        };
        Spy { port, seen, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received so far, preflights included, oldest first.
    pub fn requests(&self) -> Vec<SpyRequest> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The requests that carried an Authorization header.
    pub fn with_authorization(&self) -> Vec<SpyRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.authorization.is_some())
            .collect()
    }
}

impl Drop for Spy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    seen: &Mutex<Vec<SpyRequest>>,
    answer: &Responder,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 1 << 20 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let mut authorization = None;
    let mut origin = None;
    let mut length = 0usize;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim().to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "authorization" => authorization = Some(v),
                "origin" => origin = Some(v),
                "content-length" => length = v.parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    // The body, so the connection is left clean (its content is not needed).
    let mut have = buf.len() - head_end - 4;
    while have < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        have += n;
    }
    let request = SpyRequest {
        method: method.clone(),
        path,
        authorization,
    };
    if let Ok(mut s) = seen.lock() {
        s.push(request.clone());
    }
    let reply = if method == "OPTIONS" {
        SpyReply {
            status: 204,
            headers: vec![
                (
                    "Access-Control-Allow-Methods".into(),
                    "GET, PATCH, PUT, POST, DELETE".into(),
                ),
                (
                    "Access-Control-Allow-Headers".into(),
                    "authorization, accept, content-type, client-request-id".into(),
                ),
                ("Access-Control-Max-Age".into(), "0".into()),
            ],
            body: String::new(),
        }
    } else {
        answer(&request)
    };
    let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
    out.push_str(&format!(
        "Access-Control-Allow-Origin: {}\r\nAccess-Control-Expose-Headers: location, retry-after\r\n",
        origin.unwrap_or_else(|| "*".into())
    ));
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        reply.body.len(),
        reply.body
    ));
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}
