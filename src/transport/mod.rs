//! The HTTP transport trait: how OCSP, CRL, TSA, JWKS and mobile-ID exchanges leave the
//! sans-IO core.
//!
//! Protocol modules build a [`Request`] and parse a [`Response`]; the caller's [`Transport`]
//! moves the bytes. Portals plug in their own HTTP stack (with proxies, mTLS, metrics);
//! the `http` feature supplies `BlockingHttp`, a small blocking client with timeouts.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use crate::error::Error;

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// GET (CRL, JWKS, Smart-ID session status).
    Get,
    /// POST (OCSP, TSA, mobile-ID requests).
    Post,
}

/// One HTTP request. `Debug` shows the method, URL, header names and body length: bodies
/// and header values may carry credentials (a mobile-ID relying-party UUID).
#[derive(Clone)]
pub struct Request<'a> {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: &'a str,
    /// Extra headers (`Content-Type`, `Accept` ...). Never put credentials in a URL.
    pub headers: &'a [(&'a str, &'a str)],
    /// Body (empty for GET).
    pub body: &'a [u8],
    /// Time allowed for the whole exchange.
    pub timeout: Duration,
    /// Largest response body accepted; more is [`Error::LimitExceeded`].
    pub max_response_len: usize,
}

impl core::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// One HTTP response. Any status is a response; interpreting it is the protocol's job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// `url` as messages may show it: without user info, query or fragment, which may carry
/// credentials (`https://user:secret@tsa.example/tsr?account=...`).
pub fn redact_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = url.get(..end).unwrap_or(url);
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::from(url);
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest.get(..host_end).and_then(|h| h.rfind('@')) {
        Some(at) => alloc::format!("{scheme}://{}", rest.get(at + 1..).unwrap_or("")),
        None => String::from(url),
    }
}

/// Moves one request and its response. Implementations must honour `timeout` and
/// `max_response_len` and report failures as [`Error::Transport`] (or
/// [`Error::LimitExceeded`]).
pub trait Transport {
    /// Sends `req` and returns the response, whatever its status.
    fn send(&self, req: &Request<'_>) -> Result<Response, Error>;
}

impl core::fmt::Debug for dyn Transport + '_ {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("dyn Transport")
    }
}

#[cfg(feature = "http")]
pub use blocking::BlockingHttp;

mod prefetched;
pub use prefetched::{Exchange, Prefetched, MAX_EXCHANGES};

#[cfg(feature = "http")]
mod blocking {
    use super::*;

    /// A blocking HTTP/1.1 client (ureq, rustls with the Mozilla roots) implementing
    /// [`Transport`].
    #[derive(Debug, Default, Clone)]
    pub struct BlockingHttp {
        _private: (),
    }

    impl BlockingHttp {
        /// A new client.
        pub fn new() -> Self {
            Self::default()
        }
    }

    fn failed(url: &str, e: impl core::fmt::Display) -> Error {
        Error::Transport {
            reason: alloc::format!("{}: {e}", redact_url(url)),
        }
    }

    impl Transport for BlockingHttp {
        fn send(&self, req: &Request<'_>) -> Result<Response, Error> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(req.timeout))
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into();
            // One request per connection: some responders (OpenSSL's `ocsp -port`) answer
            // HTTP/1.0 and keep the socket open, so a client reading to EOF would hang.
            let result = match req.method {
                Method::Get => {
                    let mut r = agent.get(req.url).header("Connection", "close");
                    for (k, v) in req.headers {
                        r = r.header(*k, *v);
                    }
                    r.call()
                }
                Method::Post => {
                    let mut r = agent.post(req.url).header("Connection", "close");
                    for (k, v) in req.headers {
                        r = r.header(*k, *v);
                    }
                    r.send(req.body)
                }
            };
            let mut resp = result.map_err(|e| failed(req.url, e))?;
            let status = resp.status().as_u16();
            let content_type = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            let limit = u64::try_from(req.max_response_len).unwrap_or(u64::MAX);
            let body = resp
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(_) => Error::LimitExceeded {
                        what: "HTTP response body",
                        limit: req.max_response_len,
                    },
                    other => failed(req.url, other),
                })?;
            Ok(Response {
                status,
                content_type,
                body,
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::io::{Read, Write};
        use std::net::TcpListener;

        /// A one-shot HTTP server on loopback that answers with `reply` after `delay`.
        fn serve_once(reply: &'static [u8], delay: Duration) -> String {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            std::thread::spawn(move || {
                if let Ok((mut s, _)) = listener.accept() {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf);
                    std::thread::sleep(delay);
                    let _ = s.write_all(reply);
                }
            });
            alloc::format!("http://{addr}/ocsp?secret=1")
        }

        fn req(url: &str, timeout: Duration, max: usize) -> Request<'_> {
            Request {
                method: Method::Post,
                url,
                headers: &[("Content-Type", "application/ocsp-request")],
                body: b"\x30\x00",
                timeout,
                max_response_len: max,
            }
        }

        #[test]
        fn status_body_and_content_type_come_back() {
            let url = serve_once(
                b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nbad",
                Duration::ZERO,
            );
            let r = BlockingHttp::new()
                .send(&req(&url, Duration::from_secs(5), 100))
                .unwrap();
            assert_eq!(r.status, 500);
            assert_eq!(r.content_type.as_deref(), Some("text/plain"));
            assert_eq!(r.body, b"bad");
        }

        #[test]
        fn body_limit_is_enforced() {
            let url = serve_once(
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
                Duration::ZERO,
            );
            let e = BlockingHttp::new()
                .send(&req(&url, Duration::from_secs(5), 4))
                .unwrap_err();
            assert!(matches!(e, Error::LimitExceeded { .. }), "{e}");
        }

        #[test]
        fn timeout_is_a_transport_error_without_the_query() {
            let url = serve_once(b"HTTP/1.1 200 OK\r\n\r\n", Duration::from_secs(3));
            let e = BlockingHttp::new()
                .send(&req(&url, Duration::from_millis(200), 100))
                .unwrap_err();
            let msg = alloc::format!("{e}");
            assert!(matches!(e, Error::Transport { .. }), "{msg}");
            assert!(!msg.contains("secret"), "{msg}");
        }
    }
}

#[cfg(test)]
mod redact_tests {
    use super::redact_url;

    #[test]
    fn credentials_in_a_url_never_reach_a_message() {
        let cases = [
            ("https://tsa.example/tsr", "https://tsa.example/tsr"),
            (
                "https://tsa.example/tsr?account=secret",
                "https://tsa.example/tsr",
            ),
            (
                "https://user:pw@tsa.example/tsr#x",
                "https://tsa.example/tsr",
            ),
            ("http://u@127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://h/p@q", "http://h/p@q"),
            ("not a url?x", "not a url"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }
}
