//! Attacks on a signed PDF, crafted here from the intact DSS file
//! `pades/dss-pdf-signed-original.pdf` (read at run time from the shared vectors): each one
//! appends an incremental update or edits bytes, and goes through the front door
//! (`imza::verify`) with its verdict and PDF facts asserted.
//!
//! The base file has one approval signature (`Signature1`, object 62, its field 61 also the
//! widget on page 6) over revision 1 of 2, and no trust anchor here: its own verdict is
//! INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND with revocation skipped (see pades_dss.rs).
//! An attack that is let through shows that baseline with modification "none".
//!
//! Every crafted update is a well-formed incremental save (new objects, a classic `xref`
//! table with 20-byte entries, a trailer with `/Size`, `/Root`, `/Info` and `/Prev`, then
//! `startxref` and `%%EOF`); the helper reopens it and checks that the reader sees one more
//! revision and each object the update defines, so a rejection is for the attack and not
//! for broken syntax.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use imza::pdf::xref::XrefLimits;
use imza::pdf::{Document, Entry, ObjRef, Object};
use imza::report::{Indication, SubIndication};
use imza::{
    verify, Content, RevocationPolicy, SignatureReport, TrustStore, UnixTime, VerifyOptions,
};

const BASE: &str = "pades/dss-pdf-signed-original.pdf";

/// The signature dictionary, its field (also the widget), the page, its content stream, the
/// page's graphics state and the page tree of the base file.
const SIG: u32 = 62;
const FIELD: u32 = 61;
const PAGE: u32 = 6;
const CONTENT: u32 = 7;
const GSTATE: u32 = 9;
const PAGES: u32 = 3;
/// The first free object number of the base file (its `/Size`).
const NEXT: u32 = 71;

fn base() -> Option<Vec<u8>> {
    let shared = imza_test_support::shared("docsig")?;
    Some(std::fs::read(shared.join(BASE)).unwrap())
}

fn open(pdf: &[u8]) -> Document<&[u8]> {
    Document::open(pdf, XrefLimits::default()).unwrap()
}

/// How an update's xref table lists an object without writing it.
#[derive(Clone, Copy)]
enum Pointer {
    /// `n`: at this offset (bytes already in the file).
    At(u64),
    /// `f`: deleted.
    Free,
}

