//! Login tokens: JWS/JWT verification (an explicit key, a JWKS, or an `x5c` chain to a trust
//! store, with an algorithm allow-list and claims checks), OpenID Connect ID tokens, and
//! issuing with key rotation and a published JWKS.
//!
//! Thread safety: an `imza_token_verifier_builder` is used by one thread; `_build` makes an
//! immutable `imza_token_verifier` that any number of threads may use at once through
//! `const` pointers. An `imza_token_issuer` is set up (`_add_key`, `_activate`, `_retire`,
//! `_add_audience`, `_set_lifetime`) by one thread at a time with no other use in between;
//! `imza_token_issue` and `imza_token_issuer_jwks` only read it and may run on any number of
//! threads at once.

use std::ffi::c_char;

use imza::crypto::{EcdsaEncoding, KeyKind, SignatureAlgorithm, Signer, SigningKey};
use imza::jose::jws::{JwsAlgorithm, Verified, Verifier};
use imza::jose::jwt::{Claims, IdTokenValidation, TokenIssuer, Validation};
use imza::jose::{JoseError, KeySource, VerifiedToken};
use imza::{TrustStore, UnixTime};
use serde_json::{Map, Value};

use crate::boundary::{
    bytes_arg, c_string, clear_last_error, fail, free_handle, handle, handle_mut, into_handle,
    opt_str_arg, out_arg, set_last_error, str_arg,
};
use crate::cert::time_arg;
use crate::trust::imza_trust_store;
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_OK};

/// Every JOSE error goes through here, so that the code space changes in one place.
fn jose_err(e: JoseError) -> imza_result {
    fail(&imza::Error::from(e))
}

/// A refused argument, with the reason for `imza_last_error_message`.
fn invalid(reason: &str) -> imza_result {
    set_last_error(reason.to_owned());
    IMZA_INVALID_ARGUMENT
}

// ==== verification ===========================================================================

/// Token verification settings being collected (opaque); [`imza_token_verifier_build`]
/// turns them into an [`imza_token_verifier`].
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct imza_token_verifier_builder {
    algs: Vec<String>,
    keys: Vec<KeySource>,
    trust: Option<TrustStore>,
    issuer: Option<String>,
    audiences: Vec<String>,
    leeway: Option<u64>,
    time: Option<UnixTime>,
}

/// Immutable token verification settings (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct imza_token_verifier {
    algs: Vec<String>,
    /// The (algorithm, key) pairs that bind.
    keys: Vec<(String, KeySource)>,
    trust: Option<TrustStore>,
    issuer: Option<String>,
    audiences: Vec<String>,
    leeway: Option<u64>,
    time: Option<UnixTime>,
}

/// Makes an empty verifier builder in `*out`: no algorithm, no key, `exp` required, 60 s
/// leeway, no issuer or audience expected, validation time now. Release it with
/// [`imza_token_verifier_builder_free`].
///
/// # Safety
///
/// `out` must be NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_new(
    out: *mut *mut imza_token_verifier_builder,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        *out = into_handle(imza_token_verifier_builder::default());
        IMZA_OK
    })
}

/// Adds `alg` (a JOSE name: `ES256`, `ES384`, `ES512`, `RS256`, `RS384`, `RS512`, `PS256`,
/// `PS384`, `PS512`, `EdDSA`, or `HS256`/`HS384`/`HS512` for `oct` JWKs) to the allow-list.
/// A token signed with any other algorithm is refused; `none` is never allowed (a JOSE
/// error, 1100-1199).
///
/// # Safety
///
/// `b` must be NULL or a live builder not used by another thread during the call; `alg`
/// NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_allow_algorithm(
    b: *mut imza_token_verifier_builder,
    alg: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        // SAFETY: `alg` is NULL or NUL-terminated (this function's contract).
        let alg = try_ffi!(unsafe { str_arg(alg) });
        if let Err(e) = JwsAlgorithm::from_name(alg) {
            return jose_err(e);
        }
        if !b.algs.iter().any(|a| a == alg) {
            b.algs.push(alg.to_owned());
        }
        IMZA_OK
    })
}

