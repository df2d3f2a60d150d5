//! `imza token ...`: issue and verify JWS/JWT login tokens.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use imza::crypto::{Curve, EcdsaEncoding, KeyKind, PublicKey, SignatureAlgorithm, SigningKey};
use imza::jose::jwk::Jwks;
use imza::jose::jws::{Verifier, VerifyKey};
use imza::jose::jwt::{Claims, TokenIssuer, Validation};
use imza::jose::JoseError;
use imza::time::UnixTime;
use serde_json::{Map, Value};

use crate::exit::{self, Failure};

/// Token commands.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a signed JWT (compact JWS) with a PKCS#8 private key.
    Issue(IssueArgs),
    /// Verify a JWT: signature with an explicit key and algorithm allow-list, then claims.
    Verify(VerifyArgs),
    /// Verify a Web eID certificate login token (an ID card signed the site's challenge).
    WebeidVerify(crate::webeid::WebeidArgs),
}

/// `imza token issue`.
#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// The private key (unencrypted PKCS#8 PEM).
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,
    /// JOSE algorithm (default from the key: ES256/ES384/ES512, RS256, EdDSA).
    #[arg(long)]
    alg: Option<String>,
    /// Key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// Issuer (`iss`).
    #[arg(long, default_value = "imza")]
    iss: String,
    /// Audience (`aud`), repeatable.
    #[arg(long)]
    aud: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 300)]
    ttl: u64,
    /// Extra claims: a JSON object in FILE, or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    claims: Option<PathBuf>,
}

/// `imza token verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The token, or `-` (default) to read it from stdin.
    token: Option<String>,
    /// Public key (SPKI `PUBLIC KEY` PEM or DER, or a certificate).
    #[arg(long, value_name = "PUBLIC.pem", group = "keysrc")]
    key: Option<PathBuf>,
    /// A JWKS file.
    #[arg(long, value_name = "FILE", group = "keysrc")]
    jwks: Option<PathBuf>,
    /// Trust anchors for an `x5c` header (PEM/DER file or folder).
    #[arg(long, value_name = "FILE|DIR", group = "keysrc")]
    trust: Vec<PathBuf>,
    /// Allowed algorithms (repeatable). Default: the one the key implies (EC, Ed25519);
    /// required for RSA keys and JWKS keys without `alg`.
    #[arg(long)]
    alg: Vec<String>,
    /// Expected issuer.
    #[arg(long)]
    iss: Option<String>,
    /// Accepted audience (repeatable); when given, `aud` is required. A token that names
    /// an audience is refused when none is given here (RFC 7519 §4.1.3).
    #[arg(long)]
    aud: Vec<String>,
    /// Expected `nonce` claim.
    #[arg(long)]
    nonce: Option<String>,
    /// Leeway in seconds for exp/nbf/iat.
    #[arg(long, default_value_t = 60)]
    leeway: u64,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Print header and claims as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: TokenCommand) -> Result<u8, Failure> {
    match cmd {
        TokenCommand::Issue(a) => issue(&a),
        TokenCommand::Verify(a) => verify(&a),
        TokenCommand::WebeidVerify(a) => crate::webeid::run(&a),
    }
}

fn jose_failure(what: &str, e: &JoseError) -> Failure {
    Failure {
        code: exit::DATA,
        message: format!("{what}: {e}"),
    }
}

/// The JOSE algorithm a key implies, when there is exactly one.
fn natural_alg(kind: KeyKind) -> Option<&'static str> {
    match kind {
        KeyKind::Ec(Curve::P256) => Some("ES256"),
        KeyKind::Ec(Curve::P384) => Some("ES384"),
        KeyKind::Ec(Curve::P521) => Some("ES512"),
        KeyKind::Ed25519 => Some("EdDSA"),
        _ => None,
    }
}

