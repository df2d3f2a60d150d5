//! XML Signature core (W3C XMLDSig 1.1): reading a `ds:Signature`, digesting its
//! references, and checking SignatureValue over the canonical SignedInfo.
//!
//! This is the layer under XAdES and the ASiC containers; whether the key is trusted, and
//! when, is for the validation engine. The defences against signature wrapping live here,
//! because only here is it known what a reference selected:
//! - IDs are unique in the document ([`crate::xml::Document::ids`]), so `#id` cannot mean
//!   one element to the digest and another to the reader;
//! - each reference is resolved exactly once, and two references may not name the same
//!   target;
//! - the SignedInfo checked is the one inside the Signature element being verified, never
//!   one found by ID or by search;
//! - [`Signature::check_references`] gives, for every reference, the element or file it covered,
//!   so a caller reports (and uses) exactly what was signed.
//!
//! Transforms are enveloped-signature and the canonicalization family; XPath and XSLT are
//! refused with [`XmlError::Unsupported`].

pub mod algorithms;

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{self, DigestValue, HashAlgorithm, Hasher, SignatureAlgorithm};
use crate::error::{Error, XmlError};
use crate::xml::c14n::{self, Method, Sink};
use crate::xml::{Document, Node, NodeId};

/// The XMLDSig namespace.
pub const NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const EXC_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// At most this many references in one SignedInfo (ASiC-E signs one per file).
pub const MAX_REFERENCES: usize = 10_000;
/// At most this many transforms on one reference.
pub const MAX_TRANSFORMS: usize = 8;

/// A transform on a reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transform {
    /// Leaves out the Signature element that holds the reference.
    Enveloped,
    /// Canonicalizes the selected nodes.
    Canonicalize(Method),
}

/// One `ds:Reference`.
#[derive(Debug)]
pub struct Reference<'a> {
    /// The element.
    pub node: Node<'a, 'a>,
    /// Its `Id`.
    pub id: Option<&'a str>,
    /// Its `URI`; absent means the application knows the target (not supported).
    pub uri: Option<&'a str>,
    /// Its `Type` (XAdES marks SignedProperties with one).
    pub kind: Option<&'a str>,
    /// The transforms, in order.
    pub transforms: Vec<Transform>,
    /// The digest algorithm.
    pub digest: HashAlgorithm,
    /// The digest value.
    pub digest_value: Vec<u8>,
}

/// A `ds:Signature`, read but not yet verified.
#[derive(Debug)]
pub struct Signature<'a> {
    /// The Signature element.
    pub node: Node<'a, 'a>,
    /// Its `Id`.
    pub id: Option<&'a str>,
    /// The SignedInfo element.
    pub signed_info: Node<'a, 'a>,
    /// How SignedInfo is canonicalized.
    pub canonicalization: Method,
    /// The signature algorithm and its URI.
    pub algorithm: SignatureAlgorithm,
    /// The SignatureMethod URI as written.
    pub algorithm_uri: &'a str,
    /// The references, in order.
    pub references: Vec<Reference<'a>>,
    /// The SignatureValue element (XAdES time-stamps it).
    pub value_node: Node<'a, 'a>,
    /// The decoded signature value.
    pub value: Vec<u8>,
    /// DER certificates from KeyInfo/X509Data, in document order.
    pub certificates: Vec<Vec<u8>>,
    /// The `ds:Object` elements.
    pub objects: Vec<Node<'a, 'a>>,
}

/// What one reference covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// The whole document (URI `""`), without this signature if enveloped.
    Document,
    /// An element of this document, by ID.
    Element(Node<'a, 'a>),
    /// Something outside the document (a container file), by URI.
    External(&'a str),
}

/// One reference after digesting.
#[derive(Debug)]
pub struct CheckedReference<'a> {
    /// Its index in SignedInfo.
    pub index: usize,
    /// What it covered.
    pub target: Target<'a>,
    /// Whether the digest matched.
    pub intact: bool,
}

/// Digests a container file named by an external reference: `Ok(None)` when there is no
/// such file.
pub type External<'f> = dyn FnMut(&str, HashAlgorithm) -> Result<Option<DigestValue>, Error> + 'f;

