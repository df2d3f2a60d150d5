//! Making XAdES baseline signatures (EN 319 132-1) through any [`Signer`]: enveloped in an
//! XML document, or detached over named files (the signature document of an ASiC-E
//! container).
//!
//! The signature is written as text with placeholders, parsed back with the same reader
//! the verifier uses, and every digest is computed by the verifier's canonicalization over
//! that tree, so what is signed is exactly what a verifier will recompute. The finished
//! signature is checked by [`super::verify`] before it is returned.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::crypto::{
    self, DigestValue, HashAlgorithm, KeyKind, PublicKey, SignatureAlgorithm, Signer,
};
use crate::error::{Error, XmlError};
use crate::time::UnixTime;
use crate::xml::c14n::{self, Method};
use crate::xml::{self, Limits, Node};
use crate::xmldsig::{self, algorithms};

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// The root of an ASiC signature document (EN 319 162-1 §A.5).
pub const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";

/// What a XAdES signature signs.
#[derive(Clone, Copy, Debug)]
pub enum Data<'a> {
    /// An XML document: the signature goes in as the last child of its root element and
    /// signs the whole document without itself.
    Enveloped(&'a [u8]),
    /// Files outside the signature, by name (URI) and digest; the result is a standalone
    /// `asic:XAdESSignatures` document holding the signature.
    Detached(&'a [File<'a>]),
}

/// A file a detached signature covers.
#[derive(Clone, Copy, Debug)]
pub struct File<'a> {
    /// Its name in the container (referenced as a relative URI).
    pub name: &'a str,
    /// Its digest.
    pub digest: DigestValue,
    /// Its MIME type, signed as DataObjectFormat.
    pub mime_type: &'a str,
}

/// The parts of a B-B signature besides the data.
#[derive(Clone, Debug)]
pub struct Params<'a> {
    /// SigningTime (the caller's clock; the core reads none).
    pub signing_time: UnixTime,
    /// Chain certificates for KeyInfo, without the signer's own.
    pub chain: &'a [Vec<u8>],
}

