//! JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037) and key sets, thumbprints (RFC 7638),
//! key selection, and a JWKS cache that fetches through the transport.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use der::asn1::{BitStringRef, UintRef};
use der::Encode;
use serde_json::{Map, Value};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::alg::JwsAlgorithm;
use super::{b64_decode, b64_encode, parse_object, JoseError};
use crate::crypto::alg::oids;
use crate::crypto::{digest, Curve, HashAlgorithm, KeyKind, PublicKey};
use crate::time::UnixTime;
use crate::transport::{Method, Request, Transport};

/// Most keys accepted in one JWKS.
pub const MAX_JWKS_KEYS: usize = 100;
/// Largest JWKS document accepted.
pub const MAX_JWKS_LEN: usize = 256 * 1024;

/// The key material of a JWK.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyMaterial {
    /// A public key as SubjectPublicKeyInfo DER (EC, RSA, OKP/Ed25519).
    Public {
        /// SPKI DER.
        spki: Vec<u8>,
        /// Its kind.
        kind: KeyKind,
    },
    /// A symmetric key (`kty: oct`), zeroized on drop.
    Secret(Zeroizing<Vec<u8>>),
}

/// A JSON Web Key (public, or an HMAC secret).
#[derive(Clone, PartialEq, Eq)]
pub struct Jwk {
    /// `kid`.
    pub kid: Option<String>,
    /// `alg`.
    pub alg: Option<String>,
    /// `use`.
    pub use_: Option<String>,
    /// `key_ops`.
    pub key_ops: Option<Vec<String>>,
    /// The key.
    pub material: KeyMaterial,
}

impl fmt::Debug for KeyMaterial {
    /// Never prints a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Public { kind, .. } => write!(f, "Public({})", kind.describe()),
            Self::Secret(_) => f.write_str("Secret(<redacted>)"),
        }
    }
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.material {
            KeyMaterial::Public { kind, .. } => kind.describe(),
            KeyMaterial::Secret(_) => "oct <redacted>".into(),
        };
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("key", &kind)
            .finish()
    }
}

fn bad(what: &'static str, detail: impl Into<String>) -> JoseError {
    JoseError::Malformed {
        what,
        detail: detail.into(),
    }
}

fn str_member<'a>(
    m: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, JoseError> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad("JWK", alloc::format!("{name} is not a string"))),
    }
}

fn b64_member(m: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, JoseError> {
    let s = str_member(m, name)?.ok_or_else(|| bad("JWK", alloc::format!("{name} is missing")))?;
    b64_decode("JWK member", s)
}

fn curve_by_name(crv: &str) -> Option<Curve> {
    [Curve::P256, Curve::P384, Curve::P521]
        .into_iter()
        .find(|c| c.name() == crv)
}

fn enc_err(e: der::Error) -> JoseError {
    bad("JWK", alloc::format!("{e}"))
}

/// SPKI DER for an EC point, checked to be on the curve.
fn ec_spki(curve: Curve, x: &[u8], y: &[u8]) -> Result<Vec<u8>, JoseError> {
    let n = curve.field_len();
    if x.len() != n || y.len() != n {
        return Err(bad(
            "JWK",
            alloc::format!("x and y must be {n} bytes for {}", curve.name()),
        ));
    }
    let mut point = Vec::with_capacity(1 + 2 * n);
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    let on_curve = match curve {
        Curve::P256 => p256::PublicKey::from_sec1_bytes(&point).is_ok(),
        Curve::P384 => p384::PublicKey::from_sec1_bytes(&point).is_ok(),
        Curve::P521 => p521::PublicKey::from_sec1_bytes(&point).is_ok(),
    };
    if !on_curve {
        return Err(bad("JWK", "the point is not on the curve"));
    }
    let oid = curve.oid();
    spki_der(
        oids::EC_PUBLIC_KEY,
        Some(der::asn1::AnyRef::from(&oid)),
        &point,
    )
}

fn spki_der(
    oid: const_oid::ObjectIdentifier,
    params: Option<der::asn1::AnyRef<'_>>,
    key: &[u8],
) -> Result<Vec<u8>, JoseError> {
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid,
            parameters: params,
        },
        subject_public_key: BitStringRef::from_bytes(key).map_err(enc_err)?,
    }
    .to_der()
    .map_err(enc_err)
}

