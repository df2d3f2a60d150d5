//! The revocation flags `imza verify` and `imza cert verify` share, and loading the files
//! they name.

use std::path::PathBuf;

use clap::Args;
use imza::crl::Crl;

use crate::exit::{self, Failure};

/// How revocation is checked. By default a status is required for every certificate of
/// the chain, from the data the signature carries and the files given here; without one the
/// result is INDETERMINATE / TRY_LATER.
#[derive(Debug, Args)]
pub(crate) struct RevocationArgs {
    /// Use only the data the signature carries and the --ocsp-response / --crl files (the
    /// default).
    #[arg(long, conflicts_with_all = ["online", "no_revocation"])]
    pub(crate) offline: bool,
    /// Also fetch OCSP responses and CRLs from the URLs the certificates name.
    #[arg(long, conflicts_with = "no_revocation")]
    pub(crate) online: bool,
    /// Do not check revocation. The result says "revocation not checked, by request" and
    /// may pass.
    #[arg(long)]
    pub(crate) no_revocation: bool,
    /// A DER OCSP response to use (repeatable).
    #[arg(
        long = "ocsp-response",
        value_name = "FILE",
        conflicts_with = "no_revocation"
    )]
    pub(crate) ocsp_responses: Vec<PathBuf>,
    /// A CRL (DER or PEM) to use (repeatable).
    #[arg(long = "crl", value_name = "FILE", conflicts_with = "no_revocation")]
    pub(crate) crls: Vec<PathBuf>,
}

impl RevocationArgs {
    /// The OCSP responses, read whole (small).
    pub(crate) fn ocsp(&self) -> Result<Vec<Vec<u8>>, Failure> {
        self.ocsp_responses.iter().map(exit::read_small).collect()
    }

    /// The CRLs, DER (PEM is decoded), each checked to parse.
    pub(crate) fn crl_ders(&self) -> Result<Vec<Vec<u8>>, Failure> {
        self.crls
            .iter()
            .map(|f| {
                let bytes = exit::read_limited(f, imza::crl::MAX_CRL_LEN as u64)?;
                Crl::parse(&bytes).map_err(|e| Failure {
                    code: exit::DATA,
                    message: format!("{}: {e}", f.display()),
                })?;
                if bytes.starts_with(b"-----BEGIN") {
                    let (_, der) = der::pem::decode_vec(&bytes).map_err(|e| Failure {
                        code: exit::DATA,
                        message: format!("{}: {e}", f.display()),
                    })?;
                    Ok(der)
                } else {
                    Ok(bytes)
                }
            })
            .collect()
    }

    /// The CRLs, parsed.
    pub(crate) fn parsed_crls(&self) -> Result<Vec<Crl>, Failure> {
        self.crl_ders()?
            .iter()
            .map(|d| Crl::parse(d).map_err(|e| Failure::usage(format!("--crl: {e}"))))
            .collect()
    }
}
