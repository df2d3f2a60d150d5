//! Smart-ID RP API v2 (SK ID Solutions, public specification `SK-EID/smart-id-documentation`).
//!
//! Every operation is a session: `POST /certificatechoice/{etsi|document}/{id}`,
//! `POST /signature/...`, `POST /authentication/...`, polled with
//! `GET /session/{id}?timeoutMs=N`. Signatures are RSA PKCS#1 v1.5 over the hash.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use serde::Deserialize;

use super::display::{self, SmartIdField};
use super::{
    b64, b64_encode, check_base_url, complete, hash_type, json, session_started, unknown_result,
    Completed, MobileError, Operation, Outgoing, Person, Polled, Provider, RelyingParty, Start,
    Started, VerificationCode,
};
use crate::transport::Response;

/// The certificate level asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CertificateLevel {
    /// Qualified certificates only (what a qualified signature needs).
    #[default]
    Qualified,
    /// Advanced or qualified.
    Advanced,
}

/// Smart-ID RP API v2 at a base URL (`https://rp-api.smart-id.com/v2`).
#[derive(Clone, Debug)]
pub struct SmartId {
    base: String,
    /// The certificate level asked for.
    pub level: CertificateLevel,
}

impl SmartId {
    /// The API at `base_url`.
    pub fn new(base_url: &str) -> Result<Self, MobileError> {
        Ok(Self {
            base: check_base_url(base_url)?,
            level: CertificateLevel::Qualified,
        })
    }
}

