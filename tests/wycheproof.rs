//! Every Wycheproof signature-verification vector for the algorithms imza implements, on
//! every backend built in (ring and RustCrypto on native builds).
//!
//! Each file's groups are classified first: a group whose curve, hash or mask function imza
//! does not implement is counted as "unsupported by imza" and listed; inside supported groups
//! every test runs. A backend that lacks a supported case (ring: P-521, digests other than the
//! curve's usual one on P-256/P-384, PSS salt lengths other than the hash length) answers
//! `UnsupportedByBackend`, counted per backend. Everything else must give the expected
//! answer: valid accepted, invalid rejected. "acceptable" cases are counted as accepted or
//! rejected; imza's policy for them is strict DER and strict PKCS#1 (it rejects them).
//!
//! Run with `--nocapture` to see the per-file table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use imza::crypto::{
    verify_with, Backend, EcdsaEncoding, HashAlgorithm, Message, Policy, SignatureAlgorithm,
};
use imza::Error;
use wycheproof::{EllipticCurve, HashFunction, TestResult};

#[derive(Default)]
struct Counts {
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable_accepted: usize,
    acceptable_rejected: usize,
    backend_unsupported: usize,
    imza_unsupported: usize,
    wrong: Vec<String>,
}

impl Counts {
    fn record(
        &mut self,
        file: &str,
        tc: usize,
        comment: &str,
        expected: &TestResult,
        got: Result<(), Error>,
    ) {
        match (expected, &got) {
            (_, Err(Error::UnsupportedByBackend { .. })) => self.backend_unsupported += 1,
            (TestResult::Valid, Ok(())) => self.valid_accepted += 1,
            (TestResult::Invalid, Err(_)) => self.invalid_rejected += 1,
            (TestResult::Acceptable, Ok(())) => self.acceptable_accepted += 1,
            (TestResult::Acceptable, Err(_)) => self.acceptable_rejected += 1,
            _ => self.wrong.push(format!(
                "{file} tc {tc} ({comment}): expected {expected:?}, got {got:?}"
            )),
        }
    }
}

fn hash_of(h: &HashFunction) -> Option<HashAlgorithm> {
    match h {
        HashFunction::Sha2_256 => Some(HashAlgorithm::Sha256),
        HashFunction::Sha2_384 => Some(HashAlgorithm::Sha384),
        HashFunction::Sha2_512 => Some(HashAlgorithm::Sha512),
        // SHA-1 is refused by the strict policy the tests use; SHA-224, SHA-512/t, SHA-3 and
        // SHAKE are not implemented.
        _ => None,
    }
}

