//! X.509 certificates (RFC 5280): parsing PEM/DER input and the summary `imza cert show`
//! prints.
//!
//! Parsing is strict DER through `x509-cert`. The summary only describes; it judges nothing:
//! whether a certificate is valid for a purpose at a time is path validation's question.
//!
//! The certificate vocabulary the other modules share lives here, below them: the
//! [`ParsedCert`] that path validation, trust anchors, OCSP and CRLs read, the [`Purpose`] a
//! certificate is validated for, and the person named in a subject (Web eID and mobile ID
//! both read it). `crate::path` re-exports the first two.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use const_oid::db::rfc5280 as oid5280;
use const_oid::db::rfc5912;
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::{AnyRef, Ia5StringRef, ObjectIdentifier as Oid};
use der::{Decode, Encode, Sequence};
use serde::Serialize;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier,
};
pub use x509_cert::Certificate;

pub mod name;
mod parsed;
pub(crate) mod person;

pub use name::NameKey;
pub use parsed::ParsedCert;
pub use person::Person;

use crate::crypto::alg::oid_name;
use crate::crypto::{digest, HashAlgorithm, KeyKind, PublicKey, SignatureAlgorithm};
use crate::error::Error;

/// What the certificate is being validated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// Document signing (CAdES, XAdES, PAdES): keyUsage nonRepudiation or digitalSignature;
    /// an EKU, when present, must allow document signing.
    DocumentSigning,
    /// Login (certificate login tokens, TLS client): keyUsage digitalSignature; an EKU, when
    /// present, must include clientAuth.
    Authentication,
    /// RFC 3161 time-stamping: EKU present, critical, and timeStamping only (RFC 3161 §2.3).
    Timestamping,
    /// Delegated OCSP responder: EKU id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
    OcspSigning,
    /// TLS server (for conformance suites such as x509-limbo): EKU, when present, must
    /// include serverAuth.
    ServerAuth,
    /// No purpose check.
    Any,
}

impl Purpose {
    /// Parses the CLI spelling: `signing`, `auth`, `tsa`, `ocsp`, `server`, `any`.
    pub fn from_cli(s: &str) -> Option<Self> {
        Some(match s {
            "signing" => Self::DocumentSigning,
            "auth" => Self::Authentication,
            "tsa" => Self::Timestamping,
            "ocsp" => Self::OcspSigning,
            "server" => Self::ServerAuth,
            "any" => Self::Any,
            _ => return None,
        })
    }
}

/// Largest certificate accepted, in bytes of DER. Real certificates are 1-3 KB; some
/// national CA certificates with long policy texts reach 10 KB.
pub const MAX_CERT_LEN: usize = 64 * 1024;

/// Most certificates read from one PEM bundle.
pub const MAX_CERTS_PER_INPUT: usize = 1000;

/// Parses one DER certificate.
pub fn parse_der(der: &[u8]) -> Result<Certificate, Error> {
    if der.len() > MAX_CERT_LEN {
        return Err(Error::LimitExceeded {
            what: "certificate length",
            limit: MAX_CERT_LEN,
        });
    }
    Certificate::from_der(der).map_err(|e| Error::malformed("certificate", e))
}

/// Parses certificates from PEM (one or more `CERTIFICATE` blocks; other blocks are
/// skipped) or from a single DER certificate. Anything else is [`Error::Malformed`].
pub fn parse_any(input: &[u8]) -> Result<Vec<Certificate>, Error> {
    let trimmed = trim_ascii_start(input);
    if trimmed.starts_with(b"-----BEGIN") {
        parse_pem_bundle(trimmed)
    } else if trimmed.first() == Some(&0x30) {
        Ok(alloc::vec![parse_der(trimmed)?])
    } else {
        Err(Error::Malformed {
            what: "certificate",
            detail: "neither PEM (-----BEGIN CERTIFICATE-----) nor DER (a SEQUENCE)".into(),
        })
    }
}

