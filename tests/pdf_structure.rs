//! The DSS PDFs in `../shared/test-vectors/docsig/` (pades and attacks/pdf): the revision
//! structure and what each signature's /ByteRange covers, against the outcomes their
//! PROVENANCE records. Coverage alone catches the ByteRange attacks (a moved or widened hole,
//! ranges past the end, a signature dictionary replaced later); the files whose signatures
//! cover their revision soundly but were changed afterwards (an added page, an annotation,
//! the shadow attacks) are for the modification analysis.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use imza::pdf::xref::XrefLimits;
use imza::pdf::Document;

/// Per signed field: `Ok(revision)` when it covers that revision soundly, else `Err(the
/// first anomaly's text)`.
/// A field's name and its coverage outcome.
type Outcome = (String, Result<usize, String>);

fn coverage(bytes: &[u8]) -> Result<Vec<Outcome>, String> {
    let mut d = Document::open(bytes, XrefLimits::default()).map_err(|e| e.to_string())?;
    let last = d.revisions().len() - 1;
    let fields = d.signature_fields(last).map_err(|e| e.to_string())?;
    Ok(fields
        .into_iter()
        .filter_map(|f| {
            let v = f.value?;
            let c = imza::pdf::coverage::check(&v, d.revisions(), bytes.len() as u64);
            let r = if c.is_sound() {
                Ok(c.revision.unwrap())
            } else {
                Err(c.anomalies[0].to_string())
            };
            Some((f.name, r))
        })
        .collect())
}

#[test]
fn dss_pdfs_coverage_matches_their_provenance() {
    let Some(shared) = imza_test_support::shared("docsig") else {
        return;
    };
    // (file, revisions, [(field, Ok(revision) | Err(part of the anomaly))]) or Err(refusal).
    type Want = Result<(usize, Vec<(&'static str, Result<usize, &'static str>)>), &'static str>;
    let cases: Vec<(&str, Want)> = vec![
        (
            "pades/dss-pades-bes.pdf",
            Ok((2, vec![("Signature1", Ok(1))])),
        ),
        (
            "pades/dss-pdf-signed-original.pdf",
            Ok((2, vec![("Signature1", Ok(1))])),
        ),
        // Sound coverage, then a page added in revision 2: the modification analysis.
        (
            "pades/dss-pdf-signed-added-page.pdf",
            Ok((3, vec![("Signature1", Ok(1))])),
        ),
        (
            "pades/dss-pades-signed-annot-added.pdf",
            Ok((3, vec![("Signature2", Ok(1))])),
        ),
        (
            "pades/dss-pdf-eof.pdf",
            Ok((2, vec![("Signature1", Err("past the end of the file"))])),
        ),
        (
            "pades/dss-pdf-signed-out-of-byteRange.pdf",
            Ok((2, vec![("Signature1", Err("past the end of the file"))])),
        ),
        (
            "pades/dss-hello_signed_INCSAVE_signed_EDITED.pdf",
            Ok((
                4,
                vec![
                    ("Signature1", Ok(1)),
                    ("Signature2", Err("but /Contents is at")),
                ],
            )),
        ),
        (
            "pades/dss-pdf-signed-corrupted.pdf",
            Err("expected \"obj\""),
        ),
        (
            "attacks/pdf/dss-pades-spoofing-replaced-reason.pdf",
            Ok((3, vec![("Signature1", Err("but /Contents is at"))])),
        ),
        (
            "attacks/pdf/dss-pdf-byterange-overlap.pdf",
            Ok((
                3,
                vec![
                    ("Signature1", Ok(1)),
                    ("Signature2", Err("but /Contents is at")),
                ],
            )),
        ),
        (
            "attacks/pdf/dss-pdf-spoofing-attack.pdf",
            Ok((3, vec![("Sig2", Err("but /Contents is at"))])),
        ),
        (
            "attacks/pdf/dss-siwa.pdf",
            Ok((2, vec![("Signature1", Err("but /Contents is at"))])),
        ),
        (
            "attacks/pdf/dss2236-shadow-hide.pdf",
            Ok((3, vec![("Signature1", Ok(1))])),
        ),
        (
            "attacks/pdf/dss2236-shadow-replace.pdf",
            Ok((2, vec![("Signature2", Ok(0))])),
        ),
    ];
    for (file, want) in cases {
        let bytes = std::fs::read(shared.join(file)).unwrap();
        let revisions =
            Document::open(&bytes[..], XrefLimits::default()).map(|d| d.revisions().len());
        match (coverage(&bytes), want) {
            (Err(e), Err(w)) => assert!(e.contains(w), "{file}: {e}"),
            (Ok(got), Ok((n, fields))) => {
                assert_eq!(revisions.unwrap(), n, "{file}: revisions");
                assert_eq!(got.len(), fields.len(), "{file}: {got:?}");
                for ((name, r), (wname, wr)) in got.iter().zip(&fields) {
                    assert_eq!(name, wname, "{file}");
                    match (r, wr) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{file} {name}"),
                        (Err(a), Err(b)) => assert!(a.contains(b), "{file} {name}: {a}"),
                        _ => panic!("{file} {name}: got {r:?}, want {wr:?}"),
                    }
                }
            }
            (got, w) => panic!("{file}: got {got:?}, want {w:?}"),
        }
    }
}

