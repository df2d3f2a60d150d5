//! XML parsing and canonicalization must not panic or hang on any input: the parser with
//! the default limits, the ID index, and C14N 1.0, C14N 1.1 and Exclusive C14N 1.0, each
//! with and without comments, over the whole document, the whole document without its
//! second element (as the enveloped-signature transform leaves one out) and the first few
//! element subtrees. Canonical XML is a fixed point: the C14N 1.0 form of the whole
//! document, parsed again, must canonicalize to the same bytes.
#![no_main]

use imza::xml::c14n::{canonicalize, Algorithm, Method};
use imza::xml::{self, Limits, Node};
use libfuzzer_sys::fuzz_target;

/// Element subtrees canonicalized as apexes, in document order (the first is the document
/// element): enough to reach inherited namespaces and `xml:*` attributes, few enough to
/// stay fast.
const SUBTREES: usize = 4;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(doc) = xml::parse(data, &limits) else {
        return;
    };
    let _ = doc.ids();
    let tree = doc.tree();
    let elements: Vec<Node> = tree
        .descendants()
        .filter(Node::is_element)
        .take(SUBTREES)
        .collect();
    let mut subsets = vec![(tree.root(), None), (tree.root(), elements.get(1).copied())];
    subsets.extend(elements.iter().map(|&e| (e, None)));
    for algorithm in [Algorithm::C14n10, Algorithm::C14n11, Algorithm::ExcC14n10] {
        for comments in [false, true] {
            let method = Method::new(algorithm, comments);
            for &(apex, exclude) in &subsets {
                let mut out = Vec::new();
                let _ = canonicalize(apex, exclude, &method, &mut out);
            }
        }
    }
    for comments in [false, true] {
        let method = Method::new(Algorithm::C14n10, comments);
        let mut once = Vec::new();
        if canonicalize(tree.root(), None, &method, &mut once).is_err() {
            continue;
        }
        let Ok(again) = xml::parse(&once, &limits) else {
            continue;
        };
        let mut twice = Vec::new();
        let _ = canonicalize(again.tree().root(), None, &method, &mut twice);
        assert_eq!(
            String::from_utf8_lossy(&once),
            String::from_utf8_lossy(&twice),
            "C14N 1.0 (comments: {comments}) is not a fixed point"
        );
    }
});
