//! The DSS PDFs through the front door (`imza::verify`): each signature's verdict, its
//! coverage and what changed after it, against the outcomes their PROVENANCE records. DSS
//! validates them without a trust anchor, so "valid" is intact here with
//! INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use imza::report::{Indication, SubIndication};
use imza::{verify, Content, RevocationPolicy, TrustStore, UnixTime, VerifyOptions};

/// Per signature: intact, indication, sub-indication.
type Want = (bool, Indication, Option<SubIndication>);

#[test]
fn dss_pdfs_through_the_front_door() {
    let Some(shared) = imza_test_support::shared("docsig") else {
        return;
    };
    let trust = TrustStore::new();
    let mut opts = VerifyOptions::new(
        &trust,
        UnixTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
    );
    opts.revocation = RevocationPolicy::Skip;
    // (file, per signature: (intact, indication, sub-indication))
    let cases: &[(&str, &[Want])] = &[
        (
            "pades/dss-pades-bes.pdf",
            &[(
                true,
                Indication::INDETERMINATE,
                Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
            )],
        ),
        (
            "pades/dss-pdf-signed-original.pdf",
            &[(
                true,
                Indication::INDETERMINATE,
                Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
            )],
        ),
        (
            "pades/dss-pdf-signed-added-page.pdf",
            &[(
                true,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "pades/dss-pades-signed-annot-added.pdf",
            &[(
                true,
                Indication::INDETERMINATE,
                Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
            )],
        ),
        (
            "pades/dss-pdf-eof.pdf",
            &[(
                false,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "pades/dss-pdf-signed-out-of-byteRange.pdf",
            &[(
                false,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "attacks/pdf/dss-pades-spoofing-replaced-reason.pdf",
            &[(
                false,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "attacks/pdf/dss-pdf-spoofing-attack.pdf",
            &[(
                false,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "attacks/pdf/dss-siwa.pdf",
            &[(
                false,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        // Two signatures with the same /ByteRange: the first's /Contents (BER, indefinite
        // lengths) is where the range leaves its gap; the second's was moved (DSS917: one
        // valid, one not).
        (
            "pades/dss-hello_signed_INCSAVE_signed_EDITED.pdf",
            &[
                (
                    true,
                    Indication::INDETERMINATE,
                    Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
                ),
                (
                    false,
                    Indication::TOTAL_FAILED,
                    Some(SubIndication::FORMAT_FAILURE),
                ),
            ],
        ),
        // DSS2451: the second signature's ByteRange overlaps its /Contents.
        (
            "attacks/pdf/dss-pdf-byterange-overlap.pdf",
            &[
                (
                    true,
                    Indication::INDETERMINATE,
                    Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
                ),
                (
                    false,
                    Indication::TOTAL_FAILED,
                    Some(SubIndication::FORMAT_FAILURE),
                ),
            ],
        ),
        (
            "attacks/pdf/dss2236-shadow-hide.pdf",
            &[(
                true,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
        (
            "attacks/pdf/dss2236-shadow-replace.pdf",
            &[(
                true,
                Indication::TOTAL_FAILED,
                Some(SubIndication::FORMAT_FAILURE),
            )],
        ),
    ];
    for (file, want) in cases {
        let bytes = std::fs::read(shared.join(file)).unwrap();
        let r = verify(&bytes, Content::Attached, &opts).unwrap_or_else(|e| panic!("{file}: {e}"));
        for s in &r.signatures {
            eprintln!(
                "{file} {}: {:?} {:?} intact={} {:?} {:?}",
                s.id, s.indication, s.sub_indication, s.intact, s.pdf, s.errors
            );
        }
        assert_eq!(r.signatures.len(), want.len(), "{file}");
        for (s, (intact, ind, sub)) in r.signatures.iter().zip(want.iter()) {
            assert_eq!(
                (s.intact, s.indication, s.sub_indication),
                (*intact, *ind, *sub),
                "{file}: {:?} {:?}",
                s.errors,
                s.pdf
            );
        }
    }
}
