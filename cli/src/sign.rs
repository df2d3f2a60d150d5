//! `imza sign`: CAdES baseline B, T and LT signatures with a software key.
//!
//! Detached content is streamed (hashed in chunks, never held in memory); attached content
//! is read whole, up to [`MAX_ATTACHED`]. The output is written only once everything
//! succeeded, and atomically.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use imza::cades::sign::{self as cades_sign, SignOptions, ToSign};
use imza::cms::SignerId;
use imza::crypto::{HashAlgorithm, Signer as _, SigningKey};
use imza::path::{self, Options, PathError, Purpose, ValidPath};
use imza::revocation::{Checker, Fetched};
use imza::time::UnixTime;
use imza::trust::TrustStore;

use crate::exit::{self, Failure};
use crate::verify_cert::{first_der, malformed, now};

/// Largest content signed attached (it is read whole and encapsulated); larger files are
/// signed `--detached`.
const MAX_ATTACHED: u64 = 512 * 1024 * 1024;

/// Signature formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignFormat {
    /// CMS / CAdES (ETSI EN 319 122-1): `.p7m` attached, `.p7s` detached.
    Cades,
}

/// CAdES baseline levels.
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
}

/// `imza sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The file to sign.
    file: PathBuf,
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
    /// The CAdES baseline level.
    #[arg(long, value_enum, ignore_case = true, default_value = "B")]
    level: SignLevel,
    /// The RFC 3161 time-stamping service, for --level T and LT.
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// Where to write the DER signature.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
}

pub(crate) fn run(args: &SignArgs) -> Result<u8, Failure> {
    let SignFormat::Cades = args.format;
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

    // LT needs a root to validate against: checked before any service is asked.
    let roots = if args.level == SignLevel::Lt {
        Some(roots_among(&chain)?)
    } else {
        None
    };

    let time = now();
    let mut opts = SignOptions::new(time);
    opts.detached = args.detached;
    let content = Loaded::load(&args.file, args.detached, key.algorithm())?;
    let cms = cades_sign::sign(content.to_sign(), &key, &cert_der, &chain, &opts)
        .map_err(|e| signing_failure(&args.cert, &e))?;

    let cms = match tsa {
        None => cms,
        Some(url) => {
            let cms = add_timestamp(&cms, url)?;
            match &roots {
                Some(store) => add_validation_data(&cms, &cert_der, &chain, store, time)?,
                None => cms,
            }
        }
    };

    exit::write_atomic(&args.output, &cms)?;
    let level = match args.level {
        SignLevel::B => "CAdES-BASELINE-B",
        SignLevel::T => "CAdES-BASELINE-T",
        SignLevel::Lt => "CAdES-BASELINE-LT",
    };
    let how = if args.detached {
        "detached"
    } else {
        "attached"
    };
    exit::print_stdout(&format!(
        "{}: {level}, {how}, {} bytes\n",
        args.output.display(),
        cms.len()
    ))?;
    Ok(exit::OK)
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

fn signing_failure(cert: &Path, e: &imza::Error) -> Failure {
    match e {
        imza::Error::KeyMismatch { .. } => Failure {
            code: exit::DATA,
            message: format!("{}: does not match --key: {e}", cert.display()),
        },
        imza::Error::Transport { .. } => Failure {
            code: exit::UNAVAILABLE,
            message: e.to_string(),
        },
        _ => Failure {
            code: exit::DATA,
            message: format!("signing failed: {e}"),
        },
    }
}

fn build_failure(what: &str, e: &imza::Error) -> Failure {
    Failure {
        code: exit::SOFTWARE,
        message: format!("{what}: {e}"),
    }
}

/// A nonce for the time-stamp request: std's per-process random SipHash keys (seeded from
/// the OS) over the clock, so no randomness crate is needed. It only pairs the answer with
/// the request; it is not a secret.
fn nonce() -> [u8; 8] {
    use std::hash::BuildHasher;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let h = std::collections::hash_map::RandomState::new().hash_one((nanos, std::process::id()));
    h.to_be_bytes()
}

/// B → B-T: a signature time-stamp from the TSA at `url`.
fn add_timestamp(cms: &[u8], url: &str) -> Result<Vec<u8>, Failure> {
    let digest = cades_sign::signature_timestamp_digest(cms, HashAlgorithm::Sha256)
        .map_err(|e| build_failure("signature time-stamp", &e))?;
    let token = fetch_timestamp(url, &digest)?;
    cades_sign::add_signature_timestamp(cms, &token).map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("--tsa {url}: the time-stamp token cannot be embedded: {e}"),
    })
}

#[cfg(feature = "http")]
fn fetch_timestamp(url: &str, digest: &imza::crypto::DigestValue) -> Result<Vec<u8>, Failure> {
    let http = imza::transport::BlockingHttp::new();
    imza::tsp::fetch(&http, url, digest, Some(&nonce()), None).map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("--tsa {url}: no time-stamp: {e}"),
    })
}

