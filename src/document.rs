//! Signed documents, the front door: [`verify`] any supported signature format, [`sign`] a
//! document through a [`Signer`].
//!
//! The format is detected from the bytes, so a caller (the CLI, the C ABI, the browser
//! package) never chooses a parser: CMS/CAdES, XMLDSig/XAdES and ASiC/UDF containers today;
//! PDF is recognised and refused with [`Error::UnsupportedFormat`] until its validator lands
//! behind this same function.

use alloc::string::String;
use alloc::vec::Vec;

use crate::asic;
use crate::cades::{self, VerifyOptions};
use crate::crypto::{DigestValue, HashAlgorithm, Signer};
use crate::error::Error;
use crate::pades;
use crate::path::{self, Purpose};
use crate::report::Report;
use crate::revocation::{Checker, Fetched};
use crate::time::UnixTime;
use crate::transport::Transport;
use crate::trust::TrustStore;
use crate::xades;

/// The signed content, as the caller has it.
#[non_exhaustive]
pub enum Content<'c> {
    /// The signature carries its content (an enveloping `.p7m`, a PDF, an ASiC container).
    Attached,
    /// Detached content in memory.
    Detached(&'c [u8]),
    /// Detached content read to its end in fixed-size chunks, hashed once with every digest
    /// algorithm the signature needs: memory does not grow with the content.
    #[cfg(feature = "std")]
    Reader(&'c mut dyn std::io::Read),
}

impl core::fmt::Debug for Content<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Attached => f.write_str("Attached"),
            Self::Detached(b) => write!(f, "Detached({} bytes)", b.len()),
            #[cfg(feature = "std")]
            Self::Reader(_) => f.write_str("Reader"),
        }
    }
}

/// A signature format, as recognised from the first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureFormat {
    /// CMS `SignedData` (CAdES, PKCS #7) in DER, BER or PEM armour.
    Cms,
    /// An XML document (XAdES, XMLDSig).
    Xml,
    /// A ZIP container (ASiC-E, ASiC-S, BDOC, UDF).
    Zip,
    /// A PDF (PAdES).
    Pdf,
}

impl SignatureFormat {
    /// Recognises the format from the first bytes; `None` when it is none of these.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .and_then(|i| bytes.get(i..))
            .unwrap_or(&[]);
        let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
        if start.starts_with(b"-----BEGIN ") || bytes.first() == Some(&0x30) {
            Some(Self::Cms)
        } else if bytes.starts_with(b"PK\x03\x04") {
            Some(Self::Zip)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if start.starts_with(b"<") {
            Some(Self::Xml)
        } else {
            None
        }
    }

    /// A short name for messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cms => "CMS",
            Self::Xml => "XML",
            Self::Zip => "ZIP container",
            Self::Pdf => "PDF",
        }
    }
}

/// Validates every signature in `signature` (format detected from its bytes) over
/// `content`, as ETSI EN 319 102-1 describes, and returns the report.
///
/// `Err` means the input could not be processed at all (not a signature, content given
/// twice, the reader failed); a forged, tampered, revoked or untrusted signature is a
/// report whose [`Report::indication`] says so.
///
/// ```
/// use imza::{verify, Content, Indication, TrustStore, UnixTime, VerifyOptions};
///
/// # fn main() -> Result<(), imza::Error> {
/// let mut trust = TrustStore::new();
/// trust.add_pem_or_der(include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem"))?;
/// let opts = VerifyOptions::new(&trust, UnixTime::parse_rfc3339("2027-06-01T00:00:00Z")?);
///
/// let report = verify(
///     include_bytes!("../test-vectors/sample/contract.p7m"),
///     Content::Attached,
///     &opts,
/// )?;
/// assert_eq!(report.indication, Indication::TOTAL_PASSED);
/// let signer = report.signatures[0].signer.as_ref().map(|s| s.subject.as_str());
/// assert_eq!(signer, Some("CN=P-256 Signer,O=Imza Test,C=AZ"));
/// # Ok(())
/// # }
/// ```
pub fn verify(
    signature: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    match SignatureFormat::detect(signature) {
        Some(SignatureFormat::Cms) => verify_cms(signature, content, opts),
        Some(SignatureFormat::Xml) => verify_xml(signature, content, opts),
        Some(SignatureFormat::Zip) => verify_zip(signature, content, opts),
        Some(SignatureFormat::Pdf) => {
            // A PDF carries its content, as a container does.
            if !matches!(content, Content::Attached) {
                return Err(Error::ContentGivenTwice);
            }
            pades::verify(signature, opts)
        }
        None => Err(Error::UnsupportedFormat { format: "unknown" }),
    }
}

