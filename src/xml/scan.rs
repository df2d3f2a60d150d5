//! A lexical pre-scan that enforces the structural limits before the tree is built.
//!
//! The tree builder copies a namespace scope for each element that declares one, so a deep
//! nest of declarations costs memory quadratic in its depth before any check on the tree
//! could run. This scan only counts: it never builds anything, and on a well-formed
//! document it can only over-count, so a document it passes is within the limits. What it
//! does not understand is left for the parser to refuse.

use super::{Limits, XmlError};

/// Refuses a DOCTYPE, an encoding other than UTF-8, and documents beyond `limits`.
pub(super) fn check(text: &str, limits: &Limits) -> Result<(), XmlError> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut declarations = 0usize;
    while let Some(off) = tail(b, i).iter().position(|&c| c == b'<') {
        i += off;
        let rest = tail(b, i);
        if rest.starts_with(b"<!--") {
            i = skip_past(b, i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_past(b, i + 9, b"]]>");
        } else if rest.starts_with(b"<!") {
            if rest
                .get(2..9)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"DOCTYPE"))
            {
                return Err(XmlError::Doctype);
            }
            return Err(XmlError::Malformed(alloc::format!(
                "unexpected markup declaration at byte {i}"
            )));
        } else if rest.starts_with(b"<?") {
            let end = skip_past(b, i + 2, b"?>");
            if i == 0 && rest.starts_with(b"<?xml") {
                check_declaration(b.get(..end).unwrap_or_default(), b.is_ascii())?;
            }
            i = end;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = skip_past(b, i + 2, b">");
        } else {
            let tag = start_tag(b, i + 1);
            elements += 1;
            declarations += tag.declarations;
            if tag.attributes > limits.max_attributes {
                return Err(limit("attributes on one element", limits.max_attributes));
            }
            if declarations > limits.max_namespace_declarations {
                return Err(limit(
                    "namespace declarations",
                    limits.max_namespace_declarations,
                ));
            }
            if elements > limits.max_elements {
                return Err(limit("elements", limits.max_elements));
            }
            if !tag.empty {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(limit("element nesting depth", limits.max_depth));
                }
            }
            i = tag.end;
        }
    }
    Ok(())
}

fn limit(what: &'static str, limit: usize) -> XmlError {
    XmlError::Limit { what, limit }
}

fn tail(b: &[u8], from: usize) -> &[u8] {
    b.get(from..).unwrap_or_default()
}

/// The index just past the first `end` at or after `from`, or the end of the input.
fn skip_past(b: &[u8], from: usize, end: &[u8]) -> usize {
    tail(b, from)
        .windows(end.len())
        .position(|w| w == end)
        .map_or(b.len(), |p| from + p + end.len())
}

/// What the scan saw of one start tag.
struct StartTag {
    /// The index past its `>`.
    end: usize,
    attributes: usize,
    declarations: usize,
    /// An empty-element tag (`<a/>`) opens nothing.
    empty: bool,
}

/// Scans a start tag from just after its `<`.
fn start_tag(b: &[u8], from: usize) -> StartTag {
    let mut tag = StartTag {
        end: b.len(),
        attributes: 0,
        declarations: 0,
        empty: false,
    };
    let mut quote = None;
    let mut name_start = from;
    let mut previous = 0u8;
    for (j, &c) in b.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => {
                quote = None;
                name_start = j + 1;
            }
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'>' => {
                    tag.end = j + 1;
                    tag.empty = previous == b'/';
                    return tag;
                }
                b'=' => {
                    tag.attributes += 1;
                    let name = b.get(name_start..j).unwrap_or_default().trim_ascii();
                    if name == b"xmlns" || name.starts_with(b"xmlns:") {
                        tag.declarations += 1;
                    }
                }
                c if c.is_ascii_whitespace() => {
                    // A name ends here unless only spaces and `=` follow.
                    let next = tail(b, j).iter().find(|c| !c.is_ascii_whitespace());
                    if next.is_some_and(|&n| n != b'=') {
                        name_start = j + 1;
                    }
                }
                _ => {}
            },
        }
        previous = c;
    }
    tag
}

/// Only UTF-8 (and its subset US-ASCII) is read: a document declaring another encoding
/// would be read wrongly, so it is refused, unless it is ISO-8859-1 and every byte is
/// ASCII, where the two encodings agree (the W3C C14N example 3.6).
fn check_declaration(decl: &[u8], ascii: bool) -> Result<(), XmlError> {
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else {
        return Ok(());
    };
    let rest = tail(decl, at + 8);
    let Some(q) = rest.iter().position(|&c| c == b'"' || c == b'\'') else {
        return Ok(());
    };
    let value = tail(rest, q + 1);
    let quote = rest.get(q).copied().unwrap_or(b'"');
    let value = value.split(|&c| c == quote).next().unwrap_or_default();
    if value.eq_ignore_ascii_case(b"UTF-8")
        || value.eq_ignore_ascii_case(b"UTF8")
        || value.eq_ignore_ascii_case(b"US-ASCII")
        || (ascii
            && (value.eq_ignore_ascii_case(b"ISO-8859-1") || value.eq_ignore_ascii_case(b"latin1")))
    {
        Ok(())
    } else {
        Err(XmlError::Unsupported(alloc::format!(
            "the encoding {:?}",
            alloc::string::String::from_utf8_lossy(value)
        )))
    }
}