/// The key sources in `bytes`: a JWKS or a JWK (JSON), a `PUBLIC KEY` PEM, a certificate
/// (PEM or DER: its public key), or a DER SubjectPublicKeyInfo.
fn key_sources(bytes: &[u8]) -> Result<Vec<KeySource>, imza_result> {
    KeySource::parse_all(bytes).map_err(|e| fail(&e))
}

/// Adds verification keys: a public key (SPKI DER or `PUBLIC KEY` PEM, or a certificate in
/// PEM or DER), one JWK or a JWKS (JSON). Each key is bound, when the verifier is built, to
/// every allowed algorithm it fits (and that a JWK's own `alg`, `use` and `key_ops`
/// permit); a token's `kid` picks among keys that have one.
///
/// Returns [`IMZA_OK`]; [`crate::IMZA_MALFORMED`] (or another key code) for a key that
/// does not parse; a JOSE code (1100-1199) for a bad JWK or JWKS.
///
/// # Safety
///
/// `b` as in [`imza_token_verifier_builder_allow_algorithm`]; `key` NULL (with `len` 0)
/// or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_add_key(
    b: *mut imza_token_verifier_builder,
    key: *const u8,
    len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        // SAFETY: `key` is NULL or `len` readable bytes (this function's contract).
        let bytes = try_ffi!(unsafe { bytes_arg(key, len) });
        let sources = try_ffi!(key_sources(bytes));
        b.keys.extend(sources);
        clear_last_error();
        IMZA_OK
    })
}

/// Accepts keys from a token's `x5c` header when the chain validates for authentication
/// against (a copy of) `trust` at the validation time. Without this, `x5c` is ignored.
///
/// # Safety
///
/// `b` as in [`imza_token_verifier_builder_allow_algorithm`]; `trust` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_set_x5c_trust(
    b: *mut imza_token_verifier_builder,
    trust: *const imza_trust_store,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        // SAFETY: `trust` is NULL or live (this function's contract).
        b.trust = Some(try_ffi!(unsafe { handle(trust) }).inner.clone());
        IMZA_OK
    })
}

/// The expected `iss`, compared exactly (required for [`imza_token_verify_id_token`]).
///
/// # Safety
///
/// `b` as in [`imza_token_verifier_builder_allow_algorithm`]; `iss` NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_set_issuer(
    b: *mut imza_token_verifier_builder,
    iss: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        // SAFETY: `iss` is NULL or NUL-terminated (this function's contract).
        b.issuer = Some(try_ffi!(unsafe { str_arg(iss) }).to_owned());
        IMZA_OK
    })
}

/// Adds an accepted audience. With one or more, `aud` is required and must contain one of
/// them; with none, a token that names an audience is refused (RFC 7519 §4.1.3). ID tokens
/// use the client id instead.
///
/// # Safety
///
/// As [`imza_token_verifier_builder_set_issuer`].
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_add_audience(
    b: *mut imza_token_verifier_builder,
    aud: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        // SAFETY: `aud` is NULL or NUL-terminated (this function's contract).
        b.audiences
            .push(try_ffi!(unsafe { str_arg(aud) }).to_owned());
        IMZA_OK
    })
}

/// The tolerated clock difference for `exp`, `nbf` and `iat`, in seconds (default 60).
///
/// # Safety
///
/// `b` must be NULL or a live builder not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_set_leeway(
    b: *mut imza_token_verifier_builder,
    seconds: u64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        try_ffi!(unsafe { handle_mut(b) }).leeway = Some(seconds);
        IMZA_OK
    })
}

