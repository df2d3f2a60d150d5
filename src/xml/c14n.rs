//! Canonical XML: C14N 1.0, C14N 1.1 and Exclusive C14N 1.0, with and without comments.
//!
//! The document subsets are those XMLDSig builds without XPath: a whole document, or an
//! element and its descendants (the apex), each optionally without one element subtree
//! (the enveloped-signature transform). In such a subset every element but the apex has
//! its parent in the subset, which keeps the namespace and `xml:*` rules exact and simple:
//! only the apex inherits from outside.
//!
//! Output goes to a [`Sink`], so a digest can take it without the canonical form being
//! held in memory.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::{attribute_qname, element_prefix, element_qname, Node, XmlError, XML_NAMESPACE};

/// Where canonical bytes go.
pub trait Sink {
    /// Takes the next bytes.
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A canonicalization algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Canonical XML 1.0 (W3C Recommendation, 2001).
    C14n10,
    /// Canonical XML 1.1 (W3C Recommendation, 2008).
    C14n11,
    /// Exclusive XML Canonicalization 1.0 (W3C Recommendation, 2002).
    ExcC14n10,
}

const URIS: &[(&str, Algorithm, bool)] = &[
    (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        Algorithm::C14n10,
        false,
    ),
    (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
        Algorithm::C14n10,
        true,
    ),
    (
        "http://www.w3.org/2006/12/xml-c14n11",
        Algorithm::C14n11,
        false,
    ),
    (
        "http://www.w3.org/2006/12/xml-c14n11#WithComments",
        Algorithm::C14n11,
        true,
    ),
    (
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        Algorithm::ExcC14n10,
        false,
    ),
    (
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
        Algorithm::ExcC14n10,
        true,
    ),
];

/// A canonicalization method as XMLDSig names one: the algorithm, comments or not, and for
/// the exclusive algorithm the InclusiveNamespaces prefix list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Whether comments are kept.
    pub comments: bool,
    /// Exclusive C14N only: prefixes treated as inclusive C14N treats them (`#default` for
    /// the default namespace).
    pub inclusive_prefixes: Vec<String>,
}

impl Method {
    /// A method without an inclusive prefix list.
    pub fn new(algorithm: Algorithm, comments: bool) -> Self {
        Self {
            algorithm,
            comments,
            inclusive_prefixes: Vec::new(),
        }
    }

    /// The method a W3C algorithm URI names, if it is one of the six.
    pub fn from_uri(uri: &str) -> Option<Self> {
        URIS.iter()
            .find(|(u, ..)| *u == uri)
            .map(|&(_, a, c)| Self::new(a, c))
    }

    /// The W3C algorithm URI.
    pub fn uri(&self) -> &'static str {
        URIS.iter()
            .find(|(_, a, c)| *a == self.algorithm && *c == self.comments)
            .map_or("", |(u, ..)| u)
    }

    fn includes(&self, prefix: Option<&str>) -> bool {
        self.inclusive_prefixes
            .iter()
            .any(|p| p == prefix.unwrap_or("#default"))
    }
}

/// Canonicalizes the subset rooted at `apex` (the document's root node for the whole
/// document, or an element), without the subtree at `exclude`, into `out`.
pub fn canonicalize<'a>(
    apex: Node<'a, 'a>,
    exclude: Option<Node<'a, 'a>>,
    method: &Method,
    out: &mut dyn Sink,
) -> Result<(), XmlError> {
    let mut c = Canon {
        method,
        exclude: exclude.map(|n| n.id()),
        out,
        rendered: Vec::new(),
    };
    if apex.is_root() {
        let mut seen_element = false;
        for child in apex.children() {
            if child.is_element() {
                seen_element = true;
                c.subtree(child)?;
            } else if c.wanted(child) && (child.is_comment() || child.is_pi()) {
                // Outside the document element, a line feed separates each node from the
                // element: after those before it, before those after it.
                if seen_element {
                    c.out.write(b"\n");
                }
                c.leaf(child);
                if !seen_element {
                    c.out.write(b"\n");
                }
            }
        }
        Ok(())
    } else if apex.is_element() {
        c.subtree(apex)
    } else {
        Err(XmlError::Unsupported(
            "canonicalizing a subset whose apex is not an element".into(),
        ))
    }
}

