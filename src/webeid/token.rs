//! The token as the browser extension sends it: parsed and checked for shape, nothing
//! verified yet.
//!
//! ```text
//! { "unverifiedCertificate": base64 DER, "algorithm": "ES384", "signature": base64,
//!   "format": "web-eid:1.0", "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0+0" }
//! ```
//!
//! Format `web-eid:1.1` adds `unverifiedIntermediateCertificates` (base64 DER, the
//! authentication certificate's issuers) and `unverifiedSigningCertificates`
//! (`[{ "certificate", "intermediateCertificates"?, "supportedSignatureAlgorithms":
//! [{ "cryptoAlgorithm", "hashFunction", "paddingScheme" }] }]`). Unknown fields (`action`,
//! `issuerApp` ...) are ignored, as the Web eID reference validators ignore them; a known
//! field of the wrong JSON type or given twice is an error, not "absent".

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use base64ct::{Base64, Encoding};

use super::WebEidError;

/// Fewest characters a token may have.
pub const TOKEN_MIN_LEN: usize = 100;
/// Most characters a token may have.
pub const TOKEN_MAX_LEN: usize = 10_000;
/// Largest certificate in a token, bytes of DER. ID-card certificates are 1-2 KB; the token
/// length limit allows about 7 KB anyway.
pub const MAX_TOKEN_CERT_LEN: usize = 8 * 1024;
/// Most intermediate certificates in one list.
pub const MAX_INTERMEDIATES: usize = 8;
/// Most signing certificates in a `web-eid:1.1` token.
pub const MAX_SIGNING_CERTIFICATES: usize = 8;
/// Most `supportedSignatureAlgorithms` entries per signing certificate.
pub const MAX_SUPPORTED_ALGORITHMS: usize = 32;
/// Longest signature accepted, bytes (RSA-8192).
const MAX_SIGNATURE_LEN: usize = 1024;

/// The JOSE names a Web eID token may use (RFC 7518 §3.3-3.5).
pub const ALGORITHMS: &[&str] = &[
    "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512",
];

const SIGNING_CRYPTO_ALGORITHMS: &[&str] = &["ECC", "RSA"];
const SIGNING_PADDING_SCHEMES: &[&str] = &["NONE", "PKCS1.5", "PSS"];
const SIGNING_HASH_FUNCTIONS: &[&str] = &[
    "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
];

/// A parsed token. Nothing in it is verified: the certificate is "unverified" until
/// [`super::validate`] has checked it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebEidToken {
    /// `format` as given (`web-eid:1`, `web-eid:1.0`, `web-eid:1.1` ...).
    pub format: String,
    /// The minor version: 0 for `web-eid:1` and `web-eid:1.0`, 1 for `web-eid:1.1`.
    pub minor_version: u32,
    /// `algorithm`, one of [`ALGORITHMS`].
    pub algorithm: String,
    /// `unverifiedCertificate`, DER.
    pub certificate: Vec<u8>,
    /// `signature`: raw `r || s` for ECDSA, the RSA signature otherwise.
    pub signature: Vec<u8>,
    /// `appVersion`, when given.
    pub app_version: Option<String>,
    /// `unverifiedIntermediateCertificates` (1.1), DER.
    pub intermediate_certificates: Vec<Vec<u8>>,
    /// `unverifiedSigningCertificates` (1.1).
    pub signing_certificates: Vec<SigningCertificate>,
}

/// One `unverifiedSigningCertificates` entry of a `web-eid:1.1` token: the card's signing
/// certificate, which a portal keeps for a later document signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SigningCertificate {
    /// The certificate, DER.
    #[serde(serialize_with = "ser_base64")]
    pub certificate: Vec<u8>,
    /// Its issuers, DER.
    #[serde(skip)]
    pub intermediate_certificates: Vec<Vec<u8>>,
    /// What the card can sign with this certificate.
    pub supported_signature_algorithms: Vec<SupportedSignatureAlgorithm>,
}

/// A `supportedSignatureAlgorithms` entry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SupportedSignatureAlgorithm {
    /// `ECC` or `RSA`.
    pub crypto_algorithm: String,
    /// `SHA-256`, `SHA3-384` ...
    pub hash_function: String,
    /// `NONE`, `PKCS1.5` or `PSS`.
    pub padding_scheme: String,
}

