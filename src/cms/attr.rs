//! CMS, ESS and CAdES attribute types and the decoders for the ones validation reads.

use alloc::vec::Vec;

use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;

use crate::ber::{tag, Tlv};
use crate::crypto::HashAlgorithm;
use crate::error::Error;
use crate::time::UnixTime;

const fn o(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// content-type (RFC 5652).
pub const CONTENT_TYPE: ObjectIdentifier = o("1.2.840.113549.1.9.3");
/// message-digest (RFC 5652).
pub const MESSAGE_DIGEST: ObjectIdentifier = o("1.2.840.113549.1.9.4");
/// signing-time (RFC 5652).
pub const SIGNING_TIME: ObjectIdentifier = o("1.2.840.113549.1.9.5");
/// countersignature (RFC 5652).
pub const COUNTER_SIGNATURE: ObjectIdentifier = o("1.2.840.113549.1.9.6");
/// id-aa-CMSAlgorithmProtection (RFC 6211 §2). Declared here: const-oid 0.9's database
/// has no RFC 6211 module.
pub const CMS_ALGORITHM_PROTECTION: ObjectIdentifier = o("1.2.840.113549.1.9.52");
/// ESS signing-certificate (RFC 2634), SHA-1 certificate hashes.
pub const SIGNING_CERTIFICATE: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.12");
/// ESS signing-certificate-v2 (RFC 5035).
pub const SIGNING_CERTIFICATE_V2: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.47");
/// signature-policy-identifier (CAdES-EPES).
pub const SIGNATURE_POLICY_IDENTIFIER: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.15");
/// content-time-stamp.
pub const CONTENT_TIMESTAMP: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.20");
/// signature-time-stamp (CAdES-T, B-T).
pub const SIGNATURE_TIMESTAMP: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.14");
/// complete-certificate-references (CAdES-C).
pub const CERTIFICATE_REFS: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.21");
/// complete-revocation-references (CAdES-C).
pub const REVOCATION_REFS: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.22");
/// certificate-values (CAdES-XL).
pub const CERTIFICATE_VALUES: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.23");
/// revocation-values (CAdES-XL).
pub const REVOCATION_VALUES: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.24");
/// CAdES-C-time-stamp (escTimeStamp, CAdES-X type 1).
pub const ESC_TIMESTAMP: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.25");
/// time-stamped-certs-crls-references (CAdES-X type 2).
pub const CERT_CRL_TIMESTAMP: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.26");
/// archive-time-stamp (v1, CAdES-A of TS 101 733 v1).
pub const ARCHIVE_TIMESTAMP_V1: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.27");
/// archive-time-stamp-v2 (CAdES-A of TS 101 733).
pub const ARCHIVE_TIMESTAMP_V2: ObjectIdentifier = o("1.2.840.113549.1.9.16.2.48");
/// archive-time-stamp-v3 (EN 319 122-1, B-LTA).
pub const ARCHIVE_TIMESTAMP_V3: ObjectIdentifier = o("0.4.0.1733.2.4");
/// ats-hash-index-v3 (EN 319 122-1).
pub const ATS_HASH_INDEX_V3: ObjectIdentifier = o("0.4.0.19122.1.5");
/// ats-hash-index (TS 101 733 v2.2.1).
pub const ATS_HASH_INDEX: ObjectIdentifier = o("0.4.0.1733.2.5");

/// A claimed signing time and how it was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime {
    /// The time.
    pub time: UnixTime,
    /// Encoded as GeneralizedTime: RFC 5652 §11.3 wants UTCTime for 1950-2049.
    pub generalized: bool,
}