/// `prev` with an incremental update: `objects` (number, bytes between `n 0 obj` and
/// `endobj`) appended, plus xref entries that point at bytes already there (or free
/// objects). Checks that the result is well-formed: one more revision, ending at the end of
/// the file, whose view has every object the update defines.
fn update(prev: &[u8], objects: &[(u32, Vec<u8>)], pointers: &[(u32, Pointer)]) -> Vec<u8> {
    let (size, root, info, prev_xref, revisions) = {
        let d = open(prev);
        let last = d.revisions().len() - 1;
        let t = d.trailer(last).unwrap();
        let r = |key: &[u8]| match t.get(key).map(|s| &s.object) {
            Some(Object::Ref(r)) => Some(format!("{} {} R", r.num, r.gen)),
            _ => None,
        };
        let mut from: &[u8] = prev;
        (
            u32::try_from(t.integer(b"Size").unwrap()).unwrap(),
            r(b"Root").unwrap(),
            r(b"Info"),
            imza::pdf::xref::startxref(&mut from).unwrap(),
            d.revisions().len(),
        )
    };
    let mut out = prev.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let entry = |offset: u64, gen: u16, kind: char| {
        let e = format!("{offset:010} {gen:05} {kind}\r\n");
        assert_eq!(e.len(), 20);
        e
    };
    let mut entries: BTreeMap<u32, String> = BTreeMap::new();
    for (num, body) in objects {
        entries.insert(*num, entry(out.len() as u64, 0, 'n'));
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let mut freed = Vec::new();
    for (num, p) in pointers {
        let e = match p {
            Pointer::At(offset) => entry(*offset, 0, 'n'),
            Pointer::Free => {
                freed.push(*num);
                // The next generation, and (below) the free list through object 0.
                entry(0, 1, 'f')
            }
        };
        assert!(entries.insert(*num, e).is_none(), "object {num} twice");
    }
    if let Some(first) = freed.first() {
        entries.insert(0, entry(u64::from(*first), 65535, 'f'));
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    // Subsections of consecutive numbers.
    let nums: Vec<u32> = entries.keys().copied().collect();
    let mut i = 0;
    while i < nums.len() {
        let mut j = i + 1;
        while j < nums.len() && nums[j] == nums[j - 1] + 1 {
            j += 1;
        }
        out.extend_from_slice(format!("{} {}\n", nums[i], j - i).as_bytes());
        for n in &nums[i..j] {
            out.extend_from_slice(entries[n].as_bytes());
        }
        i = j;
    }
    let size = size.max(nums.last().map_or(0, |n| n + 1));
    let info = info.map(|i| format!(" /Info {i}")).unwrap_or_default();
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root}{info} /Prev {prev_xref} >>\n\
             startxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    // Well-formed: the reader sees the new revision, ending at the end of the file, and
    // each object as the update defines it.
    let mut d = open(&out);
    assert_eq!(
        d.revisions().len(),
        revisions + 1,
        "the update is a revision"
    );
    let last = d.revisions().len() - 1;
    assert_eq!(d.revisions()[last].end, out.len() as u64);
    for (num, _) in objects {
        let r = d.resolve(ObjRef { num: *num, gen: 0 }, last).unwrap();
        assert!(r.is_some(), "object {num} of the update is readable");
    }
    for (num, p) in pointers {
        let r = d.resolve(ObjRef { num: *num, gen: 0 }, last).unwrap();
        assert_eq!(r.is_some(), matches!(p, Pointer::At(_)), "object {num}");
    }
    out
}

/// The dictionary of object `num` as the last revision of `pdf` sees it, as written.
fn dict_text(pdf: &[u8], num: u32) -> String {
    let mut d = open(pdf);
    let last = d.revisions().len() - 1;
    let r = d.resolve(ObjRef { num, gen: 0 }, last).unwrap().unwrap();
    String::from_utf8(pdf[r.value.span].to_vec()).unwrap()
}

/// The whole object `num` (dictionary and stream data) as the last revision sees it, as
/// written between `n 0 obj` and `endobj`.
fn object_bytes(pdf: &[u8], num: u32) -> Vec<u8> {
    let mut d = open(pdf);
    let last = d.revisions().len() - 1;
    let r = d.resolve(ObjRef { num, gen: 0 }, last).unwrap().unwrap();
    let mut out = pdf[r.value.span.clone()].to_vec();
    if let Some(s) = r.stream {
        let (from, to) = (at(s.offset), at(s.offset + s.len));
        out.extend_from_slice(b"\nstream\n");
        out.extend_from_slice(&pdf[from..to]);
        out.extend_from_slice(b"\nendstream");
    }
    out
}

/// A file offset as an index.
fn at(offset: u64) -> usize {
    usize::try_from(offset).unwrap()
}

/// Where the last revision of `pdf` has object `num`.
fn offset_of(pdf: &[u8], num: u32) -> u64 {
    let d = open(pdf);
    match d.entry(num, d.revisions().len() - 1) {
        Some(Entry::InFile { offset, .. }) => offset,
        e => panic!("object {num}: {e:?}"),
    }
}

/// `text` with its one occurrence of `from` replaced.
fn edit(text: &str, from: &str, to: &str) -> Vec<u8> {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {text}");
    text.replacen(from, to, 1).into_bytes()
}

fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {}{extra} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

/// Rewrites the one `/ByteRange [...]` at or after `from` with `br`, padded with spaces to
/// the length it had (the array and the spaces after it), so no offset moves.
fn set_byte_range(pdf: &mut [u8], from: usize, br: [u64; 4]) {
    let at = from
        + pdf[from..]
            .windows(11)
            .position(|w| w == b"/ByteRange ")
            .unwrap()
        + 11;
    let close = at + pdf[at..].iter().position(|b| *b == b']').unwrap() + 1;
    let end = close + pdf[close..].iter().take_while(|b| **b == b' ').count();
    let text = format!("[{} {} {} {}]", br[0], br[1], br[2], br[3]);
    assert!(text.len() <= end - at, "{text} fits");
    let padded = format!("{text:<width$}", width = end - at);
    pdf[at..end].copy_from_slice(padded.as_bytes());
}

/// What the one signature of a crafted file must show.
struct Want {
    intact: bool,
    indication: Indication,
    sub: Option<SubIndication>,
    /// `PdfFacts::coverage`.
    coverage: &'static str,
    /// `PdfFacts::revision`.
    revision: Option<usize>,
    /// `PdfFacts::modification`.
    modification: Option<&'static str>,
    /// Each a part of one of `PdfFacts::changes` (in any order), as many as there are
    /// changes.
    changes: &'static [&'static str],
    /// A part of one error (`None`: no errors beyond the missing chain).
    error: Option<&'static str>,
    /// A part of one warning.
    warning: Option<&'static str>,
}