impl Jwk {
    /// Parses one JWK from JSON.
    pub fn from_json(json: &[u8]) -> Result<Self, JoseError> {
        Self::from_map(&parse_object("JWK", json)?)
    }

    fn from_map(m: &Map<String, Value>) -> Result<Self, JoseError> {
        let kty = str_member(m, "kty")?.ok_or_else(|| bad("JWK", "kty is missing"))?;
        let material = match kty {
            "EC" => {
                let crv = str_member(m, "crv")?.ok_or_else(|| bad("JWK", "crv is missing"))?;
                let curve = curve_by_name(crv)
                    .ok_or_else(|| bad("JWK", alloc::format!("unsupported curve {crv:?}")))?;
                if m.contains_key("d") {
                    return Err(bad(
                        "JWK",
                        "a private key was given where a public key is expected",
                    ));
                }
                let spki = ec_spki(curve, &b64_member(m, "x")?, &b64_member(m, "y")?)?;
                KeyMaterial::Public {
                    spki,
                    kind: KeyKind::Ec(curve),
                }
            }
            "RSA" => {
                if m.contains_key("d") {
                    return Err(bad(
                        "JWK",
                        "a private key was given where a public key is expected",
                    ));
                }
                let n = b64_member(m, "n")?;
                let e = b64_member(m, "e")?;
                let rsa = rsa::pkcs1::RsaPublicKey {
                    modulus: UintRef::new(&n).map_err(enc_err)?,
                    public_exponent: UintRef::new(&e).map_err(enc_err)?,
                }
                .to_der()
                .map_err(enc_err)?;
                let null = der::asn1::AnyRef::from(der::asn1::Null);
                let spki = spki_der(oids::RSA_ENCRYPTION, Some(null), &rsa)?;
                let kind = PublicKey::from_spki_der(&spki)
                    .map_err(JoseError::Crypto)?
                    .kind();
                KeyMaterial::Public { spki, kind }
            }
            "OKP" => {
                let crv = str_member(m, "crv")?.ok_or_else(|| bad("JWK", "crv is missing"))?;
                if crv != "Ed25519" {
                    return Err(bad("JWK", alloc::format!("unsupported OKP curve {crv:?}")));
                }
                if m.contains_key("d") {
                    return Err(bad(
                        "JWK",
                        "a private key was given where a public key is expected",
                    ));
                }
                let x = b64_member(m, "x")?;
                if x.len() != 32 {
                    return Err(bad("JWK", "Ed25519 x must be 32 bytes"));
                }
                KeyMaterial::Public {
                    spki: spki_der(oids::ED25519, None, &x)?,
                    kind: KeyKind::Ed25519,
                }
            }
            "oct" => KeyMaterial::Secret(Zeroizing::new(b64_member(m, "k")?)),
            other => return Err(bad("JWK", alloc::format!("unsupported kty {other:?}"))),
        };
        let key_ops = match m.get("key_ops") {
            None => None,
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|v| {
                        v.as_str()
                            .map(String::from)
                            .ok_or_else(|| bad("JWK", "key_ops entry is not a string"))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => return Err(bad("JWK", "key_ops is not an array")),
        };
        Ok(Self {
            kid: str_member(m, "kid")?.map(String::from),
            alg: str_member(m, "alg")?.map(String::from),
            use_: str_member(m, "use")?.map(String::from),
            key_ops,
            material,
        })
    }

    /// A public JWK for a SubjectPublicKeyInfo.
    pub fn from_spki(spki: &[u8]) -> Result<Self, JoseError> {
        let kind = PublicKey::from_spki_der(spki)
            .map_err(JoseError::Crypto)?
            .kind();
        Ok(Self {
            kid: None,
            alg: None,
            use_: None,
            key_ops: None,
            material: KeyMaterial::Public {
                spki: spki.to_vec(),
                kind,
            },
        })
    }

    /// The required members of RFC 7638 §3.2, for thumbprints and publishing.
    fn required_members(&self) -> Result<Vec<(&'static str, String)>, JoseError> {
        match &self.material {
            KeyMaterial::Secret(k) => Ok(alloc::vec![("k", b64_encode(k)), ("kty", "oct".into())]),
            KeyMaterial::Public { spki, kind } => {
                let key = PublicKey::from_spki_der(spki).map_err(JoseError::Crypto)?;
                let raw = key.raw();
                match kind {
                    KeyKind::Ec(curve) => {
                        let n = curve.field_len();
                        let uncompressed = match curve {
                            Curve::P256 => p256::PublicKey::from_sec1_bytes(raw).map(|k| {
                                p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                                    &k, false,
                                )
                                .as_bytes()
                                .to_vec()
                            }),
                            Curve::P384 => p384::PublicKey::from_sec1_bytes(raw).map(|k| {
                                p384::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                                    &k, false,
                                )
                                .as_bytes()
                                .to_vec()
                            }),
                            Curve::P521 => p521::PublicKey::from_sec1_bytes(raw).map(|k| {
                                p521::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                                    &k, false,
                                )
                                .as_bytes()
                                .to_vec()
                            }),
                        }
                        .map_err(|_| bad("JWK", "the point is not on the curve"))?;
                        let x = uncompressed.get(1..1 + n).unwrap_or(&[]);
                        let y = uncompressed.get(1 + n..).unwrap_or(&[]);
                        Ok(alloc::vec![
                            ("crv", curve.name().into()),
                            ("kty", "EC".into()),
                            ("x", b64_encode(x)),
                            ("y", b64_encode(y)),
                        ])
                    }
                    KeyKind::Rsa { .. } => {
                        let k = <rsa::pkcs1::RsaPublicKey<'_> as der::Decode>::from_der(raw)
                            .map_err(enc_err)?;
                        Ok(alloc::vec![
                            ("e", b64_encode(k.public_exponent.as_bytes())),
                            ("kty", "RSA".into()),
                            ("n", b64_encode(k.modulus.as_bytes())),
                        ])
                    }
                    KeyKind::Ed25519 => Ok(alloc::vec![
                        ("crv", "Ed25519".into()),
                        ("kty", "OKP".into()),
                        ("x", b64_encode(raw)),
                    ]),
                }
            }
        }
    }

    /// The RFC 7638 thumbprint: SHA-256 over the required members in lexical order,
    /// base64url.
    pub fn thumbprint(&self) -> Result<String, JoseError> {
        let members = self.required_members()?;
        let mut json = String::from("{");
        for (i, (k, v)) in members.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&alloc::format!("\"{k}\":\"{v}\""));
        }
        json.push('}');
        Ok(b64_encode(
            digest(HashAlgorithm::Sha256, json.as_bytes()).as_ref(),
        ))
    }

    /// The public JWK as a JSON object (a secret key is refused: it is never published).
    pub fn to_public_json(&self) -> Result<Map<String, Value>, JoseError> {
        if matches!(self.material, KeyMaterial::Secret(_)) {
            return Err(bad("JWK", "a symmetric key is never published"));
        }
        let mut m = Map::new();
        for (k, v) in self.required_members()? {
            m.insert(k.into(), Value::String(v));
        }
        if let Some(kid) = &self.kid {
            m.insert("kid".into(), kid.clone().into());
        }
        if let Some(alg) = &self.alg {
            m.insert("alg".into(), alg.clone().into());
        }
        if let Some(u) = &self.use_ {
            m.insert("use".into(), u.clone().into());
        }
        Ok(m)
    }

    /// Whether this JWK may verify a token with `alg` and `kid` (RFC 7517 §4.2-4.5): its own
    /// `alg` equal when present, `use` is `sig` when present, `key_ops` contains `verify`
    /// when present, and `kid` equal when the token names one.
    pub fn usable_for(&self, alg: &str, kid: Option<&str>) -> bool {
        self.alg.as_deref().is_none_or(|a| a == alg)
            && self.use_.as_deref().is_none_or(|u| u == "sig")
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|o| o == "verify"))
            && kid.is_none_or(|k| self.kid.as_deref() == Some(k))
    }
}