/// Signs `data` as XAdES B-B with `signer`, whose certificate is `cert_der`.
pub fn sign(
    data: Data<'_>,
    signer: &dyn Signer,
    cert_der: &[u8],
    params: &Params<'_>,
) -> Result<Vec<u8>, Error> {
    let alg = xml_algorithm(signer)?;
    let method_uri = algorithms::signature_uri(alg).ok_or_else(|| Error::UnsupportedAlgorithm {
        what: alloc::format!("{} in an XML signature", alg.name()),
    })?;
    let hash = alg.hash().unwrap_or(HashAlgorithm::Sha256);
    let digest_uri = algorithms::digest_uri(hash);
    let ids = Ids::new(cert_der, params.signing_time);

    let mut refs = String::new();
    let external: &[File<'_>] = match data {
        Data::Enveloped(_) => {
            let _ = write!(
                refs,
                r#"<ds:Reference Id="{r}-0" URI=""><ds:Transforms><ds:Transform Algorithm="{ENVELOPED}"/><ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="{digest_uri}"/><ds:DigestValue>@D0@</ds:DigestValue></ds:Reference>"#,
                r = ids.reference
            );
            &[]
        }
        Data::Detached(files) => {
            for (
                i,
                File {
                    name, digest: d, ..
                },
            ) in files.iter().enumerate()
            {
                let _ = write!(
                    refs,
                    r#"<ds:Reference Id="{r}-{i}" URI="{uri}"><ds:DigestMethod Algorithm="{u}"/><ds:DigestValue>{v}</ds:DigestValue></ds:Reference>"#,
                    r = ids.reference,
                    uri = escape_attribute(&uri_of(name)),
                    u = algorithms::digest_uri(d.algorithm()),
                    v = b64(d.as_ref())
                );
            }
            files
        }
    };
    let _ = write!(
        refs,
        r##"<ds:Reference Type="{t}" URI="#{sp}"><ds:Transforms><ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="{digest_uri}"/><ds:DigestValue>@DP@</ds:DigestValue></ds:Reference>"##,
        t = super::SIGNED_PROPERTIES_TYPE,
        sp = ids.properties
    );

    let mut key_info = String::new();
    for c in core::iter::once(cert_der).chain(params.chain.iter().map(Vec::as_slice)) {
        let _ = write!(
            key_info,
            "<ds:X509Certificate>{}</ds:X509Certificate>",
            b64(c)
        );
    }
    let mut formats = String::new();
    let objects = match data {
        Data::Enveloped(_) => 1,
        Data::Detached(f) => f.len(),
    };
    for i in 0..objects {
        let mime = match data {
            Data::Enveloped(_) => "text/xml",
            Data::Detached(f) => f.get(i).map_or("", |f| f.mime_type),
        };
        let _ = write!(
            formats,
            r##"<xades:DataObjectFormat ObjectReference="#{r}-{i}"><xades:MimeType>{m}</xades:MimeType></xades:DataObjectFormat>"##,
            r = ids.reference,
            m = escape_text(mime)
        );
    }
    let signature = alloc::format!(
        concat!(
            r#"<ds:Signature xmlns:ds="{ds}" Id="{id}">"#,
            r#"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"/><ds:SignatureMethod Algorithm="{sm}"/>{refs}</ds:SignedInfo>"#,
            r#"<ds:SignatureValue Id="{id}-value">@SV@</ds:SignatureValue>"#,
            r#"<ds:KeyInfo><ds:X509Data>{ki}</ds:X509Data></ds:KeyInfo>"#,
            r##"<ds:Object><xades:QualifyingProperties xmlns:xades="{xades}" Target="#{id}">"##,
            r#"<xades:SignedProperties Id="{sp}"><xades:SignedSignatureProperties>"#,
            r#"<xades:SigningTime>{time}</xades:SigningTime>"#,
            r#"<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="{du}"/><ds:DigestValue>{cd}</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>"#,
            r#"</xades:SignedSignatureProperties><xades:SignedDataObjectProperties>{formats}</xades:SignedDataObjectProperties></xades:SignedProperties>"#,
            r#"</xades:QualifyingProperties></ds:Object></ds:Signature>"#
        ),
        ds = xmldsig::NS,
        id = ids.signature,
        c14n = EXC_C14N,
        sm = method_uri,
        refs = refs,
        ki = key_info,
        xades = super::NS,
        sp = ids.properties,
        time = params.signing_time,
        du = digest_uri,
        cd = b64(crypto::digest(hash, cert_der).as_ref()),
        formats = formats,
    );
    let mut text = match data {
        Data::Enveloped(document) => envelop(document, &signature)?,
        Data::Detached(_) => alloc::format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><asic:XAdESSignatures xmlns:asic="{ASIC_NS}">{signature}</asic:XAdESSignatures>"#
        ),
    };

    // The digests of the document and of SignedProperties, over the parsed text.
    let method = Method::new(c14n::Algorithm::ExcC14n10, false);
    let (data_digest, props_digest) = {
        let doc = xml::parse(text.as_bytes(), &Limits::default())?;
        let sig = find_id(&doc, &ids.signature)?;
        let sp = find_id(&doc, &ids.properties)?;
        let data = match data {
            Data::Enveloped(_) => Some(digest_nodes(doc.tree().root(), Some(sig), &method, hash)?),
            Data::Detached(_) => None,
        };
        (data, digest_nodes(sp, None, &method, hash)?)
    };
    if let Some(d) = data_digest {
        text = text.replacen("@D0@", &b64(d.as_ref()), 1);
    }
    text = text.replacen("@DP@", &b64(props_digest.as_ref()), 1);

    // The value over the canonical SignedInfo.
    let signed_info = {
        let doc = xml::parse(text.as_bytes(), &Limits::default())?;
        let sig = find_id(&doc, &ids.signature)?;
        let si = sig
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "SignedInfo")
            .ok_or_else(|| XmlError::Structure("no SignedInfo in the made signature".into()))?;
        let mut out = Vec::new();
        c14n::canonicalize(si, None, &method, &mut out)?;
        out
    };
    let value = signer.sign(&signed_info)?;
    let value = match (signer.algorithm(), key_kind(signer)?) {
        (
            SignatureAlgorithm::Ecdsa {
                encoding: crypto::EcdsaEncoding::Der,
                ..
            },
            KeyKind::Ec(curve),
        ) => crypto::ecdsa_sig::der_to_fixed(curve, &value)?,
        _ => value,
    };
    text = text.replacen("@SV@", &b64(&value), 1);

    // What was made must verify (intact) with the verifier's own reading.
    self_check(text.as_bytes(), external)?;
    Ok(text.into_bytes())
}

/// Adds a SignatureTimeStamp: `fetch` gets the SHA-256 digest of the canonical
/// SignatureValue and returns the time-stamp token (DER) a TSA gave for it.
pub fn add_signature_timestamp(
    xml: &[u8],
    fetch: &mut dyn FnMut(&DigestValue) -> Result<Vec<u8>, Error>,
) -> Result<Vec<u8>, Error> {
    let method = Method::new(c14n::Algorithm::ExcC14n10, false);
    let (digest, insert_at, id) = {
        let doc = xml::parse(xml, &Limits::default())?;
        let (sig, qp) = one_signature(&doc)?;
        let value = sig
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "SignatureValue")
            .ok_or_else(|| XmlError::Structure("no SignatureValue".into()))?;
        let d = digest_nodes(value, None, &method, HashAlgorithm::Sha256)?;
        (
            d,
            end_of_properties(qp)?,
            alloc::format!("{}-ts", sig.attribute("Id").unwrap_or("sig")),
        )
    };
    let token = fetch(&digest)?;
    let ts = alloc::format!(
        r#"<xades:SignatureTimeStamp Id="{id}"><ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/><xades:EncapsulatedTimeStamp>{}</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp>"#,
        b64(&token)
    );
    insert_unsigned(xml, insert_at, &ts)
}

