//! CAdES signature creation (EN 319 122-1 baseline B-B, B-T, B-LT) with the RustCrypto
//! `cms` types.
//!
//! The signer is any [`Signer`]: a software key now, a card or a mobile-ID service later.
//! It receives the DER signed attributes and returns the signature; fixed-width ECDSA
//! (what cards and mobile ID return) is converted to the DER form CMS requires.

use alloc::vec::Vec;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::revocation::{RevocationInfoChoice, RevocationInfoChoices};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec, UtcTime};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

use crate::ber::{tag, tlv};
use crate::cms::{attr, oids};
use crate::crypto::{self, DigestValue, EcdsaEncoding, HashAlgorithm, SignatureAlgorithm, Signer};
use crate::error::Error;
use crate::time::UnixTime;

fn enc(e: der::Error) -> Error {
    Error::malformed("CMS being built", e)
}

/// What is signed.
#[derive(Clone, Copy, Debug)]
pub enum ToSign<'a> {
    /// The content in memory; encapsulated unless `detached`.
    Bytes(&'a [u8]),
    /// The digest of detached content, computed while streaming it. Its algorithm must be
    /// [`digest_algorithm`] of the signer's algorithm.
    Digest(&'a DigestValue),
}

/// Options for a B-B signature.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SignOptions {
    /// Leave the content out (`.p7s`) instead of encapsulating it (`.p7m`).
    pub detached: bool,
    /// The signing-time attribute (the caller's clock; the core reads none).
    pub signing_time: UnixTime,
    /// The eContentType (id-data by default).
    pub content_type: ObjectIdentifier,
    /// Sign a signing-time attribute (true by default). PAdES baseline signatures carry
    /// the claimed time in the PDF's `/M` instead and must not have it (EN 319 142-1
    /// §5.4.2).
    pub signing_time_attribute: bool,
}

impl SignOptions {
    /// Options for a signature claiming `signing_time`, encapsulating the content.
    pub fn new(signing_time: UnixTime) -> Self {
        Self {
            detached: false,
            signing_time,
            content_type: oids::DATA,
            signing_time_attribute: true,
        }
    }
}

/// The digest algorithm CMS uses with `alg` (SHA-512 for Ed25519, RFC 8419).
pub fn digest_algorithm(alg: SignatureAlgorithm) -> HashAlgorithm {
    alg.hash().unwrap_or(HashAlgorithm::Sha512)
}

fn attribute(oid: ObjectIdentifier, value_der: &[u8]) -> Result<Attribute, Error> {
    let mut values = SetOfVec::new();
    values
        .insert(Any::from_der(value_der).map_err(enc)?)
        .map_err(enc)?;
    Ok(Attribute { oid, values })
}

/// ESS signing-certificate-v2 naming `cert` by SHA-256 hash, issuer and serial number.
fn signing_certificate_v2(cert: &Certificate, cert_der: &[u8]) -> Result<Vec<u8>, Error> {
    attr::ess::SigningCertificateV2::naming(cert, cert_der)?
        .to_der()
        .map_err(enc)
}

/// `OtherRevocationInfoFormat ::= SEQUENCE { otherRevInfoFormat OID, otherRevInfo ANY }`
/// (RFC 5652 §10.2.1) with a bare OID, which `cms` 0.2 types as an AlgorithmIdentifier.
#[derive(Clone, Debug, der::Sequence)]
struct OtherRevocationInfo {
    format: ObjectIdentifier,
    info: Any,
}

/// An OCSP response as a RevocationInfoChoice: `[1] IMPLICIT OtherRevocationInfoFormat`
/// with id-ri-ocsp-response (RFC 5940 §4.1).
fn ocsp_revocation_choice(response: &[u8]) -> Result<Vec<u8>, Error> {
    let value = OtherRevocationInfo {
        format: oids::RI_OCSP_RESPONSE,
        info: Any::from_der(response).map_err(|e| Error::malformed("OCSP response", e))?,
    };
    der::asn1::ContextSpecific {
        tag_number: der::TagNumber::N1,
        tag_mode: der::TagMode::Implicit,
        value,
    }
    .to_der()
    .map_err(enc)
}

