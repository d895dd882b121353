//! The faults of `mps sim`: a scenario file (`--scenario`, e.g. `config/sim/faults.yaml`)
//! and the flags that add to it (`--fault`, `--down`, `--latency-max`, `--hang`).

use crate::config::duration::parse_duration;
use crate::sim::{DownWindow, FaultKind, SimOptions};
use anyhow::{bail, Context};
use mps_model::Service;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// A scenario file: every key optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    seed: Option<u64>,
    latency: Option<String>,
    latency_max: Option<String>,
    hang: Option<String>,
    #[serde(default)]
    limits: BTreeMap<String, f64>,
    #[serde(default)]
    faults: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    down: BTreeMap<String, DownSpec>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DownSpec {
    start: String,
    length: String,
}

fn source(name: &str, at: &str) -> anyhow::Result<Service> {
    name.parse()
        .map_err(|e: mps_model::service::UnknownService| anyhow::anyhow!("{at}: {e}"))
}

fn duration(text: &str, at: &str) -> anyhow::Result<Duration> {
    parse_duration(text).map_err(|e| anyhow::anyhow!("{at}: {e}"))
}

/// Applies the scenario file at `path` to `opts`.
pub fn load(path: &Path, opts: &mut SimOptions) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the scenario {}", path.display()))?;
    let s: Scenario =
        serde_norway::from_str(&text).with_context(|| format!("scenario {}", path.display()))?;
    let at = |key: &str| format!("{}: {key}", path.display());
    if let Some(seed) = s.seed {
        opts.seed = seed;
    }
    if let Some(l) = &s.latency {
        opts.latency = duration(l, &at("latency"))?;
    }
    if let Some(l) = &s.latency_max {
        opts.latency_max = duration(l, &at("latency_max"))?;
    }
    if let Some(h) = &s.hang {
        opts.hang = duration(h, &at("hang"))?;
    }
    for (name, rate) in &s.limits {
        opts.limits.insert(source(name, &at("limits"))?, *rate);
    }
    for (name, kinds) in &s.faults {
        let src = source(name, &at("faults"))?;
        for (kind, share) in kinds {
            let key = at(&format!("faults.{name}.{kind}"));
            let kind: FaultKind = kind.parse().map_err(|e| anyhow::anyhow!("{key}: {e}"))?;
            opts.faults.entry(src).or_default().push((kind, *share));
        }
    }
    for (name, d) in &s.down {
        let key = at(&format!("down.{name}"));
        let window = DownWindow {
            start: duration(&d.start, &key)?,
            length: duration(&d.length, &key)?,
        };
        opts.down.insert(source(name, &key)?, window);
    }
    check(opts)
}

/// `--fault SOURCE=KIND:F` (repeatable).
pub fn add_faults(values: &[String], opts: &mut SimOptions) -> anyhow::Result<()> {
    for v in values {
        let at = format!("--fault {v}");
        let (name, rest) = v.split_once('=').with_context(|| {
            format!("{at}: expected SOURCE=KIND:SHARE, e.g. assessor=reset:0.02")
        })?;
        let (kind, share) = rest.split_once(':').with_context(|| {
            format!("{at}: expected SOURCE=KIND:SHARE, e.g. assessor=reset:0.02")
        })?;
        let kind: FaultKind = kind.parse().map_err(|e| anyhow::anyhow!("{at}: {e}"))?;
        let share: f64 = share
            .trim()
            .parse()
            .ok()
            .filter(|f: &f64| (0.0..=1.0).contains(f))
            .with_context(|| format!("{at}: the share is a fraction of requests, from 0 to 1"))?;
        opts.faults
            .entry(source(name, &at)?)
            .or_default()
            .push((kind, share));
    }
    check(opts)
}

/// `--down SOURCE=START+LENGTH`, e.g. `recorder=10s+1m`.
pub fn add_down(values: &[String], opts: &mut SimOptions) -> anyhow::Result<()> {
    for v in values {
        let at = format!("--down {v}");
        let (name, span) = v
            .split_once('=')
            .with_context(|| format!("{at}: expected SOURCE=START+LENGTH, e.g. recorder=10s+1m"))?;
        let (start, length) = span
            .split_once('+')
            .with_context(|| format!("{at}: expected SOURCE=START+LENGTH, e.g. recorder=10s+1m"))?;
        let window = DownWindow {
            start: duration(start, &at)?,
            length: duration(length, &at)?,
        };
        opts.down.insert(source(name, &at)?, window);
    }
    Ok(())
}

/// The shares of one source's faults (503 error rate included) add up to at most 1.
fn check(opts: &SimOptions) -> anyhow::Result<()> {
    for s in Service::ALL {
        let faults: f64 = opts
            .faults
            .get(&s)
            .map_or(0.0, |m| m.iter().map(|(_, f)| f).sum());
        let total = faults + opts.error_rate.get(&s).copied().unwrap_or(0.0);
        if !(0.0..=1.0 + 1e-9).contains(&total) {
            bail!("the faults of {s} add up to {total}: their shares must add up to at most 1");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenarios_load() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config/sim");
        let mut n = 0;
        for e in std::fs::read_dir(dir).expect("config/sim") {
            let path = e.expect("entry").path();
            let mut opts = SimOptions::default();
            load(&path, &mut opts).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            n += 1;
        }
        assert!(n >= 3, "{n} scenarios");
    }

    #[test]
    fn flags_add_faults_and_windows_and_refuse_nonsense() {
        let mut opts = SimOptions::default();
        add_faults(
            &["assessor=reset:0.1".into(), "assessor=html:0.05".into()],
            &mut opts,
        )
        .expect("faults");
        assert_eq!(opts.faults[&Service::Assessor].len(), 2);
        add_down(&["recorder=2s+1m".into()], &mut opts).expect("down");
        assert_eq!(
            opts.down[&Service::Recorder].length,
            Duration::from_secs(60)
        );
        assert!(add_faults(&["assessor=teapot:0.1".into()], &mut opts).is_err());
        assert!(
            add_faults(&["assessor=503:0.9".into()], &mut opts).is_err(),
            "over 1 in all"
        );
        assert!(add_down(&["recorder=2s".into()], &mut opts).is_err());
    }
}
