//! The one plain HTTP request the harness makes outside WebDriver's own: a JSON `POST` to
//! chromedriver (for DevTools commands, which fantoccini has no call for). One request per
//! connection, HTTP/1.1 (chromedriver does not answer HTTP/1.0), its answer read up to its
//! `Content-Length` (chromedriver may keep the connection open): no client library for a
//! loopback call.

use std::io::{Error, ErrorKind};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `POST`s `body` to `path` at `base` (`http://HOST:PORT`) and returns the status and the JSON
/// answer (`null` when the answer is not JSON).
pub(crate) async fn post_json(
    base: &str,
    path: &str,
    body: &Value,
) -> std::io::Result<(u16, Value)> {
    let host = base.strip_prefix("http://").unwrap_or(base);
    let mut stream = TcpStream::connect(host).await?;
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(Error::new(
                ErrorKind::UnexpectedEof,
                "closed before the headers",
            ));
        }
        answer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&answer[..head_end]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    let body_start = head_end + 4;
    loop {
        let have = answer.len() - body_start;
        if length.is_some_and(|l| have >= l) {
            break;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
    }
    let end = length.map_or(answer.len(), |l| (body_start + l).min(answer.len()));
    let json = serde_json::from_slice(&answer[body_start..end]).unwrap_or(Value::Null);
    Ok((status, json))
}
