//! JWS (RFC 7515): compact and flattened JSON serializations, RFC 7797 unencoded payloads
//! through `crit`, signing with any [`Signer`] and verification with keys bound to one
//! algorithm.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use hmac::Mac;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

pub use super::alg::JwsAlgorithm;
use super::jwk::{Jwk, KeyMaterial};
use super::{b64_decode_public, b64_encode, parse_object, JoseError};
use crate::crypto::{self, HashAlgorithm, KeyKind, Message, Policy, PublicKey, Signer};
use crate::path::{self, Purpose};
use crate::time::UnixTime;
use crate::trust::TrustStore;

/// Largest token accepted (compact or JSON).
pub const MAX_TOKEN_LEN: usize = 64 * 1024;
/// Largest protected header accepted, decoded.
pub const MAX_HEADER_LEN: usize = 8 * 1024;
/// Most certificates in an `x5c`.
const MAX_X5C: usize = 8;

enum KeyBytes {
    /// A public key parsed once from its SPKI: its kind and `subjectPublicKey` bits.
    Public {
        kind: KeyKind,
        raw: Vec<u8>,
    },
    Hmac(Zeroizing<Vec<u8>>),
}

/// A verification key bound to exactly one algorithm when it is made: an RS256 key can
/// never be used as an HS256 secret, nor an ES384 key for ES256.
pub struct VerifyKey {
    alg: JwsAlgorithm,
    kid: Option<String>,
    key: KeyBytes,
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyKey")
            .field("alg", &self.alg.name())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl VerifyKey {
    /// A public key (SPKI DER) for a signature algorithm name (`ES256`, `RS256`, `EdDSA` ...).
    pub fn public(alg: &str, spki: &[u8]) -> Result<Self, JoseError> {
        let JwsAlgorithm::Signature(sig) = JwsAlgorithm::from_name(alg)? else {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "{alg} needs a secret, not a public key"
            )));
        };
        let key = PublicKey::from_spki_der(spki).map_err(JoseError::Crypto)?;
        let kind = key.kind();
        let curve_ok = sig.jose_curve().is_none_or(|c| kind == KeyKind::Ec(c));
        if !kind.fits(sig) || !curve_ok {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "a {} key for {alg}",
                kind.describe()
            )));
        }
        if matches!(kind, KeyKind::Rsa { .. }) {
            // An exponent outside RFC 8017 §3.1, or a ROCA modulus (CVE-2017-15361, factorable):
            // a signature under such a key proves nothing.
            if let Some(reason) = super::jwk::rsa_key_problem(key.raw()) {
                return Err(JoseError::Crypto(crate::Error::KeyRejected {
                    reason: reason.into(),
                }));
            }
        }
        Ok(Self {
            alg: JwsAlgorithm::Signature(sig),
            kid: None,
            key: KeyBytes::Public {
                kind,
                raw: key.raw().to_vec(),
            },
        })
    }

    /// An HMAC secret for `HS256`/`HS384`/`HS512`, at least as long as the hash output
    /// (RFC 7518 §3.2). Only this explicit constructor makes an HMAC key.
    pub fn hmac(alg: &str, secret: &[u8]) -> Result<Self, JoseError> {
        let JwsAlgorithm::Hmac(h) = JwsAlgorithm::from_name(alg)? else {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "{alg} is not an HMAC algorithm"
            )));
        };
        if secret.len() < h.output_len() {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "{alg} needs a secret of at least {} bytes",
                h.output_len()
            )));
        }
        Ok(Self {
            alg: JwsAlgorithm::Hmac(h),
            kid: None,
            key: KeyBytes::Hmac(Zeroizing::new(secret.to_vec())),
        })
    }

    /// From a JWK, for `alg` (the JWK's own `alg`, `use` and `key_ops` must allow it).
    pub fn from_jwk(jwk: &Jwk, alg: &str) -> Result<Self, JoseError> {
        if !jwk.usable_for(alg, None) {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "the JWK does not allow {alg}"
            )));
        }
        let k = match &jwk.material {
            KeyMaterial::Public { spki, .. } => Self::public(alg, spki)?,
            KeyMaterial::Secret(s) => Self::hmac(alg, s)?,
            #[allow(unreachable_patterns)]
            _ => return Err(JoseError::KeyMismatch("unknown key material".into())),
        };
        Ok(k.with_kid(jwk.kid.clone()))
    }

    /// Sets the `kid` this key answers to.
    pub fn with_kid(mut self, kid: Option<String>) -> Self {
        self.kid = kid;
        self
    }

    /// The algorithm.
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn verify(&self, input: &[u8], sig: &[u8]) -> Result<(), JoseError> {
        match (&self.key, self.alg) {
            (KeyBytes::Public { kind, raw }, JwsAlgorithm::Signature(a)) => {
                let key = PublicKey::from_parsed(*kind, raw);
                crypto::verify_key(None, &Policy::STRICT, a, &key, Message::Data(input), sig)
                    .map_err(|e| match e {
                        crate::Error::BadSignature => JoseError::BadSignature,
                        other => JoseError::Crypto(other),
                    })
            }
            (KeyBytes::Hmac(secret), JwsAlgorithm::Hmac(h)) => {
                let ok = hmac_verify(h, secret, input, sig);
                if ok {
                    Ok(())
                } else {
                    Err(JoseError::BadSignature)
                }
            }
            _ => Err(JoseError::KeyMismatch("key and algorithm disagree".into())),
        }
    }
}

