//! SubjectPublicKeyInfo, AlgorithmIdentifier and signature-value parsing must not panic on
//! any input. The first byte picks the algorithm; then a 2-byte SPKI length, the SPKI, and
//! the rest split between message and signature.
#![no_main]

use imza::crypto::{verify_with, Backend, EcdsaEncoding, HashAlgorithm, Message, Policy};
use imza::crypto::SignatureAlgorithm as A;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let algs = [
        A::Ecdsa { hash: HashAlgorithm::Sha256, encoding: EcdsaEncoding::Der },
        A::Ecdsa { hash: HashAlgorithm::Sha512, encoding: EcdsaEncoding::Fixed },
        A::RsaPkcs1(HashAlgorithm::Sha256),
        A::rsa_pss(HashAlgorithm::Sha384),
        A::Ed25519,
    ];
    let alg = algs[usize::from(sel) % algs.len()];
    if rest.len() < 2 {
        let _ = A::from_algorithm_identifier_der(rest);
        return;
    }
    let n = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
    let rest = &rest[2..];
    let (spki, tail) = rest.split_at(n.min(rest.len()));
    let (msg, sig) = tail.split_at(tail.len() / 2);
    let digest_input = sel & 0x80 != 0;
    let m = if digest_input { Message::Digest(msg) } else { Message::Data(msg) };
    let _ = verify_with(Some(Backend::RustCrypto), &Policy::LEGACY, alg, spki, m, sig);
    let _ = A::from_algorithm_identifier_der(spki);
});