/// Decodes a `signing-time` value (UTCTime or GeneralizedTime).
pub(crate) fn signing_time(v: &Tlv<'_>) -> Result<SigningTime, Error> {
    let raw = v.der("signing-time")?;
    let (d, generalized) = match v.tag {
        tag::UTC_TIME => (
            der::asn1::UtcTime::from_der(raw)
                .map_err(|e| Error::malformed("signing-time", e))?
                .to_unix_duration(),
            false,
        ),
        tag::GENERALIZED_TIME => (
            der::asn1::GeneralizedTime::from_der(raw)
                .map_err(|e| Error::malformed("signing-time", e))?
                .to_unix_duration(),
            true,
        ),
        t => {
            return Err(Error::Malformed {
                what: "signing-time",
                detail: alloc::format!("unexpected tag 0x{t:02x}"),
            })
        }
    };
    Ok(SigningTime {
        time: UnixTime::from_secs(d.as_secs()),
        generalized,
    })
}

/// One `ESSCertID` / `ESSCertIDv2`: a hash of a certificate and optionally its issuer and
/// serial number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EssCertId {
    /// The hash algorithm (SHA-1 for v1; SHA-256 by default for v2).
    pub hash: HashAlgorithm,
    /// The certificate hash.
    pub cert_hash: Vec<u8>,
    /// `issuerSerial`: the issuer's directory names (DER `Name`s) and the serial number.
    pub issuer_serial: Option<(Vec<Vec<u8>>, Vec<u8>)>,
}

/// `CMSAlgorithmProtection` (RFC 6211 §2), the signed attribute that binds the digest and
/// signature algorithms a signer used, so that they cannot be swapped afterwards:
///
/// ```text
/// CMSAlgorithmProtection ::= SEQUENCE {
///     digestAlgorithm         DigestAlgorithmIdentifier,
///     signatureAlgorithm  [1] SignatureAlgorithmIdentifier OPTIONAL,
///     macAlgorithm        [2] MessageAuthenticationCodeAlgorithm OPTIONAL
/// }
/// (WITH COMPONENTS { signatureAlgorithm PRESENT, macAlgorithm ABSENT } |
///  WITH COMPONENTS { signatureAlgorithm ABSENT, macAlgorithm PRESENT })
/// ```
///
/// The ASN.1 module uses IMPLICIT tags.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct CmsAlgorithmProtection {
    /// `digestAlgorithm`.
    pub digest_algorithm: AlgorithmIdentifierOwned,
    /// `signatureAlgorithm` (present in a signature, absent in a MAC).
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub signature_algorithm: Option<AlgorithmIdentifierOwned>,
    /// `macAlgorithm` (authenticated data only).
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    pub mac_algorithm: Option<AlgorithmIdentifierOwned>,
}

/// Decodes a `CMSAlgorithmProtection` value (re-encoded as DER first, so that a BER value
/// is judged by what it says).
pub(crate) fn cms_algorithm_protection(v: &Tlv<'_>) -> Result<CmsAlgorithmProtection, Error> {
    const W: &str = "CMSAlgorithmProtection";
    let (der, _) = v.der_form(W)?;
    CmsAlgorithmProtection::from_der(&der).map_err(|e| Error::Malformed {
        what: W,
        detail: alloc::format!("at byte {}: {e}", v.offset),
    })
}

/// The ESS signing-certificate attributes as typed ASN.1 (RFC 2634 §5.4, RFC 5035 §3).
pub mod ess {
    use alloc::vec::Vec;

    use der::asn1::{Int, OctetString};
    use der::Sequence;
    use spki::AlgorithmIdentifierOwned;
    use x509_cert::ext::pkix::certpolicy::PolicyInformation;
    use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
    use x509_cert::Certificate;

    use crate::crypto::{self, HashAlgorithm};
    use crate::error::Error;