/// Finds the `ds:Signature` elements of a document, in document order. Signatures nested in
/// another signature's `ds:Object` are found too; each is verified on its own.
pub fn signatures<'a>(doc: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
    doc.tree()
        .descendants()
        .filter(|n| is(n, "Signature"))
        .collect()
}

fn is(n: &Node<'_, '_>, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(NS) && n.tag_name().name() == name
}

fn structure(s: impl Into<String>) -> Error {
    XmlError::Structure(s.into()).into()
}

/// The element children of `n`; text between them must be white space.
fn elements<'a>(n: Node<'a, 'a>) -> Result<Vec<Node<'a, 'a>>, Error> {
    let mut out = Vec::new();
    for c in n.children() {
        if c.is_element() {
            out.push(c);
        } else if c.is_text() && !c.text().unwrap_or_default().trim().is_empty() {
            return Err(structure(alloc::format!(
                "text inside {}",
                n.tag_name().name()
            )));
        }
    }
    Ok(out)
}

/// Takes the next child if it is `ds:name`.
fn take<'a>(
    it: &mut core::iter::Peekable<alloc::vec::IntoIter<Node<'a, 'a>>>,
    name: &str,
) -> Option<Node<'a, 'a>> {
    it.next_if(|n| is(n, name))
}

fn need<'a>(
    it: &mut core::iter::Peekable<alloc::vec::IntoIter<Node<'a, 'a>>>,
    name: &str,
    parent: &str,
) -> Result<Node<'a, 'a>, Error> {
    take(it, name).ok_or_else(|| structure(alloc::format!("{parent} lacks {name} in its place")))
}

fn attr<'a>(n: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.attribute(name)
}

fn need_attr<'a>(n: Node<'a, 'a>, name: &str) -> Result<&'a str, Error> {
    attr(n, name).ok_or_else(|| {
        structure(alloc::format!(
            "{} lacks its {name} attribute",
            n.tag_name().name()
        ))
    })
}

/// Decodes base64 as XML carries it: white space anywhere is ignored.
pub fn base64(n: Node<'_, '_>) -> Result<Vec<u8>, Error> {
    let text: String = n
        .children()
        .filter(|c| c.is_text())
        .flat_map(|c| c.text().unwrap_or_default().chars())
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if n.children().any(|c| c.is_element()) {
        return Err(structure(alloc::format!(
            "{} holds elements, not base64",
            n.tag_name().name()
        )));
    }
    <base64ct::Base64 as base64ct::Encoding>::decode_vec(&text).map_err(|_| Error::Malformed {
        what: "XML base64 value",
        detail: alloc::format!("{} is not base64", n.tag_name().name()),
    })
}

fn method(n: Node<'_, '_>) -> Result<Method, Error> {
    let uri = need_attr(n, "Algorithm")?;
    let mut m = Method::from_uri(uri).ok_or_else(|| {
        Error::from(XmlError::Unsupported(alloc::format!(
            "the canonicalization or transform {uri}"
        )))
    })?;
    for c in elements(n)? {
        if m.algorithm == c14n::Algorithm::ExcC14n10
            && c.tag_name().namespace() == Some(EXC_NS)
            && c.tag_name().name() == "InclusiveNamespaces"
        {
            m.inclusive_prefixes = attr(c, "PrefixList")
                .unwrap_or_default()
                .split_ascii_whitespace()
                .map(String::from)
                .collect();
        } else {
            return Err(structure(alloc::format!(
                "unexpected {} in a canonicalization method",
                c.tag_name().name()
            )));
        }
    }
    Ok(m)
}

