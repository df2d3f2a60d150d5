//! Certificates: a description as JSON (`imza cert show --json`) and path validation for a
//! purpose at a time (`imza cert verify --json`).
//!
//! Thread safety: these functions keep no state; any number of threads may call them at
//! once, sharing a `const imza_verify_options *`.

use std::ffi::c_char;

use imza::cert::{self, CertificateSummary};
use imza::path::Purpose;
use imza::UnixTime;
use serde::Serialize;

use crate::boundary::{bytes_arg, c_string, clear_last_error, fail, handle, out_arg};
use crate::document::imza_verify_options;
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_OK};

/// No purpose check.
pub const IMZA_PURPOSE_ANY: u32 = 0;
/// Document signing (CAdES, XAdES, PAdES): keyUsage nonRepudiation or digitalSignature; an
/// EKU, when present, must allow document signing.
pub const IMZA_PURPOSE_DOCUMENT_SIGNING: u32 = 1;
/// Login (certificate login tokens, TLS client): keyUsage digitalSignature; an EKU, when
/// present, must include clientAuth.
pub const IMZA_PURPOSE_AUTHENTICATION: u32 = 2;
/// RFC 3161 time-stamping: EKU present, critical, and timeStamping only.
pub const IMZA_PURPOSE_TIMESTAMPING: u32 = 3;
/// Delegated OCSP responder: EKU id-kp-OCSPSigning.
pub const IMZA_PURPOSE_OCSP_SIGNING: u32 = 4;
/// TLS server: an EKU, when present, must include serverAuth.
pub const IMZA_PURPOSE_SERVER_AUTH: u32 = 5;

/// The `unix_seconds` value that means "now" (the current time when the call runs).
pub const IMZA_TIME_NOW: i64 = -1;

/// The JSON of `imza cert show --json`, without the `file` member (there is no file here).
#[derive(Serialize)]
struct ShowJson {
    certificates: Vec<CertificateSummary>,
}

/// Describes every certificate in `cert` (one DER certificate, or PEM with one or many) as
/// JSON in `*out`: `{"certificates": [...]}`, each entry the summary `imza cert show
/// --json` prints (subject, issuer, serial, validity, key, extensions, fingerprints, ...).
/// Release the string with [`crate::imza_string_free`].
///
/// Returns [`IMZA_OK`], [`crate::IMZA_MALFORMED`] for input that is not a certificate
/// (detail in `imza_last_error_message`), or [`crate::IMZA_NULL_PARAMETER`].
///
/// # Safety
///
/// `cert` must be NULL (with `len` 0) or point to `len` readable bytes; `out` must be NULL
/// or point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_cert_show_json(
    cert: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `cert` is NULL or `len` readable bytes (this function's contract).
        let bytes = try_ffi!(unsafe { bytes_arg(cert, len) });
        let summaries = cert::parse_any(bytes).and_then(|certs| {
            certs
                .iter()
                .map(CertificateSummary::new)
                .collect::<Result<Vec<_>, _>>()
        });
        let doc = match summaries {
            Ok(certificates) => ShowJson { certificates },
            Err(e) => return fail(&e),
        };
        *out = c_string(try_ffi!(to_json(&doc)));
        clear_last_error();
        IMZA_OK
    })
}

/// Pretty JSON, as the CLI prints it.
fn to_json<T: Serialize>(v: &T) -> Result<String, imza_result> {
    serde_json::to_string_pretty(v).map_err(|e| {
        fail(&imza::Error::Malformed {
            what: "JSON output",
            detail: e.to_string(),
        })
    })
}

fn purpose_of(p: u32) -> Option<Purpose> {
    Some(match p {
        IMZA_PURPOSE_ANY => Purpose::Any,
        IMZA_PURPOSE_DOCUMENT_SIGNING => Purpose::DocumentSigning,
        IMZA_PURPOSE_AUTHENTICATION => Purpose::Authentication,
        IMZA_PURPOSE_TIMESTAMPING => Purpose::Timestamping,
        IMZA_PURPOSE_OCSP_SIGNING => Purpose::OcspSigning,
        IMZA_PURPOSE_SERVER_AUTH => Purpose::ServerAuth,
        _ => return None,
    })
}

/// The current time.
pub(crate) fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime::from_secs(secs)
}

/// `unix_seconds` as a time: [`IMZA_TIME_NOW`] is now, another negative value is refused.
pub(crate) fn time_arg(unix_seconds: i64) -> Result<UnixTime, imza_result> {
    if unix_seconds == IMZA_TIME_NOW {
        return Ok(now());
    }
    u64::try_from(unix_seconds)
        .map(UnixTime::from_secs)
        .map_err(|_| IMZA_INVALID_ARGUMENT)
}

