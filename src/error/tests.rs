//! The code table: one description per code, codes unique and in their blocks.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ops::RangeInclusive;

use super::*;
use crate::time::UnixTime;

fn s() -> String {
    "x".to_string()
}

fn e() -> Error {
    Error::BadSignature
}

fn path_errors() -> Vec<PathError> {
    let t = UnixTime::from_secs(0);
    vec![
        PathError::Malformed(e()),
        PathError::NoChainFound { subject: s() },
        PathError::Expired {
            subject: s(),
            not_after: t,
        },
        PathError::NotYetValid {
            subject: s(),
            not_before: t,
        },
        PathError::ChainConstraints {
            subject: s(),
            constraint: Constraint::NotACa,
        },
        PathError::UnknownCriticalExtension {
            subject: s(),
            oid: const_oid::ObjectIdentifier::new_unwrap("1.2.3"),
        },
        PathError::CryptoConstraints {
            subject: s(),
            reason: s(),
        },
        PathError::Revoked {
            subject: s(),
            time: t,
            reason: None,
        },
        PathError::RevocationUnknown {
            subject: s(),
            reason: s(),
        },
        PathError::BudgetExceeded { what: "x" },
    ]
}

/// One value of every variant of every error, with the block its codes belong to. A new
/// variant needs a line here, or the test below finds its code's description unused.
fn samples() -> Vec<(RangeInclusive<u32>, Error)> {
    let t = UnixTime::from_secs(0);
    let mut v: Vec<(RangeInclusive<u32>, Error)> = Vec::new();
    let core = vec![
        Error::Malformed {
            what: "x",
            detail: s(),
        },
        Error::LimitExceeded {
            what: "x",
            limit: 1,
        },
        Error::ContentGivenTwice,
        Error::UnsupportedFormat { format: "x" },
        Error::Read { reason: s() },
        Error::InvalidOptions { reason: "x" },
    ];
    v.extend(core.into_iter().map(|e| (100..=199, e)));
    let algs = vec![
        Error::UnsupportedAlgorithm { what: s() },
        Error::UnsupportedByBackend {
            backend: "x",
            what: s(),
        },
        Error::KeyMismatch {
            algorithm: s(),
            key: s(),
        },
        Error::KeyRejected { reason: s() },
        Error::PolicyViolation { reason: s() },
    ];
    v.extend(algs.into_iter().map(|e| (200..=299, e)));
    v.push((300..=399, Error::BadSignature));
    v.push((400..=499, Error::SigningFailed { reason: s() }));
    v.push((500..=599, Error::Transport { reason: s() }));
    let card = vec![
        CardError::NoReader,
        CardError::NoCard,
        CardError::Removed,
        CardError::Reset,
        CardError::SharingViolation,
        CardError::Timeout,
        CardError::PcscUnavailable(String::new()),
        CardError::Transport(s()),
        CardError::WrongPin { tries_left: 2 },
        CardError::PinBlocked,
        CardError::LastTryRefused,
        CardError::PinFormat(s()),
        CardError::SecurityStatusNotSatisfied,
        CardError::ConditionsNotSatisfied,
        CardError::FileNotFound,
        CardError::WrongLength,
        CardError::NotSupported,
        CardError::PinPadTimeout,
        CardError::PinEntryCancelled(String::new()),
        CardError::PinPadCancelled,
        CardError::PinPadLength,
        CardError::Status { sw: 0x6f00 },
        CardError::Malformed(s()),
        CardError::UnknownCard,
        CardError::NoKey("x"),
    ];
    v.extend(card.into_iter().map(|e| (600..=699, e.into())));
    let mobile = vec![
        MobileError::UserCancelled,
        MobileError::UserRefused { result: s() },
        MobileError::Timeout,
        MobileError::NotMobileIdClient,
        MobileError::CertificateNotActive,
        MobileError::PhoneAbsent,
        MobileError::DeliveryError,
        MobileError::SimError,
        MobileError::SignatureHashMismatch,
        MobileError::WrongVerificationCode,
        MobileError::DocumentUnusable,
        MobileError::InteractionNotSupported,
        MobileError::NoSuitableAccount,
        MobileError::ViewApp,
        MobileError::ClientTooOld,
        MobileError::Maintenance,
        MobileError::UnknownResult { result: s() },
        MobileError::BadRequest { detail: s() },
        MobileError::Unauthorized,
        MobileError::SessionNotFound,
        MobileError::ServerError {
            status: 500,
            attempts: 1,
        },
        MobileError::UnexpectedStatus { status: 418 },
        MobileError::Transport { reason: s() },
        MobileError::DeadlineExceeded,
        MobileError::Cancelled,
        MobileError::InvalidInput {
            what: "x",
            detail: s(),
        },
        MobileError::DisplayTextTooLong {
            length: 2,
            max: 1,
            encoding: "x",
        },
        MobileError::DisplayTextNotEncodable {
            character: 'x',
            encoding: "x",
        },
        MobileError::Malformed {
            what: "x",
            detail: s(),
        },
        MobileError::BadSignature,
        MobileError::AlgorithmMismatch {
            found: s(),
            expected: s(),
        },
        MobileError::UntrustedCertificate(Box::new(PathError::NoChainFound { subject: s() })),
        MobileError::SubjectMismatch {
            expected: s(),
            found: s(),
        },
        MobileError::CertificateChanged,
    ];
    v.extend(mobile.into_iter().map(|e| (700..=799, e.into())));
    v.extend(path_errors().into_iter().map(|e| (800..=899, e.into())));
    let ocsp = vec![
        OcspError::Malformed(e()),
        OcspError::NotSuccessful("x"),
        OcspError::UnsupportedResponseType(s()),
        OcspError::NoMatchingResponse,
        OcspError::UnauthorizedResponder(s()),
        OcspError::BadSignature(e()),
        OcspError::NotFresh(s()),
        OcspError::NonceMismatch,
        OcspError::IssuedInFuture(s()),
    ];
    v.extend(ocsp.into_iter().map(|e| (900..=949, e.into())));
    let crl = vec![
        CrlError::Malformed(e()),
        CrlError::Unsupported(s()),
        CrlError::WrongIssuer,
        CrlError::IssuerCannotSignCrls,
        CrlError::BadSignature(e()),
        CrlError::NotFresh(s()),
        CrlError::OutOfScope,
        CrlError::IssuedInFuture(s()),
    ];
    v.extend(crl.into_iter().map(|e| (950..=999, e.into())));
    let tsp = vec![
        TspError::Malformed(e()),
        TspError::Rejected(s()),
        TspError::Mismatch("x"),
        TspError::Transport(e()),
    ];
    v.extend(tsp.into_iter().map(|e| (1000..=1099, e.into())));
    let jose = vec![
        JoseError::Malformed {
            what: "x",
            detail: s(),
        },
        JoseError::NotAJws,
        JoseError::TooLarge {
            what: "x",
            limit: 1,
        },
        JoseError::AlgorithmNotAllowed(s()),
        JoseError::UnsupportedCritical(s()),
        JoseError::NoMatchingKey,
        JoseError::AmbiguousKey,
        JoseError::KeyMismatch(s()),
        JoseError::KeySet(s()),
        JoseError::BadSignature,
        JoseError::Certificate(s()),
        JoseError::Crypto(e()),
    ];
    v.extend(jose.into_iter().map(|e| (1100..=1149, e.into())));
    let claims = vec![
        ClaimError::Malformed("x"),
        ClaimError::Missing("x"),
        ClaimError::Expired,
        ClaimError::NotYetValid,
        ClaimError::IssuedAt,
        ClaimError::Issuer,
        ClaimError::Audience,
        ClaimError::AuthorizedParty,
        ClaimError::Nonce,
        ClaimError::AuthTime,
        ClaimError::Hash("x"),
        ClaimError::Type,
    ];
    v.extend(claims.into_iter().map(|e| (1150..=1199, e.into())));
    let webeid = vec![
        WebEidError::TokenLength {
            length: 1,
            min: 2,
            max: 3,
        },
        WebEidError::NotUtf8,
        WebEidError::Json { detail: s() },
        WebEidError::MissingField { field: "x" },
        WebEidError::UnsupportedFormat { format: s() },
        WebEidError::FieldNotAllowed {
            field: "x",
            format: s(),
        },
        WebEidError::InvalidBase64 { field: "x" },
        WebEidError::LimitExceeded {
            what: "x",
            limit: 1,
        },
        WebEidError::UnsupportedAlgorithm { algorithm: s() },
        WebEidError::UnsupportedSigningAlgorithm { detail: s() },
        WebEidError::CertificateMalformed {
            field: "x",
            detail: s(),
        },
        WebEidError::MissingKeyUsage,
        WebEidError::WrongPurpose { reason: "x" },
        WebEidError::DisallowedPolicy { policy: s() },
        WebEidError::CertificateNotYetValid {
            subject: s(),
            not_before: t,
        },
        WebEidError::CertificateExpired {
            subject: s(),
            not_after: t,
        },
        WebEidError::NotTrusted(PathError::NoChainFound { subject: s() }),
        WebEidError::Revoked {
            subject: s(),
            time: t,
            reason: Some(1),
        },
        WebEidError::RevocationUnknown { reason: s() },
        WebEidError::InvalidOrigin { reason: "x" },
        WebEidError::InvalidChallenge { reason: "x" },
        WebEidError::KeyMismatch {
            algorithm: s(),
            key: s(),
        },
        WebEidError::SignatureRefused { reason: s() },
        WebEidError::SignatureInvalid,
        WebEidError::SigningCertificate { reason: s() },
        WebEidError::InvalidOptions { reason: "x" },
    ];
    v.extend(webeid.into_iter().map(|e| (1200..=1249, e.into())));
    let challenge = vec![
        ChallengeError::NotFound,
        ChallengeError::Expired { expired_at: t },
        ChallengeError::InvalidKey,
        ChallengeError::StoreFull { capacity: 1 },
        ChallengeError::Store { reason: s() },
    ];
    v.extend(challenge.into_iter().map(|e| (1250..=1299, e.into())));
    let xml = vec![
        XmlError::Malformed(s()),
        XmlError::Doctype,
        XmlError::Limit {
            what: "x",
            limit: 1,
        },
        XmlError::DuplicateId(s()),
        XmlError::Unsupported(s()),
        XmlError::Structure(s()),
        XmlError::NotFound(s()),
        XmlError::ReferencedTwice(s()),
    ];
    v.extend(xml.into_iter().map(|e| (1300..=1349, e.into())));
    let container = vec![
        ContainerError::Malformed {
            name: None,
            detail: s(),
        },
        ContainerError::UnsafeName {
            name: s(),
            reason: "x",
        },
        ContainerError::DuplicateName {
            name: s(),
            first: s(),
        },
        ContainerError::Limit {
            what: "x",
            limit: 1,
            name: None,
        },
        ContainerError::Crc {
            name: s(),
            expected: 1,
            actual: 2,
        },
        ContainerError::Unsupported {
            name: None,
            what: s(),
        },
        ContainerError::NotFound(s()),
        ContainerError::Manifest {
            name: s(),
            detail: s(),
        },
        ContainerError::SizeMismatch {
            name: s(),
            declared: 1,
            actual: 2,
        },
        ContainerError::Read(s()),
    ];
    v.extend(container.into_iter().map(|e| (1350..=1399, e.into())));
    let pdf = vec![
        PdfError::Malformed { at: 1, detail: s() },
        PdfError::Limit {
            what: "objects",
            limit: 1,
        },
        PdfError::Unsupported(s()),
        PdfError::NotFound(s()),
        PdfError::DuplicateKey { at: 1, key: s() },
    ];
    v.extend(pdf.into_iter().map(|e| (1400..=1449, e.into())));
    v
}

