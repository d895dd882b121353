//! `make bench`: PostgreSQL COPY path against row-at-a-time upserts (see benches/postgres.sh).

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "host=/var/run/postgresql user=root dbname=postgres".into());
    let rows: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5000);
    match mps::postgres::bench_copy_vs_rows(&url, rows) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("bench failed: {e}");
            std::process::exit(1);
        }
    }
}
