//! CMS `SignedData` (RFC 5652): parsing as encoded, BER included, and signature creation.
//!
//! Parsing keeps the exact bytes of what is hashed or signed (signed attributes, signature
//! values, the signer's fields) because re-encoding changes them: attribute sets out of DER
//! order and indefinite lengths occur in signatures that verify elsewhere. Leaves that must
//! be DER (certificates, names, algorithm identifiers) are decoded with the RustCrypto
//! `der`, `x509-cert`, `spki` and `cms` types.
//!
//! Validation (what the bytes mean, under a trust store and a time) is in [`crate::cades`].

pub mod attr;
pub mod verify;

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::cell::OnceCell;

use const_oid::ObjectIdentifier;
use der::Decode;
use spki::AlgorithmIdentifierOwned;

pub use crate::ber::NotDer;
use crate::ber::{tag, Reader, Tlv};
use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::error::Error;

/// Largest CMS input parsed (an enveloping signature holds the whole document).
pub const MAX_CMS_LEN: usize = 512 * 1024 * 1024;
/// Most signers in one `SignedData`.
pub const MAX_SIGNERS: usize = 64;
/// Most certificates (and, separately, revocation values) in one `SignedData`.
pub const MAX_CERTIFICATES: usize = 512;
/// Most attributes in one signed or unsigned attribute set.
pub const MAX_ATTRIBUTES: usize = 128;
/// Most values in one attribute.
pub const MAX_ATTRIBUTE_VALUES: usize = 64;

/// OIDs of the content types and RFC 5940 revocation formats used here.
pub mod oids {
    use const_oid::ObjectIdentifier;
    /// id-data.
    pub const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
    /// id-signedData.
    pub const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
    /// id-ct-TSTInfo (RFC 3161).
    pub const TST_INFO: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
    /// id-ri-ocsp-response (RFC 5940).
    pub const RI_OCSP_RESPONSE: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2");
}

/// A parsed `SignedData` with the encoded bytes of its parts.
#[derive(Clone, Debug)]
pub struct SignedData<'a> {
    /// `SignedData.version`.
    pub version: u64,
    /// `digestAlgorithms` (informative: each signer names its own).
    pub digest_algorithms: Vec<AlgorithmIdentifierOwned>,
    /// `eContentType`.
    pub content_type: ObjectIdentifier,
    /// The `eContentType` element as encoded (archive timestamps v3 hash it).
    pub content_type_raw: &'a [u8],
    /// The encapsulated content; `None` for a detached signature.
    pub content: Option<EContent<'a>>,
    /// Certificates (DER), other certificate formats skipped.
    pub certificates: Vec<&'a [u8]>,
    /// CRLs (DER) from `crls`.
    pub crls: Vec<&'a [u8]>,
    /// `OCSPResponse`s (DER) from `crls` in the RFC 5940 format.
    pub ocsp_responses: Vec<&'a [u8]>,
    /// The signers.
    pub signers: Vec<SignerInfo<'a>>,
    /// Every `CertificateChoices` element as encoded (archive time-stamp v3 hash index).
    pub certificate_choices: Vec<&'a [u8]>,
    /// Every `RevocationInfoChoice` element as encoded (archive time-stamp v3 hash index).
    pub revocation_choices: Vec<&'a [u8]>,
}

/// The encapsulated content (`eContent`) as slices of the input, never copied by parsing.
///
/// A DER signature holds it in one primitive OCTET STRING: one slice. A BER one written by
/// a streaming signer (`openssl cms -sign -stream`, Java) holds it in a constructed OCTET
/// STRING of many segments (often 1-4 KiB each): one slice per segment. Joining those would
/// take as much memory again as the content (a 200 MB `.p7m` read whole would need 400 MB),
/// so hash them with [`EContent::digest`] / [`EContent::digests`] or walk
/// [`EContent::segments`].
///
/// For callers that need the octets in one piece it dereferences to `[u8]`: free for one
/// segment, while for several the first dereference joins them once (allocating the content's
/// size) and keeps the result.
#[derive(Clone, Debug)]
pub struct EContent<'a> {
    segments: Vec<&'a [u8]>,
    len: usize,
    joined: OnceCell<Vec<u8>>,
}

