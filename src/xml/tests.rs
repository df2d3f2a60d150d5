use alloc::vec::Vec;

use super::c14n::{canonicalize, Algorithm, Method};
use super::*;

fn c14n(text: &str, method: Method) -> String {
    let doc = parse(text.as_bytes(), &Limits::default()).unwrap();
    let mut out = Vec::new();
    canonicalize(doc.tree().root(), None, &method, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

use alloc::string::String;

#[test]
fn whole_document_basics() {
    let got = c14n(
        "<?xml version='1.0'?>\n<!--c--><?pi  x ?><r b='&quot;&#9;' a='1'>t&amp;&lt;&gt;\r\n<e/></r><!--d-->",
        Method::new(Algorithm::C14n10, true),
    );
    assert_eq!(
        got,
        "<!--c-->\n<?pi x ?>\n<r a=\"1\" b=\"&quot;&#x9;\">t&amp;&lt;&gt;\n<e></e></r>\n<!--d-->"
    );
}

#[test]
fn a_doctype_is_refused_before_parsing() {
    let e = parse(
        b"<!DOCTYPE r [<!ENTITY a 'x'>]><r>&a;</r>",
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e, XmlError::Doctype);
}
