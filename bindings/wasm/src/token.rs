//! Login tokens: JWS/JWT and OpenID Connect ID tokens (`imza token verify --json`), and Web
//! eID authentication tokens (`imza token webeid-verify --json`).

use imza::jose::jws::Verifier;
use imza::jose::jwt::{Claims, IdTokenValidation, Validation};
use imza::jose::{KeySource, VerifiedToken};
use imza::webeid::{self, Challenge, RevocationMode, WebEidOptions};
use imza::{TrustStore, UnixTime};
use wasm_bindgen::prelude::*;

use crate::exchanges::Exchanges;
use crate::options::{self, get, Revocation};
use crate::{json_value, Failure};

/// A key given as a JS object (a JWK or a JWKS) is its JSON; text and bytes as they are.
fn key_bytes(v: &JsValue) -> Result<Vec<u8>, Failure> {
    if let Some(b) = options::bytes_of(v) {
        return Ok(b);
    }
    if v.is_object() {
        if let Ok(s) = js_sys::JSON::stringify(v) {
            if let Some(s) = s.as_string() {
                return Ok(s.into_bytes());
            }
        }
    }
    Err(options::invalid(
        "key is a public key, a certificate, a JWK or a JWKS (text, bytes or object)",
    ))
}

/// The settings shared by `verifyToken` and `verifyIdToken`.
struct TokenOptions {
    keys: Vec<KeySource>,
    algorithms: Vec<String>,
    trust: Option<TrustStore>,
    time: UnixTime,
    leeway: Option<u64>,
}

impl TokenOptions {
    fn from_js(opts: &JsValue) -> Result<Self, Failure> {
        let mut keys = Vec::new();
        for name in ["key", "jwks"] {
            if let Some(v) = get(opts, name) {
                keys.extend(KeySource::parse_all(&key_bytes(&v)?)?);
            }
        }
        let algorithms = options::strings(
            opts,
            "algorithms",
            "algorithms is an array of JOSE alg names",
        )?;
        let trust_items =
            options::byte_list(opts, "trust", "trust must be PEM strings or DER bytes")?;
        let trust = if trust_items.is_empty() {
            None
        } else {
            let mut t = TrustStore::new();
            for item in &trust_items {
                t.add_pem_or_der(item)?;
            }
            Some(t)
        };
        let leeway = match get(opts, "leeway") {
            None => None,
            Some(v) => match v.as_f64() {
                Some(n) if (0.0..=86_400.0).contains(&n) =>
                {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Some(n as u64)
                }
                _ => {
                    return Err(options::invalid(
                        "leeway is a number of seconds (at most a day)",
                    ))
                }
            },
        };
        Ok(Self {
            keys,
            algorithms,
            trust,
            time: options::time(opts, "at")?.unwrap_or_else(options::now),
            leeway,
        })
    }

    fn verify(&self, token: &str) -> Result<imza::jose::jws::Verified, Failure> {
        let algs: Vec<&str> = self.algorithms.iter().map(String::as_str).collect();
        let mut verifier = Verifier::new(&algs).map_err(imza::Error::from)?;
        for alg in &algs {
            for k in &self.keys {
                // A key that does not fit an allowed algorithm is simply not used for it.
                if let Ok(bound) = k.bind(alg) {
                    verifier = verifier.key(bound);
                }
            }
        }
        if let Some(t) = &self.trust {
            verifier = verifier.x5c_trust(t, self.time);
        }
        Ok(verifier
            .verify_compact(token.trim())
            .map_err(imza::Error::from)?)
    }
}

fn token_value(verified: imza::jose::jws::Verified, claims: Claims) -> Result<JsValue, Failure> {
    json_value(&VerifiedToken::new(verified, claims).to_json()?)
}

/// Verifies a compact JWS/JWT: the signature with `options.key` / `options.jwks` under the
/// allow-listed `options.algorithms`, then `exp`, `nbf`, `iat` (with `options.leeway`),
/// `options.iss` and `options.aud`. Returns `{ valid, alg, header, claims }`.
#[wasm_bindgen(js_name = verifyToken)]
pub fn verify_token(jwt: &str, opts: JsValue) -> Result<JsValue, Failure> {
    let t = TokenOptions::from_js(&opts)?;
    let mut v = Validation::new(t.time);
    if let Some(l) = t.leeway {
        v.leeway = l;
    }
    v.issuer = options::string(&opts, "iss", "iss is a string")?;
    v.audiences = options::strings(&opts, "aud", "aud is a string or an array of strings")?;
    let verified = t.verify(jwt)?;
    let claims = Claims::validate(&verified, &v).map_err(imza::Error::from)?;
    token_value(verified, claims)
}