/// The DER of every certificate in a PEM bundle or one DER certificate.
fn ders(bytes: &[u8]) -> Result<Vec<Vec<u8>>, imza::Error> {
    cert::parse_any(bytes)?
        .iter()
        .map(|c| {
            der::Encode::to_der(c).map_err(|e| imza::Error::Malformed {
                what: "certificate",
                detail: e.to_string(),
            })
        })
        .collect()
}

/// Validates the certificate `cert` (DER, or PEM: the first certificate) for `purpose`
/// (RFC 5280 §6) with the validation options `opts`, as `imza cert verify --json` does:
/// a path through the options' intermediates to an anchor in their trust store, at their
/// validation time (now by default), then the revocation status as their mode says, from
/// their supplied OCSP responses and CRLs (offline) and through their transport (online).
/// The result goes to `*out_json` whether the certificate is valid or not:
///
/// `{"at", "purpose", "indication": "TOTAL_PASSED" | "TOTAL_FAILED" | "INDETERMINATE",
/// "sub_indication": ETSI EN 319 102-1 name or null, "reason": text or null, "path": [{subject,
/// issuer, serial, not_before, not_after, sha256_fingerprint, trust_anchor}, ...] (leaf
/// first; empty when not valid), "checks", "leaf_policies", "valid_policies", "revocation":
/// "not_checked_by_request" | "offline" | "online", "revocation_evidence"}`
///
/// - `opts`: from [`crate::document::imza_verify_options_new`] and its `_set_`/`_add_`
///   functions (the same options `imza_verify_document` takes). With
///   [`crate::document::IMZA_REVOCATION_OFFLINE`] (the default) and no OCSP response or
///   CRL that speaks for the path, a path that is otherwise valid is INDETERMINATE /
///   TRY_LATER.
/// - `purpose`: an `IMZA_PURPOSE_*` constant.
///
/// Returns [`IMZA_OK`] with the JSON; the path-validation code 800 ("a certificate is
/// malformed") when `cert` itself is not a certificate; a CRL code (950 malformed, 951
/// unsupported) when a supplied CRL does not parse; [`IMZA_INVALID_ARGUMENT`] for an
/// unknown purpose; NULL checks as usual.
///
/// # Safety
///
/// `opts` must be NULL or live validation options (not being changed by another thread);
/// `cert` NULL (with `len` 0) or `len` readable bytes; `out_json` NULL or a writable
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_cert_validate(
    opts: *const imza_verify_options,
    cert: *const u8,
    len: usize,
    purpose: u32,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live options (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `cert` is NULL or `len` readable bytes (this function's contract).
        let cert = try_ffi!(unsafe { bytes_arg(cert, len) });
        let Some(purpose) = purpose_of(purpose) else {
            return IMZA_INVALID_ARGUMENT;
        };
        // The leaf: PEM or DER in, the first certificate's DER out. Bytes that are not a
        // certificate at all are left to the validator, which says so.
        let leaf = match ders(cert) {
            Ok(mut v) if !v.is_empty() => v.swap_remove(0),
            _ => cert.to_vec(),
        };
        let report = opts.with(|o| imza::verify_certificate(&leaf, purpose, o));
        match report {
            Ok(report) => {
                *out = c_string(try_ffi!(to_json(&report)));
                clear_last_error();
                IMZA_OK
            }
            Err(e) => fail(&e),
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn purposes_cover_the_core() {
        for (c, p) in [
            (IMZA_PURPOSE_ANY, "any"),
            (IMZA_PURPOSE_DOCUMENT_SIGNING, "signing"),
            (IMZA_PURPOSE_AUTHENTICATION, "auth"),
            (IMZA_PURPOSE_TIMESTAMPING, "tsa"),
            (IMZA_PURPOSE_OCSP_SIGNING, "ocsp"),
            (IMZA_PURPOSE_SERVER_AUTH, "server"),
        ] {
            assert_eq!(purpose_of(c), Purpose::from_cli(p));
        }
        assert_eq!(purpose_of(6), None);
    }

    #[test]
    fn time_now_and_negative() {
        assert!(time_arg(IMZA_TIME_NOW).unwrap().as_secs() > 1_700_000_000);
        assert_eq!(time_arg(5).unwrap().as_secs(), 5);
        assert_eq!(time_arg(-2), Err(IMZA_INVALID_ARGUMENT));
    }
}