/// Adds CertificateValues and RevocationValues (B-LT): the certificates, OCSP responses
/// and CRLs (all DER) that validate the signer and the time-stamping unit.
pub fn add_validation_values(
    xml: &[u8],
    certs: &[Vec<u8>],
    ocsp: &[Vec<u8>],
    crls: &[Vec<u8>],
) -> Result<Vec<u8>, Error> {
    let insert_at = {
        let doc = xml::parse(xml, &Limits::default())?;
        let (_, qp) = one_signature(&doc)?;
        end_of_properties(qp)?
    };
    let mut values = String::from("<xades:CertificateValues>");
    for c in certs {
        let _ = write!(
            values,
            "<xades:EncapsulatedX509Certificate>{}</xades:EncapsulatedX509Certificate>",
            b64(c)
        );
    }
    values.push_str("</xades:CertificateValues><xades:RevocationValues>");
    if !crls.is_empty() {
        values.push_str("<xades:CRLValues>");
        for c in crls {
            let _ = write!(
                values,
                "<xades:EncapsulatedCRLValue>{}</xades:EncapsulatedCRLValue>",
                b64(c)
            );
        }
        values.push_str("</xades:CRLValues>");
    }
    if !ocsp.is_empty() {
        values.push_str("<xades:OCSPValues>");
        for o in ocsp {
            let _ = write!(
                values,
                "<xades:EncapsulatedOCSPValue>{}</xades:EncapsulatedOCSPValue>",
                b64(o)
            );
        }
        values.push_str("</xades:OCSPValues>");
    }
    values.push_str("</xades:RevocationValues>");
    insert_unsigned(xml, insert_at, &values)
}

/// The signature time-stamp tokens (DER) of the one signature in `xml`.
pub fn signature_timestamps(xml: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let doc = xml::parse(xml, &Limits::default())?;
    let (_, qp) = one_signature(&doc)?;
    let mut out = Vec::new();
    for u in qp
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "SignatureTimeStamp")
    {
        for t in u
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "EncapsulatedTimeStamp")
        {
            out.push(xmldsig::base64(t)?);
        }
    }
    Ok(out)
}

/// Where unsigned properties go: the end of UnsignedSignatureProperties if there is one
/// (`true`), else the end of QualifyingProperties (`false`, a new one is opened).
fn end_of_properties(qp: Node<'_, '_>) -> Result<(usize, bool), Error> {
    let usp = qp
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "UnsignedProperties")
        .and_then(|u| {
            u.children()
                .find(|c| c.is_element() && c.tag_name().name() == "UnsignedSignatureProperties")
        });
    match usp {
        Some(n) => Ok((close_tag_start(n)?, true)),
        None => Ok((close_tag_start(qp)?, false)),
    }
}

fn insert_unsigned(xml: &[u8], (at, inside): (usize, bool), what: &str) -> Result<Vec<u8>, Error> {
    let (head, tail) = (xml.get(..at), xml.get(at..));
    let (Some(head), Some(tail)) = (head, tail) else {
        return Err(XmlError::Structure("an insertion point outside the document".into()).into());
    };
    let mut out = Vec::with_capacity(xml.len() + what.len() + 128);
    out.extend_from_slice(head);
    if !inside {
        out.extend_from_slice(b"<xades:UnsignedProperties><xades:UnsignedSignatureProperties>");
    }
    out.extend_from_slice(what.as_bytes());
    if !inside {
        out.extend_from_slice(b"</xades:UnsignedSignatureProperties></xades:UnsignedProperties>");
    }
    out.extend_from_slice(tail);
    Ok(out)
}

/// The byte offset of `n`'s closing tag (`n` must not be self-closing).
fn close_tag_start(n: Node<'_, '_>) -> Result<usize, Error> {
    let range = n.range();
    let qname = xml::element_qname(n);
    let end = range.end.checked_sub(qname.len() + 3);
    let text = n.document().input_text();
    match end {
        Some(e) if text.get(e..range.end).is_some_and(|t| t.starts_with("</")) => Ok(e),
        _ => Err(XmlError::Structure(alloc::format!("{qname} has no closing tag")).into()),
    }
}

