//! JWT verification and issuing: imza next to `jsonwebtoken` 9 (ring backend) on the same
//! tokens and keys, in one criterion run.
//!
//! Run with `cargo bench --bench token`. Groups: `verify ES256`, `verify RS256`,
//! `verify EdDSA`, `issue ES256`, `issue RS256`, `issue EdDSA`.
//!
//! The token is a realistic small single-sign-on JWT (556 bytes compact with ES256 and
//! EdDSA, 812 with RS256): header
//! `{"alg","kid","typ":"JWT"}`, claims `iss`, `aud` (one string), `iat`, `nbf`, `exp`, `sub`,
//! `name`, `email`, `roles` (array of two), `sid`, `scope`. Keys: `benches/keys/*.pem`
//! (P-256, RSA 2048 with e = 65537, Ed25519); public, benchmark fixtures only.
//!
//! Built once, outside the timed loops, on both sides:
//! - imza: `Verifier::new(&[alg]).key(VerifyKey::public(alg, spki).with_kid(..))` and a
//!   `Validation` (issuer, audience, `exp` required, `nbf` checked, 60 s leeway); a
//!   `TokenIssuer` over a `SigningKey` parsed from PKCS#8 once (ECDSA in the fixed r||s
//!   encoding), with audience and a 3600 s lifetime.
//! - jsonwebtoken: `DecodingKey::from_{ec,rsa,ed}_pem` over the same public key,
//!   `Validation::new(alg)` with `set_issuer`, `set_audience` (`exp` required, `nbf` checked,
//!   60 s leeway: the same checks), an `EncodingKey::from_{ec,rsa,ed}_pem` over the same
//!   PKCS#8 file, and a `Header` with `typ` and `kid`.
//!
//! What one iteration does:
//! - `verify …/imza`: `Verifier::verify_compact(token)` (split, base64url-decode header,
//!   payload and signature, strict JSON parse of the header with duplicate-member refusal,
//!   `alg` allow-list and `crit`/`b64` checks, key selection by `alg`/`kid`, SPKI parse and
//!   the signature check with ring) then `Claims::validate` (strict JSON parse of the claims
//!   into a map plus typed registered claims; `exp`, `nbf`, `iat`, `iss`, `aud` checks).
//! - `verify …/jsonwebtoken`: `decode::<serde_json::Map<String, Value>>(token, key,
//!   validation)`: split, typed `Header` parse, `alg` check, signature check with ring
//!   (which parses the raw key inside `verify`, as imza does), base64url-decode of the claims,
//!   deserialization into the map (the same output as imza's `Claims::all`) and a second
//!   one for its validation (`exp`, `nbf`, `iss`, `aud`).
//! - `verify …/jsonwebtoken-typed` (reference only): the same, deserializing into a typed
//!   struct of the same claims instead of a map, as a jsonwebtoken user often does.
//!
//!   Each verify side runs on two inputs: `imza-token` (issued by imza) and `jwt-token`
//!   (issued by jsonwebtoken), so both libraries verify byte-identical tokens.
//!
//! - `issue …/imza`: `TokenIssuer::issue(now, &claims)`: clone the custom claims map, add
//!   `iss`, `aud`, `iat`, `nbf`, `exp`, serialize header and claims, base64url, sign.
//! - `issue …/jsonwebtoken`: the same claim map work by hand (clone, insert the five
//!   registered claims) then `encode(&header, &body, &key)`. jsonwebtoken 9 keeps the PKCS#8
//!   bytes and parses the key pair with ring inside every `encode` (for ECDSA and Ed25519 that
//!   includes deriving the public key; for RSA ring's key consistency checks); imza parsed its
//!   key once. That is each library's normal API, so it is part of what is measured.
//!
//! Signing back-ends: imza signs ES256 with RustCrypto `p256` (RFC 6979), EdDSA with
//! `ed25519-dalek`, RS256 with ring; jsonwebtoken signs everything with ring (ECDSA with a
//! random nonce). Verification is ring on both sides.
//!
//! Every closure runs once before it is measured and must succeed; the tokens made by each
//! library are checked to verify in the other first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use imza::crypto::{EcdsaEncoding, SignatureAlgorithm, Signer, SigningKey};
use imza::jose::jws::{Verifier, VerifyKey};
use imza::jose::jwt::{Claims, TokenIssuer, Validation};
use imza::time::UnixTime;
use jsonwebtoken as jwt;
use serde_json::{json, Map, Value};

const P256_PEM: &str = include_str!("keys/p256.pem");
const RSA2048_PEM: &str = include_str!("keys/rsa2048.pem");
const ED25519_PEM: &str = include_str!("keys/ed25519.pem");

const ISS: &str = "https://login.example.ee";
const AUD: &str = "portal.example.ee";
const KID: &str = "bench-2026-1";
const LIFETIME: u64 = 3600;

/// The claims set of a typical single sign-on token, without the registered claims the
/// issuer adds.
fn custom_claims() -> Map<String, Value> {
    let v = json!({
        "sub": "EE38001085718",
        "name": "Mari-Liis Männik",
        "email": "mari-liis.mannik@example.ee",
        "roles": ["citizen", "signer"],
        "sid": "6f1c0e4a-5b7d-4f2e-9a61-0c3b8d2e7f15",
        "scope": "openid profile email",
    });
    let Value::Object(m) = v else { unreachable!() };
    m
}

/// The same claims as a struct, for the `jsonwebtoken-typed` reference.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct TypedClaims {
    iss: String,
    aud: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    sub: String,
    name: String,
    email: String,
    roles: Vec<String>,
    sid: String,
    scope: String,
}

