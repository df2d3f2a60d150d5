//! Certificates: a description as JSON (`imza cert show --json`) and path validation for a
//! purpose at a time (`imza cert verify --json`).
//!
//! Thread safety: these functions keep no state; any number of threads may call them at
//! once, sharing a `const imza_trust_store *`.

use std::ffi::c_char;

use imza::cert::{self, CertificateSummary};
use imza::path::{self, Options, PathError, Purpose, ValidPath};
use imza::report::{Indication, SubIndication};
use imza::revocation::{Checker, Evidence};
use imza::UnixTime;
use serde::Serialize;

use crate::boundary::{bytes_arg, c_string, clear_last_error, fail, handle, out_arg};
use crate::document::{IMZA_REVOCATION_ONLINE, IMZA_REVOCATION_SKIP};
use crate::trust::imza_trust_store;
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

/// Every path error goes through here, so that the code space changes in one place.
fn path_err(e: PathError) -> imza_result {
    fail(&imza::Error::from(e))
}

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

/// The result of `imza cert verify --json`, without the `file` member.
#[derive(Serialize)]
struct PathReport {
    at: UnixTime,
    purpose: Purpose,
    indication: Indication,
    sub_indication: Option<SubIndication>,
    reason: Option<String>,
    /// The validated path, leaf first, anchor last.
    path: Vec<PathEntry>,
    /// The checks a valid path passed.
    checks: Vec<&'static str>,
    leaf_policies: Vec<String>,
    /// `offline`, `online`, or `not_checked_by_request`.
    revocation: &'static str,
    revocation_evidence: Vec<Evidence>,
}

#[derive(Serialize)]
struct PathEntry {
    subject: String,
    issuer: String,
    serial: String,
    not_before: String,
    not_after: String,
    sha256_fingerprint: String,
    trust_anchor: bool,
}

/// The checks a valid path passed (as the CLI lists them).
const CHECKS: &[&str] = &[
    "signatures",
    "validity_periods",
    "basic_constraints",
    "path_length",
    "key_usage",
    "extended_key_usage",
    "name_constraints",
    "critical_extensions",
    "certificate_policies",
    "trust_anchor_constraints",
];

