//! PIV (NIST SP 800-73-4): certificates from the 9A (authentication) and 9C (digital
//! signature) slots, VERIFY with the application PIN, GENERAL AUTHENTICATE for ECDSA
//! P-256/P-384 and RSA 2048.

use alloc::string::String;
use alloc::vec::Vec;

use super::apdu::{exchange, Command};
use super::{
    CardCertificate, CardError, CardSignature, CardTransport, KeyPurpose, PinFormat, Profile,
};
use crate::ber::tlv;
use crate::crypto::{Curve, HashAlgorithm, KeyKind};

/// The PIV application identifier (SP 800-73-4 Part 1 §2.2).
pub const AID: [u8; 11] = [
    0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
];

/// The PIV profile.
#[derive(Clone, Copy, Debug, Default)]
pub struct Piv;

fn slot(purpose: KeyPurpose) -> (u8, [u8; 3], &'static str) {
    match purpose {
        KeyPurpose::Authentication => (0x9A, [0x5F, 0xC1, 0x05], "9A"),
        KeyPurpose::Signing => (0x9C, [0x5F, 0xC1, 0x0A], "9C"),
    }
}

/// Finds the value of `tag` among the BER-TLV elements of `data` (one level).
pub(crate) fn tlv_find<'a>(data: &'a [u8], tag: &[u8]) -> Option<&'a [u8]> {
    let mut rest = data;
    while !rest.is_empty() {
        let first = *rest.first()?;
        let tag_len = if first & 0x1f == 0x1f {
            1 + rest.get(1..)?.iter().position(|b| b & 0x80 == 0)? + 1
        } else {
            1
        };
        let t = rest.get(..tag_len)?;
        let (len, len_len) = match *rest.get(tag_len)? {
            l if l < 0x80 => (usize::from(l), 1),
            0x81 => (usize::from(*rest.get(tag_len + 1)?), 2),
            0x82 => (
                usize::from(u16::from_be_bytes([
                    *rest.get(tag_len + 1)?,
                    *rest.get(tag_len + 2)?,
                ])),
                3,
            ),
            _ => return None,
        };
        let start = tag_len + len_len;
        let value = rest.get(start..start + len)?;
        if t == tag {
            return Some(value);
        }
        rest = rest.get(start + len..)?;
    }
    None
}

/// The DigestInfo prefix of EMSA-PKCS1-v1_5 (RFC 8017 §9.2, note 1), as the `rsa` crate
/// encodes it.
pub(crate) fn digest_info_prefix(h: HashAlgorithm) -> alloc::boxed::Box<[u8]> {
    use rsa::Pkcs1v15Sign;
    match h {
        HashAlgorithm::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>().prefix,
        HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>().prefix,
        HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>().prefix,
        HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>().prefix,
    }
}

/// EMSA-PKCS1-v1_5: `00 01 FF..FF 00 DigestInfo`, `k` bytes long.
pub(crate) fn pkcs1_block(h: HashAlgorithm, hash: &[u8], k: usize) -> Result<Vec<u8>, CardError> {
    let prefix = digest_info_prefix(h);
    let t_len = prefix.len() + hash.len();
    if k < t_len + 11 {
        return Err(CardError::Malformed(
            "RSA key too small for the hash".into(),
        ));
    }
    let mut out = alloc::vec![0x00, 0x01];
    out.extend(core::iter::repeat_n(0xFF, k - t_len - 3));
    out.push(0x00);
    out.extend_from_slice(&prefix);
    out.extend_from_slice(hash);
    Ok(out)
}

/// An ECDSA hash as a card takes it: the leftmost bytes when longer than the field (as
/// ECDSA truncates), left-padded with zeros when shorter.
pub(crate) fn fit_hash(hash: &[u8], len: usize) -> Vec<u8> {
    if hash.len() >= len {
        hash.get(..len).unwrap_or(hash).to_vec()
    } else {
        let mut v = alloc::vec![0u8; len - hash.len()];
        v.extend_from_slice(hash);
        v
    }
}

fn select(t: &mut dyn CardTransport) -> Result<(), CardError> {
    exchange(
        t,
        &Command::new(0x00, 0xA4, 0x04, 0x00).data(&AID).le(0),
        false,
    )?
    .ok()
    .map(|_| ())
}

impl Profile for Piv {
    fn name(&self) -> &str {
        "PIV"
    }

    fn matches_atr(&self, _atr: &[u8]) -> bool {
        // PIV cards and tokens have all kinds of ATRs; they are found by selecting the AID.
        false
    }