type Table = BTreeMap<(String, &'static str), Counts>;

fn run_ecdsa(backend: Backend, table: &mut Table) {
    use wycheproof::ecdsa::{TestGroupTypeId, TestName, TestSet};
    for name in TestName::all() {
        let file = format!("{name:?}");
        let set = TestSet::load(name).expect("vector file loads");
        let counts = table.entry((file.clone(), backend.name())).or_default();
        for g in &set.test_groups {
            let curve_ok = matches!(
                g.key.curve,
                EllipticCurve::Secp256r1 | EllipticCurve::Secp384r1 | EllipticCurve::Secp521r1
            );
            let encoding = match g.test_type {
                TestGroupTypeId::Ecdsa => Some(EcdsaEncoding::Der),
                TestGroupTypeId::EcdsaP1363 => Some(EcdsaEncoding::Fixed),
                _ => None, // bitcoin-style (low-S required): not a standard ECDSA profile
            };
            let (Some(hash), Some(encoding), true) = (hash_of(&g.hash), encoding, curve_ok) else {
                counts.imza_unsupported += g.tests.len();
                continue;
            };
            let alg = SignatureAlgorithm::Ecdsa { hash, encoding };
            for t in &g.tests {
                let got = verify_with(
                    Some(backend),
                    &Policy::STRICT,
                    alg,
                    &g.der,
                    Message::Data(&t.msg),
                    &t.sig,
                );
                counts.record(&file, t.tc_id, &t.comment, &t.result, got);
            }
        }
    }
}

fn run_rsa_pkcs1(backend: Backend, table: &mut Table) {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    for name in TestName::all() {
        let file = format!("{name:?}");
        let set = TestSet::load(name).expect("vector file loads");
        let counts = table.entry((file.clone(), backend.name())).or_default();
        for g in &set.test_groups {
            let Some(hash) = hash_of(&g.hash) else {
                counts.imza_unsupported += g.tests.len();
                continue;
            };
            for t in &g.tests {
                let got = verify_with(
                    Some(backend),
                    &Policy::STRICT,
                    SignatureAlgorithm::RsaPkcs1(hash),
                    &g.der,
                    Message::Data(&t.msg),
                    &t.sig,
                );
                counts.record(&file, t.tc_id, &t.comment, &t.result, got);
            }
        }
    }
}

fn run_rsa_pss(backend: Backend, table: &mut Table) {
    use wycheproof::rsa_pss_verify::{TestGroupTypeId, TestName, TestSet};
    use wycheproof::Mgf;
    for name in TestName::all() {
        let file = format!("{name:?}");
        let set = TestSet::load(name).expect("vector file loads");
        let counts = table.entry((file.clone(), backend.name())).or_default();
        for g in &set.test_groups {
            let hash = hash_of(&g.hash);
            let mgf_same = matches!(g.mgf, Mgf::Mgf1) && g.mgf_hash.as_ref() == Some(&g.hash);
            let salt = u16::try_from(g.salt_size).ok();
            // Groups "with parameters" carry the PSS parameters inside an SPKI of type
            // id-RSASSA-PSS; imza reads PSS parameters from the signature's AlgorithmIdentifier
            // and takes keys as rsaEncryption, so those files are counted as unsupported.
            let plain_key = matches!(g.test_type, TestGroupTypeId::RsaPssVerify);
            let (Some(hash), true, Some(salt_len), true) = (hash, mgf_same, salt, plain_key) else {
                counts.imza_unsupported += g.tests.len();
                continue;
            };
            for t in &g.tests {
                let got = verify_with(
                    Some(backend),
                    &Policy::STRICT,
                    SignatureAlgorithm::RsaPss { hash, salt_len },
                    &g.der,
                    Message::Data(&t.msg),
                    &t.sig,
                );
                counts.record(&file, t.tc_id, &t.comment, &t.result, got);
            }
        }
    }
}

fn run_eddsa(backend: Backend, table: &mut Table) {
    use wycheproof::eddsa::{TestName, TestSet};
    for name in TestName::all() {
        let file = format!("{name:?}");
        let set = TestSet::load(name).expect("vector file loads");
        let counts = table.entry((file.clone(), backend.name())).or_default();
        let supported = matches!(name, TestName::Ed25519);
        for g in &set.test_groups {
            if !supported {
                counts.imza_unsupported += g.tests.len();
                continue;
            }
            for t in &g.tests {
                let got = verify_with(
                    Some(backend),
                    &Policy::STRICT,
                    SignatureAlgorithm::Ed25519,
                    &g.der,
                    Message::Data(&t.msg),
                    &t.sig,
                );
                counts.record(&file, t.tc_id, &t.comment, &t.result, got);
            }
        }
    }
}

#[test]
fn wycheproof_signature_vectors_on_every_backend() {
    let mut table = Table::new();
    for &backend in Backend::available() {
        run_ecdsa(backend, &mut table);
        run_rsa_pkcs1(backend, &mut table);
        run_rsa_pss(backend, &mut table);
        run_eddsa(backend, &mut table);
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<44} {:<10} {:>6} {:>6} {:>5} {:>5} {:>7} {:>7} {:>5}",
        "wycheproof file",
        "backend",
        "valid+",
        "inval-",
        "acc+",
        "acc-",
        "b-unsup",
        "i-unsup",
        "WRONG"
    );
    let mut wrong = Vec::new();
    let mut ran = BTreeMap::<&str, usize>::new();
    for ((file, backend), c) in &table {
        let _ = writeln!(
            out,
            "{file:<44} {backend:<10} {:>6} {:>6} {:>5} {:>5} {:>7} {:>7} {:>5}",
            c.valid_accepted,
            c.invalid_rejected,
            c.acceptable_accepted,
            c.acceptable_rejected,
            c.backend_unsupported,
            c.imza_unsupported,
            c.wrong.len()
        );
        *ran.entry(backend).or_default() +=
            c.valid_accepted + c.invalid_rejected + c.acceptable_accepted + c.acceptable_rejected;
        wrong.extend(c.wrong.iter().map(|w| format!("[{backend}] {w}")));
    }
    let _ = writeln!(
        out,
        "columns: valid accepted, invalid rejected, acceptable accepted / rejected \
         (policy: strict DER, strict PKCS#1, no SHA-1), unsupported by this backend, \
         unsupported by imza (curve/hash/MGF not implemented), wrong results"
    );
    for (backend, n) in &ran {
        let _ = writeln!(out, "{backend}: {n} vectors decided");
    }
    println!("{out}");
    // Guard against a run that silently decided nothing.
    for &backend in Backend::available() {
        assert!(
            ran.get(backend.name()).copied().unwrap_or(0) > 3000,
            "{} decided too few vectors: {ran:?}",
            backend.name()
        );
    }
    assert!(
        wrong.is_empty(),
        "{} wrong results:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
