//! XML for signatures: a parser with limits and no DTD at all, canonicalization, IDs.
//!
//! This is the layer under XMLDSig and XAdES, and later trusted lists (ETSI TS 119 612) and
//! SOAP mobile-signature messages, so it knows nothing of signatures itself.
//!
//! The tree is [`roxmltree`]'s (a read-only, namespace-resolving, conforming parser with no
//! unsafe code and no required `std`); see `docs/xml.md` for why it was chosen over
//! quick-xml and the young XMLDSig crates. Two things are added here:
//! - a pre-scan (`scan`) that refuses a DOCTYPE, foreign encodings and documents beyond
//!   [`Limits`] *before* the tree is built, so no limit can be outrun by the tree builder;
//! - [`c14n`], Canonical XML 1.0 and 1.1 and Exclusive XML Canonicalization 1.0, each with
//!   and without comments, over an element subtree with one subtree left out (what
//!   XMLDSig's same-document references and enveloped-signature transform select).
//!
//! ```
//! use imza::xml::{self, c14n};
//!
//! let doc = xml::parse(b"<a xmlns='urn:x' b='2'  a='1'><c/></a>", &xml::Limits::default())?;
//! let mut out = Vec::new();
//! let method = c14n::Method::new(c14n::Algorithm::C14n10, false);
//! c14n::canonicalize(doc.tree().root(), None, &method, &mut out)?;
//! assert_eq!(out, b"<a xmlns=\"urn:x\" a=\"1\" b=\"2\"><c></c></a>");
//! # Ok::<(), imza::Error>(())
//! ```

pub mod c14n;
mod scan;

use alloc::collections::BTreeMap;
use alloc::string::ToString;

pub use crate::error::XmlError;
pub use roxmltree::{Node, NodeId};

/// The namespace of `xml:*` attributes.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Size, depth and count limits, checked before the tree is built.
///
/// The defaults fit signature files and signed XML documents with room to spare: XAdES
/// nests about 12 deep, a trusted list about 15.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of input.
    pub max_bytes: usize,
    /// Element nesting depth.
    pub max_depth: usize,
    /// Elements in the document.
    pub max_elements: usize,
    /// Attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
    /// Namespace declarations in the whole document.
    pub max_namespace_declarations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 << 20,
            max_depth: 128,
            max_elements: 1_000_000,
            max_attributes: 256,
            max_namespace_declarations: 1024,
        }
    }
}

/// A parsed document; it borrows the input.
pub struct Document<'a> {
    tree: roxmltree::Document<'a>,
}

impl core::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Document")
            .field("root", &self.tree.root_element().tag_name())
            .finish_non_exhaustive()
    }
}

/// Parses UTF-8 XML 1.0 with namespaces, within `limits`.
///
/// A document type declaration is refused whatever it holds ([`XmlError::Doctype`]), so no
/// entity is ever expanded and nothing is fetched; only the five predefined entities and
/// character references are read.
pub fn parse<'a>(input: &'a [u8], limits: &Limits) -> Result<Document<'a>, XmlError> {
    if input.len() > limits.max_bytes {
        return Err(XmlError::Limit {
            what: "document size in bytes",
            limit: limits.max_bytes,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if input.starts_with(b"\xFE\xFF") || input.starts_with(b"\xFF\xFE") {
        return Err(XmlError::Unsupported("UTF-16 documents".into()));
    }
    let text = core::str::from_utf8(input).map_err(|e| {
        XmlError::Malformed(alloc::format!("not UTF-8 at byte {}", e.valid_up_to()))
    })?;
    scan::check(text, limits)?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        // Elements, text, comments and PIs; the scan bounded elements already.
        nodes_limit: u32::try_from(limits.max_elements.saturating_mul(4)).unwrap_or(u32::MAX),
        ..Default::default()
    };
    let tree = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlError::Doctype,
        roxmltree::Error::NodesLimitReached => XmlError::Limit {
            what: "nodes",
            limit: limits.max_elements.saturating_mul(4),
        },
        e => XmlError::Malformed(e.to_string()),
    })?;
    Ok(Document { tree })
}

impl<'a> Document<'a> {
    /// The tree.
    pub fn tree(&self) -> &roxmltree::Document<'a> {
        &self.tree
    }

    /// Every element carrying an ID, by ID; refuses a document where two carry the same.
    ///
    /// IDs are the attributes XMLDSig signers use: unqualified `Id`, `ID` and `id`, and
    /// `xml:id`. An element with two of them is listed under each. Without a DTD or schema
    /// nothing else can be an ID, and a duplicate would let a reference resolve to a
    /// different element than the one a reader looks at (signature wrapping), so it is an
    /// error here rather than a first-match choice.
    pub fn ids(&self) -> Result<BTreeMap<&str, NodeId>, XmlError> {
        let mut ids = BTreeMap::new();
        for node in self.tree.descendants().filter(Node::is_element) {
            for a in node.attributes() {
                let is_id = match a.namespace() {
                    None => matches!(a.name(), "Id" | "ID" | "id"),
                    Some(ns) => ns == XML_NAMESPACE && a.name() == "id",
                };
                if is_id {
                    if let Some(other) = ids.insert(a.value(), node.id()) {
                        if other != node.id() {
                            return Err(XmlError::DuplicateId(a.value().into()));
                        }
                    }
                }
            }
        }
        Ok(ids)
    }
}

/// The qualified name of an element as written (`ds:Signature`), read from the input:
/// the tree keeps only the namespace, but canonical XML keeps the prefix.
pub(crate) fn element_qname<'i>(node: Node<'_, 'i>) -> &'i str {
    let input = node.document().input_text();
    let from = node.range().start + 1;
    let rest = input.get(from..).unwrap_or_default();
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The qualified name of an attribute as written.
pub(crate) fn attribute_qname<'i>(node: Node<'_, 'i>, a: &roxmltree::Attribute<'_, 'i>) -> &'i str {
    node.document()
        .input_text()
        .get(a.range_qname())
        .unwrap_or_else(|| a.name())
}

/// The prefix of an element as written, `None` for an unprefixed one.
pub(crate) fn element_prefix<'i>(node: Node<'_, 'i>) -> Option<&'i str> {
    element_qname(node).split_once(':').map(|(p, _)| p)
}

#[cfg(test)]
mod tests;
