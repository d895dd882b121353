//! One page on the reused tab: `Page.navigate`, then one `Runtime.evaluate` of the caller's
//! promise, wrapped so that it never reads the previous document and never outlives its
//! deadline inside the page.
//!
//! Why one evaluate: every headless_chrome call costs a round trip through a shared
//! websocket lock, so the classic navigate + wait_until_navigated + wait_for_element +
//! get_inner_text sequence costs 0.6–2.6 s a page, while navigate + one awaited evaluate
//! costs about 0.1 s.

use std::time::{Duration, Instant};

use headless_chrome::browser::transport::ConnectionClosed;
use headless_chrome::protocol::cdp::{Page, Runtime};
use headless_chrome::types::RemoteError;
use headless_chrome::Tab;
use serde::Deserialize;

/// The wrapper's own timer fires this long before the deadline, so its answer is back
/// (and the browser known to be healthy) before the caller gives up.
const JS_MARGIN: Duration = Duration::from_millis(60);
/// Below this much time left there is no point starting another evaluate.
const MIN_BUDGET: Duration = Duration::from_millis(20);
/// Pause before asking again when the evaluate reached the previous document.
const STALE_PAUSE: Duration = Duration::from_millis(5);

/// Why a page failed, from the tab's point of view; the worker turns it into a
/// `BrowserError` and decides about recycling.
#[derive(Debug)]
pub(crate) enum PageError {
    /// The deadline passed (the promise never resolved, or the page never committed).
    Timeout,
    /// The caller's script threw or did not parse. `claimed` is false when the wrapper
    /// never ran, so the current document was not marked as read.
    Script { message: String, claimed: bool },
    /// Chromium could not load the URL.
    Navigation(String),
    /// The CDP connection or the tab is broken: the browser must be replaced.
    Broken(String),
}

/// What the wrapper resolves to: `k` is `v` (value), `e` (the script threw), `t` (the
/// wrapper's timer fired first) or `s` (stale: this document was already read).
#[derive(Debug, Deserialize)]
struct Reply {
    k: String,
    #[serde(default)]
    v: Option<String>,
}

/// Navigates `tab` to `url` and returns the string that `script`'s promise resolves to.
pub(crate) fn render(
    tab: &Tab,
    url: &str,
    script: &str,
    deadline: Instant,
) -> Result<String, PageError> {
    navigate(tab, url)?;
    // Page.navigate may answer before the new document commits; an evaluate that lands in
    // the old document sees its "read" mark and answers `s`, and one that is cut off by
    // the commit fails with a context error. Both just ask again.
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < MIN_BUDGET {
            return Err(PageError::Timeout);
        }
        let budget = left.saturating_sub(JS_MARGIN).max(MIN_BUDGET);
        let expression = wrap(script, url, budget);
        match evaluate(tab, &expression)? {
            Some(reply) => match reply.k.as_str() {
                "v" => return Ok(reply.v.unwrap_or_default()),
                "e" => {
                    return Err(PageError::Script {
                        message: reply.v.unwrap_or_default(),
                        claimed: true,
                    })
                }
                "t" => return Err(PageError::Timeout),
                _ => std::thread::sleep(STALE_PAUSE),
            },
            None => std::thread::sleep(STALE_PAUSE),
        }
    }
}

fn navigate(tab: &Tab, url: &str) -> Result<(), PageError> {
    let reply = tab.call_method(Page::Navigate {
        url: url.to_string(),
        referrer: None,
        transition_Type: None,
        frame_id: None,
        referrer_policy: None,
    });
    match reply {
        Ok(done) => match done.error_text {
            Some(text) if !text.is_empty() => Err(PageError::Navigation(text)),
            _ => Ok(()),
        },
        // A protocol-level refusal ("Cannot navigate to invalid URL") is about the URL.
        Err(err) if err.downcast_ref::<RemoteError>().is_some() => {
            Err(PageError::Navigation(err.to_string()))
        }
        Err(err) => Err(PageError::Broken(format!("navigate: {err}"))),
    }
}

