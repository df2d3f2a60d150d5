//! CAdES validation throughput: verifications per second of small detached ECDSA P-256
//! signatures (test-vectors/pki/ecdsa-p256), at CAdES-BASELINE-T and, for comparison,
//! B-B (no time-stamp).
//!
//! Run with `cargo bench --bench cades`. Group `cades verify`, one function per input:
//!
//! - `B-T/openssl`: `test-vectors/cms/ossl-ec-cades-t-detached.p7s` (made by
//!   `test-vectors/generate-cms.sh`: `openssl cms -sign -cades` plus an `openssl ts` token over
//!   the signature value), over `test-vectors/cms/content.txt`; skipped when absent.
//! - `B-T/imza`: signed here with `imza::cades::sign::sign` (`signer.key`, the signer
//!   certificate and the intermediate embedded), then time-stamped by `openssl ts -reply`
//!   with `pki/ecdsa-p256/tsa` and `test-vectors/tsa/tsa.cnf` over
//!   `signature_timestamp_digest`, the token added with `add_signature_timestamp`: the same
//!   TSA as the test TSA server. Skipped when `openssl` is not on PATH.
//! - `B-B/imza`: the same imza signature before the time-stamp.
//! - `B-T/file`: any signature named by `IMZA_BENCH_CADES_T` (e.g. made by
//!   `imza sign --format cades --detached --level T --tsa ...` against
//!   `test-vectors/tsa/tsa-server.py`), over `IMZA_BENCH_CADES_CONTENT` (default
//!   `test-vectors/cms/content.txt`) when the signature is detached; skipped when unset.
//! - `parse/B-T openssl`: `imza::cms::parse` alone on the first input, for the share of
//!   parsing.
//!
//! One iteration is `imza::cades::verify(bytes, Content::Detached(content), &opts)`: parse
//! the DER, identify the signer certificate (signingCertificateV2), check messageDigest and
//! the ECDSA signature, validate the signature time-stamp (its own CMS signature, imprint,
//! TSA chain for time-stamping), build and validate the signer's 3-certificate chain
//! against the root, judge the algorithms; revocation `IfAvailable` with no data (a
//! warning). So a B-T verification is four P-256 verifications plus the TSA's chain
//! (two more). The trust store (the P-256 root) and options are built once, the validation
//! time is the current time. Every input is verified once before it is measured and must
//! be TOTAL_PASSED at its expected level.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion};
use imza::cades::sign::{self, SignOptions, ToSign};
use imza::cades::{self, Content, VerifyOptions};
use imza::crypto::{HashAlgorithm, SigningKey};
use imza::report::{Indication, Level};
use imza::time::UnixTime;
use imza::trust::TrustStore;

const P256: &str = "test-vectors/pki/ecdsa-p256";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    let p = root().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A CAdES-B-B detached signature by `pki/ecdsa-p256/signer` over `content`.
fn imza_b_b(content: &[u8]) -> Vec<u8> {
    let pem = String::from_utf8(read(&format!("{P256}/signer.key"))).unwrap();
    let key = SigningKey::from_pkcs8_pem(&pem).expect("signer.key");
    let cert = read(&format!("{P256}/signer.der"));
    let chain = vec![read(&format!("{P256}/intermediate.der"))];
    let mut opts = SignOptions::new(UnixTime::from_secs(now()));
    opts.detached = true;
    sign::sign(ToSign::Bytes(content), &key, &cert, &chain, &opts).expect("imza sign")
}