    /// `IssuerSerial` (RFC 5035 §4):
    ///
    /// ```text
    /// IssuerSerial ::= SEQUENCE {
    ///     issuer                   GeneralNames,
    ///     serialNumber             CertificateSerialNumber
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Sequence)]
    pub struct IssuerSerial {
        /// `issuer`.
        pub issuer: GeneralNames,
        /// `serialNumber`.
        pub serial_number: Int,
    }

    /// `ESSCertID` (RFC 2634 §5.4.1):
    ///
    /// ```text
    /// ESSCertID ::= SEQUENCE {
    ///     certHash                 Hash,       -- SHA-1 of the whole certificate
    ///     issuerSerial             IssuerSerial OPTIONAL
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Sequence)]
    pub struct EssCertId {
        /// `certHash`.
        pub cert_hash: OctetString,
        /// `issuerSerial`.
        #[asn1(optional = "true")]
        pub issuer_serial: Option<IssuerSerial>,
    }

    /// `SigningCertificate` (RFC 2634 §5.4):
    ///
    /// ```text
    /// SigningCertificate ::= SEQUENCE {
    ///     certs        SEQUENCE OF ESSCertID,
    ///     policies     SEQUENCE OF PolicyInformation OPTIONAL
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Sequence)]
    pub struct SigningCertificate {
        /// `certs`: the first is the signing certificate.
        pub certs: Vec<EssCertId>,
        /// `policies`.
        #[asn1(optional = "true")]
        pub policies: Option<Vec<PolicyInformation>>,
    }

    /// `ESSCertIDv2` (RFC 5035 §4):
    ///
    /// ```text
    /// ESSCertIDv2 ::= SEQUENCE {
    ///     hashAlgorithm            AlgorithmIdentifier DEFAULT {algorithm id-sha256},
    ///     certHash                 Hash,
    ///     issuerSerial             IssuerSerial OPTIONAL
    /// }
    /// ```
    ///
    /// `hashAlgorithm` is modelled as OPTIONAL (absent = SHA-256, see
    /// [`EssCertIdV2::hash`]): signers often write the default out, which strict DER
    /// forbids but every verifier accepts.
    #[derive(Clone, Debug, PartialEq, Eq, Sequence)]
    pub struct EssCertIdV2 {
        /// `hashAlgorithm`; `None` is the default, SHA-256.
        #[asn1(optional = "true")]
        pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
        /// `certHash`.
        pub cert_hash: OctetString,
        /// `issuerSerial`.
        #[asn1(optional = "true")]
        pub issuer_serial: Option<IssuerSerial>,
    }

    impl EssCertIdV2 {
        /// The hash algorithm, with the DEFAULT applied.
        pub fn hash(&self) -> Result<HashAlgorithm, Error> {
            match &self.hash_algorithm {
                Some(ai) => HashAlgorithm::from_oid(&ai.oid),
                None => Ok(HashAlgorithm::Sha256),
            }
        }
    }

    /// `SigningCertificateV2` (RFC 5035 §3):
    ///
    /// ```text
    /// SigningCertificateV2 ::= SEQUENCE {
    ///     certs        SEQUENCE OF ESSCertIDv2,
    ///     policies     SEQUENCE OF PolicyInformation OPTIONAL
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Sequence)]
    pub struct SigningCertificateV2 {
        /// `certs`: the first is the signing certificate.
        pub certs: Vec<EssCertIdV2>,
        /// `policies`.
        #[asn1(optional = "true")]
        pub policies: Option<Vec<PolicyInformation>>,
    }

    impl SigningCertificateV2 {
        /// The attribute a CAdES signer writes for `cert` (whose encoding is `cert_der`):
        /// its SHA-256 hash (the default algorithm, so not written), its issuer as a
        /// directoryName and its serial number.
        pub fn naming(cert: &Certificate, cert_der: &[u8]) -> Result<Self, Error> {
            let hash = crypto::digest(HashAlgorithm::Sha256, cert_der);
            let tbs = &cert.tbs_certificate;
            let id = EssCertIdV2 {
                hash_algorithm: None,
                cert_hash: OctetString::new(hash.as_ref()).map_err(|e| Error::malformed(W, e))?,
                issuer_serial: Some(IssuerSerial {
                    issuer: alloc::vec![GeneralName::DirectoryName(tbs.issuer.clone())],
                    serial_number: Int::new(tbs.serial_number.as_bytes())
                        .map_err(|e| Error::malformed(W, e))?,
                }),
            };
            Ok(Self {
                certs: alloc::vec![id],
                policies: None,
            })
        }
    }

    const W: &str = "ESS signing-certificate-v2";
}

