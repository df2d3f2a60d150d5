//! Verification and digest throughput: imza next to the raw primitive it wraps, in one run.
//!
//! Run with `benches/run.sh` (or `cargo bench --bench crypto` then `python3 benches/report.py`).
//!
//! One criterion group per algorithm (`ES256`, `ES384`, `ES512`, `RS256`, `PS256`, `Ed25519`),
//! one for `SPKI parse` alone and one for `SHA-256` (1 KiB, 64 KiB and 1 MiB, as throughput:
//! `imza`, `raw/ring`, `raw/sha2`). Benchmark ids in the algorithm groups:
//!
//! - `imza/<backend>`: [`verify_with`] with the backend pinned, over the key's DER
//!   `SubjectPublicKeyInfo`. Includes everything a caller of the public API pays: SPKI
//!   parsing (and for RSA, the `RSAPublicKey` shape check), key/algorithm matching, the
//!   [`Policy`] check, backend dispatch, the backend's own key parsing, hashing the message
//!   and the signature check.
//! - `imza-key/<backend>`: [`verify_key`] over a [`PublicKey`] parsed once outside the loop:
//!   the same minus SPKI parsing. The difference to `imza/<backend>` is the SPKI cost.
//! - `raw/ring`: `ring::signature::UnparsedPublicKey::new(&ALG, key).verify(msg, sig)`, with
//!   the raw key bytes (the `subjectPublicKey` BIT STRING contents) extracted once outside
//!   the loop, as a ring user holding a raw key does. ring parses and validates the key
//!   inside `verify`, so this side includes ring's key parsing, hashing and the check.
//! - `raw/RustCrypto`: the RustCrypto calls a user of those crates writes, also over the raw
//!   key bytes extracted once, with the key parsed inside the loop because imza parses it on
//!   every call too: ECDSA `VerifyingKey::from_sec1_bytes` + `Signature::from_slice` +
//!   `Verifier::verify` (hashing with `sha2`); RSA `RsaPublicKey::from_pkcs1_der` + `sha2`
//!   digest + `RsaPublicKey::verify` with `Pkcs1v15Sign` / `Pss`; Ed25519
//!   `VerifyingKey::from_bytes` + `Signature::from_slice` + `verify_strict`.
//!
//! So `imza/X` − `raw/X` is exactly SPKI parsing plus imza's checks and dispatch (plus, for
//! RustCrypto, hashing with ring instead of `sha2`, which is not slower). Every closure is
//! run once before it is measured and must return `Ok`: a benchmark never times an error path.
//!
//! ECDSA signatures use the fixed `r || s` encoding (JOSE), so ring's `*_FIXED` algorithms
//! apply and neither side converts encodings. RSA is 2048 bits, e = 65537; PSS uses
//! SHA-256, MGF1-SHA-256 and a 32-byte salt. The message is 256 bytes, about the size of a
//! typical CMS `SignedAttributes` or JWS signing input; hashing it is a small share of
//! every verification.
//!
//! Keys: `benches/keys/*.pem`, unencrypted PKCS#8 made once with `openssl genpkey`; they
//! are benchmark fixtures, public in this repository, and protect nothing. Signatures are
//! made once at start-up with imza's [`SigningKey`].

// A benchmark whose fixtures do not load or verify must stop at once, loudly.
#![allow(clippy::expect_used, clippy::panic)]

use std::fmt::Debug;
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use imza::crypto::{
    digest, verify_key, verify_with, Backend, EcdsaEncoding, HashAlgorithm, Message, Policy,
    PublicKey, SignatureAlgorithm, Signer, SigningKey,
};
use ring::signature as rs;
use signature::Verifier as _;

const P256_PEM: &str = include_str!("keys/p256.pem");
const P384_PEM: &str = include_str!("keys/p384.pem");
const P521_PEM: &str = include_str!("keys/p521.pem");
const RSA2048_PEM: &str = include_str!("keys/rsa2048.pem");
const ED25519_PEM: &str = include_str!("keys/ed25519.pem");

/// The signed message: 256 bytes.
fn message() -> Vec<u8> {
    (0u8..=255)
        .map(|b| b.wrapping_mul(31).wrapping_add(7))
        .collect()
}

/// One algorithm's fixtures.
struct Case {
    /// Group name (the JOSE name).
    name: &'static str,
    alg: SignatureAlgorithm,
    msg: Vec<u8>,
    /// DER `SubjectPublicKeyInfo`, as imza's API takes it.
    spki: Vec<u8>,
    /// The `subjectPublicKey` bits: SEC1 point, PKCS#1 `RSAPublicKey`, or 32 Ed25519 bytes.
    raw_key: Vec<u8>,
    sig: Vec<u8>,
}

