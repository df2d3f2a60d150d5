//! A certificate parsed once for validation: the exact signed bytes, the key, the times and
//! every extension path validation reads, decoded up front so checks run on plain values.

use alloc::vec::Vec;

use const_oid::db::{rfc5280 as o5280, rfc5912, rfc6960};
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::{Decode, Encode};
use x509_cert::ext::pkix::constraints::name::GeneralSubtrees;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, CertificatePolicies, ExtendedKeyUsage, InhibitAnyPolicy, KeyUsage, KeyUsages,
    NameConstraints, PolicyConstraints, PolicyMappings, SubjectAltName,
};
use x509_cert::Certificate;

use super::NameKey;
use crate::crypto::SignatureAlgorithm;
use crate::error::Error;
use crate::time::UnixTime;

/// Extensions path validation understands; any other critical extension fails validation.
const UNDERSTOOD: &[ObjectIdentifier] = &[
    o5280::ID_CE_BASIC_CONSTRAINTS,
    o5280::ID_CE_KEY_USAGE,
    o5280::ID_CE_EXT_KEY_USAGE,
    o5280::ID_CE_SUBJECT_ALT_NAME,
    o5280::ID_CE_ISSUER_ALT_NAME,
    o5280::ID_CE_NAME_CONSTRAINTS,
    o5280::ID_CE_CERTIFICATE_POLICIES,
    o5280::ID_CE_POLICY_MAPPINGS,
    o5280::ID_CE_POLICY_CONSTRAINTS,
    o5280::ID_CE_INHIBIT_ANY_POLICY,
    o5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
    o5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    o5280::ID_PE_AUTHORITY_INFO_ACCESS,
    o5280::ID_CE_CRL_DISTRIBUTION_POINTS,
    rfc6960::ID_PKIX_OCSP_NOCHECK,
    // RFC 3739 / ETSI EN 319 412-5 QC statements: descriptive.
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3"),
];

/// The parts of a certificate path validation needs.
#[derive(Clone, Debug)]
pub struct ParsedCert {
    /// The whole certificate, DER.
    pub der: Vec<u8>,
    /// The decoded certificate.
    pub cert: Certificate,
    /// The exact `tbsCertificate` bytes (what the issuer signed).
    pub tbs: Vec<u8>,
    /// The issuer's signature algorithm, or why it is not usable.
    pub signature_algorithm: Result<SignatureAlgorithm, Error>,
    /// The signature value.
    pub signature: Vec<u8>,
    /// `subjectPublicKeyInfo`, DER.
    pub spki: Vec<u8>,
    /// Subject name, DER, as encoded.
    pub subject: Vec<u8>,
    /// Issuer name, DER, as encoded.
    pub issuer: Vec<u8>,
    /// The subject in comparable form (RFC 5280 §7.1, RFC 4518): chaining and
    /// self-issued tests compare these, not the DER.
    pub subject_key: NameKey,
    /// The issuer in comparable form.
    pub issuer_key: NameKey,
    /// notBefore.
    pub not_before: UnixTime,
    /// notAfter.
    pub not_after: UnixTime,
    /// basicConstraints.
    pub basic_constraints: Option<BasicConstraints>,
    /// keyUsage bits, when the extension is present.
    pub key_usage: Option<KeyUsage>,
    /// extendedKeyUsage purposes and whether the extension is critical.
    pub ext_key_usage: Option<(Vec<ObjectIdentifier>, bool)>,
    /// subjectAltName entries.
    pub subject_alt_names: Vec<GeneralName>,
    /// nameConstraints.
    pub name_constraints: Option<NameConstraints>,
    /// certificatePolicies OIDs.
    pub policies: Vec<ObjectIdentifier>,
    /// policyMappings (issuerDomainPolicy, subjectDomainPolicy) pairs.
    pub policy_mappings: Option<Vec<(ObjectIdentifier, ObjectIdentifier)>>,
    /// policyConstraints and whether the extension is critical.
    pub policy_constraints: Option<(PolicyConstraints, bool)>,
    /// inhibitAnyPolicy SkipCerts.
    pub inhibit_any_policy: Option<u32>,
    /// id-pkix-ocsp-nocheck present (RFC 6960 §4.2.2.2.1).
    pub ocsp_nocheck: bool,
    /// Critical extensions imza does not understand.
    pub unknown_critical: Vec<ObjectIdentifier>,
}

/// Most extensions one certificate may carry.
const MAX_EXTENSIONS: usize = 64;