/// The baseline: intact, no anchor, nothing changed.
const BASELINE: Want = Want {
    intact: true,
    indication: Indication::INDETERMINATE,
    sub: Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
    coverage: "entire revision",
    revision: Some(1),
    modification: Some("none"),
    changes: &[],
    error: None,
    warning: None,
};

fn verified(pdf: &[u8]) -> Result<SignatureReport, imza::Error> {
    let trust = TrustStore::new();
    let mut opts = VerifyOptions::new(
        &trust,
        UnixTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
    );
    opts.revocation = RevocationPolicy::Skip;
    let r = verify(pdf, Content::Attached, &opts)?;
    assert_eq!(r.signatures.len(), 1, "one signature");
    Ok(r.signatures.into_iter().next().unwrap())
}

fn check(case: &str, pdf: &[u8], want: &Want) -> SignatureReport {
    let s = verified(pdf).unwrap_or_else(|e| panic!("{case}: {e}"));
    eprintln!(
        "{case}: {:?} {:?} intact={} {:?}\n  errors {:?}\n  warnings {:?}",
        s.indication, s.sub_indication, s.intact, s.pdf, s.errors, s.warnings
    );
    let p = s.pdf.clone().unwrap();
    assert_eq!(p.field, "Signature1", "{case}");
    assert_eq!(
        (s.intact, s.indication, s.sub_indication),
        (want.intact, want.indication, want.sub),
        "{case}: {:?} {:?}",
        s.errors,
        p
    );
    assert_eq!(p.coverage, want.coverage, "{case}");
    assert_eq!(p.revision, want.revision, "{case}");
    assert_eq!(p.modification.as_deref(), want.modification, "{case}");
    assert_eq!(
        p.changes.len(),
        want.changes.len(),
        "{case}: {:?}",
        p.changes
    );
    for part in want.changes {
        assert!(
            p.changes.iter().any(|c| c.contains(part)),
            "{case}: no change with {part:?}: {:?}",
            p.changes
        );
    }
    match want.error {
        Some(part) => assert!(
            s.errors.iter().any(|e| e.contains(part)),
            "{case}: no error with {part:?}: {:?}",
            s.errors
        ),
        None => assert!(
            s.errors
                .iter()
                .all(|e| !e.contains("modified after signing")),
            "{case}: {:?}",
            s.errors
        ),
    }
    if let Some(part) = want.warning {
        assert!(
            s.warnings.iter().any(|w| w.contains(part)),
            "{case}: no warning with {part:?}: {:?}",
            s.warnings
        );
    }
    // Whatever the attack, it never passes.
    assert_ne!(s.indication, Indication::TOTAL_PASSED, "{case}");
    s
}

/// Changes beyond an approval signature's permissions: TOTAL_FAILED / FORMAT_FAILURE, the
/// signature itself intact, and the report says the document was modified after signing.
fn other(changes: &'static [&'static str]) -> Want {
    Want {
        intact: true,
        indication: Indication::TOTAL_FAILED,
        sub: Some(SubIndication::FORMAT_FAILURE),
        modification: Some("other"),
        changes,
        error: Some("the document was modified after signing"),
        ..BASELINE
    }
}