fn trim_ascii_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn parse_pem_bundle(input: &[u8]) -> Result<Vec<Certificate>, Error> {
    let text = core::str::from_utf8(input).map_err(|e| Error::Malformed {
        what: "PEM",
        detail: alloc::format!("not UTF-8 at byte {}", e.valid_up_to()),
    })?;
    let mut certs = Vec::new();
    let mut rest = text;
    let mut block_no = 0usize;
    while let Some(start) = rest.find("-----BEGIN ") {
        block_no += 1;
        let block = rest.get(start..).unwrap_or("");
        let end_marker = block.find("-----END ").ok_or_else(|| Error::Malformed {
            what: "PEM",
            detail: alloc::format!("block {block_no} has no END line"),
        })?;
        let after_end = block.get(end_marker..).unwrap_or("");
        let line_end = after_end
            .find('\n')
            .map_or(block.len(), |i| end_marker + i + 1);
        let pem = block.get(..line_end).unwrap_or(block);
        rest = block.get(line_end..).unwrap_or("");
        if !pem.starts_with("-----BEGIN CERTIFICATE-----") {
            continue;
        }
        if certs.len() == MAX_CERTS_PER_INPUT {
            return Err(Error::LimitExceeded {
                what: "certificates in one input",
                limit: MAX_CERTS_PER_INPUT,
            });
        }
        let (_, der) = der::pem::decode_vec(pem.as_bytes()).map_err(|e| Error::Malformed {
            what: "PEM certificate",
            detail: alloc::format!("block {block_no}: {e}"),
        })?;
        certs.push(parse_der(&der)?);
    }
    if certs.is_empty() {
        return Err(Error::Malformed {
            what: "PEM",
            detail: "no CERTIFICATE block".into(),
        });
    }
    Ok(certs)
}

/// A certificate described field by field, as `imza cert show` prints it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateSummary {
    /// Subject distinguished name (RFC 4514 string).
    pub subject: String,
    /// Issuer distinguished name (RFC 4514 string).
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// X.509 version (1, 2 or 3).
    pub version: u8,
    /// Start of validity (RFC 3339, UTC).
    pub not_before: String,
    /// End of validity (RFC 3339, UTC).
    pub not_after: String,
    /// The issuer's signature algorithm.
    pub signature_algorithm: String,
    /// The subject public key.
    pub public_key: PublicKeySummary,
    /// SHA-256 over the DER certificate, lowercase hex.
    pub sha256_fingerprint: String,
    /// basicConstraints, when present.
    pub basic_constraints: Option<BasicConstraintsSummary>,
    /// keyUsage bits set, RFC 5280 names.
    pub key_usage: Vec<String>,
    /// extendedKeyUsage purposes (names for the known ones, else the OID).
    pub extended_key_usage: Vec<String>,
    /// certificatePolicies OIDs.
    pub certificate_policies: Vec<String>,
    /// subjectAltName entries as `type:value`.
    pub subject_alt_names: Vec<String>,
    /// OCSP responder URLs from authorityInfoAccess.
    pub ocsp_urls: Vec<String>,
    /// CA issuer URLs from authorityInfoAccess.
    pub ca_issuer_urls: Vec<String>,
    /// CRL distribution point URLs (and other names as `type:value`).
    pub crl_distribution_points: Vec<String>,
    /// ETSI EN 319 412-5 QC statements.
    pub qc_statements: Vec<QcStatementSummary>,
    /// subjectKeyIdentifier, hex.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, hex.
    pub authority_key_id: Option<String>,
    /// Every extension with its criticality, in certificate order.
    pub extensions: Vec<ExtensionSummary>,
    /// Things noticed while describing that a reader should know (an extension that did
    /// not decode, a duplicate extension ...).
    pub warnings: Vec<String>,
}

/// The subject public key.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PublicKeySummary {
    /// "EC", "RSA", "Ed25519", or the algorithm OID for keys imza does not implement.
    pub algorithm: String,
    /// Key size in bits, when known.
    pub bits: Option<usize>,
    /// The named curve for EC keys.
    pub curve: Option<String>,
}

/// basicConstraints.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BasicConstraintsSummary {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u8>,
}