/// The HMAC tag of `input` under `secret` with hash `h` (SHA-1 never reaches here:
/// [`JwsAlgorithm::from_name`] only makes HS256/384/512).
fn hmac_tag(h: HashAlgorithm, secret: &[u8], input: &[u8]) -> Vec<u8> {
    fn tag<M: Mac + hmac::digest::KeyInit>(secret: &[u8], input: &[u8]) -> Vec<u8> {
        match <M as hmac::digest::KeyInit>::new_from_slice(secret) {
            Ok(mut m) => {
                m.update(input);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    match h {
        HashAlgorithm::Sha384 => tag::<hmac::Hmac<sha2::Sha384>>(secret, input),
        HashAlgorithm::Sha512 => tag::<hmac::Hmac<sha2::Sha512>>(secret, input),
        _ => tag::<hmac::Hmac<sha2::Sha256>>(secret, input),
    }
}

/// HMAC verification: the tag compared with the signature in constant time.
fn hmac_verify(h: HashAlgorithm, secret: &[u8], input: &[u8], sig: &[u8]) -> bool {
    let tag = hmac_tag(h, secret, input);
    !tag.is_empty()
        && tag.len() == sig.len()
        && bool::from(subtle::ConstantTimeEq::ct_eq(tag.as_slice(), sig))
}

/// A verified JWS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The protected header (merged with the unprotected one for the JSON form).
    pub header: Map<String, Value>,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The algorithm that verified it.
    pub alg: &'static str,
}

/// Verifies JWS tokens against configured keys and an algorithm allow-list.
#[derive(Debug, Default)]
pub struct Verifier<'a> {
    keys: Vec<VerifyKey>,
    allowed: Vec<String>,
    x5c: Option<(&'a TrustStore, UnixTime)>,
}

/// `crit` values imza implements.
const UNDERSTOOD_CRIT: &[&str] = &["b64"];

impl<'a> Verifier<'a> {
    /// A verifier allowing exactly `algs` (JOSE names). `none` is refused here too.
    pub fn new(algs: &[&str]) -> Result<Self, JoseError> {
        for a in algs {
            JwsAlgorithm::from_name(a)?;
        }
        Ok(Self {
            keys: Vec::new(),
            allowed: algs.iter().map(|a| String::from(*a)).collect(),
            x5c: None,
        })
    }

    /// Adds a key.
    pub fn key(mut self, key: VerifyKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Accepts keys from an `x5c` header, after full path validation for authentication
    /// against `store` at `time`. Without this, `x5c` is ignored like `jwk`/`jku`/`x5u`.
    pub fn x5c_trust(mut self, store: &'a TrustStore, time: UnixTime) -> Self {
        self.x5c = Some((store, time));
        self
    }

    /// Verifies a compact JWS.
    pub fn verify_compact(&self, token: &str) -> Result<Verified, JoseError> {
        self.verify_compact_detached(token, None)
    }

    /// Verifies a compact JWS whose payload segment is empty and given here (RFC 7515
    /// Appendix F) — or, with `b64: false`, the unencoded payload.
    pub fn verify_compact_detached(
        &self,
        token: &str,
        detached: Option<&[u8]>,
    ) -> Result<Verified, JoseError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(JoseError::TooLarge {
                what: "token",
                limit: MAX_TOKEN_LEN,
            });
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [h, p, s] = parts.as_slice() else {
            return Err(if parts.len() == 5 {
                JoseError::NotAJws
            } else {
                JoseError::Malformed {
                    what: "token",
                    detail: alloc::format!("{} parts; a compact JWS has 3", parts.len()),
                }
            });
        };
        let payload_segment = match detached {
            Some(d) if p.is_empty() => d,
            Some(_) => {
                return Err(JoseError::Malformed {
                    what: "token",
                    detail: "detached content given but the payload segment is not empty".into(),
                })
            }
            None => p.as_bytes(),
        };
        let sig = b64_decode_public("signature", s)?;
        self.verify_parts(h, None, payload_segment, &sig)
    }

    /// Verifies the flattened JSON serialization (RFC 7515 §7.2.2).
    pub fn verify_flattened(&self, json: &[u8]) -> Result<Verified, JoseError> {
        if json.len() > MAX_TOKEN_LEN {
            return Err(JoseError::TooLarge {
                what: "token",
                limit: MAX_TOKEN_LEN,
            });
        }
        let m = parse_object("JWS JSON", json)?;
        if m.contains_key("signatures") {
            return Err(JoseError::Malformed {
                what: "JWS JSON",
                detail: "general serialization with several signatures is not supported".into(),
            });
        }
        if m.contains_key("ciphertext") {
            return Err(JoseError::NotAJws);
        }
        let get = |k: &'static str| match m.get(k) {
            Some(Value::String(s)) => Ok(s.as_str()),
            _ => Err(JoseError::Malformed {
                what: "JWS JSON",
                detail: alloc::format!("{k} is missing or not a string"),
            }),
        };
        let unprotected = match m.get("header") {
            None => None,
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                return Err(JoseError::Malformed {
                    what: "JWS JSON",
                    detail: "header is not an object".into(),
                })
            }
        };
        let sig = b64_decode_public("signature", get("signature")?)?;
        self.verify_parts(
            get("protected")?,
            unprotected,
            get("payload")?.as_bytes(),
            &sig,
        )
    }

    fn verify_parts(
        &self,
        protected_b64: &str,
        unprotected: Option<&Map<String, Value>>,
        payload_segment: &[u8],
        sig: &[u8],
    ) -> Result<Verified, JoseError> {
        let header_bytes = b64_decode_public("header", protected_b64)?;
        if header_bytes.len() > MAX_HEADER_LEN {
            return Err(JoseError::TooLarge {
                what: "header",
                limit: MAX_HEADER_LEN,
            });
        }
        let protected = parse_object("header", &header_bytes)?;
        let alg = match protected.get("alg") {
            Some(Value::String(a)) => a.as_str(),
            Some(_) => {
                return Err(JoseError::Malformed {
                    what: "header",
                    detail: "alg is not a string".into(),
                })
            }
            None => {
                return Err(JoseError::Malformed {
                    what: "header",
                    detail: "alg is missing from the protected header".into(),
                })
            }
        };
        if alg.eq_ignore_ascii_case("none") || !self.allowed.iter().any(|a| a == alg) {
            return Err(JoseError::AlgorithmNotAllowed(alg.into()));
        }
        let jws_alg = JwsAlgorithm::from_name(alg)?;
        // crit (RFC 7515 §4.1.11): a non-empty array of names present in the protected
        // header, each one understood.
        let mut b64 = true;
        if let Some(crit) = protected.get("crit") {
            let Value::Array(names) = crit else {
                return Err(JoseError::UnsupportedCritical(
                    "crit is not an array".into(),
                ));
            };
            if names.is_empty() {
                return Err(JoseError::UnsupportedCritical("crit is empty".into()));
            }
            for n in names {
                let Some(name) = n.as_str() else {
                    return Err(JoseError::UnsupportedCritical(
                        "a crit entry is not a string".into(),
                    ));
                };
                if !UNDERSTOOD_CRIT.contains(&name) || !protected.contains_key(name) {
                    return Err(JoseError::UnsupportedCritical(name.into()));
                }
            }
        }
        match protected.get("b64") {
            None => {}
            Some(Value::Bool(v)) => {
                // RFC 7797 §6: b64 must be listed in crit.
                let in_crit = protected
                    .get("crit")
                    .and_then(Value::as_array)
                    .is_some_and(|c| c.iter().any(|n| n.as_str() == Some("b64")));
                if !in_crit {
                    return Err(JoseError::UnsupportedCritical("b64 without crit".into()));
                }
                b64 = *v;
            }
            Some(_) => {
                return Err(JoseError::Malformed {
                    what: "header",
                    detail: "b64 is not a boolean".into(),
                })
            }
        }
        // Moved, not cloned: `alg` below is `jws_alg.name()`, not a borrow of `protected`.
        let mut header = protected;
        if let Some(u) = unprotected {
            for (k, v) in u {
                // RFC 7515 §7.2.1: the two headers are disjoint; crit and b64 only protected.
                // typ and cty too: explicit typing (RFC 8725 §3.11) keeps one kind of JWT
                // from passing for another only if the type is under the signature, and an
                // unprotected typ could be added by anyone.
                if header.contains_key(k)
                    || matches!(k.as_str(), "crit" | "b64" | "alg" | "typ" | "cty")
                {
                    return Err(JoseError::Malformed {
                        what: "header",
                        detail: alloc::format!("{k} in the unprotected header"),
                    });
                }
                header.insert(k.clone(), v.clone());
            }
        }
        let payload = if b64 {
            let s = core::str::from_utf8(payload_segment).map_err(|_| JoseError::Malformed {
                what: "payload",
                detail: "not base64url".into(),
            })?;
            b64_decode_public("payload", s)?
        } else {
            // RFC 7797 §5.2: a '.' only rules out the *attached compact* form, which the
            // three-part split above already refuses; the JSON serialization and detached
            // content may carry any payload (RFC 7797 §4.2's own example is "$.02").
            payload_segment.to_vec()
        };
        let mut input = Vec::with_capacity(protected_b64.len() + 1 + payload_segment.len());
        input.extend_from_slice(protected_b64.as_bytes());
        input.push(b'.');
        input.extend_from_slice(payload_segment);

        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.as_str()),
            Some(_) => {
                return Err(JoseError::Malformed {
                    what: "header",
                    detail: "kid is not a string".into(),
                })
            }
        };
        // jwk, jku and x5u are never used: a key the token brings proves nothing.
        if let (Some((store, time)), Some(x5c)) = (self.x5c, header.get("x5c")) {
            let key = x5c_key(x5c, store, time, jws_alg.name())?;
            key.verify(&input, sig)?;
        } else {
            let mut candidates = self.keys.iter().filter(|k| {
                k.alg == jws_alg
                    && kid.is_none_or(|want| k.kid.as_deref().is_none_or(|have| have == want))
            });
            let key = match (candidates.next(), candidates.next()) {
                (Some(k), None) => k,
                (None, _) => return Err(JoseError::NoMatchingKey),
                (Some(_), Some(_)) => return Err(JoseError::AmbiguousKey),
            };
            key.verify(&input, sig)?;
        }
        Ok(Verified {
            header,
            payload,
            alg: jws_alg.name(),
        })
    }
}

