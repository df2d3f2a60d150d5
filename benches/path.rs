//! Path validation of a 3-certificate ECDSA P-256 chain (leaf ← intermediate ← root, from
//! test-vectors/pki/ecdsa-p256), imza next to rustls-webpki in the same run.
//!
//! Both sides parse the leaf and the intermediate on every iteration and reuse a trust
//! store built once; both check two P-256 signatures, validity at the same time, basic
//! constraints and key usage. imza also builds its `ValidPath` (clones of the parsed
//! certificates) and checks name constraints and policies (none present); webpki checks
//! the leaf for clientAuth EKU (absent, so allowed).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use imza::path::{self, Options, Purpose};
use imza::time::UnixTime;
use imza::trust::TrustStore;
use rustls_pki_types::{CertificateDer, UnixTime as PkiTime};

const LEAF: &[u8] = include_bytes!("../test-vectors/pki/ecdsa-p256/signer.der");
const INTERMEDIATE: &[u8] = include_bytes!("../test-vectors/pki/ecdsa-p256/intermediate.der");
const ROOT: &[u8] = include_bytes!("../test-vectors/pki/ecdsa-p256/root.der");
/// 2027-01-01T00:00:00Z.
const AT: u64 = 1_798_761_600;

fn bench(c: &mut Criterion) {
    let mut store = TrustStore::new();
    store.add_pem_or_der(ROOT).unwrap();
    let opts = Options::new(UnixTime::from_secs(AT), Purpose::Authentication);
    path::validate(LEAF, &[INTERMEDIATE], &store, &opts).unwrap();

    let root_der = CertificateDer::from(ROOT);
    let anchors = vec![webpki::anchor_from_trusted_cert(&root_der)
        .unwrap()
        .to_owned()];
    let time = PkiTime::since_unix_epoch(Duration::from_secs(AT));
    let webpki_verify = || {
        let leaf = CertificateDer::from(LEAF);
        let ee = webpki::EndEntityCert::try_from(&leaf).unwrap();
        let ints = [CertificateDer::from(INTERMEDIATE)];
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &ints,
            time,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map(|_| ())
    };
    webpki_verify().unwrap();

    let mut g = c.benchmark_group("path P-256 3 certs");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("imza", |b| {
        b.iter(|| {
            path::validate(black_box(LEAF), &[black_box(INTERMEDIATE)], &store, &opts).unwrap()
        })
    });
    g.bench_function("rustls-webpki", |b| b.iter(|| webpki_verify().unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