/// One QC statement.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct QcStatementSummary {
    /// The statement OID.
    pub id: String,
    /// Its ETSI / RFC 3739 name, when known.
    pub name: Option<String>,
    /// Decoded content for the statements imza knows (QcType, retention period, PDS URLs).
    pub details: Vec<String>,
}

/// One extension.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ExtensionSummary {
    /// OID, with its name when known.
    pub id: String,
    /// The critical flag.
    pub critical: bool,
}

/// `QCStatement ::= SEQUENCE { statementId OBJECT IDENTIFIER, statementInfo ANY DEFINED BY
/// statementId OPTIONAL }` (RFC 3739 §3.2.6).
#[derive(Sequence)]
struct QcStatement<'a> {
    statement_id: Oid,
    statement_info: Option<AnyRef<'a>>,
}

/// `PdsLocation ::= SEQUENCE { url IA5String, language PrintableString (SIZE(2)) }`
/// (ETSI EN 319 412-5 §4.3.4).
#[derive(Sequence)]
struct PdsLocation<'a> {
    url: Ia5StringRef<'a>,
    language: der::asn1::PrintableStringRef<'a>,
}

/// QC statement and QC type OIDs (RFC 3739, ETSI EN 319 412-5, ETSI EN 319 412-1).
mod qc {
    use const_oid::ObjectIdentifier as Oid;
    pub(super) const QC_STATEMENTS_EXT: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.3");
    pub(super) const NAMES: &[(Oid, &str)] = &[
        (
            Oid::new_unwrap("1.3.6.1.5.5.7.11.1"),
            "id-qcs-pkixQCSyntax-v1",
        ),
        (
            Oid::new_unwrap("1.3.6.1.5.5.7.11.2"),
            "id-qcs-pkixQCSyntax-v2",
        ),
        (Oid::new_unwrap("0.4.0.1862.1.1"), "QcCompliance"),
        (Oid::new_unwrap("0.4.0.1862.1.2"), "QcLimitValue"),
        (Oid::new_unwrap("0.4.0.1862.1.3"), "QcRetentionPeriod"),
        (Oid::new_unwrap("0.4.0.1862.1.4"), "QcSSCD"),
        (Oid::new_unwrap("0.4.0.1862.1.5"), "QcPDS"),
        (Oid::new_unwrap("0.4.0.1862.1.6"), "QcType"),
        (Oid::new_unwrap("0.4.0.1862.1.7"), "QcCClegislation"),
        (Oid::new_unwrap("0.4.0.194121.1.1"), "semanticsId-Natural"),
        (Oid::new_unwrap("0.4.0.194121.1.2"), "semanticsId-Legal"),
        (
            Oid::new_unwrap("0.4.0.194121.1.3"),
            "semanticsId-eIDASNatural",
        ),
        (
            Oid::new_unwrap("0.4.0.194121.1.4"),
            "semanticsId-eIDASLegal",
        ),
    ];
    pub(super) const TYPES: &[(Oid, &str)] = &[
        (Oid::new_unwrap("0.4.0.1862.1.6.1"), "esign"),
        (Oid::new_unwrap("0.4.0.1862.1.6.2"), "eseal"),
        (Oid::new_unwrap("0.4.0.1862.1.6.3"), "web"),
    ];
    pub(super) const RETENTION: Oid = Oid::new_unwrap("0.4.0.1862.1.3");
    pub(super) const PDS: Oid = Oid::new_unwrap("0.4.0.1862.1.5");
    pub(super) const TYPE: Oid = Oid::new_unwrap("0.4.0.1862.1.6");
    pub(super) const LEGISLATION: Oid = Oid::new_unwrap("0.4.0.1862.1.7");
}