impl<'a> Signature<'a> {
    /// Reads a `ds:Signature` element (XMLDSig §4: the children in their order, nothing
    /// else).
    pub fn read(node: Node<'a, 'a>) -> Result<Self, Error> {
        if !is(&node, "Signature") {
            return Err(structure("not a ds:Signature element"));
        }
        let mut it = elements(node)?.into_iter().peekable();
        let signed_info = need(&mut it, "SignedInfo", "Signature")?;
        let value_node = need(&mut it, "SignatureValue", "Signature")?;
        let key_info = take(&mut it, "KeyInfo");
        let mut objects = Vec::new();
        while let Some(o) = take(&mut it, "Object") {
            objects.push(o);
        }
        if let Some(extra) = it.next() {
            return Err(structure(alloc::format!(
                "unexpected {} in Signature",
                extra.tag_name().name()
            )));
        }

        let mut si = elements(signed_info)?.into_iter().peekable();
        let canonicalization = method(need(&mut si, "CanonicalizationMethod", "SignedInfo")?)?;
        let sm = need(&mut si, "SignatureMethod", "SignedInfo")?;
        let algorithm_uri = need_attr(sm, "Algorithm")?;
        if elements(sm)?.into_iter().next().is_some() {
            // HMACOutputLength and friends: imza verifies no HMAC signatures.
            return Err(structure("SignatureMethod with parameters"));
        }
        let algorithm = algorithms::signature(algorithm_uri)?;
        let mut references = Vec::new();
        while let Some(r) = take(&mut si, "Reference") {
            if references.len() == MAX_REFERENCES {
                return Err(XmlError::Limit {
                    what: "references in one signature",
                    limit: MAX_REFERENCES,
                }
                .into());
            }
            references.push(Reference::read(r)?);
        }
        if references.is_empty() {
            return Err(structure("SignedInfo has no Reference"));
        }
        if let Some(extra) = si.next() {
            return Err(structure(alloc::format!(
                "unexpected {} in SignedInfo",
                extra.tag_name().name()
            )));
        }

        let mut certificates = Vec::new();
        if let Some(ki) = key_info {
            for data in elements(ki)?.into_iter().filter(|n| is(n, "X509Data")) {
                for c in elements(data)?
                    .into_iter()
                    .filter(|n| is(n, "X509Certificate"))
                {
                    certificates.push(base64(c)?);
                }
            }
        }
        Ok(Self {
            node,
            id: attr(node, "Id"),
            signed_info,
            canonicalization,
            algorithm,
            algorithm_uri,
            references,
            value: base64(value_node)?,
            value_node,
            certificates,
            objects,
        })
    }