/// Decodes `SigningCertificate` (v1, `v2 == false`) or `SigningCertificateV2` into the
/// certificate identifiers, first (the signing certificate's) first.
pub(crate) fn signing_certificate(v: &Tlv<'_>, v2: bool) -> Result<Vec<EssCertId>, Error> {
    const W: &str = "ESS signing-certificate";
    let bad = |d: alloc::string::String| Error::Malformed {
        what: W,
        detail: alloc::format!("{d} at byte {}", v.offset),
    };
    // Judged by what it says: a BER value is read through its DER form.
    let (der, _) = v.der_form(W)?;
    let summary = |hash, cert_hash: &der::asn1::OctetString, is: &Option<ess::IssuerSerial>| {
        let issuer_serial = match is {
            Some(is) => Some(issuer_serial(is).map_err(|e| bad(alloc::format!("{e}")))?),
            None => None,
        };
        Ok::<_, Error>(EssCertId {
            hash,
            cert_hash: cert_hash.as_bytes().to_vec(),
            issuer_serial,
        })
    };
    let out = if v2 {
        let sc =
            ess::SigningCertificateV2::from_der(&der).map_err(|e| bad(alloc::format!("{e}")))?;
        sc.certs
            .iter()
            .map(|id| summary(id.hash()?, &id.cert_hash, &id.issuer_serial))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        let sc = ess::SigningCertificate::from_der(&der).map_err(|e| bad(alloc::format!("{e}")))?;
        sc.certs
            .iter()
            .map(|id| summary(HashAlgorithm::Sha1, &id.cert_hash, &id.issuer_serial))
            .collect::<Result<Vec<_>, _>>()?
    };
    if out.is_empty() {
        return Err(bad("no certificate identifier".into()));
    }
    Ok(out)
}

/// The directory names (DER `Name`s) and the serial number bytes of an `IssuerSerial`.
fn issuer_serial(is: &ess::IssuerSerial) -> Result<(Vec<Vec<u8>>, Vec<u8>), der::Error> {
    use x509_cert::ext::pkix::name::GeneralName;
    let mut dirs = Vec::new();
    for n in &is.issuer {
        if let GeneralName::DirectoryName(name) = n {
            dirs.push(name.to_der()?);
        }
    }
    Ok((dirs, is.serial_number.as_bytes().to_vec()))
}

/// An `OCTET STRING` value (message-digest).
pub(crate) fn octet_string<'a>(v: &Tlv<'a>, what: &'static str) -> Result<&'a [u8], Error> {
    if v.tag != tag::OCTET_STRING {
        return Err(Error::Malformed {
            what,
            detail: alloc::format!("expected an OCTET STRING at byte {}", v.offset),
        });
    }
    Ok(v.content)
}

/// An `OBJECT IDENTIFIER` value (content-type).
pub(crate) fn object_identifier(
    v: &Tlv<'_>,
    what: &'static str,
) -> Result<ObjectIdentifier, Error> {
    if v.tag != tag::OID {
        return Err(Error::Malformed {
            what,
            detail: alloc::format!("expected an OID at byte {}", v.offset),
        });
    }
    ObjectIdentifier::from_bytes(v.content).map_err(|e| Error::Malformed {
        what,
        detail: alloc::format!("{e} at byte {}", v.offset),
    })
}

/// CRLs and BasicOCSPResponses (each DER) from a `RevocationValues`.
pub(crate) type RevocationValues<'a> = (Vec<&'a [u8]>, Vec<&'a [u8]>);

/// `RevocationValues` (CAdES-XL / B-LT): CRLs and BasicOCSPResponses, each DER.
pub(crate) fn revocation_values<'a>(v: &Tlv<'a>) -> Result<RevocationValues<'a>, Error> {
    const W: &str = "CAdES revocation-values";
    let mut crls = Vec::new();
    let mut ocsps = Vec::new();
    let mut r = v.reader(W)?;
    while !r.is_empty() {
        let field = r.read()?;
        let list = field.reader(W)?.expect(tag::SEQUENCE, "values")?;
        for item in list.children(W, super::MAX_CERTIFICATES)? {
            match field.tag {
                t if t == tag::context(0) => crls.push(item.der(W)?),
                t if t == tag::context(1) => ocsps.push(item.der(W)?),
                _ => {}
            }
        }
    }
    Ok((crls, ocsps))
}

