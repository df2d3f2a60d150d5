//! OCSP and CRL against real OpenSSL: an `openssl ocsp` responder on loopback over the
//! generated test PKI's CA database, and CRLs made by `openssl ca -gencrl`.
//!
//! The PKI's certificates name http://127.0.0.1:18080/ (OCSP) and
//! http://127.0.0.1:18090/... (CRLs); the online test serves those paths on free ports and
//! its transport sends the two addresses there, so no fixed port can be busy.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use imza::crl::{Crl, CrlError};
use imza::crypto::HashAlgorithm;
use imza::ocsp::{self, OcspError, Status};
use imza::path::{self, Options, ParsedCert, PathError, Purpose};
use imza::revocation::{Checker, Source};
use imza::time::UnixTime;
use imza::transport::{BlockingHttp, Method, Request, Transport};
use imza::trust::TrustStore;
use imza_test_support::free_port;

fn pki(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors/pki")
        .join(rel)
}

fn cert(rel: &str) -> ParsedCert {
    ParsedCert::from_der(&std::fs::read(pki(&format!("{rel}.der"))).unwrap()).unwrap()
}

fn now() -> UnixTime {
    UnixTime::from_secs(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
}

/// An `openssl ocsp` responder, killed on drop.
struct Responder(Child);

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a responder for the ecdsa-p256 intermediate's database, signing with `signer`.
fn responder(port: u16, signer: &str) -> Responder {
    let child = Command::new("openssl")
        .current_dir(pki(""))
        .args(["ocsp", "-index", "ecdsa-p256/intermediate/index.txt"])
        .args(["-CA", "ecdsa-p256/intermediate.pem"])
        .args([
            "-rsigner",
            &format!("{signer}.pem"),
            "-rkey",
            &format!("{signer}.key"),
        ])
        .args(["-port", &port.to_string(), "-nmin", "60", "-ignore_err"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl ocsp starts (is openssl installed?)");
    let mut r = Responder(child);
    for _ in 0..100 {
        if let Ok(Some(status)) = r.0.try_wait() {
            panic!("openssl ocsp exited at start: {status}");
        }
        // Bound yet? (No probe connection: the responder serves one client at a time and
        // would wait on an empty one.)
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            return r;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("openssl ocsp did not listen on {port}");
}

fn ask(port: u16, leaf: &str, nonce: Option<&[u8]>) -> Vec<u8> {
    ask_with(port, leaf, nonce, HashAlgorithm::Sha1)
}

fn ask_with(port: u16, leaf: &str, nonce: Option<&[u8]>, hash: HashAlgorithm) -> Vec<u8> {
    let (c, issuer) = (cert(leaf), cert("ecdsa-p256/intermediate"));
    let req = ocsp::request(&c, &issuer, hash, nonce).unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let resp = BlockingHttp::new()
        .send(&Request {
            method: Method::Post,
            url: &url,
            headers: &[("Content-Type", "application/ocsp-request")],
            body: &req,
            timeout: Duration::from_secs(10),
            max_response_len: ocsp::MAX_RESPONSE_LEN,
        })
        .unwrap();
    assert_eq!(resp.status, 200);
    resp.body
}

#[test]
fn real_openssl_responder_good_revoked_unknown_and_rogue() {
    let port = free_port();
    let _r = responder(port, "ecdsa-p256/ocsp-responder");
    let issuer = cert("ecdsa-p256/intermediate");
    let opts = ocsp::Options::new(now());

    let good = ocsp::check_response(
        &ask(port, "ecdsa-p256/signer", None),
        &cert("ecdsa-p256/signer"),
        &issuer,
        &opts,
    )
    .unwrap();
    assert_eq!(good.status, Status::Good);
    assert!(good.delegated, "signed by the delegated responder");
    assert!(
        good.responder.contains("OCSP Responder"),
        "{}",
        good.responder
    );

    let revoked = ocsp::check_response(
        &ask(port, "ecdsa-p256/revoked", None),
        &cert("ecdsa-p256/revoked"),
        &issuer,
        &opts,
    )
    .unwrap();
    assert_eq!(
        revoked.status,
        Status::Revoked {
            time: UnixTime::parse_rfc3339("2026-06-01T00:00:00Z").unwrap(),
            reason: Some(1), // keyCompromise
        }
    );

    // Revoked on 2028-01-01: at today's date it was still good.
    let later_resp = ask(port, "ecdsa-p256/revoked-later", None);
    let later = ocsp::check_response(
        &later_resp,
        &cert("ecdsa-p256/revoked-later"),
        &issuer,
        &opts,
    )
    .unwrap();
    assert_eq!(later.status, Status::Good);

    // A SHA-256 CertID is understood by the responder and matched by imza.
    let sha256 = ask_with(port, "ecdsa-p256/revoked", None, HashAlgorithm::Sha256);
    assert!(matches!(
        ocsp::check_response(&sha256, &cert("ecdsa-p256/revoked"), &issuer, &opts)
            .unwrap()
            .status,
        Status::Revoked { .. }
    ));

    let unknown = ocsp::check_response(
        &ask(port, "ecdsa-p256/not-in-index", None),
        &cert("ecdsa-p256/not-in-index"),
        &issuer,
        &opts,
    )
    .unwrap();
    assert_eq!(unknown.status, Status::Unknown);

    // A response about one certificate says nothing about another.
    assert_eq!(
        ocsp::check_response(&later_resp, &cert("ecdsa-p256/signer"), &issuer, &opts),
        Err(OcspError::NoMatchingResponse)
    );

    // The nonce is echoed, and a different one is refused.
    let nonce = [7u8; 16];
    let with_nonce = ask(port, "ecdsa-p256/signer", Some(&nonce));
    let mut nopts = opts.clone();
    nopts.nonce = Some(nonce.to_vec());
    assert!(ocsp::check_response(&with_nonce, &cert("ecdsa-p256/signer"), &issuer, &nopts).is_ok());
    nopts.nonce = Some(vec![8u8; 16]);
    assert_eq!(
        ocsp::check_response(&with_nonce, &cert("ecdsa-p256/signer"), &issuer, &nopts),
        Err(OcspError::NonceMismatch)
    );

    // A tampered response (one byte of the signed data flipped) is refused.
    let mut tampered = ask(port, "ecdsa-p256/signer", None);
    let n = tampered.len();
    tampered[n / 2] ^= 1;
    assert!(ocsp::check_response(&tampered, &cert("ecdsa-p256/signer"), &issuer, &opts).is_err());

    // Too old: validation a day after a response valid for an hour.
    let mut late = opts.clone();
    late.time = UnixTime::from_secs(now().as_secs() + 86_400);
    assert!(matches!(
        ocsp::check_response(
            &ask(port, "ecdsa-p256/signer", None),
            &cert("ecdsa-p256/signer"),
            &issuer,
            &late
        ),
        Err(OcspError::NotFresh(_))
    ));

    // A responder whose certificate another CA issued is not authorised for this CA.
    let rogue_port = free_port();
    let _rogue = responder(rogue_port, "ecdsa-p256/ocsp-rogue");
    let rogue = ask(rogue_port, "ecdsa-p256/revoked", None);
    assert!(matches!(
        ocsp::check_response(&rogue, &cert("ecdsa-p256/revoked"), &issuer, &opts),
        Err(OcspError::UnauthorizedResponder(_))
    ));
}

#[test]
fn openssl_crls_revoked_good_and_revoked_later() {
    let issuer = cert("ecdsa-p256/intermediate");
    let crl = Crl::parse(&std::fs::read(pki("ecdsa-p256/intermediate.crl")).unwrap()).unwrap();
    let crl_pem =
        Crl::parse(&std::fs::read(pki("ecdsa-p256/intermediate.crl.pem")).unwrap()).unwrap();
    assert_eq!(crl.len(), crl_pem.len());
    let at = |s| ocsp::Options::new(UnixTime::parse_rfc3339(s).unwrap());
    let t2027 = at("2027-01-01T00:00:00Z");

    assert_eq!(
        crl.check(&cert("ecdsa-p256/signer"), &issuer, &t2027),
        Ok(Status::Good)
    );
    assert_eq!(
        crl.check(&cert("ecdsa-p256/revoked"), &issuer, &t2027),
        Ok(Status::Revoked {
            time: UnixTime::parse_rfc3339("2026-06-01T00:00:00Z").unwrap(),
            reason: Some(1)
        })
    );
    // Before the revocation, the revoked certificate was good: the 2028 CRL, read in March
    // 2028, speaks for 2027.
    let crl_2028 =
        Crl::parse(&std::fs::read(pki("ecdsa-p256/intermediate-2028.crl")).unwrap()).unwrap();
    let mut read_2028 = t2027.clone();
    read_2028.now = Some(UnixTime::parse_rfc3339("2028-03-01T00:00:00Z").unwrap());
    assert_eq!(
        crl_2028.check(&cert("ecdsa-p256/revoked-later"), &issuer, &read_2028),
        Ok(Status::Good)
    );
    // Read in 2027 (the current time defaults to the validation time), it is dated in the
    // future and refused.
    assert!(matches!(
        crl_2028.check(&cert("ecdsa-p256/revoked-later"), &issuer, &t2027),
        Err(CrlError::IssuedInFuture(_))
    ));
    assert!(matches!(
        crl_2028.check(
            &cert("ecdsa-p256/revoked-later"),
            &issuer,
            &at("2029-01-01T00:00:00Z")
        ),
        Ok(Status::Revoked { .. })
    ));
    // A CRL older than the validation time and past its nextUpdate proves nothing.
    assert!(matches!(
        crl.check(
            &cert("ecdsa-p256/signer"),
            &issuer,
            &at("2040-01-01T00:00:00Z")
        ),
        Err(CrlError::NotFresh(_))
    ));
    // Another CA's CRL, and a tampered CRL, are refused.
    let rsa_crl = Crl::parse(&std::fs::read(pki("rsa/intermediate.crl")).unwrap()).unwrap();
    assert_eq!(
        rsa_crl.check(&cert("ecdsa-p256/signer"), &issuer, &t2027),
        Err(CrlError::WrongIssuer)
    );
    let mut bytes = std::fs::read(pki("ecdsa-p256/intermediate.crl")).unwrap();
    let n = bytes.len();
    bytes[n - 20] ^= 1; // inside the signature
    let tampered = Crl::parse(&bytes).unwrap();
    assert!(matches!(
        tampered.check(&cert("ecdsa-p256/signer"), &issuer, &t2027),
        Err(CrlError::BadSignature(_))
    ));
}

fn store(rel: &str) -> TrustStore {
    let mut s = TrustStore::new();
    s.add_pem_or_der(&std::fs::read(pki(rel)).unwrap()).unwrap();
    s
}

fn validate(leaf: &str, time: UnixTime) -> path::ValidPath {
    let int = std::fs::read(pki("ecdsa-p256/intermediate.der")).unwrap();
    let leaf = std::fs::read(pki(&format!("ecdsa-p256/{leaf}.der"))).unwrap();
    path::validate(
        &leaf,
        &[&int],
        &store("ecdsa-p256/root.pem"),
        &Options::new(time, Purpose::DocumentSigning),
    )
    .unwrap()
}

#[test]
fn offline_path_revocation_with_supplied_crls() {
    let t = UnixTime::parse_rfc3339("2027-01-01T00:00:00Z").unwrap();
    let mut checker = Checker::offline();
    checker
        .crls
        .push(Crl::parse(&std::fs::read(pki("ecdsa-p256/intermediate.crl")).unwrap()).unwrap());
    checker
        .crls
        .push(Crl::parse(&std::fs::read(pki("ecdsa-p256/root.crl")).unwrap()).unwrap());

    let ev = checker.check(&validate("signer", t), t).unwrap();
    assert_eq!(ev.len(), 2, "leaf and intermediate checked");
    assert!(ev.iter().all(|e| e.status == Status::Good));
    assert!(matches!(ev[0].source, Source::Crl { .. }));

    let err = checker.check(&validate("revoked", t), t).unwrap_err();
    assert!(
        matches!(
            err,
            PathError::Revoked {
                reason: Some(1),
                ..
            }
        ),
        "{err}"
    );

    // No data at all: unknown, not valid.
    let mut empty = Checker::offline();
    let err = empty.check(&validate("signer", t), t).unwrap_err();
    assert!(matches!(err, PathError::RevocationUnknown { .. }), "{err}");
}

/// The real HTTP client, counting requests (to show the cache at work). What the
/// certificates address at 127.0.0.1:18080 (OCSP) and 127.0.0.1:18090 (CRLs) goes to the
/// ports the test's servers got, as a DNS name or a proxy would move it: the URL asked for
/// stays the one in the certificate.
struct Counting {
    http: BlockingHttp,
    requests: std::sync::atomic::AtomicUsize,
    ocsp_port: u16,
    crl_port: u16,
}

impl Transport for Counting {
    fn send(&self, req: &Request<'_>) -> Result<imza::transport::Response, imza::Error> {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let url = req
            .url
            .replacen(
                "//127.0.0.1:18080/",
                &format!("//127.0.0.1:{}/", self.ocsp_port),
                1,
            )
            .replacen(
                "//127.0.0.1:18090/",
                &format!("//127.0.0.1:{}/", self.crl_port),
                1,
            );
        self.http.send(&Request {
            url: &url,
            ..req.clone()
        })
    }
}

/// Serves the PKI's CRLs at the URLs its certificates name, for `requests` requests.
fn crl_server(listener: TcpListener) {
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let path = req.split_whitespace().nth(1).unwrap_or("");
            let file = match path {
                "/ecdsa-p256.crl" => Some(pki("ecdsa-p256/intermediate.crl")),
                "/ecdsa-p256-root.crl" => Some(pki("ecdsa-p256/root.crl")),
                _ => None,
            };
            let reply = match file.and_then(|f| std::fs::read(f).ok()) {
                Some(body) => {
                    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                    r.extend(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = s.write_all(&reply);
        }
    });
}

#[test]
fn online_path_revocation_fetches_ocsp_and_crls_named_by_the_certificates() {
    // Free ports stand in for the fixed ones the PKI's AIA and CRL distribution points name.
    let crl_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let crl_port = crl_listener.local_addr().unwrap().port();
    crl_server(crl_listener);
    let ocsp_port = free_port();
    let _r = responder(ocsp_port, "ecdsa-p256/ocsp-responder");
    let t = now();
    let http = Counting {
        http: BlockingHttp::new(),
        requests: std::sync::atomic::AtomicUsize::new(0),
        ocsp_port,
        crl_port,
    };

    let mut checker = Checker::online(&http);
    let ev = checker.check(&validate("signer", t), t).unwrap();
    // Leaf: OCSP from the AIA URL; intermediate: no OCSP URL, so the root's CRL.
    assert!(
        matches!(&ev[0].source, Source::Ocsp { url: Some(u), delegated: true, .. } if u == "http://127.0.0.1:18080/")
    );
    assert!(
        matches!(&ev[1].source, Source::Crl { url: Some(u), .. } if u.ends_with("/ecdsa-p256-root.crl"))
    );

    // The same path again: everything comes from the cache.
    let fetched = http.requests.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(fetched, 2, "one OCSP request and one CRL download");
    checker.check(&validate("signer", t), t).unwrap();
    assert_eq!(
        http.requests.load(std::sync::atomic::Ordering::SeqCst),
        fetched
    );

    let err = checker.check(&validate("revoked", t), t).unwrap_err();
    assert!(matches!(err, PathError::Revoked { .. }), "{err}");
    assert_eq!(err.sub_indication(), imza::report::SubIndication::REVOKED);
    assert_eq!(err.indication(), imza::report::Indication::TOTAL_FAILED);
}
