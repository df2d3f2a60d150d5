//! imza for browsers and Node.js: a thin wasm-bindgen facade over the core.
//!
//! The core is built without `ring` (it needs a C compiler for wasm32), so RustCrypto does
//! all the work. Every function here converts its arguments, calls the core, and turns an
//! [`imza::Error`] into a JS `Error` (see [`ImzaError`]); no logic of its own lives here.
//!
//! ```js
//! const imza = require("./pkg/imza_wasm.js");
//! try {
//!   imza.verifySignature("ES256", spkiDer, message, signature);
//! } catch (e) {
//!   // e.name === "ImzaError", e.code === 300 for a signature that does not verify
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use imza::crypto::SignatureAlgorithm;
use wasm_bindgen::prelude::*;

/// The `name` of every error thrown to JavaScript.
const ERROR_NAME: &str = "ImzaError";

/// The imza version, the same string the C ABI's `imza_version()` returns.
#[wasm_bindgen]
pub fn version() -> String {
    imza::VERSION.into()
}

/// The JOSE `alg` names `verifySignature` accepts.
#[wasm_bindgen]
pub fn algorithms() -> Vec<String> {
    SignatureAlgorithm::jose_names().map(String::from).collect()
}

/// Verifies `signature` over `message` with the public key in `spki` (a DER
/// `SubjectPublicKeyInfo`) under the JOSE algorithm `alg`, with the core's strict policy.
///
/// ECDSA signatures are JOSE-style: the fixed-width `r || s`, not DER. Returns `undefined`
/// when the signature verifies. Otherwise throws an `Error` named `"ImzaError"` with the
/// core's numeric `code`: 300 when the signature does not verify, 200 for an unknown `alg`,
/// 202 for a key of the wrong type, 100 for a malformed key.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    alg: &str,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), ImzaError> {
    verify(alg, spki, message, signature).map_err(ImzaError)
}

/// The core call behind [`verify_signature`], free of JS types so native tests can run it.
fn verify(alg: &str, spki: &[u8], message: &[u8], signature: &[u8]) -> Result<(), imza::Error> {
    // verify_jose also binds ES256/ES384/ES512 to their curves (RFC 7518 §3.4).
    imza::crypto::verify_jose(alg, spki, message, signature)
}

/// An [`imza::Error`] on its way to JavaScript.
///
/// It is thrown as a plain JS `Error` whose `message` is the error's `Display`, whose `name`
/// is `"ImzaError"` and whose numeric `code` property is [`imza::Error::code`], the same
/// code the C ABI returns.
#[derive(Debug)]
pub struct ImzaError(pub imza::Error);

impl From<ImzaError> for JsValue {
    fn from(e: ImzaError) -> Self {
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

    #[test]
    fn errors_keep_the_core_codes() {
        let unknown = verify("HS256", &[], b"", &[]).map_err(|e| e.code());
        assert_eq!(unknown, Err(200));
        let malformed = verify("ES256", b"not DER", b"", &[]).map_err(|e| e.code());
        assert_eq!(malformed, Err(100));
    }
}