    /// The canonical SignedInfo: the bytes the signature value signs.
    pub fn signed_info_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        c14n::canonicalize(self.signed_info, None, &self.canonicalization, &mut out)?;
        Ok(out)
    }

    /// Checks SignatureValue over the canonical SignedInfo with the key `spki_der`, under
    /// `policy` (the validation engine judges algorithm strength separately and in time).
    pub fn verify_value(&self, spki_der: &[u8], policy: &crypto::Policy) -> Result<(), Error> {
        let signed = self.signed_info_bytes()?;
        crypto::verify_with(
            None,
            policy,
            self.algorithm,
            spki_der,
            crypto::Message::Data(&signed),
            &self.value,
        )
    }

    /// Resolves and digests every reference. `external` digests a URI that is not in the
    /// document (a container file) with the given algorithm, or returns `None` when there is
    /// no such file. Errors are for references that cannot be processed at all (an unknown
    /// ID, a target named twice, an unsupported transform); a digest that does not match is
    /// `intact: false`.
    pub fn check_references(
        &self,
        doc: &'a Document<'a>,
        external: &mut External<'_>,
    ) -> Result<Vec<CheckedReference<'a>>, Error> {
        let ids = doc.ids()?;
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (index, r) in self.references.iter().enumerate() {
            // Without a URI the application is meant to know the target (XMLDSig §4.4.3.1);
            // imza knows none, so such a reference covers nothing.
            let uri = r.uri.ok_or_else(|| {
                Error::from(XmlError::NotFound("(a Reference without URI)".into()))
            })?;
            if seen.contains(&uri) {
                return Err(XmlError::ReferencedTwice(uri.into()).into());
            }
            seen.push(uri);
            let (target, digest) = if uri.is_empty() {
                (Target::Document, self.digest_nodes(doc.tree().root(), r)?)
            } else if let Some(id) = uri.strip_prefix('#') {
                if id.starts_with("xpointer(") {
                    return Err(XmlError::Unsupported(alloc::format!("the XPointer {uri}")).into());
                }
                let node = ids
                    .get(id)
                    .and_then(|&nid: &NodeId| doc.tree().get_node(nid))
                    .ok_or_else(|| Error::from(XmlError::NotFound(uri.into())))?;
                (Target::Element(node), self.digest_nodes(node, r)?)
            } else {
                if !r.transforms.is_empty() {
                    return Err(XmlError::Unsupported(alloc::format!(
                        "transforms on the external reference {uri}"
                    ))
                    .into());
                }
                let d = external(uri, r.digest)?
                    .ok_or_else(|| Error::from(XmlError::NotFound(uri.into())))?;
                (Target::External(uri), d)
            };
            out.push(CheckedReference {
                index,
                // Digests are public values: no constant-time comparison needed.
                intact: digest.as_ref() == r.digest_value.as_slice(),
                target,
            });
        }
        Ok(out)
    }

    /// Digests a same-document reference: the subtree at `apex`, without this signature if
    /// the reference has the enveloped transform, canonicalized by its last transform (or
    /// C14N 1.0, XMLDSig §4.4.3.2). Comments are never part of `""` or `#id` (§4.4.3.3).
    fn digest_nodes(&self, apex: Node<'a, 'a>, r: &Reference<'_>) -> Result<DigestValue, Error> {
        let mut method = Method::new(c14n::Algorithm::C14n10, false);
        let mut exclude = None;
        for (i, t) in r.transforms.iter().enumerate() {
            match t {
                Transform::Enveloped if exclude.is_none() => {
                    // Only this Signature, and only if it lies inside what was selected.
                    // A target that does not contain it is what signature wrapping leaves
                    // when it moves the signed element away from the signature (DSS's
                    // "fake content" cases): the transform then removes nothing, and the
                    // claim that the signature envelops its data is false.
                    if !self.node.ancestors().any(|a| a == apex) {
                        return Err(XmlError::Structure(alloc::format!(
                            "reference {:?} has the enveloped-signature transform, but its \
                             target does not contain the signature (signature wrapping?)",
                            r.uri.unwrap_or_default()
                        ))
                        .into());
                    }
                    exclude = Some(self.node);
                }
                Transform::Canonicalize(m) if i + 1 == r.transforms.len() => {
                    method = Method {
                        comments: false,
                        ..m.clone()
                    };
                }
                _ => {
                    return Err(XmlError::Unsupported(alloc::format!(
                        "the transform sequence of reference {:?}",
                        r.uri.unwrap_or_default()
                    ))
                    .into())
                }
            }
        }
        let mut sink = HashSink(Hasher::new(r.digest));
        c14n::canonicalize(apex, exclude, &method, &mut sink)?;
        Ok(sink.0.finish())
    }
}

struct HashSink(Hasher);

impl Sink for HashSink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl<'a> Reference<'a> {
    fn read(node: Node<'a, 'a>) -> Result<Self, Error> {
        let mut it = elements(node)?.into_iter().peekable();
        let mut transforms = Vec::new();
        if let Some(ts) = take(&mut it, "Transforms") {
            for t in elements(ts)? {
                if !is(&t, "Transform") {
                    return Err(structure("Transforms holds something other than Transform"));
                }
                if transforms.len() == MAX_TRANSFORMS {
                    return Err(XmlError::Limit {
                        what: "transforms on one reference",
                        limit: MAX_TRANSFORMS,
                    }
                    .into());
                }
                let uri = need_attr(t, "Algorithm")?;
                transforms.push(if uri == ENVELOPED {
                    Transform::Enveloped
                } else {
                    Transform::Canonicalize(method(t)?)
                });
            }
        }
        let dm = need(&mut it, "DigestMethod", "Reference")?;
        let digest = algorithms::digest(need_attr(dm, "Algorithm")?)?;
        let digest_value = base64(need(&mut it, "DigestValue", "Reference")?)?;
        if let Some(extra) = it.next() {
            return Err(structure(alloc::format!(
                "unexpected {} in Reference",
                extra.tag_name().name()
            )));
        }
        if digest_value.len() != digest.output_len() {
            return Err(structure("a DigestValue of the wrong length"));
        }
        Ok(Self {
            node,
            id: attr(node, "Id"),
            uri: attr(node, "URI"),
            kind: attr(node, "Type"),
            transforms,
            digest,
            digest_value,
        })
    }
}