/// Names for extended key usage purposes that the OID database spells differently or lacks.
const EKU_NAMES: &[(ObjectIdentifier, &str)] = &[
    (oid5280::ID_KP_SERVER_AUTH, "serverAuth"),
    (oid5280::ID_KP_CLIENT_AUTH, "clientAuth"),
    (oid5280::ID_KP_CODE_SIGNING, "codeSigning"),
    (oid5280::ID_KP_EMAIL_PROTECTION, "emailProtection"),
    (oid5280::ID_KP_TIME_STAMPING, "timeStamping"),
    (oid5280::ID_KP_OCSP_SIGNING, "OCSPSigning"),
    (rfc5912::ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
];

fn general_name(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822Name(s) => alloc::format!("email:{}", s.as_str()),
        GeneralName::DnsName(s) => alloc::format!("dns:{}", s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => alloc::format!("uri:{}", s.as_str()),
        GeneralName::DirectoryName(name) => alloc::format!("dirname:{name}"),
        GeneralName::IpAddress(ip) => ip_address(ip.as_bytes()),
        GeneralName::RegisteredId(oid) => alloc::format!("rid:{oid}"),
        GeneralName::OtherName(o) => alloc::format!("othername:{}", oid_name(&o.type_id)),
        GeneralName::EdiPartyName(_) => "edipartyname".into(),
    }
}

fn ip_address(b: &[u8]) -> String {
    match b {
        [a, b, c, d] => alloc::format!("ip:{a}.{b}.{c}.{d}"),
        _ if b.len() == 16 => {
            let parts: Vec<String> = b
                .chunks_exact(2)
                .map(|c| match c {
                    [hi, lo] => alloc::format!("{:x}", u16::from_be_bytes([*hi, *lo])),
                    _ => String::new(),
                })
                .collect();
            alloc::format!("ip:{}", parts.join(":"))
        }
        _ => alloc::format!("ip:{}", crate::util::hex(b)),
    }
}

fn lookup(table: &[(ObjectIdentifier, &str)], oid: &ObjectIdentifier) -> Option<String> {
    table
        .iter()
        .find(|(o, _)| o == oid)
        .map(|(_, n)| (*n).to_string())
}

impl CertificateSummary {
    /// Describes a certificate. Extensions that do not decode are reported in `warnings`
    /// rather than failing the whole description.
    pub fn new(cert: &Certificate) -> Result<Self, Error> {
        let tbs = &cert.tbs_certificate;
        let der = cert
            .to_der()
            .map_err(|e| Error::malformed("certificate", e))?;
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| Error::malformed("SubjectPublicKeyInfo", e))?;
        let public_key = match PublicKey::from_spki_der(&spki) {
            Ok(k) => match k.kind() {
                KeyKind::Ec(c) => PublicKeySummary {
                    algorithm: "EC".into(),
                    bits: Some(k.kind().bits()),
                    curve: Some(c.name().into()),
                },
                KeyKind::Rsa { bits } => PublicKeySummary {
                    algorithm: "RSA".into(),
                    bits: Some(bits),
                    curve: None,
                },
                KeyKind::Ed25519 => PublicKeySummary {
                    algorithm: "Ed25519".into(),
                    bits: Some(256),
                    curve: None,
                },
            },
            Err(_) => PublicKeySummary {
                algorithm: oid_name(&tbs.subject_public_key_info.algorithm.oid),
                bits: None,
                curve: tbs
                    .subject_public_key_info
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<Oid>().ok())
                    .map(|o| oid_name(&o)),
            },
        };
        let sig_alg = cert
            .signature_algorithm
            .to_der()
            .ok()
            .and_then(|d| SignatureAlgorithm::from_algorithm_identifier_der(&d).ok())
            .map_or_else(|| oid_name(&cert.signature_algorithm.oid), |a| a.name());

        let mut s = Self {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            serial: crate::util::hex(tbs.serial_number.as_bytes()),
            version: match tbs.version {
                x509_cert::Version::V1 => 1,
                x509_cert::Version::V2 => 2,
                x509_cert::Version::V3 => 3,
            },
            not_before: tbs.validity.not_before.to_date_time().to_string(),
            not_after: tbs.validity.not_after.to_date_time().to_string(),
            signature_algorithm: sig_alg,
            public_key,
            sha256_fingerprint: crate::util::hex(digest(HashAlgorithm::Sha256, &der).as_ref()),
            basic_constraints: None,
            key_usage: Vec::new(),
            extended_key_usage: Vec::new(),
            certificate_policies: Vec::new(),
            subject_alt_names: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuer_urls: Vec::new(),
            crl_distribution_points: Vec::new(),
            qc_statements: Vec::new(),
            subject_key_id: None,
            authority_key_id: None,
            extensions: Vec::new(),
            warnings: Vec::new(),
        };
        for ext in tbs.extensions.iter().flatten() {
            let id = ext.extn_id;
            if s.extensions.iter().any(|e| e.id == oid_name(&id)) {
                s.warnings.push(alloc::format!(
                    "duplicate extension {} (RFC 5280 §4.2)",
                    oid_name(&id)
                ));
            }
            s.extensions.push(ExtensionSummary {
                id: oid_name(&id),
                critical: ext.critical,
            });
            if let Err(e) = s.describe_extension(&id, ext.extn_value.as_bytes()) {
                s.warnings.push(alloc::format!(
                    "extension {} does not decode: {e}",
                    oid_name(&id)
                ));
            }
        }
        Ok(s)
    }

    fn describe_extension(&mut self, id: &ObjectIdentifier, v: &[u8]) -> Result<(), der::Error> {
        if *id == KeyUsage::OID {
            let ku = KeyUsage::from_der(v)?;
            self.key_usage =
                ku.0.into_iter()
                    .map(key_usage_name)
                    .map(String::from)
                    .collect();
        } else if *id == ExtendedKeyUsage::OID {
            let eku = ExtendedKeyUsage::from_der(v)?;
            self.extended_key_usage = eku
                .0
                .iter()
                .map(|o| lookup(EKU_NAMES, o).unwrap_or_else(|| oid_name(o)))
                .collect();
        } else if *id == BasicConstraints::OID {
            let bc = BasicConstraints::from_der(v)?;
            self.basic_constraints = Some(BasicConstraintsSummary {
                ca: bc.ca,
                path_len: bc.path_len_constraint,
            });
        } else if *id == CertificatePolicies::OID {
            let cp = CertificatePolicies::from_der(v)?;
            self.certificate_policies =
                cp.0.iter()
                    .map(|p| oid_name(&p.policy_identifier))
                    .collect();
        } else if *id == SubjectAltName::OID {
            let san = SubjectAltName::from_der(v)?;
            self.subject_alt_names = san.0.iter().map(general_name).collect();
        } else if *id == AuthorityInfoAccessSyntax::OID {
            let aia = AuthorityInfoAccessSyntax::from_der(v)?;
            for ad in &aia.0 {
                let target = match &ad.access_location {
                    GeneralName::UniformResourceIdentifier(u) => u.as_str().to_string(),
                    other => general_name(other),
                };
                if ad.access_method == oid5280::ID_AD_OCSP {
                    self.ocsp_urls.push(target);
                } else if ad.access_method == oid5280::ID_AD_CA_ISSUERS {
                    self.ca_issuer_urls.push(target);
                }
            }
        } else if *id == CrlDistributionPoints::OID {
            let dps = CrlDistributionPoints::from_der(v)?;
            for dp in &dps.0 {
                match &dp.distribution_point {
                    Some(DistributionPointName::FullName(names)) => {
                        for n in names {
                            self.crl_distribution_points.push(match n {
                                GeneralName::UniformResourceIdentifier(u) => u.as_str().to_string(),
                                other => general_name(other),
                            });
                        }
                    }
                    Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => self
                        .crl_distribution_points
                        .push("nameRelativeToCRLIssuer".into()),
                    None => {}
                }
            }
        } else if *id == SubjectKeyIdentifier::OID {
            let ski = SubjectKeyIdentifier::from_der(v)?;
            self.subject_key_id = Some(crate::util::hex(ski.0.as_bytes()));
        } else if *id == AuthorityKeyIdentifier::OID {
            let aki = AuthorityKeyIdentifier::from_der(v)?;
            self.authority_key_id = aki.key_identifier.map(|k| crate::util::hex(k.as_bytes()));
        } else if *id == qc::QC_STATEMENTS_EXT {
            let stmts: Vec<QcStatement<'_>> = Vec::from_der(v)?;
            for st in stmts {
                self.qc_statements.push(describe_qc(&st)?);
            }
        }
        Ok(())
    }
}