impl<'a> EContent<'a> {
    fn new(segments: Vec<&'a [u8]>) -> Self {
        let len = segments.iter().map(|s| s.len()).sum();
        Self {
            segments,
            len,
            joined: OnceCell::new(),
        }
    }

    /// The number of content octets.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the content is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The content in encoded order: one slice, or the segments of a BER constructed
    /// OCTET STRING.
    pub fn segments(&self) -> &[&'a [u8]] {
        &self.segments
    }

    /// The content as one slice of the input, when it is encoded in one piece.
    pub fn as_contiguous(&self) -> Option<&'a [u8]> {
        match self.segments.as_slice() {
            [] => Some(&[]),
            [one] => Some(one),
            _ => None,
        }
    }

    /// The content's digest, segment by segment (no copy).
    pub fn digest(&self, alg: HashAlgorithm) -> DigestValue {
        let mut h = Hasher::new(alg);
        for s in &self.segments {
            h.update(s);
        }
        h.finish()
    }

    /// The content's digests with each of `algs`, in one pass over the segments.
    pub fn digests(&self, algs: &[HashAlgorithm]) -> Vec<DigestValue> {
        let mut hs: Vec<Hasher> = algs.iter().map(|a| Hasher::new(*a)).collect();
        for s in &self.segments {
            for h in &mut hs {
                h.update(s);
            }
        }
        hs.into_iter().map(Hasher::finish).collect()
    }
}

impl core::ops::Deref for EContent<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self.as_contiguous() {
            Some(s) => s,
            None => self.joined.get_or_init(|| self.segments.concat()),
        }
    }
}

/// How a `SignerInfo` names its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerId {
    /// `issuerAndSerialNumber`.
    IssuerSerial(cms::cert::IssuerAndSerialNumber),
    /// `subjectKeyIdentifier`.
    SubjectKeyId(Vec<u8>),
}

/// One `SignerInfo`, with the encoded bytes of its fields.
#[derive(Clone, Debug)]
pub struct SignerInfo<'a> {
    /// `version`.
    pub version: u64,
    /// `sid`.
    pub sid: SignerId,
    /// `digestAlgorithm`.
    pub digest_algorithm: AlgorithmIdentifierOwned,
    /// `signedAttrs`.
    pub signed_attrs: Option<Attributes<'a>>,
    /// `signatureAlgorithm`.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// `signature`.
    pub signature: Cow<'a, [u8]>,
    /// `unsignedAttrs`.
    pub unsigned_attrs: Option<Attributes<'a>>,
    /// The fields from `version` to `signature`, as encoded, concatenated (archive
    /// timestamps v3 cover them).
    pub signed_fields: Vec<u8>,
    /// Where the `SignerInfo` starts in the input.
    pub offset: usize,
}

/// A signed or unsigned attribute set.
#[derive(Clone, Debug)]
pub struct Attributes<'a> {
    /// The set as encoded, with its `[0]`/`[1]` tag.
    pub raw: &'a [u8],
    /// Where the set starts in the input.
    pub offset: usize,
    /// The attributes in encoded order.
    pub list: Vec<Attribute<'a>>,
}

/// One attribute: its type and its values as encoded.
#[derive(Clone, Debug)]
pub struct Attribute<'a> {
    /// `attrType`.
    pub oid: ObjectIdentifier,
    /// The whole attribute as encoded.
    pub raw: &'a [u8],
    /// `attrValues`, each as encoded.
    pub values: Vec<&'a [u8]>,
    pub(crate) value_tlvs: Vec<Tlv<'a>>,
}