/// Runs one awaited evaluate. `Ok(None)` means "ask again" (the execution context went
/// away because the navigation committed mid-call).
fn evaluate(tab: &Tab, expression: &str) -> Result<Option<Reply>, PageError> {
    let reply = tab.call_method(Runtime::Evaluate {
        expression: expression.to_string(),
        object_group: None,
        include_command_line_api: Some(false),
        silent: Some(false),
        context_id: None,
        // The reply is a small plain object: take it by value, not as a remote handle.
        return_by_value: Some(true),
        generate_preview: Some(false),
        user_gesture: Some(false),
        await_promise: Some(true),
        throw_on_side_effect: None,
        timeout: None,
        disable_breaks: None,
        repl_mode: None,
        allow_unsafe_eval_blocked_by_csp: None,
        unique_context_id: None,
        serialization_options: None,
    });
    let done = match reply {
        Ok(done) => done,
        Err(err) => {
            if err.downcast_ref::<ConnectionClosed>().is_some() {
                return Err(PageError::Broken("connection to Chromium closed".into()));
            }
            if let Some(remote) = err.downcast_ref::<RemoteError>() {
                let msg = remote.message.to_ascii_lowercase();
                if msg.contains("context") || msg.contains("navigated") {
                    return Ok(None);
                }
            }
            return Err(PageError::Broken(format!("evaluate: {err}")));
        }
    };
    if let Some(details) = done.exception_details {
        // Only a script that does not parse gets here: the wrapper catches everything the
        // script throws at run time.
        let message = details
            .exception
            .and_then(|e| e.description)
            .unwrap_or(details.text);
        return Err(PageError::Script {
            message,
            claimed: false,
        });
    }
    let value = done.result.value.unwrap_or_default();
    serde_json::from_value::<Reply>(value)
        .map(Some)
        .map_err(|e| PageError::Broken(format!("unexpected evaluate reply: {e}")))
}

/// Marks the current document as read, so that the next page's evaluate cannot mistake
/// it for the new one. Used after a script that did not parse (the wrapper never ran).
pub(crate) fn claim_current_document(tab: &Tab) -> Result<(), PageError> {
    evaluate(tab, "(window.__mpsRead = true, {k: 's'})").map(|_| ())
}

/// Wraps the caller's promise expression:
/// - answers `s` at once if this document was already read by an earlier page, or is the
///   blank/error page left before the navigation (unless that is what was asked for);
/// - otherwise marks the document as read, and races the caller's promise against a
///   timer of `budget`, turning a throw into `e` rather than a rejected evaluate.
fn wrap(script: &str, url: &str, budget: Duration) -> String {
    let allow_blank = url.starts_with("about:") || url.starts_with("chrome-error:");
    let ms = budget.as_millis();
    format!(
        r#"(() => {{
  const w = window;
  if (w.__mpsRead || (!{allow_blank} && (location.href === 'about:blank' || location.protocol === 'chrome-error:'))) {{
    return {{k: 's'}};
  }}
  w.__mpsRead = true;
  return new Promise((resolve) => {{
    const timer = setTimeout(() => resolve({{k: 't'}}), {ms});
    const done = (r) => {{ clearTimeout(timer); resolve(r); }};
    Promise.resolve().then(() => (
{script}
    )).then(
      (v) => done({{k: 'v', v: typeof v === 'string' ? v : JSON.stringify(v)}}),
      (e) => done({{k: 'e', v: String((e && e.stack) || e)}}),
    );
  }});
}})()"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_embeds_script_and_budget() {
        let js = wrap(
            "Promise.resolve('x') // trailing comment",
            "http://h/p",
            Duration::from_millis(1500),
        );
        assert!(js.contains("Promise.resolve('x') // trailing comment\n"));
        assert!(js.contains("), 1500)"));
        assert!(js.contains("!false &&"));
        assert!(wrap("1", "about:blank", Duration::ZERO).contains("!true &&"));
    }
}
