//! How revocation evidence reads in the text output of `imza verify` and `imza cert verify`.

use imza::revocation::Evidence;

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