fn verify_cms(
    signature: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    match content {
        Content::Attached => cades::verify(signature, cades::Content::Attached, opts),
        Content::Detached(b) => cades::verify(signature, cades::Content::Detached(b), opts),
        #[cfg(feature = "std")]
        Content::Reader(r) => cades::verify_reader(signature, r, opts, &mut |_| {}),
    }
}

/// A container carries its content: detached content is refused as for any signature
/// that does.
fn verify_zip(
    signature: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    if !matches!(content, Content::Attached) {
        return Err(Error::ContentGivenTwice);
    }
    let container = asic::Container::from_slice(signature, &asic::Limits::default())?;
    asic::verify(&container, opts)
}

/// Validates the signatures of a PDF read from a file or any seekable stream: only the
/// cross-reference sections, the objects the analysis needs and the signed byte ranges
/// (hashed in 64 KiB chunks) are read, so memory does not grow with the file.
#[cfg(feature = "std")]
pub fn verify_pdf<R>(reader: R, opts: &VerifyOptions<'_>) -> Result<Report, Error>
where
    R: std::io::Read + std::io::Seek,
{
    pades::verify(crate::pdf::source::ReadSeek::new(reader)?, opts)
}

/// Validates the signatures of a container read from a file or any seekable stream: its
/// entries are read on demand and hashed in chunks, so memory does not grow with the
/// container (a 2 GiB ASiC-E). For containers only; other formats go through [`verify`].
#[cfg(feature = "std")]
pub fn verify_container<R>(reader: R, opts: &VerifyOptions<'_>) -> Result<Report, Error>
where
    R: std::io::Read + std::io::Seek + Send,
{
    let container = asic::Container::from_reader(reader, &asic::Limits::default())?;
    asic::verify(&container, opts)
}

fn verify_xml(
    signature: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    let mut streamed = xades::Streamed::new(signature)?;
    match content {
        Content::Attached => {}
        Content::Detached(b) => streamed.update(b)?,
        #[cfg(feature = "std")]
        Content::Reader(r) => {
            streamed.update(&[])?;
            read_into(r, &mut |chunk| streamed.update(chunk))?;
        }
    }
    streamed.verify(opts)
}

/// Reads `r` to its end in fixed-size chunks.
#[cfg(feature = "std")]
fn read_into(
    r: &mut dyn std::io::Read,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut buf = alloc::vec![0u8; crate::crypto::digest::READ_CHUNK];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Read {
                    reason: alloc::format!("{e}"),
                })
            }
        };
        sink(buf.get(..n).unwrap_or(&[]))?;
    }
}

/// A signature whose detached content arrives in pieces: a host that gets the content as
/// a stream of chunks (a browser's `File.stream()`, a network body) pushes them with
/// [`DocumentVerifier::update`], and memory does not grow with the content.
///
/// A signature that carries its content needs none ([`DocumentVerifier::needs_content`]
/// is false); [`DocumentVerifier::verify`] then judges the embedded content.
///
/// ```
/// use imza::{DocumentVerifier, Indication, TrustStore, UnixTime, VerifyOptions};
///
/// # fn main() -> Result<(), imza::Error> {
/// let mut trust = TrustStore::new();
/// trust.add_pem_or_der(include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem"))?;
/// let mut opts = VerifyOptions::new(&trust, UnixTime::parse_rfc3339("2027-06-01T00:00:00Z")?);
/// opts.revocation = imza::RevocationPolicy::Skip;
///
/// let mut v = DocumentVerifier::new(include_bytes!("../test-vectors/cms/ossl-ec-cades-detached.p7s"))?;
/// assert!(v.needs_content());
/// for chunk in include_bytes!("../test-vectors/cms/content.txt").chunks(7) {
///     v.update(chunk)?;
/// }
/// assert_eq!(v.verify(&opts)?.indication, Indication::TOTAL_PASSED);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DocumentVerifier {
    inner: Streamed,
}

#[derive(Debug)]
enum Streamed {
    Cms(cades::Streamed),
    Xml(xades::Streamed),
    /// A container, which carries its content.
    Zip(Vec<u8>),
    /// A PDF, kept whole: it is read by position, not as a stream.
    Pdf(Vec<u8>),
}

