//! A card key as a [`Signer`]: the same trait as software keys, so CAdES signing and login
//! tokens take a card without knowing it.

use alloc::vec::Vec;
use core::cell::RefCell;

use der::{Decode, Encode};

use super::apdu::{exchange, Response};
use super::{
    pin_status, CardError, CardSignature, CardTransport, KeyPurpose, Pin, PinStatus, Profile,
    ReaderFeature,
};
use crate::crypto::{
    self, ecdsa_sig, Curve, EcdsaEncoding, HashAlgorithm, KeyKind, Message, SignatureAlgorithm,
    Signer,
};
use crate::error::Error;

/// How the PIN is given.
#[derive(Clone, Debug)]
pub enum PinEntry {
    /// Typed on the computer.
    Keyboard(Pin),
    /// Typed on the reader's PIN pad (FEATURE_VERIFY_PIN_DIRECT); never seen by the host.
    PinPad,
}

/// One key of a card, with its certificate, as a [`Signer`].
///
/// Every signature runs in one PC/SC transaction: select, security environment, PIN
/// status, VERIFY, sign. The PIN state is read first: a blocked PIN is reported without
/// sending anything, and the last try is not spent unless [`CardSigner::allow_last_try`].
/// The card's signature is verified with the certificate's key before it is returned.
pub struct CardSigner<'r, T: CardTransport> {
    transport: RefCell<T>,
    profile: &'r dyn Profile,
    purpose: KeyPurpose,
    cert: Vec<u8>,
    spki: Vec<u8>,
    key: KeyKind,
    alg: SignatureAlgorithm,
    pin: Option<PinEntry>,
    allow_last_try: bool,
}

impl<T: CardTransport> core::fmt::Debug for CardSigner<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardSigner")
            .field("profile", &self.profile.name())
            .field("purpose", &self.purpose)
            .field("algorithm", &self.alg)
            .finish_non_exhaustive()
    }
}

fn default_hash(key: KeyKind) -> HashAlgorithm {
    match key {
        KeyKind::Ec(Curve::P384) => HashAlgorithm::Sha384,
        KeyKind::Ec(Curve::P521) => HashAlgorithm::Sha512,
        _ => HashAlgorithm::Sha256,
    }
}

impl<'r, T: CardTransport> CardSigner<'r, T> {
    /// The `purpose` key of the card behind `transport`, described by `profile`. Reads the
    /// certificate; signs ECDSA in DER (CMS, X.509) unless [`CardSigner::with_encoding`]
    /// asks for r‖s (JWS, Web eID), with SHA-256/384/512 by curve; RSA PKCS#1 v1.5 SHA-256.
    pub fn new(
        transport: T,
        profile: &'r dyn Profile,
        purpose: KeyPurpose,
        pin: PinEntry,
    ) -> Result<Self, CardError> {
        Ok(Self::open(transport, profile, purpose)?.with_pin(pin))
    }