fn issue(a: &IssueArgs) -> Result<u8, Failure> {
    let pem = String::from_utf8(exit::read_small(&a.key)?).map_err(|_| Failure {
        code: exit::DATA,
        message: format!("{}: not a PEM file", a.key.display()),
    })?;
    let key = SigningKey::from_pkcs8_pem(&pem).map_err(|e| Failure::content(&a.key, &e))?;
    let alg_name = match &a.alg {
        Some(n) => n.clone(),
        None => natural_alg(key.kind()).unwrap_or("RS256").to_string(),
    };
    let alg = SignatureAlgorithm::from_jose(&alg_name)
        .map_err(|e| Failure::usage(format!("--alg {alg_name}: {e}")))?
        .with_ecdsa_encoding(EcdsaEncoding::Fixed);
    let key = key
        .with_algorithm(alg)
        .map_err(|e| Failure::usage(format!("--alg {alg_name}: {e}")))?;
    if let (Some(curve), KeyKind::Ec(have)) = (alg.jose_curve(), key.kind()) {
        if curve != have {
            return Err(Failure::usage(format!(
                "--alg {alg_name} needs a {} key",
                curve.name()
            )));
        }
    }
    let extra = match &a.claims {
        None => Map::new(),
        Some(p) => {
            let bytes = if p.as_os_str() == "-" {
                let mut b = Vec::new();
                std::io::stdin()
                    .take(exit::MAX_SMALL_INPUT)
                    .read_to_end(&mut b)
                    .map_err(|e| Failure::io(p, &e))?;
                b
            } else {
                exit::read_small(p)?
            };
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(m)) => m,
                _ => {
                    return Err(Failure {
                        code: exit::DATA,
                        message: format!("{}: not a JSON object", p.display()),
                    })
                }
            }
        }
    };
    let mut issuer = TokenIssuer::new(&a.iss, Box::new(key), a.kid.as_deref())
        .map_err(|e| jose_failure("--key", &e))?;
    issuer.audience.clone_from(&a.aud);
    issuer.lifetime = a.ttl;
    let token = issuer
        .issue(now(), &extra)
        .map_err(|e| jose_failure("issue", &e))?;
    exit::print_stdout(&format!("{token}\n"))?;
    Ok(exit::OK)
}

fn read_public_key(p: &PathBuf) -> Result<Vec<u8>, Failure> {
    let bytes = exit::read_small(p)?;
    let trimmed = String::from_utf8_lossy(&bytes);
    if trimmed.contains("-----BEGIN PUBLIC KEY-----") {
        let (_, der) = der::pem::decode_vec(trimmed.trim().as_bytes()).map_err(|e| Failure {
            code: exit::DATA,
            message: format!("{}: {e}", p.display()),
        })?;
        return Ok(der);
    }
    if let Ok(certs) = imza::cert::parse_any(&bytes) {
        if let Some(c) = certs.first() {
            return der::Encode::to_der(&c.tbs_certificate.subject_public_key_info).map_err(|e| {
                Failure {
                    code: exit::DATA,
                    message: format!("{}: {e}", p.display()),
                }
            });
        }
    }
    Ok(bytes) // DER SPKI; parsing below says if it is not
}

/// The token: the argument, or stdin. `Err` inside is a token that cannot be one (not
/// UTF-8), judged invalid later like any other malformed token; `Err` outside is stdin that
/// cannot be read.
fn read_token(a: &VerifyArgs) -> Result<Result<String, String>, Failure> {
    match a.token.as_deref() {
        Some(t) if t != "-" => Ok(Ok(t.to_string())),
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(imza::jose::jws::MAX_TOKEN_LEN as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::io(&PathBuf::from("-"), &e))?;
            // A compact JWS is ASCII: bytes that are not even UTF-8 make a malformed token
            // (exit 1), not an unreadable input (66).
            Ok(String::from_utf8(bytes).map_err(|e| not_utf8(&e)))
        }
    }
}