/// Makes a CAdES-B-B signature: content-type, signing-time, message-digest and
/// signing-certificate-v2 signed; the signer certificate and `chain` (DER) embedded.
/// Returns the DER `ContentInfo`.
pub fn sign(
    content: ToSign<'_>,
    signer: &dyn Signer,
    cert_der: &[u8],
    chain: &[Vec<u8>],
    opts: &SignOptions,
) -> Result<Vec<u8>, Error> {
    let alg = signer.algorithm();
    let hash = digest_algorithm(alg);
    let cert = checked_cert(signer, cert_der)?;
    let (digest, econtent) = match content {
        ToSign::Bytes(b) => (crypto::digest(hash, b), (!opts.detached).then_some(b)),
        ToSign::Digest(d) => {
            if d.algorithm() != hash {
                return Err(Error::UnsupportedAlgorithm {
                    what: alloc::format!("{} content digest for {}", d.algorithm(), alg.name()),
                });
            }
            (*d, None)
        }
    };

    let ct_der = opts.content_type.to_der().map_err(enc)?;
    let time = utc_time(opts.signing_time)?;
    let md = tlv(tag::OCTET_STRING, digest.as_ref());
    let mut signed_attrs = SetOfVec::new();
    for a in [
        attribute(attr::CONTENT_TYPE, &ct_der)?,
        attribute(attr::MESSAGE_DIGEST, &md)?,
        attribute(
            attr::SIGNING_CERTIFICATE_V2,
            &signing_certificate_v2(&cert, cert_der)?,
        )?,
    ] {
        signed_attrs.insert(a).map_err(enc)?;
    }
    if opts.signing_time_attribute {
        signed_attrs
            .insert(attribute(attr::SIGNING_TIME, &time)?)
            .map_err(enc)?;
    }
    let signer_info = signer_info(signer, &cert, signed_attrs)?;
    let digest_alg_id = signer_info.digest_alg.clone();
    let mut certs = SetOfVec::new();
    certs
        .insert(CertificateChoices::Certificate(cert.clone()))
        .map_err(enc)?;
    for c in chain {
        let c = Certificate::from_der(c).map_err(|e| Error::malformed("chain certificate", e))?;
        if !certs
            .iter()
            .any(|x| *x == CertificateChoices::Certificate(c.clone()))
        {
            certs
                .insert(CertificateChoices::Certificate(c))
                .map_err(enc)?;
        }
    }
    let mut digest_algs = SetOfVec::new();
    digest_algs.insert(digest_alg_id).map_err(enc)?;
    let mut infos = SetOfVec::new();
    infos.insert(signer_info).map_err(enc)?;
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digest_algs,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: opts.content_type,
            econtent: econtent
                .map(|b| Any::encode_from(&OctetString::new(b).map_err(enc)?).map_err(enc))
                .transpose()?,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    wrap(&sd)
}

/// Signs `signed_attrs` and builds the `SignerInfo` (issuerAndSerialNumber of `cert`).
fn signer_info(
    signer: &dyn Signer,
    cert: &Certificate,
    signed_attrs: SetOfVec<Attribute>,
) -> Result<SignerInfo, Error> {
    let alg = signer.algorithm();
    // What is signed: the DER SET OF the attributes (RFC 5652 §5.4).
    let tbs = signed_attrs.to_der().map_err(enc)?;
    let mut signature = signer.sign(&tbs)?;
    let sig_alg = match alg {
        SignatureAlgorithm::Ecdsa {
            hash,
            encoding: EcdsaEncoding::Fixed,
        } => {
            let crypto::KeyKind::Ec(curve) =
                crypto::PublicKey::from_spki_der(signer.public_key_spki())?.kind()
            else {
                return Err(Error::KeyMismatch {
                    algorithm: alg.name(),
                    key: "not an EC key".into(),
                });
            };
            signature = crypto::ecdsa_sig::fixed_to_der(curve, &signature)?;
            SignatureAlgorithm::Ecdsa {
                hash,
                encoding: EcdsaEncoding::Der,
            }
        }
        a => a,
    };
    Ok(SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: AlgorithmIdentifierOwned {
            oid: digest_algorithm(alg).oid(),
            parameters: None,
        },
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned::from_der(
            &sig_alg.to_algorithm_identifier_der()?,
        )
        .map_err(enc)?,
        signature: OctetString::new(signature).map_err(enc)?,
        unsigned_attrs: None,
    })
}