impl DocumentVerifier {
    /// Recognises and parses `signature`; errors as [`verify`] gives them for input that
    /// is not a supported signature.
    pub fn new(signature: &[u8]) -> Result<Self, Error> {
        match SignatureFormat::detect(signature) {
            Some(SignatureFormat::Cms) => Ok(Self {
                inner: Streamed::Cms(cades::Streamed::new(signature)?),
            }),
            Some(SignatureFormat::Xml) => Ok(Self {
                inner: Streamed::Xml(xades::Streamed::new(signature)?),
            }),
            Some(SignatureFormat::Zip) => {
                // Opened now, so that what is not a container fails here as elsewhere.
                asic::Container::from_slice(signature, &asic::Limits::default())?;
                Ok(Self {
                    inner: Streamed::Zip(signature.to_vec()),
                })
            }
            Some(SignatureFormat::Pdf) => {
                // Its structure read now, so that what is not a PDF fails here as elsewhere.
                crate::pdf::Document::open(signature, crate::pdf::XrefLimits::default())?;
                Ok(Self {
                    inner: Streamed::Pdf(signature.to_vec()),
                })
            }
            None => Err(Error::UnsupportedFormat { format: "unknown" }),
        }
    }

    /// The signature's format.
    pub fn format(&self) -> SignatureFormat {
        match self.inner {
            Streamed::Cms(_) => SignatureFormat::Cms,
            Streamed::Xml(_) => SignatureFormat::Xml,
            Streamed::Zip(_) => SignatureFormat::Zip,
            Streamed::Pdf(_) => SignatureFormat::Pdf,
        }
    }

    /// Whether the signature is detached: its content must be given with
    /// [`Self::update`].
    pub fn needs_content(&self) -> bool {
        match &self.inner {
            Streamed::Cms(s) => s.needs_content(),
            Streamed::Xml(s) => s.needs_content(),
            Streamed::Zip(_) | Streamed::Pdf(_) => false,
        }
    }

    /// Hashes the next piece of the detached content ([`Error::ContentGivenTwice`] for a
    /// signature that carries its content).
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), Error> {
        match &mut self.inner {
            Streamed::Cms(s) => s.update(chunk),
            Streamed::Xml(s) => s.update(chunk),
            Streamed::Zip(_) | Streamed::Pdf(_) => Err(Error::ContentGivenTwice),
        }
    }

    /// The digest algorithms a host that hashes the content itself must use
    /// ([`Self::set_digests`]); empty when digests cannot stand for the content.
    pub fn required_digests(&self) -> Vec<HashAlgorithm> {
        match &self.inner {
            Streamed::Cms(s) => s.required_digests(),
            Streamed::Xml(s) => s.required_digests(),
            Streamed::Zip(_) | Streamed::Pdf(_) => Vec::new(),
        }
    }

    /// The detached content's digests and length, hashed by the host, instead of
    /// [`Self::update`] (see [`cades::Streamed::set_digests`]).
    pub fn set_digests(
        &mut self,
        digests: &[(HashAlgorithm, &[u8])],
        length: u64,
    ) -> Result<(), Error> {
        match &mut self.inner {
            Streamed::Cms(s) => s.set_digests(digests, length),
            Streamed::Xml(s) => s.set_digests(digests, length),
            Streamed::Zip(_) | Streamed::Pdf(_) => Err(Error::ContentGivenTwice),
        }
    }

    /// The number of content bytes given so far.
    pub fn length(&self) -> u64 {
        match &self.inner {
            Streamed::Cms(s) => s.length(),
            Streamed::Xml(s) => s.length(),
            Streamed::Zip(_) | Streamed::Pdf(_) => 0,
        }
    }

    /// Validates every signature over the content given so far, which is then complete.
    /// It may be called again with other options (the answers a host fetched for a
    /// [`crate::transport::Prefetched`] transport) and judges the same content.
    pub fn verify(&mut self, opts: &VerifyOptions<'_>) -> Result<Report, Error> {
        match &mut self.inner {
            Streamed::Cms(s) => s.verify(opts),
            Streamed::Xml(s) => s.verify(opts),
            Streamed::Zip(z) => verify_zip(z, Content::Attached, opts),
            Streamed::Pdf(p) => pades::verify(p.as_slice(), opts),
        }
    }
}

/// [`crate::report::validate_certificate`] with the options documents are verified with: the path through
/// `opts.extra_certs` to an anchor in `opts.trust` at `opts.time`, then the revocation
/// status as `opts.revocation` says, from the supplied OCSP responses and CRLs and, online,
/// through `opts.transport`. What `imza cert verify`, the C ABI's `imza_cert_validate` and
/// the WASM package's `validatePath` report.
pub fn verify_certificate(
    leaf: &[u8],
    purpose: Purpose,
    opts: &VerifyOptions<'_>,
) -> Result<crate::report::CertificateReport, Error> {
    let pool: Vec<&[u8]> = opts.extra_certs.iter().map(Vec::as_slice).collect();
    let path_opts = path::Options::new(opts.time, purpose);
    let mut checker = match opts.revocation {
        cades::RevocationPolicy::Skip => None,
        _ => {
            let mut c = match opts.transport {
                Some(t) => Checker::online(t),
                None => Checker::offline(),
            };
            c.ocsp.now = Some(opts.now);
            c.ocsp_responses.clone_from(&opts.ocsp_responses);
            c.crls = opts
                .crls
                .iter()
                .map(|d| crate::revocation::crl::Crl::parse(d))
                .collect::<Result<_, _>>()?;
            Some(c)
        }
    };
    Ok(crate::report::validate_certificate(
        leaf,
        &pool,
        opts.trust,
        &path_opts,
        checker.as_mut(),
    )?)
}