/// A JSON Web Key Set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jwks {
    /// The keys imza understood; keys of unknown types are skipped (RFC 7517 §5).
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Parses a JWKS document.
    pub fn from_json(json: &[u8]) -> Result<Self, JoseError> {
        if json.len() > MAX_JWKS_LEN {
            return Err(JoseError::TooLarge {
                what: "JWKS",
                limit: MAX_JWKS_LEN,
            });
        }
        let m = parse_object("JWKS", json)?;
        let Some(Value::Array(keys)) = m.get("keys") else {
            return Err(bad("JWKS", "keys is missing or not an array"));
        };
        if keys.len() > MAX_JWKS_KEYS {
            return Err(JoseError::TooLarge {
                what: "JWKS keys",
                limit: MAX_JWKS_KEYS,
            });
        }
        let mut out = Vec::new();
        for k in keys {
            let Value::Object(obj) = k else {
                return Err(bad("JWKS", "a key is not an object"));
            };
            match Jwk::from_map(obj) {
                Ok(jwk) => out.push(jwk),
                // Unknown key types and curves are skipped, as RFC 7517 §5 asks; a key of a
                // known type that is broken fails the whole set.
                Err(JoseError::Malformed { detail, .. }) if detail.starts_with("unsupported") => {}
                Err(e) => return Err(e),
            }
        }
        // A set holding both symmetric and public keys is refused (Wycheproof
        // "MixedKeySet"): a secret next to public keys means either a published document that
        // leaks the secret (RFC 7517 §9: symmetric keys must not be disclosed) or a
        // configuration merged by mistake, and both invite key/algorithm confusion.
        let secrets = out
            .iter()
            .filter(|k| matches!(k.material, KeyMaterial::Secret(_)))
            .count();
        if secrets != 0 && secrets != out.len() {
            return Err(bad("JWKS", "the set mixes symmetric (oct) and public keys"));
        }
        Ok(Self { keys: out })
    }

    /// The JWKS document.
    pub fn to_json(&self) -> Result<String, JoseError> {
        let keys = self
            .keys
            .iter()
            .map(|k| k.to_public_json().map(Value::Object))
            .collect::<Result<Vec<_>, _>>()?;
        let mut m = Map::new();
        m.insert("keys".into(), Value::Array(keys));
        Ok(Value::Object(m).to_string())
    }

    /// The one key usable for `alg` / `kid`; none is [`JoseError::NoMatchingKey`], several
    /// [`JoseError::AmbiguousKey`].
    pub fn select(&self, alg: &str, kid: Option<&str>) -> Result<&Jwk, JoseError> {
        let mut found = self
            .keys
            .iter()
            .filter(|k| k.usable_for(alg, kid) && kind_fits(k, alg));
        match (found.next(), found.next()) {
            (Some(k), None) => Ok(k),
            (None, _) => Err(JoseError::NoMatchingKey),
            (Some(_), Some(_)) => Err(JoseError::AmbiguousKey),
        }
    }
}

