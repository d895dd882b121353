//! Reading the YAML config file, with errors that name the file, the key and the line.

use super::Config;
use std::path::{Path, PathBuf};

/// A problem with the configuration; every message says where and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: bad value for `{key}`: {reason}")]
    Value {
        path: PathBuf,
        line: usize,
        key: String,
        reason: String,
    },
    #[error("environment variable {var}={value:?}: {reason}")]
    Env {
        var: String,
        value: String,
        reason: String,
    },
    #[error("{flag}: {reason}")]
    Flag { flag: String, reason: String },
}

/// Loads a config file. An empty file gives the defaults.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parses config text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let has_content = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !has_content {
        return Ok(Config::default());
    }
    // serde_path_to_error tracks the whole key (`http.timeout`), which the YAML error
    // alone reduces to its section (`http`).
    let de = serde_norway::Deserializer::from_str(text);
    let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        ConfigError::Parse {
            path: path.to_path_buf(),
            line: inner.location().map(|l| l.line()).unwrap_or(0),
            message: with_key(&key, &tidy(&inner.to_string())),
        }
    })?;
    config.check().map_err(|(key, reason)| ConfigError::Value {
        path: path.to_path_buf(),
        line: line_of(text, &key),
        key,
        reason,
    })?;
    Ok(config)
}

/// `http.timeout: "abc" is not a duration`: the YAML message starts with the key's section
/// (`http: ...`), which the whole key replaces.
fn with_key(key: &str, message: &str) -> String {
    if key.is_empty() || key == "." {
        return message.to_string();
    }
    let section = key.split('.').next().unwrap_or(key);
    let rest = message
        .strip_prefix(&format!("{key}: "))
        .or_else(|| message.strip_prefix(&format!("{section}: ")))
        .unwrap_or(message);
    format!("{key}: {rest}")
}

/// The serde message carries its own "at line N column M"; the prefix already says the line.
fn tidy(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// The 1-based line where the dotted `key` (`sources.assessor.rate`) is set: each part is
/// looked for below the line of the part before it, indented deeper (0 when the value is a
/// default, not in the file).
fn line_of(text: &str, key: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let (mut from, mut depth, mut found) = (0, None::<usize>, 0);
    for part in key.split('.') {
        let wanted = format!("{part}:");
        let hit = lines.iter().enumerate().skip(from).find(|(_, l)| {
            let t = l.trim_start();
            t.starts_with(&wanted) && depth.is_none_or(|d| indent(l) > d)
        });
        match hit {
            Some((i, l)) => {
                found = i + 1;
                from = i + 1;
                depth = Some(indent(l));
            }
            None => return 0,
        }
    }
    found
}

/// Where the default config file lives, if there is one: `$XDG_CONFIG_HOME/mps/config.yaml`
/// (or `~/.config/mps/config.yaml`). Never a file in the current directory: a
/// `config/config.yaml` wherever mps happens to run must not change a batch by surprise.
pub fn default_path() -> Option<PathBuf> {
    default_path_in(|k| std::env::var_os(k))
}

fn default_path_in(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let p = base.join("mps").join("config.yaml");
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("c.yaml")
    }

    #[test]
    fn the_default_config_is_in_the_user_config_dir_never_the_current_one() {
        let dir = std::env::temp_dir().join(format!("mps-cfg-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("mps")).unwrap();
        let none = default_path_in(|k| (k == "XDG_CONFIG_HOME").then(|| dir.clone().into()));
        assert_eq!(none, None);
        std::fs::write(dir.join("mps/config.yaml"), "{}\n").unwrap();
        let found = default_path_in(|k| (k == "XDG_CONFIG_HOME").then(|| dir.clone().into()));
        assert_eq!(found, Some(dir.join("mps/config.yaml")));
        let home = default_path_in(|k| (k == "HOME").then(|| dir.clone().into()));
        assert_eq!(home, None, "HOME/.config/mps/config.yaml does not exist");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_name_the_whole_key_once() {
        for (text, want) in [
            (
                "http:\n  timeout: abc\n",
                "2: http.timeout: \"abc\" is not a duration",
            ),
            (
                "http:\n  timeoutx: 3\n",
                "2: http.timeoutx: unknown field `timeoutx`",
            ),
            (
                "sources:\n  assessor:\n    rate: fast\n",
                "3: sources.assessor.rate: invalid type",
            ),
        ] {
            let e = parse(p(), text).expect_err(text).to_string();
            assert!(e.contains(want), "{e}");
            assert_eq!(
                e.matches("http.").count() + e.matches("sources.").count(),
                1,
                "{e}"
            );
        }
    }

    #[test]
    fn empty_is_default() {
        let c = parse(p(), "# nothing\n\n").unwrap();
        assert_eq!(c.batch_processing.api_rate_limit, 2.0);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse(
            p(),
            "batch_processing:\n  api_rate_limit: 3\n  api_rate_limt: 4\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("c.yaml:3:"), "{err}");
        assert!(err.contains("api_rate_limt"), "{err}");
    }

    #[test]
    fn bad_type_names_line() {
        let err = parse(p(), "http:\n  timeout: soon\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.yaml:2:"), "{err}");
        assert!(err.contains("soon"), "{err}");
    }

    #[test]
    fn bad_value_names_key_and_line() {
        let err = parse(p(), "sources:\n  assessor:\n    concurrency: 0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.yaml:3: bad value for `sources.assessor.concurrency`: must be at least 1"
        );
    }

    #[test]
    fn values_are_read() {
        let c = parse(
            p(),
            "sources:\n  assessor:\n    rate: 5\nhttp:\n  timeout: 2s\nbatch_processing:\n  adaptive_rate_limiting: false\n",
        )
        .unwrap();
        assert_eq!(c.sources.assessor.rate, Some(5.0));
        assert_eq!(c.http.timeout, std::time::Duration::from_secs(2));
        assert!(!c.batch_processing.adaptive_rate_limiting);
    }
}