/// One algorithm's fixtures.
struct Case {
    alg: &'static str,
    jwt_alg: jwt::Algorithm,
    /// PKCS#8 PEM of the private key.
    pem: &'static str,
    encoding: fn(&[u8]) -> jwt::errors::Result<jwt::EncodingKey>,
    decoding: fn(&[u8]) -> jwt::errors::Result<jwt::DecodingKey>,
}

fn bench_case(c: &mut Criterion, case: &Case, now: u64) {
    let name = case.alg;
    let claims = custom_claims();

    // imza.
    let sig_alg = SignatureAlgorithm::from_jose(name)
        .unwrap()
        .with_ecdsa_encoding(EcdsaEncoding::Fixed);
    let key = SigningKey::from_pkcs8_pem(case.pem)
        .unwrap()
        .with_algorithm(sig_alg)
        .unwrap();
    let spki = key.public_key_spki().to_vec();
    let mut issuer = TokenIssuer::new(ISS, Box::new(key), Some(KID)).unwrap();
    issuer.audience = vec![AUD.into()];
    issuer.lifetime = LIFETIME;
    let verifier = Verifier::new(&[name]).unwrap().key(
        VerifyKey::public(name, &spki)
            .unwrap()
            .with_kid(Some(KID.into())),
    );
    let mut validation = Validation::new(UnixTime::from_secs(now));
    validation.issuer = Some(ISS.into());
    validation.audiences = vec![AUD.into()];
    let at = UnixTime::from_secs(now);

    // jsonwebtoken, over the same key files.
    let public_pem = der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, &spki)
        .expect("public key PEM");
    let enc_key = (case.encoding)(case.pem.as_bytes()).expect("jsonwebtoken EncodingKey");
    let dec_key = (case.decoding)(public_pem.as_bytes()).expect("jsonwebtoken DecodingKey");
    let mut jwt_validation = jwt::Validation::new(case.jwt_alg);
    jwt_validation.set_issuer(&[ISS]);
    jwt_validation.set_audience(&[AUD]);
    jwt_validation.validate_nbf = true;
    jwt_validation.leeway = 60;
    let mut jwt_header = jwt::Header::new(case.jwt_alg);
    jwt_header.kid = Some(KID.into());
    jwt_header.typ = Some("JWT".into());

    let imza_verify = |token: &str| -> Claims {
        let verified = verifier.verify_compact(token).unwrap();
        Claims::validate(&verified, &validation).unwrap()
    };
    let jwt_verify = |token: &str| -> Map<String, Value> {
        jwt::decode::<Map<String, Value>>(token, &dec_key, &jwt_validation)
            .unwrap()
            .claims
    };
    let jwt_verify_typed = |token: &str| -> TypedClaims {
        jwt::decode::<TypedClaims>(token, &dec_key, &jwt_validation)
            .unwrap()
            .claims
    };
    let imza_issue = || issuer.issue(at, &claims).unwrap();
    let jwt_issue = || {
        let mut body = claims.clone();
        body.insert("iss".into(), ISS.into());
        body.insert("aud".into(), AUD.into());
        body.insert("iat".into(), now.into());
        body.insert("nbf".into(), now.into());
        body.insert("exp".into(), (now + LIFETIME).into());
        jwt::encode(&jwt_header, &body, &enc_key).unwrap()
    };

    // Cross-checks: each library accepts the other's token, with the same claims.
    let imza_token = imza_issue();
    let jwt_token = jwt_issue();
    assert_eq!(
        imza_token.len(),
        jwt_token.len(),
        "tokens of different size"
    );
    for token in [&imza_token, &jwt_token] {
        let a = imza_verify(token);
        let b = jwt_verify(token);
        assert_eq!(a.all, b, "{name}: claims differ");
        assert_eq!(jwt_verify_typed(token).sub, "EE38001085718");
    }
    println!("{name}: token of {} bytes", imza_token.len());

    let mut g = c.benchmark_group(format!("verify {name}"));
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (source, token) in [("imza-token", &imza_token), ("jwt-token", &jwt_token)] {
        g.bench_with_input(BenchmarkId::new("imza", source), token, |b, t| {
            b.iter(|| imza_verify(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("jsonwebtoken", source), token, |b, t| {
            b.iter(|| jwt_verify(black_box(t)))
        });
    }
    g.bench_with_input(
        BenchmarkId::new("jsonwebtoken-typed", "imza-token"),
        &imza_token,
        |b, t| b.iter(|| jwt_verify_typed(black_box(t))),
    );
    g.finish();

    let mut g = c.benchmark_group(format!("issue {name}"));
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("imza", |b| b.iter(imza_issue));
    g.bench_function("jsonwebtoken", |b| b.iter(jwt_issue));
    g.finish();
}

fn bench(c: &mut Criterion) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let cases = [
        Case {
            alg: "ES256",
            jwt_alg: jwt::Algorithm::ES256,
            pem: P256_PEM,
            encoding: jwt::EncodingKey::from_ec_pem,
            decoding: jwt::DecodingKey::from_ec_pem,
        },
        Case {
            alg: "RS256",
            jwt_alg: jwt::Algorithm::RS256,
            pem: RSA2048_PEM,
            encoding: jwt::EncodingKey::from_rsa_pem,
            decoding: jwt::DecodingKey::from_rsa_pem,
        },
        Case {
            alg: "EdDSA",
            jwt_alg: jwt::Algorithm::EdDSA,
            pem: ED25519_PEM,
            encoding: jwt::EncodingKey::from_ed_pem,
            decoding: jwt::DecodingKey::from_ed_pem,
        },
    ];
    for case in &cases {
        bench_case(c, case, now);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