fn kind_fits(k: &Jwk, alg: &str) -> bool {
    match (&k.material, JwsAlgorithm::from_name(alg)) {
        (KeyMaterial::Secret(_), Ok(JwsAlgorithm::Hmac(_))) => true,
        (KeyMaterial::Public { kind, .. }, Ok(JwsAlgorithm::Signature(a))) => {
            kind.fits(a) && a.jose_curve().is_none_or(|c| *kind == KeyKind::Ec(c))
        }
        _ => false,
    }
}

/// A JWKS fetched from a URL and kept for `max_age`; an unknown `kid` triggers at most one
/// refresh per `cooldown`, so a flood of tokens with random `kid`s cannot make imza hammer
/// the identity provider.
#[derive(Debug)]
pub struct JwksCache {
    url: String,
    /// How long a fetched set is used.
    pub max_age: Duration,
    /// Least time between refreshes triggered by unknown `kid`s.
    pub cooldown: Duration,
    /// Per-fetch timeout.
    pub timeout: Duration,
    set: Option<Jwks>,
    fetched_at: Option<UnixTime>,
}

impl JwksCache {
    /// A cache for `url` with the defaults: 600 s max age, 30 s cooldown, 10 s timeout.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.into(),
            max_age: Duration::from_secs(600),
            cooldown: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            set: None,
            fetched_at: None,
        }
    }

    fn fetch(&mut self, transport: &dyn Transport, now: UnixTime) -> Result<(), JoseError> {
        let resp = transport
            .send(&Request {
                method: Method::Get,
                url: &self.url,
                headers: &[("Accept", "application/json")],
                body: &[],
                timeout: self.timeout,
                max_response_len: MAX_JWKS_LEN,
            })
            .map_err(JoseError::Crypto)?;
        if resp.status != 200 {
            return Err(JoseError::Crypto(crate::Error::Transport {
                reason: alloc::format!("JWKS: HTTP status {}", resp.status),
            }));
        }
        let set = Jwks::from_json(&resp.body)?;
        // A key set fetched from a URL is public: an HMAC secret in it is known to anyone
        // who can fetch it, and an HS256 token "verified" with it proves nothing (RFC 7517
        // §9). Such a set is refused, not filtered, because the provider is misconfigured.
        if set
            .keys
            .iter()
            .any(|k| matches!(k.material, KeyMaterial::Secret(_)))
        {
            return Err(bad("JWKS", "a fetched key set holds a symmetric (oct) key"));
        }
        self.set = Some(set);
        self.fetched_at = Some(now);
        Ok(())
    }

    /// The key for a token's `alg`/`kid`, fetching or refreshing as the rules allow.
    pub fn key(
        &mut self,
        transport: &dyn Transport,
        now: UnixTime,
        alg: &str,
        kid: Option<&str>,
    ) -> Result<Jwk, JoseError> {
        let age = |at: Option<UnixTime>| at.map(|t| now.as_secs().saturating_sub(t.as_secs()));
        if self.set.is_none() || age(self.fetched_at).is_some_and(|a| a >= self.max_age.as_secs()) {
            self.fetch(transport, now)?;
        }
        let found = self.set.as_ref().map(|s| s.select(alg, kid).cloned());
        match found {
            Some(Ok(k)) => Ok(k),
            Some(Err(JoseError::NoMatchingKey))
                if age(self.fetched_at).is_some_and(|a| a >= self.cooldown.as_secs()) =>
            {
                self.fetch(transport, now)?;
                self.set
                    .as_ref()
                    .ok_or(JoseError::NoMatchingKey)?
                    .select(alg, kid)
                    .cloned()
            }
            Some(Err(e)) => Err(e),
            None => Err(JoseError::NoMatchingKey),
        }
    }
}