impl Attributes<'_> {
    /// What a signature over signed attributes covers: the set with the universal SET tag
    /// in place of `[0]` (RFC 5652 §5.4), the rest exactly as encoded.
    pub fn to_be_signed(&self) -> Vec<u8> {
        let mut out = self.raw.to_vec();
        if let Some(first) = out.first_mut() {
            *first = tag::SET;
        }
        out
    }

    /// The DER form of the set (attributes sorted by their encodings, X.690 §11.6), when it
    /// differs from the encoded one. Java signers (BouncyCastle) sign this form even when
    /// they write the attributes unsorted.
    pub fn to_be_signed_sorted(&self) -> Option<Vec<u8>> {
        let mut parts: Vec<&[u8]> = self.list.iter().map(|a| a.raw).collect();
        parts.sort();
        let sorted = crate::ber::tlv(tag::SET, &parts.concat());
        (sorted != self.to_be_signed()).then_some(sorted)
    }

    /// What RFC 5652 §5.4 says the signature covers: the DER encoding of the `SET OF
    /// Attribute` (universal SET tag), and, when the set was sent in another encoding, the
    /// first place where it departs from DER.
    ///
    /// Verifiers that re-encode the attributes before checking the signature (OpenSSL,
    /// BouncyCastle) check it over these bytes; see [`crate::cms::verify`] for how imza
    /// judges a signature that only verifies over the attributes as sent.
    pub fn to_be_signed_der(&self) -> Result<(Vec<u8>, Option<NotDer>), Error> {
        let as_sent = self.to_be_signed();
        let mut r = Reader::new(&as_sent, "CMS signedAttrs");
        let set = r.read()?;
        let (der, not_der) = set.der_form("CMS signedAttrs")?;
        // Offsets in `as_sent` are those of the set in the SignerInfo; make them absolute.
        let base = self.offset;
        Ok((der, not_der.map(|n| n.shifted(base))))
    }

    /// All attributes of type `oid`.
    pub fn all<'s>(&'s self, oid: &'s ObjectIdentifier) -> impl Iterator<Item = &'s Attribute<'s>> {
        self.list.iter().filter(move |a| a.oid == *oid)
    }

    /// The first attribute of type `oid`.
    pub fn get(&self, oid: &ObjectIdentifier) -> Option<&Attribute<'_>> {
        self.list.iter().find(|a| a.oid == *oid)
    }

    /// The first attribute type that occurs more than once.
    pub fn duplicate(&self) -> Option<ObjectIdentifier> {
        self.list.iter().enumerate().find_map(|(i, a)| {
            self.list
                .get(i + 1..)
                .unwrap_or(&[])
                .iter()
                .any(|b| b.oid == a.oid)
                .then_some(a.oid)
        })
    }
}

fn malformed(what: &'static str, detail: impl Into<alloc::string::String>) -> Error {
    Error::Malformed {
        what,
        detail: detail.into(),
    }
}

fn oid(t: &Tlv<'_>, what: &'static str) -> Result<ObjectIdentifier, Error> {
    if t.tag != tag::OID {
        return Err(malformed(
            what,
            alloc::format!("expected an OID at byte {}", t.offset),
        ));
    }
    ObjectIdentifier::from_bytes(t.content)
        .map_err(|e| malformed(what, alloc::format!("bad OID at byte {}: {e}", t.offset)))
}

