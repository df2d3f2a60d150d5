//! `imza cert verify`: path validation from the command line.

use imza::cert;
use imza::path::{Options, PathError, Purpose};
use imza::report::{
    validate_certificate, CertificateReport, Indication, RevocationChecking, SubIndication,
};
use imza::revocation::Checker;
use imza::time::UnixTime;
use serde::Serialize;

use crate::cert::VerifyArgs;
use crate::evidence::{evidence_text, TRY_LATER_HINT};
use crate::exit::{self, Failure};
use crate::inputs::{first_der, load_trust, malformed, now};

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
