//! `imza token webeid-verify`: a Web eID certificate login token.

use std::path::PathBuf;

use clap::Args;
use imza::time::UnixTime;
use imza::webeid::{self, RevocationMode, WebEidError, WebEidOptions};

use crate::exit::{self, Failure};

/// `imza token webeid-verify`.
#[derive(Debug, Args)]
pub(crate) struct WebeidArgs {
    /// The token (the JSON the browser extension returned).
    token: PathBuf,
    /// The site origin the challenge was issued for (`https://host[:port]`).
    #[arg(long)]
    origin: String,
    /// The challenge nonce (base64 text) the site issued.
    #[arg(long)]
    challenge: String,
    /// Trusted card CAs: PEM/DER file or folder, repeatable.
    #[arg(long = "trust", value_name = "FILE|DIR", required = true)]
    trust: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// OCSP responses to use (DER, repeatable); without them and without --online,
    /// revocation is not checked.
    #[arg(long = "ocsp-response", value_name = "FILE")]
    ocsp_responses: Vec<PathBuf>,
    /// Ask the certificate's OCSP responder.
    #[arg(long, conflicts_with = "ocsp_responses")]
    online: bool,
    /// Print the authenticated person (or the failure) as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Exit code for a refused token: 1 when the token is wrong, 2 when more data could help.
fn code_of(e: &WebEidError) -> u8 {
    match e {
        WebEidError::NotTrusted(_)
        | WebEidError::RevocationUnknown { .. }
        | WebEidError::CertificateExpired { .. } => exit::INDETERMINATE,
        _ => exit::INVALID,
    }
}

pub(crate) fn run(a: &WebeidArgs) -> Result<u8, Failure> {
    let token = exit::read_small(&a.token)?;
    let time = match &a.at {
        Some(s) => UnixTime::parse_rfc3339(s).map_err(|e| Failure::usage(format!("--at: {e}")))?,
        None => UnixTime::from_secs(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        ),
    };
    let store = crate::inputs::load_trust(&a.trust, a.json)?;
    let mode = if a.online {
        RevocationMode::Online { nonce: None }
    } else if a.ocsp_responses.is_empty() {
        RevocationMode::Off
    } else {
        let mut rs = Vec::new();
        for f in &a.ocsp_responses {
            rs.push(exit::read_small(f)?);
        }
        RevocationMode::Offline { ocsp_responses: rs }
    };
    let opts = WebEidOptions::new(time, mode);
    #[cfg(feature = "http")]
    let http = imza::transport::BlockingHttp::new();
    let result = if a.online {
        #[cfg(feature = "http")]
        {
            webeid::validate_with_transport(&token, &a.origin, &a.challenge, &store, &opts, &http)
        }
        #[cfg(not(feature = "http"))]
        {
            return Err(Failure {
                code: exit::UNAVAILABLE,
                message: "--online: this imza was built without the http feature".into(),
            });
        }
    } else {
        webeid::validate(&token, &a.origin, &a.challenge, &store, &opts)
    };
    match result {
        Ok(person) => {
            let text = if a.json {
                let mut j = serde_json::to_string_pretty(&person).map_err(|e| Failure {
                    code: exit::SOFTWARE,
                    message: e.to_string(),
                })?;
                j.push('\n');
                j
            } else {
                format!(
                    "{}: authenticated: {}\n",
                    a.token.display(),
                    serde_json::to_string(&person).unwrap_or_default()
                )
            };
            exit::print_stdout(&text)?;
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("imza: {}: {e}", a.token.display());
            if a.json {
                exit::print_stdout(&format!(
                    "{:#}\n",
                    serde_json::json!({"valid": false, "error": e.kind(), "reason": e.to_string()})
                ))?;
            }
            Ok(code_of(&e))
        }
    }
}
