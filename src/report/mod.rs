//! The validation report: one per document, one entry per signature, in the ETSI
//! EN 319 102-1 vocabulary. CAdES fills it now; XAdES and PAdES reuse it. One
//! certificate's validation has its own report, [`CertificateReport`].
//!
//! "Cryptographically intact" (`intact`) is kept apart from the indication: an intact
//! signature whose certificate expired without a proof of existence is INDETERMINATE, not a
//! failure.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::crypto::HashAlgorithm;
use crate::path::ParsedCert;
use crate::path::PathError;
use crate::revocation::Evidence;
use crate::time::UnixTime;
use crate::util::hex;

mod certificate;

pub use certificate::{
    validate_certificate, CertificateReport, PathCertificate, RevocationChecking,
};

/// ETSI EN 319 102-1 §5.2.6 / §5.2.7 sub-indications path validation can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[allow(non_camel_case_types, missing_docs)]
#[non_exhaustive]
pub enum SubIndication {
    FORMAT_FAILURE,
    NO_CERTIFICATE_CHAIN_FOUND,
    CHAIN_CONSTRAINTS_FAILURE,
    CERTIFICATE_CHAIN_GENERAL_FAILURE,
    CRYPTO_CONSTRAINTS_FAILURE,
    EXPIRED,
    NOT_YET_VALID,
    REVOKED,
    REVOKED_NO_POE,
    TRY_LATER,
    OUT_OF_BOUNDS_NO_POE,
    OUT_OF_BOUNDS_NOT_REVOKED,
    HASH_FAILURE,
    SIG_CRYPTO_FAILURE,
    SIGNED_DATA_NOT_FOUND,
    NO_SIGNING_CERTIFICATE_FOUND,
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    SIG_CONSTRAINTS_FAILURE,
    TIMESTAMP_ORDER_FAILURE,
    NO_POE,
}

/// ETSI EN 319 102-1 main indication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[allow(non_camel_case_types, missing_docs)]
pub enum Indication {
    TOTAL_PASSED,
    TOTAL_FAILED,
    INDETERMINATE,
}

/// The ETSI mapping of path failures lives with the ETSI vocabulary, so that `path` does
/// not depend on the report.
impl PathError {
    /// The ETSI EN 319 102-1 sub-indication (X.509 certificate validation, §5.2.6).
    pub fn sub_indication(&self) -> SubIndication {
        match self {
            Self::Malformed(_) => SubIndication::FORMAT_FAILURE,
            Self::NoChainFound { .. } => SubIndication::NO_CERTIFICATE_CHAIN_FOUND,
            Self::Expired { .. } => SubIndication::OUT_OF_BOUNDS_NO_POE,
            Self::NotYetValid { .. } => SubIndication::NOT_YET_VALID,
            Self::ChainConstraints { .. } => SubIndication::CHAIN_CONSTRAINTS_FAILURE,
            Self::UnknownCriticalExtension { .. } | Self::BudgetExceeded { .. } => {
                SubIndication::CERTIFICATE_CHAIN_GENERAL_FAILURE
            }
            Self::CryptoConstraints { .. } => SubIndication::CRYPTO_CONSTRAINTS_FAILURE,
            // Revoked at the validation time, taken as a fact. The signature layers turn this
            // into REVOKED_NO_POE when the signing time itself is not proven.
            Self::Revoked { .. } => SubIndication::REVOKED,
            Self::RevocationUnknown { .. } => SubIndication::TRY_LATER,
        }
    }

    /// The main indication: TOTAL_FAILED where no later proof can help (malformed, a broken
    /// constraint, a refused algorithm, not yet valid); INDETERMINATE where more data could
    /// (a chain, a proof of existence before expiry or revocation, fresher status).
    pub fn indication(&self) -> Indication {
        match self {
            Self::Malformed(_)
            | Self::ChainConstraints { .. }
            | Self::UnknownCriticalExtension { .. }
            | Self::Revoked { .. }
            | Self::NotYetValid { .. } => Indication::TOTAL_FAILED,
            _ => Indication::INDETERMINATE,
        }
    }
}