    /// Like [`CardSigner::new`], without a PIN yet: to show the PIN state (tries left,
    /// blocked) before asking the person for it. Signing needs [`CardSigner::with_pin`].
    pub fn open(
        mut transport: T,
        profile: &'r dyn Profile,
        purpose: KeyPurpose,
    ) -> Result<Self, CardError> {
        let mut certs = Vec::new();
        transport.transaction(&mut |t| {
            certs = profile.certificates(t)?;
            Ok(())
        })?;
        let cert = certs
            .into_iter()
            .find(|c| c.purpose == purpose)
            .ok_or(CardError::NoKey(purpose.name()))?
            .der;
        let parsed = x509_cert::Certificate::from_der(&cert)
            .map_err(|e| CardError::Malformed(alloc::format!("card certificate: {e}")))?;
        let spki = parsed
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| CardError::Malformed(alloc::format!("card certificate: {e}")))?;
        let key = crypto::PublicKey::from_spki_der(&spki)
            .map_err(|e| CardError::Malformed(alloc::format!("card certificate key: {e}")))?
            .kind();
        let alg = match key {
            KeyKind::Rsa { .. } => SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256),
            KeyKind::Ec(_) => SignatureAlgorithm::Ecdsa {
                hash: default_hash(key),
                encoding: EcdsaEncoding::Der,
            },
            KeyKind::Ed25519 => return Err(CardError::NotSupported),
        };
        Ok(Self {
            transport: RefCell::new(transport),
            profile,
            purpose,
            cert,
            spki,
            key,
            alg,
            pin: None,
            allow_last_try: false,
        })
    }

    /// Sets how the PIN is given.
    pub fn with_pin(mut self, pin: PinEntry) -> Self {
        self.pin = Some(pin);
        self
    }

    /// Returns ECDSA signatures in `encoding`.
    pub fn with_encoding(mut self, encoding: EcdsaEncoding) -> Self {
        if let SignatureAlgorithm::Ecdsa { hash, .. } = self.alg {
            self.alg = SignatureAlgorithm::Ecdsa { hash, encoding };
        }
        self
    }

    /// Hashes with `hash` instead of the default.
    pub fn with_hash(mut self, hash: HashAlgorithm) -> Self {
        self.alg = match self.alg {
            SignatureAlgorithm::Ecdsa { encoding, .. } => {
                SignatureAlgorithm::Ecdsa { hash, encoding }
            }
            SignatureAlgorithm::RsaPkcs1(_) => SignatureAlgorithm::RsaPkcs1(hash),
            a => a,
        };
        self
    }

    /// Allows spending the last PIN try (off by default: a typo would block the card).
    pub fn allow_last_try(mut self, allow: bool) -> Self {
        self.allow_last_try = allow;
        self
    }

    /// The key's certificate, DER.
    pub fn certificate(&self) -> &[u8] {
        &self.cert
    }

    /// The card profile.
    pub fn profile(&self) -> &dyn Profile {
        self.profile
    }

    /// The PIN state of this key's PIN, without verifying it.
    pub fn pin_status(&self) -> Result<PinStatus, CardError> {
        let mut t = self
            .transport
            .try_borrow_mut()
            .map_err(|_| CardError::Transport("the card is busy".into()))?;
        let mut out = None;
        t.transaction(&mut |t| {
            self.profile.prepare(t, self.purpose)?;
            out = Some(pin_status(
                t,
                self.profile.pin_format(self.purpose).reference,
            )?);
            Ok(())
        })?;
        out.ok_or(CardError::Transport("no PIN status".into()))
    }

    /// Signs a digest computed by the caller with `hash_alg`.
    pub fn sign_digest(&self, hash_alg: HashAlgorithm, hash: &[u8]) -> Result<Vec<u8>, CardError> {
        let mut t = self
            .transport
            .try_borrow_mut()
            .map_err(|_| CardError::Transport("the card is busy".into()))?;
        let mut result: Option<(Vec<u8>, CardSignature)> = None;
        t.transaction(&mut |t| {
            self.profile.prepare(t, self.purpose)?;
            let format = self.profile.pin_format(self.purpose);
            let status = pin_status(t, format.reference)?;
            if status.blocked {
                return Err(CardError::PinBlocked);
            }
            if !status.verified {
                if status.tries_left == Some(1) && !self.allow_last_try {
                    return Err(CardError::LastTryRefused);
                }
                match self
                    .pin
                    .as_ref()
                    .ok_or(CardError::SecurityStatusNotSatisfied)?
                {
                    PinEntry::Keyboard(pin) => {
                        exchange(t, &format.verify(pin)?, false)?.ok()?;
                    }
                    PinEntry::PinPad => {
                        let code = t
                            .features()
                            .into_iter()
                            .find_map(|f| match f {
                                ReaderFeature::VerifyPinDirect(c) => Some(c),
                                _ => None,
                            })
                            .ok_or(CardError::NotSupported)?;
                        let answer = t.control(code, &format.pin_pad_structure())?;
                        Response::parse(&answer)?.ok()?;
                    }
                }
            }
            result = Some(
                self.profile
                    .sign_hash(t, self.purpose, self.key, hash_alg, hash)?,
            );
            Ok(())
        })?;
        let (sig, kind) = result.ok_or(CardError::Transport("no signature".into()))?;
        let sig = self.encode(sig, kind)?;
        // A card that signs with another key, or garbles the signature, is caught here
        // rather than in a relying party years later.
        crypto::verify_with(
            None,
            &crypto::Policy::LEGACY,
            self.alg,
            &self.spki,
            Message::Digest(hash),
            &sig,
        )
        .map_err(|e| {
            CardError::Malformed(alloc::format!("the card's signature does not verify: {e}"))
        })?;
        Ok(sig)
    }

    fn encode(&self, sig: Vec<u8>, kind: CardSignature) -> Result<Vec<u8>, CardError> {
        let bad = |e: Error| CardError::Malformed(alloc::format!("card signature: {e}"));
        match (self.alg, self.key, kind) {
            (SignatureAlgorithm::Ecdsa { encoding, .. }, KeyKind::Ec(curve), k) => {
                match (encoding, k) {
                    (EcdsaEncoding::Der, CardSignature::EcdsaFixed) => {
                        ecdsa_sig::fixed_to_der(curve, &sig).map_err(bad)
                    }
                    (EcdsaEncoding::Fixed, CardSignature::EcdsaDer) => {
                        ecdsa_sig::der_to_fixed(curve, &sig).map_err(bad)
                    }
                    _ => Ok(sig),
                }
            }
            _ => Ok(sig),
        }
    }

    /// Runs `f` with the transport (for a caller's own bookkeeping, such as counting
    /// APDUs); `None` while a signature is in progress.
    pub fn with_transport<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.transport.try_borrow().ok().map(|t| f(&t))
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.transport.into_inner()
    }
}

impl<T: CardTransport> Signer for CardSigner<'_, T> {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    fn public_key_spki(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let hash_alg = self.alg.hash().ok_or(Error::UnsupportedAlgorithm {
            what: "a card signature without a hash".into(),
        })?;
        let hash = crypto::digest(hash_alg, message);
        self.sign_digest(hash_alg, hash.as_ref())
            .map_err(Error::Card)
    }
}