impl PathReport {
    fn new(at: UnixTime, purpose: Purpose, result: &Result<ValidPath, PathError>) -> Self {
        let mut r = Self {
            at,
            purpose,
            indication: Indication::TOTAL_PASSED,
            sub_indication: None,
            reason: None,
            path: Vec::new(),
            checks: Vec::new(),
            leaf_policies: Vec::new(),
            revocation: "not_checked",
            revocation_evidence: Vec::new(),
        };
        match result {
            Ok(valid) => {
                let anchor = &valid.anchor.cert.der;
                r.path = valid
                    .chain()
                    .filter_map(|c| {
                        let s = CertificateSummary::new(&c.cert).ok()?;
                        Some(PathEntry {
                            subject: s.subject,
                            issuer: s.issuer,
                            serial: s.serial,
                            not_before: s.not_before,
                            not_after: s.not_after,
                            sha256_fingerprint: s.sha256_fingerprint,
                            trust_anchor: &c.der == anchor,
                        })
                    })
                    .collect();
                r.checks = CHECKS.to_vec();
                r.leaf_policies = valid.leaf_policies.iter().map(|o| o.to_string()).collect();
            }
            Err(e) => {
                r.indication = e.indication();
                r.sub_indication = Some(e.sub_indication());
                r.reason = Some(e.to_string());
            }
        }
        r
    }
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

/// Validates the certificate `cert` (DER, or PEM: the first certificate) for `purpose` at
/// a time (RFC 5280 §6), building a path through `intermediates` to an anchor in `trust`,
/// then checks revocation, as `imza cert verify --json` does. The result goes to
/// `*out_json` whether the certificate is valid or not:
///
/// `{"at", "purpose", "indication": "TOTAL_PASSED" | "TOTAL_FAILED" | "INDETERMINATE",
/// "sub_indication": ETSI EN 319 102-1 name or null, "reason": text or null, "path": [{subject,
/// issuer, serial, not_before, not_after, sha256_fingerprint, trust_anchor}, ...] (leaf
/// first; empty when not valid), "checks", "leaf_policies", "revocation", "revocation_evidence"}`
///
/// - `intermediates`, `intermediates_len`: untrusted certificates to build the path with
///   (a PEM bundle or one DER certificate); NULL with length 0 for none.
/// - `purpose`: an `IMZA_PURPOSE_*` constant.
/// - `unix_seconds`: the validation time in seconds since 1970-01-01T00:00:00Z, or
///   [`IMZA_TIME_NOW`] (-1). Another negative value gives [`IMZA_INVALID_ARGUMENT`].
/// - `revocation_mode`: [`crate::document::IMZA_REVOCATION_SKIP`] (not checked; `revocation`
///   says `not_checked_by_request`), [`crate::document::IMZA_REVOCATION_OFFLINE`] (no
///   revocation data is supplied here, so a path that is otherwise valid is INDETERMINATE /
///   TRY_LATER) or [`crate::document::IMZA_REVOCATION_ONLINE`] (OCSP and CRLs fetched with
///   imza's HTTP client).
///
/// Returns [`IMZA_OK`] with the JSON; [`crate::IMZA_MALFORMED`] when `intermediates` is
/// not certificates; a path-validation code (800-899) when `cert` itself is malformed;
/// [`IMZA_INVALID_ARGUMENT`] for an unknown purpose, mode or time; NULL checks as usual.
///
/// # Safety
///
/// `trust` must be NULL or a live trust store; `cert` and `intermediates` NULL (with length
/// 0) or readable for their lengths; `out_json` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_cert_validate(
    trust: *const imza_trust_store,
    cert: *const u8,
    cert_len: usize,
    intermediates: *const u8,
    intermediates_len: usize,
    purpose: u32,
    unix_seconds: i64,
    revocation_mode: u32,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `trust` is NULL or a live trust store (this function's contract).
        let trust = try_ffi!(unsafe { handle(trust) });
        // SAFETY: `cert` is NULL or `cert_len` readable bytes (this function's contract).
        let cert = try_ffi!(unsafe { bytes_arg(cert, cert_len) });
        // SAFETY: `intermediates` is NULL or `intermediates_len` readable bytes (contract).
        let pool = try_ffi!(unsafe { bytes_arg(intermediates, intermediates_len) });
        let Some(purpose) = purpose_of(purpose) else {
            return IMZA_INVALID_ARGUMENT;
        };
        if revocation_mode > IMZA_REVOCATION_ONLINE {
            return IMZA_INVALID_ARGUMENT;
        }
        let time = try_ffi!(time_arg(unix_seconds));
        // The leaf: PEM or DER in, the first certificate's DER out. Bytes that are not a
        // certificate at all are left to the validator, which says so (FORMAT_FAILURE).
        let leaf = match ders(cert) {
            Ok(mut v) if !v.is_empty() => v.swap_remove(0),
            _ => cert.to_vec(),
        };
        let pool = if pool.is_empty() {
            Vec::new()
        } else {
            match ders(pool) {
                Ok(v) => v,
                Err(e) => return fail(&e),
            }
        };
        let pool_refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        let opts = Options::new(time, purpose);
        let result = path::validate(&leaf, &pool_refs, &trust.inner, &opts);
        if let Err(e @ PathError::Malformed(_)) = result {
            return path_err(e);
        }
        let mut evidence = Vec::new();
        let (result, mode) = match (result, revocation_mode) {
            (r, IMZA_REVOCATION_SKIP) => (r, "not_checked_by_request"),
            (Ok(valid), m) => {
                let http = crate::transport::http();
                let (mut checker, mode) = if m == IMZA_REVOCATION_ONLINE {
                    (Checker::online(&*http.inner), "online")
                } else {
                    (Checker::offline(), "offline")
                };
                checker.ocsp.now = Some(now());
                let r = checker.check(&valid, time);
                evidence = checker.evidence().to_vec();
                (r.map(|_| valid), mode)
            }
            (r, IMZA_REVOCATION_ONLINE) => (r, "online"),
            (r, _) => (r, "offline"),
        };
        let mut report = PathReport::new(time, purpose, &result);
        report.revocation = mode;
        report.revocation_evidence = evidence;
        *out = c_string(try_ffi!(to_json(&report)));
        clear_last_error();
        IMZA_OK
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
