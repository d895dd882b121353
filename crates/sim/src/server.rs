//! The HTTP server: an accept thread and one thread per client connection.
//!
//! A thread per connection means a slow (latency-delayed) answer only holds its own connection,
//! so 256 concurrent clients are 256 concurrent requests. Each request is counted, checked
//! against the source's rate limit and fault rate, delayed by the latency, then answered by the
//! source's [`CountyService`]. `stop` (and `Drop`) closes the listener and every open connection and
//! joins all threads.
//!
//! Two internal endpoints bypass all that, at the root and under every source prefix:
//! `GET /__sim/stats` (the counters) and `POST /__sim/record?apn=&code=` (records a document
//! at the Recorder, as [`Simulator::record_document`] does, for a standalone `mps sim`).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::json;

use super::assessor::Assessor;
use super::county::County;
use super::faults::{spread_latency, FaultKind, Faults};
use super::http1::serve_connection;
use super::limit::TokenBucket;
use super::options::SimOptions;
use super::service::CountyService;
use super::stats::{SimStats, StatsRecorder};
use super::wire::Wire;
use super::wire::{not_found_page, SimRequest, SimResponse};
use mps_ident::Apn;
use mps_model::Service;

/// Open connections beyond this are closed at once (a runaway client, not a workload).
const MAX_CONNECTIONS: usize = 4096;
/// Where the stats are served, at the root and under every source prefix.
const STATS_PATH: &str = "/__sim/stats";
/// Where documents are recorded (POST), at the root and under every source prefix.
const RECORD_PATH: &str = "/__sim/record";

/// The services served. A source without one would answer 404 under its prefix.
fn services(county: &Arc<County>, opts: &SimOptions) -> BTreeMap<Service, Box<dyn CountyService>> {
    let mut services: BTreeMap<Service, Box<dyn CountyService>> = BTreeMap::new();
    services.insert(
        Service::Assessor,
        Box::new(Assessor::new(county.clone(), &opts.token)),
    );
    services.insert(
        Service::Treasurer,
        Box::new(super::treasurer::Treasurer::new(
            county.clone(),
            opts.as_of,
            opts.treasurer_legacy_retired,
        )),
    );
    services.insert(
        Service::Recorder,
        Box::new(super::recorder::Recorder::new(county.clone())),
    );
    services
}

/// State shared by the accept thread and the connection threads.
struct Shared {
    opts: SimOptions,
    county: Arc<County>,
    services: BTreeMap<Service, Box<dyn CountyService>>,
    stats: StatsRecorder,
    /// Requests per `/{source}{path}` (without the query), when `opts.count_paths`.
    paths: Mutex<HashMap<String, u64>>,
    buckets: BTreeMap<Service, TokenBucket>,
    faults: BTreeMap<Service, Faults>,
    /// When serving began: down windows count from here.
    started: std::time::Instant,
    /// Answers so far, for the latency spread.
    answered: std::sync::atomic::AtomicU64,
    stopping: AtomicBool,
    /// Open connections, so `stop` can shut them and unblock their threads.
    connections: Mutex<HashMap<u64, TcpStream>>,
}