impl Case {
    fn new(name: &'static str, pem: &str, alg: SignatureAlgorithm) -> Self {
        let key = SigningKey::from_pkcs8_pem(pem)
            .and_then(|k| k.with_algorithm(alg))
            .expect("benchmark key loads");
        let msg = message();
        let sig = key.sign(&msg).expect("benchmark signature");
        let spki = key.public_key_spki().to_vec();
        let raw_key = {
            use der::Decode as _;
            let info = spki::SubjectPublicKeyInfoRef::from_der(&spki).expect("SPKI parses");
            info.subject_public_key
                .as_bytes()
                .expect("no unused bits")
                .to_vec()
        };
        Self {
            name,
            alg,
            msg,
            spki,
            raw_key,
            sig,
        }
    }
}

/// Checks `f` once, then measures it.
fn bench<E: Debug>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    case: &str,
    id: &str,
    mut f: impl FnMut() -> Result<(), E>,
) {
    if let Err(e) = f() {
        panic!("{case} {id}: the benchmarked call fails: {e:?}");
    }
    g.bench_function(id, |b| b.iter(&mut f));
}

/// One backend: `imza/<backend>`, `raw/<backend>` (the closure `raw`), then
/// `imza-key/<backend>`, back to back so that the sides compared run under the same
/// conditions (other load on the machine drifts over a run).
fn bench_backend<E: Debug>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    c: &Case,
    backend: Backend,
    raw: impl FnMut() -> Result<(), E>,
) {
    let parsed = PublicKey::from_spki_der(&c.spki).expect("SPKI parses");
    bench(g, c.name, &format!("imza/{}", backend.name()), || {
        verify_with(
            Some(backend),
            &Policy::STRICT,
            black_box(c.alg),
            black_box(&c.spki),
            Message::Data(black_box(&c.msg)),
            black_box(&c.sig),
        )
    });
    bench(g, c.name, &format!("raw/{}", backend.name()), raw);
    bench(g, c.name, &format!("imza-key/{}", backend.name()), || {
        verify_key(
            Some(backend),
            &Policy::STRICT,
            black_box(c.alg),
            black_box(&parsed),
            Message::Data(black_box(&c.msg)),
            black_box(&c.sig),
        )
    });
}

/// `raw/ring`: what a ring user holding the raw key bytes writes.
fn raw_ring<'a>(
    c: &'a Case,
    alg: &'static dyn rs::VerificationAlgorithm,
) -> impl FnMut() -> Result<(), ring::error::Unspecified> + 'a {
    move || {
        rs::UnparsedPublicKey::new(alg, black_box(c.raw_key.as_slice()))
            .verify(black_box(&c.msg), black_box(&c.sig))
    }
}

fn group<'a>(cr: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    cr.benchmark_group(name)
}

fn es256(cr: &mut Criterion) {
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha256,
        encoding: EcdsaEncoding::Fixed,
    };
    let c = Case::new("ES256", P256_PEM, alg);
    let mut g = group(cr, c.name);
    bench_backend(
        &mut g,
        &c,
        Backend::Ring,
        raw_ring(&c, &rs::ECDSA_P256_SHA256_FIXED),
    );
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(black_box(&c.raw_key))?;
        let sig = p256::ecdsa::Signature::from_slice(black_box(&c.sig))?;
        vk.verify(black_box(&c.msg), &sig)
    });
    g.finish();
}

fn es384(cr: &mut Criterion) {
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha384,
        encoding: EcdsaEncoding::Fixed,
    };
    let c = Case::new("ES384", P384_PEM, alg);
    let mut g = group(cr, c.name);
    bench_backend(
        &mut g,
        &c,
        Backend::Ring,
        raw_ring(&c, &rs::ECDSA_P384_SHA384_FIXED),
    );
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(black_box(&c.raw_key))?;
        let sig = p384::ecdsa::Signature::from_slice(black_box(&c.sig))?;
        vk.verify(black_box(&c.msg), &sig)
    });
    g.finish();
}

/// P-521: RustCrypto only (ring has no P-521).
fn es512(cr: &mut Criterion) {
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha512,
        encoding: EcdsaEncoding::Fixed,
    };
    let c = Case::new("ES512", P521_PEM, alg);
    let mut g = group(cr, c.name);
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(black_box(&c.raw_key))?;
        let sig = p521::ecdsa::Signature::from_slice(black_box(&c.sig))?;
        vk.verify(black_box(&c.msg), &sig)
    });
    g.finish();
}

fn rs256(cr: &mut Criterion) {
    let c = Case::new(
        "RS256",
        RSA2048_PEM,
        SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256),
    );
    let mut g = group(cr, c.name);
    bench_backend(
        &mut g,
        &c,
        Backend::Ring,
        raw_ring(&c, &rs::RSA_PKCS1_2048_8192_SHA256),
    );
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        use sha2::Digest as _;
        let key =
            rsa::RsaPublicKey::from_pkcs1_der(black_box(&c.raw_key)).map_err(rsa::Error::from)?;
        let hashed = sha2::Sha256::digest(black_box(&c.msg));
        key.verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &hashed,
            black_box(&c.sig),
        )
    });
    g.finish();
}

