//! `imza sign`: CAdES and XAdES baseline B, T and LT signatures with a software key,
//! through [`imza::sign`].
//!
//! Detached content is streamed (hashed in chunks, never held in memory); attached content
//! is read whole, up to [`MAX_ATTACHED`]. The output is written only once everything
//! succeeded, and atomically.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use imza::cades::sign::{self as cades_sign, ToSign};
use imza::crypto::{HashAlgorithm, SigningKey};
use imza::path::PathError;

use crate::exit::{self, Failure};
use crate::inputs::{first_der, malformed, now};

/// Largest content signed attached (it is read whole and encapsulated); larger files are
/// signed `--detached`.
const MAX_ATTACHED: u64 = 512 * 1024 * 1024;

/// Signature formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignFormat {
    /// CMS / CAdES (ETSI EN 319 122-1): `.p7m` attached, `.p7s` detached.
    Cades,
    /// XAdES (ETSI EN 319 132-1): enveloped in an XML file, or (--detached) a signature
    /// document that names the file.
    Xades,
    /// ASiC-E (ETSI EN 319 162-1): a `.asice` container holding the files and one XAdES
    /// signature over all of them; the files are streamed, any size.
    Asice,
    /// PAdES (ETSI EN 319 142-1): the PDF with an invisible signature added by incremental
    /// update (the original bytes unchanged); streamed, any size.
    Pades,
}

/// Baseline levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignLevel {
    /// B-B: signed attributes with the signing certificate.
    #[value(name = "B")]
    B,
    /// B-T: B plus a signature time-stamp from --tsa.
    #[value(name = "T")]
    T,
    /// B-LT: T plus the certificates and OCSP responses / CRLs to validate the signer's
    /// chain later (fetched online; --chain must reach a root).
    #[value(name = "LT")]
    Lt,
    /// B-LTA (--format pades only): LT plus a document time-stamp over the whole file.
    #[value(name = "LTA")]
    Lta,
}

/// `imza sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The file to sign; with --format asice, the files to put in the container (each
    /// under its file name).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The private key: unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). RSA keys
    /// sign with RSA PKCS#1 v1.5 and SHA-256, EC keys with ECDSA and the curve's hash.
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,
    /// The signer's certificate (PEM or DER; the first of a bundle).
    #[arg(long, value_name = "CERT.pem")]
    cert: PathBuf,
    /// Chain certificates to embed (PEM bundles or DER), repeatable. For --level LT give
    /// the whole chain up to the root (the root is the trust anchor the revocation data is
    /// checked against).
    #[arg(long = "chain", value_name = "FILE")]
    chain: Vec<PathBuf>,
    /// The signature format.
    #[arg(long, value_enum)]
    format: SignFormat,
    /// Leave the content out of the signature (`.p7s`): it is streamed, any size.
    #[arg(long)]
    detached: bool,
    /// The baseline level.
    #[arg(long, value_enum, ignore_case = true, default_value = "B")]
    level: SignLevel,
    /// The RFC 3161 time-stamping service, for --level T and LT.
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// Where to write the signature (DER for CAdES, XML for XAdES, the container for ASiC-E).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
}