fn checked_cert(signer: &dyn Signer, cert_der: &[u8]) -> Result<Certificate, Error> {
    let cert = Certificate::from_der(cert_der).map_err(|e| Error::malformed("certificate", e))?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(enc)?;
    if spki != signer.public_key_spki() {
        return Err(Error::KeyMismatch {
            algorithm: signer.algorithm().name(),
            key: "the certificate's key is not the signer's".into(),
        });
    }
    Ok(cert)
}

fn utc_time(t: UnixTime) -> Result<Vec<u8>, Error> {
    UtcTime::from_unix_duration(core::time::Duration::from_secs(t.as_secs()))
        .map_err(enc)?
        .to_der()
        .map_err(enc)
}

/// Adds a counter-signature (RFC 5652 §11.4) by `signer` to the first signer: signed
/// signing-time, message-digest of the counter-signed signature value and
/// signing-certificate-v2; no content-type, as §11.4 requires. `cert_der` is embedded.
pub fn add_counter_signature(
    cms_der: &[u8],
    signer: &dyn Signer,
    cert_der: &[u8],
    signing_time: UnixTime,
) -> Result<Vec<u8>, Error> {
    let cert = checked_cert(signer, cert_der)?;
    let mut sd = unwrap(cms_der)?;
    let mut infos: Vec<SignerInfo> = sd.signer_infos.0.into_vec();
    let first = infos.first_mut().ok_or_else(|| Error::Malformed {
        what: "CMS SignedData",
        detail: "no signer".into(),
    })?;
    let md = crypto::digest(
        digest_algorithm(signer.algorithm()),
        first.signature.as_bytes(),
    );
    let mut attrs = SetOfVec::new();
    for a in [
        attribute(attr::SIGNING_TIME, &utc_time(signing_time)?)?,
        attribute(attr::MESSAGE_DIGEST, &tlv(tag::OCTET_STRING, md.as_ref()))?,
        attribute(
            attr::SIGNING_CERTIFICATE_V2,
            &signing_certificate_v2(&cert, cert_der)?,
        )?,
    ] {
        attrs.insert(a).map_err(enc)?;
    }
    let counter = signer_info(signer, &cert, attrs)?.to_der().map_err(enc)?;
    let mut unsigned = first.unsigned_attrs.take().unwrap_or_default();
    unsigned
        .insert(attribute(attr::COUNTER_SIGNATURE, &counter)?)
        .map_err(enc)?;
    first.unsigned_attrs = Some(unsigned);
    sd.signer_infos = SignerInfos(SetOfVec::try_from(infos).map_err(enc)?);
    let mut certs = sd.certificates.take().map(|c| c.0).unwrap_or_default();
    let choice = CertificateChoices::Certificate(cert);
    if !certs.iter().any(|c| *c == choice) {
        certs.insert(choice).map_err(enc)?;
    }
    sd.certificates = Some(CertificateSet(certs));
    wrap(&sd)
}

fn wrap(sd: &SignedData) -> Result<Vec<u8>, Error> {
    wrap_with(sd, &[])
}

/// Encodes the `ContentInfo`, adding `other_revocation` (encoded `RevocationInfoChoice`s) to
/// `crls`. By hand because `cms` 0.2 types `otherRevInfoFormat` as an AlgorithmIdentifier
/// where RFC 5652 has a bare OID, so it cannot encode the RFC 5940 OCSP format.
fn wrap_with(sd: &SignedData, other_revocation: &[Vec<u8>]) -> Result<Vec<u8>, Error> {
    let mut body = sd.version.to_der().map_err(enc)?;
    body.extend(sd.digest_algorithms.to_der().map_err(enc)?);
    body.extend(sd.encap_content_info.to_der().map_err(enc)?);
    if let Some(c) = &sd.certificates {
        let set = c.0.to_der().map_err(enc)?;
        body.extend(tlv(
            tag::context(0),
            set.get(header_len(&set)..).unwrap_or(&[]),
        ));
    }
    let mut rev: Vec<Vec<u8>> = other_revocation.to_vec();
    if let Some(c) = &sd.crls {
        for r in c.0.iter() {
            rev.push(r.to_der().map_err(enc)?);
        }
    }
    if !rev.is_empty() {
        // DER SET OF: elements in ascending order of their encodings.
        rev.sort();
        body.extend(tlv(tag::context(1), &rev.concat()));
    }
    body.extend(sd.signer_infos.0.to_der().map_err(enc)?);
    let mut ci = oids::SIGNED_DATA.to_der().map_err(enc)?;
    ci.extend(tlv(tag::context(0), &tlv(tag::SEQUENCE, &body)));
    Ok(tlv(tag::SEQUENCE, &ci))
}

