//! imza for browsers and Node.js: the wasm-bindgen half of the npm package `imza`.
//!
//! Every function converts its arguments, calls the core's front door (`imza::verify`
//! through [`imza::DocumentVerifier`], the certificate, token and Web eID validators) and
//! returns what the other faces return: the report as `imza verify --json` prints it, the
//! core's error codes. The package's JavaScript (`package/api.js`) adds what JavaScript
//! callers expect and Rust cannot give synchronously: `async` functions whose online
//! revocation goes through the caller's `fetch` (see [`Exchanges`]), streams, and the
//! `ImzaError` class. No validation logic lives here or there.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cert;
mod document;
mod exchanges;
mod options;
#[cfg(feature = "sign")]
mod sign;
mod token;

use imza::crypto::SignatureAlgorithm;
use wasm_bindgen::prelude::*;

pub use cert::{parse_certificate, validate_path};
pub use document::DocumentVerifier;
pub use exchanges::Exchanges;
#[cfg(feature = "sign")]
pub use sign::sign_document;
pub use token::{create_challenge, validate_web_eid_token, verify_id_token, verify_token};

/// The `name` of every error thrown to JavaScript.
const ERROR_NAME: &str = "ImzaError";

/// The imza version, the same string the C ABI's `imza_version()` returns.
#[wasm_bindgen]
pub fn version() -> String {
    imza::VERSION.into()
}

/// The core's one-line description of an error code (`undefined` for an unknown code).
#[wasm_bindgen]
pub fn describe(code: u32) -> Option<String> {
    imza::describe(code).map(String::from)
}

/// The JOSE `alg` names `verifySignature` accepts.
#[wasm_bindgen]
pub fn algorithms() -> Vec<String> {
    SignatureAlgorithm::jose_names().map(String::from).collect()
}

/// Verifies `signature` over `message` with the public key in `spki` (a DER
/// `SubjectPublicKeyInfo`) under the JOSE algorithm `alg`, with the core's strict policy.
/// ECDSA signatures are JOSE-style (`r || s`). Throws an `ImzaError` (300 when the
/// signature does not verify).
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    alg: &str,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), Failure> {
    // verify_jose also binds ES256/ES384/ES512 to their curves (RFC 7518 §3.4).
    Ok(imza::crypto::verify_jose(alg, spki, message, signature)?)
}

/// A serialisable core result as the JS object its JSON describes, so that the object is
/// exactly what the CLI's `--json` prints.
pub(crate) fn json_value(json: &str) -> Result<JsValue, Failure> {
    js_sys::JSON::parse(json).map_err(|_| {
        Failure(imza::Error::Malformed {
            what: "JSON output",
            detail: "not JSON".into(),
        })
    })
}

/// The report as a JS object.
pub(crate) fn report_value(report: &imza::Report) -> Result<JsValue, Failure> {
    json_value(&report.to_json()?)
}

/// An [`imza::Error`] on its way to JavaScript: a JS `Error` whose `message` is the
/// error's `Display`, whose `name` is `"ImzaError"` and whose numeric `code` is
/// [`imza::Error::code`], the code the C ABI returns. The package's JavaScript turns it
/// into an instance of its `ImzaError` class.
#[derive(Debug)]
pub struct Failure(pub imza::Error);

impl From<imza::Error> for Failure {
    fn from(e: imza::Error) -> Self {
        Self(e)
    }
}

impl From<Failure> for JsValue {
    fn from(e: Failure) -> Self {
        let js = js_sys::Error::new(&e.0.to_string());
        js.set_name(ERROR_NAME);
        // Defining a data property on a fresh, extensible `Error` cannot fail, and if it
        // somehow did, the message and name still say what went wrong.
        let _ = js_sys::Reflect::set(&js, &"code".into(), &e.0.code().into());
        js.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_algorithm_is_a_jose_name_the_core_knows() {
        for name in SignatureAlgorithm::jose_names() {
            let alg = SignatureAlgorithm::from_jose(name).map(SignatureAlgorithm::jose_name);
            assert_eq!(alg, Ok(Some(name)));
        }
    }

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }
}