pub(crate) fn run(args: &SignArgs) -> Result<u8, Failure> {
    check_files(&args.files, args.format, args.detached)?;
    let tsa = match (args.level, &args.tsa) {
        (SignLevel::B, Some(_)) => {
            return Err(Failure::usage(
                "--tsa is for --level T or LT; --level B has no time-stamp",
            ))
        }
        (SignLevel::B, None) => None,
        (_, Some(url)) => Some(url.as_str()),
        (_, None) => {
            return Err(Failure::usage(
                "--level T and LT need a time-stamping service: --tsa URL",
            ))
        }
    };
    if !cfg!(feature = "http") && tsa.is_some() {
        return Err(Failure {
            code: exit::UNAVAILABLE,
            message: "--tsa: this imza was built without the http feature".into(),
        });
    }

    let key_pem = String::from_utf8(exit::read_small(&args.key)?).map_err(|_| Failure {
        code: exit::DATA,
        message: format!("{}: not a PEM file", args.key.display()),
    })?;
    let key = SigningKey::from_pkcs8_pem(&key_pem).map_err(|e| Failure::content(&args.key, &e))?;
    let cert_bytes = exit::read_small(&args.cert)?;
    let cert_der = first_der(&args.cert, &cert_bytes)?;
    let mut chain: Vec<Vec<u8>> = Vec::new();
    for f in &args.chain {
        let bytes = exit::read_small(f)?;
        for c in imza::cert::parse_any(&bytes).map_err(|e| Failure::content(f, &e))? {
            let der = der::Encode::to_der(&c).map_err(|e| Failure::content(f, &malformed(e)))?;
            if der != cert_der && !chain.contains(&der) {
                chain.push(der);
            }
        }
    }

    #[cfg(feature = "http")]
    let http = imza::transport::BlockingHttp::new();
    let mut opts = imza::SignOptions::new(now());
    opts.level = match args.level {
        SignLevel::B => imza::SignLevel::B,
        SignLevel::T => imza::SignLevel::T,
        SignLevel::Lt => imza::SignLevel::Lt,
        SignLevel::Lta => imza::SignLevel::Lta,
    };
    opts.detached = args.detached;
    opts.chain = chain;
    opts.tsa_url = tsa.map(String::from);
    #[cfg(feature = "http")]
    {
        opts.transport = Some(&http);
    }
    let written = sign_to(
        &args.files,
        args.format,
        &mut opts,
        &key,
        &cert_der,
        &args.output,
        &|e| signing_failure(&args.cert, tsa, e),
    )?;
    let format = match args.format {
        SignFormat::Cades => "CAdES",
        SignFormat::Xades | SignFormat::Asice => "XAdES",
        SignFormat::Pades => "PAdES",
    };
    let level = match args.level {
        SignLevel::B => "B",
        SignLevel::T => "T",
        SignLevel::Lt => "LT",
        SignLevel::Lta => "LTA",
    };
    let level = format!("{format}-BASELINE-{level}");
    let how = match (args.detached, args.format) {
        (_, SignFormat::Asice) => format!("ASiC-E with {} file(s)", args.files.len()),
        (_, SignFormat::Pades) => "incremental update".into(),
        (true, _) => "detached".into(),
        (false, SignFormat::Cades) => "attached".into(),
        (false, SignFormat::Xades) => "enveloped".into(),
    };
    exit::print_stdout(&format!(
        "{}: {level}, {how}, {written} bytes\n",
        args.output.display(),
    ))?;
    Ok(exit::OK)
}

/// The file count and --detached fit the format (checked before a key, card or phone is
/// touched).
pub(crate) fn check_files(
    files: &[PathBuf],
    format: SignFormat,
    detached: bool,
) -> Result<(), Failure> {
    match format {
        SignFormat::Asice if detached => Err(Failure::usage(
            "--detached is for --format cades or xades: an ASiC-E container holds its files",
        )),
        SignFormat::Pades if detached => Err(Failure::usage(
            "--detached is for --format cades or xades: a PAdES signature is inside the PDF",
        )),
        SignFormat::Asice => Ok(()),
        _ if files.len() != 1 => Err(Failure::usage(
            "--format cades, xades and pades sign one file; several files go into --format asice",
        )),
        _ => Ok(()),
    }
}

/// Signs `files` in `format` with `signer` and writes the result to `output` atomically
/// (a container is streamed into it); returns the bytes written. `failure` maps the
/// library's errors to the command's exit codes.
pub(crate) fn sign_to(
    files: &[PathBuf],
    format: SignFormat,
    opts: &mut imza::SignOptions<'_>,
    signer: &dyn imza::Signer,
    cert: &[u8],
    output: &Path,
    failure: &dyn Fn(&imza::Error) -> Failure,
) -> Result<u64, Failure> {
    if format == SignFormat::Asice {
        return sign_container(files, opts, signer, cert, output, failure);
    }
    let [file] = files else {
        return Err(Failure::usage("one file to sign"));
    };
    if format == SignFormat::Pades {
        return sign_pdf(file, opts, signer, cert, output, failure);
    }
    apply_format(opts, format, file);
    let content = Loaded::load(file, opts.detached, signer.algorithm())?;
    let signed = imza::sign(content.to_sign(), signer, cert, opts).map_err(|e| failure(&e))?;
    exit::write_atomic(output, &signed)?;
    Ok(signed.len() as u64)
}

fn sign_container(
    files: &[PathBuf],
    opts: &imza::SignOptions<'_>,
    signer: &dyn imza::Signer,
    cert: &[u8],
    output: &Path,
    failure: &dyn Fn(&imza::Error) -> Failure,
) -> Result<u64, Failure> {
    let mut opened = Vec::with_capacity(files.len());
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Failure::usage(format!("{}: not a UTF-8 file name", path.display())))?
            .to_string();
        let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
        let meta = file.metadata().map_err(|e| Failure::io(path, &e))?;
        if meta.is_dir() {
            return Err(Failure {
                code: exit::NO_INPUT,
                message: format!("{}: is a directory, not a file", path.display()),
            });
        }
        opened.push((name, std::io::BufReader::new(file)));
    }
    let mut list: Vec<(&str, &mut dyn std::io::Read)> = opened
        .iter_mut()
        .map(|(n, r)| (n.as_str(), r as &mut dyn std::io::Read))
        .collect();
    exit::write_atomic_with(output, |out| {
        let counted = Counted {
            inner: out,
            bytes: 0,
        };
        imza::sign_container(&mut list, counted, signer, cert, opts)
            .map(|c| c.bytes)
            .map_err(|e| failure(&e))
    })
}