#[derive(serde::Serialize)]
struct Interaction<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "displayText60", skip_serializing_if = "Option::is_none")]
    short: Option<&'a str>,
    #[serde(rename = "displayText200", skip_serializing_if = "Option::is_none")]
    long: Option<&'a str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionRequest<'a> {
    #[serde(rename = "relyingPartyUUID")]
    relying_party_uuid: &'a str,
    relying_party_name: &'a str,
    certificate_level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_interactions_order: Vec<Interaction<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionStatus {
    state: String,
    result: Option<EndResult>,
    signature: Option<SignatureField>,
    cert: Option<CertField>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndResult {
    end_result: String,
    document_number: Option<String>,
}

#[derive(Deserialize)]
struct SignatureField {
    value: String,
    algorithm: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CertField {
    value: String,
    certificate_level: Option<String>,
}

/// HTTP errors of the Smart-ID API: the shared ones plus its account and maintenance
/// statuses. `person_404`: a 404 on a start request means no such account; on a poll, no
/// such session.
fn http_error(resp: &Response, person_404: bool) -> MobileError {
    match resp.status {
        471 => MobileError::NoSuitableAccount,
        472 => MobileError::ViewApp,
        480 => MobileError::ClientTooOld,
        580 => MobileError::Maintenance,
        _ if person_404 => super::http_error(resp, MobileError::NotMobileIdClient),
        _ => super::http_error(resp, MobileError::SessionNotFound),
    }
}

fn end_result_error(result: &str) -> MobileError {
    match result {
        "USER_REFUSED" => MobileError::UserCancelled,
        "TIMEOUT" => MobileError::Timeout,
        "DOCUMENT_UNUSABLE" => MobileError::DocumentUnusable,
        "WRONG_VC" => MobileError::WrongVerificationCode,
        "REQUIRED_INTERACTION_NOT_SUPPORTED_BY_APP" => MobileError::InteractionNotSupported,
        r if r.starts_with("USER_REFUSED_") && r.len() <= 64 => {
            MobileError::UserRefused { result: r.into() }
        }
        other => unknown_result(other),
    }
}

impl Provider for SmartId {
    fn name(&self) -> &'static str {
        "Smart-ID"
    }

    fn start(
        &self,
        rp: &RelyingParty,
        person: &Person,
        start: &Start,
        timeout: Duration,
    ) -> Result<Outgoing, MobileError> {
        person.check()?;
        let target = match person {
            Person::Etsi(id) => alloc::format!("etsi/{id}"),
            Person::Document(doc) => alloc::format!("document/{doc}"),
            Person::Phone { .. } => {
                return Err(MobileError::InvalidInput {
                    what: "person",
                    detail: "Smart-ID needs a semantics identifier or a document number".into(),
                })
            }
        };
        let level = match self.level {
            CertificateLevel::Qualified => "QUALIFIED",
            CertificateLevel::Advanced => "ADVANCED",
        };
        let mut body = SessionRequest {
            relying_party_uuid: rp.uuid(),
            relying_party_name: rp.name(),
            certificate_level: level,
            hash: None,
            hash_type: None,
            allowed_interactions_order: Vec::new(),
        };
        let path = match start.operation {
            Operation::Certificate => "certificatechoice",
            op => {
                let hash = start.hash.as_ref().ok_or(MobileError::InvalidInput {
                    what: "hash",
                    detail: "a signature or authentication needs a hash".into(),
                })?;
                body.hash = Some(b64_encode(hash.as_ref()));
                body.hash_type = Some(hash_type(hash.algorithm(), "Smart-ID")?);
                let text = start
                    .display_text
                    .as_deref()
                    .unwrap_or(if op == Operation::Sign {
                        "Sign a document"
                    } else {
                        "Log in"
                    });
                body.allowed_interactions_order
                    .push(match display::smart_id(text)? {
                        SmartIdField::Short => Interaction {
                            kind: "displayTextAndPIN",
                            short: Some(text),
                            long: None,
                        },
                        SmartIdField::Long => Interaction {
                            kind: "confirmationMessage",
                            short: None,
                            long: Some(text),
                        },
                    });
                if op == Operation::Sign {
                    "signature"
                } else {
                    "authentication"
                }
            }
        };
        Outgoing::post_json(
            alloc::format!("{}/{path}/{target}", self.base),
            &body,
            timeout,
        )
    }

    fn parse_start(&self, _operation: Operation, resp: &Response) -> Result<Started, MobileError> {
        if resp.status != 200 {
            return Err(http_error(resp, true));
        }
        session_started("Smart-ID session response", resp)
    }

    fn poll(
        &self,
        _operation: Operation,
        session: &str,
        server_timeout: Duration,
        http_timeout: Duration,
    ) -> Outgoing {
        Outgoing::get(
            alloc::format!(
                "{}/session/{session}?timeoutMs={}",
                self.base,
                server_timeout.as_millis()
            ),
            http_timeout,
        )
    }

    fn parse_poll(&self, operation: Operation, resp: &Response) -> Result<Polled, MobileError> {
        const WHAT: &str = "Smart-ID session status";
        if resp.status != 200 {
            return Err(http_error(resp, false));
        }
        let r: SessionStatus = json(WHAT, resp)?;
        if !complete(WHAT, &r.state)? {
            return Ok(Polled::Running);
        }
        let result = r
            .result
            .ok_or_else(|| MobileError::malformed(WHAT, "COMPLETE without a result"))?;
        if result.end_result != "OK" {
            return Err(end_result_error(&result.end_result));
        }
        let cert = r
            .cert
            .ok_or_else(|| MobileError::malformed(WHAT, "result OK without a certificate"))?;
        if self.level == CertificateLevel::Qualified
            && cert.certificate_level.as_deref() != Some("QUALIFIED")
        {
            return Err(MobileError::malformed(
                WHAT,
                "a qualified certificate was asked for, another level came back",
            ));
        }
        let (signature, signature_algorithm) = match (operation, r.signature) {
            (Operation::Certificate, _) => (None, None),
            (_, Some(s)) => (
                Some(b64("Smart-ID signature", &s.value)?),
                Some(s.algorithm),
            ),
            (_, None) => {
                return Err(MobileError::malformed(
                    WHAT,
                    "result OK without a signature",
                ))
            }
        };
        Ok(Polled::Done(Completed {
            certificate: Some(b64("Smart-ID certificate", &cert.value)?),
            signature,
            signature_algorithm,
            document_number: result.document_number,
        }))
    }

    fn verification_code(&self, hash: &[u8]) -> VerificationCode {
        super::code::smart_id(hash)
    }
}