    fn probe(&self, t: &mut dyn CardTransport) -> Result<bool, CardError> {
        match select(t) {
            Ok(()) => Ok(true),
            Err(CardError::FileNotFound) | Err(CardError::Status { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn certificates(&self, t: &mut dyn CardTransport) -> Result<Vec<CardCertificate>, CardError> {
        select(t)?;
        let mut out = Vec::new();
        for purpose in [KeyPurpose::Authentication, KeyPurpose::Signing] {
            let (_, object, name) = slot(purpose);
            let cmd = Command::new(0x00, 0xCB, 0x3F, 0xFF)
                .data(&tlv(0x5C, &object))
                .le(0);
            let data = match exchange(t, &cmd, false)?.ok() {
                Ok(d) => d,
                Err(CardError::FileNotFound) => continue,
                Err(e) => return Err(e),
            };
            let inner = tlv_find(&data, &[0x53])
                .ok_or_else(|| CardError::Malformed("certificate object without tag 53".into()))?;
            let cert = tlv_find(inner, &[0x70])
                .ok_or_else(|| CardError::Malformed("certificate object without tag 70".into()))?;
            if tlv_find(inner, &[0x71]).is_some_and(|i| i.first().is_some_and(|b| b & 1 == 1)) {
                return Err(CardError::Malformed(
                    "compressed PIV certificates are not supported".into(),
                ));
            }
            out.push(CardCertificate {
                purpose,
                slot: String::from(name),
                der: cert.to_vec(),
            });
        }
        Ok(out)
    }

    fn pin_format(&self, _purpose: KeyPurpose) -> PinFormat {
        PinFormat {
            reference: 0x80,
            min_len: 6,
            max_len: 8,
            padded_len: 8,
            pad: 0xFF,
        }
    }

    fn prepare(&self, t: &mut dyn CardTransport, _purpose: KeyPurpose) -> Result<(), CardError> {
        select(t)
    }

    fn sign_hash(
        &self,
        t: &mut dyn CardTransport,
        purpose: KeyPurpose,
        key: KeyKind,
        hash_alg: HashAlgorithm,
        hash: &[u8],
    ) -> Result<(Vec<u8>, CardSignature), CardError> {
        let (key_ref, _, _) = slot(purpose);
        let (alg, challenge, kind) = match key {
            KeyKind::Ec(Curve::P256) => (0x11, fit_hash(hash, 32), CardSignature::EcdsaDer),
            KeyKind::Ec(Curve::P384) => (0x14, fit_hash(hash, 48), CardSignature::EcdsaDer),
            KeyKind::Rsa { bits: 2048 } => {
                (0x07, pkcs1_block(hash_alg, hash, 256)?, CardSignature::Rsa)
            }
            _ => return Err(CardError::NotSupported),
        };
        let mut template = tlv(0x82, &[]);
        template.extend_from_slice(&tlv(0x81, &challenge));
        let cmd = Command::new(0x00, 0x87, alg, key_ref)
            .data(&tlv(0x7C, &template))
            .le(0);
        let data = exchange(t, &cmd, false)?.ok()?;
        let sig = tlv_find(&data, &[0x7C])
            .and_then(|d| tlv_find(d, &[0x82]))
            .ok_or_else(|| {
                CardError::Malformed("GENERAL AUTHENTICATE without a signature".into())
            })?;
        Ok((sig.to_vec(), kind))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tlv_parsing() {
        let d = [0x53, 0x06, 0x70, 0x02, 0xAA, 0xBB, 0x71, 0x00];
        let inner = tlv_find(&d, &[0x53]).unwrap();
        assert_eq!(tlv_find(inner, &[0x70]).unwrap(), &[0xAA, 0xBB]);
        assert_eq!(tlv_find(inner, &[0x71]).unwrap(), &[] as &[u8]);
        assert!(tlv_find(&[0x53, 0x05, 0x00], &[0x53]).is_none());
        assert_eq!(
            tlv_find(&[0x5F, 0xC1, 0x01, 0x01, 0x07], &[0x5F, 0xC1, 0x01]).unwrap(),
            &[0x07]
        );
    }

    #[test]
    fn hashes_fit_the_key() {
        assert_eq!(fit_hash(&[1; 48], 32).len(), 32);
        assert_eq!(fit_hash(&[1; 32], 48)[..16], [0; 16]);
        let b = pkcs1_block(HashAlgorithm::Sha256, &[7; 32], 256).unwrap();
        assert_eq!(b.len(), 256);
        assert_eq!(&b[..3], &[0, 1, 0xFF]);
        assert_eq!(b[256 - 32 - 19 - 1], 0);
    }
}
