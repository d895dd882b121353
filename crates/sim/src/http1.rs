//! A minimal HTTP/1.1 server connection: read requests, answer them, keep the connection alive.
//!
//! The simulator does not use tiny_http's server loop: its connection pool queues a new
//! connection behind busy keep-alive connections when several arrive at once, and with a few
//! hundred concurrent keep-alive clients some requests then wait until another connection
//! closes (seen as hangs under 256 concurrent ureq clients). One thread per connection, as
//! here, has no such queue. Only what the county services need is supported: any method,
//! `Content-Length` bodies (read and ignored), keep-alive, `Connection: close`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use super::wire::{SimRequest, SimResponse, Wire};

/// Request line plus headers may not exceed this (larger heads get 431 and the connection closes).
const MAX_HEAD: usize = 64 * 1024;
/// Request bodies are read and dropped up to this size; larger ones get 413.
const MAX_BODY: u64 = 1024 * 1024;

/// What reading one request produced.
enum Read1 {
    Request(SimRequest, bool),
    /// The client closed the connection between requests.
    Closed,
    /// A malformed request: answer with this status and close.
    Bad(u16),
}

/// Serves requests on `stream` until the client closes, asks to close, or errs.
pub fn serve_connection(stream: TcpStream, handle: &dyn Fn(SimRequest) -> SimResponse) {
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = write_half;
    loop {
        let (response, keep_alive) = match read_request(&mut reader) {
            Ok(Read1::Request(req, keep_alive)) => (handle(req), keep_alive),
            Ok(Read1::Bad(status)) => (bad_request(status), false),
            Ok(Read1::Closed) | Err(_) => return,
        };
        match response.wire {
            Wire::Whole => {}
            Wire::Reset => return,
            Wire::Hang(d) => {
                std::thread::sleep(d);
                return;
            }
            Wire::Truncate => {
                let _ = write_truncated(&mut writer, &response);
                return;
            }
        }
        if write_response(&mut writer, &response, keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}

fn bad_request(status: u16) -> SimResponse {
    SimResponse::html(
        status,
        format!(
            "<!DOCTYPE html>\n<html><body><h1>{status} {}</h1></body></html>\n",
            reason(status)
        ),
    )
}

/// Reads one line (CRLF or LF), counting it against the head budget.
fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request head too large",
        ));
    }
    *budget -= n;
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Read1> {
    let mut budget = MAX_HEAD;
    let line = match read_line(reader, &mut budget) {
        Ok(Some(line)) => line,
        Ok(None) => return Ok(Read1::Closed),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => return Ok(Read1::Bad(431)),
        Err(e) => return Err(e),
    };
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(Read1::Bad(400));
    };
    if !version.starts_with("HTTP/1.") {
        return Ok(Read1::Bad(505));
    }
    let mut headers = Vec::new();
    loop {
        match read_line(reader, &mut budget) {
            Ok(Some(h)) if h.is_empty() => break,
            Ok(Some(h)) => match h.split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                }
                None => return Ok(Read1::Bad(400)),
            },
            Ok(None) => return Ok(Read1::Closed),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return Ok(Read1::Bad(431)),
            Err(e) => return Err(e),
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if header("Transfer-Encoding").is_some() {
        // Chunked request bodies are never sent by mps; refuse rather than misread the stream.
        return Ok(Read1::Bad(501));
    }
    let length = match header("Content-Length").map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY => n,
        Some(Ok(_)) => return Ok(Read1::Bad(413)),
        Some(Err(_)) => return Ok(Read1::Bad(400)),
    };
    io::copy(&mut reader.by_ref().take(length), &mut io::sink())?;
    let connection = header("Connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if version == "HTTP/1.0" {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    Ok(Read1::Request(
        SimRequest::new(method, target, headers),
        keep_alive,
    ))
}

/// The head with the whole body's length, then half the body: the client sees the
/// connection close early.
fn write_truncated(out: &mut impl Write, r: &SimResponse) -> io::Result<()> {
    let mut bytes = head(r, false).into_bytes();
    bytes.extend_from_slice(&r.body[..r.body.len() / 2]);
    out.write_all(&bytes)?;
    out.flush()
}

/// The status line and headers, announcing the whole body's length.
fn head(r: &SimResponse, keep_alive: bool) -> String {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in &r.headers {
        // Header values come from the services, never from the request; still, no line breaks.
        if !name.contains(['\r', '\n']) && !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    head
}

fn write_response(out: &mut impl Write, r: &SimResponse, keep_alive: bool) -> io::Result<()> {
    // One write per response: no Nagle/delayed-ACK stall between head and body.
    let mut bytes = head(r, keep_alive).into_bytes();
    bytes.extend_from_slice(&r.body);
    out.write_all(&bytes)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// Sends raw bytes to a one-connection server and returns everything it answers.
    fn exchange(raw: &[u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                serve_connection(stream, &|req| {
                    SimResponse::html(200, format!("{} {}", req.method, req.path))
                });
            }
        });
        let mut client = TcpStream::connect(addr).expect("connect");
        client.write_all(raw).expect("write");
        let _ = client.shutdown(std::net::Shutdown::Write);
        let mut out = String::new();
        let _ = client.read_to_string(&mut out);
        let _ = server.join();
        out
    }

    #[test]
    fn keeps_alive_and_closes_on_request() {
        let out = exchange(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q=1 HTTP/1.1\r\nConnection: close\r\n\r\nGET /c HTTP/1.1\r\n\r\n");
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
        assert!(out.contains("GET /a") && out.contains("GET /b"));
        assert!(!out.contains("GET /c"));
        assert!(out.contains("Content-Length: 6\r\n"));
    }

    #[test]
    fn posts_without_a_body_are_answered() {
        let out = exchange(
            b"POST /__sim/record?apn=1 HTTP/1.1\r\nContent-Length: 0\r\n\r\nPOST /x HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
        assert!(out.contains("POST /__sim/record") && out.contains("POST /x"));
    }

    #[test]
    fn malformed_requests_get_an_error_not_a_panic() {
        assert!(exchange(b"NONSENSE\r\n\r\n").starts_with("HTTP/1.1 400"));
        assert!(exchange(b"GET / SPDY/3\r\n\r\n").starts_with("HTTP/1.1 505"));
        assert!(exchange(b"GET / HTTP/1.1\r\nbroken header\r\n\r\n").starts_with("HTTP/1.1 400"));
        assert!(
            exchange(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n").starts_with("HTTP/1.1 400")
        );
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(70_000));
        assert!(exchange(huge.as_bytes()).starts_with("HTTP/1.1 431"));
        let with_body =
            exchange(b"POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /q HTTP/1.0\r\n\r\n");
        assert!(
            with_body.contains("POST /p") && with_body.contains("GET /q"),
            "{with_body}"
        );
        assert_eq!(exchange(b""), "");
    }
}