/// A ByteRange that does not cover the revision exactly: refused before the CMS.
fn unclear(error: &'static str) -> Want {
    Want {
        intact: false,
        indication: Indication::TOTAL_FAILED,
        sub: Some(SubIndication::FORMAT_FAILURE),
        coverage: "unclear",
        modification: None,
        error: Some(error),
        ..BASELINE
    }
}

#[test]
fn the_base_file_is_intact() {
    let Some(pdf) = base() else { return };
    // The layout the attacks below rely on.
    let d = open(&pdf);
    assert_eq!(d.revisions().len(), 2);
    assert_eq!(
        d.trailer(1).unwrap().integer(b"Size"),
        Some(i64::from(NEXT))
    );
    assert!(dict_text(&pdf, PAGE).contains(&format!("/Contents {CONTENT} 0 R")));
    assert!(dict_text(&pdf, PAGE).contains(&format!("/Annots [{FIELD} 0 R]")));
    assert!(dict_text(&pdf, FIELD).contains(&format!("/V {SIG} 0 R")));
    assert!(dict_text(&pdf, PAGES).contains(&format!("{PAGE} 0 R")));
    check(
        "baseline",
        &pdf,
        &Want {
            coverage: "entire file",
            ..BASELINE
        },
    );
    // An empty update (a save with nothing changed) is still the baseline.
    check("empty update", &update(&pdf, &[], &[]), &BASELINE);
}

/// Case 1: The page's content replaced: its stream redefined, or the page pointed at a new
/// one.
#[test]
fn replaced_page_content_is_other() {
    let Some(pdf) = base() else { return };
    let forged = stream("", b"BT /R16 24 Tf 72 700 Td (PAY 1,000,000 EUR) Tj ET");
    let redefined = update(&pdf, &[(CONTENT, forged.clone())], &[]);
    check(
        "content stream redefined",
        &redefined,
        &other(&["revision 2: an object used by the content changed"]),
    );

    let page = edit(
        &dict_text(&pdf, PAGE),
        &format!("/Contents {CONTENT} 0 R"),
        &format!("/Contents {NEXT} 0 R"),
    );
    let repointed = update(&pdf, &[(NEXT, forged), (PAGE, page)], &[]);
    check(
        "page pointed at a new content stream",
        &repointed,
        &other(&["revision 2: a page changed: /Contents"]),
    );
}

/// Case 2: An annotation added to the page: allowed after an approval signature, so the
/// verdict is the baseline's, with the change reported.
#[test]
fn added_annotation_is_reported_and_permitted() {
    let Some(pdf) = base() else { return };
    let annotated = |subtype: &str| {
        let annot = format!(
            "<< /Type /Annot /Subtype /{subtype} /Rect [100 600 300 650] /P {PAGE} 0 R \
             /Contents (approved) /F 4 >>"
        );
        let page = edit(
            &dict_text(&pdf, PAGE),
            &format!("/Annots [{FIELD} 0 R]"),
            &format!("/Annots [{FIELD} 0 R {NEXT} 0 R]"),
        );
        update(&pdf, &[(NEXT, annot.into_bytes()), (PAGE, page)], &[])
    };
    let want = Want {
        modification: Some("annotations"),
        changes: &["revision 2: a page: annotations added (annotations)"],
        warning: Some("later revisions changed the document (annotations)"),
        ..BASELINE
    };
    check("text annotation added", &annotated("Text"), &want);
    check("square annotation added", &annotated("Square"), &want);
}