/// The report for one document.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// TOTAL_PASSED when every signature passed, TOTAL_FAILED when any failed, else
    /// INDETERMINATE (also when there is no signature at all).
    pub indication: Indication,
    /// The sub-indication of the first signature that decided `indication`.
    pub sub_indication: Option<SubIndication>,
    /// The time the validation was made for.
    pub validation_time: UnixTime,
    /// The signatures, in document order.
    pub signatures: Vec<SignatureReport>,
}

impl Report {
    /// Builds a report and its overall indication from per-signature reports.
    pub fn new(validation_time: UnixTime, signatures: Vec<SignatureReport>) -> Self {
        let failed = signatures
            .iter()
            .find(|s| s.indication == Indication::TOTAL_FAILED);
        let undecided = signatures
            .iter()
            .find(|s| s.indication == Indication::INDETERMINATE);
        let (indication, sub_indication) = match (failed, undecided, signatures.is_empty()) {
            (Some(f), _, _) => (Indication::TOTAL_FAILED, f.sub_indication),
            (None, Some(u), _) => (Indication::INDETERMINATE, u.sub_indication),
            (None, None, true) => (
                Indication::INDETERMINATE,
                Some(SubIndication::SIGNED_DATA_NOT_FOUND),
            ),
            (None, None, false) => (Indication::TOTAL_PASSED, None),
        };
        Self {
            indication,
            sub_indication,
            validation_time,
            signatures,
        }
    }
}

/// Signature formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Format {
    /// CMS / CAdES.
    CAdES,
    /// XMLDSig / XAdES.
    XAdES,
    /// A PDF signature (PAdES, or plain PDF CMS).
    PAdES,
}

/// The level a signature reaches (ETSI EN 319 122-1 baseline profiles, or plain CMS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum Level {
    /// CMS that is not a CAdES baseline signature (no signing-certificate attribute, no
    /// signed attributes ...).
    #[serde(rename = "CMS")]
    Cms,
    /// B-B.
    #[serde(rename = "CAdES-BASELINE-B")]
    B,
    /// B-T: a signature time-stamp.
    #[serde(rename = "CAdES-BASELINE-T")]
    T,
    /// B-LT: the validation data embedded.
    #[serde(rename = "CAdES-BASELINE-LT")]
    Lt,
    /// B-LTA: an archive time-stamp.
    #[serde(rename = "CAdES-BASELINE-LTA")]
    Lta,
    /// An XML signature that is not a XAdES baseline signature (no signed
    /// SigningCertificate(V2) property): DSS's XML-NOT-ETSI.
    #[serde(rename = "XML-NOT-ETSI")]
    XmlDsig,
    /// XAdES B-B (EN 319 132-1).
    #[serde(rename = "XAdES-BASELINE-B")]
    XadesB,
    /// XAdES B-T: a SignatureTimeStamp.
    #[serde(rename = "XAdES-BASELINE-T")]
    XadesT,
    /// XAdES B-LT: CertificateValues and RevocationValues.
    #[serde(rename = "XAdES-BASELINE-LT")]
    XadesLt,
    /// XAdES B-LTA: an ArchiveTimeStamp.
    #[serde(rename = "XAdES-BASELINE-LTA")]
    XadesLta,
    /// PAdES B-B (EN 319 142-1).
    #[serde(rename = "PAdES-BASELINE-B")]
    PadesB,
    /// PAdES B-T.
    #[serde(rename = "PAdES-BASELINE-T")]
    PadesT,
    /// PAdES B-LT.
    #[serde(rename = "PAdES-BASELINE-LT")]
    PadesLt,
    /// PAdES B-LTA.
    #[serde(rename = "PAdES-BASELINE-LTA")]
    PadesLta,
}