/// The level of a signature to make (ETSI EN 319 122-1 baseline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignLevel {
    /// B-B: signed attributes and the signer's certificate.
    B,
    /// B-T: plus a signature time-stamp from [`SignOptions::tsa_url`].
    T,
    /// B-LT: plus the certificates and revocation data (OCSP or CRL, fetched) that validate
    /// the signer and the time-stamping unit, checked against [`SignOptions::trust`].
    Lt,
    /// B-LTA (PAdES only): B-LT plus a document time-stamp over the whole file.
    Lta,
}

/// The signature format [`sign`] makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignFormat {
    /// CMS / CAdES (EN 319 122-1): `.p7m`, or `.p7s` when detached.
    #[default]
    Cades,
    /// XAdES (EN 319 132-1): enveloped in the XML content, or, when detached, a signature
    /// document naming the content by [`SignOptions::content_name`].
    Xades,
    /// An ASiC-E container (EN 319 162-1): the content as the file
    /// [`SignOptions::content_name`] and a XAdES signature over it. For several files, or
    /// large ones streamed, see [`sign_container`].
    Asice,
    /// PAdES (EN 319 142-1): the PDF given as the content, with an invisible signature
    /// added by incremental update (the original bytes unchanged); B-LT adds a `/DSS`,
    /// B-LTA a document time-stamp. For large files streamed, see [`sign_pdf`].
    Pades,
}

/// What to make, for [`sign`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SignOptions<'a> {
    /// The format (CAdES by default).
    pub format: SignFormat,
    /// The content's file name, which a detached XAdES signature references and an ASiC-E
    /// container stores the content under.
    pub content_name: Option<String>,
    /// The level (B by default).
    pub level: SignLevel,
    /// Leave the content out (`.p7s`) instead of encapsulating it (`.p7m`).
    pub detached: bool,
    /// The signing-time attribute: the caller's clock (the core reads none).
    pub signing_time: UnixTime,
    /// Chain certificates (DER) to embed, without the signer's own.
    pub chain: Vec<Vec<u8>>,
    /// The RFC 3161 time-stamping service, for T and LT.
    pub tsa_url: Option<String>,
    /// The network, for T (the TSA) and LT (OCSP and CRLs).
    pub transport: Option<&'a dyn Transport>,
    /// The roots the LT validation data must reach; `None`: the self-signed certificates
    /// among `chain`.
    pub trust: Option<&'a TrustStore>,
}

impl<'a> SignOptions<'a> {
    /// A B-B signature claiming `signing_time`, encapsulating the content.
    pub fn new(signing_time: UnixTime) -> Self {
        Self {
            format: SignFormat::Cades,
            content_name: None,
            level: SignLevel::B,
            detached: false,
            signing_time,
            chain: Vec::new(),
            tsa_url: None,
            transport: None,
            trust: None,
        }
    }
}

