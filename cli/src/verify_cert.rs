//! `imza cert verify`: path validation from the command line.

use std::path::{Path, PathBuf};

use imza::cert;
use imza::path::{Options, PathError, Purpose};
use imza::report::{
    validate_certificate, CertificateReport, Indication, RevocationChecking, SubIndication,
};
use imza::revocation::{Checker, Evidence};
use imza::time::UnixTime;
use imza::trust::TrustStore;
use serde::Serialize;

use crate::cert::VerifyArgs;
use crate::exit::{self, Failure};

/// Most files read from one trust folder.
const MAX_TRUST_FILES: usize = 10_000;

/// The `--json` document: the core's report with the file it is about first.
#[derive(Serialize)]
struct Output<'a> {
    file: String,
    #[serde(flatten)]
    report: &'a CertificateReport,
}

pub(crate) fn run(args: &VerifyArgs) -> Result<u8, Failure> {
    let time = match &args.at {
        Some(s) => UnixTime::parse_rfc3339(s).map_err(|e| Failure::usage(format!("--at: {e}")))?,
        None => now(),
    };
    let purpose = Purpose::from_cli(&args.purpose)
        .ok_or_else(|| Failure::usage(format!("--purpose {}: unknown", args.purpose)))?;
    let mut opts = Options::new(time, purpose);
    for p in &args.policies {
        let oid = p
            .parse()
            .map_err(|_| Failure::usage(format!("--policy {p}: not an OID")))?;
        opts.required_policies.push(oid);
    }

    let leaf_bytes = exit::read_small(&args.leaf)?;
    let leaf = first_der(&args.leaf, &leaf_bytes)?;
    let mut pool = Vec::new();
    for f in &args.intermediates {
        let bytes = exit::read_small(f)?;
        for c in cert::parse_any(&bytes).map_err(|e| Failure::content(f, &e))? {
            pool.push(der::Encode::to_der(&c).map_err(|e| Failure::content(f, &malformed(e)))?);
        }
    }
    let store = load_trust(&args.trust, args.json)?;

    let rev = &args.revocation;
    #[cfg(feature = "http")]
    let http = imza::transport::BlockingHttp::new();
    let mut checker = if rev.no_revocation {
        None
    } else {
        let mut checker = if rev.online {
            online_checker(
                #[cfg(feature = "http")]
                &http,
            )?
        } else {
            Checker::offline()
        };
        checker.ocsp.now = Some(now());
        checker.ocsp_responses = rev.ocsp()?;
        checker.crls = rev.parsed_crls()?;
        Some(checker)
    };
    let pool_refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    let report = match validate_certificate(&leaf, &pool_refs, &store, &opts, checker.as_mut()) {
        Ok(r) => r,
        Err(PathError::Malformed(e)) => return Err(Failure::content(&args.leaf, &e)),
        Err(e) => return Err(Failure::content(&args.leaf, &e.into())),
    };
    let file = args.leaf.display().to_string();
    let text = if args.json {
        let out = Output {
            file,
            report: &report,
        };
        let mut json = serde_json::to_string_pretty(&out).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
        json.push('\n');
        json
    } else {
        text(&file, &report)
    };
    exit::print_stdout(&text)?;
    Ok(match report.indication {
        Indication::TOTAL_PASSED => exit::OK,
        Indication::TOTAL_FAILED => exit::INVALID,
        Indication::INDETERMINATE => exit::INDETERMINATE,
    })
}

pub(crate) fn malformed(e: der::Error) -> imza::Error {
    imza::Error::Malformed {
        what: "certificate",
        detail: e.to_string(),
    }
}

pub(crate) fn first_der(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let certs = cert::parse_any(bytes).map_err(|e| Failure::content(path, &e))?;
    let first = certs.first().ok_or_else(|| Failure {
        code: exit::DATA,
        message: format!("{}: no certificate", path.display()),
    })?;
    der::Encode::to_der(first).map_err(|e| Failure::content(path, &malformed(e)))
}

