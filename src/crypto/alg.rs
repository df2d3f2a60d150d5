//! Algorithm identifiers: one table from imza's algorithm values to X.509
//! `AlgorithmIdentifier` OIDs (RFC 5758, RFC 4055, RFC 8410) and JOSE names (RFC 7518, RFC 8037).
//!
//! Every format that names an algorithm (certificates, CMS, JWS, XMLDSig later) goes through
//! this module, so "what does this name mean" has exactly one answer.

use alloc::vec::Vec;
use core::fmt;

use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, Null};
use der::{Decode, Encode, Sequence, Tagged};
use spki::AlgorithmIdentifierRef;

use crate::error::Error;

/// A hash function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-1: only for legacy verification where a policy allows it.
    #[serde(rename = "SHA-1")]
    Sha1,
    /// SHA-256.
    #[serde(rename = "SHA-256")]
    Sha256,
    /// SHA-384.
    #[serde(rename = "SHA-384")]
    Sha384,
    /// SHA-512.
    #[serde(rename = "SHA-512")]
    Sha512,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The OID of the bare hash (as in CMS `digestAlgorithm`).
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oids::SHA1,
            Self::Sha256 => oids::SHA256,
            Self::Sha384 => oids::SHA384,
            Self::Sha512 => oids::SHA512,
        }
    }

    /// The hash named by a digest-algorithm OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        [Self::Sha1, Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|h| h.oid() == *oid)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                what: alloc::format!("digest algorithm {oid}"),
            })
    }

    /// Display name, as in reports ("SHA-256").
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an ECDSA signature value is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EcdsaEncoding {
    /// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` in DER (X.509, CMS).
    Der,
    /// Fixed-width big-endian `r || s` (JOSE, IEEE P1363, most smart cards, XMLDSig).
    Fixed,
}

/// A signature algorithm: scheme, hash and, for ECDSA, the signature encoding.
///
/// The ECDSA curve is not part of the algorithm: X.509 `ecdsa-with-SHA256` says nothing about
/// the curve, it comes from the key. JOSE names that do fix the curve (`ES256` is P-256 only)
/// are checked against the key by [`SignatureAlgorithm::from_jose`]'s callers through
/// [`SignatureAlgorithm::jose_curve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// ECDSA over the key's curve with this hash.
    Ecdsa {
        /// The message hash.
        hash: HashAlgorithm,
        /// The signature encoding.
        encoding: EcdsaEncoding,
    },
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1(HashAlgorithm),
    /// RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same hash and trailer field 1.
    RsaPss {
        /// The message hash, also used by MGF1.
        hash: HashAlgorithm,
        /// The salt length in bytes; usually the hash length.
        salt_len: u16,
    },
    /// Ed25519 (RFC 8032), pure: the message is signed, not a digest.
    Ed25519,
}

/// Curves for ECDSA keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    #[serde(rename = "P-256")]
    P256,
    /// NIST P-384 (secp384r1).
    #[serde(rename = "P-384")]
    P384,
    /// NIST P-521 (secp521r1).
    #[serde(rename = "P-521")]
    P521,
}

impl Curve {
    /// Byte length of a field element / scalar: the width of `r` and `s` in fixed encoding.
    pub const fn field_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }

    /// The curve's named-curve OID (RFC 5480).
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => oids::SECP256R1,
            Self::P384 => oids::SECP384R1,
            Self::P521 => oids::SECP521R1,
        }
    }

    /// Name as in JOSE `crv` and in reports.
    pub const fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        }
    }

    /// Size of the group order in bits.
    pub const fn bits(self) -> u32 {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }
}

/// OIDs used by the algorithm table.
pub mod oids {
    use const_oid::ObjectIdentifier as Oid;

    /// id-sha1 (RFC 3279).
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    /// id-sha256 (RFC 5754).
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// id-sha384.
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// id-sha512.
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    /// id-ecPublicKey (RFC 5480).
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// secp256r1.
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1.
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// secp521r1.
    pub const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");
    /// rsaEncryption (RFC 8017).
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// id-RSASSA-PSS (RFC 4055).
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// id-mgf1 (RFC 4055).
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    /// sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    /// sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption.
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption.
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    /// ecdsa-with-SHA1 (RFC 3279).
    pub const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    /// ecdsa-with-SHA256 (RFC 5758).
    pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384.
    pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    /// ecdsa-with-SHA512.
    pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    /// id-Ed25519 (RFC 8410).
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
}

