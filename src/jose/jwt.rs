//! JWT claims (RFC 7519), OpenID Connect ID tokens (Core §3.1.3.7), and the issuing side:
//! [`TokenIssuer`] with key rotation and a published JWKS.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::jwk::{Jwk, Jwks};
use super::jws::{sign_compact, JwsAlgorithm, Verified};
use super::{b64_encode, parse_object, ClaimError, JoseError};
use crate::crypto::{digest, Signer};
use crate::time::UnixTime;

/// How to check a JWT's claims. Defaults: `exp` required, `nbf` checked, 60 s leeway.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Validation {
    /// The time to check against.
    pub time: UnixTime,
    /// Tolerated clock difference, seconds.
    pub leeway: u64,
    /// Expected `iss`, compared exactly.
    pub issuer: Option<String>,
    /// Accepted audiences; when non-empty, `aud` is required and must contain one. When
    /// empty, a token carrying `aud` is refused (RFC 7519 §4.1.3).
    pub audiences: Vec<String>,
    /// Require `exp`.
    pub require_exp: bool,
    /// Check `nbf` when present.
    pub check_nbf: bool,
    /// Refuse tokens whose `iat` is older than this many seconds (requires `iat`).
    pub max_age: Option<u64>,
    /// Expected header `typ` (`JWT`, `at+jwt` ...), compared case-insensitively, with an
    /// optional `application/` prefix (RFC 7515 §4.1.9).
    pub typ: Option<String>,
}

impl Validation {
    /// Defaults at `time`.
    pub fn new(time: UnixTime) -> Self {
        Self {
            time,
            leeway: 60,
            issuer: None,
            audiences: Vec::new(),
            require_exp: true,
            check_nbf: true,
            max_age: None,
            typ: None,
        }
    }
}

/// The registered claims, typed, and the rest.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Claims {
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, as a list.
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: Option<u64>,
    /// `nbf`.
    pub nbf: Option<u64>,
    /// `iat`.
    pub iat: Option<u64>,
    /// `jti`.
    pub jti: Option<String>,
    /// Every claim, as received.
    pub all: Map<String, Value>,
}

/// A NumericDate (RFC 7519 §2): a JSON number of seconds. Anything else is malformed.
fn numeric_date(m: &Map<String, Value>, name: &'static str) -> Result<Option<u64>, ClaimError> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(u) = n.as_u64() {
                Ok(Some(u))
            } else {
                match n.as_f64() {
                    Some(f) if (0.0..1.0e15).contains(&f) => {
                        // Fractions are allowed; whole seconds are what the checks need.
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        Ok(Some(f as u64))
                    }
                    _ => Err(ClaimError::Malformed(name)),
                }
            }
        }
        Some(_) => Err(ClaimError::Malformed(name)),
    }
}

fn string_claim(m: &Map<String, Value>, name: &'static str) -> Result<Option<String>, ClaimError> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ClaimError::Malformed(name)),
    }
}