#[test]
fn the_code_table_is_sorted_and_unique() {
    for w in CODES.windows(2) {
        if let [(a, _), (b, _)] = w {
            assert!(a < b, "{a} before {b}");
        }
    }
}

#[test]
fn every_variant_has_a_unique_described_code_in_its_block() {
    let mut seen = Vec::new();
    for (block, e) in samples() {
        let code = e.code();
        assert!(
            block.contains(&code),
            "{e:?}: code {code} outside {block:?}"
        );
        assert!(
            describe(code).is_some(),
            "{e:?}: code {code} has no description"
        );
        assert!(!seen.contains(&code), "{e:?}: code {code} used twice");
        seen.push(code);
        assert!(!alloc::format!("{e}").is_empty());
    }
    // And no description without a variant.
    for (code, d) in CODES {
        assert!(
            seen.contains(code),
            "{code} ({d}) is described but no variant has it"
        );
    }
    assert_eq!(describe(0), None);
    assert_eq!(describe(699), None);
}

#[test]
fn a_claim_error_inside_jose_keeps_its_claim_code() {
    let inner = JoseError::Claim(ClaimError::Expired);
    assert_eq!(inner.code(), 1152);
    assert_eq!(Error::from(inner).code(), 1152);
    assert_eq!(Error::from(ClaimError::Audience).code(), 1156);
}

#[test]
fn wrapped_errors_keep_the_outer_code_and_the_inner_message() {
    let path = PathError::Expired {
        subject: "CN=Leaf".into(),
        not_after: UnixTime::from_secs(0),
    };
    let e = Error::from(WebEidError::NotTrusted(path.clone()));
    assert_eq!(e.code(), 1216);
    assert!(alloc::format!("{e}").contains("CN=Leaf"), "{e}");
    let e = Error::from(MobileError::UntrustedCertificate(Box::new(path)));
    assert_eq!(e.code(), 762);
    let e = Error::from(JoseError::Crypto(Error::BadSignature));
    assert_eq!(e.code(), 1111);
    assert!(alloc::format!("{e}").starts_with("token: "), "{e}");
}

#[test]
fn pin_outcomes_have_distinct_codes() {
    let codes = [
        CardError::WrongPin { tries_left: 2 }.code(),
        CardError::PinBlocked.code(),
        CardError::PinPadCancelled.code(),
        CardError::PinPadTimeout.code(),
    ];
    for (i, a) in codes.iter().enumerate() {
        assert!(!codes.iter().skip(i + 1).any(|b| b == a), "{codes:?}");
    }
}