/// Case 3: A ByteRange edited (same length, padded with spaces) so that bytes are signed
/// nowhere: a hole wider than /Contents, a gap at the start, an uncovered tail, ranges past
/// the end. The edit is inside the signed bytes, so the digest would not match either, but
/// coverage is checked first: TOTAL_FAILED / FORMAT_FAILURE, not intact, nothing analysed.
#[test]
fn byte_range_gaps_are_coverage_anomalies() {
    let Some(pdf) = base() else { return };
    let sig = at(offset_of(&pdf, SIG));
    // The signed ranges: [0 a b c], /Contents at a..b, the revision ending at b + c.
    let (a, b, end) = (18801u64, 37747u64, pdf.len() as u64);
    let mut same = pdf.clone();
    set_byte_range(&mut same, sig, [0, a, b, end - b]);
    assert_eq!(same, pdf, "the ByteRange as written");

    let mut wide = pdf.clone();
    set_byte_range(&mut wide, sig, [0, a - 100, b, end - b]);
    check(
        "hole wider than /Contents",
        &wide,
        &unclear("/ByteRange leaves out bytes 18701..37747, but /Contents is at 18801..37747"),
    );

    let mut late = pdf.clone();
    set_byte_range(&mut late, sig, [64, a - 64, b, end - b]);
    check(
        "first bytes unsigned",
        &late,
        &unclear("/ByteRange does not start at the first byte"),
    );

    let mut short = pdf.clone();
    set_byte_range(&mut short, sig, [0, a, b, end - b - 100]);
    check(
        "tail of the revision unsigned",
        &short,
        &Want {
            revision: None,
            ..unclear("which is not the end of a revision")
        },
    );

    let mut past = pdf.clone();
    set_byte_range(&mut past, sig, [0, a, b, end - b + 100]);
    check(
        "ranges past the end of the file",
        &past,
        &Want {
            revision: None,
            ..unclear("past the end of the file")
        },
    );
}

/// Case 4: A later xref that shadows a signed object: pointed at a new definition, back at
/// an older definition still in the signed bytes, or deleted; and the same object rewritten
/// with the same bytes (no change).
#[test]
fn shadowed_objects() {
    let Some(pdf) = base() else { return };
    // The page's graphics state made to hide the text (fill alpha 0): an object with no
    // role of its own, used by the content.
    let hide = edit(&dict_text(&pdf, GSTATE), "/OPM 1", "/OPM 1 /ca 0 /CA 0");
    check(
        "graphics state shadowed",
        &update(&pdf, &[(GSTATE, hide)], &[]),
        &other(&["revision 2: an object used by the content changed: /CA /ca"]),
    );

    // The page's xref entry pointed back at its revision-0 definition (signed bytes,
    // without /Annots): no new object bytes at all.
    let d = open(&pdf);
    let Some(Entry::InFile {
        offset: old_page, ..
    }) = d.entry(PAGE, 0)
    else {
        panic!("page in revision 0")
    };
    assert_ne!(old_page, offset_of(&pdf, PAGE));
    check(
        "page pointed back at its older definition",
        &update(&pdf, &[], &[(PAGE, Pointer::At(old_page))]),
        &other(&["revision 2: a page: annotations removed or reordered"]),
    );

    // A page added through a shadowed page tree.
    let pages = edit(&dict_text(&pdf, PAGES), "/Count 1", "/Count 2");
    let pages = String::from_utf8(pages).unwrap();
    let pages = edit(
        &pages,
        &format!("{PAGE} 0 R"),
        &format!("{PAGE} 0 R {NEXT} 0 R"),
    );
    let new_page = format!(
        "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 595 842] /Contents {} 0 R >>",
        NEXT + 1
    );
    check(
        "page tree shadowed",
        &update(
            &pdf,
            &[
                (NEXT, new_page.into_bytes()),
                (NEXT + 1, stream("", b"BT ET")),
                (PAGES, pages),
            ],
            &[],
        ),
        &other(&["revision 2: the page tree changed: /Count /Kids"]),
    );

    // The content stream deleted by a free entry.
    check(
        "content stream freed",
        &update(&pdf, &[], &[(CONTENT, Pointer::Free)]),
        &other(&["revision 2: an object of the signed revision was deleted"]),
    );

    // Redefined with the very same bytes (a new copy), or its entry repeated: no change.
    check(
        "content stream rewritten unchanged",
        &update(&pdf, &[(CONTENT, object_bytes(&pdf, CONTENT))], &[]),
        &BASELINE,
    );
    check(
        "page entry repeated",
        &update(&pdf, &[], &[(PAGE, Pointer::At(offset_of(&pdf, PAGE)))]),
        &BASELINE,
    );
    // The same value written with other spacing: no change either.
    let respaced = dict_text(&pdf, PAGE).replace('\n', " ");
    check(
        "page rewritten with other spacing",
        &update(&pdf, &[(PAGE, respaced.into_bytes())], &[]),
        &BASELINE,
    );
}