/// Signs `content` with `signer` as a CAdES baseline signature of `opts.level`; returns
/// the DER `ContentInfo`.
///
/// `content` is the content itself, or (detached only) its digest computed while
/// streaming it ([`crate::crypto::digest::digest_reader`]) with
/// [`cades::sign::digest_algorithm`] of the signer's algorithm.
///
/// ```
/// use imza::{sign, verify, Content, Indication, RevocationPolicy, SignOptions, SigningKey,
///            ToSign, TrustStore, UnixTime, VerifyOptions};
///
/// # fn main() -> Result<(), imza::Error> {
/// let key = SigningKey::from_pkcs8_pem(include_str!("../test-vectors/pki/ecdsa-p256/signer.key"))?;
/// let cert = include_bytes!("../test-vectors/pki/ecdsa-p256/signer.der");
/// let time = UnixTime::parse_rfc3339("2027-01-01T00:00:00Z")?;
/// let mut how = SignOptions::new(time);
/// how.chain = vec![include_bytes!("../test-vectors/pki/ecdsa-p256/intermediate.der").to_vec()];
///
/// let signed = sign(ToSign::Bytes(b"hello"), &key, cert, &how)?;
///
/// let mut trust = TrustStore::new();
/// trust.add_pem_or_der(include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem"))?;
/// let mut opts = VerifyOptions::new(&trust, time);
/// opts.revocation = RevocationPolicy::Skip; // B-B carries no revocation data
/// let report = verify(&signed, Content::Attached, &opts)?;
/// assert_eq!(report.indication, Indication::TOTAL_PASSED);
/// # Ok(())
/// # }
/// ```
pub fn sign(
    content: cades::sign::ToSign<'_>,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
) -> Result<Vec<u8>, Error> {
    let mut b = cades::sign::SignOptions::new(opts.signing_time);
    b.detached = opts.detached;
    // Checked before the card or phone is asked to sign.
    let plan = Plan::new(opts)?;
    let (network, trust) = (plan.network, plan.trust(opts));
    match opts.format {
        SignFormat::Cades => {}
        SignFormat::Xades => return sign_xades(content, signer, cert_der, opts, network, trust),
        SignFormat::Asice => {
            let name = opts.content_name.as_deref().ok_or(Error::InvalidOptions {
                reason: "an ASiC-E container names its file: content_name is needed",
            })?;
            let cades::sign::ToSign::Bytes(bytes) = content else {
                return Err(Error::InvalidOptions {
                    reason: "an ASiC-E container holds the content: give its bytes, not its digest",
                });
            };
            let hash = cades::sign::digest_algorithm(signer.algorithm());
            let mut writer = asic::AsiceWriter::new(Vec::new(), hash, opts.signing_time)?;
            writer.add_bytes(name, asic::write::mime_type_of(name), bytes)?;
            return finish_asice(writer, signer, cert_der, opts, network, trust);
        }
        SignFormat::Pades => {
            let cades::sign::ToSign::Bytes(pdf) = content else {
                return Err(Error::InvalidOptions {
                    reason: "a PAdES signature is added to the PDF: give its bytes, not its digest",
                });
            };
            let mut src: &[u8] = pdf;
            let tail = sign_pades(&mut src, signer, cert_der, opts, &plan)?;
            let mut out = pdf.to_vec();
            out.extend_from_slice(&tail);
            return Ok(out);
        }
    }
    if plan.lta {
        return Err(Error::InvalidOptions {
            reason: "level LTA is made for PAdES only",
        });
    }
    let cms = cades::sign::sign(content, signer, cert_der, &opts.chain, &b)?;
    let Some((transport, url)) = network else {
        return Ok(cms);
    };
    let cms = add_timestamp(&cms, transport, url)?;
    match trust {
        Some(store) => {
            let tokens = cades_signature_timestamps(&cms)?;
            let (certs, ocsp, crls) = validation_data(
                cert_der,
                &opts.chain,
                &tokens,
                store,
                transport,
                opts.signing_time,
            )?;
            cades::sign::add_validation_data(&cms, &certs, &ocsp, &crls)
        }
        None => Ok(cms),
    }
}

fn sign_xades(
    content: cades::sign::ToSign<'_>,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
    network: Option<(&dyn Transport, &str)>,
    trust: Option<&TrustStore>,
) -> Result<Vec<u8>, Error> {
    let params = xades::sign::Params {
        signing_time: opts.signing_time,
        chain: &opts.chain,
    };
    let xml = if opts.detached {
        let name = opts.content_name.as_deref().ok_or(Error::InvalidOptions {
            reason: "a detached XAdES signature names its content: content_name is needed",
        })?;
        let hash = cades::sign::digest_algorithm(signer.algorithm());
        let digest = match content {
            cades::sign::ToSign::Bytes(b) => crate::crypto::digest(hash, b),
            cades::sign::ToSign::Digest(d) => *d,
        };
        let files = [xades::sign::File {
            name,
            digest,
            mime_type: asic::write::mime_type_of(name),
        }];
        xades::sign::sign(
            xades::sign::Data::Detached(&files),
            signer,
            cert_der,
            &params,
        )?
    } else {
        let cades::sign::ToSign::Bytes(document) = content else {
            return Err(Error::InvalidOptions {
                reason: "an enveloped XAdES signature needs the XML document, not its digest",
            });
        };
        xades::sign::sign(
            xades::sign::Data::Enveloped(document),
            signer,
            cert_der,
            &params,
        )?
    };
    extend_xades(xml, cert_der, opts, network, trust)
}

/// B-B → B-T (a SignatureTimeStamp) → B-LT (CertificateValues and RevocationValues), as
/// far as `network` and `trust` reach.
fn extend_xades(
    xml: Vec<u8>,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
    network: Option<(&dyn Transport, &str)>,
    trust: Option<&TrustStore>,
) -> Result<Vec<u8>, Error> {
    let Some((transport, url)) = network else {
        return Ok(xml);
    };
    let xml = xades::sign::add_signature_timestamp(&xml, &mut |digest| {
        fetch_token(transport, url, digest)
    })?;
    match trust {
        Some(store) => {
            let tokens = xades::sign::signature_timestamps(&xml)?;
            let (certs, ocsp, crls) = validation_data(
                cert_der,
                &opts.chain,
                &tokens,
                store,
                transport,
                opts.signing_time,
            )?;
            xades::sign::add_validation_values(&xml, &certs, &ocsp, &crls)
        }
        None => Ok(xml),
    }
}