fn small_int(t: &Tlv<'_>, what: &'static str) -> Result<u64, Error> {
    if t.tag != tag::INTEGER || t.content.is_empty() || t.content.len() > 4 {
        return Err(malformed(
            what,
            alloc::format!("bad version at byte {}", t.offset),
        ));
    }
    Ok(t.content.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
}

fn alg_id(t: &Tlv<'_>, what: &'static str) -> Result<AlgorithmIdentifierOwned, Error> {
    AlgorithmIdentifierOwned::from_der(t.der(what)?)
        .map_err(|e| malformed(what, alloc::format!("at byte {}: {e}", t.offset)))
}

/// Parses a `ContentInfo` holding a `SignedData` (DER or BER).
pub fn parse(input: &[u8]) -> Result<SignedData<'_>, Error> {
    if input.len() > MAX_CMS_LEN {
        return Err(Error::LimitExceeded {
            what: "CMS length",
            limit: MAX_CMS_LEN,
        });
    }
    const W: &str = "CMS ContentInfo";
    let mut top = Reader::new(input, W);
    let ci = top.expect(tag::SEQUENCE, "ContentInfo")?;
    // Zero padding after the ContentInfo occurs (fixed-size buffers written out whole);
    // anything else after it is refused.
    if !input
        .get(ci.raw.len()..)
        .unwrap_or(&[])
        .iter()
        .all(|b| *b == 0)
    {
        top.finish("ContentInfo")?;
    }
    let mut r = ci.reader(W)?;
    let ct = oid(&r.expect(tag::OID, "contentType")?, W)?;
    if ct != oids::SIGNED_DATA {
        return Err(malformed(
            W,
            alloc::format!(
                "content type {} is not signedData",
                crate::crypto::alg::oid_name(&ct)
            ),
        ));
    }
    let explicit = r.expect(tag::context(0), "content")?;
    r.finish("content")?;
    let mut er = explicit.reader(W)?;
    let sd = er.expect(tag::SEQUENCE, "SignedData")?;
    er.finish("SignedData")?;
    signed_data(&sd)
}

fn signed_data<'a>(sd: &Tlv<'a>) -> Result<SignedData<'a>, Error> {
    const W: &str = "CMS SignedData";
    let mut r = sd.reader(W)?;
    let version = small_int(&r.expect(tag::INTEGER, "version")?, W)?;
    let digest_algorithms = r
        .expect(tag::SET, "digestAlgorithms")?
        .children(W, 16)?
        .iter()
        .map(|t| alg_id(t, "CMS digestAlgorithms"))
        .collect::<Result<Vec<_>, _>>()?;
    let eci = r.expect(tag::SEQUENCE, "encapContentInfo")?;
    let mut er = eci.reader(W)?;
    let ct_tlv = er.expect(tag::OID, "eContentType")?;
    let content_type = oid(&ct_tlv, W)?;
    let content = match er.optional(tag::context(0))? {
        Some(explicit) => {
            let mut x = explicit.reader(W)?;
            let os = x.read()?;
            x.finish("eContent")?;
            Some(EContent::new(os.octet_segments("CMS eContent")?))
        }
        None => None,
    };
    er.finish("encapContentInfo")?;

    let mut certificates = Vec::new();
    let mut certificate_choices = Vec::new();
    let mut revocation_choices = Vec::new();
    if let Some(set) = r.optional(tag::context(0))? {
        for c in set.children("CMS certificates", MAX_CERTIFICATES)? {
            certificate_choices.push(c.raw);
            // Only X.509 certificates; attribute and other formats are not used here.
            if c.tag == tag::SEQUENCE {
                certificates.push(c.der("CMS certificate")?);
            }
        }
    }
    let mut crls = Vec::new();
    let mut ocsp_responses = Vec::new();
    if let Some(set) = r.optional(tag::context(1))? {
        for c in set.children("CMS crls", MAX_CERTIFICATES)? {
            revocation_choices.push(c.raw);
            if c.tag == tag::SEQUENCE {
                crls.push(c.der("CMS CRL")?);
            } else if c.tag == tag::context(1) {
                let mut o = c.reader("CMS OtherRevocationInfoFormat")?;
                let format = oid(&o.expect(tag::OID, "otherRevInfoFormat")?, W)?;
                let info = o.read()?;
                if format == oids::RI_OCSP_RESPONSE {
                    ocsp_responses.push(info.der("RFC 5940 OCSP response")?);
                }
            }
        }
    }
    let signer_set = r.expect(tag::SET, "signerInfos")?;
    r.finish("signerInfos")?;
    let signers = signer_set
        .children("CMS signerInfos", MAX_SIGNERS)?
        .iter()
        .map(signer_info)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SignedData {
        version,
        digest_algorithms,
        content_type,
        content_type_raw: ct_tlv.raw,
        content,
        certificates,
        crls,
        ocsp_responses,
        signers,
        certificate_choices,
        revocation_choices,
    })
}

