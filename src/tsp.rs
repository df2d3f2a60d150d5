//! RFC 3161 time-stamps: requests, responses and tokens.
//!
//! A token is a CMS `SignedData` over a `TSTInfo`; checking one is a CMS signer check
//! ([`crate::cms::verify`]) plus the message imprint against what the token covers, and the
//! TSA certificate validated for time-stamping at the token's own time (done in
//! [`crate::cades`], which knows the trust store and the validation time).
//! The network exchange goes through [`crate::transport::Transport`].

use alloc::string::String;
use alloc::vec::Vec;

use const_oid::ObjectIdentifier;
use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use x509_tsp::{MessageImprint, TimeStampReq, TspVersion};

use crate::ber::{tag, Reader};
use crate::cms::{self, SignedData};
use crate::crypto::{DigestValue, HashAlgorithm};
use crate::error::Error;
use crate::time::UnixTime;
use crate::transport::{Method, Request, Transport};

/// Largest time-stamp response accepted from a TSA.
pub const MAX_RESPONSE_LEN: usize = 256 * 1024;

/// The fields of a `TSTInfo` validation uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TstInfo {
    /// The TSA's policy.
    pub policy: ObjectIdentifier,
    /// The imprint's hash algorithm.
    pub hash: HashAlgorithm,
    /// The hashed message.
    pub imprint: Vec<u8>,
    /// serialNumber, big-endian.
    pub serial: Vec<u8>,
    /// genTime.
    pub gen_time: UnixTime,
    /// The nonce, big-endian, when present.
    pub nonce: Option<Vec<u8>>,
}

/// A parsed time-stamp token.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    /// The token's `SignedData`.
    pub signed_data: SignedData<'a>,
    /// Its `TSTInfo`.
    pub info: TstInfo,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::Malformed {
        what: "time-stamp token",
        detail: detail.into(),
    }
}

/// Parses a `TimeStampToken` (a `ContentInfo`, DER or BER).
pub fn parse_token(der: &[u8]) -> Result<Token<'_>, Error> {
    let sd = cms::parse(der)?;
    if sd.content_type != cms::oids::TST_INFO {
        return Err(bad(alloc::format!(
            "eContentType {} is not id-ct-TSTInfo",
            crate::crypto::alg::oid_name(&sd.content_type)
        )));
    }
    let content = sd
        .content
        .as_deref()
        .ok_or_else(|| bad("the TSTInfo is not encapsulated"))?;
    let info = parse_tst_info(content)?;
    if sd.signers.len() != 1 {
        return Err(bad(alloc::format!(
            "{} signers; a time-stamp token has exactly one",
            sd.signers.len()
        )));
    }
    Ok(Token {
        signed_data: sd,
        info,
    })
}

/// Parses a DER `TSTInfo`.
pub fn parse_tst_info(der: &[u8]) -> Result<TstInfo, Error> {
    let t = x509_tsp::TstInfo::from_der(der).map_err(|e| Error::malformed("TSTInfo", e))?;
    Ok(TstInfo {
        policy: t.policy,
        hash: HashAlgorithm::from_oid(&t.message_imprint.hash_algorithm.oid)?,
        imprint: t.message_imprint.hashed_message.as_bytes().to_vec(),
        serial: t.serial_number.as_bytes().to_vec(),
        gen_time: UnixTime::from_secs(t.gen_time.to_unix_duration().as_secs()),
        nonce: t.nonce.map(|n| n.as_bytes().to_vec()),
    })
}

/// What a request asked for, to match the response against.
#[derive(Clone, Debug)]
pub struct TimestampRequest {
    /// The DER `TimeStampReq`.
    pub der: Vec<u8>,
    /// The imprint sent.
    pub digest: DigestValue,
    /// The nonce sent.
    pub nonce: Option<Vec<u8>>,
}

