//! `imza container list`: what a signature container holds, as the verifier reads it.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use imza::asic::{Container, Kind, Limits, Role};
use serde_json::json;

use crate::exit::{self, Failure};

/// `imza container`.
#[derive(Debug, Subcommand)]
pub(crate) enum ContainerCommand {
    /// The files and signatures of an ASiC-E / ASiC-S / BDOC / UDF container (nothing is
    /// validated: `imza verify` does that).
    List(ListArgs),
}

/// `imza container list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The container.
    file: PathBuf,
    /// Print JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: ContainerCommand) -> Result<u8, Failure> {
    let ContainerCommand::List(args) = cmd;
    let file = std::fs::File::open(&args.file).map_err(|e| Failure::io(&args.file, &e))?;
    let c = Container::from_reader(std::io::BufReader::new(file), &Limits::default())
        .map_err(|e| Failure::content(&args.file, &imza::Error::from(e)))?;
    let kind = match c.kind() {
        Kind::AsicE => "ASiC-E",
        Kind::AsicS => "ASiC-S",
        Kind::Udf => "UDF",
        _ => "ZIP (no signature container)",
    };
    let role = |r: Role| match r {
        Role::Mimetype => "mimetype",
        Role::Directory => "folder",
        Role::DataObject => "file",
        Role::XadesSignatures => "XAdES signatures",
        Role::CadesSignature => "CAdES signature",
        Role::Timestamp => "time-stamp token",
        Role::AsicManifest => "ASiC manifest",
        Role::AsicArchiveManifest => "ASiC archive manifest",
        Role::OdfManifest => "manifest",
        Role::UdfSignature => "UDF signature",
        _ => "other",
    };
    let warnings: Vec<String> = c.warnings().iter().map(ToString::to_string).collect();
    let text = if args.json {
        let entries: Vec<_> = c
            .entries()
            .iter()
            .map(|e| json!({"name": e.name, "role": role(e.role), "size": e.size, "deflated": e.deflated}))
            .collect();
        let out = json!({
            "kind": kind,
            "mimetype": c.mimetype(),
            "warnings": warnings,
            "entries": entries,
        });
        format!("{out:#}\n")
    } else {
        let mut out = kind.to_string();
        if let Some(m) = c.mimetype() {
            out.push_str(&format!(" ({m})"));
        }
        out.push('\n');
        for e in c.entries() {
            out.push_str(&format!(
                "  {:<22} {:>12}  {}\n",
                role(e.role),
                e.size,
                e.name
            ));
        }
        for w in &warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
        out
    };
    exit::print_stdout(&text)?;
    Ok(exit::OK)
}
