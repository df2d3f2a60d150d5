//! The exceptions file: reasoned, deliberate differences from limbo's expectations.
//!
//! A JSON object mapping a testcase id to `{expected, actual, reason}` (the shape
//! rustls-webpki's `third-party/x509-limbo/exceptions.json` uses). Wrong *rejects* may be
//! listed (`expected: SUCCESS, actual: FAILURE`: imza is stricter than limbo expects). A
//! wrong accept is a security bug to fix, so [`load`] refuses an entry for one, except in
//! the [`LINT_FAMILIES`]: cases that test a certificate-profile lint, not whether the
//! certificate is valid for the peer name.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Testcase families whose FAILURE expectation is a CA/B Forum profile lint that imza
/// deliberately does not apply, so an accepted case there may be excepted.
/// `webpki::cn::*` requires the subject CN to copy a SAN entry (BR 7.1.4.3); the CN is not
/// a name (RFC 6125 §6.4.4) and the peer name is matched on the SAN, as rustls-webpki does.
pub const LINT_FAMILIES: &[&str] = &["webpki::cn::"];

/// One deliberate difference.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// What limbo expects: `SUCCESS` (`FAILURE` only in a [`LINT_FAMILIES`] case).
    pub expected: String,
    /// What imza answers: the other one.
    pub actual: String,
    /// Why imza differs, with the rule it follows.
    pub reason: String,
}

/// Parses and checks an exceptions file.
pub fn load(json: &str) -> Result<BTreeMap<String, Exception>, String> {
    let map: BTreeMap<String, Exception> =
        serde_json::from_str(json).map_err(|e| format!("exceptions file: {e}"))?;
    for (id, ex) in &map {
        let lint = LINT_FAMILIES.iter().any(|f| id.starts_with(f));
        let wrong_reject = ex.expected == "SUCCESS" && ex.actual == "FAILURE";
        let lint_accept = lint && ex.expected == "FAILURE" && ex.actual == "SUCCESS";
        if !wrong_reject && !lint_accept {
            return Err(format!(
                "exceptions file: {id}: only wrong rejects (expected SUCCESS, actual FAILURE) \
                 may be excepted; a wrong accept is a security bug to fix"
            ));
        }
        if ex.reason.trim().len() < 20 {
            return Err(format!("exceptions file: {id}: give a reason"));
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_accept_cannot_be_excepted() {
        let json = r#"{"x::y": {"expected": "FAILURE", "actual": "SUCCESS",
            "reason": "this would hide a security bug"}}"#;
        assert!(load(json).unwrap_err().contains("security bug"));
        let json = r#"{"x::y": {"expected": "SUCCESS", "actual": "FAILURE",
            "reason": "imza is stricter here, by RFC 5280 section 4.2"}}"#;
        assert_eq!(load(json).unwrap().len(), 1);
    }

    #[test]
    fn only_a_lint_case_may_be_accepted() {
        let json = r#"{"webpki::cn::not-in-san": {"expected": "FAILURE", "actual": "SUCCESS",
            "reason": "a BR 7.1.4.3 profile lint on the subject CN"}}"#;
        assert_eq!(load(json).unwrap().len(), 1);
        let json = r#"{"webpki::san::not-in-san": {"expected": "FAILURE", "actual": "SUCCESS",
            "reason": "a BR 7.1.4.3 profile lint on the subject CN"}}"#;
        assert!(load(json).unwrap_err().contains("security bug"));
    }
}