/// The leaf key of an `x5c` chain, validated for authentication.
fn x5c_key(
    x5c: &Value,
    store: &TrustStore,
    time: UnixTime,
    alg: &str,
) -> Result<VerifyKey, JoseError> {
    let Value::Array(certs) = x5c else {
        return Err(JoseError::Malformed {
            what: "header",
            detail: "x5c is not an array".into(),
        });
    };
    if certs.is_empty() || certs.len() > MAX_X5C {
        return Err(JoseError::Malformed {
            what: "header",
            detail: "x5c must hold 1 to 8 certificates".into(),
        });
    }
    let mut ders = Vec::new();
    for c in certs {
        // x5c is standard base64 with padding (RFC 7515 §4.1.6), not base64url.
        let s = c.as_str().ok_or_else(|| JoseError::Malformed {
            what: "header",
            detail: "x5c entry is not a string".into(),
        })?;
        let der = <base64ct::Base64 as base64ct::Encoding>::decode_vec(s).map_err(|_| {
            JoseError::Malformed {
                what: "header",
                detail: "x5c entry is not base64".into(),
            }
        })?;
        ders.push(der);
    }
    let (leaf, rest) = ders.split_first().ok_or(JoseError::NoMatchingKey)?;
    let pool: Vec<&[u8]> = rest.iter().map(Vec::as_slice).collect();
    let valid = path::validate(
        leaf,
        &pool,
        store,
        &path::Options::new(time, Purpose::Authentication),
    )
    .map_err(|e| JoseError::Certificate(alloc::format!("{e}")))?;
    let leaf = valid.certs.first().ok_or(JoseError::NoMatchingKey)?;
    VerifyKey::public(alg, &leaf.spki)
}