/// Signs the container's data files with a detached XAdES signature of `opts.level` and
/// ends the container with it.
fn finish_asice<S: asic::Sink>(
    writer: asic::AsiceWriter<S>,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
    network: Option<(&dyn Transport, &str)>,
    trust: Option<&TrustStore>,
) -> Result<S, Error> {
    let params = xades::sign::Params {
        signing_time: opts.signing_time,
        chain: &opts.chain,
    };
    let xml = {
        let files: Vec<xades::sign::File<'_>> = writer
            .files()
            .iter()
            .map(|f| xades::sign::File {
                name: &f.name,
                digest: f.digest,
                mime_type: &f.mime_type,
            })
            .collect();
        xades::sign::sign(
            xades::sign::Data::Detached(&files),
            signer,
            cert_der,
            &params,
        )?
    };
    let xml = extend_xades(xml, cert_der, opts, network, trust)?;
    writer.finish(&xml)
}

/// What [`sign`] and [`sign_container`] check before anything is signed: the services a
/// level needs, and the roots LT data must reach.
struct Plan<'o> {
    network: Option<(&'o dyn Transport, &'o str)>,
    roots: Option<TrustStore>,
    lt: bool,
    lta: bool,
}

impl<'o> Plan<'o> {
    fn new(opts: &'o SignOptions<'_>) -> Result<Self, Error> {
        let network = match opts.level {
            SignLevel::B => None,
            SignLevel::T | SignLevel::Lt | SignLevel::Lta => Some(network(opts)?),
        };
        let lta = opts.level == SignLevel::Lta;
        let lt = opts.level == SignLevel::Lt || lta;
        let roots = match (lt, opts.trust) {
            (true, None) => Some(roots_among(&opts.chain)?),
            _ => None,
        };
        Ok(Self {
            network,
            roots,
            lt,
            lta,
        })
    }

    fn trust<'s>(&'s self, opts: &'s SignOptions<'_>) -> Option<&'s TrustStore> {
        if self.lt {
            opts.trust.or(self.roots.as_ref())
        } else {
            None
        }
    }
}

/// Signs files into an ASiC-E container (EN 319 162-1) with one XAdES signature of
/// `opts.level` over all of them, written to `out` as it goes: each file is read once, in
/// chunks, deflated and digested on the way, so memory does not grow with the files.
///
/// `files` are (name in the container, reader); names follow the rules the reader checks
/// (no traversal, no duplicates, nothing under `META-INF/`). MIME types come from the
/// names' extensions. `opts.format`, `detached` and `content_name` are not used. Entries
/// and the container must stay under 4 GiB. On error, what was written to `out` is not a
/// container: write to a temporary file and rename it.
///
/// ```
/// use imza::{sign_container, verify, Content, Indication, RevocationPolicy, SignOptions,
///            SigningKey, TrustStore, UnixTime, VerifyOptions};
///
/// # fn main() -> Result<(), imza::Error> {
/// let key = SigningKey::from_pkcs8_pem(include_str!("../test-vectors/pki/ecdsa-p256/signer.key"))?;
/// let cert = include_bytes!("../test-vectors/pki/ecdsa-p256/signer.der");
/// let time = UnixTime::parse_rfc3339("2027-01-01T00:00:00Z")?;
/// let mut how = SignOptions::new(time);
/// how.chain = vec![include_bytes!("../test-vectors/pki/ecdsa-p256/intermediate.der").to_vec()];
///
/// let (mut a, mut b) = (&b"first"[..], &b"second"[..]);
/// let mut files: [(&str, &mut dyn std::io::Read); 2] = [("a.txt", &mut a), ("b.txt", &mut b)];
/// let asice = sign_container(&mut files, Vec::new(), &key, cert, &how)?;
///
/// let mut trust = TrustStore::new();
/// trust.add_pem_or_der(include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem"))?;
/// let mut opts = VerifyOptions::new(&trust, time);
/// opts.revocation = RevocationPolicy::Skip;
/// let report = verify(&asice, Content::Attached, &opts)?;
/// assert_eq!(report.indication, Indication::TOTAL_PASSED);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "std")]
pub fn sign_container<W: std::io::Write>(
    files: &mut [(&str, &mut dyn std::io::Read)],
    out: W,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
) -> Result<W, Error> {
    let plan = Plan::new(opts)?;
    if plan.lta {
        return Err(Error::InvalidOptions {
            reason: "level LTA is made for PAdES only",
        });
    }
    let hash = cades::sign::digest_algorithm(signer.algorithm());
    let mut writer = asic::AsiceWriter::new(asic::write::IoSink(out), hash, opts.signing_time)?;
    for (name, reader) in files.iter_mut() {
        writer.add_reader(name, asic::write::mime_type_of(name), *reader)?;
    }
    finish_asice(
        writer,
        signer,
        cert_der,
        opts,
        plan.network,
        plan.trust(opts),
    )
    .map(|s| s.0)
}

