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
            write_text(&mut out, s)
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

fn write_text(out: &mut impl Write, s: &CertificateSummary) -> std::io::Result<()> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    writeln!(out, "Subject:            {}", s.subject)?;
    writeln!(out, "Issuer:             {}", s.issuer)?;
    writeln!(out, "Serial:             {}", s.serial)?;
    writeln!(out, "Version:            {}", s.version)?;
    writeln!(out, "Valid from:         {}", s.not_before)?;
    writeln!(out, "Valid until:        {}", s.not_after)?;
    let pk = &s.public_key;
    let mut key = pk.algorithm.clone();
    if let Some(c) = &pk.curve {
        key.push(' ');
        key.push_str(c);
    }
    if let Some(b) = pk.bits {
        key.push_str(&format!(" ({b} bits)"));
    }
    writeln!(out, "Public key:         {key}")?;
    writeln!(out, "Signature:          {}", s.signature_algorithm)?;
    writeln!(out, "SHA-256:            {}", s.sha256_fingerprint)?;
    if let Some(bc) = &s.basic_constraints {
        let pl = bc.path_len.map(|p| format!(", pathLen {p}")).unwrap_or_default();
        writeln!(out, "Basic constraints:  CA {}{pl}", bc.ca)?;
    }
    writeln!(out, "Key usage:          {}", list(&s.key_usage))?;
    writeln!(out, "Extended key usage: {}", list(&s.extended_key_usage))?;
    writeln!(out, "Policies:           {}", list(&s.certificate_policies))?;
    writeln!(out, "Alt names:          {}", list(&s.subject_alt_names))?;
    writeln!(out, "OCSP:               {}", list(&s.ocsp_urls))?;
    writeln!(out, "CA issuers:         {}", list(&s.ca_issuer_urls))?;
    writeln!(out, "CRL:                {}", list(&s.crl_distribution_points))?;
    let qcs: Vec<String> = s
        .qc_statements
        .iter()
        .map(|q| {
            let name = q.name.clone().unwrap_or_else(|| q.id.clone());
            if q.details.is_empty() {
                name
            } else {
                format!("{name} ({})", q.details.join(", "))
            }
        })
        .collect();
    writeln!(out, "QC statements:      {}", list(&qcs))?;
    if let Some(k) = &s.subject_key_id {
        writeln!(out, "Subject key id:     {k}")?;
    }
    if let Some(k) = &s.authority_key_id {
        writeln!(out, "Authority key id:   {k}")?;
    }
    let crit: Vec<String> = s
        .extensions
        .iter()
        .filter(|e| e.critical)
        .map(|e| e.id.clone())
        .collect();
    writeln!(out, "Critical ext.:      {}", list(&crit))?;
    for w in &s.warnings {
        writeln!(out, "Warning:            {w}")?;
    }
    Ok(())
}