pub(crate) fn ser_base64<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&Base64::encode_string(v))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawToken {
    unverified_certificate: Option<String>,
    algorithm: Option<String>,
    signature: Option<String>,
    format: Option<String>,
    app_version: Option<String>,
    unverified_intermediate_certificates: Option<Vec<String>>,
    unverified_signing_certificates: Option<Vec<RawSigningCertificate>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSigningCertificate {
    certificate: Option<String>,
    intermediate_certificates: Option<Vec<String>>,
    supported_signature_algorithms: Option<Vec<RawAlgorithm>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlgorithm {
    crypto_algorithm: Option<String>,
    hash_function: Option<String>,
    padding_scheme: Option<String>,
}

/// Parses a token: length, JSON shape, format, required fields, base64 and size limits,
/// and the `web-eid:1.1` list rules. Certificates are decoded from base64 but not parsed.
pub fn parse(token: &[u8]) -> Result<WebEidToken, WebEidError> {
    // Bytes bound characters from above: a cheap first check against huge inputs.
    if token.len() < TOKEN_MIN_LEN || token.len() > 4 * TOKEN_MAX_LEN {
        return Err(length_error(token.len()));
    }
    let text = core::str::from_utf8(token).map_err(|_| WebEidError::NotUtf8)?;
    let chars = text.chars().count();
    if !(TOKEN_MIN_LEN..=TOKEN_MAX_LEN).contains(&chars) {
        return Err(length_error(chars));
    }
    let raw: RawToken = serde_json::from_str(text).map_err(|e| WebEidError::Json {
        detail: e.to_string(),
    })?;

    let format = non_empty(raw.format, "format")?;
    let minor_version = parse_format(&format)?;
    if minor_version == 0 {
        if raw.unverified_signing_certificates.is_some() {
            return Err(WebEidError::FieldNotAllowed {
                field: "unverifiedSigningCertificates",
                format,
            });
        }
        if raw.unverified_intermediate_certificates.is_some() {
            return Err(WebEidError::FieldNotAllowed {
                field: "unverifiedIntermediateCertificates",
                format,
            });
        }
    }
    let certificate = decode_cert(
        &non_empty(raw.unverified_certificate, "unverifiedCertificate")?,
        "unverifiedCertificate",
    )?;
    let algorithm = non_empty(raw.algorithm, "algorithm")?;
    if !ALGORITHMS.contains(&algorithm.as_str()) {
        return Err(WebEidError::UnsupportedAlgorithm { algorithm });
    }
    let signature = decode(
        &non_empty(raw.signature, "signature")?,
        "signature",
        MAX_SIGNATURE_LEN,
    )?;

    // web-eid:1.1 (the Web eID validators treat later 1.N tokens by the 1.0 rules and
    // ignore the 1.1 fields; so does imza).
    let mut intermediate_certificates = Vec::new();
    let mut signing_certificates = Vec::new();
    if minor_version == 1 {
        let intermediates_given = raw
            .unverified_intermediate_certificates
            .as_ref()
            .is_some_and(|v| !v.is_empty());
        if let Some(list) = raw.unverified_intermediate_certificates {
            intermediate_certificates =
                decode_cert_list(&list, "unverifiedIntermediateCertificates")?;
        }
        match raw.unverified_signing_certificates {
            // With the authentication certificate's intermediates given, signing
            // certificates are optional.
            None if intermediates_given => {}
            None => {
                return Err(WebEidError::MissingField {
                    field: "unverifiedSigningCertificates",
                })
            }
            Some(list) if list.is_empty() => {
                return Err(WebEidError::MissingField {
                    field: "unverifiedSigningCertificates",
                })
            }
            Some(list) => {
                if list.len() > MAX_SIGNING_CERTIFICATES {
                    return Err(WebEidError::LimitExceeded {
                        what: "unverifiedSigningCertificates",
                        limit: MAX_SIGNING_CERTIFICATES,
                    });
                }
                for entry in list {
                    signing_certificates.push(signing_certificate(entry)?);
                }
            }
        }
    }

    Ok(WebEidToken {
        format,
        minor_version,
        algorithm,
        certificate,
        signature,
        app_version: raw.app_version,
        intermediate_certificates,
        signing_certificates,
    })
}

fn length_error(length: usize) -> WebEidError {
    WebEidError::TokenLength {
        length,
        min: TOKEN_MIN_LEN,
        max: TOKEN_MAX_LEN,
    }
}

/// `web-eid:1` or `web-eid:1.N` (N decimal, at most 9 digits) → N (0 for `web-eid:1`).
fn parse_format(format: &str) -> Result<u32, WebEidError> {
    let bad = || WebEidError::UnsupportedFormat {
        format: format.into(),
    };
    let rest = format.strip_prefix("web-eid:1").ok_or_else(bad)?;
    if rest.is_empty() {
        return Ok(0);
    }
    let minor = rest.strip_prefix('.').ok_or_else(bad)?;
    if minor.is_empty() || minor.len() > 9 || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    minor.parse::<u32>().map_err(|_| bad())
}

fn non_empty(v: Option<String>, field: &'static str) -> Result<String, WebEidError> {
    match v {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(WebEidError::MissingField { field }),
    }
}

/// Strict standard base64 (padding required, no whitespace, canonical trailing bits), at
/// most `max` decoded bytes.
fn decode(s: &str, field: &'static str, max: usize) -> Result<Vec<u8>, WebEidError> {
    if s.len() > max.div_ceil(3) * 4 {
        return Err(WebEidError::LimitExceeded {
            what: field_limit_name(field),
            limit: max,
        });
    }
    Base64::decode_vec(s).map_err(|_| WebEidError::InvalidBase64 { field })
}

fn field_limit_name(field: &'static str) -> &'static str {
    match field {
        "signature" => "signature bytes",
        _ => "certificate bytes",
    }
}

fn decode_cert(s: &str, field: &'static str) -> Result<Vec<u8>, WebEidError> {
    decode(s, field, MAX_TOKEN_CERT_LEN)
}

fn decode_cert_list(list: &[String], field: &'static str) -> Result<Vec<Vec<u8>>, WebEidError> {
    if list.is_empty() || list.iter().any(String::is_empty) {
        return Err(WebEidError::MissingField { field });
    }
    if list.len() > MAX_INTERMEDIATES {
        return Err(WebEidError::LimitExceeded {
            what: "intermediate certificates",
            limit: MAX_INTERMEDIATES,
        });
    }
    list.iter().map(|s| decode_cert(s, field)).collect()
}

fn signing_certificate(raw: RawSigningCertificate) -> Result<SigningCertificate, WebEidError> {
    const FIELD: &str = "unverifiedSigningCertificates";
    let certificate = decode_cert(&non_empty(raw.certificate, FIELD)?, FIELD)?;
    let algs = match raw.supported_signature_algorithms {
        Some(a) if !a.is_empty() => a,
        _ => {
            return Err(WebEidError::MissingField {
                field: "supportedSignatureAlgorithms",
            })
        }
    };
    if algs.len() > MAX_SUPPORTED_ALGORITHMS {
        return Err(WebEidError::LimitExceeded {
            what: "supportedSignatureAlgorithms",
            limit: MAX_SUPPORTED_ALGORITHMS,
        });
    }
    let mut supported_signature_algorithms = Vec::with_capacity(algs.len());
    for a in algs {
        let pick = |v: Option<String>, allowed: &[&str], what: &str| match v {
            Some(s) if allowed.contains(&s.as_str()) => Ok(s),
            Some(s) => Err(WebEidError::UnsupportedSigningAlgorithm {
                detail: alloc::format!("{what} {s:?}"),
            }),
            None => Err(WebEidError::UnsupportedSigningAlgorithm {
                detail: alloc::format!("{what} missing"),
            }),
        };
        supported_signature_algorithms.push(SupportedSignatureAlgorithm {
            crypto_algorithm: pick(
                a.crypto_algorithm,
                SIGNING_CRYPTO_ALGORITHMS,
                "cryptoAlgorithm",
            )?,
            hash_function: pick(a.hash_function, SIGNING_HASH_FUNCTIONS, "hashFunction")?,
            padding_scheme: pick(a.padding_scheme, SIGNING_PADDING_SCHEMES, "paddingScheme")?,
        });
    }
    let intermediate_certificates = match raw.intermediate_certificates {
        Some(list) => decode_cert_list(&list, "intermediateCertificates")?,
        None => Vec::new(),
    };
    Ok(SigningCertificate {
        certificate,
        intermediate_certificates,
        supported_signature_algorithms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse_format("web-eid:1"), Ok(0));
        assert_eq!(parse_format("web-eid:1.0"), Ok(0));
        assert_eq!(parse_format("web-eid:1.1"), Ok(1));
        assert_eq!(parse_format("web-eid:1.7"), Ok(7));
        for bad in [
            "web-eid:2",
            "web-eid:10",
            "web-eid:1.",
            "web-eid:1.x",
            "web-eid:1.1.1",
            "web-eid:1.-1",
            "web-eid:1.+1",
            "web-eid:1.9999999999",
            "WEB-EID:1",
            "",
        ] {
            assert!(parse_format(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base64_is_strict() {
        assert!(decode("AAEC", "signature", 10).is_ok());
        for bad in ["AAE", "AA EC", "AAEC\n", "AA-_", "AAF="] {
            assert_eq!(
                decode(bad, "signature", 10),
                Err(WebEidError::InvalidBase64 { field: "signature" }),
                "{bad:?}"
            );
        }
        assert!(matches!(
            decode("AAAAAAAAAAAAAAAA", "signature", 3),
            Err(WebEidError::LimitExceeded { .. })
        ));
    }
}
