//! CMS, ESS and CAdES attribute types and the decoders for the ones validation reads.

use alloc::vec::Vec;

use const_oid::ObjectIdentifier;
use der::Decode;

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

/// Decodes `SigningCertificate` (v1, `v2 == false`) or `SigningCertificateV2`.
pub(crate) fn signing_certificate(v: &Tlv<'_>, v2: bool) -> Result<Vec<EssCertId>, Error> {
    const W: &str = "ESS signing-certificate";
    let bad = |d: &str| Error::Malformed {
        what: W,
        detail: alloc::format!("{d} at byte {}", v.offset),
    };
    if v.tag != tag::SEQUENCE {
        return Err(bad("not a SEQUENCE"));
    }
    let mut r = v.reader(W)?;
    let certs = r.expect(tag::SEQUENCE, "certs")?;
    let mut out = Vec::new();
    for c in certs.children(W, 32)? {
        let mut cr = c.reader(W)?;
        let hash = if v2 {
            match cr.optional(tag::SEQUENCE)? {
                Some(ai) => {
                    let ai = spki::AlgorithmIdentifierOwned::from_der(ai.der(W)?)
                        .map_err(|e| Error::malformed(W, e))?;
                    HashAlgorithm::from_oid(&ai.oid)?
                }
                None => HashAlgorithm::Sha256,
            }
        } else {
            HashAlgorithm::Sha1
        };
        let cert_hash = cr.expect(tag::OCTET_STRING, "certHash")?.content.to_vec();
        let issuer_serial = match cr.optional(tag::SEQUENCE)? {
            Some(is) => {
                let mut ir = is.reader(W)?;
                let names = ir.expect(tag::SEQUENCE, "issuer")?;
                let mut dirs = Vec::new();
                for n in names.children(W, 16)? {
                    // directoryName [4] EXPLICIT Name
                    if n.tag == tag::context(4) {
                        let mut nr = n.reader(W)?;
                        dirs.push(nr.expect(tag::SEQUENCE, "directoryName")?.raw.to_vec());
                    }
                }
                let serial = ir.expect(tag::INTEGER, "serialNumber")?.content.to_vec();
                Some((dirs, serial))
            }
            None => None,
        };
        out.push(EssCertId {
            hash,
            cert_hash,
            issuer_serial,
        });
    }
    if out.is_empty() {
        return Err(bad("no certificate identifier"));
    }
    Ok(out)
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

/// Wraps a `BasicOCSPResponse` into an `OCSPResponse` (status successful, id-pkix-ocsp-basic),
/// the form the OCSP checker takes.
pub fn wrap_basic_ocsp(basic: &[u8]) -> Vec<u8> {
    use crate::ber::tlv;
    // id-pkix-ocsp-basic 1.3.6.1.5.5.7.48.1.1
    const BASIC: [u8; 11] = [
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
    ];
    let mut rb = BASIC.to_vec();
    rb.extend_from_slice(&tlv(tag::OCTET_STRING, basic));
    let response_bytes = tlv(tag::context(0), &tlv(tag::SEQUENCE, &rb));
    let mut body = alloc::vec![0x0a, 0x01, 0x00];
    body.extend_from_slice(&response_bytes);
    tlv(tag::SEQUENCE, &body)
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
