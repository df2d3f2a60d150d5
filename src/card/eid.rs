//! The ISO 7816-8 signature flow national ID cards use: select the application, MSE:SET
//! the key, VERIFY the PIN with the card's padding, then PSO: COMPUTE DIGITAL SIGNATURE
//! (signing) or INTERNAL AUTHENTICATE (authentication). Everything card-specific is in
//! [`EidParams`]; the Estonian IDEMIA card is the first instance.

use alloc::vec::Vec;

use super::apdu::{exchange, read_binary, Command};
use super::piv::{fit_hash, tlv_find};
use super::{
    CardCertificate, CardError, CardSignature, CardTransport, KeyPurpose, PinFormat, Profile,
};
use crate::crypto::{HashAlgorithm, KeyKind};

/// One key of an eID card: where it lives and how it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EidKey {
    /// The application holding the key (SELECT by AID, P2 0C).
    pub aid: &'static [u8],
    /// The certificate file: path from the MF (SELECT P1 09).
    pub cert_path: &'static [u8],
    /// MSE:SET control reference template tag: B6 (digital signature) or A4
    /// (authentication).
    pub template: u8,
    /// MSE tag 80: the algorithm reference.
    pub algorithm: u8,
    /// MSE tag 84: the key reference.
    pub key_ref: u8,
    /// The PIN that unlocks it.
    pub pin: PinFormat,
    /// The hash length the card wants (left-padded or truncated); `None`: as computed.
    pub hash_len: Option<usize>,
}

/// The parameters of an ISO 7816-8 eID card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EidParams {
    /// Profile name.
    pub name: &'static str,
    /// ATRs that identify the card.
    pub atrs: &'static [&'static [u8]],
    /// The authentication key.
    pub auth: EidKey,
    /// The signing key.
    pub sign: EidKey,
    /// Largest READ BINARY the card serves.
    pub read_chunk: usize,
}

/// The main application of the Estonian IDEMIA card.
const EST_MAIN_AID: &[u8] = &[
    0xA0, 0x00, 0x00, 0x00, 0x77, 0x01, 0x08, 0x00, 0x07, 0x00, 0x00, 0xFE, 0x00, 0x00, 0x01, 0x00,
];
/// Its signing application, "QSCD Application".
const EST_QSCD_AID: &[u8] = b"QSCD Application";

impl EidParams {
    /// The Estonian ID card (IDEMIA, 2018 onwards), as public middleware drives it:
    /// authentication key 81 under PIN1 (4-12 digits), signing key 9F in the QSCD
    /// application under PIN2 (5-12 digits), PINs padded with FF to 12 bytes, P-384 hashes
    /// left-padded to 48 bytes, certificates read in 0xC0-byte pieces.
    pub const fn estonia_idemia() -> Self {
        Self {
            name: "EstEID (IDEMIA)",
            atrs: &[&[
                0x3B, 0xDB, 0x96, 0x00, 0x80, 0xB1, 0xFE, 0x45, 0x1F, 0x83, 0x00, 0x12, 0x23, 0x3F,
                0x53, 0x65, 0x49, 0x44, 0x0F, 0x90, 0x00, 0xF1,
            ]],
            auth: EidKey {
                aid: EST_MAIN_AID,
                cert_path: &[0xAD, 0xF1, 0x34, 0x01],
                template: 0xA4,
                algorithm: 0x04,
                key_ref: 0x81,
                pin: PinFormat {
                    reference: 0x01,
                    min_len: 4,
                    max_len: 12,
                    padded_len: 12,
                    pad: 0xFF,
                },
                hash_len: None,
            },
            sign: EidKey {
                aid: EST_QSCD_AID,
                cert_path: &[0xAD, 0xF2, 0x34, 0x01],
                template: 0xB6,
                algorithm: 0x54,
                key_ref: 0x9F,
                pin: PinFormat {
                    reference: 0x85,
                    min_len: 5,
                    max_len: 12,
                    padded_len: 12,
                    pad: 0xFF,
                },
                hash_len: Some(48),
            },
            read_chunk: 0xC0,
        }
    }
}

/// An ISO 7816-8 eID card described by [`EidParams`].
#[derive(Clone, Copy, Debug)]
pub struct Eid {
    params: EidParams,
}

impl Eid {
    /// The profile for a card with these parameters.
    pub const fn new(params: EidParams) -> Self {
        Self { params }
    }