/// The PDF read from `file` (twice: digest, then copy), the signed file streamed out.
fn sign_pdf(
    file: &Path,
    opts: &imza::SignOptions<'_>,
    signer: &dyn imza::Signer,
    cert: &[u8],
    output: &Path,
    failure: &dyn Fn(&imza::Error) -> Failure,
) -> Result<u64, Failure> {
    let input = std::fs::File::open(file).map_err(|e| Failure::io(file, &e))?;
    let meta = input.metadata().map_err(|e| Failure::io(file, &e))?;
    if meta.is_dir() {
        return Err(Failure {
            code: exit::NO_INPUT,
            message: format!("{}: is a directory, not a file", file.display()),
        });
    }
    let mut opts = opts.clone();
    opts.format = imza::SignFormat::Pades;
    exit::write_atomic_with(output, |out| {
        let counted = Counted {
            inner: out,
            bytes: 0,
        };
        imza::sign_pdf(std::io::BufReader::new(input), counted, signer, cert, &opts)
            .map(|c| c.bytes)
            .map_err(|e| match e {
                imza::Error::Pdf(_) => Failure::content(file, &e),
                e => failure(&e),
            })
    })
}

/// Counts what passes through to the output file.
struct Counted<'a, W> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: std::io::Write> std::io::Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The library's format for `format`; a detached XAdES signature names the file.
pub(crate) fn apply_format(opts: &mut imza::SignOptions<'_>, format: SignFormat, file: &Path) {
    if format == SignFormat::Xades {
        opts.format = imza::SignFormat::Xades;
        opts.content_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    }
}

/// The content to sign, read once: its bytes (attached) or its digest, streamed (detached).
pub(crate) enum Loaded {
    /// The whole content, to be embedded.
    Bytes(Vec<u8>),
    /// The digest of detached content.
    Digest(imza::crypto::DigestValue),
}

impl Loaded {
    /// Reads `path` for a signature by `alg`.
    pub(crate) fn load(
        path: &Path,
        detached: bool,
        alg: imza::crypto::SignatureAlgorithm,
    ) -> Result<Self, Failure> {
        if detached {
            return Ok(Self::Digest(digest_file(
                path,
                cades_sign::digest_algorithm(alg),
            )?));
        }
        exit::read_limited(&path.to_path_buf(), MAX_ATTACHED)
            .map(Self::Bytes)
            .map_err(|mut f| {
                if f.code == exit::DATA {
                    f.message.push_str("; sign it --detached");
                }
                f
            })
    }

    /// As the signing call takes it.
    pub(crate) fn to_sign(&self) -> ToSign<'_> {
        match self {
            Self::Bytes(b) => ToSign::Bytes(b),
            Self::Digest(d) => ToSign::Digest(d),
        }
    }
}

/// The digest of a file, streamed.
pub(crate) fn digest_file(
    path: &Path,
    alg: HashAlgorithm,
) -> Result<imza::crypto::DigestValue, Failure> {
    let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let meta = file.metadata().map_err(|e| Failure::io(path, &e))?;
    if meta.is_dir() {
        return Err(Failure {
            code: exit::NO_INPUT,
            message: format!("{}: is a directory, not a file", path.display()),
        });
    }
    let (digest, _len) =
        imza::crypto::digest::digest_reader(alg, file).map_err(|e| Failure::io(path, &e))?;
    Ok(digest)
}

fn signing_failure(cert: &Path, tsa: Option<&str>, e: &imza::Error) -> Failure {
    let (code, message) = match e {
        imza::Error::KeyMismatch { .. } => (
            exit::DATA,
            format!("{}: does not match --key: {e}", cert.display()),
        ),
        // Checked before anything is signed: LT without a root among --chain.
        imza::Error::InvalidOptions { reason } => (exit::USAGE, format!("--level: {reason}")),
        imza::Error::Transport { .. } | imza::Error::Timestamp(_) => (
            exit::UNAVAILABLE,
            format!(
                "--tsa {}: no time-stamp: {e}",
                imza::transport::redact_url(tsa.unwrap_or(""))
            ),
        ),
        imza::Error::Path(p) if matches!(**p, PathError::RevocationUnknown { .. }) => {
            (exit::UNAVAILABLE, format!("--level LT: {e}"))
        }
        imza::Error::Path(_) => (exit::INVALID, format!("--level LT: {e}")),
        _ => (exit::DATA, format!("signing failed: {e}")),
    };
    Failure { code, message }
}