/// `CertificateValues` (CAdES-XL / B-LT): certificates, each DER.
pub(crate) fn certificate_values<'a>(v: &Tlv<'a>) -> Result<Vec<&'a [u8]>, Error> {
    const W: &str = "CAdES certificate-values";
    v.children(W, super::MAX_CERTIFICATES)?
        .iter()
        .map(|c| c.der(W))
        .collect()
}

/// Wraps a `BasicOCSPResponse` into an `OCSPResponse` (status successful, id-pkix-ocsp-basic,
/// RFC 6960 §4.2.1), the form the OCSP checker takes.
///
/// Only a value too long for a DER length (over 256 MiB, which no parsed CAdES value of
/// imza's inputs reaches) cannot be wrapped: the result is then empty, which every OCSP
/// parser refuses.
pub fn wrap_basic_ocsp(basic: &[u8]) -> Vec<u8> {
    try_wrap_basic_ocsp(basic).unwrap_or_default()
}

/// [`wrap_basic_ocsp`], with the encoding error.
pub fn try_wrap_basic_ocsp(basic: &[u8]) -> Result<Vec<u8>, Error> {
    use x509_ocsp::{OcspResponse, OcspResponseStatus, ResponseBytes};
    const W: &str = "OCSP response";
    let response = OcspResponse {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: const_oid::db::rfc6960::ID_PKIX_OCSP_BASIC,
            response: der::asn1::OctetString::new(basic).map_err(|e| Error::malformed(W, e))?,
        }),
    };
    response.to_der().map_err(|e| Error::malformed(W, e))
}

/// Extracts the `BasicOCSPResponse` from an `OCSPResponse` (for embedding as a CAdES value).
pub fn unwrap_ocsp_response(resp: &[u8]) -> Result<Vec<u8>, Error> {
    let r = x509_ocsp::OcspResponse::from_der(resp)
        .map_err(|e| Error::malformed("OCSP response", e))?;
    let bytes = r.response_bytes.ok_or_else(|| Error::Malformed {
        what: "OCSP response",
        detail: "no responseBytes".into(),
    })?;
    Ok(bytes.response.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn wrapped_basic_ocsp_is_a_successful_ocsp_response() {
        let basic = [0x30, 0x03, 0x02, 0x01, 0x07];
        let wrapped = wrap_basic_ocsp(&basic);
        // OCSPResponse { successful, [0] { id-pkix-ocsp-basic, OCTET STRING basic } }
        let expected = [
            0x30, 0x19, 0x0a, 0x01, 0x00, 0xa0, 0x14, 0x30, 0x12, 0x06, 0x09, 0x2b, 0x06, 0x01,
            0x05, 0x05, 0x07, 0x30, 0x01, 0x01, 0x04, 0x05, 0x30, 0x03, 0x02, 0x01, 0x07,
        ];
        assert_eq!(wrapped, expected);
        assert_eq!(unwrap_ocsp_response(&wrapped).unwrap(), basic);
    }

    #[test]
    fn cms_algorithm_protection_round_trips_with_implicit_tags() {
        let ai = |s: &str| AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap(s),
            parameters: None,
        };
        let p = CmsAlgorithmProtection {
            digest_algorithm: ai("2.16.840.1.101.3.4.2.1"),
            signature_algorithm: Some(ai("1.2.840.10045.4.3.2")),
            mac_algorithm: None,
        };
        let der = p.to_der().unwrap();
        // [1] IMPLICIT AlgorithmIdentifier: constructed context tag 1 in place of SEQUENCE.
        assert_eq!(der[0], 0x30);
        assert_eq!(der[2 + 13], 0xa1);
        let t = crate::ber::Reader::new(&der, "t").read().unwrap();
        assert_eq!(cms_algorithm_protection(&t).unwrap(), p);
    }
}
