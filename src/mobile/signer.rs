//! Mobile ID as a [`Signer`], and a login.

use alloc::string::String;
use alloc::vec::Vec;

use super::session::{run, CancelToken, Clock, Config, Session};
use super::validate::{validate, Expect, Identity, Trust, Validated};
use super::{
    Language, MobileError, Operation, Person, Provider, RelyingParty, Start, VerificationCode,
};
use crate::crypto::{
    self, Curve, DigestValue, EcdsaEncoding, HashAlgorithm, KeyKind, PublicKey, SignatureAlgorithm,
    Signer,
};
use crate::error::Error;
use crate::revocation::Checker;
use crate::transport::Transport;

/// Everything a session needs besides the person: the service, the I/O, the credentials.
#[derive(Clone)]
pub struct Client<'a> {
    /// The service's API.
    pub provider: &'a dyn Provider,
    /// Moves the HTTP exchanges.
    pub transport: &'a dyn Transport,
    /// Keeps time and waits.
    pub clock: &'a dyn Clock,
    /// The relying party.
    pub relying_party: &'a RelyingParty,
    /// Timing and retries.
    pub config: Config,
    /// Set to stop a session in progress.
    pub cancel: CancelToken,
}

impl core::fmt::Debug for Client<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.provider.name())
            .field("relying_party", self.relying_party)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<'a> Client<'a> {
    /// A client with the default [`Config`].
    pub fn new(
        provider: &'a dyn Provider,
        transport: &'a dyn Transport,
        clock: &'a dyn Clock,
        relying_party: &'a RelyingParty,
    ) -> Self {
        Self {
            provider,
            transport,
            clock,
            relying_party,
            config: Config::default(),
            cancel: CancelToken::new(),
        }
    }

    /// Runs one session to its end; `on_code` sees the verification code before the first
    /// request leaves.
    fn run(
        &self,
        person: &Person,
        start: &Start,
        on_code: &dyn Fn(&VerificationCode),
    ) -> Result<super::Completed, MobileError> {
        let mut session = Session::new(
            self.provider,
            self.relying_party,
            person,
            start,
            self.config.clone(),
            self.clock.now(),
        )?;
        if let Some(code) = session.verification_code() {
            on_code(code);
        }
        run(&mut session, self.transport, self.clock, &self.cancel)
    }
}

/// The options of a [`MobileSigner`] and of [`authenticate`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SignerOptions {
    /// The text shown on the phone.
    pub display_text: Option<String>,
    /// The prompt language (Mobile-ID).
    pub language: Language,
    /// ECDSA output: DER (CMS, the default) or `r || s` (JWS).
    pub encoding: Option<EcdsaEncoding>,
}

/// A person's mobile ID as a [`Signer`]: CAdES (and later XAdES, PAdES) sign through it like
/// through a software key or a card.
///
/// [`MobileSigner::connect`] fetches and validates the signing certificate (the signed
/// attributes must name it before the hash exists). Each [`Signer::sign`] hashes the
/// message, shows the verification code through the callback, waits for the person, and
/// returns the signature only after it verified with that certificate.
pub struct MobileSigner<'a> {
    client: Client<'a>,
    person: Person,
    trust: Trust<'a>,
    options: SignerOptions,
    on_code: &'a dyn Fn(&VerificationCode),
    certificate: Vec<u8>,
    spki: Vec<u8>,
    alg: SignatureAlgorithm,
    identity: Identity,
}

impl core::fmt::Debug for MobileSigner<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MobileSigner")
            .field("provider", &self.client.provider.name())
            .field("person", &self.person)
            .field("algorithm", &self.alg)
            .finish_non_exhaustive()
    }
}