/// One namespace binding in the output: prefix (`None` = default) and URI.
type Binding<'i> = (Option<&'i str>, &'i str);

struct Canon<'m, 'o, 'i> {
    method: &'m Method,
    exclude: Option<roxmltree::NodeId>,
    out: &'o mut dyn Sink,
    /// Per open output element: the bindings rendered so far along the output ancestors
    /// (exclusive C14N), nearest last.
    rendered: Vec<Vec<Binding<'i>>>,
}

enum Step<'a, 'i> {
    Open(Node<'a, 'i>),
    Close(Node<'a, 'i>),
}

impl<'i> Canon<'_, '_, 'i> {
    fn wanted(&self, n: Node<'_, '_>) -> bool {
        Some(n.id()) != self.exclude && (!n.is_comment() || self.method.comments)
    }

    /// The element `top` and its descendants, without recursion (depth is bounded by the
    /// parser's limits, but the stack here is not the call stack anyway).
    fn subtree(&mut self, top: Node<'i, 'i>) -> Result<(), XmlError> {
        let mut steps = alloc::vec![Step::Open(top)];
        while let Some(step) = steps.pop() {
            match step {
                Step::Open(n) if !self.wanted(n) => {}
                Step::Open(n) if n.is_element() => {
                    self.start_tag(n, n == top)?;
                    steps.push(Step::Close(n));
                    // Children in document order: pushed in reverse.
                    let children: Vec<_> = n.children().collect();
                    steps.extend(children.into_iter().rev().map(Step::Open));
                }
                Step::Open(n) => self.leaf(n),
                Step::Close(n) => {
                    self.out.write(b"</");
                    self.out.write(element_qname(n).as_bytes());
                    self.out.write(b">");
                    self.rendered.pop();
                }
            }
        }
        Ok(())
    }

