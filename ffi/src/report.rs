//! The validation report handle: accessors for what hosts branch on, and the whole report
//! as JSON (the same document as `imza verify --json`).
//!
//! Thread safety: an `imza_report` is immutable; any number of threads may read it at once.
//! Strings returned by accessors belong to the report and live until `imza_report_free`.

use std::ffi::{c_char, CString};

use imza::report::{Indication, Report, SignatureReport};

use crate::boundary::{c_string, free_handle, handle, held, out_arg};
use crate::{imza_result, IMZA_OK};

/// TOTAL_PASSED: every signature holds.
pub const IMZA_TOTAL_PASSED: u32 = 1;
/// TOTAL_FAILED: a signature is forged, tampered, revoked before it was made, ...
pub const IMZA_TOTAL_FAILED: u32 = 2;
/// INDETERMINATE: the available data cannot decide (no trust anchor, no revocation data,
/// expired without a time-stamp, ...).
pub const IMZA_INDETERMINATE: u32 = 3;

/// A document's validation report (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct imza_report {
    report: Report,
    sub_indication: Option<CString>,
    signatures: Vec<Strings>,
}

/// The strings one signature's accessors return, made once.
#[derive(Debug)]
struct Strings {
    sub_indication: Option<CString>,
    subject: Option<CString>,
    best_signature_time: CString,
    claimed_signing_time: Option<CString>,
    level: CString,
}

/// The JSON name of a serialisable value (`"TOTAL_PASSED"`, `"CAdES-BASELINE-T"`).
fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn strings(s: &SignatureReport) -> Strings {
    Strings {
        sub_indication: s.sub_indication.map(|x| held(&name(&x))),
        subject: s.signer.as_ref().map(|x| held(&x.subject)),
        best_signature_time: held(&String::from(s.best_signature_time)),
        claimed_signing_time: s.claimed_signing_time.map(|t| held(&String::from(t))),
        level: held(&name(&s.level)),
    }
}

impl imza_report {
    pub(crate) fn new(report: Report) -> Self {
        Self {
            sub_indication: report.sub_indication.map(|x| held(&name(&x))),
            signatures: report.signatures.iter().map(strings).collect(),
            report,
        }
    }
}

fn indication(i: Indication) -> u32 {
    match i {
        Indication::TOTAL_PASSED => IMZA_TOTAL_PASSED,
        Indication::TOTAL_FAILED => IMZA_TOTAL_FAILED,
        Indication::INDETERMINATE => IMZA_INDETERMINATE,
    }
}

fn ptr(s: Option<&CString>) -> *const c_char {
    s.map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Runs `f` on the report behind `r`, or gives `default` for NULL (or a caught panic).
///
/// # Safety
///
/// `r` must be NULL or a live report.
unsafe fn with<T: Copy>(r: *const imza_report, default: T, f: impl FnOnce(&imza_report) -> T) -> T {
    let mut out = default;
    let _ = ffi_guard!({
        // SAFETY: `r` is NULL or a live report (this function's contract).
        let r = try_ffi!(unsafe { handle(r) });
        out = f(r);
        IMZA_OK
    });
    out
}

/// The overall indication: [`IMZA_TOTAL_PASSED`] (1), [`IMZA_TOTAL_FAILED`] (2) or
/// [`IMZA_INDETERMINATE`] (3); 0 for NULL. A report without signatures is INDETERMINATE.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_indication(r: *const imza_report) -> u32 {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(r, 0, |r| indication(r.report.indication)) }
}

/// The overall sub-indication as ETSI names it (`"REVOKED_NO_POE"`, `"HASH_FAILURE"`, ...),
/// or NULL when there is none (TOTAL_PASSED) or `r` is NULL. Owned by the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_sub_indication(r: *const imza_report) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(r, std::ptr::null(), |r| ptr(r.sub_indication.as_ref())) }
}

/// The number of signatures (counter-signatures are inside the JSON); 0 for NULL.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_count(r: *const imza_report) -> usize {
    // SAFETY: forwarded from this function's contract.
    unsafe { with(r, 0, |r| r.report.signatures.len()) }
}

/// Signature `i`'s indication (1, 2 or 3 as [`imza_report_indication`]); 0 when `r` is NULL
/// or `i` is out of range.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_indication(r: *const imza_report, i: usize) -> u32 {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(r, 0, |r| {
            r.report
                .signatures
                .get(i)
                .map_or(0, |s| indication(s.indication))
        })
    }
}

/// Signature `i`'s strings, or NULL when `r` is NULL or `i` is out of range.
///
/// # Safety
///
/// `r` must be NULL or a live report.
unsafe fn signature_str(
    r: *const imza_report,
    i: usize,
    f: impl FnOnce(&Strings) -> *const c_char,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        with(r, std::ptr::null(), |r| {
            r.signatures.get(i).map_or(std::ptr::null(), f)
        })
    }
}

/// Signature `i`'s sub-indication (NULL when it passed).
///
/// NULL when `r` is NULL or `i` is out of range. The string belongs to the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_sub_indication(
    r: *const imza_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { signature_str(r, i, |s| ptr(s.sub_indication.as_ref())) }
}

/// The signer's subject DN (RFC 4514), NULL when the signer's certificate was not found.
///
/// NULL when `r` is NULL or `i` is out of range. The string belongs to the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_signer(
    r: *const imza_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { signature_str(r, i, |s| ptr(s.subject.as_ref())) }
}

/// The best-signature-time (RFC 3339, UTC): the earliest proven time the signature
/// existed (a valid signature time-stamp), else the validation time.
///
/// NULL when `r` is NULL or `i` is out of range. The string belongs to the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_best_time(
    r: *const imza_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { signature_str(r, i, |s| s.best_signature_time.as_ptr()) }
}

/// The claimed signing time (RFC 3339; a claim, not a proof), NULL when absent.
///
/// NULL when `r` is NULL or `i` is out of range. The string belongs to the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_claimed_time(
    r: *const imza_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { signature_str(r, i, |s| ptr(s.claimed_signing_time.as_ref())) }
}

/// The level the signature reaches (`"CAdES-BASELINE-T"`, `"CMS"`, ...).
///
/// NULL when `r` is NULL or `i` is out of range. The string belongs to the report.
///
/// # Safety
///
/// `r` must be NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn imza_report_signature_level(
    r: *const imza_report,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { signature_str(r, i, |s| s.level.as_ptr()) }
}

/// The whole report as JSON (the document `imza verify --json` prints) in `*out`, a
/// NUL-terminated string that [`crate::imza_string_free`] releases.
///
/// # Safety
///
/// `r` must be NULL or a live report; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_report_json(
    r: *const imza_report,
    out: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `r` is NULL or a live report (this function's contract).
        let r = try_ffi!(unsafe { handle(r) });
        match r.report.to_json() {
            Ok(json) => {
                *out = c_string(json);
                IMZA_OK
            }
            Err(e) => crate::boundary::fail(&e),
        }
    })
}

/// Releases a report and the strings its accessors returned. NULL is ignored.
///
/// # Safety
///
/// `r` must be NULL or a report from imza, not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_report_free(r: *mut imza_report) {
    let _ = ffi_guard!({
        // SAFETY: `r` is NULL or a report handle, freed once (this function's contract).
        unsafe { free_handle(r) };
        IMZA_OK
    });
}
