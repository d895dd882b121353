//! How an error is told to the user: its message, then each cause that adds something.

use std::fmt::Write;

/// The error and its causes joined by `: `, each cause left out when the text so far
/// already says it (many messages quote their cause, and printing the chain again would
/// repeat it: "... (os error 30): Read-only file system (os error 30)").
pub fn chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        let _ = write!(text, "{part}");
    }
    text
}

/// Whether the error comes from writing to a pipe whose reader has gone (`mps ... | head`):
/// not a failure, the user has what they wanted; mps exits 0 quietly, as ripgrep and fd do.
pub fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn a_closed_pipe_is_recognised_through_the_context() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = Err::<(), _>(io).context("writing the list").unwrap_err();
        assert!(is_closed_pipe(&err));
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = Err::<(), _>(io).context("x").unwrap_err();
        assert!(!is_closed_pipe(&err));
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::other("Read-only file system (os error 30)");
        let err = Err::<(), _>(io)
            .context("cannot create /ro/out.jsonl: Read-only file system (os error 30)")
            .unwrap_err();
        assert_eq!(
            chain(&err),
            "cannot create /ro/out.jsonl: Read-only file system (os error 30)"
        );
        let io = std::io::Error::other("No such file or directory (os error 2)");
        let err = Err::<(), _>(io).context("cannot create x").unwrap_err();
        assert_eq!(
            chain(&err),
            "cannot create x: No such file or directory (os error 2)"
        );
    }
}
