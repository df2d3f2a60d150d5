//! The two manifests of ASiC: the ODF `META-INF/manifest.xml` that lists the data objects
//! of an ASiC-E with XAdES (EN 319 162-1 §A.7), and the `ASiCManifest` that a CAdES
//! signature or time-stamp of an ASiC-E signs in their place (§A.4).
//!
//! They are parsed into values here; whether the digests match and the lists agree with
//! the container is for the verifier.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::crypto::HashAlgorithm;
use crate::error::ContainerError;
use crate::xml::{self, Node};

/// The OpenDocument manifest namespace.
pub const ODF_MANIFEST_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
/// The ASiC namespace (EN 319 162-1 Annex A).
pub const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";
const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// `META-INF/manifest.xml`: what the container says it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OdfManifest {
    /// The `manifest:file-entry` elements, in document order (the `/` entry included).
    pub entries: Vec<OdfFileEntry>,
}

/// One `manifest:file-entry`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OdfFileEntry {
    /// `manifest:full-path`: an entry name, or `/` for the container itself.
    pub full_path: String,
    /// `manifest:media-type`, if given.
    pub media_type: Option<String>,
}

/// An `asic:ASiCManifest` (or `ASiCArchiveManifest`): the data a CAdES signature or a
/// time-stamp token covers, by digest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AsicManifest {
    /// The signature or time-stamp that signs this manifest.
    pub sig_reference: SigReference,
    /// The covered entries, in document order.
    pub references: Vec<DataObjectReference>,
}

/// `asic:SigReference`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigReference {
    /// The entry holding the signature or token, as written (a URI reference).
    pub uri: String,
    /// `MimeType`, if given.
    pub mime_type: Option<String>,
}

/// `asic:DataObjectReference`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataObjectReference {
    /// The covered entry, as written (a URI reference: may be percent-encoded).
    pub uri: String,
    /// `MimeType`, if given.
    pub mime_type: Option<String>,
    /// `ds:DigestMethod/@Algorithm`.
    pub digest_method: String,
    /// The hash `digest_method` names, `None` when imza does not implement it (the
    /// verifier reports that rather than the parse failing).
    pub hash: Option<HashAlgorithm>,
    /// `ds:DigestValue`, base64-decoded.
    pub digest_value: Vec<u8>,
}

fn error(name: &str, detail: impl ToString) -> ContainerError {
    ContainerError::Manifest {
        name: name.to_string(),
        detail: detail.to_string(),
    }
}

fn children<'a, 'i>(
    n: Node<'a, 'i>,
    ns: &'a str,
    local: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().namespace() == Some(ns))
        .filter(move |c| c.tag_name().name() == local)
}

fn one<'a, 'i>(
    name: &str,
    n: Node<'a, 'i>,
    ns: &'a str,
    local: &'a str,
) -> Result<Node<'a, 'i>, ContainerError> {
    let mut found = children(n, ns, local);
    match (found.next(), found.next()) {
        (Some(c), None) => Ok(c),
        (None, _) => Err(error(name, alloc::format!("no {local} element"))),
        (Some(_), Some(_)) => Err(error(name, alloc::format!("more than one {local}"))),
    }
}

fn root<'a, 'i>(
    name: &str,
    doc: &'a xml::Document<'i>,
    ns: &str,
    local: &str,
) -> Result<Node<'a, 'i>, ContainerError> {
    let root = doc.tree().root_element();
    if root.tag_name().namespace() != Some(ns) || root.tag_name().name() != local {
        return Err(error(
            name,
            alloc::format!("the root element is not {local} in {ns}"),
        ));
    }
    Ok(root)
}

/// Parses `META-INF/manifest.xml`.
pub(crate) fn parse_odf(name: &str, bytes: &[u8]) -> Result<OdfManifest, ContainerError> {
    let doc = xml::parse(bytes, &xml::Limits::default()).map_err(|e| error(name, e))?;
    let root = root(name, &doc, ODF_MANIFEST_NS, "manifest")?;
    let entries = children(root, ODF_MANIFEST_NS, "file-entry")
        .map(|e| {
            let full_path = e
                .attribute((ODF_MANIFEST_NS, "full-path"))
                .ok_or_else(|| error(name, "a file-entry has no full-path"))?;
            Ok(OdfFileEntry {
                full_path: full_path.into(),
                media_type: e.attribute((ODF_MANIFEST_NS, "media-type")).map(Into::into),
            })
        })
        .collect::<Result<_, ContainerError>>()?;
    Ok(OdfManifest { entries })
}

/// Parses an `ASiCManifest` or `ASiCArchiveManifest` (both are `asic:ASiCManifest`).
pub(crate) fn parse_asic(name: &str, bytes: &[u8]) -> Result<AsicManifest, ContainerError> {
    let doc = xml::parse(bytes, &xml::Limits::default()).map_err(|e| error(name, e))?;
    let root = root(name, &doc, ASIC_NS, "ASiCManifest")?;
    let sig = one(name, root, ASIC_NS, "SigReference")?;
    let sig_reference = SigReference {
        uri: sig
            .attribute("URI")
            .ok_or_else(|| error(name, "SigReference has no URI"))?
            .into(),
        mime_type: sig.attribute("MimeType").map(Into::into),
    };
    let references = children(root, ASIC_NS, "DataObjectReference")
        .map(|r| data_object_reference(name, r))
        .collect::<Result<_, _>>()?;
    Ok(AsicManifest {
        sig_reference,
        references,
    })
}

fn data_object_reference(
    name: &str,
    r: Node<'_, '_>,
) -> Result<DataObjectReference, ContainerError> {
    let uri = r
        .attribute("URI")
        .ok_or_else(|| error(name, "a DataObjectReference has no URI"))?;
    let method = one(name, r, DS_NS, "DigestMethod")?
        .attribute("Algorithm")
        .ok_or_else(|| error(name, "a DigestMethod has no Algorithm"))?;
    let value = one(name, r, DS_NS, "DigestValue")?;
    Ok(DataObjectReference {
        uri: uri.into(),
        mime_type: r.attribute("MimeType").map(Into::into),
        digest_method: method.into(),
        hash: crate::xmldsig::algorithms::digest(method).ok(),
        digest_value: crate::xmldsig::base64(value).map_err(|e| error(name, e))?,
    })
}
