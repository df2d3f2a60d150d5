//! `imza`: identity and electronic signatures from the terminal.
//!
//! Exit codes (all commands): 0 valid / success, 1 invalid (TOTAL_FAILED), 2 INDETERMINATE,
//! 64 usage error, 65 malformed input, 66 input missing or unreadable, 69 a service (network,
//! reader, card) unavailable, 73 the output file cannot be written. Errors are one line on
//! stderr naming the file; `--json` output goes to stdout only.
#![forbid(unsafe_code)]

#[cfg(feature = "pcsc")]
mod card;
mod cert;
mod container;
mod evidence;
mod exit;
mod inputs;
#[cfg(feature = "http")]
mod mobile;
mod revocation_args;
mod sign;
mod token;
mod verify_cert;
mod verify_doc;
mod webeid;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Identity and electronic signatures: certificates, signatures, login tokens.
#[derive(Debug, Parser)]
#[command(name = "imza", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// X.509 certificates.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Login tokens: JWS/JWT issue and verify.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Validate a signed document: CMS / CAdES (`.p7s`, `.p7m`, DER or PEM), XMLDSig /
    /// XAdES (`.xml`), an ASiC-E / ASiC-S / UDF container, or a PDF (PAdES). Exit 0
    /// TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE.
    Verify(verify_doc::VerifyArgs),
    /// Sign a file: CAdES, XAdES, ASiC-E or PAdES baseline B, T (signature time-stamp), LT
    /// (with validation data) or, for PAdES, LTA (a document time-stamp).
    Sign(sign::SignArgs),
    /// Signature containers (ASiC-E, ASiC-S, BDOC, UDF): list what they hold.
    #[command(subcommand)]
    Container(container::ContainerCommand),
    /// Smart cards over PC/SC: readers, certificates, signing, login tokens.
    #[cfg(feature = "pcsc")]
    #[command(subcommand)]
    Card(card::CardCommand),
    /// Mobile ID (Mobile-ID, Smart-ID): sign a file or log in with a phone.
    #[cfg(feature = "http")]
    #[command(subcommand)]
    Mobile(mobile::MobileCommand),
}

fn main() -> ExitCode {
    // A bug must still end in one line and a stable code, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("imza: internal error{at}; please report it");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => exit::OK,
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => exit::USAGE,
                _ => exit::USAGE,
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(|| match cli.command {
        Command::Cert(cmd) => cert::run(cmd),
        Command::Token(cmd) => token::run(cmd),
        Command::Verify(args) => verify_doc::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Container(cmd) => container::run(cmd),
        #[cfg(feature = "pcsc")]
        Command::Card(cmd) => card::run(cmd),
        #[cfg(feature = "http")]
        Command::Mobile(cmd) => mobile::run(cmd),
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(failure)) => failure.exit(),
        Err(_) => ExitCode::from(exit::SOFTWARE),
    }
}
