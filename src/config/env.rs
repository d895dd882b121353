//! `MPS_*` environment variables, applied over the config file and under the flags.

use super::{duration::parse_duration, Config, ConfigError, Secret};
use mps_model::Service;

/// Every variable mps reads, for `--help` and the README.
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "MPS_CONFIG",
        "config file path (default $XDG_CONFIG_HOME/mps/config.yaml if present)",
    ),
    ("MPS_ASSESSOR_TOKEN", "Assessor API token"),
    ("MPS_ASSESSOR_URL", "Assessor base URL"),
    ("MPS_TREASURER_URL", "Treasurer base URL"),
    ("MPS_RECORDER_URL", "Recorder public API base URL"),
    (
        "MPS_RECORDER_WEB_URL",
        "Recorder website base URL (document pages)",
    ),
    (
        "MPS_CHROMIUM",
        "Chromium binary for pages that need JavaScript",
    ),
    ("MPS_STRATEGY", "processing strategy"),
    ("MPS_ASSESSOR_RATE", "Assessor requests per second"),
    ("MPS_TREASURER_RATE", "Treasurer requests per second"),
    ("MPS_RECORDER_RATE", "Recorder requests per second"),
    ("MPS_WORKERS", "rows in flight at once"),
    ("MPS_TIMEOUT", "whole-request timeout, e.g. 30s"),
    ("MPS_FORMAT", "output format: jsonl, csv or json"),
    ("MPS_PROGRESS", "progress: auto, bar, jsonl or none"),
];

/// Applies the environment (given as a lookup, so tests need not touch the process's).
pub fn apply(
    config: &mut Config,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let given = |var: &str| lookup(var).filter(|v| !v.trim().is_empty());
    apply_sources(config, &given)?;
    apply_settings(config, &given)?;
    // A value the variables above only stored is checked with the rest of the config; name
    // the variable and its value, not the key it landed in.
    const STORED: &[(&str, &str)] = &[
        ("batch.format", "MPS_FORMAT"),
        ("batch.progress", "MPS_PROGRESS"),
        ("batch.strategy", "MPS_STRATEGY"),
        ("batch_processing.max_concurrent_per_job", "MPS_WORKERS"),
    ];
    config.check().map_err(|(key, reason)| {
        match STORED
            .iter()
            .find(|(k, var)| *k == key && lookup(var).is_some())
        {
            Some((_, var)) => bad(var, &lookup(var).unwrap_or_default(), &reason),
            None => bad(&format!("MPS_* ({key})"), "", &reason),
        }
    })
}

/// The error for variable `var` holding `value`.
fn bad(var: &str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Env {
        var: var.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

/// `MPS_<SOURCE>_URL`, `MPS_<SOURCE>_RATE` and `MPS_RECORDER_WEB_URL`.
fn apply_sources(
    config: &mut Config,
    given: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for s in Service::ALL {
        let up = s.as_str().to_ascii_uppercase();
        let var = format!("MPS_{up}_URL");
        if let Some(v) = given(&var) {
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(bad(&var, &v, "must start with http:// or https://"));
            }
            config.sources.get_mut(s).url = v.trim().to_string();
        }
        let var = format!("MPS_{up}_RATE");
        if let Some(v) = given(&var) {
            let rate = v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .ok_or_else(|| {
                    bad(
                        &var,
                        &v,
                        "must be a number of requests per second (0 = no limit)",
                    )
                })?;
            config.sources.get_mut(s).rate = Some(rate);
        }
    }
    if let Some(v) = given("MPS_RECORDER_WEB_URL") {
        if !(v.starts_with("http://") || v.starts_with("https://")) {
            return Err(bad(
                "MPS_RECORDER_WEB_URL",
                &v,
                "must start with http:// or https://",
            ));
        }
        config.sources.recorder.web_url = Some(v.trim().to_string());
    }
    Ok(())
}

/// The other variables: browser, strategy, token, workers, timeout, format, progress.
fn apply_settings(
    config: &mut Config,
    given: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    if let Some(v) = given("MPS_CHROMIUM") {
        config.browser.chromium = Some(v.trim().into());
    }
    if let Some(v) = given("MPS_STRATEGY") {
        config.batch.strategy = v.trim().to_string();
    }
    if let Some(v) = given("MPS_ASSESSOR_TOKEN") {
        config.sources.assessor.token = Some(Secret::new(v.trim()));
    }
    if let Some(v) = given("MPS_WORKERS") {
        let n = v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| bad("MPS_WORKERS", &v, "must be a whole number, 1 or more"))?;
        config.batch_processing.max_concurrent_per_job = n;
    }
    if let Some(v) = given("MPS_TIMEOUT") {
        config.http.timeout = parse_duration(&v).map_err(|e| bad("MPS_TIMEOUT", &v, &e))?;
    }
    if let Some(v) = given("MPS_FORMAT") {
        config.batch.format = v.trim().to_string();
    }
    if let Some(v) = given("MPS_PROGRESS") {
        config.batch.progress = v.trim().to_string();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn env_overrides_file_values() {
        let mut c = Config::default();
        c.sources.assessor.rate = Some(1.0);
        let env: HashMap<&str, &str> = [
            ("MPS_ASSESSOR_RATE", "7.5"),
            ("MPS_ASSESSOR_URL", "http://127.0.0.1:9/assessor"),
            ("MPS_WORKERS", "3"),
            ("MPS_ASSESSOR_TOKEN", "t0k"),
        ]
        .into();
        apply(&mut c, |k| env.get(k).map(std::string::ToString::to_string)).unwrap();
        assert_eq!(c.sources.assessor.rate, Some(7.5));
        assert_eq!(c.sources.assessor.url, "http://127.0.0.1:9/assessor");
        assert_eq!(c.batch_processing.max_concurrent_per_job, 3);
        assert_eq!(c.sources.assessor.token.unwrap().expose(), "t0k");
    }

    #[test]
    fn a_stored_value_refused_later_names_its_variable_and_value() {
        for (var, value) in [("MPS_FORMAT", "yaml"), ("MPS_WORKERS", "100000")] {
            let mut c = Config::default();
            let err = apply(&mut c, |k| (k == var).then(|| value.to_string()))
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("{var}=\"{value}\"")), "{err}");
        }
    }

    #[test]
    fn bad_env_value_names_variable() {
        let mut c = Config::default();
        let err = apply(&mut c, |k| (k == "MPS_WORKERS").then(|| "many".to_string()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("MPS_WORKERS") && err.contains("many"), "{err}");
    }
}