/// Loads anchors from files and folders. In a folder, files that are not certificates are
/// skipped (a README beside the roots is common) and named on stderr in text mode.
pub(crate) fn load_trust(paths: &[PathBuf], quiet: bool) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Failure::io(p, &e))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Failure::io(p, &e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .take(MAX_TRUST_FILES + 1)
                .collect();
            if entries.len() > MAX_TRUST_FILES {
                return Err(Failure {
                    code: exit::DATA,
                    message: format!("{}: more than {MAX_TRUST_FILES} files", p.display()),
                });
            }
            entries.sort();
            for f in entries {
                let bytes = exit::read_small(&f)?;
                if let Err(e) = store.add_pem_or_der(&bytes) {
                    if !quiet {
                        eprintln!("imza: {}: skipped: {e}", f.display());
                    }
                }
            }
        } else {
            let bytes = exit::read_small(p)?;
            store
                .add_pem_or_der(&bytes)
                .map_err(|e| Failure::content(p, &e))?;
        }
    }
    if store.is_empty() {
        return Err(Failure {
            code: exit::DATA,
            message: "--trust: no trust anchor certificate found".into(),
        });
    }
    Ok(store)
}

fn text(file: &str, r: &CertificateReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    match &r.reason {
        None => {
            let _ = writeln!(out, "{file}: VALID for {:?} at {}", r.purpose, r.at);
            for (i, c) in r.path.iter().enumerate() {
                let tag = if c.trust_anchor {
                    " (trust anchor)"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {i}: {}{tag}", c.subject);
            }
            if r.revocation == RevocationChecking::NotCheckedByRequest {
                let _ = writeln!(out, "  revocation: not checked, by request");
            }
        }
        Some(reason) => {
            let sub = r
                .sub_indication
                .map(|s| format!("{s:?}"))
                .unwrap_or_default();
            let _ = writeln!(out, "{file}: {:?}/{sub}: {reason}", r.indication);
            if r.sub_indication == Some(SubIndication::TRY_LATER) {
                let _ = writeln!(out, "  hint: {TRY_LATER_HINT}");
            }
        }
    }
    out.push_str(&evidence_text(&r.revocation_evidence, "  "));
    out
}

/// What to do when no revocation status was found.
pub(crate) const TRY_LATER_HINT: &str =
    "no revocation status was found: give --ocsp-response or --crl files, \
     use --online, or skip the check with --no-revocation";

/// One line per certificate's status, and one per OCSP response or CRL that gave it.
pub(crate) fn evidence_text(evidence: &[Evidence], pad: &str) -> String {
    use imza::ocsp::Status;
    use imza::revocation::Source;
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in evidence {
        let what = match e.status {
            Status::Revoked { time, .. } => format!("revoked at {time}"),
            _ => "not revoked".into(),
        };
        let conflict = if e.conflict {
            " (the revocation data conflict: a revocation wins)"
        } else {
            ""
        };
        let _ = writeln!(out, "{pad}{what}: {}{conflict}", e.subject);
        for i in &e.items {
            let how = match &i.source {
                Source::Ocsp {
                    responder,
                    this_update,
                    ..
                } => {
                    format!("OCSP of {this_update} by {responder}")
                }
                Source::Crl { this_update, .. } => format!("CRL of {this_update}"),
                _ => "revocation data".into(),
            };
            let said = match i.status {
                Status::Revoked { time, .. } => format!("revoked at {time}"),
                Status::Good => "good".into(),
                _ => "unknown".into(),
            };
            let _ = writeln!(out, "{pad}  {how}: {said}");
        }
    }
    out
}

#[cfg(feature = "http")]
fn online_checker(http: &imza::transport::BlockingHttp) -> Result<Checker<'_>, Failure> {
    Ok(Checker::online(http))
}

#[cfg(not(feature = "http"))]
fn online_checker() -> Result<Checker<'static>, Failure> {
    Err(Failure {
        code: exit::UNAVAILABLE,
        message: "--online: this imza was built without the http feature".into(),
    })
}

pub(crate) fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime::from_secs(secs)
}
