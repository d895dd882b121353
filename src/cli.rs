//! The command line: subcommands and their flags (clap derive).

use crate::cli_values::named;
use crate::engine::recorder_options::DocumentDetail;
use crate::ident::SearchType;
use crate::output::Format;
use crate::progress::ProgressMode;
use clap::{Args, Parser, Subcommand};
use mps_model::{Mode, Priority, Strategy};
use std::path::PathBuf;

/// The most browsers a batch may start (each is a Chromium of about 0.4 GiB).
pub const MAX_BROWSERS: u64 = 32;
/// The most rows a batch may have in flight (one thread each).
pub const MAX_WORKERS: u64 = 512;

/// Collect Maricopa County property records in bulk: Assessor parcels, Treasurer tax bills
/// and Recorder documents, in parallel and politely, with one record per input row.
#[derive(Debug, Parser)]
#[command(name = "mps", version = crate::version::VERSION, about, long_about = None,
          after_help = TOP_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The environment and examples, after `mps --help`. Every example must parse with today's
/// flags: a test runs each one through the parser.
const TOP_HELP: &str = "\
Environment: MPS_ASSESSOR_TOKEN (Assessor API token), MPS_ASSESSOR_URL, MPS_CONFIG, \
MPS_WORKERS, MPS_<SOURCE>_RATE. Precedence: defaults < config file < MPS_* < flags.

Examples:
  mps batch --input apns.csv --mode comprehensive -o out.jsonl
  mps batch --input apns.csv --mode tax --format csv -o tax.csv --csv-tables tables/
  mps batch --resume JOB
  mps jobs failed JOB | mps batch --input - --mode property
  mps batch --input apns.csv --sim     (the simulated county: no token, no network)
  mps sim --sample 20                  (APNs that exist in the simulated county)";