/// Checks tokens at `unix_seconds` (seconds since 1970-01-01T00:00:00Z) instead of the
/// time of each verification; [`crate::cert::IMZA_TIME_NOW`] (-1) goes back to that
/// default. Another negative value gives [`IMZA_INVALID_ARGUMENT`].
///
/// # Safety
///
/// As [`imza_token_verifier_builder_set_leeway`].
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_set_time(
    b: *mut imza_token_verifier_builder,
    unix_seconds: i64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `b` is NULL or live and used only here (this function's contract).
        let b = try_ffi!(unsafe { handle_mut(b) });
        let t = try_ffi!(time_arg(unix_seconds));
        b.time = (unix_seconds != crate::cert::IMZA_TIME_NOW).then_some(t);
        IMZA_OK
    })
}

/// Makes an immutable verifier from the builder's settings in `*out` (the builder stays
/// usable and must still be freed).
///
/// Returns [`IMZA_INVALID_ARGUMENT`] when no algorithm is allowed, or when there is neither
/// a key that fits an allowed algorithm nor `x5c` trust (the detail says which key does
/// not fit); [`IMZA_OK`] otherwise.
///
/// # Safety
///
/// `b` must be NULL or a live builder not used by another thread during the call; `out`
/// NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_build(
    b: *const imza_token_verifier_builder,
    out: *mut *mut imza_token_verifier,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `b` is NULL or live (this function's contract).
        let b = try_ffi!(unsafe { handle(b) });
        if b.algs.is_empty() {
            return invalid(
                "no algorithm is allowed: call imza_token_verifier_builder_allow_algorithm",
            );
        }
        let mut keys = Vec::new();
        let mut last = None;
        for k in &b.keys {
            for alg in &b.algs {
                match k.bind(alg) {
                    Ok(_) => keys.push((alg.clone(), k.clone())),
                    Err(e) => last = Some(e),
                }
            }
        }
        if keys.is_empty() && b.trust.is_none() {
            let why = last.map_or_else(|| "no key was added".to_owned(), |e| e.to_string());
            return invalid(&format!(
                "no key fits an allowed algorithm and no x5c trust is set: {why}"
            ));
        }
        *out = into_handle(imza_token_verifier {
            algs: b.algs.clone(),
            keys,
            trust: b.trust.clone(),
            issuer: b.issuer.clone(),
            audiences: b.audiences.clone(),
            leeway: b.leeway,
            time: b.time,
        });
        clear_last_error();
        IMZA_OK
    })
}

/// Releases a builder. NULL is ignored.
///
/// # Safety
///
/// `b` must be NULL or a builder from [`imza_token_verifier_builder_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_builder_free(b: *mut imza_token_verifier_builder) {
    let _ = ffi_guard!({
        // SAFETY: `b` is NULL or a builder handle, freed once (this function's contract).
        unsafe { free_handle(b) };
        IMZA_OK
    });
}

/// Releases a verifier. NULL is ignored.
///
/// # Safety
///
/// `v` must be NULL or a verifier from [`imza_token_verifier_build`], not used after (and
/// by no other thread).
#[no_mangle]
pub unsafe extern "C" fn imza_token_verifier_free(v: *mut imza_token_verifier) {
    let _ = ffi_guard!({
        // SAFETY: `v` is NULL or a verifier handle, freed once (this function's contract).
        unsafe { free_handle(v) };
        IMZA_OK
    });
}

impl imza_token_verifier {
    fn time(&self) -> UnixTime {
        self.time.unwrap_or_else(crate::cert::now)
    }

    /// The claims checks at `time`.
    fn validation(&self, time: UnixTime) -> Validation {
        let mut v = Validation::new(time);
        if let Some(l) = self.leeway {
            v.leeway = l;
        }
        v.issuer.clone_from(&self.issuer);
        v.audiences.clone_from(&self.audiences);
        v
    }