fn verify(a: &VerifyArgs) -> Result<u8, Failure> {
    let token = read_token(a)?;
    let time = match &a.at {
        Some(s) => UnixTime::parse_rfc3339(s).map_err(|e| Failure::usage(format!("--at: {e}")))?,
        None => now(),
    };
    let mut algs: Vec<String> = a.alg.clone();
    let store;
    let mut verifier_keys = Vec::new();
    if let Some(p) = &a.key {
        let spki = read_public_key(p)?;
        let kind = PublicKey::from_spki_der(&spki)
            .map_err(|e| Failure::content(p, &e))?
            .kind();
        if algs.is_empty() {
            algs.push(
                natural_alg(kind)
                    .ok_or_else(|| Failure::usage("an RSA key needs --alg (RS256, PS256 ...)"))?
                    .into(),
            );
        }
        for alg in &algs {
            verifier_keys.push(
                VerifyKey::public(alg, &spki)
                    .map_err(|e| Failure::usage(format!("--alg {alg}: {e}")))?,
            );
        }
    } else if let Some(p) = &a.jwks {
        let set = Jwks::from_json(&exit::read_small(p)?)
            .map_err(|e| jose_failure(&p.display().to_string(), &e))?;
        if algs.is_empty() {
            for k in &set.keys {
                if let Some(alg) = &k.alg {
                    if !algs.contains(alg) {
                        algs.push(alg.clone());
                    }
                }
            }
        }
        if algs.is_empty() {
            return Err(Failure::usage("the JWKS keys name no alg: give --alg"));
        }
        for k in &set.keys {
            for alg in &algs {
                if let Ok(vk) = VerifyKey::from_jwk(k, alg) {
                    verifier_keys.push(vk);
                }
            }
        }
    } else if !a.trust.is_empty() {
        if algs.is_empty() {
            return Err(Failure::usage("--trust needs --alg"));
        }
    } else {
        return Err(Failure::usage("give --key, --jwks or --trust"));
    }
    let alg_refs: Vec<&str> = algs.iter().map(String::as_str).collect();
    let mut verifier =
        Verifier::new(&alg_refs).map_err(|e| Failure::usage(format!("--alg: {e}")))?;
    for k in verifier_keys {
        verifier = verifier.key(k);
    }
    if !a.trust.is_empty() {
        store = crate::inputs::load_trust(&a.trust, a.json)?;
        verifier = verifier.x5c_trust(&store, time);
    }
    let mut v = Validation::new(time);
    v.leeway = a.leeway;
    v.issuer.clone_from(&a.iss);
    v.audiences.clone_from(&a.aud);
    let token = match &token {
        Ok(t) => t.trim(),
        Err(reason) => return invalid(a, reason),
    };
    let result = verifier.verify_compact(token).and_then(|verified| {
        let claims = Claims::validate(&verified, &v)?;
        if let Some(n) = &a.nonce {
            if claims.all.get("nonce").and_then(Value::as_str) != Some(n.as_str()) {
                return Err(imza::jose::ClaimError::Nonce.into());
            }
        }
        Ok((verified, claims))
    });
    match result {
        Ok((verified, claims)) => {
            let out = if a.json {
                let doc = imza::jose::VerifiedToken::new(verified, claims)
                    .to_json()
                    .map_err(|e| Failure::content(&PathBuf::from("--json"), &e))?;
                format!("{doc}\n")
            } else {
                format!(
                    "valid {} token\nheader: {}\nclaims: {}\n",
                    verified.alg,
                    Value::Object(verified.header),
                    Value::Object(claims.all)
                )
            };
            exit::print_stdout(&out)?;
            Ok(exit::OK)
        }
        Err(e) => invalid(a, &e.to_string()),
    }
}

/// A token that does not verify: the reason on stderr (and as JSON), exit 1.
fn invalid(a: &VerifyArgs, reason: &str) -> Result<u8, Failure> {
    eprintln!("imza: token: {reason}");
    if a.json {
        exit::print_stdout(&format!(
            "{:#}\n",
            serde_json::json!({ "valid": false, "reason": reason })
        ))?;
    }
    Ok(exit::INVALID)
}

fn not_utf8(e: &std::string::FromUtf8Error) -> String {
    let at = e.utf8_error().valid_up_to();
    format!("the token read from stdin is not UTF-8 text (invalid byte at offset {at}); a JWS compact token is ASCII")
}

fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime::from_secs(secs)
}