/// Examples after `mps batch --help`; checked like [`TOP_HELP`]'s.
const BATCH_HELP: &str = "\
Examples:
  mps batch --input apns.csv --mode comprehensive -o out.jsonl
  mps batch --input apns.csv --mode tax --format csv -o tax.csv --csv-tables tables/
  mps batch --input owners.csv --search-type owner --mode search
  mps batch --resume JOB
  mps batch --retry-failed JOB --source tax
  mps jobs failed JOB | mps batch --input - --mode property
  mps batch --input apns.csv --sim --rate assessor=20";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Identifiers in (CSV), one record per identifier out.
    #[command(after_help = BATCH_HELP)]
    Batch(Box<BatchArgs>),
    /// One identifier through the same pipeline; pretty JSON on stdout.
    Search(Box<SearchArgs>),
    /// Serve a local replica of the county services (for tests, demos and dry runs).
    Sim(SimArgs),
    /// Run queued jobs (`mps batch --enqueue`) from PostgreSQL, beside other workers.
    Worker(WorkerArgs),
    /// The job ledger: list jobs, show one, list its failed rows.
    Jobs(JobsArgs),
    /// PostgreSQL schema: `mps db migrate`.
    Db(DbArgs),
    /// The cache of recorded documents and sales steps: `mps cache stats`, `mps cache clear`.
    Cache(CacheArgs),
    /// Print a shell completion script to stdout, e.g.
    /// `mps completions bash > ~/.local/share/bash-completion/completions/mps`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, e.g. `mps man | man -l -`; `mps man batch` for a
    /// subcommand's page.
    Man {
        /// A subcommand whose page to print instead of the top command's.
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
    /// The cache in this PostgreSQL database instead of the SQLite file.
    #[arg(
        long,
        value_name = "URL",
        env = "MPS_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The SQLite file (default: cache.path in the config, else
    /// $XDG_STATE_HOME/mps/cache.sqlite).
    #[arg(long, value_name = "FILE", global = true)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Where the cache is and what it holds.
    Stats,
    /// Forget every cached document and sales step (they are fetched again when needed).
    Clear,
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub command: JobsCommand,
    /// Read the ledger from PostgreSQL instead of the ledger files.
    #[arg(
        long,
        value_name = "URL",
        env = "MPS_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Every job, newest first: a table, or JSON with --json.
    ///
    /// STARTED is in UTC. OK counts rows answered (ok or not found); ROWS also counts skipped
    /// rows; a job not finished shows the rows done so far; `-` is a count not known. STATUS is
    /// how the last run ended (completed, interrupted, stopped), running, unfinished (its
    /// process died: `mps batch --resume JOB` finishes it), or unreadable (why, on stderr).
    List {
        /// One JSON array instead of the table, each job with every row count (null when
        /// not known), its strategy, finish time and ledger file.
        #[arg(long)]
        json: bool,
    },
    /// One job: status, settings, row counts, what to run next (--json: all statistics).
    Show {
        id: String,
        /// The job as JSON: counts by status and source, runs, the last run's summary and
        /// the per-host totals over every run.
        #[arg(long)]
        json: bool,
    },
    /// A job's failed rows (line, input, source, reason), ready to feed a new batch.
    Failed {
        id: String,
        /// csv or jsonl.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
    #[arg(
        long,
        value_name = "URL",
        env = "MPS_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create or upgrade the schema (versioned migrations).
    Migrate,
}

/// Options every command that talks to the county shares.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Config file (default: $XDG_CONFIG_HOME/mps/config.yaml, or ~/.config/mps/config.yaml,
    /// if present; never a file in the current directory).
    #[arg(long, value_name = "FILE", env = "MPS_CONFIG", hide_env_values = true)]
    pub config: Option<PathBuf>,
    /// Less output on stderr (no summary).
    #[arg(short, long)]
    pub quiet: bool,
    /// More output on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Start the simulator inside this process and point every source at it (no network).
    #[arg(long)]
    pub sim: bool,
    /// Seed of the simulated county (with --sim; default 42).
    #[arg(long, value_name = "N", requires = "sim")]
    pub sim_seed: Option<u64>,
    /// Requests per second for one source, a ceiling: SOURCE=R (assessor, treasurer, recorder).
    #[arg(long = "rate", value_name = "SOURCE=R")]
    pub rates: Vec<String>,
    /// Requests in flight at once to one source: SOURCE=N.
    #[arg(long = "concurrency", value_name = "SOURCE=N")]
    pub concurrency: Vec<String>,
    /// intelligent (default), api-only, scraping-only, parallel-all or sequential.
    #[arg(long, value_name = "STRATEGY", value_parser = named::<Strategy>(),
          hide_possible_values = true)]
    pub strategy: Option<String>,
    /// Browser threads (one headless Chromium each, about 0.4 GiB) for pages that need
    /// JavaScript: 1 to 32.
    #[arg(long, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_BROWSERS))]
    pub browsers: Option<usize>,
    /// Rows in flight at once (the HTTP worker pool): 1 to 512. More rows in flight than the
    /// hosts' rates allow buys nothing: the politeness limit bounds the run.
    #[arg(long, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_WORKERS))]
    pub workers: Option<usize>,
    /// The documents block: index (from the Recorder's name index, the default: no request
    /// per document) or full (every document read: all parties and codes, pages, affidavit).
    #[arg(long, value_name = "DETAIL", value_parser = named::<DocumentDetail>(),
          hide_possible_values = true)]
    pub documents: Option<String>,
    /// First recording date the documents block lists: acquisition (the current owners'
    /// deed, the default), all, or YYYY-MM-DD.
    #[arg(long, value_name = "WHEN")]
    pub documents_since: Option<String>,
    /// Documents listed at most per parcel, the newest kept (default 100).
    #[arg(long, value_name = "N")]
    pub max_documents: Option<usize>,
    /// Earlier deeds the sales chain follows back from the last one (0 to 10, default 1).
    #[arg(long, value_name = "N")]
    pub sales_depth: Option<usize>,
    /// Do not use the cache of recorded documents and sales steps (fetch everything).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The database that holds the queue (`mps batch --enqueue --database-url`).
    #[arg(
        long,
        value_name = "URL",
        env = "MPS_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Keep waiting for new jobs when the queue is empty (a service); without it the worker
    /// exits once no row is left to claim.
    #[arg(long)]
    pub follow: bool,
    /// Browser threads (one headless Chromium each, about 0.4 GiB): 0 to 32. A worker with
    /// 0 takes only jobs whose rows need no page. Default: the job's setting.
    #[arg(long, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_BROWSERS))]
    pub browsers: Option<usize>,
    /// Rows in flight at once in this worker: 1 to 512. Default: the job's setting.
    #[arg(long, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_WORKERS))]
    pub workers: Option<usize>,
    /// How long a claimed row stays this worker's without a heartbeat (renewed every third
    /// of it, at least every 2s); a killed worker's rows go to another worker after this.
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub lease: String,
    /// Less output on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// CSV with a header (or one headerless column of identifiers); `-` reads stdin. Not needed with --resume, --retry-failed or --from-db.
    #[arg(long, short = 'i', value_name = "FILE|-", required_unless_present_any = ["resume", "retry_failed", "from_db", "wait"])]
    pub input: Option<String>,
    /// Also upsert every record into PostgreSQL (the job ledger then lives there too).
    #[arg(
        long,
        value_name = "URL",
        env = "MPS_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Finish an interrupted job without refetching the rows it finished. The job runs with
    /// the settings it was started with; flags given here override them (but not --input,
    /// --mode, --format, --output, --csv-tables, --column or --search-type, which define the job).
    #[arg(long, value_name = "JOB", conflicts_with = "retry_failed")]
    pub resume: Option<String>,
    /// Refetch only the rows of JOB that failed (see also --source), with the job's settings.
    #[arg(long, value_name = "JOB")]
    pub retry_failed: Option<String>,
    /// With --retry-failed: only rows whose SOURCE block failed (assessor, tax, sales, documents).
    #[arg(long, value_name = "SOURCE", requires = "retry_failed")]
    pub source: Option<String>,
    /// Skip properties whose stored record is younger than this (needs --database-url).
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Queue the job in PostgreSQL (needs --database-url) and exit, printing its id:
    /// `mps worker` processes on any machine then run it.
    #[arg(long, conflicts_with_all = ["resume", "retry_failed", "from_db", "max_age"])]
    pub enqueue: bool,
    /// Follow queued job JOB (from --enqueue) until no row is left, printing its progress,
    /// then exit with the job's exit code (--database-url, or the one remembered when the
    /// job was queued on this machine).
    #[arg(long, value_name = "JOB",
          conflicts_with_all = ["input", "resume", "retry_failed", "from_db", "enqueue"])]
    pub wait: Option<String>,
    /// Re-collect every stored property older than --max-age (needs --database-url).
    #[arg(long, requires = "max_age", conflicts_with = "input")]
    pub from_db: bool,
    /// The identifier column (default: found by name: apn, parcel, address, owner, ...).
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// How to read identifiers: apn, address, owner, or auto (classify each value; default).
    #[arg(long, value_name = "TYPE", value_parser = named::<SearchType>(),
          hide_possible_values = true)]
    pub search_type: Option<String>,
    /// What to collect: search, property (default), validate, tax, sales, documents or
    /// comprehensive.
    #[arg(long, value_name = "MODE", value_parser = named::<Mode>(),
          hide_possible_values = true)]
    pub mode: Option<String>,
    /// Priority of every row: urgent, high, normal (default), low (a `priority` column wins).
    #[arg(long, value_name = "P", value_parser = named::<Priority>(),
          hide_possible_values = true)]
    pub priority: Option<String>,
    /// Write records here instead of stdout (`-` is stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// jsonl (default), csv or json.
    #[arg(long, value_name = "FORMAT", value_parser = named::<Format>(),
          hide_possible_values = true)]
    pub format: Option<String>,
    /// Also write the lists each parcel repeats (valuations, tax_bills, tax_payments, sales,
    /// documents: those of the mode) as one CSV per table in DIR, keyed by line, input, apn.
    #[arg(long, value_name = "DIR")]
    pub csv_tables: Option<PathBuf>,
    /// auto (a bar on a terminal), bar, jsonl or none.
    #[arg(long, value_name = "MODE", value_parser = named::<ProgressMode>(),
          hide_possible_values = true)]
    pub progress: Option<String>,
    /// Also write the summary as JSON to this file (`-`: standard output, when the records go to a file with -o).
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Stop (exit 3) after N failed rows.
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,
    /// Stop (exit 3) after this long, e.g. 2h or 30m.
    #[arg(long, value_name = "DURATION")]
    pub max_runtime: Option<String>,
    /// With --database-url: how long to wait for a database that went away mid-run before
    /// stopping (exit 3, resumable); default 60s.
    #[arg(long, value_name = "DURATION")]
    pub database_wait: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// An APN (any spelling), a situs address or an owner name.
    pub identifier: String,
    /// apn, address, owner or auto.
    #[arg(long, value_name = "TYPE", default_value = "auto")]
    pub search_type: String,
    /// search, property or validate.
    #[arg(long, value_name = "MODE", default_value = "property")]
    pub mode: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed of the simulated county: the same seed always gives the same county.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Latency added to every response, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Answer 429 with Retry-After above this rate: SOURCE=RPS (repeatable).
    #[arg(long = "limit", value_name = "SOURCE=RPS")]
    pub limits: Vec<String>,
    /// Answer this fraction of requests with 503: SOURCE=F (repeatable).
    #[arg(long = "error-rate", value_name = "SOURCE=F")]
    pub error_rates: Vec<String>,
    /// Inject a fault into this share of a source's requests: SOURCE=KIND:F, KIND one of
    /// 500, 502, 503, reset, timeout, truncated, html, page_hang, page_crash (repeatable;
    /// deterministic for a seed).
    #[arg(long = "fault", value_name = "SOURCE=KIND:F")]
    pub faults: Vec<String>,
    /// Answer only 503 during a window from the start: SOURCE=START+LENGTH, e.g. recorder=10s+1m.
    #[arg(long = "down", value_name = "SOURCE=START+LENGTH")]
    pub down: Vec<String>,
    /// Spread each answer's latency evenly between --latency and this, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_max: Option<u64>,
    /// How long the timeout fault keeps a connection without an answer, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub hang: Option<u64>,
    /// Read latency, limits, faults and down windows from a scenario file (config/sim/*.yaml);
    /// flags add to it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<std::path::PathBuf>,
    /// Retire the Treasurer's legacy pages: they redirect to the current JavaScript page.
    #[arg(long)]
    pub retire_legacy_treasurer: bool,
    /// The simulated "today" for tax status (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,
    /// Print N APNs that exist in the simulated county, one per line, and exit.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
}