/// The header length of a DER element.
fn header_len(der: &[u8]) -> usize {
    match der.get(1) {
        Some(l) if *l >= 0x80 => 2 + usize::from(l & 0x7f),
        _ => 2,
    }
}

fn unwrap(cms_der: &[u8]) -> Result<SignedData, Error> {
    let ci = ContentInfo::from_der(cms_der).map_err(|e| Error::malformed("CMS ContentInfo", e))?;
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| Error::malformed("CMS SignedData", e))
}

/// The digest a signature time-stamp for the (first) signer must cover: the hash of its
/// signature value.
pub fn signature_timestamp_digest(
    cms_der: &[u8],
    hash: HashAlgorithm,
) -> Result<DigestValue, Error> {
    let sd = unwrap(cms_der)?;
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| Error::Malformed {
            what: "CMS SignedData",
            detail: "no signer".into(),
        })?;
    Ok(crypto::digest(hash, si.signature.as_bytes()))
}

/// Adds a signature time-stamp token (DER `ContentInfo`) to the first signer: B-B → B-T.
pub fn add_signature_timestamp(cms_der: &[u8], token: &[u8]) -> Result<Vec<u8>, Error> {
    let mut sd = unwrap(cms_der)?;
    let mut infos: Vec<SignerInfo> = sd.signer_infos.0.into_vec();
    let si = infos.first_mut().ok_or_else(|| Error::Malformed {
        what: "CMS SignedData",
        detail: "no signer".into(),
    })?;
    let mut unsigned = si.unsigned_attrs.take().unwrap_or_default();
    unsigned
        .insert(attribute(attr::SIGNATURE_TIMESTAMP, token)?)
        .map_err(enc)?;
    si.unsigned_attrs = Some(unsigned);
    sd.signer_infos = SignerInfos(SetOfVec::try_from(infos).map_err(enc)?);
    wrap(&sd)
}

/// Embeds validation data: certificates (DER) into `certificates`, and OCSP responses
/// (DER `OCSPResponse`, RFC 5940 format) and CRLs into `crls`. With a signature time-stamp
/// already present this makes B-LT.
pub fn add_validation_data(
    cms_der: &[u8],
    certs: &[Vec<u8>],
    ocsp_responses: &[Vec<u8>],
    crls: &[Vec<u8>],
) -> Result<Vec<u8>, Error> {
    let mut sd = unwrap(cms_der)?;
    let mut set = sd.certificates.take().map(|c| c.0).unwrap_or_default();
    for c in certs {
        let c = CertificateChoices::Certificate(
            Certificate::from_der(c).map_err(|e| Error::malformed("certificate", e))?,
        );
        if !set.iter().any(|x| *x == c) {
            set.insert(c).map_err(enc)?;
        }
    }
    sd.certificates = Some(CertificateSet(set));
    let mut rev = sd.crls.take().map(|c| c.0).unwrap_or_default();
    for c in crls {
        rev.insert(RevocationInfoChoice::Crl(
            x509_cert::crl::CertificateList::from_der(c).map_err(|e| Error::malformed("CRL", e))?,
        ))
        .map_err(enc)?;
    }
    if !rev.is_empty() {
        sd.crls = Some(RevocationInfoChoices(rev));
    }
    let mut others = Vec::new();
    for o in ocsp_responses {
        x509_ocsp::OcspResponse::from_der(o).map_err(|e| Error::malformed("OCSP response", e))?;
        others.push(ocsp_revocation_choice(o)?);
    }
    wrap_with(&sd, &others)
}
