//! Signing with a software key: CAdES-B-B through the core's `imza::sign`. Left out of the
//! verify-only build (`--no-default-features`), which portals that only verify ship.

use imza::crypto::SigningKey;
use imza::{SignLevel, SignOptions, ToSign};
use wasm_bindgen::prelude::*;

use crate::options::{self, get};
use crate::Failure;

/// Signs `content` with the PKCS#8 private key `options.key` (PEM text or DER bytes) as
/// the holder of `options.certificate` (PEM or DER), with `options.chain` (PEM/DER
/// certificates to embed), `options.detached` (a `.p7s` without the content) and
/// `options.signingTime` (default now). Returns the DER CMS (CAdES-BASELINE-B).
///
/// Levels T and LT need a time-stamp exchange in the middle of signing; through an
/// asynchronous `fetch` that is not offered yet: `level` other than `"B"` is
/// `InvalidOptions` (105).
#[wasm_bindgen(js_name = signDocument)]
pub fn sign_document(content: &[u8], opts: JsValue) -> Result<Vec<u8>, Failure> {
    let key = get(&opts, "key")
        .and_then(|k| options::bytes_of(&k))
        .ok_or_else(|| options::invalid("key is a PKCS#8 private key, PEM text or DER bytes"))?;
    let key = match std::str::from_utf8(&key) {
        Ok(pem) if pem.contains("-----BEGIN") => SigningKey::from_pkcs8_pem(pem)?,
        _ => SigningKey::from_pkcs8_der(&key)?,
    };
    let cert = options::certificates(&options::byte_list(
        &opts,
        "certificate",
        "certificate is PEM text or DER bytes",
    )?)?;
    let Some(cert) = cert.into_iter().next() else {
        return Err(options::invalid("certificate is required"));
    };
    let level = options::string(&opts, "level", "level is \"B\"")?;
    if !matches!(level.as_deref(), None | Some("B")) {
        return Err(options::invalid(
            "the WASM package signs at level B only (a time-stamp needs the network mid-signing)",
        ));
    }
    let mut so =
        SignOptions::new(options::time(&opts, "signingTime")?.unwrap_or_else(options::now));
    so.level = SignLevel::B;
    so.detached = get(&opts, "detached").is_some_and(|d| d.is_truthy());
    so.chain = options::certificates(&options::byte_list(
        &opts,
        "chain",
        "chain is PEM text or DER bytes",
    )?)?;
    Ok(imza::sign(ToSign::Bytes(content), &key, &cert, &so)?)
}
