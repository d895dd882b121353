//! The words and numbers of the progress display: a steady rate in the unit that reads
//! best, durations as a person says them, and each host's requests and politeness wait.

use super::HostLine;
use mps_model::counts::Counts;
use std::time::Duration;

/// `12.3 rows/s`, `45 rows/min` or `3.0 rows/h`: never four decimals of a tiny number.
pub fn rate(rows_per_second: f64) -> String {
    if rows_per_second <= 0.0 {
        "0 rows/s".to_string()
    } else if rows_per_second >= 1.0 {
        format!("{rows_per_second:.1} rows/s")
    } else if rows_per_second * 60.0 >= 1.0 {
        format!("{:.1} rows/min", rows_per_second * 60.0)
    } else {
        format!("{:.1} rows/h", rows_per_second * 3600.0)
    }
}

/// `35s`, `4m 10s`, `1h 02m`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The time left at the average rate of the whole run so far: steadier than the last few
/// rows' rate, which swings with every slow parcel. `None` until it means something.
pub fn eta(done: u64, total: Option<u64>, elapsed: Duration) -> Option<Duration> {
    let total = total?;
    if done == 0 || elapsed < Duration::from_secs(2) {
        return None;
    }
    let left = total.saturating_sub(done);
    Some(elapsed.mul_f64(left as f64 / done as f64))
}

/// `1 row`, `2 rows`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `ok 10 · not found 1 · failed 0 · invalid 0` (and skipped when there are any).
pub fn counts(c: &Counts) -> String {
    let mut s = format!(
        "ok {} · not found {} · failed {} · invalid {}",
        c.ok, c.not_found, c.failed, c.invalid
    );
    if c.skipped > 0 {
        s.push_str(&format!(" · skipped {}", c.skipped));
    }
    s
}

/// The share of the wall time a host's politeness limit held requests back, when it is
/// what bounds the run (at least half the time).
pub fn limited_share(h: &HostLine, wall: Duration) -> Option<f64> {
    let wall = wall.as_secs_f64();
    let share = if wall > 0.0 {
        (h.rate_limited_seconds / wall).min(1.0)
    } else {
        0.0
    };
    (h.rate.is_some() && wall >= 1.0 && share >= 0.5).then_some(share)
}

/// `2 req/s`, `0.5 req/s`.
pub fn req_rate(rate: f64) -> String {
    if rate.fract() == 0.0 {
        format!("{rate:.0} req/s")
    } else {
        format!("{rate} req/s")
    }
}

/// `assessor 120 req, 2 retries, 0 × 429` per host that sent any, with the politeness
/// wait of a host that bounds the run.
pub fn hosts(hosts: &[HostLine], wall: Duration) -> String {
    hosts
        .iter()
        .filter(|h| h.requests > 0)
        .map(|h| {
            let mut s = format!(
                "{} {} req, {}, {} × 429",
                h.host,
                h.requests,
                count(h.retries, "retry", "retries"),
                h.status_429
            );
            if let (Some(share), Some(rate)) = (limited_share(h, wall), h.rate) {
                s.push_str(&format!(
                    ", rate-limited at {} {:.0}%",
                    req_rate(rate),
                    share * 100.0
                ));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_well_at_any_speed() {
        assert_eq!(rate(12.345), "12.3 rows/s");
        assert_eq!(rate(0.25), "15.0 rows/min");
        assert_eq!(rate(0.001), "3.6 rows/h");
        // Nothing done is not a slow rate: no rows/h for a run that wrote none.
        assert_eq!(rate(0.0), "0 rows/s");
    }

    #[test]
    fn durations_read_as_spoken() {
        assert_eq!(duration(Duration::from_secs(35)), "35s");
        assert_eq!(duration(Duration::from_secs(250)), "4m 10s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h 02m");
    }

    #[test]
    fn the_eta_follows_the_average_rate() {
        let e = eta(10, Some(40), Duration::from_secs(20));
        assert_eq!(e, Some(Duration::from_secs(60)));
        assert_eq!(eta(0, Some(40), Duration::from_secs(20)), None);
        assert_eq!(eta(5, None, Duration::from_secs(20)), None);
    }

    #[test]
    fn a_host_held_back_most_of_the_time_says_so() {
        let h = HostLine {
            host: "recorder".into(),
            requests: 100,
            retries: 1,
            status_429: 0,
            rate: Some(2.0),
            rate_limited_seconds: 45.0,
        };
        let text = hosts(std::slice::from_ref(&h), Duration::from_secs(50));
        assert_eq!(
            text,
            "recorder 100 req, 1 retry, 0 × 429, rate-limited at 2 req/s 90%"
        );
        assert_eq!(limited_share(&h, Duration::from_secs(200)), None);
    }
}
