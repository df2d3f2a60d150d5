//! Certificates: the `imza cert show --json` summary, and path validation with revocation
//! as `imza cert verify --json` reports it.

use imza::cert::{CertificateSummary, Purpose};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::exchanges::Exchanges;
use crate::options::{self, Validation};
use crate::{json_value, Failure};

#[derive(Serialize)]
struct Show {
    certificates: Vec<CertificateSummary>,
}

fn to_json<T: Serialize>(v: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(v).map_err(|e| {
        Failure(imza::Error::Malformed {
            what: "JSON output",
            detail: e.to_string(),
        })
    })
}

/// Describes every certificate in `bytes` (DER, or PEM with one or many) as `imza cert
/// show --json` does: `{ certificates: [{ subject, issuer, serial, not_before, ... }] }`.
#[wasm_bindgen(js_name = parseCertificate)]
pub fn parse_certificate(bytes: JsValue) -> Result<JsValue, Failure> {
    let bytes = options::bytes_of(&bytes)
        .ok_or_else(|| options::invalid("a certificate is PEM text or DER bytes"))?;
    let certificates = imza::cert::parse_any(&bytes)?
        .iter()
        .map(CertificateSummary::new)
        .collect::<Result<Vec<_>, _>>()?;
    json_value(&to_json(&Show { certificates })?)
}

/// Validates the certificate `cert` (the first one in PEM or DER) for `purpose` (`"signing"`,
/// `"auth"`, `"tsa"`, `"ocsp"`, `"server"`, `"any"`) with the options `{ trust,
/// intermediates, at, revocation, ocspResponses, crls }`, one round of the host's network
/// in `exchanges`. Returns the `imza cert verify --json` object, valid or not.
#[wasm_bindgen(js_name = validatePathCore)]
pub fn validate_path(
    cert: JsValue,
    purpose: Option<String>,
    opts: JsValue,
    exchanges: &Exchanges,
) -> Result<JsValue, Failure> {
    let bytes = options::bytes_of(&cert)
        .ok_or_else(|| options::invalid("a certificate is PEM text or DER bytes"))?;
    let purpose = match purpose.as_deref() {
        None => Purpose::DocumentSigning,
        Some(p) => Purpose::from_cli(p).ok_or_else(|| {
            options::invalid("purpose is signing, auth, tsa, ocsp, server or any")
        })?,
    };
    let validation = Validation::from_js(&opts)?;
    let leaf = options::certificates(std::slice::from_ref(&bytes))
        .ok()
        .and_then(|mut v| (!v.is_empty()).then(|| v.swap_remove(0)))
        .unwrap_or(bytes);
    let report = imza::verify_certificate(&leaf, purpose, &validation.options(&exchanges.inner))?;
    json_value(&to_json(&report)?)
}