/// Verifies an OpenID Connect ID token (Core §3.1.3.7): the signature as `verifyToken`,
/// then `iss` (`options.iss`, required), `aud` containing `options.clientId`, `exp`,
/// `iat`, and `nonce` when `options.nonce` is given.
#[wasm_bindgen(js_name = verifyIdToken)]
pub fn verify_id_token(jwt: &str, opts: JsValue) -> Result<JsValue, Failure> {
    let t = TokenOptions::from_js(&opts)?;
    let issuer = options::string(&opts, "iss", "iss is a string")?
        .ok_or_else(|| options::invalid("an ID token needs the issuer: iss"))?;
    let client_id = options::string(&opts, "clientId", "clientId is a string")?
        .ok_or_else(|| options::invalid("an ID token needs the client_id: clientId"))?;
    let mut idv = IdTokenValidation::new(t.time, &issuer, &client_id);
    if let Some(l) = t.leeway {
        idv.base.leeway = l;
    }
    idv.nonce = options::string(&opts, "nonce", "nonce is a string")?;
    let verified = t.verify(jwt)?;
    let claims = idv.validate(&verified).map_err(imza::Error::from)?;
    token_value(verified, claims)
}

/// A fresh Web eID challenge from the platform's generator (Web Crypto):
/// `{ nonce, issuedAt, expiresAt }`.
#[wasm_bindgen(js_name = createChallenge)]
pub fn create_challenge(opts: JsValue) -> Result<JsValue, Failure> {
    let now = options::time(&opts, "at")?.unwrap_or_else(options::now);
    let c = Challenge::generate(now)?;
    let o = js_sys::Object::new();
    for (k, v) in [
        ("nonce", c.nonce.clone()),
        ("issuedAt", c.issued_at.to_string()),
        ("expiresAt", c.expires_at.to_string()),
    ] {
        let _ = js_sys::Reflect::set(&o, &k.into(), &v.into());
    }
    Ok(o.into())
}

/// Validates a Web eID token (JSON text) for `options.origin` and `options.challenge`
/// against `options.trust`, one round of the host's network in `exchanges`. Online OCSP
/// requests carry no nonce here: the host's rounds must ask the same question twice.
#[wasm_bindgen(js_name = validateWebEidTokenCore)]
pub fn validate_web_eid_token(
    token: &str,
    opts: JsValue,
    exchanges: &Exchanges,
) -> Result<JsValue, Failure> {
    let origin = options::string(&opts, "origin", "origin is a string")?
        .ok_or_else(|| options::invalid("origin is required"))?;
    let challenge = options::string(&opts, "challenge", "challenge is a string")?
        .ok_or_else(|| options::invalid("challenge is required"))?;
    let mut trust = TrustStore::new();
    for t in options::byte_list(&opts, "trust", "trust must be PEM strings or DER bytes")? {
        trust.add_pem_or_der(&t)?;
    }
    let time = options::time(&opts, "at")?.unwrap_or_else(options::now);
    let revocation = options::revocation(&opts)?;
    let mode = match revocation {
        Revocation::Skip => RevocationMode::Off,
        Revocation::Online => RevocationMode::Online { nonce: None },
        Revocation::Offline => RevocationMode::Offline {
            ocsp_responses: options::byte_list(
                &opts,
                "ocspResponses",
                "ocspResponses must be DER bytes",
            )?,
        },
    };
    let wopts = WebEidOptions::new(time, mode);
    let person = webeid::validate_with_transport(
        token.as_bytes(),
        &origin,
        &challenge,
        &trust,
        &wopts,
        &exchanges.inner,
    )
    .map_err(imza::Error::from)?;
    let json = serde_json::to_string_pretty(&person).map_err(|e| {
        Failure(imza::Error::Malformed {
            what: "JSON output",
            detail: e.to_string(),
        })
    })?;
    json_value(&json)
}