impl Claims {
    /// Parses the registered claims strictly from a JWT payload.
    pub fn parse(payload: &[u8]) -> Result<Self, JoseError> {
        let all = parse_object("claims", payload)?;
        let aud = match all.get("aud") {
            None => Vec::new(),
            Some(Value::String(s)) => alloc::vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .ok_or(ClaimError::Malformed("aud"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(ClaimError::Malformed("aud").into()),
        };
        Ok(Self {
            iss: string_claim(&all, "iss")?,
            sub: string_claim(&all, "sub")?,
            aud,
            exp: numeric_date(&all, "exp")?,
            nbf: numeric_date(&all, "nbf")?,
            iat: numeric_date(&all, "iat")?,
            jti: string_claim(&all, "jti")?,
            all,
        })
    }

    /// Checks the claims (and the header `typ`) of a verified token.
    pub fn validate(verified: &Verified, v: &Validation) -> Result<Self, JoseError> {
        if let Some(want) = &v.typ {
            let have = verified
                .header
                .get("typ")
                .and_then(Value::as_str)
                .unwrap_or("");
            let norm = |t: &str| {
                let t = t.to_ascii_lowercase();
                t.strip_prefix("application/")
                    .map(String::from)
                    .unwrap_or(t)
            };
            if norm(have) != norm(want) {
                return Err(ClaimError::Type.into());
            }
        }
        let c = Self::parse(&verified.payload)?;
        let now = v.time.as_secs();
        match c.exp {
            // RFC 7519 §4.1.4: the current time must be *before* exp, so exp itself is
            // already expired (plus the leeway). nbf below is inclusive (§4.1.5).
            Some(exp) if now >= exp.saturating_add(v.leeway) => {
                return Err(ClaimError::Expired.into())
            }
            None if v.require_exp => return Err(ClaimError::Missing("exp").into()),
            _ => {}
        }
        if v.check_nbf {
            if let Some(nbf) = c.nbf {
                if nbf > now.saturating_add(v.leeway) {
                    return Err(ClaimError::NotYetValid.into());
                }
            }
        }
        if let Some(iat) = c.iat {
            if iat > now.saturating_add(v.leeway) {
                return Err(ClaimError::IssuedAt.into());
            }
        }
        if let Some(max) = v.max_age {
            let iat = c.iat.ok_or(ClaimError::Missing("iat"))?;
            if now.saturating_sub(iat) > max.saturating_add(v.leeway) {
                return Err(ClaimError::IssuedAt.into());
            }
        }
        if let Some(iss) = &v.issuer {
            if c.iss.as_deref() != Some(iss.as_str()) {
                return Err(ClaimError::Issuer.into());
            }
        }
        if !v.audiences.is_empty() {
            if c.aud.is_empty() {
                return Err(ClaimError::Missing("aud").into());
            }
            if !c.aud.iter().any(|a| v.audiences.contains(a)) {
                return Err(ClaimError::Audience.into());
            }
        } else if !c.aud.is_empty() {
            // RFC 7519 §4.1.3: a token naming audiences must be refused by a recipient that
            // does not identify itself with one of them; a verifier configured with none
            // identifies with none (RFC 8725 §3.9: otherwise a token for one service is
            // accepted by another).
            return Err(ClaimError::Audience.into());
        }
        Ok(c)
    }
}

/// OpenID Connect ID token checks (Core §3.1.3.7) on top of [`Validation`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IdTokenValidation {
    /// Claims checks; `issuer` is required and `audiences` is set to the client id.
    pub base: Validation,
    /// The client id.
    pub client_id: String,
    /// The nonce sent in the authentication request.
    pub nonce: Option<String>,
    /// Maximum authentication age (`max_age` request parameter), seconds.
    pub max_auth_age: Option<u64>,
    /// The access token returned with the ID token, for `at_hash`.
    pub access_token: Option<String>,
    /// The authorization code, for `c_hash`.
    pub code: Option<String>,
}

impl IdTokenValidation {
    /// ID token checks for `issuer` and `client_id` at `time`.
    pub fn new(time: UnixTime, issuer: &str, client_id: &str) -> Self {
        let mut base = Validation::new(time);
        base.issuer = Some(issuer.into());
        base.audiences = alloc::vec![client_id.into()];
        Self {
            base,
            client_id: client_id.into(),
            nonce: None,
            max_auth_age: None,
            access_token: None,
            code: None,
        }
    }

    /// Validates a verified ID token.
    pub fn validate(&self, verified: &Verified) -> Result<Claims, JoseError> {
        let c = Claims::validate(verified, &self.base)?;
        if c.iat.is_none() {
            return Err(ClaimError::Missing("iat").into());
        }
        let azp = string_claim(&c.all, "azp")?;
        if c.aud.len() > 1 && azp.is_none() {
            return Err(ClaimError::AuthorizedParty.into());
        }
        if azp.as_deref().is_some_and(|a| a != self.client_id) {
            return Err(ClaimError::AuthorizedParty.into());
        }
        if let Some(want) = &self.nonce {
            let have = string_claim(&c.all, "nonce")?.ok_or(ClaimError::Missing("nonce"))?;
            if !bool::from(have.as_bytes().ct_eq(want.as_bytes())) {
                return Err(ClaimError::Nonce.into());
            }
        }
        if let Some(max) = self.max_auth_age {
            let at = numeric_date(&c.all, "auth_time")?.ok_or(ClaimError::Missing("auth_time"))?;
            if self.base.time.as_secs().saturating_sub(at) > max.saturating_add(self.base.leeway) {
                return Err(ClaimError::AuthTime.into());
            }
        }
        let alg = JwsAlgorithm::from_name(verified.alg)?;
        for (claim, value) in [("at_hash", &self.access_token), ("c_hash", &self.code)] {
            if let (Some(have), Some(v)) = (string_claim(&c.all, claim)?, value) {
                let d = digest(alg.hash(), v.as_bytes());
                let half = d.as_ref().get(..d.as_ref().len() / 2).unwrap_or(&[]);
                if !bool::from(have.as_bytes().ct_eq(b64_encode(half).as_bytes())) {
                    return Err(ClaimError::Hash(claim).into());
                }
            }
        }
        Ok(c)
    }
}

/// One signing key of an issuer.
struct IssuerKey {
    kid: String,
    signer: Box<dyn Signer>,
}

/// The portal side of single sign-on: signs tokens with its active key and publishes the
/// public keys (all of them, so tokens signed before a rotation still verify).
pub struct TokenIssuer {
    keys: Vec<IssuerKey>,
    active: usize,
    /// `iss` of every token.
    pub issuer: String,
    /// `aud` of every token (none when empty).
    pub audience: Vec<String>,
    /// Lifetime in seconds (`exp - iat`).
    pub lifetime: u64,
}

impl core::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("issuer", &self.issuer)
            .field(
                "kids",
                &self.keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(),
            )
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    /// An issuer with one key (its `kid` the RFC 7638 thumbprint unless given).
    pub fn new(
        issuer: &str,
        signer: Box<dyn Signer>,
        kid: Option<&str>,
    ) -> Result<Self, JoseError> {
        let mut me = Self {
            keys: Vec::new(),
            active: 0,
            issuer: issuer.into(),
            audience: Vec::new(),
            lifetime: 300,
        };
        me.add_key(signer, kid)?;
        Ok(me)
    }

