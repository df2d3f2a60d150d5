//! The exceptions file: reasoned, deliberate differences from limbo's expectations.
//!
//! A JSON object mapping a testcase id to `{expected, actual, reason}` (the shape
//! rustls-webpki's `third-party/x509-limbo/exceptions.json` uses). Only wrong *rejects*
//! may be listed (`expected: SUCCESS, actual: FAILURE`: imza is stricter than limbo
//! expects). A wrong accept is a security bug to fix, so [`load`] refuses an entry for one.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One deliberate difference.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// What limbo expects: must be `SUCCESS`.
    pub expected: String,
    /// What imza answers: must be `FAILURE`.
    pub actual: String,
    /// Why imza differs, with the rule it follows.
    pub reason: String,
}

/// Parses and checks an exceptions file.
pub fn load(json: &str) -> Result<BTreeMap<String, Exception>, String> {
    let map: BTreeMap<String, Exception> =
        serde_json::from_str(json).map_err(|e| format!("exceptions file: {e}"))?;
    for (id, ex) in &map {
        if ex.expected != "SUCCESS" || ex.actual != "FAILURE" {
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
}
