//! A [`Transport`] for hosts whose network is asynchronous (a browser's `fetch`, Node's
//! event loop): the core's exchanges are synchronous, so the host runs the verification,
//! collects the requests it could not answer yet, fetches them its own way, and runs the
//! verification again with the answers. Verification is deterministic (OCSP requests carry
//! no nonce unless asked, CRL URLs come from the certificates), so the second run asks the
//! same questions and finds the answers; a run that learns new URLs from the answers (an
//! intermediate's OCSP responder) asks again, up to the host's round limit.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use super::{redact_url, Method, Request, Response, Transport};
use crate::error::Error;

/// One request the core made, waiting for the host to perform it.
#[derive(Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// Body (empty for GET).
    pub body: Vec<u8>,
    /// Largest response body the core accepts for it.
    pub max_response_len: usize,
}

impl core::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Exchange")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The key of an exchange: the same method, URL and body are the same question.
type Key = (bool, String, Vec<u8>);

fn key(method: Method, url: &str, body: &[u8]) -> Key {
    (method == Method::Post, String::from(url), body.to_vec())
}

/// Answers from the host, and the questions it has not answered yet.
#[derive(Default)]
pub struct Prefetched {
    answers: BTreeMap<Key, Result<Response, String>>,
    pending: RefCell<Vec<Exchange>>,
}

impl core::fmt::Debug for Prefetched {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Prefetched")
            .field("answers", &self.answers.len())
            .field("pending", &self.pending.borrow().len())
            .finish()
    }
}

/// At most this many distinct exchanges are remembered: a document cannot make the host
/// fetch without end.
pub const MAX_EXCHANGES: usize = 64;

impl Prefetched {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The requests made since the last call that had no answer, each once, in the order
    /// they were made. The host performs them and gives the results to [`Self::answer`] or
    /// [`Self::fail`].
    pub fn take_pending(&self) -> Vec<Exchange> {
        core::mem::take(&mut *self.pending.borrow_mut())
    }

    /// The response to `method url body`.
    pub fn answer(&mut self, method: Method, url: &str, body: &[u8], response: Response) {
        self.answers.insert(key(method, url, body), Ok(response));
    }

    /// The host could not perform `method url body`: the core sees a transport error with
    /// `reason`.
    pub fn fail(&mut self, method: Method, url: &str, body: &[u8], reason: &str) {
        self.answers
            .insert(key(method, url, body), Err(String::from(reason)));
    }

    /// How many exchanges have an answer or a failure.
    pub fn answered(&self) -> usize {
        self.answers.len()
    }
}

impl Transport for Prefetched {
    fn send(&self, req: &Request<'_>) -> Result<Response, Error> {
        match self.answers.get(&key(req.method, req.url, req.body)) {
            Some(Ok(r)) if r.body.len() > req.max_response_len => Err(Error::LimitExceeded {
                what: "HTTP response body",
                limit: req.max_response_len,
            }),
            Some(Ok(r)) => Ok(r.clone()),
            Some(Err(reason)) => Err(Error::Transport {
                reason: alloc::format!("{}: {reason}", redact_url(req.url)),
            }),
            None => {
                let mut pending = self.pending.borrow_mut();
                let asked = Exchange {
                    method: req.method,
                    url: String::from(req.url),
                    headers: req
                        .headers
                        .iter()
                        .map(|(k, v)| (String::from(*k), String::from(*v)))
                        .collect(),
                    body: req.body.to_vec(),
                    max_response_len: req.max_response_len,
                };
                if !pending.contains(&asked) && pending.len() + self.answers.len() < MAX_EXCHANGES {
                    pending.push(asked);
                }
                Err(Error::Transport {
                    reason: alloc::format!("{}: not fetched yet", redact_url(req.url)),
                })
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use core::time::Duration;

    fn req<'a>(url: &'a str, body: &'a [u8]) -> Request<'a> {
        Request {
            method: Method::Post,
            url,
            headers: &[("Content-Type", "application/ocsp-request")],
            body,
            timeout: Duration::from_secs(5),
            max_response_len: 8,
        }
    }

    fn ok(body: &[u8]) -> Response {
        Response {
            status: 200,
            content_type: Some("application/ocsp-response".into()),
            body: body.to_vec(),
        }
    }

    #[test]
    fn an_unanswered_request_is_pending_once_then_answered() {
        let mut p = Prefetched::new();
        let r = req("http://ocsp.example/?k=secret", b"q1");
        for _ in 0..2 {
            let e = p.send(&r).unwrap_err();
            assert_eq!(e.code(), 500);
            assert!(!alloc::format!("{e}").contains("secret"));
        }
        let pending = p.take_pending();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].body, b"q1");
        assert_eq!(pending[0].headers[0].0, "Content-Type");
        assert!(p.take_pending().is_empty());

        p.answer(
            Method::Post,
            "http://ocsp.example/?k=secret",
            b"q1",
            ok(b"a1"),
        );
        assert_eq!(p.send(&r).unwrap().body, b"a1");
        // Another body is another question.
        assert!(p
            .send(&req("http://ocsp.example/?k=secret", b"q2"))
            .is_err());
        assert_eq!(p.take_pending().len(), 1);
    }

    #[test]
    fn failures_and_limits_reach_the_core() {
        let mut p = Prefetched::new();
        p.fail(Method::Post, "http://a/", b"q", "network down");
        let e = p.send(&req("http://a/", b"q")).unwrap_err();
        assert!(alloc::format!("{e}").contains("network down"));
        p.answer(Method::Post, "http://b/", b"q", ok(b"123456789"));
        let e = p.send(&req("http://b/", b"q")).unwrap_err();
        assert!(matches!(e, Error::LimitExceeded { .. }));
        assert!(p.take_pending().is_empty());
    }

    #[test]
    fn the_host_is_never_asked_without_end() {
        let p = Prefetched::new();
        for i in 0..200 {
            let url = alloc::format!("http://h/{i}");
            let _ = p.send(&req(&url, b""));
        }
        assert_eq!(p.take_pending().len(), MAX_EXCHANGES);
    }
}
