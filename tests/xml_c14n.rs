//! Canonical XML against the W3C examples and cases checked with xmllint and lxml
//! (`test-vectors/xml/c14n/manifest.json`, provenance in `test-vectors/xml/PROVENANCE.md`),
//! and the XML attack corpus (`test-vectors/xml/attacks/attacks.json`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use imza::xml::c14n::{canonicalize, Algorithm, Method};
use imza::xml::{self, Limits, Node, XmlError};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    imza_test_support::workspace_root().join("test-vectors/xml")
}

fn manifest(rel: &str) -> Vec<Value> {
    let path = dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .expect("a manifest is an array")
        .clone()
}

/// `doc/e1/e2`: the root element named `doc`, its first child element `e1`, ...
fn find<'a>(doc: &'a xml::Document<'a>, path: &str) -> Node<'a, 'a> {
    let mut steps = path.split('/');
    let root = doc.tree().root_element();
    let first = steps.next().unwrap();
    assert_eq!(qname(root, doc), first, "the root of {path}");
    steps.fold(root, |node, step| {
        node.children()
            .find(|c| c.is_element() && qname(*c, doc) == step)
            .unwrap_or_else(|| panic!("no {step} in {path}"))
    })
}

fn qname<'a>(n: Node<'a, 'a>, doc: &'a xml::Document<'a>) -> &'a str {
    let text = doc.tree().input_text();
    let rest = &text[n.range().start + 1..];
    &rest[..rest
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap()]
}

fn method(case: &Value) -> Method {
    let algorithm = match case["method"].as_str().unwrap() {
        "c14n10" => Algorithm::C14n10,
        "c14n11" => Algorithm::C14n11,
        "exc-c14n10" => Algorithm::ExcC14n10,
        m => panic!("unknown method {m}"),
    };
    let mut m = Method::new(algorithm, case["comments"].as_bool().unwrap_or(false));
    if let Some(list) = case["inclusive_prefixes"].as_array() {
        m.inclusive_prefixes = list
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
    }
    m
}

fn run(base: &Path, case: &Value) -> Result<Vec<u8>, XmlError> {
    let input = std::fs::read(base.join(case["input"].as_str().unwrap())).unwrap();
    let doc = xml::parse(&input, &Limits::default())?;
    let apex = match case["apex"].as_str() {
        Some(p) => find(&doc, p),
        None => doc.tree().root(),
    };
    let exclude = case["exclude"].as_str().map(|p| find(&doc, p));
    let mut out = Vec::new();
    canonicalize(apex, exclude, &method(case), &mut out)?;
    Ok(out)
}

#[test]
fn c14n_gives_the_expected_bytes() {
    let base = dir().join("c14n");
    let cases = manifest("c14n/manifest.json");
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let (mut passed, mut refused) = (0, 0);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let got = run(&base, case);
        if case["refused"].as_bool().unwrap_or(false) {
            match got {
                Err(_) => refused += 1,
                Ok(out) => failures.push(format!(
                    "{name}: accepted, expected refusal: {}",
                    String::from_utf8_lossy(&out)
                )),
            }
            continue;
        }
        let expected = std::fs::read(base.join(case["expected"].as_str().unwrap())).unwrap();
        match got {
            Ok(out) if out == expected => passed += 1,
            Ok(out) => failures.push(format!(
                "{name}:\n  got      {:?}\n  expected {:?}",
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&expected)
            )),
            Err(e) => failures.push(format!("{name}: refused: {e}")),
        }
    }
    eprintln!(
        "c14n: {passed} matched, {refused} refused as expected, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn attacks_get_typed_errors() {
    let base = dir().join("attacks");
    let mut seen = 0;
    for case in manifest("attacks/attacks.json") {
        let file = case["file"].as_str().unwrap();
        let input = std::fs::read(base.join(file)).unwrap();
        let result = xml::parse(&input, &Limits::default()).and_then(|d| d.ids().map(|_| ()));
        let err = result.expect_err(file);
        let code = imza::Error::from(err.clone()).code();
        assert!((1300..1350).contains(&code), "{file}: {err}");
        eprintln!("{file}: {code} {err}");
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} attack files");
}