#[cfg(not(feature = "http"))]
fn fetch_timestamp(url: &str, _digest: &imza::crypto::DigestValue) -> Result<Vec<u8>, Failure> {
    let _ = nonce();
    Err(Failure {
        code: exit::UNAVAILABLE,
        message: format!("--tsa {url}: this imza was built without the http feature"),
    })
}

/// The self-signed certificates among `chain`, as the trust anchors of `--level LT`.
fn roots_among(chain: &[Vec<u8>]) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for der in chain {
        if let Ok(c) = imza::cert::parse_der(der) {
            if c.tbs_certificate.subject == c.tbs_certificate.issuer {
                store
                    .add_pem_or_der(der)
                    .map_err(|e| build_failure("--chain root", &e))?;
            }
        }
    }
    if store.is_empty() {
        return Err(Failure::usage(
            "--level LT: no root (self-signed) certificate among --chain; give the whole chain \
             up to the root, e.g. --chain chain.pem",
        ));
    }
    Ok(store)
}

/// B-T → B-LT: validates the signer's chain to a root among `chain` (`store`), fetches the
/// revocation status of each certificate (OCSP or CRL) and embeds the certificates and
/// responses. The time-stamp's TSA certificate gets the same, as far as its chain can be
/// built (a warning otherwise).
fn add_validation_data(
    cms: &[u8],
    cert_der: &[u8],
    chain: &[Vec<u8>],
    store: &TrustStore,
    time: UnixTime,
) -> Result<Vec<u8>, Failure> {
    let pool: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let signer = path::validate(
        cert_der,
        &pool,
        store,
        &Options::new(time, Purpose::DocumentSigning),
    )
    .map_err(|e| Failure {
        code: exit::INVALID,
        message: format!("--level LT: the signer's certificate does not validate: {e}"),
    })?;

    #[cfg(feature = "http")]
    let http = imza::transport::BlockingHttp::new();
    #[cfg(feature = "http")]
    let mut checker = Checker::online(&http);
    #[cfg(not(feature = "http"))]
    let mut checker = Checker::offline();
    checker
        .check(&signer, time)
        .map_err(|e| revocation_failure("the signer's", &e))?;

    let mut certs: Vec<Vec<u8>> = signer.chain().map(|c| c.der.clone()).collect();
    match tsa_path(cms, store, &pool, time) {
        Ok(tsa) => match checker.check(&tsa, time) {
            Ok(_) => certs.extend(tsa.chain().map(|c| c.der.clone())),
            Err(e) => {
                eprintln!("imza: warning: the time-stamp's revocation data is not embedded: {e}")
            }
        },
        Err(why) => {
            eprintln!("imza: warning: the time-stamp's validation data is not embedded: {why}")
        }
    }

    let mut ocsp = Vec::new();
    let mut crls = Vec::new();
    for f in checker.fetched() {
        match f {
            Fetched::Ocsp(b) => ocsp.push(b.clone()),
            Fetched::Crl(b) => crls.push(b.clone()),
            _ => {}
        }
    }
    cades_sign::add_validation_data(cms, &certs, &ocsp, &crls)
        .map_err(|e| build_failure("embedding the validation data", &e))
}

fn revocation_failure(whose: &str, e: &PathError) -> Failure {
    let code = match e {
        PathError::RevocationUnknown { .. } => exit::UNAVAILABLE,
        _ => exit::INVALID,
    };
    Failure {
        code,
        message: format!("--level LT: {whose} certificate: {e}"),
    }
}

/// The validated path of the TSA certificate of the (first) signature time-stamp in `cms`.
fn tsa_path(
    cms: &[u8],
    store: &TrustStore,
    pool: &[&[u8]],
    time: UnixTime,
) -> Result<ValidPath, String> {
    let sd = imza::cms::parse(cms).map_err(|e| e.to_string())?;
    let si = sd.signers.first().ok_or("no signer")?;
    let attr = si
        .unsigned_attrs
        .as_ref()
        .and_then(|u| u.get(&imza::cms::attr::SIGNATURE_TIMESTAMP))
        .ok_or("no signature time-stamp")?;
    let token_der = attr.values.first().ok_or("an empty time-stamp attribute")?;
    let token = imza::tsp::parse_token(token_der).map_err(|e| e.to_string())?;
    let tsi = token.signed_data.signers.first().ok_or("no TSA signer")?;
    let SignerId::IssuerSerial(is) = &tsi.sid else {
        return Err("the token names its TSA by key identifier".into());
    };
    let tsa_der = token
        .signed_data
        .certificates
        .iter()
        .copied()
        .find(|der| {
            imza::cert::parse_der(der).is_ok_and(|c| {
                c.tbs_certificate.issuer == is.issuer
                    && c.tbs_certificate.serial_number == is.serial_number
            })
        })
        .ok_or("the token does not carry the TSA certificate")?;
    let mut all: Vec<&[u8]> = pool.to_vec();
    all.extend(token.signed_data.certificates.iter().copied());
    path::validate(
        tsa_der,
        &all,
        store,
        &Options::new(time, Purpose::Timestamping),
    )
    .map_err(|e| e.to_string())
}