impl<'a> MobileSigner<'a> {
    /// Fetches `person`'s signing certificate and checks it under `trust` (a Smart-ID
    /// certificate choice is a session of its own; its document number is used from then on).
    pub fn connect(
        client: Client<'a>,
        person: Person,
        trust: Trust<'a>,
        options: SignerOptions,
        on_code: &'a dyn Fn(&VerificationCode),
    ) -> Result<Self, MobileError> {
        // Everything the signature request needs is checked now (display text, person), by
        // building it over a placeholder hash: a text the provider would refuse must not
        // surface only after the person went through a certificate choice.
        let mut probe =
            Start::sign(crypto::digest(HashAlgorithm::Sha256, b"")).with_language(options.language);
        probe.display_text = options.display_text.clone();
        client.provider.start(
            client.relying_party,
            &person,
            &probe,
            client.config.request_timeout,
        )?;
        let completed = client.run(&person, &Start::certificate(), on_code)?;
        let v = validate(
            &completed,
            &Expect {
                operation: Operation::Certificate,
                hash: None,
                person: &person,
                certificate: None,
            },
            &trust,
            None,
        )?;
        let spki = v.leaf_spki().to_vec();
        let key = PublicKey::from_spki_der(&spki)
            .map_err(|e| MobileError::malformed("certificate key", e))?;
        let encoding = options.encoding.unwrap_or(EcdsaEncoding::Der);
        let alg = match key.kind() {
            KeyKind::Ec(curve) => SignatureAlgorithm::Ecdsa {
                hash: match curve {
                    Curve::P384 => HashAlgorithm::Sha384,
                    Curve::P521 => HashAlgorithm::Sha512,
                    _ => HashAlgorithm::Sha256,
                },
                encoding,
            },
            KeyKind::Rsa { .. } => SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256),
            other => {
                return Err(MobileError::AlgorithmMismatch {
                    found: other.describe(),
                    expected: "an EC or RSA key".into(),
                })
            }
        };
        let person = match v.identity.document_number.clone() {
            Some(doc) if !matches!(person, Person::Phone { .. }) => Person::Document(doc),
            _ => person,
        };
        Ok(Self {
            client,
            person,
            trust,
            options,
            on_code,
            certificate: v.certificate,
            spki,
            alg,
            identity: v.identity,
        })
    }

    /// The timing of the signature sessions still to come: a caller with one deadline for
    /// the whole flow sets what is left of it after [`MobileSigner::connect`].
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.client.config
    }

    /// The signing certificate (DER).
    pub fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    /// Who the certificate names.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Signs a digest computed by the caller, returning the checked outcome.
    pub fn sign_digest(&self, hash: &DigestValue) -> Result<Validated, MobileError> {
        let mut start = Start::sign(*hash).with_language(self.options.language);
        start.display_text = self.options.display_text.clone();
        let completed = self.client.run(&self.person, &start, self.on_code)?;
        validate(
            &completed,
            &Expect {
                operation: Operation::Sign,
                hash: Some(hash),
                person: &self.person,
                certificate: Some(&self.certificate),
            },
            &self.trust,
            None,
        )
    }
}

impl Signer for MobileSigner<'_> {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    fn public_key_spki(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let hash_alg = self.alg.hash().unwrap_or(HashAlgorithm::Sha256);
        let hash = crypto::digest(hash_alg, message);
        let v = self.sign_digest(&hash)?;
        let encoding = match self.alg {
            SignatureAlgorithm::Ecdsa { encoding, .. } => encoding,
            _ => EcdsaEncoding::Der,
        };
        Ok(v.signature_as(encoding)?)
    }
}

/// A login: who authenticated, with what.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Authenticated {
    /// Who the authentication certificate names.
    pub identity: Identity,
    /// The authentication certificate (DER).
    pub certificate: Vec<u8>,
    /// The verification code that was shown.
    pub verification_code: Option<VerificationCode>,
}

/// What a login tells the relying party: the document `imza mobile login --json` prints and
/// the C ABI's `imza_mobile_login` returns.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct LoginReport<'a> {
    /// The service ("Mobile-ID", "Smart-ID").
    pub provider: &'static str,
    /// Who the authentication certificate names.
    pub identity: &'a Identity,
    /// The verification code that was shown.
    pub verification_code: Option<&'a str>,
    /// The authentication certificate, PEM.
    pub certificate: String,
}

impl Authenticated {
    /// The login as a report, for `provider` (the service's name).
    pub fn report(&self, provider: &'static str) -> Result<LoginReport<'_>, Error> {
        let certificate =
            der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.certificate)
                .map_err(|e| Error::Malformed {
                    what: "certificate",
                    detail: alloc::format!("PEM: {e}"),
                })?;
        Ok(LoginReport {
            provider,
            identity: &self.identity,
            verification_code: self.verification_code.as_ref().map(|c| c.as_str()),
            certificate,
        })
    }
}

/// Authenticates `person` over `hash` (a fresh random value, [`super::random_hash`]): the
/// signature must verify over it with the returned certificate, the certificate must chain
/// to `trust` for authentication and name `person`; with `revocation`, it must not be
/// revoked.
pub fn authenticate(
    client: &Client<'_>,
    person: &Person,
    hash: &DigestValue,
    options: &SignerOptions,
    trust: &Trust<'_>,
    on_code: &dyn Fn(&VerificationCode),
    revocation: Option<&mut Checker<'_>>,
) -> Result<Authenticated, MobileError> {
    let mut start = Start::authenticate(*hash).with_language(options.language);
    start.display_text = options.display_text.clone();
    let shown = core::cell::RefCell::new(None);
    let completed = client.run(person, &start, &|c: &VerificationCode| {
        *shown.borrow_mut() = Some(c.clone());
        on_code(c);
    })?;
    let v = validate(
        &completed,
        &Expect {
            operation: Operation::Authenticate,
            hash: Some(hash),
            person,
            certificate: None,
        },
        trust,
        revocation,
    )?;
    Ok(Authenticated {
        identity: v.identity,
        certificate: v.certificate,
        verification_code: shown.into_inner(),
    })
}
