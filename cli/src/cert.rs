//! `imza cert ...`: certificates.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use imza::cert::{self, CertificateSummary};

use crate::exit::{self, Failure};

/// Certificate commands.
#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Describe a PEM or DER certificate (or each certificate of a PEM bundle).
    Show(ShowArgs),
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
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let doc = ShowJson {
            file: args.file.display().to_string(),
            certificates: &summaries,
        };
        serde_json::to_writer_pretty(&mut out, &doc)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        summaries.iter().enumerate().try_for_each(|(i, s)| {
            if i > 0 {
                writeln!(out)?;
            }
            write!(out, "{s}")
        })
    };
    // A closed pipe (`imza cert show x | head`) is not an error worth a message.
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure {
            code: exit::SOFTWARE,
            message: format!("cannot write output: {e}"),
        }),
        _ => Ok(exit::OK),
    }
}