/// A running simulator. Dropping it stops it.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Binds 127.0.0.1:`opts.port` (0 picks a free port) and starts serving.
    pub fn start(opts: SimOptions) -> io::Result<Simulator> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port))?;
        widen_backlog(&listener);
        let addr = listener.local_addr()?;
        let county = Arc::new(County::new(opts.seed));
        let services = services(&county, &opts);
        let buckets = opts
            .limits
            .iter()
            .map(|(&s, &rate)| (s, TokenBucket::new(rate)))
            .collect();
        let faults = Service::ALL
            .iter()
            .map(|&s| {
                let mut mix = opts.faults.get(&s).cloned().unwrap_or_default();
                if let Some(&rate) = opts.error_rate.get(&s) {
                    mix.push((FaultKind::Status503, rate));
                }
                (s, Faults::new(opts.seed, s as u64, mix))
            })
            .collect();
        let shared = Arc::new(Shared {
            opts,
            county,
            services,
            stats: StatsRecorder::default(),
            paths: Mutex::new(HashMap::new()),
            buckets,
            faults,
            started: std::time::Instant::now(),
            answered: std::sync::atomic::AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            connections: Mutex::new(HashMap::new()),
        });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("mps-sim-accept".into())
                .spawn(move || accept_loop(&shared, &listener))?
        };
        Ok(Simulator {
            shared,
            addr,
            acceptor: Some(acceptor),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// The port the simulator listens on (the one picked when `SimOptions::port` is 0).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The base URL of one source (`{base}/assessor`, …).
    pub fn url(&self, source: Service) -> String {
        format!("{}/{}", self.base_url(), source.as_str())
    }

    /// The county behind the services (the ground truth).
    pub fn county(&self) -> &County {
        &self.shared.county
    }

    /// A shareable handle on the county.
    pub fn county_arc(&self) -> Arc<County> {
        self.shared.county.clone()
    }

    /// A snapshot of the request counters, as `GET /__sim/stats` serves them.
    pub fn stats(&self) -> SimStats {
        self.shared.stats.snapshot()
    }

    /// Requests received for `/{source}{path}` (query excluded), when the simulator was
    /// started with `count_paths`; e.g. `("assessor", "/parcel/123-45-678")`.
    pub fn path_count(&self, source: Service, path: &str) -> u64 {
        let key = format!("/{}{path}", source.as_str());
        let paths = self
            .shared
            .paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        paths.get(&key).copied().unwrap_or(0)
    }

    /// The `AUTHORIZATION` token the simulated Assessor accepts.
    pub fn token(&self) -> &str {
        &self.shared.opts.token
    }

    /// The simulator's "today": `SimOptions::as_of`, else today's UTC date.
    pub fn today(&self) -> NaiveDate {
        today(&self.shared.opts)
    }

    /// Records a new document coded `code` on parcel `apn`, dated today and naming the
    /// parcel's current owners, and returns its recording number; from then on it is served
    /// wherever a generated document is. Deed codes and unknown parcels are refused.
    pub fn record_document(&self, apn: &Apn, code: &str) -> Result<String, String> {
        self.shared.county.record_document(apn, code, self.today())
    }

    /// Writes `export NAME=value` lines for the services served now, for `eval "$(mps sim)"`.
    pub fn print_exports(&self, out: &mut impl io::Write) -> io::Result<()> {
        for source in self.shared.services.keys() {
            let name = source.as_str().to_ascii_uppercase();
            writeln!(out, "export MPS_{name}_URL={}", self.url(*source))?;
            if *source == Service::Assessor {
                writeln!(out, "export MPS_{name}_TOKEN={}", self.token())?;
            }
            if *source == Service::Recorder {
                writeln!(out, "export MPS_{name}_WEB_URL={}", self.web_url())?;
            }
        }
        Ok(())
    }

    /// The base URL of the Recorder's website (`{base}/recorder-web`).
    pub fn web_url(&self) -> String {
        format!("{}/recorder-web", self.base_url())
    }

    /// Stops accepting, closes every connection, and joins every thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(handle) = self.acceptor.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The accept thread blocks in accept(); a connection of our own wakes it up.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = handle.join();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Lets the kernel queue more pending connections than std's 128, so a burst of a few hundred
/// new clients (256 workers starting at once) is not dropped and retried a second later.
fn widen_backlog(listener: &TcpListener) {
    // On a listening socket listen(2) just resizes the accept queue (capped by
    // net.core.somaxconn); on failure the old queue length stays, which is harmless.
    let _ = socket2::SockRef::from(listener).listen(1024);
}

fn lock_connections(shared: &Shared) -> std::sync::MutexGuard<'_, HashMap<u64, TcpStream>> {
    // The map only holds socket handles; a panicked holder cannot leave it half-updated.
    shared
        .connections
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Accepts connections until stopped, then closes them all and joins their threads.
///
/// Accepting and spawning are split over two threads: the kernel's accept queue holds only 128
/// connections (std's backlog), and a burst of 256 new clients overflows it (clients then wait
/// a full second to retry) if each accept also waits for a thread to be spawned.
fn accept_loop(shared: &Arc<Shared>, listener: &TcpListener) {
    let (tx, rx) = crossbeam_channel::unbounded::<TcpStream>();
    let spawner = {
        let shared = shared.clone();
        thread::Builder::new()
            .name("mps-sim-spawn".into())
            .spawn(move || spawn_loop(&shared, &rx))
    };
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        match stream {
            Ok(stream) => {
                if tx.send(stream).is_err() {
                    break;
                }
            }
            // Out of descriptors or similar: back off briefly instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
    drop(tx);
    if let Ok(spawner) = spawner {
        let _ = spawner.join();
    }
}

/// Gives each accepted connection a thread; when the acceptor stops, closes and joins them.
fn spawn_loop(shared: &Arc<Shared>, rx: &crossbeam_channel::Receiver<TcpStream>) {
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id: u64 = 0;
    for stream in rx {
        threads.retain(|t| !t.is_finished());
        let Ok(registered) = stream.try_clone() else {
            continue;
        };
        if threads.len() >= MAX_CONNECTIONS {
            continue;
        }
        let id = next_id;
        next_id += 1;
        lock_connections(shared).insert(id, registered);
        let worker = shared.clone();
        let spawned = thread::Builder::new()
            .name("mps-sim-conn".into())
            .spawn(move || {
                serve_connection(stream, &|req| answer(&worker, req));
                lock_connections(&worker).remove(&id);
            });
        match spawned {
            Ok(t) => threads.push(t),
            Err(_) => {
                lock_connections(shared).remove(&id);
            }
        }
    }
    for (_, conn) in lock_connections(shared).drain() {
        let _ = conn.shutdown(Shutdown::Both);
    }
    for t in threads {
        let _ = t.join();
    }
}

/// Splits `/assessor/parcel/x` into the source and the rest (`/parcel/x`). The Recorder's
/// website (`/recorder-web/x`) goes to the Recorder as `/web/x`.
fn route(path: &str) -> (Option<Service>, String) {
    if let Some(rest) = path.strip_prefix("/recorder-web") {
        if rest.is_empty() || rest.starts_with('/') {
            let rest = if rest.is_empty() { "/" } else { rest };
            return (
                Some(Service::Recorder),
                format!("{}{rest}", super::recorder::WEB_PREFIX),
            );
        }
    }
    for source in Service::ALL {
        if let Some(rest) = path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(source.as_str()))
        {
            if rest.is_empty() || rest.starts_with('/') {
                let rest = if rest.is_empty() {
                    "/".to_string()
                } else {
                    rest.to_string()
                };
                return (Some(source), rest);
            }
        }
    }
    (None, path.to_string())
}

fn today(opts: &SimOptions) -> NaiveDate {
    opts.as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// `POST /__sim/record?apn=123-45-678&code=DEED%20TRST`: `{"recordingNumber": "…"}`, or a 400
/// `{"error": "…"}` for a refused document and a 405 for another method.
fn record(shared: &Shared, req: &SimRequest) -> SimResponse {
    let refuse = |status: u16, error: &str| SimResponse::json(status, &json!({"error": error}));
    if req.method != "POST" {
        return refuse(405, "record a document with POST").with_header("Allow", "POST");
    }
    let (Some(apn), Some(code)) = (req.param("apn"), req.param("code")) else {
        return refuse(
            400,
            "apn and code are required, e.g. ?apn=123-45-678&code=DEED%20TRST",
        );
    };
    let apn = match Apn::parse(apn) {
        Ok(apn) => apn,
        Err(e) => return refuse(400, &format!("invalid APN: {e}")),
    };
    match shared
        .county
        .record_document(&apn, code, today(&shared.opts))
    {
        Ok(number) => SimResponse::json(200, &json!({"recordingNumber": number})),
        Err(e) => refuse(400, &e),
    }
}

/// Counts, limits, delays and answers one request.
fn answer(shared: &Shared, mut req: SimRequest) -> SimResponse {
    let (source, rest) = route(&req.path);
    if rest.trim_end_matches('/') == STATS_PATH {
        let stats = serde_json::to_value(shared.stats.snapshot()).unwrap_or_default();
        return SimResponse::json(200, &stats);
    }
    if rest.trim_end_matches('/') == RECORD_PATH {
        return record(shared, &req);
    }
    let response = match source {
        Some(source) => {
            let now = shared.stats.record_request_now(source);
            if shared.opts.count_paths {
                let path = rest.split('?').next().unwrap_or_default();
                let key = format!("/{}{path}", source.as_str());
                let mut paths = shared
                    .paths
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                *paths.entry(key).or_default() += 1;
            }
            if shared
                .buckets
                .get(&source)
                .is_some_and(|b| !b.try_take(now))
            {
                shared.stats.record_429(source);
                SimResponse::json(429, &json!({"message": "Too Many Requests"}))
                    .with_header("Retry-After", "1")
            } else if shared
                .opts
                .down
                .get(&source)
                .is_some_and(|w| w.covers(now.saturating_duration_since(shared.started)))
            {
                unavailable(503)
            } else {
                req.path = rest;
                let fault = shared.faults.get(&source).and_then(Faults::next);
                let answer = || match shared.services.get(&source) {
                    Some(service) => service.handle(&req),
                    None => not_found_page(&format!("{} (simulated)", source.as_str())),
                };
                match fault {
                    None => answer(),
                    Some(FaultKind::Status500) => unavailable(500),
                    Some(FaultKind::Status502) => unavailable(502),
                    Some(FaultKind::Status503) => unavailable(503),
                    Some(FaultKind::Reset) => unavailable(503).on_wire(Wire::Reset),
                    Some(FaultKind::Timeout) => {
                        unavailable(503).on_wire(Wire::Hang(shared.opts.hang))
                    }
                    Some(FaultKind::Truncated) => answer().on_wire(Wire::Truncate),
                    Some(FaultKind::Html) => SimResponse::html(
                        200,
                        "<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head>\
                         <body><h1>We'll be back soon</h1></body></html>\n"
                            .into(),
                    ),
                    Some(FaultKind::PageHang) => answer().with_page_script(SPIN_SCRIPT),
                    Some(FaultKind::PageCrash) => answer().with_page_script(OOM_SCRIPT),
                }
            }
        }
        None => not_found_page("mps simulator"),
    };
    let n = shared.answered.fetch_add(1, Ordering::Relaxed);
    let latency = spread_latency(
        shared.opts.seed,
        n,
        shared.opts.latency,
        shared.opts.latency_max,
    );
    if !latency.is_zero() {
        thread::sleep(latency);
    }
    response
}

/// What a `page_hang` page runs first: a busy loop that never yields, so the renderer never
/// answers again (a broken third-party widget does this).
const SPIN_SCRIPT: &str = "for (;;) {}";
/// What a `page_crash` page runs first: it keeps allocating until the renderer's heap is
/// exhausted and the renderer crashes ("Aw, Snap!"). Numbers are unboxed in the arrays, so
/// there are few objects for the collector to walk and the end comes within seconds.
const OOM_SCRIPT: &str =
    "const k = []; for (let i = 0; ; i++) { k.push(new Array(1e5).fill(i + 0.5)); }";

/// An error page with `status`, as a proxy or an overloaded server sends.
fn unavailable(status: u16) -> SimResponse {
    SimResponse::html(
        status,
        format!(
            "<!DOCTYPE html>\n<html><head><title>{status}</title></head><body>\
             <h1>Service Unavailable</h1><p>The server is temporarily unable to service your \
             request.</p></body></html>\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn routes_by_prefix() {
        assert_eq!(
            route("/assessor/parcel/1"),
            (Some(Service::Assessor), "/parcel/1".to_string())
        );
        assert_eq!(
            route("/assessor"),
            (Some(Service::Assessor), "/".to_string())
        );
        assert_eq!(route("/assessorx/parcel").0, None);
        assert_eq!(route("/recorder/documents/1").0, Some(Service::Recorder));
        assert_eq!(route("/__sim/stats"), (None, "/__sim/stats".to_string()));
    }

    #[test]
    fn stop_joins_even_with_idle_connections_open() {
        let sim = Simulator::start(SimOptions::default()).expect("start");
        let idle = TcpStream::connect(sim.addr).expect("connect");
        let t0 = Instant::now();
        sim.stop();
        assert!(t0.elapsed() < Duration::from_secs(5));
        drop(idle);
    }
}
