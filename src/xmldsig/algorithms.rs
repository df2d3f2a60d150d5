//! The XMLDSig algorithm identifiers imza reads (XMLDSig 1.1 §6, RFC 9231).

use crate::crypto::{EcdsaEncoding, HashAlgorithm, SignatureAlgorithm};
use crate::error::Error;

const DIGESTS: &[(&str, HashAlgorithm)] = &[
    (
        "http://www.w3.org/2000/09/xmldsig#sha1",
        HashAlgorithm::Sha1,
    ),
    (
        "http://www.w3.org/2001/04/xmlenc#sha256",
        HashAlgorithm::Sha256,
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        HashAlgorithm::Sha384,
    ),
    (
        "http://www.w3.org/2001/04/xmlenc#sha512",
        HashAlgorithm::Sha512,
    ),
];

/// The digest a DigestMethod URI names.
pub fn digest(uri: &str) -> Result<HashAlgorithm, Error> {
    DIGESTS
        .iter()
        .find(|(u, _)| *u == uri)
        .map(|&(_, h)| h)
        .ok_or_else(|| Error::UnsupportedAlgorithm {
            what: alloc::format!("XML digest method {uri}"),
        })
}

/// The DigestMethod URI of a digest.
pub fn digest_uri(hash: HashAlgorithm) -> &'static str {
    DIGESTS
        .iter()
        .find(|(_, h)| *h == hash)
        .map_or("", |(u, _)| u)
}

fn ecdsa(hash: HashAlgorithm) -> SignatureAlgorithm {
    SignatureAlgorithm::Ecdsa {
        hash,
        // XMLDSig 1.1 §6.4.3: the value is r || s, each the curve's size.
        encoding: EcdsaEncoding::Fixed,
    }
}

fn pss(hash: HashAlgorithm) -> SignatureAlgorithm {
    SignatureAlgorithm::RsaPss {
        hash,
        // RFC 9231 §2.3.10: the MGF1 URIs fix the salt to the hash length.
        salt_len: match hash {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        },
    }
}

const MORE: &str = "http://www.w3.org/2001/04/xmldsig-more#";
const MORE07: &str = "http://www.w3.org/2007/05/xmldsig-more#";

/// The signature algorithm a SignatureMethod URI names.
pub fn signature(uri: &str) -> Result<SignatureAlgorithm, Error> {
    use HashAlgorithm::*;
    let alg = if uri == "http://www.w3.org/2000/09/xmldsig#rsa-sha1" {
        Some(SignatureAlgorithm::RsaPkcs1(Sha1))
    } else if let Some(name) = uri.strip_prefix(MORE) {
        match name {
            "rsa-sha256" => Some(SignatureAlgorithm::RsaPkcs1(Sha256)),
            "rsa-sha384" => Some(SignatureAlgorithm::RsaPkcs1(Sha384)),
            "rsa-sha512" => Some(SignatureAlgorithm::RsaPkcs1(Sha512)),
            "ecdsa-sha1" => Some(ecdsa(Sha1)),
            "ecdsa-sha256" => Some(ecdsa(Sha256)),
            "ecdsa-sha384" => Some(ecdsa(Sha384)),
            "ecdsa-sha512" => Some(ecdsa(Sha512)),
            _ => None,
        }
    } else if let Some(name) = uri.strip_prefix(MORE07) {
        match name {
            "sha256-rsa-MGF1" => Some(pss(Sha256)),
            "sha384-rsa-MGF1" => Some(pss(Sha384)),
            "sha512-rsa-MGF1" => Some(pss(Sha512)),
            _ => None,
        }
    } else {
        None
    };
    alg.ok_or_else(|| Error::UnsupportedAlgorithm {
        what: alloc::format!("XML signature method {uri}"),
    })
}

/// The SignatureMethod URI of an algorithm, if XMLDSig names it.
pub fn signature_uri(alg: SignatureAlgorithm) -> Option<&'static str> {
    use HashAlgorithm::*;
    Some(match alg {
        SignatureAlgorithm::RsaPkcs1(Sha1) => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        SignatureAlgorithm::RsaPkcs1(Sha256) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        SignatureAlgorithm::RsaPkcs1(Sha384) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        SignatureAlgorithm::RsaPkcs1(Sha512) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        SignatureAlgorithm::Ecdsa {
            hash,
            encoding: EcdsaEncoding::Fixed,
        } => match hash {
            Sha1 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
            Sha256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            Sha384 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            Sha512 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
        },
        SignatureAlgorithm::RsaPss { hash, salt_len }
            if usize::from(salt_len) == hash.output_len() =>
        {
            match hash {
                Sha256 => "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
                Sha384 => "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
                Sha512 => "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
                Sha1 => return None,
            }
        }
        _ => return None,
    })
}