/// Signs `payload` as a compact JWS with `signer`, adding `alg` (and `kid` when given) to
/// `header`. ECDSA signers must produce the fixed r||s encoding JOSE uses.
pub fn sign_compact(
    signer: &dyn Signer,
    kid: Option<&str>,
    mut header: Map<String, Value>,
    payload: &[u8],
) -> Result<String, JoseError> {
    let alg = signer.algorithm().jose_name().ok_or_else(|| {
        JoseError::KeyMismatch(alloc::format!(
            "{} has no JOSE name (ECDSA must use the r||s encoding)",
            signer.algorithm()
        ))
    })?;
    header.insert("alg".into(), alg.into());
    if let Some(k) = kid {
        header.insert("kid".into(), k.into());
    }
    let h = b64_encode(Value::Object(header).to_string().as_bytes());
    let mut out = alloc::format!("{h}.{}", b64_encode(payload));
    let sig = signer.sign(out.as_bytes()).map_err(JoseError::Crypto)?;
    out.push('.');
    out.push_str(&b64_encode(&sig));
    Ok(out)
}

/// Signs `payload` as a compact JWS with an HMAC secret (`HS256`/`HS384`/`HS512`).
pub fn sign_compact_hmac(
    alg: &str,
    secret: &[u8],
    kid: Option<&str>,
    mut header: Map<String, Value>,
    payload: &[u8],
) -> Result<String, JoseError> {
    let key = VerifyKey::hmac(alg, secret)?;
    header.insert("alg".into(), alg.into());
    if let Some(k) = kid {
        header.insert("kid".into(), k.into());
    }
    let h = b64_encode(Value::Object(header).to_string().as_bytes());
    let mut out = alloc::format!("{h}.{}", b64_encode(payload));
    let JwsAlgorithm::Hmac(h) = key.alg else {
        return Err(JoseError::KeyMismatch(alloc::format!(
            "{alg} is not an HMAC algorithm"
        )));
    };
    let sig = hmac_tag(h, secret, out.as_bytes());
    out.push('.');
    out.push_str(&b64_encode(&sig));
    Ok(out)
}
