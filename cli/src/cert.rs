//! `imza cert ...`: certificates.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use imza::cert::{self, CertificateSummary};

use crate::exit::{self, Failure};

/// Certificate commands.
#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Describe a PEM or DER certificate (or each certificate of a PEM bundle).
    Show(ShowArgs),
    /// Validate a certificate: build a path to a trust anchor and check it (RFC 5280 §6)
    /// at a time, for a purpose. Exit 0 valid, 1 invalid, 2 indeterminate.
    Verify(VerifyArgs),
}

/// `imza cert verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The certificate to validate (PEM or DER; the first certificate of a bundle).
    pub(crate) leaf: PathBuf,
    /// Untrusted intermediate certificates (PEM bundles or DER), repeatable.
    #[arg(long = "intermediate", value_name = "FILE")]
    pub(crate) intermediates: Vec<PathBuf>,
    /// Trust anchors: a PEM/DER file or a folder of them, repeatable.
    #[arg(long = "trust", value_name = "FILE|DIR", required = true)]
    pub(crate) trust: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) at: Option<String>,
    /// Purpose: signing, auth, tsa, ocsp, server or any.
    #[arg(long, default_value = "any", value_parser = ["signing", "auth", "tsa", "ocsp", "server", "any"])]
    pub(crate) purpose: String,
    /// Require one of these certificate policy OIDs (repeatable).
    #[arg(long = "policy", value_name = "OID")]
    pub(crate) policies: Vec<String>,
    /// Revocation checking.
    #[command(flatten)]
    pub(crate) revocation: crate::revocation_args::RevocationArgs,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `imza cert show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The certificate file (PEM or DER).
    file: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct ShowJson<'a> {
    file: String,
    certificates: &'a [CertificateSummary],
}

pub(crate) fn run(cmd: CertCommand) -> Result<u8, Failure> {
    match cmd {
        CertCommand::Show(args) => show(&args),
        CertCommand::Verify(args) => crate::verify_cert::run(&args),
    }
}

fn show(args: &ShowArgs) -> Result<u8, Failure> {
    let bytes = exit::read_small(&args.file)?;
    let certs = cert::parse_any(&bytes).map_err(|e| Failure::content(&args.file, &e))?;
    let summaries = certs
        .iter()
        .map(CertificateSummary::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::content(&args.file, &e))?;
    let text = if args.json {
        let doc = ShowJson {
            file: args.file.display().to_string(),
            certificates: &summaries,
        };
        let mut json = serde_json::to_string_pretty(&doc).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
        json.push('\n');
        json
    } else {
        summaries
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    exit::print_stdout(&text)?;
    Ok(exit::OK)
}