    fn leaf(&mut self, n: Node<'_, '_>) {
        if n.is_text() {
            escape(n.text().unwrap_or_default(), false, self.out);
        } else if n.is_comment() {
            self.out.write(b"<!--");
            self.out.write(n.text().unwrap_or_default().as_bytes());
            self.out.write(b"-->");
        } else if let Some(pi) = n.pi() {
            self.out.write(b"<?");
            self.out.write(pi.target.as_bytes());
            if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
                self.out.write(b" ");
                self.out.write(v.as_bytes());
            }
            self.out.write(b"?>");
        }
    }

    fn start_tag(&mut self, n: Node<'i, 'i>, is_apex: bool) -> Result<(), XmlError> {
        let mut bindings = self.namespaces(n, is_apex);
        bindings.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));

        // Attributes sort by namespace URI, then local name; unqualified ones first.
        let mut attributes: Vec<(&str, &str, &str, Cow<'i, str>)> = n
            .attributes()
            .map(|a| {
                (
                    a.namespace().unwrap_or(""),
                    a.name(),
                    attribute_qname(n, &a),
                    Cow::Borrowed(a.value()),
                )
            })
            .collect();
        if is_apex && self.method.algorithm != Algorithm::ExcC14n10 {
            self.inherit_xml_attributes(n, &mut attributes);
        }
        attributes.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

        self.out.write(b"<");
        self.out.write(element_qname(n).as_bytes());
        for (prefix, uri) in &bindings {
            match prefix {
                None => self.out.write(b" xmlns=\""),
                Some(p) => {
                    self.out.write(b" xmlns:");
                    self.out.write(p.as_bytes());
                    self.out.write(b"=\"");
                }
            }
            escape(uri, true, self.out);
            self.out.write(b"\"");
        }
        for (_, _, qname, value) in &attributes {
            self.out.write(b" ");
            self.out.write(qname.as_bytes());
            self.out.write(b"=\"");
            escape(value, true, self.out);
            self.out.write(b"\"");
        }
        self.out.write(b">");

        let mut context = self.rendered.last().cloned().unwrap_or_default();
        for b in bindings {
            context.retain(|c| c.0 != b.0);
            context.push(b);
        }
        self.rendered.push(context);
        Ok(())
    }

    /// The namespace declarations to write on `n`.
    fn namespaces(&self, n: Node<'i, 'i>, is_apex: bool) -> Vec<Binding<'i>> {
        let parent = self.rendered.last();
        let in_output = |b: &Binding<'_>| -> Option<&'i str> {
            parent.and_then(|p| p.iter().rev().find(|c| c.0 == b.0).map(|c| c.1))
        };
        let needed = |b: Binding<'i>| -> bool {
            match (b.0, b.1) {
                // An empty default is written only to undo a non-empty one in the output.
                (None, "") => in_output(&b).is_some_and(|u| !u.is_empty()),
                _ => in_output(&b) != Some(b.1),
            }
        };
        let in_scope = n.namespaces().map(|ns| (ns.name(), ns.uri()));
        let mut out: Vec<Binding<'i>> = Vec::new();
        if self.method.algorithm == Algorithm::ExcC14n10 {
            let mut utilized: Vec<Option<&str>> = alloc::vec![element_prefix(n)];
            for a in n.attributes() {
                if let Some(p) = attribute_qname(n, &a).split_once(':').map(|(p, _)| p) {
                    if p != "xml" {
                        utilized.push(Some(p));
                    }
                }
            }
            let scope: Vec<Binding<'i>> = in_scope.collect();
            let lookup = |p: Option<&str>| -> Binding<'i> {
                scope
                    .iter()
                    .find(|b| b.0 == p)
                    .copied()
                    .unwrap_or((None, ""))
            };
            for p in &utilized {
                let b = lookup(*p);
                if (b.0.is_some() || p.is_none()) && needed(b) && !out.contains(&b) {
                    out.push(b);
                }
            }
            for b in &scope {
                if self.method.includes(b.0) && needed(*b) && !out.contains(b) {
                    out.push(*b);
                }
            }
        } else {
            for b in in_scope {
                if b.0 == Some("xml") {
                    continue;
                }
                if is_apex && b.1.is_empty() {
                    continue;
                }
                if needed(b) {
                    out.push(b);
                }
            }
        }
        out
    }

    /// The `xml:*` attributes the apex inherits from ancestors outside the subset: all of
    /// them in C14N 1.0; in C14N 1.1 `xml:lang` and `xml:space`, and `xml:base` joined
    /// with the apex's own (C14N 1.1 §2.4); `xml:id` is not inherited.
    fn inherit_xml_attributes(
        &self,
        n: Node<'i, 'i>,
        attributes: &mut Vec<(&'i str, &'i str, &'i str, Cow<'i, str>)>,
    ) {
        let c14n11 = self.method.algorithm == Algorithm::C14n11;
        let mut bases: Vec<(&'i str, &'i str)> = Vec::new();
        for ancestor in n.ancestors().skip(1).filter(Node::is_element) {
            for a in ancestor.attributes() {
                if a.namespace() != Some(XML_NAMESPACE) {
                    continue;
                }
                if c14n11 {
                    match a.name() {
                        "lang" | "space" => {}
                        "base" => {
                            bases.push((attribute_qname(ancestor, &a), a.value()));
                            continue;
                        }
                        _ => continue,
                    }
                }
                if !attributes
                    .iter()
                    .any(|x| x.0 == XML_NAMESPACE && x.1 == a.name())
                {
                    attributes.push((
                        XML_NAMESPACE,
                        a.name(),
                        attribute_qname(ancestor, &a),
                        Cow::Borrowed(a.value()),
                    ));
                }
            }
        }
        // Outermost first, then the apex's own value.
        let Some(&(qname, _)) = bases.first() else {
            return;
        };
        let own = attributes
            .iter()
            .position(|x| x.0 == XML_NAMESPACE && x.1 == "base");
        let mut joined: Option<String> = None;
        for (_, value) in bases.iter().rev() {
            joined = Some(match joined {
                None => String::from(*value),
                Some(base) => join_uri(&base, value),
            });
        }
        let mut joined = joined.unwrap_or_default();
        match own {
            Some(i) => {
                if let Some(slot) = attributes.get_mut(i) {
                    joined = join_uri(&joined, &slot.3);
                    slot.3 = Cow::Owned(joined);
                }
            }
            None => attributes.push((XML_NAMESPACE, "base", qname, Cow::Owned(joined))),
        }
    }
}

