//! PDF files, read for their signatures (PAdES, ETSI EN 319 142-1): the object syntax
//! with byte spans ([`syntax`]). The cross-reference sections, revisions, signature fields,
//! coverage and modification analysis are built on it.

pub mod coverage;
pub mod document;
pub mod modification;
pub mod source;
pub mod syntax;
pub mod write;
pub mod xref;

pub use crate::error::PdfError;
pub use coverage::{Anomaly, Coverage};
pub use document::{Document, Location, Resolved, Revision, SignatureField, SignatureValue};
pub use source::Source;
pub use syntax::{Dict, Limits, ObjRef, Object, Parser, PdfString, Spanned};
pub use xref::{Entry, Section, XrefLimits};