fn describe_qc(st: &QcStatement<'_>) -> Result<QcStatementSummary, der::Error> {
    let id = st.statement_id;
    let mut details = Vec::new();
    if let Some(info) = &st.statement_info {
        if id == qc::TYPE {
            let types: Vec<Oid> = info.decode_as()?;
            details = types
                .iter()
                .map(|t| lookup(qc::TYPES, t).unwrap_or_else(|| oid_name(t)))
                .collect();
        } else if id == qc::RETENTION {
            let years: u32 = info.decode_as()?;
            details.push(alloc::format!("{years} years"));
        } else if id == qc::PDS {
            let locs: Vec<PdsLocation<'_>> = info.decode_as()?;
            details = locs
                .iter()
                .map(|l| alloc::format!("{} ({})", l.url.as_str(), l.language.as_str()))
                .collect();
        } else if id == qc::LEGISLATION {
            let countries: Vec<der::asn1::PrintableStringRef<'_>> = info.decode_as()?;
            details = countries.iter().map(|c| c.as_str().to_string()).collect();
        }
    }
    Ok(QcStatementSummary {
        id: id.to_string(),
        name: lookup(qc::NAMES, &id),
        details,
    })
}

fn key_usage_name(k: x509_cert::ext::pkix::KeyUsages) -> &'static str {
    use x509_cert::ext::pkix::KeyUsages as K;
    match k {
        K::DigitalSignature => "digitalSignature",
        K::NonRepudiation => "nonRepudiation",
        K::KeyEncipherment => "keyEncipherment",
        K::DataEncipherment => "dataEncipherment",
        K::KeyAgreement => "keyAgreement",
        K::KeyCertSign => "keyCertSign",
        K::CRLSign => "cRLSign",
        K::EncipherOnly => "encipherOnly",
        K::DecipherOnly => "decipherOnly",
    }
}

