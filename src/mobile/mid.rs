//! The Estonian Mobile-ID REST API (SK ID Solutions, public specification `SK-EID/MID`).
//!
//! `POST /certificate` answers at once; `POST /signature` and `POST /authentication` open a
//! session polled with `GET /{signature|authentication}/session/{id}?timeoutMs=N`.
//! EC signatures come back as raw `r || s`.

use alloc::string::String;
use core::time::Duration;

use serde::Deserialize;

use super::display::{self, MobileIdLimits, TextEncoding};
use super::{
    b64, b64_encode, check_base_url, complete, hash_type, http_error, json, session_started,
    unknown_result, Completed, MobileError, Operation, Outgoing, Person, Polled, Provider,
    RelyingParty, Start, Started, VerificationCode,
};
use crate::transport::Response;

/// The Mobile-ID REST API at a base URL (`https://mid.sk.ee/mid-api`).
#[derive(Clone, Debug)]
pub struct MobileId {
    base: String,
    /// GSM-7 or UCS-2 for display texts; `None` chooses by content.
    pub text_encoding: Option<TextEncoding>,
    /// Display-text lengths; [`MobileIdLimits::SK_MID_REST`] for SK's service as it is
    /// specified today.
    pub text_limits: MobileIdLimits,
}

impl MobileId {
    /// The API at `base_url`.
    pub fn new(base_url: &str) -> Result<Self, MobileError> {
        Ok(Self {
            base: check_base_url(base_url)?,
            text_encoding: None,
            text_limits: MobileIdLimits::default(),
        })
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateRequest<'a> {
    #[serde(rename = "relyingPartyUUID")]
    relying_party_uuid: &'a str,
    relying_party_name: &'a str,
    phone_number: &'a str,
    national_identity_number: &'a str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionRequest<'a> {
    #[serde(rename = "relyingPartyUUID")]
    relying_party_uuid: &'a str,
    relying_party_name: &'a str,
    phone_number: &'a str,
    national_identity_number: &'a str,
    hash: String,
    hash_type: &'static str,
    language: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_text_format: Option<&'static str>,
}

#[derive(Deserialize)]
struct CertificateResponse {
    result: String,
    cert: Option<String>,
}

#[derive(Deserialize)]
struct SessionStatus {
    state: String,
    result: Option<String>,
    signature: Option<SignatureField>,
    cert: Option<String>,
}

#[derive(Deserialize)]
struct SignatureField {
    value: String,
    algorithm: String,
}

/// A terminal result other than OK.
fn result_error(result: &str) -> MobileError {
    match result {
        "TIMEOUT" => MobileError::Timeout,
        "NOT_MID_CLIENT" => MobileError::NotMobileIdClient,
        "USER_CANCELLED" => MobileError::UserCancelled,
        "SIGNATURE_HASH_MISMATCH" => MobileError::SignatureHashMismatch,
        "PHONE_ABSENT" => MobileError::PhoneAbsent,
        "DELIVERY_ERROR" => MobileError::DeliveryError,
        "SIM_ERROR" => MobileError::SimError,
        other => unknown_result(other),
    }
}

impl Provider for MobileId {
    fn name(&self) -> &'static str {
        "Mobile-ID"
    }

    fn start(
        &self,
        rp: &RelyingParty,
        person: &Person,
        start: &Start,
        timeout: Duration,
    ) -> Result<Outgoing, MobileError> {
        person.check()?;
        let Person::Phone { phone, national_id } = person else {
            return Err(MobileError::InvalidInput {
                what: "person",
                detail: "Mobile-ID needs a phone number and a national identity number".into(),
            });
        };
        let url = |path: &str| alloc::format!("{}/{path}", self.base);
        match start.operation {
            Operation::Certificate => Outgoing::post_json(
                url("certificate"),
                &CertificateRequest {
                    relying_party_uuid: rp.uuid(),
                    relying_party_name: rp.name(),
                    phone_number: phone,
                    national_identity_number: national_id,
                },
                timeout,
            ),
            op => {
                let hash = start.hash.as_ref().ok_or(MobileError::InvalidInput {
                    what: "hash",
                    detail: "a signature or authentication needs a hash".into(),
                })?;
                let text = start
                    .display_text
                    .as_deref()
                    .map(|t| display::mobile_id(t, self.text_encoding, self.text_limits))
                    .transpose()?;
                let body = SessionRequest {
                    relying_party_uuid: rp.uuid(),
                    relying_party_name: rp.name(),
                    phone_number: phone,
                    national_identity_number: national_id,
                    hash: b64_encode(hash.as_ref()),
                    hash_type: hash_type(hash.algorithm(), "Mobile-ID")?,
                    language: start.language.api_name(),
                    display_text: text.as_ref().map(|t| t.text.as_str()),
                    display_text_format: text.as_ref().map(|t| t.encoding.api_name()),
                };
                let path = if op == Operation::Sign {
                    "signature"
                } else {
                    "authentication"
                };
                Outgoing::post_json(url(path), &body, timeout)
            }
        }
    }

    fn parse_start(&self, operation: Operation, resp: &Response) -> Result<Started, MobileError> {
        if resp.status != 200 {
            // 404 on the certificate query is not a session: it is an unknown person.
            let not_found = if operation == Operation::Certificate {
                MobileError::NotMobileIdClient
            } else {
                MobileError::SessionNotFound
            };
            return Err(http_error(resp, not_found));
        }
        if operation == Operation::Certificate {
            let r: CertificateResponse = json("Mobile-ID certificate response", resp)?;
            return match r.result.as_str() {
                "OK" => {
                    let cert = r.cert.ok_or_else(|| {
                        MobileError::malformed("Mobile-ID certificate response", "no cert")
                    })?;
                    Ok(Started::Done(Completed {
                        certificate: Some(b64("Mobile-ID certificate", &cert)?),
                        ..Completed::default()
                    }))
                }
                "NOT_FOUND" => Err(MobileError::NotMobileIdClient),
                "NOT_ACTIVE" => Err(MobileError::CertificateNotActive),
                other => Err(result_error(other)),
            };
        }
        session_started("Mobile-ID session response", resp)
    }

    fn poll(
        &self,
        operation: Operation,
        session: &str,
        server_timeout: Duration,
        http_timeout: Duration,
    ) -> Outgoing {
        let kind = if operation == Operation::Authenticate {
            "authentication"
        } else {
            "signature"
        };
        Outgoing::get(
            alloc::format!(
                "{}/{kind}/session/{session}?timeoutMs={}",
                self.base,
                server_timeout.as_millis()
            ),
            http_timeout,
        )
    }

    fn parse_poll(&self, _operation: Operation, resp: &Response) -> Result<Polled, MobileError> {
        if resp.status != 200 {
            return Err(http_error(resp, MobileError::SessionNotFound));
        }
        let r: SessionStatus = json("Mobile-ID session status", resp)?;
        if !complete("Mobile-ID session status", &r.state)? {
            return Ok(Polled::Running);
        }
        let result = r.result.ok_or_else(|| {
            MobileError::malformed("Mobile-ID session status", "COMPLETE without a result")
        })?;
        if result != "OK" {
            return Err(result_error(&result));
        }
        let sig = r.signature.ok_or_else(|| {
            MobileError::malformed("Mobile-ID session status", "result OK without a signature")
        })?;
        Ok(Polled::Done(Completed {
            certificate: r
                .cert
                .as_deref()
                .map(|c| b64("Mobile-ID certificate", c))
                .transpose()?,
            signature: Some(b64("Mobile-ID signature", &sig.value)?),
            signature_algorithm: Some(sig.algorithm),
            document_number: None,
        }))
    }

    fn verification_code(&self, hash: &[u8]) -> VerificationCode {
        super::code::mobile_id(hash)
    }

    fn poll_bounds(&self) -> (Duration, Duration) {
        (Duration::from_secs(1), Duration::from_secs(120))
    }
}
