//! Config errors name the file, the line and the whole key (`http.timeout`), and a refused
//! environment variable its name and value, through the real binary.

mod common;

use common::{code, stderr, Env};

#[test]
fn a_bad_config_value_names_the_whole_key_and_its_line() {
    let env = Env::new();
    let input = env.file("in.csv", b"apn\n101-12-001\n");
    for (text, want) in [
        (
            "http:\n  timeout: abc\n",
            ":2: http.timeout: \"abc\" is not a duration",
        ),
        (
            "sources:\n  assessor:\n    burst: 2\n  treasurer:\n    concurrency: 0\n",
            ":5: bad value for `sources.treasurer.concurrency`",
        ),
        (
            "batch:\n  workers: 3\n",
            ":2: batch.workers: unknown field `workers`",
        ),
    ] {
        let cfg = env.file("c.yaml", text.as_bytes());
        let out = env.batch(
            &input,
            &[
                "--config",
                cfg.to_str().expect("utf-8"),
                "--progress",
                "none",
            ],
        );
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("c.yaml{want}")), "{err}");
    }
    let mut c = env.mps();
    c.env("MPS_FORMAT", "yaml")
        .args(["batch", "--input"])
        .arg(&input);
    let out = c.output().expect("run");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("MPS_FORMAT=\"yaml\""),
        "{}",
        stderr(&out)
    );
}