#[test]
fn dss_pdfs_changes_after_signing() {
    use imza::pdf::modification::Level;
    let Some(shared) = imza_test_support::shared("docsig") else {
        return;
    };
    // The signature whose coverage is sound, and the level of what changed after it.
    for (file, field, want) in [
        ("pades/dss-pades-bes.pdf", "Signature1", Level::None),
        (
            "pades/dss-pdf-signed-original.pdf",
            "Signature1",
            Level::None,
        ),
        // A page added: the page tree changed.
        (
            "pades/dss-pdf-signed-added-page.pdf",
            "Signature1",
            Level::Other,
        ),
        // Annotations (and named appearances, metadata): "no undefined changes" for DSS.
        (
            "pades/dss-pades-signed-annot-added.pdf",
            "Signature2",
            Level::Annotations,
        ),
        // A second signature added in a later revision.
        (
            "pades/dss-hello_signed_INCSAVE_signed_EDITED.pdf",
            "Signature1",
            Level::FormFilling,
        ),
        (
            "attacks/pdf/dss-pdf-byterange-overlap.pdf",
            "Signature1",
            Level::FormFilling,
        ),
        // The shadow attacks: an image swapped in under an xref that lies; an overlay's
        // appearance replaced without a value change.
        (
            "attacks/pdf/dss2236-shadow-hide.pdf",
            "Signature1",
            Level::Other,
        ),
        (
            "attacks/pdf/dss2236-shadow-replace.pdf",
            "Signature2",
            Level::Other,
        ),
    ] {
        let bytes = std::fs::read(shared.join(file)).unwrap();
        let mut d = Document::open(&bytes[..], XrefLimits::default()).unwrap();
        let last = d.revisions().len() - 1;
        let f = d
            .signature_fields(last)
            .unwrap()
            .into_iter()
            .find(|f| f.name == field && f.value.is_some())
            .unwrap_or_else(|| panic!("{file}: no signed {field}"));
        let c = imza::pdf::coverage::check(&f.value.unwrap(), d.revisions(), bytes.len() as u64);
        assert!(c.is_sound(), "{file}: {:?}", c.anomalies);
        let m = imza::pdf::modification::analyse(&mut d, c.revision.unwrap()).unwrap();
        assert_eq!(m.level, want, "{file}: {:#?}", m.changes);
    }
}

/// A PDF of `body` (objects after the header, at offset 9) and a cross-reference stream,
/// object 4, whose entries for objects 1-3 are `entries` (type, field 2, field 3; /W [1 2 1])
/// and whose own entry is added; object 1 is the catalog.
fn with_xref_stream(body: &[u8], entries: &[(u8, u16, u8)]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(body);
    let xref_at = pdf.len();
    let mut rows = vec![0u8, 0, 0, 0];
    for (t, a, b) in entries
        .iter()
        .copied()
        .chain([(1, u16::try_from(xref_at).unwrap(), 0)])
    {
        rows.push(t);
        rows.extend_from_slice(&a.to_be_bytes());
        rows.push(b);
    }
    pdf.extend_from_slice(
        format!(
            "4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 1 0 R /Length {} >>\nstream\n",
            rows.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&rows);
    pdf.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    pdf
}

/// Objects in object streams that point back at each other (an object stream listed as being
/// inside itself, or inside another that is inside it) are refused with a typed error, not
/// followed until the stack overflows (found by the `pdf_update` fuzz target).
#[test]
fn object_stream_cycles_are_refused() {
    use imza::pdf::xref::XrefLimits;
    use imza::pdf::{Document, ObjRef};
    // Object 1 (the catalog) in object stream 2, which the xref says is itself in object
    // stream 3, which is in object stream 2.
    let pdf = with_xref_stream(b"", &[(2, 2, 0), (2, 3, 0), (2, 2, 0)]);
    let mut doc = Document::open(&pdf[..], XrefLimits::default()).unwrap();
    let e = doc.resolve(ObjRef { num: 1, gen: 0 }, 0).unwrap_err();
    assert!(
        (1400..1450).contains(&imza::Error::from(e.clone()).code()),
        "{e}"
    );
    // The front door says the same.
    let trust = imza::TrustStore::new();
    let opts = imza::VerifyOptions::new(&trust, imza::UnixTime::from_secs(1_800_000_000));
    assert!(imza::verify(&pdf, imza::Content::Attached, &opts).is_err());
}

/// An object stream whose `/Length` is an object inside that same stream: each lookup needs
/// the other; the nesting limit stops it.
#[test]
fn an_object_stream_length_inside_itself_is_refused() {
    use imza::pdf::xref::XrefLimits;
    use imza::pdf::{Document, ObjRef};
    // Object 2 (at offset 9, right after the header) is the object stream.
    let pdf = with_xref_stream(
        b"2 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Length 3 0 R >>\nstream\n1 0 3 4 <<>> 9\nendstream\nendobj\n",
        &[(2, 2, 0), (1, 9, 0), (2, 2, 1)],
    );
    let mut doc = Document::open(&pdf[..], XrefLimits::default()).unwrap();
    let e = doc.resolve(ObjRef { num: 1, gen: 0 }, 0).unwrap_err();
    assert!(e.to_string().contains("nested object lookups"), "{e}");
}