/// Case 5: The signature dictionary replaced after its revision: redefined in place (a new
/// /Reason, a new /M), or the field pointed at a copy appended later.
#[test]
fn replaced_signature_dictionary() {
    let Some(pdf) = base() else { return };
    let sig = dict_text(&pdf, SIG);
    let reason = edit(&sig, "/Type /Sig", "/Type /Sig\n/Reason (I agree to pay)");
    check(
        "signature dictionary redefined with a /Reason",
        &update(&pdf, &[(SIG, reason.clone())], &[]),
        &unclear("/ByteRange leaves out bytes 18801..37747, but /Contents is at"),
    );
    // The report says why: the dictionary lies after the bytes it signs.
    let s = verified(&update(&pdf, &[(SIG, reason)], &[])).unwrap();
    assert!(
        s.errors
            .iter()
            .any(|e| e.contains("it was (re)defined after signing")),
        "{:?}",
        s.errors
    );
    let m = edit(
        &sig,
        "/M (D:20190704135743+02'00')",
        "/M (D:20250101000000+00'00')",
    );
    check(
        "signature dictionary redefined with another /M",
        &update(&pdf, &[(SIG, m)], &[]),
        &unclear("/ByteRange leaves out bytes 18801..37747, but /Contents is at"),
    );

    // The field's /V pointed at a copy of the dictionary appended after the signed range.
    let field = edit(
        &dict_text(&pdf, FIELD),
        &format!("/V {SIG} 0 R"),
        &format!("/V {NEXT} 0 R"),
    );
    check(
        "field pointed at a copied signature dictionary",
        &update(
            &pdf,
            &[(NEXT, sig.clone().into_bytes()), (FIELD, field)],
            &[],
        ),
        &unclear("/ByteRange leaves out bytes 18801..37747, but /Contents is at"),
    );

    // The redefined dictionary with a /ByteRange made consistent with its new place (it
    // covers revision 2 exactly): the coverage is sound, the CMS is over other bytes.
    let placeholder = "[0 0000000000 0000000000 0000000000]";
    let moved = edit(
        &sig,
        "/ByteRange [0 18801 37747 113379]",
        &format!("/ByteRange {placeholder}"),
    );
    let moved = edit(
        &String::from_utf8(moved).unwrap(),
        "/Type /Sig",
        "/Type /Sig\n/Reason (I agree to pay)",
    );
    let mut resigned = update(&pdf, &[(SIG, moved)], &[]);
    let (contents, at) = {
        let mut d = open(&resigned);
        let v = d.signature_fields(2).unwrap().remove(0).value.unwrap();
        (v.contents_span.unwrap(), at(offset_of(&resigned, SIG)))
    };
    let len = resigned.len() as u64;
    set_byte_range(
        &mut resigned,
        at,
        [0, contents.start, contents.end, len - contents.end],
    );
    check(
        "signature dictionary redefined with a matching /ByteRange",
        &resigned,
        &Want {
            intact: false,
            indication: Indication::TOTAL_FAILED,
            sub: Some(SubIndication::HASH_FAILURE),
            coverage: "entire file",
            revision: Some(2),
            modification: Some("none"),
            ..BASELINE
        },
    );
}

/// Case 6: Bytes after the last `%%EOF` that are no revision (here a comment and an object
/// that no xref lists). The reader, as viewers do, reads from the last `startxref` and
/// ignores them: the signed revision is the last one, nothing the document shows changed,
/// and the verdict is the baseline's. The report says the signature covers its revision,
/// not the file (pyHanko's ENTIRE_REVISION rather than ENTIRE_FILE), and warns of the
/// unsigned bytes.
#[test]
fn tail_garbage() {
    let Some(pdf) = base() else { return };
    let mut short = pdf.clone();
    short.extend_from_slice(b"% trailing bytes, not a revision\n1 0 obj\n<< >>\nendobj\n");
    let d = open(&short);
    assert_eq!(d.revisions().len(), 2);
    assert!(d.revisions()[1].end < short.len() as u64);
    check(
        "tail garbage",
        &short,
        &Want {
            coverage: "entire revision",
            warning: Some("bytes after the last %%EOF are not part of any revision"),
            ..BASELINE
        },
    );

    // More than the 1024 bytes a reader searches for startxref: the file is refused.
    let mut long = pdf.clone();
    long.extend_from_slice(&[b'%'; 2000]);
    let e = verified(&long).unwrap_err();
    assert!(e.to_string().contains("startxref"), "{e}");
}