/// Why an RSA public key (PKCS#1 `RSAPublicKey` DER) must not verify anything, if it must not:
/// a public exponent outside RFC 8017 §3.1 (odd, 3 <= e <= n - 1; e = 1 makes every
/// "signature" its own padded message), or the ROCA fingerprint (CVE-2017-15361).
pub(crate) fn rsa_key_problem(rsa_public_key: &[u8]) -> Option<&'static str> {
    let Ok(key) = <rsa::pkcs1::RsaPublicKey<'_> as der::Decode>::from_der(rsa_public_key) else {
        return Some("the RSA public key does not parse");
    };
    let n = key.modulus.as_bytes();
    let e = key.public_exponent.as_bytes();
    let odd = e.last().is_some_and(|b| b & 1 == 1);
    let at_least_3 = e.len() > 1 || e.first().is_some_and(|&b| b >= 3);
    // Both are big-endian without leading zeros: compare by length, then lexically.
    let below_n = e.len() < n.len() || (e.len() == n.len() && e < n);
    if !(odd && at_least_3 && below_n) {
        return Some("the RSA public exponent must be odd and 3 <= e < n (RFC 8017 §3.1)");
    }
    if has_roca_fingerprint(n) {
        return Some("the RSA modulus has the ROCA fingerprint (CVE-2017-15361)");
    }
    None
}

/// Whether an RSA modulus (big-endian) has the ROCA fingerprint (CVE-2017-15361; Nemec et
/// al., "The Return of Coppersmith's Attack", CCS 2017): for each small prime `p` of the
/// published detector, the modulus mod `p` lies in the subgroup that 65537 generates mod `p`.
/// A modulus from a sound generator fails this for some prime with overwhelming
/// probability; one from the flawed Infineon generator always passes it.
fn has_roca_fingerprint(n: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    PRIMES.iter().all(|&p| {
        let r = n
            .iter()
            .fold(0u32, |acc, &b| (acc * 256 + u32::from(b)) % p);
        let g = 65_537 % p;
        let mut x = 1;
        loop {
            if x == r {
                return true;
            }
            x = x * g % p;
            if x == 1 {
                return false;
            }
        }
    })
}

/// `kid` values an issuer derives from its keys: the RFC 7638 thumbprint.
pub fn default_kid(spki: &[u8]) -> Result<String, JoseError> {
    Jwk::from_spki(spki)?.thumbprint()
}

impl fmt::Display for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_json() {
            Ok(s) => f.write_str(&s),
            Err(_) => f.write_str("{\"keys\":[]}"),
        }
    }
}