/// The only ds:Signature of `doc` and its QualifyingProperties.
fn one_signature<'a>(doc: &'a xml::Document<'a>) -> Result<(Node<'a, 'a>, Node<'a, 'a>), Error> {
    let sigs = xmldsig::signatures(doc);
    let [sig] = sigs.as_slice() else {
        return Err(XmlError::Structure(alloc::format!(
            "extending needs exactly one signature, the document has {}",
            sigs.len()
        ))
        .into());
    };
    let qp = sig
        .descendants()
        .find(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(super::NS)
                && n.tag_name().name() == "QualifyingProperties"
        })
        .ok_or_else(|| XmlError::Structure("no QualifyingProperties".into()))?;
    Ok((*sig, qp))
}

fn self_check(xml: &[u8], external: &[File<'_>]) -> Result<(), Error> {
    let store = crate::trust::TrustStore::new();
    let mut opts = crate::VerifyOptions::new(&store, UnixTime::from_secs(0));
    opts.revocation = crate::RevocationPolicy::Skip;
    let mut resolve = |uri: &str, alg: HashAlgorithm| {
        Ok(external
            .iter()
            .find(|f| uri_of(f.name) == uri && f.digest.algorithm() == alg)
            .map(|f| f.digest))
    };
    let report = super::verify(xml, &mut resolve, &opts)?;
    match report.signatures.first() {
        Some(s) if s.intact => Ok(()),
        Some(s) => Err(Error::PolicyViolation {
            reason: alloc::format!(
                "the XAdES signature made does not verify: {}",
                s.errors.first().map_or("", String::as_str)
            ),
        }),
        None => Err(XmlError::Structure("no signature in what was made".into()).into()),
    }
}

fn key_kind(signer: &dyn Signer) -> Result<KeyKind, Error> {
    Ok(PublicKey::from_spki_der(signer.public_key_spki())?.kind())
}

/// The signer's algorithm as XMLDSig names it (ECDSA values are r || s).
fn xml_algorithm(signer: &dyn Signer) -> Result<SignatureAlgorithm, Error> {
    Ok(match signer.algorithm() {
        SignatureAlgorithm::Ecdsa { hash, .. } => SignatureAlgorithm::Ecdsa {
            hash,
            encoding: crypto::EcdsaEncoding::Fixed,
        },
        other => other,
    })
}

/// Element Ids derived from the certificate and the time: unique enough within one
/// document, and reproducible without a random source.
struct Ids {
    signature: String,
    reference: String,
    properties: String,
}

impl Ids {
    fn new(cert: &[u8], time: UnixTime) -> Self {
        let mut h = crypto::Hasher::new(HashAlgorithm::Sha256);
        h.update(cert);
        h.update(alloc::format!("{time}").as_bytes());
        let tag = crate::util::hex(h.finish().as_ref().get(..6).unwrap_or_default());
        Self {
            signature: alloc::format!("id-{tag}"),
            reference: alloc::format!("r-id-{tag}"),
            properties: alloc::format!("xades-id-{tag}"),
        }
    }
}

fn find_id<'a>(doc: &'a xml::Document<'a>, id: &str) -> Result<Node<'a, 'a>, Error> {
    doc.tree()
        .descendants()
        .find(|n| n.attribute("Id") == Some(id))
        .ok_or_else(|| XmlError::NotFound(alloc::format!("#{id}")).into())
}

fn digest_nodes(
    apex: Node<'_, '_>,
    exclude: Option<Node<'_, '_>>,
    method: &Method,
    hash: HashAlgorithm,
) -> Result<DigestValue, Error> {
    struct H(crypto::Hasher);
    impl c14n::Sink for H {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }
    let mut h = H(crypto::Hasher::new(hash));
    c14n::canonicalize(apex, exclude, method, &mut h)?;
    Ok(h.0.finish())
}

/// `signature` as the last child of `document`'s root element. Everything else is kept
/// byte for byte (a BOM is dropped: the parsed text starts after it).
fn envelop(document: &[u8], signature: &str) -> Result<String, Error> {
    let doc = xml::parse(document, &Limits::default())?;
    let root = doc.tree().root_element();
    let text = doc.tree().input_text();
    let range = root.range();
    let self_closing = text.get(range.clone()).is_some_and(|e| e.ends_with("/>"));
    let mut out = String::with_capacity(text.len() + signature.len() + 64);
    if self_closing {
        // `<root .../>` becomes `<root ...>SIGNATURE</root>`.
        out.push_str(text.get(..range.end - 2).unwrap_or_default());
        out.push('>');
        out.push_str(signature);
        let _ = write!(out, "</{}>", xml::element_qname(root));
        out.push_str(text.get(range.end..).unwrap_or_default());
    } else {
        let at = close_tag_start(root)?;
        out.push_str(text.get(..at).unwrap_or_default());
        out.push_str(signature);
        out.push_str(text.get(at..).unwrap_or_default());
    }
    Ok(out)
}

/// A file name as a relative URI reference (RFC 3986: spaces and other reserved or
/// non-ASCII bytes percent-encoded, `/` kept).
pub fn uri_of(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

fn escape_attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