fn ps256(cr: &mut Criterion) {
    let c = Case::new(
        "PS256",
        RSA2048_PEM,
        SignatureAlgorithm::rsa_pss(HashAlgorithm::Sha256),
    );
    let mut g = group(cr, c.name);
    bench_backend(
        &mut g,
        &c,
        Backend::Ring,
        raw_ring(&c, &rs::RSA_PSS_2048_8192_SHA256),
    );
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        use sha2::Digest as _;
        let key =
            rsa::RsaPublicKey::from_pkcs1_der(black_box(&c.raw_key)).map_err(rsa::Error::from)?;
        let hashed = sha2::Sha256::digest(black_box(&c.msg));
        // Pss::new: salt length = digest length, as PS256 requires.
        key.verify(rsa::Pss::new::<sha2::Sha256>(), &hashed, black_box(&c.sig))
    });
    g.finish();
}

fn ed25519(cr: &mut Criterion) {
    let c = Case::new("Ed25519", ED25519_PEM, SignatureAlgorithm::Ed25519);
    let raw: [u8; 32] = c.raw_key.as_slice().try_into().expect("32-byte key");
    let mut g = group(cr, c.name);
    bench_backend(&mut g, &c, Backend::Ring, raw_ring(&c, &rs::ED25519));
    bench_backend(&mut g, &c, Backend::RustCrypto, || {
        let vk = ed25519_dalek::VerifyingKey::from_bytes(black_box(&raw))?;
        let sig = ed25519_dalek::Signature::from_slice(black_box(&c.sig))?;
        vk.verify_strict(black_box(&c.msg), &sig)
    });
    g.finish();
}

/// `PublicKey::from_spki_der` alone: the fixed cost `imza/<backend>` pays over
/// `imza-key/<backend>`, measured without the noise of a whole verification around it.
fn spki_parse(cr: &mut Criterion) {
    let mut g = group(cr, "SPKI parse");
    for (name, pem) in [
        ("P-256", P256_PEM),
        ("P-384", P384_PEM),
        ("P-521", P521_PEM),
        ("RSA-2048", RSA2048_PEM),
        ("Ed25519", ED25519_PEM),
    ] {
        let spki = SigningKey::from_pkcs8_pem(pem)
            .expect("benchmark key loads")
            .public_key_spki()
            .to_vec();
        bench(&mut g, "SPKI parse", name, || {
            PublicKey::from_spki_der(black_box(&spki)).map(|k| {
                black_box(k);
            })
        });
    }
    g.finish();
}

/// SHA-256 over 1 KiB, 64 KiB and 1 MiB: `imza` ([`digest`]: a [`imza::crypto::Hasher`]
/// fed once, so this also measures `Hasher`; it hashes with ring in a ring build) against `raw/ring` (`ring::digest::digest`) and
/// `raw/sha2` (RustCrypto, for reference: what a build without ring uses).
fn sha256(cr: &mut Criterion) {
    let mut g = group(cr, "SHA-256");
    for (label, size) in [
        ("1KiB", 1usize << 10),
        ("64KiB", 1 << 16),
        ("1MiB", 1 << 20),
    ] {
        let data: Vec<u8> = (0..=255u8).cycle().take(size).collect();
        // The three must agree before their speed is compared.
        let want = ring::digest::digest(&ring::digest::SHA256, &data);
        assert_eq!(
            digest(HashAlgorithm::Sha256, &data).as_ref(),
            want.as_ref(),
            "imza digest"
        );
        assert_eq!(
            {
                use sha2::Digest as _;
                sha2::Sha256::digest(&data).to_vec()
            },
            want.as_ref(),
            "sha2 digest"
        );
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_with_input(BenchmarkId::new("imza", label), &data, |b, d| {
            b.iter(|| digest(HashAlgorithm::Sha256, black_box(d)))
        });
        g.bench_with_input(BenchmarkId::new("raw/ring", label), &data, |b, d| {
            b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(d)))
        });
        g.bench_with_input(BenchmarkId::new("raw/sha2", label), &data, |b, d| {
            use sha2::Digest as _;
            b.iter(|| sha2::Sha256::digest(black_box(d)))
        });
    }
    g.finish();
}

/// Short runs: the whole suite takes about four minutes on two cores. No plots: they cost
/// more than the measurement, and `benches/report.py` reads criterion's JSON. Command-line
/// options (`--measurement-time`, `--sample-size`, a filter) still override these.
fn config() -> Criterion {
    Criterion::default()
        .without_plots()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = es256, es384, es512, rs256, ps256, ed25519, spki_parse, sha256
}
criterion_main!(benches);