/// Builds a `TimeStampReq` for `digest`, asking for the TSA certificate in the token, with
/// an optional nonce (big-endian, positive) and policy.
pub fn request(
    digest: &DigestValue,
    nonce: Option<&[u8]>,
    policy: Option<ObjectIdentifier>,
) -> Result<TimestampRequest, Error> {
    let enc = |e: der::Error| Error::malformed("TimeStampReq", e);
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifier {
                oid: digest.algorithm().oid(),
                parameters: Some(der::Any::null()),
            },
            hashed_message: OctetString::new(digest.as_ref()).map_err(enc)?,
        },
        req_policy: policy,
        nonce: nonce
            .map(|n| Int::new(&positive(n)))
            .transpose()
            .map_err(enc)?,
        cert_req: true,
        extensions: None,
    };
    Ok(TimestampRequest {
        der: req.to_der().map_err(enc)?,
        digest: *digest,
        nonce: nonce.map(positive),
    })
}

/// A big-endian integer made positive (a leading 0x00 when the top bit is set).
fn positive(n: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match n.iter().position(|b| *b != 0) {
        Some(i) => n.get(i..).unwrap_or(&[]),
        None => &[0],
    };
    let mut v = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(trimmed);
    v
}

pub use crate::error::TspError;

/// Parses a `TimeStampResp` and returns the token (DER `ContentInfo`) after checking that
/// it was granted and that its imprint and nonce are those of `req`. The token's signature
/// is checked when it is validated, like any other.
pub fn parse_response(der: &[u8], req: &TimestampRequest) -> Result<Vec<u8>, TspError> {
    if der.len() > MAX_RESPONSE_LEN {
        return Err(TspError::Malformed(Error::LimitExceeded {
            what: "time-stamp response length",
            limit: MAX_RESPONSE_LEN,
        }));
    }
    let m = TspError::Malformed;
    let mut top = Reader::new(der, "TimeStampResp");
    let resp = top.expect(tag::SEQUENCE, "TimeStampResp").map_err(m)?;
    top.finish("TimeStampResp").map_err(m)?;
    let mut r = resp.reader("TimeStampResp").map_err(m)?;
    let status_info = r.expect(tag::SEQUENCE, "status").map_err(m)?;
    let mut sr = status_info.reader("PKIStatusInfo").map_err(m)?;
    let status = sr.expect(tag::INTEGER, "status").map_err(m)?;
    let code = match status.content {
        [c] => *c,
        _ => return Err(m(bad("bad PKIStatus"))),
    };
    if code > 1 {
        let mut text = alloc::format!(
            "status {}",
            match code {
                2 => "rejection",
                3 => "waiting",
                4 => "revocationWarning",
                5 => "revocationNotification",
                _ => "unknown",
            }
        );
        // statusString: SEQUENCE OF UTF8String
        if let Ok(Some(s)) = sr.optional(tag::SEQUENCE) {
            for t in s.children("PKIFreeText", 8).unwrap_or_default() {
                text.push_str(": ");
                text.push_str(&String::from_utf8_lossy(t.content));
            }
        }
        return Err(TspError::Rejected(text));
    }
    let token = r.read().map_err(m)?;
    r.finish("TimeStampResp").map_err(m)?;
    let token_der = token.raw.to_vec();
    let parsed = parse_token(&token_der).map_err(m)?;
    if parsed.info.hash != req.digest.algorithm() || parsed.info.imprint != req.digest.as_ref() {
        return Err(TspError::Mismatch("message imprint"));
    }
    if let Some(n) = &req.nonce {
        if parsed.info.nonce.as_deref() != Some(n.as_slice()) {
            return Err(TspError::Mismatch("nonce"));
        }
    }
    Ok(token_der)
}

/// Asks the TSA at `url` for a time-stamp over `digest` through `transport`.
pub fn fetch(
    transport: &dyn Transport,
    url: &str,
    digest: &DigestValue,
    nonce: Option<&[u8]>,
    policy: Option<ObjectIdentifier>,
) -> Result<Vec<u8>, TspError> {
    let req = request(digest, nonce, policy).map_err(TspError::Malformed)?;
    let resp = transport
        .send(&Request {
            method: Method::Post,
            url,
            headers: &[("Content-Type", "application/timestamp-query")],
            body: &req.der,
            timeout: core::time::Duration::from_secs(30),
            max_response_len: MAX_RESPONSE_LEN,
        })
        .map_err(TspError::Transport)?;
    if resp.status != 200 {
        return Err(TspError::Transport(Error::Transport {
            reason: alloc::format!(
                "TSA {} answered HTTP {}",
                crate::transport::redact_url(url),
                resp.status
            ),
        }));
    }
    parse_response(&resp.body, &req)
}