/// Parses one `SignerInfo` element.
pub(crate) fn signer_info<'a>(si: &Tlv<'a>) -> Result<SignerInfo<'a>, Error> {
    const W: &str = "CMS SignerInfo";
    if si.tag != tag::SEQUENCE {
        return Err(malformed(
            W,
            alloc::format!("not a SEQUENCE at byte {}", si.offset),
        ));
    }
    let mut r = si.reader(W)?;
    let mut signed_fields = Vec::new();
    let v = r.expect(tag::INTEGER, "version")?;
    signed_fields.extend_from_slice(v.raw);
    let version = small_int(&v, W)?;
    let sid_tlv = r.read()?;
    signed_fields.extend_from_slice(sid_tlv.raw);
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => SignerId::IssuerSerial(
            cms::cert::IssuerAndSerialNumber::from_der(sid_tlv.der("issuerAndSerialNumber")?)
                .map_err(|e| Error::malformed("CMS issuerAndSerialNumber", e))?,
        ),
        t if t == tag::context_primitive(0) => SignerId::SubjectKeyId(sid_tlv.content.to_vec()),
        t => {
            return Err(malformed(
                W,
                alloc::format!(
                    "unknown signer identifier tag 0x{t:02x} at byte {}",
                    sid_tlv.offset
                ),
            ))
        }
    };
    let da = r.expect(tag::SEQUENCE, "digestAlgorithm")?;
    signed_fields.extend_from_slice(da.raw);
    let digest_algorithm = alg_id(&da, "CMS digestAlgorithm")?;
    let signed_attrs = match r.optional(tag::context(0))? {
        Some(t) => {
            signed_fields.extend_from_slice(t.raw);
            Some(attributes(&t, "CMS signedAttrs")?)
        }
        None => None,
    };
    let sa = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    signed_fields.extend_from_slice(sa.raw);
    let signature_algorithm = alg_id(&sa, "CMS signatureAlgorithm")?;
    let sig = r.read()?;
    signed_fields.extend_from_slice(sig.raw);
    let signature = sig.octets("CMS signature")?;
    let unsigned_attrs = match r.optional(tag::context(1))? {
        Some(t) => Some(attributes(&t, "CMS unsignedAttrs")?),
        None => None,
    };
    r.finish("SignerInfo")?;
    Ok(SignerInfo {
        version,
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
        unsigned_attrs,
        signed_fields,
        offset: si.offset,
    })
}

fn attributes<'a>(set: &Tlv<'a>, what: &'static str) -> Result<Attributes<'a>, Error> {
    let mut list = Vec::new();
    for a in set.children(what, MAX_ATTRIBUTES)? {
        let mut r = a.reader(what)?;
        let oid = oid(&r.expect(tag::OID, "attrType")?, what)?;
        let values_set = r.expect(tag::SET, "attrValues")?;
        r.finish("Attribute")?;
        let value_tlvs = values_set.children(what, MAX_ATTRIBUTE_VALUES)?;
        list.push(Attribute {
            oid,
            raw: a.raw,
            values: value_tlvs.iter().map(|t| t.raw).collect(),
            value_tlvs,
        });
    }
    Ok(Attributes {
        raw: set.raw,
        offset: set.offset,
        list,
    })
}

impl<'a> Attribute<'a> {
    /// The single value of an attribute that must have exactly one.
    pub(crate) fn single(&self, what: &'static str) -> Result<Tlv<'a>, Error> {
        match self.value_tlvs.as_slice() {
            [v] => Ok(*v),
            vs => Err(malformed(
                what,
                alloc::format!("{} values where exactly one is allowed", vs.len()),
            )),
        }
    }
}
