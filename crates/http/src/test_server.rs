//! Test helpers: a tiny_http server on 127.0.0.1:0 with a scripted handler, and raw TCP
//! servers for failures tiny_http cannot produce (truncated bodies, silence).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the scripted handler answers.
pub(super) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A request as the handler sees it.
pub(super) struct Seen<'a> {
    /// 0 for the first request the server received.
    pub hit: usize,
    pub path: &'a str,
    req: &'a tiny_http::Request,
}

impl Seen<'_> {
    pub fn header(&self, name: &str) -> Option<String> {
        self.req
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    }
}

type Handler = dyn Fn(&Seen<'_>) -> Reply + Send + Sync;

pub(super) struct TestServer {
    server: Arc<tiny_http::Server>,
    threads: Vec<JoinHandle<()>>,
    hits: Arc<AtomicUsize>,
    base: String,
}

const THREADS: usize = 4;

impl TestServer {
    pub fn start(handler: impl Fn(&Seen<'_>) -> Reply + Send + Sync + 'static) -> Self {
        let server = match tiny_http::Server::http("127.0.0.1:0") {
            Ok(s) => Arc::new(s),
            Err(e) => panic!("cannot start test server: {e}"),
        };
        let port = server.server_addr().to_ip().map_or(0, |a| a.port());
        let hits = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let threads = (0..THREADS)
            .map(|_| {
                let (server, hits, handler) =
                    (Arc::clone(&server), Arc::clone(&hits), Arc::clone(&handler));
                std::thread::spawn(move || {
                    for req in server.incoming_requests() {
                        let hit = hits.fetch_add(1, Ordering::SeqCst);
                        let path = req.url().to_string();
                        let reply = handler(&Seen {
                            hit,
                            path: &path,
                            req: &req,
                        });
                        let mut resp = tiny_http::Response::from_data(reply.body)
                            .with_status_code(reply.status);
                        for (name, value) in reply.headers {
                            if let Ok(h) = tiny_http::Header::from_bytes(name, value) {
                                resp.add_header(h);
                            }
                        }
                        let _ = req.respond(resp);
                    }
                })
            })
            .collect();
        Self {
            server,
            threads,
            hits,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        for _ in 0..self.threads.len() {
            self.server.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A URL on a port nothing listens on (connection refused).
pub(super) fn refused_url(path: &str) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(9, |a| a.port());
    format!("http://127.0.0.1:{port}{path}")
}

/// A raw server: the i-th connection is answered by `script(i, stream)`. Runs until the
/// test process ends (the thread blocks in accept).
pub(super) fn raw_server(script: impl Fn(usize, TcpStream) + Send + 'static) -> String {
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => panic!("cannot bind: {e}"),
    };
    let port = listener.local_addr().map_or(0, |a| a.port());
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            // Read the request head so the client is not reset mid-send.
            let mut buf = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let _ = stream.read(&mut buf);
            script(i, stream);
        }
    });
    format!("http://127.0.0.1:{port}/raw")
}

/// Write a raw HTTP response and close.
pub(super) fn write_raw(mut stream: TcpStream, text: &str) {
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
}