    /// Adds a key (not yet active) and returns its `kid`.
    pub fn add_key(
        &mut self,
        signer: Box<dyn Signer>,
        kid: Option<&str>,
    ) -> Result<String, JoseError> {
        if signer.algorithm().jose_name().is_none() {
            return Err(JoseError::KeyMismatch(alloc::format!(
                "{} has no JOSE name (ECDSA signers must use the r||s encoding)",
                signer.algorithm()
            )));
        }
        let kid = match kid {
            Some(k) => k.to_string(),
            None => super::jwk::default_kid(signer.public_key_spki())?,
        };
        if self.keys.iter().any(|k| k.kid == kid) {
            return Err(JoseError::KeySet(alloc::format!(
                "kid {kid:?} is already in use"
            )));
        }
        self.keys.push(IssuerKey {
            kid: kid.clone(),
            signer,
        });
        Ok(kid)
    }

    /// Makes the key `kid` the one that signs (key rotation).
    pub fn activate(&mut self, kid: &str) -> Result<(), JoseError> {
        self.active = self
            .keys
            .iter()
            .position(|k| k.kid == kid)
            .ok_or(JoseError::NoMatchingKey)?;
        Ok(())
    }

    /// Removes a retired key from the JWKS (tokens it signed stop verifying).
    pub fn retire(&mut self, kid: &str) -> Result<(), JoseError> {
        let i = self
            .keys
            .iter()
            .position(|k| k.kid == kid)
            .ok_or(JoseError::NoMatchingKey)?;
        if i == self.active {
            return Err(JoseError::KeySet("the active key cannot be retired".into()));
        }
        self.keys.remove(i);
        if self.active > i {
            self.active -= 1;
        }
        Ok(())
    }

    /// Issues a token at `now` with `iss`, `aud`, `iat`, `nbf`, `exp` and `claims` (which
    /// may add claims, and may not override the registered ones above).
    pub fn issue(&self, now: UnixTime, claims: &Map<String, Value>) -> Result<String, JoseError> {
        let key = self.keys.get(self.active).ok_or(JoseError::NoMatchingKey)?;
        let mut body = claims.clone();
        body.insert("iss".into(), self.issuer.clone().into());
        match self.audience.as_slice() {
            [] => {}
            [one] => {
                body.insert("aud".into(), one.clone().into());
            }
            many => {
                body.insert("aud".into(), many.to_vec().into());
            }
        }
        let t = now.as_secs();
        body.insert("iat".into(), t.into());
        body.insert("nbf".into(), t.into());
        body.insert("exp".into(), t.saturating_add(self.lifetime).into());
        let mut header = Map::new();
        header.insert("typ".into(), "JWT".into());
        sign_compact(
            key.signer.as_ref(),
            Some(&key.kid),
            header,
            Value::Object(body).to_string().as_bytes(),
        )
    }

    /// The published key set: every key's public part with `kid`, `alg` and `use: sig`.
    pub fn jwks(&self) -> Result<Jwks, JoseError> {
        let keys = self
            .keys
            .iter()
            .map(|k| {
                let mut jwk = Jwk::from_spki(k.signer.public_key_spki())?;
                jwk.kid = Some(k.kid.clone());
                jwk.alg = k.signer.algorithm().jose_name().map(String::from);
                jwk.use_ = Some("sig".into());
                Ok(jwk)
            })
            .collect::<Result<Vec<_>, JoseError>>()?;
        Ok(Jwks { keys })
    }
}