/// The ETSI TS 101 733 (legacy CAdES) form, as older validators name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum LegacyLevel {
    /// CAdES-BES.
    #[serde(rename = "CAdES-BES")]
    Bes,
    /// CAdES-EPES (signature-policy-identifier).
    #[serde(rename = "CAdES-EPES")]
    Epes,
    /// CAdES-T.
    #[serde(rename = "CAdES-T")]
    T,
    /// CAdES-C (complete references).
    #[serde(rename = "CAdES-C")]
    C,
    /// CAdES-X (time-stamped references).
    #[serde(rename = "CAdES-X")]
    X,
    /// CAdES-X-L / XL (values).
    #[serde(rename = "CAdES-XL")]
    Xl,
    /// CAdES-A (archive time-stamp).
    #[serde(rename = "CAdES-A")]
    A,
    /// XAdES-BES (ETSI TS 101 903).
    #[serde(rename = "XAdES-BES")]
    XadesBes,
    /// XAdES-EPES (SignaturePolicyIdentifier).
    #[serde(rename = "XAdES-EPES")]
    XadesEpes,
    /// XAdES-T.
    #[serde(rename = "XAdES-T")]
    XadesT,
    /// XAdES-X-L (values).
    #[serde(rename = "XAdES-X-L")]
    XadesXl,
    /// XAdES-A (archive time-stamp).
    #[serde(rename = "XAdES-A")]
    XadesA,
}

/// A certificate as the report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertRef {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore.
    pub not_before: UnixTime,
    /// notAfter.
    pub not_after: UnixTime,
    /// SHA-256 of the DER, hex.
    pub sha256: String,
}

impl CertRef {
    /// Summarises a certificate.
    pub fn new(c: &ParsedCert) -> Self {
        Self {
            subject: alloc::format!("{}", c.cert.tbs_certificate.subject),
            issuer: alloc::format!("{}", c.cert.tbs_certificate.issuer),
            serial: hex(c.serial()),
            not_before: c.not_before,
            not_after: c.not_after,
            sha256: hex(crate::crypto::digest(HashAlgorithm::Sha256, &c.der).as_ref()),
        }
    }
}

/// What a time-stamp covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimestampKind {
    /// The document itself (content-time-stamp, or a bare token over a file).
    Content,
    /// The signature value (signature-time-stamp, B-T / CAdES-T).
    Signature,
    /// CAdES-C references (CAdES-X); reported, not checked.
    References,
    /// archive-time-stamp v2 (CAdES-A); reported, its imprint not checked.
    ArchiveV2,
    /// archive-time-stamp-v3 (B-LTA).
    ArchiveV3,
    /// XAdES ArchiveTimeStamp (B-LTA); reported, its imprint not checked yet.
    XadesArchive,
}

impl TimestampKind {
    /// The name used in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::Signature => "signature",
            Self::References => "CAdES-X references",
            Self::ArchiveV2 => "archive (v2)",
            Self::ArchiveV3 => "archive (v3)",
            Self::XadesArchive => "XAdES archive",
        }
    }
}

/// A time-stamp and its own validation.
#[derive(Clone, Debug, Serialize)]
pub struct TimestampReport {
    /// What it covers.
    pub kind: TimestampKind,
    /// genTime, when the token could be read.
    pub gen_time: Option<UnixTime>,
    /// The TSA certificate's subject.
    pub tsa: Option<String>,
    /// The imprint's hash algorithm.
    pub digest_algorithm: Option<HashAlgorithm>,
    /// Whether the message imprint matches what the time-stamp covers (`None`: not checked).
    pub imprint_intact: Option<bool>,
    /// Whether imza validated this time-stamp at all. Legacy archive (v2) and CAdES-X
    /// time-stamps are not: they are reported with `checked: false`, INDETERMINATE, and
    /// prove nothing.
    pub checked: bool,
    /// The result for this time-stamp.
    pub indication: Indication,
    /// Its sub-indication.
    pub sub_indication: Option<SubIndication>,
    /// The TSA's chain.
    pub chain: Vec<CertRef>,
    /// What went wrong.
    pub errors: Vec<String>,
    /// Notes.
    pub warnings: Vec<String>,
}

/// The signer as the report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerRef {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
}

/// One thing a signature covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureScope {
    /// What it is: "attached content", "detached content", "the signature value of S-1".
    pub name: String,
    /// Its content type (CMS eContentType by name, such as `id-data`), when it has one.
    pub content_type: Option<String>,
    /// Its length in bytes, when known.
    pub length: Option<u64>,
}