/// One row of the algorithm table.
struct Row {
    alg: SignatureAlgorithm,
    /// X.509 signature algorithm OID; `None` when X.509 has no name for it.
    oid: Option<ObjectIdentifier>,
    /// JOSE `alg` name; `None` when JOSE has no name for it.
    jose: Option<&'static str>,
    /// The curve a JOSE name fixes.
    jose_curve: Option<Curve>,
}

const fn ecdsa(hash: HashAlgorithm, encoding: EcdsaEncoding) -> SignatureAlgorithm {
    SignatureAlgorithm::Ecdsa { hash, encoding }
}

const fn pss(hash: HashAlgorithm) -> SignatureAlgorithm {
    SignatureAlgorithm::RsaPss {
        hash,
        salt_len: match hash {
            Sha1 => 20,
            Sha256 => 32,
            Sha384 => 48,
            Sha512 => 64,
        },
    }
}

use EcdsaEncoding::{Der, Fixed};
use HashAlgorithm::{Sha1, Sha256, Sha384, Sha512};

/// The table. PSS rows carry the OID without parameters; parameters are encoded and decoded
/// by [`SignatureAlgorithm::to_algorithm_identifier_der`] and
/// [`SignatureAlgorithm::from_algorithm_identifier`].
#[rustfmt::skip]
const TABLE: &[Row] = &[
    Row { alg: ecdsa(Sha1, Der), oid: Some(oids::ECDSA_WITH_SHA1), jose: None, jose_curve: None },
    Row { alg: ecdsa(Sha256, Der), oid: Some(oids::ECDSA_WITH_SHA256), jose: None, jose_curve: None },
    Row { alg: ecdsa(Sha384, Der), oid: Some(oids::ECDSA_WITH_SHA384), jose: None, jose_curve: None },
    Row { alg: ecdsa(Sha512, Der), oid: Some(oids::ECDSA_WITH_SHA512), jose: None, jose_curve: None },
    Row { alg: ecdsa(Sha256, Fixed), oid: None, jose: Some("ES256"), jose_curve: Some(Curve::P256) },
    Row { alg: ecdsa(Sha384, Fixed), oid: None, jose: Some("ES384"), jose_curve: Some(Curve::P384) },
    Row { alg: ecdsa(Sha512, Fixed), oid: None, jose: Some("ES512"), jose_curve: Some(Curve::P521) },
    Row { alg: SignatureAlgorithm::RsaPkcs1(Sha1), oid: Some(oids::SHA1_WITH_RSA), jose: None, jose_curve: None },
    Row { alg: SignatureAlgorithm::RsaPkcs1(Sha256), oid: Some(oids::SHA256_WITH_RSA), jose: Some("RS256"), jose_curve: None },
    Row { alg: SignatureAlgorithm::RsaPkcs1(Sha384), oid: Some(oids::SHA384_WITH_RSA), jose: Some("RS384"), jose_curve: None },
    Row { alg: SignatureAlgorithm::RsaPkcs1(Sha512), oid: Some(oids::SHA512_WITH_RSA), jose: Some("RS512"), jose_curve: None },
    Row { alg: pss(Sha256), oid: Some(oids::RSASSA_PSS), jose: Some("PS256"), jose_curve: None },
    Row { alg: pss(Sha384), oid: Some(oids::RSASSA_PSS), jose: Some("PS384"), jose_curve: None },
    Row { alg: pss(Sha512), oid: Some(oids::RSASSA_PSS), jose: Some("PS512"), jose_curve: None },
    Row { alg: SignatureAlgorithm::Ed25519, oid: Some(oids::ED25519), jose: Some("EdDSA"), jose_curve: None },
];