/// B-B, then B-T, B-LT and B-LTA as `plan` says, each an incremental update of the PDF in
/// `src`; returns what to append to it.
fn sign_pades<S: crate::pdf::Source>(
    src: &mut S,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
    plan: &Plan<'_>,
) -> Result<Vec<u8>, Error> {
    let params = pades::sign::Params {
        signing_time: opts.signing_time,
        chain: &opts.chain,
    };
    let Some((transport, url)) = plan.network else {
        let (tail, _) = pades::sign::signature(src, &[], signer, cert_der, &params, None)?;
        return Ok(tail);
    };
    let (mut tail, cms) = pades::sign::signature(
        src,
        &[],
        signer,
        cert_der,
        &params,
        Some(&mut |d| fetch_token(transport, url, d)),
    )?;
    let Some(store) = plan.trust(opts) else {
        return Ok(tail);
    };
    let tokens = cades_signature_timestamps(&cms)?;
    let (certs, ocsp, crls) = validation_data(
        cert_der,
        &opts.chain,
        &tokens,
        store,
        transport,
        opts.signing_time,
    )?;
    let dss = pades::sign::dss(src, &tail, &certs, &ocsp, &crls)?;
    tail.extend_from_slice(&dss);
    if plan.lta {
        let ts =
            pades::sign::document_timestamp(src, &tail, &mut |d| fetch_token(transport, url, d))?;
        tail.extend_from_slice(&ts);
    }
    Ok(tail)
}

/// Signs the PDF read from `input` as PAdES of `opts.level` (see [`SignFormat::Pades`]),
/// writing the signed file to `out`: the input's bytes unchanged, then the incremental
/// updates. The input is read twice (for the digest, then copied), in chunks, so memory
/// does not grow with the file.
#[cfg(feature = "std")]
pub fn sign_pdf<R: std::io::Read + std::io::Seek, W: std::io::Write>(
    input: R,
    mut out: W,
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &SignOptions<'_>,
) -> Result<W, Error> {
    let plan = Plan::new(opts)?;
    let mut src = crate::pdf::source::ReadSeek::new(input)?;
    let tail = sign_pades(&mut src, signer, cert_der, opts, &plan)?;
    let len = crate::pdf::Source::len(&src);
    let mut input = src.into_inner();
    let io = |e: std::io::Error| Error::Transport {
        reason: alloc::format!("copying the PDF: {e}"),
    };
    input.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    let copied = std::io::copy(&mut std::io::Read::take(&mut input, len), &mut out).map_err(io)?;
    if copied != len {
        return Err(Error::Transport {
            reason: alloc::format!("copying the PDF: it shrank to {copied} bytes while signing"),
        });
    }
    out.write_all(&tail).map_err(io)?;
    Ok(out)
}

fn network<'o>(opts: &'o SignOptions<'_>) -> Result<(&'o dyn Transport, &'o str), Error> {
    let url = opts.tsa_url.as_deref().ok_or(Error::InvalidOptions {
        reason: "levels T and LT need a time-stamping service (tsa_url)",
    })?;
    let transport = opts.transport.ok_or(Error::InvalidOptions {
        reason: "levels T and LT need a transport to reach the services",
    })?;
    Ok((transport, url))
}

/// The self-signed certificates among `chain`.
fn roots_among(chain: &[Vec<u8>]) -> Result<TrustStore, Error> {
    let mut store = TrustStore::new();
    for der in chain {
        if let Ok(c) = crate::cert::parse_der(der) {
            if c.tbs_certificate.subject == c.tbs_certificate.issuer {
                store.add_pem_or_der(der)?;
            }
        }
    }
    if store.is_empty() {
        return Err(Error::InvalidOptions {
            reason: "level LT needs the chain up to a root (self-signed) certificate, or trust \
                     anchors",
        });
    }
    Ok(store)
}

/// A nonce for the time-stamp request: it ties the response to this request.
fn nonce() -> Option<[u8; 8]> {
    #[cfg(feature = "rand")]
    {
        let mut n = [0u8; 8];
        getrandom::getrandom(&mut n).ok().map(|()| n)
    }
    #[cfg(not(feature = "rand"))]
    None
}