impl fmt::Display for CertificateSummary {
    /// The text `imza cert show` prints: one `Label: value` line per field.
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
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
            key.push_str(&alloc::format!(" ({b} bits)"));
        }
        writeln!(out, "Public key:         {key}")?;
        writeln!(out, "Signature:          {}", s.signature_algorithm)?;
        writeln!(out, "SHA-256:            {}", s.sha256_fingerprint)?;
        if let Some(bc) = &s.basic_constraints {
            let pl = bc
                .path_len
                .map(|p| alloc::format!(", pathLen {p}"))
                .unwrap_or_default();
            writeln!(out, "Basic constraints:  CA {}{pl}", bc.ca)?;
        }
        writeln!(out, "Key usage:          {}", list(&s.key_usage))?;
        writeln!(out, "Extended key usage: {}", list(&s.extended_key_usage))?;
        writeln!(out, "Policies:           {}", list(&s.certificate_policies))?;
        writeln!(out, "Alt names:          {}", list(&s.subject_alt_names))?;
        writeln!(out, "OCSP:               {}", list(&s.ocsp_urls))?;
        writeln!(out, "CA issuers:         {}", list(&s.ca_issuer_urls))?;
        writeln!(
            out,
            "CRL:                {}",
            list(&s.crl_distribution_points)
        )?;
        let qcs: Vec<String> = s
            .qc_statements
            .iter()
            .map(|q| {
                let name = q.name.clone().unwrap_or_else(|| q.id.clone());
                if q.details.is_empty() {
                    name
                } else {
                    alloc::format!("{name} ({})", q.details.join(", "))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for input in [
            &b""[..],
            b"hello",
            b"\x30",
            b"\x30\x82\xff\xff",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n",
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ] {
            assert!(
                matches!(parse_any(input), Err(Error::Malformed { .. })),
                "{input:?}"
            );
        }
    }

    #[test]
    fn oversized_der_is_limited() {
        let mut big = alloc::vec![0x30, 0x83, 0x01, 0x00, 0x00];
        big.resize(MAX_CERT_LEN + 10, 0);
        assert!(matches!(parse_any(&big), Err(Error::LimitExceeded { .. })));
    }
}