/// Case 7: The same changes, in one update or spread over two in either order, give the
/// same verdict.
#[test]
fn order_of_updates_does_not_matter() {
    let Some(pdf) = base() else { return };
    let annot =
        format!("<< /Type /Annot /Subtype /Square /Rect [100 600 300 650] /P {PAGE} 0 R /F 4 >>")
            .into_bytes();
    let page = edit(
        &dict_text(&pdf, PAGE),
        &format!("/Annots [{FIELD} 0 R]"),
        &format!("/Annots [{FIELD} 0 R {NEXT} 0 R]"),
    );
    let forged = stream("", b"BT /R16 24 Tf 72 700 Td (PAY) Tj ET");
    let one = update(
        &pdf,
        &[
            (NEXT, annot.clone()),
            (PAGE, page.clone()),
            (CONTENT, forged.clone()),
        ],
        &[],
    );
    let a_then_c = update(
        &update(&pdf, &[(NEXT, annot.clone()), (PAGE, page.clone())], &[]),
        &[(CONTENT, forged.clone())],
        &[],
    );
    let c_then_a = update(
        &update(&pdf, &[(CONTENT, forged)], &[]),
        &[(NEXT, annot), (PAGE, page)],
        &[],
    );
    let mut verdicts = Vec::new();
    for (case, f) in [
        ("one update", &one),
        ("annotation, then content", &a_then_c),
        ("content, then annotation", &c_then_a),
    ] {
        let s = check(
            case,
            f,
            &other(&[
                "a page: annotations added (annotations)",
                "an object used by the content changed",
            ]),
        );
        verdicts.push((s.indication, s.sub_indication, s.pdf.unwrap().modification));
    }
    assert!(verdicts.windows(2).all(|w| w[0] == w[1]), "{verdicts:?}");
}

/// Case 4b: An update whose own `startxref` names an older section: a comment to other
/// readers (`% startxref N %%EOF`), but the first `startxref` after its trailer, which is
/// what groups sections into revisions; the file's last `startxref` names the update, so
/// every reader takes it as the newest revision, over the signed one. Joined to revision 0,
/// the update's objects were in the signed revision's view and its changes went unseen (bug
/// fixed in `group`, src/pdf/document.rs): it must be judged as the honest update is.
#[test]
fn an_update_that_claims_an_older_revision() {
    let Some(pdf) = base() else { return };
    let forged = stream("", b"BT /R16 24 Tf 72 700 Td (PAY 1,000,000 EUR) Tj ET");
    let honest = update(&pdf, &[(CONTENT, forged)], &[]);
    let want = other(&["revision 2: an object used by the content changed"]);
    check("honest update", &honest, &want);
    let d = open(&pdf);
    let section_of = |rev: usize| d.sections()[d.revisions()[rev].sections[0]].offset;
    let tail = honest.windows(9).rposition(|w| w == b"startxref").unwrap();
    for (case, named) in [
        ("the update's startxref names revision 0", section_of(0)),
        ("the update's startxref names revision 1", section_of(1)),
    ] {
        let mut f = honest[..tail].to_vec();
        f.extend_from_slice(format!("% startxref {named} %%EOF\n").as_bytes());
        f.extend_from_slice(&honest[tail..]);
        // Still three revisions, the update one of its own.
        let d = open(&f);
        assert_eq!(d.revisions().len(), 3, "{case}");
        assert_eq!(d.revisions()[1].end, pdf.len() as u64, "{case}");
        check(case, &f, &want);
    }
}