/// B → B-T.
fn add_timestamp(cms: &[u8], transport: &dyn Transport, url: &str) -> Result<Vec<u8>, Error> {
    let digest = cades::sign::signature_timestamp_digest(cms, HashAlgorithm::Sha256)?;
    cades::sign::add_signature_timestamp(cms, &fetch_token(transport, url, &digest)?)
}

/// A time-stamp token over `digest` from the TSA at `url`, with a nonce when there is
/// randomness.
fn fetch_token(
    transport: &dyn Transport,
    url: &str,
    digest: &DigestValue,
) -> Result<Vec<u8>, Error> {
    let nonce = nonce();
    crate::tsp::fetch(transport, url, digest, nonce.as_ref().map(|n| &n[..]), None).map_err(|e| {
        Error::Transport {
            reason: alloc::format!("{url}: no time-stamp: {e}"),
        }
    })
}

/// B-T → B-LT: validates the signer's chain to `store`, fetches the revocation status of
/// each certificate (OCSP, else CRL), and returns the certificates and responses to embed;
/// the same for the time-stamping unit of each signature time-stamp (`tokens`, DER).
type ValidationData = (Vec<Vec<u8>>, Vec<Vec<u8>>, Vec<Vec<u8>>);

fn validation_data(
    cert_der: &[u8],
    chain: &[Vec<u8>],
    tokens: &[Vec<u8>],
    store: &TrustStore,
    transport: &dyn Transport,
    time: UnixTime,
) -> Result<ValidationData, Error> {
    let pool: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let signer = path::validate(
        cert_der,
        &pool,
        store,
        &path::Options::new(time, Purpose::DocumentSigning),
    )
    .map_err(|e| Error::PolicyViolation {
        reason: alloc::format!("level LT: the signer's certificate does not validate: {e}"),
    })?;
    let mut checker = Checker::online(transport);
    checker
        .check(&signer, time)
        .map_err(|e| Error::PolicyViolation {
            reason: alloc::format!("level LT: the signer's certificate: {e}"),
        })?;
    let mut certs: Vec<Vec<u8>> = signer.chain().map(|c| c.der.clone()).collect();
    for token in tokens {
        let tsa = tsa_path(token, store, &pool, time)?;
        checker
            .check(&tsa, time)
            .map_err(|e| Error::PolicyViolation {
                reason: alloc::format!("level LT: the time-stamping unit's certificate: {e}"),
            })?;
        for c in tsa.chain() {
            if !certs.contains(&c.der) {
                certs.push(c.der.clone());
            }
        }
    }
    let (mut ocsp, mut crls) = (Vec::new(), Vec::new());
    for f in checker.fetched() {
        match f {
            Fetched::Ocsp(b) => ocsp.push(b.clone()),
            Fetched::Crl(b) => crls.push(b.clone()),
        }
    }
    Ok((certs, ocsp, crls))
}

/// The signature time-stamp tokens of the first signer in `cms`.
fn cades_signature_timestamps(cms: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let sd = crate::cms::parse(cms)?;
    Ok(sd
        .signers
        .first()
        .and_then(|si| si.unsigned_attrs.as_ref())
        .and_then(|u| u.get(&crate::cms::attr::SIGNATURE_TIMESTAMP))
        .map(|a| a.values.iter().map(|v| v.to_vec()).collect())
        .unwrap_or_default())
}

/// The validated path of the TSA certificate of a time-stamp token (DER).
fn tsa_path(
    token_der: &[u8],
    store: &TrustStore,
    pool: &[&[u8]],
    time: UnixTime,
) -> Result<path::ValidPath, Error> {
    let missing = |detail: &str| Error::Malformed {
        what: "signature time-stamp",
        detail: String::from(detail),
    };
    let token = crate::tsp::parse_token(token_der)?;
    let Some(crate::cms::SignerId::IssuerSerial(is)) =
        token.signed_data.signers.first().map(|tsi| &tsi.sid)
    else {
        return Err(missing("the token names its TSA by key identifier"));
    };
    let tsa_der = token
        .signed_data
        .certificates
        .iter()
        .copied()
        .find(|der| {
            crate::cert::parse_der(der).is_ok_and(|c| {
                c.tbs_certificate.issuer == is.issuer
                    && c.tbs_certificate.serial_number == is.serial_number
            })
        })
        .ok_or_else(|| missing("the token does not carry its TSA certificate"))?;
    let mut all: Vec<&[u8]> = pool.to_vec();
    all.extend(token.signed_data.certificates.iter().copied());
    Ok(path::validate(
        tsa_der,
        &all,
        store,
        &path::Options::new(time, Purpose::Timestamping),
    )?)
}