/// `b_b` plus a signature time-stamp from `openssl ts -reply` (the test TSA's key and
/// configuration), or `None` (with a message) when openssl is missing or fails.
fn imza_b_t(b_b: &[u8]) -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("imza-bench-cades-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let result = (|| {
        let digest = sign::signature_timestamp_digest(b_b, HashAlgorithm::Sha256).ok()?;
        let req = imza::tsp::request(&digest, Some(&now().to_be_bytes()), None).ok()?;
        let serial = dir.join("serial");
        std::fs::write(&serial, "01\n").ok()?;
        let cnf = String::from_utf8(read("test-vectors/tsa/tsa.cnf"))
            .ok()?
            .replace("@SERIAL@", serial.to_str()?)
            .replace("@POLICY@", "1.3.6.1.4.1.99999.1.3")
            .replace("@DIGEST@", "sha256");
        let (cnf_path, query, reply) = (dir.join("tsa.cnf"), dir.join("q.tsq"), dir.join("r.tsr"));
        std::fs::write(&cnf_path, cnf).ok()?;
        std::fs::write(&query, &req.der).ok()?;
        let p = |f: &str| root().join(P256).join(f);
        let out = Command::new("openssl")
            .args(["ts", "-reply", "-config"])
            .arg(&cnf_path)
            .args(["-section", "tsa_config1", "-queryfile"])
            .arg(&query)
            .arg("-inkey")
            .arg(p("tsa.key"))
            .arg("-signer")
            .arg(p("tsa.pem"))
            .arg("-chain")
            .arg(p("intermediate.pem"))
            .arg("-out")
            .arg(&reply)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "openssl ts -reply: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        let token = imza::tsp::parse_response(&std::fs::read(&reply).ok()?, &req).ok()?;
        sign::add_signature_timestamp(b_b, &token).ok()
    })();
    let _ = std::fs::remove_dir_all(&dir);
    if result.is_none() {
        eprintln!("cades bench: no openssl time-stamp, skipping B-T/imza");
    }
    result
}

struct Input {
    name: String,
    cms: Vec<u8>,
    content: Vec<u8>,
    level: Level,
}

fn inputs() -> Vec<Input> {
    let content = read("test-vectors/cms/content.txt");
    let mut v = Vec::new();
    let fixture = root().join("test-vectors/cms/ossl-ec-cades-t-detached.p7s");
    match std::fs::read(&fixture) {
        Ok(cms) => v.push(Input {
            name: "B-T/openssl".into(),
            cms,
            content: content.clone(),
            level: Level::T,
        }),
        Err(e) => eprintln!(
            "cades bench: {}: {e}, skipping B-T/openssl",
            fixture.display()
        ),
    }
    let b_b = imza_b_b(&content);
    if let Some(cms) = imza_b_t(&b_b) {
        v.push(Input {
            name: "B-T/imza".into(),
            cms,
            content: content.clone(),
            level: Level::T,
        });
    }
    v.push(Input {
        name: "B-B/imza".into(),
        cms: b_b,
        content: content.clone(),
        level: Level::B,
    });
    match std::env::var_os("IMZA_BENCH_CADES_T") {
        Some(path) => {
            let content = std::env::var_os("IMZA_BENCH_CADES_CONTENT")
                .map(|p| std::fs::read(Path::new(&p)).expect("IMZA_BENCH_CADES_CONTENT"))
                .unwrap_or(content);
            v.push(Input {
                name: "B-T/file".into(),
                cms: std::fs::read(Path::new(&path)).expect("IMZA_BENCH_CADES_T"),
                content,
                level: Level::T,
            });
        }
        None => eprintln!("cades bench: IMZA_BENCH_CADES_T not set, skipping B-T/file"),
    }
    v
}

fn bench(c: &mut Criterion) {
    let mut trust = TrustStore::new();
    trust
        .add_pem_or_der(&read(&format!("{P256}/root.der")))
        .unwrap();
    let mut opts = VerifyOptions::new(&trust, UnixTime::from_secs(now()));
    // A revocation status is required: the test PKI's CRLs (checked in every iteration).
    opts.crls = vec![
        read(&format!("{P256}/intermediate.crl")),
        read(&format!("{P256}/root.crl")),
    ];
    let inputs = inputs();
    for i in &inputs {
        let report = cades::verify(&i.cms, Content::Detached(&i.content), &opts).unwrap();
        let levels: Vec<Level> = report.signatures.iter().map(|s| s.level).collect();
        assert!(
            report.indication == Indication::TOTAL_PASSED && levels == [i.level],
            "{}: expected TOTAL_PASSED at {:?}, got {:?} / {:?} at {levels:?}: {:?}",
            i.name,
            i.level,
            report.indication,
            report.sub_indication,
            report
                .signatures
                .iter()
                .map(|s| &s.errors)
                .collect::<Vec<_>>()
        );
    }

    let mut g = c.benchmark_group("cades verify");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for i in &inputs {
        g.bench_function(i.name.as_str(), |b| {
            b.iter(|| {
                cades::verify(
                    black_box(&i.cms),
                    Content::Detached(black_box(&i.content)),
                    &opts,
                )
                .unwrap()
            })
        });
    }
    if let Some(first) = inputs.first() {
        g.bench_function(format!("parse/{}", first.name), |b| {
            b.iter(|| {
                imza::cms::parse(black_box(&first.cms))
                    .unwrap()
                    .signers
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
