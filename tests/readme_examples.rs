//! Every command of the README's Usage section, read from the README as it stands and run
//! against the simulator (and a throw-away PostgreSQL for `$DB`): an example a user pastes
//! must work. Only the placeholders are filled in: the job id and the token.

mod common;

use common::pg::TempPostgres;
use common::*;
use mps::sim::County;
use std::path::Path;

const PLACEHOLDER_JOB: &str = "20261129T081500Z-3f9a";

/// The shell lines of the README's Usage code block, without comments.
fn usage_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let usage = readme
        .split("## Usage")
        .nth(1)
        .expect("a Usage section in the README");
    let block = usage
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh code block in the Usage section");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn shell(env: &Env, bin_dir: &Path, db: &str, script: &str) -> std::process::Output {
    let mut c = env.mps();
    c.env(
        "PATH",
        format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("DB", db)
    .env_remove("MPS_ASSESSOR_TOKEN")
    .env("MPS_ASSESSOR_TOKEN", env.sim.token());
    // `Command::new(BIN)` from env.mps() is replaced by bash; keep its environment.
    let mut bash = std::process::Command::new("bash");
    bash.current_dir(env.path(""))
        .env_clear()
        .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .args(["-o", "pipefail", "-c", script])
        .stdin(std::process::Stdio::null());
    bash.output().expect("run bash")
}

#[test]
fn every_usage_example_in_the_readme_runs() {
    let env = Env::new();
    let db = TempPostgres::start();
    let bin_dir = Path::new(BIN).parent().unwrap().to_path_buf();
    let apns = County::new(42).sample(4);
    let mut csv = String::from("apn\n");
    let mut parcels = String::from("apn,note\n");
    for a in &apns {
        csv.push_str(&format!("{a}\n"));
        parcels.push_str(&format!("{a},x\n"));
    }
    env.file("apns.csv", csv.as_bytes());
    env.file("parcels.csv", parcels.as_bytes());
    env.file("owners.csv", b"owner\nSMITH JOHN\nGARCIA MARIA\n");
    std::fs::create_dir(env.path("fixtures")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/apns.csv"),
        env.path("fixtures/apns.csv"),
    )
    .unwrap();

    let lines = usage_lines();
    assert!(lines.len() >= 10, "{lines:?}");
    let mut job = None::<String>;
    let mut i = 0;
    while i < lines.len() {
        let mut line = lines[i].clone();
        i += 1;
        if line.starts_with("export MPS_ASSESSOR_TOKEN=") {
            continue; // the token placeholder: the simulator's token is in the environment
        }
        if line.ends_with('&') || line.contains("> sim.env &") {
            // The standalone simulator and the line that reads its exports: run together,
            // then use it once and stop it.
            let next = lines.get(i).cloned().unwrap_or_default();
            i += 1;
            line = format!(
                "{line}\n{next}\ntest -n \"$MPS_TREASURER_URL\" && mps search {} >/dev/null; \
                 status=$?; kill %1; exit $status",
                apns[0]
            );
        }
        if line.contains(PLACEHOLDER_JOB) || line.contains(" JOB") {
            let id = job
                .as_deref()
                .expect("a job ran before the resume examples");
            line = line
                .replace(PLACEHOLDER_JOB, id)
                .replace(" JOB", &format!(" {id}"));
        }
        let out = shell(&env, &bin_dir, &db.url(), &line);
        let err = stderr(&out);
        // The fixture holds deliberately invalid rows: exit 1 is its documented outcome.
        let expected = if line.contains("fixtures/apns.csv") {
            1
        } else {
            0
        };
        assert_eq!(code(&out), expected, "README example `{line}`:\n{err}");
        if let Some(id) = err
            .split("mps: job ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
        {
            if line.contains("--database-url") {
                job = Some(id.to_string());
            }
        }
    }
    assert!(job.is_some(), "the database example started a job");
    let records = std::fs::read_to_string(env.path("records.jsonl")).unwrap();
    assert_eq!(records.lines().count(), apns.len());
    assert!(env.path("found.csv").exists());
    assert!(env.path("failed.csv").exists());
}