impl ParsedCert {
    /// Parses and decodes a DER certificate. Malformed known extensions, duplicate
    /// extensions and a signature algorithm that differs from `tbsCertificate.signature`
    /// are errors (RFC 5280 §4.1.1.2, §4.2).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let cert = crate::cert::parse_der(der)?;
        // The exact signed bytes, cut out of the input (RFC 5280 §4.1).
        let crate::signed::SignedParts {
            tbs,
            algorithm: signature_algorithm,
            signature,
        } = crate::signed::SignedParts::split(der, "certificate")?;
        if cert.signature_algorithm != cert.tbs_certificate.signature {
            return Err(Error::Malformed {
                what: "certificate",
                detail: "signatureAlgorithm differs from tbsCertificate.signature".into(),
            });
        }
        let t = &cert.tbs_certificate;
        // RFC 5280 §4.1.2.4: "The issuer field MUST contain a non-empty distinguished name".
        // An empty issuer would chain to any CA with an empty subject (which §4.1.2.6 forbids
        // as well): nothing identifies the issuer.
        if t.issuer.0.is_empty() {
            return Err(Error::Malformed {
                what: "certificate",
                detail: "empty issuer name (RFC 5280 §4.1.2.4)".into(),
            });
        }
        let enc = |what: &'static str| move |e| Error::malformed(what, e);
        let spki = t
            .subject_public_key_info
            .to_der()
            .map_err(enc("SubjectPublicKeyInfo"))?;
        let subject = t.subject.to_der().map_err(enc("subject"))?;
        let issuer = t.issuer.to_der().map_err(enc("issuer"))?;
        let mut p = Self {
            der: der.to_vec(),
            tbs,
            signature_algorithm,
            signature,
            spki,
            subject,
            issuer,
            subject_key: NameKey::of(&t.subject),
            issuer_key: NameKey::of(&t.issuer),
            not_before: UnixTime::from_x509(&t.validity.not_before),
            not_after: UnixTime::from_x509(&t.validity.not_after),
            basic_constraints: None,
            key_usage: None,
            ext_key_usage: None,
            subject_alt_names: Vec::new(),
            name_constraints: None,
            policies: Vec::new(),
            policy_mappings: None,
            policy_constraints: None,
            inhibit_any_policy: None,
            ocsp_nocheck: false,
            unknown_critical: Vec::new(),
            cert: cert.clone(),
        };
        let exts = cert.tbs_certificate.extensions.as_deref().unwrap_or(&[]);
        if exts.len() > MAX_EXTENSIONS {
            return Err(Error::LimitExceeded {
                what: "extensions in one certificate",
                limit: MAX_EXTENSIONS,
            });
        }
        for (i, ext) in exts.iter().enumerate() {
            let id = ext.extn_id;
            if exts.iter().take(i).any(|e| e.extn_id == id) {
                return Err(Error::Malformed {
                    what: "certificate extensions",
                    detail: alloc::format!(
                        "extension {} appears twice (RFC 5280 §4.2)",
                        crate::crypto::alg::oid_name(&id)
                    ),
                });
            }
            let v = ext.extn_value.as_bytes();
            let bad = |e| Error::Malformed {
                what: "certificate extension",
                detail: alloc::format!("{}: {e}", crate::crypto::alg::oid_name(&id)),
            };
            if id == BasicConstraints::OID {
                p.basic_constraints = Some(BasicConstraints::from_der(v).map_err(bad)?);
            } else if id == KeyUsage::OID {
                p.key_usage = Some(KeyUsage::from_der(v).map_err(bad)?);
            } else if id == ExtendedKeyUsage::OID {
                p.ext_key_usage =
                    Some((ExtendedKeyUsage::from_der(v).map_err(bad)?.0, ext.critical));
            } else if id == SubjectAltName::OID {
                p.subject_alt_names = SubjectAltName::from_der(v).map_err(bad)?.0;
            } else if id == NameConstraints::OID {
                let nc = NameConstraints::from_der(v).map_err(bad)?;
                // RFC 5280 §4.2.1.10: "either the permittedSubtrees field or the
                // excludedSubtrees MUST be present", and GeneralSubtrees is SIZE (1..MAX).
                // An empty extension would silently constrain nothing.
                let empty = |t: &Option<GeneralSubtrees>| t.as_ref().is_none_or(Vec::is_empty);
                let present_but_empty =
                    |t: &Option<GeneralSubtrees>| t.as_ref().is_some_and(Vec::is_empty);
                if (empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees))
                    || present_but_empty(&nc.permitted_subtrees)
                    || present_but_empty(&nc.excluded_subtrees)
                {
                    return Err(Error::Malformed {
                        what: "certificate extension",
                        detail: "nameConstraints with an empty or absent subtree list \
                                 (RFC 5280 §4.2.1.10)"
                            .into(),
                    });
                }
                p.name_constraints = Some(nc);
            } else if id == CertificatePolicies::OID {
                p.policies = match CertificatePolicies::from_der(v) {
                    Ok(cp) => cp.0.into_iter().map(|pi| pi.policy_identifier).collect(),
                    // x509-cert refuses policy qualifiers real CAs write (explicitText over
                    // 200 characters, BMPString notices ...). The identifiers are what path
                    // validation uses, so read just those when the rest does not decode.
                    Err(e) => policy_identifiers(v).ok_or_else(|| bad(e))?,
                };
            } else if id == PolicyMappings::OID {
                let m = PolicyMappings::from_der(v).map_err(bad)?;
                p.policy_mappings = Some(
                    m.0.iter()
                        .map(|pm| (pm.issuer_domain_policy, pm.subject_domain_policy))
                        .collect(),
                );
            } else if id == PolicyConstraints::OID {
                let pc = PolicyConstraints::from_der(v).map_err(bad)?;
                // RFC 5280 §4.2.1.11: "Conforming CAs MUST NOT issue certificates where
                // policy constraints is an empty sequence".
                if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                    return Err(Error::Malformed {
                        what: "certificate extension",
                        detail: "empty policyConstraints (RFC 5280 §4.2.1.11)".into(),
                    });
                }
                p.policy_constraints = Some((pc, ext.critical));
            } else if id == InhibitAnyPolicy::OID {
                p.inhibit_any_policy = Some(InhibitAnyPolicy::from_der(v).map_err(bad)?.0);
            } else if id == rfc6960::ID_PKIX_OCSP_NOCHECK {
                p.ocsp_nocheck = true;
            } else if ext.critical && !UNDERSTOOD.contains(&id) {
                p.unknown_critical.push(id);
            }
        }
        Ok(p)
    }

    /// Whether this certificate is a CA certificate (basicConstraints cA = TRUE).
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.as_ref().is_some_and(|bc| bc.ca)
    }

    /// Self-issued: subject and issuer are the same name (RFC 5280 §3.2, compared as
    /// §7.1 says).
    pub fn is_self_issued(&self) -> bool {
        self.subject_key == self.issuer_key
    }

    /// Whether this certificate names `issuer` as its issuer (RFC 5280 §7.1 comparison).
    pub fn names_issuer(&self, issuer: &ParsedCert) -> bool {
        self.issuer_key == issuer.subject_key
    }

    /// Whether keyUsage allows `bit`; an absent extension allows everything.
    pub fn key_usage_allows(&self, bit: KeyUsages) -> bool {
        self.key_usage.as_ref().is_none_or(|ku| ku.0.contains(bit))
    }

    /// The serial number bytes.
    pub fn serial(&self) -> &[u8] {
        self.cert.tbs_certificate.serial_number.as_bytes()
    }

    /// Whether EKU contains `purpose` or anyExtendedKeyUsage.
    pub fn eku_contains(&self, purpose: &ObjectIdentifier) -> Option<bool> {
        self.ext_key_usage.as_ref().map(|(ekus, _)| {
            ekus.iter()
                .any(|e| e == purpose || *e == rfc5912::ANY_EXTENDED_KEY_USAGE)
        })
    }
}

/// The policy identifiers of a `certificatePolicies` value, qualifiers skipped.
fn policy_identifiers(v: &[u8]) -> Option<Vec<ObjectIdentifier>> {
    use crate::ber::{tag, Reader};
    let mut top = Reader::new(v, "certificatePolicies");
    let seq = top.expect(tag::SEQUENCE, "certificatePolicies").ok()?;
    top.finish("certificatePolicies").ok()?;
    let mut out = Vec::new();
    for info in seq.children("certificatePolicies", 64).ok()? {
        let mut r = info.reader("PolicyInformation").ok()?;
        let id = r.expect(tag::OID, "policyIdentifier").ok()?;
        out.push(ObjectIdentifier::from_bytes(id.content).ok()?);
    }
    (!out.is_empty()).then_some(out)
}