/// `RSASSA-PSS-params` (RFC 4055 §3.1):
///
/// ```text
/// RSASSA-PSS-params  ::=  SEQUENCE  {
///     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
///     saltLength         [2] INTEGER DEFAULT 20,
///     trailerField       [3] INTEGER DEFAULT 1  }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct PssParams<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u16>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u8>,
}

impl SignatureAlgorithm {
    /// RSASSA-PSS with the usual parameters: MGF1 with the same hash, salt as long as the hash.
    pub const fn rsa_pss(hash: HashAlgorithm) -> Self {
        pss(hash)
    }

    /// The hash this algorithm signs with; `None` for Ed25519, which hashes internally.
    pub const fn hash(self) -> Option<HashAlgorithm> {
        match self {
            Self::Ecdsa { hash, .. } | Self::RsaPkcs1(hash) | Self::RsaPss { hash, .. } => {
                Some(hash)
            }
            Self::Ed25519 => None,
        }
    }

    /// The same algorithm with the other ECDSA encoding; other algorithms are unchanged.
    pub const fn with_ecdsa_encoding(self, encoding: EcdsaEncoding) -> Self {
        match self {
            Self::Ecdsa { hash, .. } => Self::Ecdsa { hash, encoding },
            other => other,
        }
    }

    /// The JOSE `alg` name, if JOSE has one.
    pub fn jose_name(self) -> Option<&'static str> {
        TABLE.iter().find(|r| r.alg == self).and_then(|r| r.jose)
    }

    /// Every JOSE `alg` name imza verifies and signs with, in table order.
    pub fn jose_names() -> impl Iterator<Item = &'static str> {
        TABLE.iter().filter_map(|r| r.jose)
    }

    /// The curve a JOSE ECDSA name requires (`ES256` → P-256); `None` for other algorithms.
    pub fn jose_curve(self) -> Option<Curve> {
        TABLE
            .iter()
            .find(|r| r.alg == self)
            .and_then(|r| r.jose_curve)
    }

    /// Looks up a JOSE `alg` name. `none` and the HMAC names are not signature algorithms and
    /// are rejected here; HMAC keys are built explicitly by the token layer.
    pub fn from_jose(name: &str) -> Result<Self, Error> {
        TABLE
            .iter()
            .find(|r| r.jose == Some(name))
            .map(|r| r.alg)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                what: alloc::format!("JOSE alg {name:?}"),
            })
    }

    /// A short display name ("ECDSA-SHA256", "RSA-PSS-SHA256", "Ed25519").
    pub fn name(self) -> alloc::string::String {
        match self {
            Self::Ecdsa { hash, .. } => alloc::format!("ECDSA-{}", hash.name().replace('-', "")),
            Self::RsaPkcs1(hash) => alloc::format!("RSA-PKCS1-{}", hash.name().replace('-', "")),
            Self::RsaPss { hash, salt_len } => {
                if usize::from(salt_len) == hash.output_len() {
                    alloc::format!("RSA-PSS-{}", hash.name().replace('-', ""))
                } else {
                    alloc::format!("RSA-PSS-{}-salt{salt_len}", hash.name().replace('-', ""))
                }
            }
            Self::Ed25519 => "Ed25519".into(),
        }
    }

    /// Parses an X.509 / CMS `AlgorithmIdentifier` (DER) naming a signature algorithm.
    /// The ECDSA encoding is DER, as X.509 and CMS require.
    pub fn from_algorithm_identifier_der(der: &[u8]) -> Result<Self, Error> {
        let ai = AlgorithmIdentifierRef::from_der(der)
            .map_err(|e| Error::malformed("signature AlgorithmIdentifier", e))?;
        Self::from_algorithm_identifier(&ai)
    }

    /// Interprets a parsed `AlgorithmIdentifier`.
    ///
    /// Parameters are checked, not ignored: ECDSA and Ed25519 identifiers must have absent
    /// parameters (RFC 5758 §3.2, RFC 8410 §3), RSA PKCS#1 identifiers NULL or absent, and PSS
    /// parameters must use MGF1 with the message hash and trailer field 1.
    pub fn from_algorithm_identifier(ai: &AlgorithmIdentifierRef<'_>) -> Result<Self, Error> {
        if ai.oid == oids::RSASSA_PSS {
            return Self::pss_from_params(ai.parameters.as_ref());
        }
        let row = TABLE
            .iter()
            .find(|r| r.oid == Some(ai.oid))
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                what: alloc::format!("signature algorithm {}", oid_name(&ai.oid)),
            })?;
        let params_ok = match row.alg {
            Self::RsaPkcs1(_) => ai.parameters.as_ref().is_none_or(is_null),
            // RFC 5758 §3.2 says absent, but national CAs (Finland's DVV card CA among them)
            // write an explicit NULL, and OpenSSL, Java and DSS accept it. A NULL carries
            // no meaning, so accepting it cannot change what is verified.
            Self::Ecdsa { .. } => ai.parameters.as_ref().is_none_or(is_null),
            _ => ai.parameters.is_none(),
        };
        if !params_ok {
            return Err(Error::Malformed {
                what: "signature AlgorithmIdentifier",
                detail: alloc::format!("unexpected parameters for {}", oid_name(&ai.oid)),
            });
        }
        Ok(row.alg)
    }

    fn pss_from_params(params: Option<&AnyRef<'_>>) -> Result<Self, Error> {
        let bad = |detail: &str| Error::Malformed {
            what: "RSASSA-PSS parameters",
            detail: detail.into(),
        };
        let params = params.ok_or_else(|| bad("parameters are absent"))?;
        let p: PssParams<'_> = params
            .decode_as()
            .map_err(|e| Error::malformed("RSASSA-PSS parameters", e))?;
        // The defaults (SHA-1 everywhere) are deliberately not supported.
        let hash_ai = p.hash.ok_or_else(|| Error::UnsupportedAlgorithm {
            what: "RSASSA-PSS with the default SHA-1 hash".into(),
        })?;
        let hash = HashAlgorithm::from_oid(&hash_ai.oid)?;
        let mgf = p.mask_gen.ok_or_else(|| Error::UnsupportedAlgorithm {
            what: "RSASSA-PSS with the default MGF1-SHA-1".into(),
        })?;
        if mgf.oid != oids::MGF1 {
            return Err(Error::UnsupportedAlgorithm {
                what: alloc::format!("RSASSA-PSS mask generation {}", oid_name(&mgf.oid)),
            });
        }
        let mgf_hash: AlgorithmIdentifierRef<'_> = mgf
            .parameters
            .as_ref()
            .ok_or_else(|| bad("MGF1 without a hash"))?
            .decode_as()
            .map_err(|e| Error::malformed("RSASSA-PSS MGF1 hash", e))?;
        if HashAlgorithm::from_oid(&mgf_hash.oid)? != hash {
            return Err(Error::UnsupportedAlgorithm {
                what: "RSASSA-PSS with an MGF1 hash different from the message hash".into(),
            });
        }
        if p.trailer.unwrap_or(1) != 1 {
            return Err(bad("trailerField is not 1"));
        }
        Ok(Self::RsaPss {
            hash,
            salt_len: p.salt_len.unwrap_or(20),
        })
    }

    /// Encodes the X.509 `AlgorithmIdentifier` (DER) for this algorithm. Fails for
    /// fixed-width ECDSA, which X.509 has no identifier for.
    pub fn to_algorithm_identifier_der(self) -> Result<Vec<u8>, Error> {
        let unsupported = || Error::UnsupportedAlgorithm {
            what: alloc::format!("{} has no X.509 AlgorithmIdentifier", self.name()),
        };
        let enc = |e: der::Error| Error::malformed("AlgorithmIdentifier encoding", e);
        match self {
            Self::RsaPss { hash, salt_len } => {
                let hash_ai = AlgorithmIdentifierRef {
                    oid: hash.oid(),
                    parameters: None,
                };
                let hash_der = hash_ai.to_der().map_err(enc)?;
                let hash_any = AnyRef::try_from(hash_der.as_slice()).map_err(enc)?;
                let params = PssParams {
                    hash: Some(hash_ai),
                    mask_gen: Some(AlgorithmIdentifierRef {
                        oid: oids::MGF1,
                        parameters: Some(hash_any),
                    }),
                    salt_len: Some(salt_len),
                    trailer: None,
                };
                let params_der = params.to_der().map_err(enc)?;
                AlgorithmIdentifierRef {
                    oid: oids::RSASSA_PSS,
                    parameters: Some(AnyRef::try_from(params_der.as_slice()).map_err(enc)?),
                }
                .to_der()
                .map_err(enc)
            }
            _ => {
                let row = TABLE
                    .iter()
                    .find(|r| r.alg == self && r.oid.is_some())
                    .ok_or_else(unsupported)?;
                let oid = row.oid.ok_or_else(unsupported)?;
                let null = Null.to_der().map_err(enc)?;
                let parameters = match self {
                    Self::RsaPkcs1(_) => Some(AnyRef::try_from(null.as_slice()).map_err(enc)?),
                    _ => None,
                };
                AlgorithmIdentifierRef { oid, parameters }
                    .to_der()
                    .map_err(enc)
            }
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

fn is_null(any: &AnyRef<'_>) -> bool {
    any.tag() == der::Tag::Null && any.value().is_empty()
}

/// A readable name for an OID: its registered short name when the OID database knows it.
pub fn oid_name(oid: &ObjectIdentifier) -> alloc::string::String {
    crate::util::oid_name(oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jose_names_round_trip() {
        for name in [
            "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "EdDSA",
        ] {
            let alg = SignatureAlgorithm::from_jose(name).unwrap();
            assert_eq!(alg.jose_name(), Some(name));
        }
        for bad in ["none", "None", "HS256", "ES256K", ""] {
            assert!(SignatureAlgorithm::from_jose(bad).is_err(), "{bad}");
        }
        assert_eq!(
            SignatureAlgorithm::from_jose("ES512").unwrap().jose_curve(),
            Some(Curve::P521)
        );
    }

    #[test]
    fn x509_identifiers_round_trip() {
        let algs = [
            ecdsa(Sha256, Der),
            ecdsa(Sha384, Der),
            ecdsa(Sha512, Der),
            SignatureAlgorithm::RsaPkcs1(Sha256),
            SignatureAlgorithm::RsaPkcs1(Sha1),
            pss(Sha256),
            pss(Sha512),
            SignatureAlgorithm::RsaPss {
                hash: Sha256,
                salt_len: 0,
            },
            SignatureAlgorithm::Ed25519,
        ];
        for alg in algs {
            let der = alg.to_algorithm_identifier_der().unwrap();
            assert_eq!(
                SignatureAlgorithm::from_algorithm_identifier_der(&der).unwrap(),
                alg
            );
        }
        assert!(ecdsa(Sha256, Fixed).to_algorithm_identifier_der().is_err());
    }

    #[test]
    fn openssl_pss_identifier_parses() {
        // AlgorithmIdentifier written by `openssl req -sigopt rsa_padding_mode:pss` with SHA-256.
        let der = hex::decode(
            "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a86\
             4886f70d010108300d06096086480165030402010500a203020120",
        )
        .unwrap();
        assert_eq!(
            SignatureAlgorithm::from_algorithm_identifier_der(&der).unwrap(),
            pss(Sha256)
        );
    }

    #[test]
    fn ecdsa_parameters_null_tolerated_anything_else_rejected() {
        // ecdsa-with-SHA256 with a NULL parameter (RFC 5758 says absent; real CAs write it).
        let null = hex::decode("300c06082a8648ce3d0403020500").unwrap();
        assert_eq!(
            SignatureAlgorithm::from_algorithm_identifier_der(&null).unwrap(),
            ecdsa(Sha256, Der)
        );
        // ... with an OID as parameter: refused.
        let oid = hex::decode("301506082a8648ce3d04030206092a864886f70d010101").unwrap();
        assert!(matches!(
            SignatureAlgorithm::from_algorithm_identifier_der(&oid),
            Err(Error::Malformed { .. })
        ));
        // Ed25519 with NULL: refused (RFC 8410 §3: absent).
        let ed = hex::decode("300706032b65700500").unwrap();
        assert!(SignatureAlgorithm::from_algorithm_identifier_der(&ed).is_err());
    }
}
