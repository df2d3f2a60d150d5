//! The cost of the C boundary: `imza_verify_document` (options handle, copies of the
//! supplied CRLs, the report handle with its accessor strings) against `imza::verify` on
//! the same small CAdES-BASELINE-T signature (`test-vectors/sample/contract-t.p7m`, with
//! the test PKI's two CRLs supplied), in the same run. The exported function is called
//! in-process: the machine code is the one a C host calls.
//!
//! `cargo bench -p imza-ffi --bench overhead`; the README gives the ratio.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::ptr;

use criterion::{criterion_group, criterion_main, Criterion};
use imza_ffi::document::*;
use imza_ffi::report::*;
use imza_ffi::trust::*;
use imza_ffi::IMZA_OK;

fn read(rel: &str) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::fs::read(format!("{root}/{rel}")).unwrap()
}

fn bench(c: &mut Criterion) {
    let sig = read("test-vectors/sample/contract-t.p7m");
    let root = read("test-vectors/pki/ecdsa-p256/root.pem");
    let crls = [
        read("test-vectors/pki/ecdsa-p256/root.crl"),
        read("test-vectors/pki/ecdsa-p256/intermediate.crl"),
    ];
    let time = imza::UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap();

    let mut trust = imza::TrustStore::new();
    trust.add_pem_or_der(&root).unwrap();
    let mut opts = imza::VerifyOptions::new(&trust, time);
    opts.crls = crls.to_vec();

    // SAFETY: handles are made here from live slices, used below and freed at the end.
    let copts = unsafe {
        let mut store = ptr::null_mut();
        assert_eq!(imza_trust_store_new(&mut store), IMZA_OK);
        assert_eq!(
            imza_trust_store_add_pem(store, root.as_ptr(), root.len()),
            IMZA_OK
        );
        let mut o = ptr::null_mut();
        assert_eq!(imza_verify_options_new(store, &mut o), IMZA_OK);
        imza_trust_store_free(store);
        let secs = i64::try_from(time.as_secs()).unwrap();
        assert_eq!(imza_verify_options_set_time(o, secs), IMZA_OK);
        for crl in &crls {
            assert_eq!(
                imza_verify_options_add_crl(o, crl.as_ptr(), crl.len()),
                IMZA_OK
            );
        }
        o
    };

    // Both must say the same thing before their speed means anything.
    let rust = imza::verify(&sig, imza::Content::Attached, &opts).unwrap();
    assert_eq!(rust.indication, imza::Indication::TOTAL_PASSED);

    let mut g = c.benchmark_group("verify CAdES-B-T (contract-t.p7m)");
    g.bench_function("Rust imza::verify", |b| {
        b.iter(|| black_box(imza::verify(black_box(&sig), imza::Content::Attached, &opts).unwrap()))
    });
    g.bench_function("C imza_verify_document", |b| {
        b.iter(|| {
            // SAFETY: `copts` is live; `sig` is a live slice; the report is freed.
            unsafe {
                let mut r = ptr::null_mut();
                let code =
                    imza_verify_document(copts, sig.as_ptr(), sig.len(), ptr::null(), 0, &mut r);
                assert_eq!(code, IMZA_OK);
                assert_eq!(imza_report_indication(black_box(r)), IMZA_TOTAL_PASSED);
                imza_report_free(r);
            }
        })
    });
    g.finish();
    // SAFETY: made above, freed once.
    unsafe { imza_verify_options_free(copts) };
}

criterion_group!(benches, bench);
criterion_main!(benches);
