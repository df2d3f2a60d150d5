//! JOSE: JWS (RFC 7515, RFC 7797), JWK/JWKS (RFC 7517, 7518, 7638, 8037), JWT (RFC 7519)
//! and OpenID Connect ID tokens, and the issuing side of single sign-on.
//!
//! The defences are structural, not options: keys are bound to one algorithm when they are
//! made ([`jws::VerifyKey`]), the verifier takes an explicit algorithm allow-list, `none` is
//! not an algorithm here, keys named in a token header (`jwk`, `jku`, `x5u`) are never used,
//! `x5c` only with a trust store, unknown `crit` entries are refused, and a malformed claim
//! is an error rather than an absent one.

mod alg;
pub mod jwk;
pub mod jws;
pub mod jwt;
mod keys;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};

pub use crate::error::{ClaimError, JoseError};
pub use keys::{KeySource, VerifiedToken};

/// base64url without padding (RFC 7515 §2), strict: padding, other alphabets and
/// non-canonical trailing bits are refused.
pub(crate) fn b64_decode(what: &'static str, s: &str) -> Result<Vec<u8>, JoseError> {
    Base64UrlUnpadded::decode_vec(s).map_err(|_| JoseError::Malformed {
        what,
        detail: "not unpadded base64url".into(),
    })
}

/// base64url without padding, for public data (JWS header, payload and signature
/// segments), with the same strictness as [`b64_decode`]: no padding, no other alphabet, no
/// non-canonical trailing bits. It is not constant-time: base64ct's constant-time decoder
/// costs about three times the instructions, which is worth paying for secrets (JWK `k`)
/// but not for the public parts of a token.
pub(crate) fn b64_decode_public(what: &'static str, s: &str) -> Result<Vec<u8>, JoseError> {
    /// Sextet values of the base64url alphabet; 0xff elsewhere. Built at compile time, so
    /// the indexing below cannot panic at run time.
    #[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
    const TABLE: [u8; 256] = {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut t = [0xffu8; 256];
        let mut i = 0;
        while i < 64 {
            t[alphabet[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    // Invalid characters map to 0xff: OR-ing the sextets and testing the high bit checks a
    // whole group at once.
    let sextet = |c: &u8| TABLE.get(usize::from(*c)).copied().unwrap_or(0xff);
    let bad = || JoseError::Malformed {
        what,
        detail: "not unpadded base64url".into(),
    };
    let input = s.as_bytes();
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    let mut quads = input.chunks_exact(4);
    for q in &mut quads {
        let [a, b, c, d] = [0, 1, 2, 3].map(|i| q.get(i).map_or(0xff, sextet));
        if (a | b | c | d) & 0x80 != 0 {
            return Err(bad());
        }
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        let [_, x, y, z] = n.to_be_bytes();
        out.extend_from_slice(&[x, y, z]);
    }
    match quads.remainder() {
        [] => {}
        [a, b] => {
            let (a, b) = (sextet(a), sextet(b));
            // The unused low 4 bits must be zero (canonical encoding).
            if (a | b) & 0x80 != 0 || b & 0x0f != 0 {
                return Err(bad());
            }
            out.push(a << 2 | b >> 4);
        }
        [a, b, c] => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            // The unused low 2 bits must be zero (canonical encoding).
            if (a | b | c) & 0x80 != 0 || c & 0x03 != 0 {
                return Err(bad());
            }
            let n = u32::from(a) << 12 | u32::from(b) << 6 | u32::from(c);
            let [_, _, x, y] = (n >> 2).to_be_bytes();
            out.extend_from_slice(&[x, y]);
        }
        _ => return Err(bad()),
    }
    Ok(out)
}

/// base64url without padding.
pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Most members in one JSON object and deepest nesting accepted in headers, claims and JWKs.
const MAX_JSON_MEMBERS: usize = 1000;
const MAX_JSON_DEPTH: usize = 32;

/// Parses a JSON object, refusing duplicate member names (RFC 7515 §4, RFC 7519 §4: a
/// parser that keeps the last of two `alg`s is how header confusion starts) and deep
/// nesting.
pub(crate) fn parse_object(
    what: &'static str,
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, JoseError> {
    let bad = |detail: String| JoseError::Malformed { what, detail };
    let value: StrictValue =
        serde_json::from_slice(bytes).map_err(|e| bad(alloc::format!("{e}")))?;
    check_depth(&value.0, 0).map_err(|()| bad("nested too deeply".into()))?;
    match value.0 {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(bad("not a JSON object".into())),
    }
}

fn check_depth(v: &serde_json::Value, depth: usize) -> Result<(), ()> {
    if depth > MAX_JSON_DEPTH {
        return Err(());
    }
    match v {
        serde_json::Value::Array(a) => a.iter().try_for_each(|x| check_depth(x, depth + 1)),
        serde_json::Value::Object(o) => o.values().try_for_each(|x| check_depth(x, depth + 1)),
        _ => Ok(()),
    }
}

/// A JSON value whose objects have unique member names.
struct StrictValue(serde_json::Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            if out.len() == MAX_JSON_MEMBERS {
                return Err(serde::de::Error::custom("too many array elements"));
            }
            out.push(v);
        }
        Ok(serde_json::Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.len() == MAX_JSON_MEMBERS {
                return Err(serde::de::Error::custom("too many object members"));
            }
            match out.entry(k) {
                serde_json::map::Entry::Occupied(e) => {
                    return Err(serde::de::Error::custom(alloc::format!(
                        "duplicate member {:?}",
                        e.key()
                    )));
                }
                serde_json::map::Entry::Vacant(e) => {
                    e.insert(v);
                }
            }
        }
        Ok(serde_json::Value::Object(out))
    }
}

#[cfg(test)]
mod b64_tests {
    use super::*;

    #[test]
    fn public_decoder_agrees_with_base64ct() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..40usize {
            for _ in 0..2000 {
                let s: String = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Mostly valid characters, sometimes not.
                        let i = usize::try_from(x % 200).unwrap_or(0);
                        char::from(
                            *alphabet
                                .get(if i < 64 { i } else { i % alphabet.len() })
                                .unwrap_or(&b'A'),
                        )
                    })
                    .collect();
                let a = b64_decode("t", &s).ok();
                let b = b64_decode_public("t", &s).ok();
                assert_eq!(a, b, "{s:?}");
            }
        }
        for bytes in 0..64usize {
            let data: Vec<u8> = (0..bytes)
                .map(|i| u8::try_from(i * 37 % 256).unwrap_or(0))
                .collect();
            let e = b64_encode(&data);
            assert_eq!(b64_decode_public("t", &e).unwrap(), data);
        }
    }
}