    fn key(&self, purpose: KeyPurpose) -> &EidKey {
        match purpose {
            KeyPurpose::Authentication => &self.params.auth,
            KeyPurpose::Signing => &self.params.sign,
        }
    }
}

fn select_aid(t: &mut dyn CardTransport, aid: &[u8]) -> Result<(), CardError> {
    exchange(t, &Command::new(0x00, 0xA4, 0x04, 0x0C).data(aid), false)?
        .ok()
        .map(|_| ())
}

/// Reads a certificate file: SELECT by path with its FCI, then READ BINARY of its size.
fn read_file(t: &mut dyn CardTransport, path: &[u8], chunk: usize) -> Result<Vec<u8>, CardError> {
    exchange(t, &Command::new(0x00, 0xA4, 0x00, 0x0C), false)?.ok()?;
    let fci = exchange(
        t,
        &Command::new(0x00, 0xA4, 0x09, 0x04).data(path).le(0),
        false,
    )?
    .ok()?;
    let size = tlv_find(&fci, &[0x62])
        .and_then(|f| tlv_find(f, &[0x80]))
        .and_then(|s| match s {
            [hi, lo] => Some(usize::from(u16::from_be_bytes([*hi, *lo]))),
            _ => None,
        })
        .ok_or_else(|| CardError::Malformed("file control information without a size".into()))?;
    let data = read_binary(t, size, chunk)?;
    // Some cards pad certificate files; the DER length says where the certificate ends.
    Ok(der_prefix(&data).unwrap_or(&data).to_vec())
}

/// The first element of `data`, when it is whole.
fn der_prefix(data: &[u8]) -> Option<&[u8]> {
    crate::ber::Reader::new(data, "card file")
        .read()
        .ok()
        .map(|t| t.raw)
}

impl Profile for Eid {
    fn name(&self) -> &str {
        self.params.name
    }

    fn matches_atr(&self, atr: &[u8]) -> bool {
        self.params.atrs.contains(&atr)
    }

    fn probe(&self, t: &mut dyn CardTransport) -> Result<bool, CardError> {
        match select_aid(t, self.params.sign.aid) {
            Ok(()) => Ok(true),
            Err(CardError::FileNotFound) | Err(CardError::Status { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn certificates(&self, t: &mut dyn CardTransport) -> Result<Vec<CardCertificate>, CardError> {
        let mut out = Vec::new();
        for purpose in [KeyPurpose::Authentication, KeyPurpose::Signing] {
            let key = self.key(purpose);
            select_aid(t, self.params.auth.aid)?;
            let der = read_file(t, key.cert_path, self.params.read_chunk)?;
            out.push(CardCertificate {
                purpose,
                slot: crate::util::hex(key.cert_path).to_uppercase(),
                der,
            });
        }
        Ok(out)
    }

    fn pin_format(&self, purpose: KeyPurpose) -> PinFormat {
        self.key(purpose).pin
    }

    fn prepare(&self, t: &mut dyn CardTransport, purpose: KeyPurpose) -> Result<(), CardError> {
        let key = self.key(purpose);
        select_aid(t, key.aid)?;
        let crt = [0x80, 0x01, key.algorithm, 0x84, 0x01, key.key_ref];
        exchange(
            t,
            &Command::new(0x00, 0x22, 0x41, key.template).data(&crt),
            false,
        )?
        .ok()?;
        Ok(())
    }

    fn sign_hash(
        &self,
        t: &mut dyn CardTransport,
        purpose: KeyPurpose,
        key: KeyKind,
        _hash_alg: HashAlgorithm,
        hash: &[u8],
    ) -> Result<(Vec<u8>, CardSignature), CardError> {
        if !matches!(key, KeyKind::Ec(_)) {
            return Err(CardError::NotSupported);
        }
        let k = self.key(purpose);
        let data = match k.hash_len {
            Some(n) => fit_hash(hash, n),
            None => hash.to_vec(),
        };
        let cmd = match purpose {
            KeyPurpose::Signing => Command::new(0x00, 0x2A, 0x9E, 0x9A),
            KeyPurpose::Authentication => Command::new(0x00, 0x88, 0x00, 0x00),
        }
        .data(&data)
        .le(0);
        let sig = exchange(t, &cmd, false)?.ok()?;
        Ok((sig, CardSignature::EcdsaFixed))
    }
}