    /// Verifies the signature of a compact JWS at `time`.
    fn verify_jws(&self, token: &str, time: UnixTime) -> Result<Verified, JoseError> {
        let algs: Vec<&str> = self.algs.iter().map(String::as_str).collect();
        let mut verifier = Verifier::new(&algs)?;
        for (alg, k) in &self.keys {
            verifier = verifier.key(k.bind(alg)?);
        }
        if let Some(t) = &self.trust {
            verifier = verifier.x5c_trust(t, time);
        }
        verifier.verify_compact(token.trim())
    }
}

/// The JSON of `imza token verify --json` for a valid token.
fn verified_json(verified: Verified, claims: Claims) -> Result<String, imza_result> {
    VerifiedToken::new(verified, claims)
        .to_json()
        .map_err(|e| fail(&e))
}

/// Verifies a compact JWS/JWT `token` (NUL-terminated; surrounding white space is
/// ignored): the signature with the configured keys and allow-list, then the claims
/// (`exp`, `nbf`, `iat` with the leeway, `iss`, `aud`). On success `*out_json` is the
/// document `imza token verify --json` prints: `{"valid": true, "alg", "header",
/// "claims"}`; release it with [`crate::imza_string_free`].
///
/// Returns [`IMZA_OK`]; for a refused token a JOSE code (1100-1199: malformed, algorithm not
/// allowed, no matching key, bad signature, expired, wrong audience, ...), the reason in
/// `imza_last_error_message`, and `*out_json` NULL.
///
/// # Safety
///
/// `v` must be NULL or a live verifier; `token` NULL or a NUL-terminated string;
/// `out_json` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verify(
    v: *const imza_token_verifier,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `v` is NULL or live (this function's contract).
        let v = try_ffi!(unsafe { handle(v) });
        // SAFETY: `token` is NULL or NUL-terminated (this function's contract).
        let token = try_ffi!(unsafe { str_arg(token) });
        let time = v.time();
        let result = v
            .verify_jws(token, time)
            .and_then(|verified| Ok((Claims::validate(&verified, &v.validation(time))?, verified)));
        match result {
            Ok((claims, verified)) => {
                *out = c_string(try_ffi!(verified_json(verified, claims)));
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

/// Verifies an OpenID Connect ID token (Core §3.1.3.7): the signature as
/// [`imza_token_verify`], then `iss` (the builder's issuer, required), `aud` containing
/// `client_id` (`azp` when there are several), `exp`, `iat` (required), and `nonce` when
/// `nonce` is not NULL. The builder's audiences are not used. `*out_json` as in
/// [`imza_token_verify`].
///
/// Returns [`IMZA_INVALID_ARGUMENT`] when the verifier has no issuer; otherwise as
/// [`imza_token_verify`].
///
/// # Safety
///
/// As [`imza_token_verify`]; `client_id` NULL or NUL-terminated, `nonce` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imza_token_verify_id_token(
    v: *const imza_token_verifier,
    token: *const c_char,
    client_id: *const c_char,
    nonce: *const c_char,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `v` is NULL or live (this function's contract).
        let v = try_ffi!(unsafe { handle(v) });
        // SAFETY: `token` is NULL or NUL-terminated (this function's contract).
        let token = try_ffi!(unsafe { str_arg(token) });
        // SAFETY: `client_id` is NULL or NUL-terminated (this function's contract).
        let client_id = try_ffi!(unsafe { str_arg(client_id) });
        // SAFETY: `nonce` is NULL or NUL-terminated (this function's contract).
        let nonce = try_ffi!(unsafe { opt_str_arg(nonce) });
        let Some(issuer) = &v.issuer else {
            return invalid("an ID token needs the issuer: imza_token_verifier_builder_set_issuer");
        };
        let time = v.time();
        let mut idv = IdTokenValidation::new(time, issuer, client_id);
        if let Some(l) = v.leeway {
            idv.base.leeway = l;
        }
        idv.nonce = nonce.map(str::to_owned);
        let result = v
            .verify_jws(token, time)
            .and_then(|verified| Ok((idv.validate(&verified)?, verified)));
        match result {
            Ok((claims, verified)) => {
                *out = c_string(try_ffi!(verified_json(verified, claims)));
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

// ==== issuing ================================================================================

/// A token issuer (opaque): signing keys under kids, one active, and the published JWKS.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct imza_token_issuer {
    inner: TokenIssuer,
}

/// A signer from an unencrypted PKCS#8 key (PEM or DER) for the JOSE algorithm `alg`
/// (`None`: the key's usual one, ECDSA as JOSE's `r || s`).
fn jose_signer(key: &[u8], alg: Option<&str>) -> Result<SigningKey, imza::Error> {
    let key = match std::str::from_utf8(key) {
        Ok(pem) if pem.trim_start().starts_with("-----BEGIN") => SigningKey::from_pkcs8_pem(pem),
        _ => SigningKey::from_pkcs8_der(key),
    }?;
    let alg = match alg {
        Some(name) => SignatureAlgorithm::from_jose(name)?,
        None => key.algorithm(),
    }
    .with_ecdsa_encoding(EcdsaEncoding::Fixed);
    if let (Some(curve), KeyKind::Ec(have)) = (alg.jose_curve(), key.kind()) {
        if curve != have {
            return Err(imza::Error::KeyMismatch {
                algorithm: alg.name(),
                key: key.kind().describe(),
            });
        }
    }
    key.with_algorithm(alg)
}

/// Makes an issuer in `*out` that signs tokens with `iss` set to `issuer`, for 300 seconds,
/// with no audience, using the key `key` (unencrypted PKCS#8, PEM or DER) under the key id
/// `kid` (NULL: the key's RFC 7638 thumbprint). `alg` is a JOSE algorithm name, or NULL for
/// the key's usual one (ES256, ES384 or ES512 by curve, RS256, EdDSA).
///
/// Returns [`IMZA_OK`]; a key code ([`crate::IMZA_MALFORMED`], [`crate::IMZA_KEY_MISMATCH`],
/// [`crate::IMZA_UNSUPPORTED_ALGORITHM`], ...) for a key or algorithm that does not fit.
///
/// # Safety
///
/// `issuer` NULL or NUL-terminated; `key` NULL (with `key_len` 0) or `key_len` readable
/// bytes; `alg` and `kid` NULL or NUL-terminated; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_new(
    issuer: *const c_char,
    key: *const u8,
    key_len: usize,
    alg: *const c_char,
    kid: *const c_char,
    out: *mut *mut imza_token_issuer,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `issuer` is NULL or NUL-terminated (this function's contract).
        let issuer = try_ffi!(unsafe { str_arg(issuer) });
        // SAFETY: `key` is NULL or `key_len` readable bytes (this function's contract).
        let key = try_ffi!(unsafe { bytes_arg(key, key_len) });
        // SAFETY: `alg` is NULL or NUL-terminated (this function's contract).
        let alg = try_ffi!(unsafe { opt_str_arg(alg) });
        // SAFETY: `kid` is NULL or NUL-terminated (this function's contract).
        let kid = try_ffi!(unsafe { opt_str_arg(kid) });
        let signer = match jose_signer(key, alg) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
        match TokenIssuer::new(issuer, Box::new(signer), kid) {
            Ok(inner) => {
                *out = into_handle(imza_token_issuer { inner });
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

/// Adds a signing key (not yet active: see [`imza_token_issuer_activate`]) and publishes
/// it in the JWKS at once, so that verifiers learn it before it signs. `key`, `alg` and
/// `kid` as in [`imza_token_issuer_new`]; the kid (given or computed) goes to `*out_kid`,
/// released with [`crate::imza_string_free`]. A kid already in use is a JOSE error.
///
/// # Safety
///
/// `issuer` NULL or a live issuer used by no other thread during the call; `key`, `alg`,
/// `kid` as in [`imza_token_issuer_new`]; `out_kid` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_add_key(
    issuer: *mut imza_token_issuer,
    key: *const u8,
    key_len: usize,
    alg: *const c_char,
    kid: *const c_char,
    out_kid: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_kid` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_kid, std::ptr::null_mut()) });
        // SAFETY: `issuer` is NULL or live and used only here (this function's contract).
        let issuer = try_ffi!(unsafe { handle_mut(issuer) });
        // SAFETY: `key` is NULL or `key_len` readable bytes (this function's contract).
        let key = try_ffi!(unsafe { bytes_arg(key, key_len) });
        // SAFETY: `alg` is NULL or NUL-terminated (this function's contract).
        let alg = try_ffi!(unsafe { opt_str_arg(alg) });
        // SAFETY: `kid` is NULL or NUL-terminated (this function's contract).
        let kid = try_ffi!(unsafe { opt_str_arg(kid) });
        let signer = match jose_signer(key, alg) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
        match issuer.inner.add_key(Box::new(signer), kid) {
            Ok(kid) => {
                *out = c_string(kid);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

/// What to do with a kid.
#[derive(Clone, Copy)]
enum KidOp {
    Activate,
    Retire,
}

/// # Safety
///
/// `issuer` NULL or live and used only here; `kid` NULL or NUL-terminated.
unsafe fn kid_op(issuer: *mut imza_token_issuer, kid: *const c_char, op: KidOp) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    let issuer = try_ffi!(unsafe { handle_mut(issuer) });
    // SAFETY: forwarded from this function's contract.
    let kid = try_ffi!(unsafe { str_arg(kid) });
    let r = match op {
        KidOp::Activate => issuer.inner.activate(kid),
        KidOp::Retire => issuer.inner.retire(kid),
    };
    match r {
        Ok(()) => {
            clear_last_error();
            IMZA_OK
        }
        Err(e) => jose_err(e),
    }
}

/// Makes the key `kid` the one that signs (key rotation). An unknown kid is a JOSE error.
///
/// # Safety
///
/// `issuer` NULL or a live issuer used by no other thread during the call; `kid` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_activate(
    issuer: *mut imza_token_issuer,
    kid: *const c_char,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    ffi_guard!({ unsafe { kid_op(issuer, kid, KidOp::Activate) } })
}

/// Removes the key `kid` from the issuer and its JWKS: tokens it signed stop verifying.
/// The active key cannot be retired; an unknown kid is a JOSE error.
///
/// # Safety
///
/// As [`imza_token_issuer_activate`].
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_retire(
    issuer: *mut imza_token_issuer,
    kid: *const c_char,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    ffi_guard!({ unsafe { kid_op(issuer, kid, KidOp::Retire) } })
}

/// Adds an audience to every token issued from now on (one gives `"aud": "x"`, several an
/// array).
///
/// # Safety
///
/// As [`imza_token_issuer_activate`] (`aud` for `kid`).
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_add_audience(
    issuer: *mut imza_token_issuer,
    aud: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `issuer` is NULL or live and used only here (this function's contract).
        let issuer = try_ffi!(unsafe { handle_mut(issuer) });
        // SAFETY: `aud` is NULL or NUL-terminated (this function's contract).
        let aud = try_ffi!(unsafe { str_arg(aud) });
        issuer.inner.audience.push(aud.to_owned());
        IMZA_OK
    })
}

/// Sets the lifetime of tokens issued from now on (`exp - iat`), in seconds (default 300).
///
/// # Safety
///
/// `issuer` NULL or a live issuer used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_set_lifetime(
    issuer: *mut imza_token_issuer,
    seconds: u64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `issuer` is NULL or live and used only here (this function's contract).
        try_ffi!(unsafe { handle_mut(issuer) }).inner.lifetime = seconds;
        IMZA_OK
    })
}

/// Issues a signed JWT (compact JWS, header `typ: JWT` and the active key's `kid`) now, with
/// `iss`, `aud`, `iat`, `nbf` and `exp` set by the issuer and the members of `claims_json`
/// (a JSON object, or NULL for none; it cannot override those five). The token goes to
/// `*out_token`, released with [`crate::imza_string_free`].
///
/// Returns [`IMZA_OK`]; [`crate::IMZA_MALFORMED`] when `claims_json` is not a JSON object;
/// a JOSE code or [`crate::IMZA_SIGNING_FAILED`] when signing fails.
///
/// # Safety
///
/// `issuer` NULL or a live issuer (not being changed by another thread); `claims_json` NULL
/// or NUL-terminated; `out_token` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issue(
    issuer: *const imza_token_issuer,
    claims_json: *const c_char,
    out_token: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_token` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_token, std::ptr::null_mut()) });
        // SAFETY: `issuer` is NULL or live (this function's contract).
        let issuer = try_ffi!(unsafe { handle(issuer) });
        // SAFETY: `claims_json` is NULL or NUL-terminated (this function's contract).
        let claims = match try_ffi!(unsafe { opt_str_arg(claims_json) }) {
            None => Map::new(),
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => m,
                Ok(_) => {
                    return fail(&imza::Error::Malformed {
                        what: "claims JSON",
                        detail: "not a JSON object".into(),
                    })
                }
                Err(e) => {
                    return fail(&imza::Error::Malformed {
                        what: "claims JSON",
                        detail: e.to_string(),
                    })
                }
            },
        };
        match issuer.inner.issue(crate::cert::now(), &claims) {
            Ok(token) => {
                *out = c_string(token);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

/// The issuer's published key set (JWKS JSON: every key's public part with `kid`, `alg`
/// and `use: sig`) in `*out_json`, released with [`crate::imza_string_free`].
///
/// # Safety
///
/// As [`imza_token_issue`] (`out_json` for `out_token`).
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_jwks(
    issuer: *const imza_token_issuer,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `issuer` is NULL or live (this function's contract).
        let issuer = try_ffi!(unsafe { handle(issuer) });
        match issuer.inner.jwks().and_then(|s| s.to_json()) {
            Ok(json) => {
                *out = c_string(json);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => jose_err(e),
        }
    })
}

/// Releases an issuer; its private keys are zeroized. NULL is ignored.
///
/// # Safety
///
/// `issuer` must be NULL or an issuer from [`imza_token_issuer_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_token_issuer_free(issuer: *mut imza_token_issuer) {
    let _ = ffi_guard!({
        // SAFETY: `issuer` is NULL or an issuer handle, freed once (this function's contract).
        unsafe { free_handle(issuer) };
        IMZA_OK
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const P256_KEY: &str = include_str!("../../test-vectors/certs/p256.key");
    const P384_KEY: &str = include_str!("../../test-vectors/certs/p384.key");

    #[test]
    fn signer_algorithms() {
        let s = jose_signer(P256_KEY.as_bytes(), None).unwrap();
        assert_eq!(s.algorithm().jose_name(), Some("ES256"));
        let s = jose_signer(P384_KEY.as_bytes(), None).unwrap();
        assert_eq!(s.algorithm().jose_name(), Some("ES384"));
        // ES256 needs P-256.
        assert!(matches!(
            jose_signer(P384_KEY.as_bytes(), Some("ES256")),
            Err(imza::Error::KeyMismatch { .. })
        ));
        assert!(matches!(
            jose_signer(P256_KEY.as_bytes(), Some("none")),
            Err(imza::Error::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn key_sources_detect_the_format() {
        let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
        assert!(matches!(
            key_sources(jwks.as_bytes()).unwrap().as_slice(),
            [KeySource::Jwk(_)]
        ));
        let cert = include_bytes!("../../test-vectors/certs/p256.pem");
        assert!(matches!(
            key_sources(cert).unwrap().as_slice(),
            [KeySource::Spki(_)]
        ));
        assert!(key_sources(b"junk").is_err());
    }
}