/// One signature's result.
#[derive(Clone, Debug, Serialize)]
pub struct SignatureReport {
    /// "S-1", "S-2" ... in document order; counter-signatures "S-1-C-1".
    pub id: String,
    /// The format.
    pub format: Format,
    /// The baseline level reached by its structure.
    pub level: Level,
    /// The legacy CAdES form.
    pub legacy_level: Option<LegacyLevel>,
    /// The result.
    pub indication: Indication,
    /// Why, when not TOTAL_PASSED.
    pub sub_indication: Option<SubIndication>,
    /// Whether the content matched the message digest and the signature value verified.
    pub intact: bool,
    /// The signer.
    pub signer: Option<SignerRef>,
    /// The signing-time attribute (a claim, not a proof).
    pub claimed_signing_time: Option<UnixTime>,
    /// The earliest proven time the signature existed (a valid signature time-stamp), else
    /// the validation time.
    pub best_signature_time: UnixTime,
    /// The digest algorithm.
    pub digest_algorithm: Option<HashAlgorithm>,
    /// The signature algorithm.
    pub signature_algorithm: Option<String>,
    /// The signature policy (EPES), as an OID.
    pub signature_policy: Option<String>,
    /// What the signature covers (DSS calls it the signature scope): the attached or
    /// detached content, later each file of a container or each reference of an XML
    /// signature, or the signature value a counter-signature signs.
    pub scope: Vec<SignatureScope>,
    /// The signer's chain, leaf first, anchor last.
    pub chain: Vec<CertRef>,
    /// Time-stamps with their own results.
    pub timestamps: Vec<TimestampReport>,
    /// Revocation data used for the signer's chain.
    pub revocation: Vec<Evidence>,
    /// Counter-signatures, each validated like a signature over this one's value.
    pub counter_signatures: Vec<SignatureReport>,
    /// What went wrong.
    pub errors: Vec<String>,
    /// Notes that do not change the result.
    pub warnings: Vec<String>,
    /// For a PDF signature: its field, coverage and what changed after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<PdfFacts>,
}

/// What a PDF signature covers and what happened to the document afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PdfFacts {
    /// The signature field's fully qualified name.
    pub field: String,
    /// `/SubFilter`.
    pub sub_filter: String,
    /// The revision its `/ByteRange` ends with (0 = the original file).
    pub revision: Option<usize>,
    /// "entire revision" when the ByteRange covers exactly its revision but its own
    /// `/Contents`; "unclear" otherwise.
    pub coverage: String,
    /// The level of the changes made after it: none, DSS and time-stamps only, form
    /// filling, annotations, other (`None` when not analysed).
    pub modification: Option<String>,
    /// Each change after it that counts, in words.
    pub changes: Vec<String>,
}

impl SignatureReport {
    /// A signature of `format` about which nothing is known yet: TOTAL_PASSED until a
    /// check says otherwise, not intact, no signer; the best-signature-time is `time`.
    pub fn new(format: Format, time: UnixTime) -> Self {
        Self {
            id: String::new(),
            format,
            level: match format {
                Format::CAdES => Level::Cms,
                Format::XAdES => Level::XmlDsig,
                Format::PAdES => Level::Cms,
            },
            legacy_level: None,
            indication: Indication::TOTAL_PASSED,
            sub_indication: None,
            intact: false,
            signer: None,
            claimed_signing_time: None,
            best_signature_time: time,
            digest_algorithm: None,
            signature_algorithm: None,
            signature_policy: None,
            scope: Vec::new(),
            chain: Vec::new(),
            timestamps: Vec::new(),
            revocation: Vec::new(),
            counter_signatures: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            pdf: None,
        }
    }
}

impl Report {
    /// The report as pretty-printed JSON: the document `imza verify --json` prints and the
    /// C ABI and the WASM package return, so every face gives the same bytes.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        serde_json::to_string_pretty(self).map_err(|e| crate::Error::Malformed {
            what: "report",
            detail: alloc::format!("{e}"),
        })
    }
}