/// RFC 3986 §5.2 reference resolution as C14N 1.1 §2.4 modifies it: the base may be
/// relative, and leading `..` segments of a relative result are kept.
fn join_uri(base: &str, reference: &str) -> String {
    fn scheme_len(s: &str) -> Option<usize> {
        let colon = s.find(':')?;
        let scheme = s.get(..colon)?;
        let mut chars = scheme.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        ok.then_some(colon + 1)
    }
    // The base without query and fragment, split into scheme+authority and path.
    let base = base.split(['?', '#']).next().unwrap_or_default();
    let after_scheme = scheme_len(base).unwrap_or(0);
    let (prefix, path) = match base.get(after_scheme..) {
        Some(rest) if rest.starts_with("//") => {
            let end = rest
                .get(2..)
                .and_then(|r| r.find('/'))
                .map_or(rest.len(), |i| i + 2);
            (
                base.get(..after_scheme + end).unwrap_or_default(),
                rest.get(end..).unwrap_or_default(),
            )
        }
        _ => (
            base.get(..after_scheme).unwrap_or_default(),
            base.get(after_scheme..).unwrap_or_default(),
        ),
    };
    if reference.is_empty() {
        return String::from(base);
    }
    if scheme_len(reference).is_some() {
        return remove_dot_segments(reference, "");
    }
    if reference.starts_with("//") {
        return alloc::format!(
            "{}{}",
            base.get(..after_scheme).unwrap_or_default(),
            reference
        );
    }
    let (path_ref, tail) = match reference.find(['?', '#']) {
        Some(i) => reference.split_at(i),
        None => (reference, ""),
    };
    let merged = if path_ref.is_empty() {
        String::from(path)
    } else if path_ref.starts_with('/') {
        String::from(path_ref)
    } else if prefix.len() > after_scheme && path.is_empty() {
        alloc::format!("/{path_ref}")
    } else {
        let dir = path
            .rfind('/')
            .map_or("", |i| path.get(..=i).unwrap_or_default());
        alloc::format!("{dir}{path_ref}")
    };
    alloc::format!("{prefix}{}", remove_dot_segments(&merged, tail))
}

/// RFC 3986 §5.2.4, keeping leading `..` of a relative path (C14N 1.1 §2.4).
fn remove_dot_segments(path: &str, tail: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => trailing_slash = i == last,
            ".." => {
                if out.last().is_some_and(|s| *s != "..") {
                    out.pop();
                } else if !absolute {
                    out.push("..");
                }
                trailing_slash = i == last;
            }
            s => {
                out.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut result = String::new();
    if absolute {
        result.push('/');
    }
    result.push_str(&out.join("/"));
    if trailing_slash && !result.is_empty() && !result.ends_with('/') {
        result.push('/');
    }
    result.push_str(tail);
    result
}

/// Escapes text (`&`, `<`, `>`, CR) or an attribute value (`&`, `<`, `"`, TAB, LF, CR).
fn escape(s: &str, attribute: bool, out: &mut dyn Sink) {
    let mut from = 0;
    for (i, c) in s.bytes().enumerate() {
        let rep: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' if !attribute => b"&gt;",
            b'"' if attribute => b"&quot;",
            b'\t' if attribute => b"&#x9;",
            b'\n' if attribute => b"&#xA;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.write(s.as_bytes().get(from..i).unwrap_or_default());
        out.write(rep);
        from = i + 1;
    }
    out.write(s.as_bytes().get(from..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::join_uri;

    #[test]
    fn xml_base_joins_as_c14n11_says() {
        assert_eq!(join_uri("something/else", "bar/"), "something/bar/");
        assert_eq!(join_uri("something/bar/", "foo"), "something/bar/foo");
        assert_eq!(
            join_uri("http://example.org/a/", "b/c"),
            "http://example.org/a/b/c"
        );
        assert_eq!(join_uri("http://example.org", "b"), "http://example.org/b");
        assert_eq!(join_uri("http://e.org/a/b", "../c"), "http://e.org/c");
        assert_eq!(join_uri("a/b", "../../../c"), "../../c");
        assert_eq!(join_uri("http://e.org/a/", "/x"), "http://e.org/x");
        assert_eq!(join_uri("http://e.org/a/", "urn:x:y"), "urn:x:y");
        assert_eq!(join_uri("http://e.org/a/", ""), "http://e.org/a/");
        assert_eq!(join_uri("a/b/", "./"), "a/b/");
    }
}
