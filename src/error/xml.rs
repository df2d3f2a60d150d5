//! Why an XML document was refused (`crate::xml`).

use alloc::string::String;

use super::Error;

/// Why an XML document could not be read or canonicalized.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlError {
    /// The bytes are not well-formed, namespace-well-formed XML 1.0.
    Malformed(String),
    /// The document has a document type declaration. imza processes no DTD at all (no
    /// entities, no default attributes, no external fetches), so it refuses one outright.
    Doctype,
    /// A size, depth or count limit of [`crate::xml::Limits`] was exceeded.
    Limit {
        /// Which limit.
        what: &'static str,
        /// The limit's value.
        limit: usize,
    },
    /// Two elements carry the same ID, so a reference to it would be ambiguous.
    DuplicateId(String),
    /// A feature imza does not implement (an XPath transform, xml:base fix-up ...).
    Unsupported(String),
    /// An XML signature's elements are missing, repeated or out of order (XMLDSig §4).
    Structure(String),
    /// A reference's URI names nothing in the document or the container.
    NotFound(String),
    /// Two references of one signature name the same target: each is resolved once.
    ReferencedTwice(String),
}

impl core::fmt::Display for XmlError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed(s) => write!(f, "not well-formed: {s}"),
            Self::Doctype => f.write_str("a document type declaration (DTD) is not accepted"),
            Self::Limit { what, limit } => write!(f, "limit exceeded: {what} (limit {limit})"),
            Self::DuplicateId(id) => write!(f, "the ID {id:?} is carried by more than one element"),
            Self::Unsupported(s) => write!(f, "{s} is not supported"),
            Self::Structure(s) => write!(f, "XML signature structure: {s}"),
            Self::NotFound(uri) => write!(f, "the reference {uri:?} names nothing"),
            Self::ReferencedTwice(uri) => {
                write!(f, "the target {uri:?} is referenced more than once")
            }
        }
    }
}

impl core::error::Error for XmlError {}

impl XmlError {
    /// A stable numeric code in the 1300-1349 block of [`crate::Error::code`].
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 1300,
            Self::Doctype => 1301,
            Self::Limit { .. } => 1302,
            Self::DuplicateId(_) => 1303,
            Self::Unsupported(_) => 1304,
            Self::Structure(_) => 1305,
            Self::NotFound(_) => 1306,
            Self::ReferencedTwice(_) => 1307,
        }
    }
}

impl From<XmlError> for Error {
    fn from(e: XmlError) -> Self {
        Self::Xml(alloc::boxed::Box::new(e))
    }
}
