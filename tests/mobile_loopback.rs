//! Mobile ID against a real HTTP server: `test-vectors/mobile-server/mobile_server.py`
//! implements the Estonian Mobile-ID REST API and Smart-ID RP API v2 on 127.0.0.1 with the
//! scripted people of `test-vectors/mobile/README.md`. The client is the product path:
//! [`BlockingHttp`], [`SystemClock`], [`mobile::run`].
//!
//! Each test starts its own server, so request counts (`GET /stats`) are its own.
//! Needs `python3` and `openssl`; under `CI=true` a missing tool fails the test, elsewhere it
//! skips it with a SKIPPED line on stderr.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use imza::cades::{self, Content, VerifyOptions};
use imza::crypto::{HashAlgorithm, Signer as _};
use imza::mobile::{
    self, mid::MobileId, smartid::SmartId, Client, Completed, Expect, MobileError, MobileSigner,
    Operation, Person, Provider, RelyingParty, SignerOptions, SystemClock, Trust, VerificationCode,
};
use imza::report::Indication;
use imza::time::UnixTime;
use imza::transport::{BlockingHttp, Method, Request, Transport};
use imza::trust::TrustStore;

const RP_UUID: &str = "00000000-0000-0000-0000-000000000000";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join("test-vectors").join(rel)).unwrap()
}

fn der_of(rel: &str) -> Vec<u8> {
    let certs = imza::cert::parse_any(&read(rel)).unwrap();
    der::Encode::to_der(&certs[0]).unwrap()
}

fn now() -> UnixTime {
    UnixTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
}

/// python3 runs the server, openssl signs in it; a missing one skips the test (a failure
/// under `CI=true`).
fn have_tools() -> bool {
    imza_test_support::have_tool("python3", &["--version"])
        && imza_test_support::have_tool("openssl", &["version"])
}

/// The loopback server; stops when its stdin closes (on drop).
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new("python3")
            .arg(repo().join("test-vectors/mobile-server/mobile_server.py"))
            .arg("--fixtures")
            .arg(repo().join("test-vectors/mobile"))
            .args([
                "--port",
                "0",
                "--stop-on-stdin-eof",
                "--session-timeout",
                "3",
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("mobile_server.py starts");
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("server said {line:?}"));
        Server { child, stdin, port }
    }

    fn mid(&self) -> MobileId {
        MobileId::new(&format!("http://127.0.0.1:{}/mid-api", self.port)).unwrap()
    }

    fn sid(&self) -> SmartId {
        SmartId::new(&format!("http://127.0.0.1:{}/smart-id-rp/v2", self.port)).unwrap()
    }

    fn stats(&self) -> serde_json::Value {
        let url = format!("http://127.0.0.1:{}/stats", self.port);
        let resp = BlockingHttp::new()
            .send(&Request {
                method: Method::Get,
                url: &url,
                headers: &[],
                body: &[],
                timeout: Duration::from_secs(10),
                max_response_len: 1 << 20,
            })
            .unwrap();
        serde_json::from_slice(&resp.body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

/// Everything a session needs, owned.
struct Fixture {
    store: TrustStore,
    intermediates: Vec<Vec<u8>>,
    rp: RelyingParty,
    transport: BlockingHttp,
    clock: SystemClock,
}

impl Fixture {
    fn new(hierarchy: &str) -> Fixture {
        let mut store = TrustStore::new();
        store
            .add_pem_or_der(&read(&format!("pki/{hierarchy}/root.pem")))
            .unwrap();
        Fixture {
            store,
            intermediates: vec![der_of(&format!("pki/{hierarchy}/intermediate.pem"))],
            rp: RelyingParty::new(RP_UUID, "DEMO").unwrap(),
            transport: BlockingHttp::new(),
            clock: SystemClock::new(),
        }
    }

    fn mid() -> Fixture {
        Fixture::new("ecdsa-p256")
    }

    fn sid() -> Fixture {
        Fixture::new("rsa")
    }

    fn client<'a>(&'a self, provider: &'a dyn Provider) -> Client<'a> {
        Client::new(provider, &self.transport, &self.clock, &self.rp)
    }

    fn trust(&self) -> Trust<'_> {
        Trust {
            store: &self.store,
            intermediates: &self.intermediates,
            time: now(),
            policy: imza::crypto::Policy::STRICT,
        }
    }
}

fn phone(id: &str, phone: &str) -> Person {
    Person::Phone {
        phone: phone.into(),
        national_id: id.into(),
    }
}

fn etsi(id: &str) -> Person {
    Person::Etsi(format!("PNOEE-{id}"))
}

const NO_CODE: &dyn Fn(&VerificationCode) = &|_| {};

/// Signs `content` through `signer` as CAdES B-B and validates it.
fn cades_round_trip(signer: &MobileSigner<'_>, f: &Fixture, content: &[u8]) {
    let opts = cades::sign::SignOptions::new(now());
    let cms = cades::sign::sign(
        cades::sign::ToSign::Bytes(content),
        signer,
        signer.certificate(),
        &f.intermediates,
        &opts,
    )
    .unwrap();
    let mut vopts = VerifyOptions::new(&f.store, now());
    // The mobile test PKI publishes no CRL or OCSP: this round trip is about the signature,
    // so revocation is skipped explicitly, and the report must say so.
    vopts.revocation = cades::RevocationPolicy::Skip;
    let report = cades::verify(&cms, Content::Attached, &vopts).unwrap();
    assert_eq!(report.indication, Indication::TOTAL_PASSED, "{report:#?}");
    assert!(
        report.signatures[0]
            .warnings
            .iter()
            .any(|w| w == "revocation not checked, by request"),
        "{report:#?}"
    );
}

/// Mobile-ID: certificate, signature (r||s converted to DER for CMS), CAdES that verifies;
/// the verification code shown is the one computed from the hash that was sent.
#[test]
fn mobile_id_signs_cades() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let f = Fixture::mid();
    let p = server.mid();
    let codes = std::cell::RefCell::new(Vec::new());
    let on_code = |c: &VerificationCode| codes.borrow_mut().push(c.clone());
    let signer = MobileSigner::connect(
        f.client(&p),
        phone("60001019906", "+37200000766"),
        f.trust(),
        SignerOptions::default(),
        &on_code,
    )
    .unwrap();
    assert_eq!(
        signer.identity().person.personal_code.as_deref(),
        Some("60001019906")
    );
    assert_eq!(
        signer.identity().person.given_name.as_deref(),
        Some("MARY ÄNN")
    );
    assert_eq!(signer.certificate(), der_of("mobile/mid-confirm-sign.pem"));
    assert!(codes.borrow().is_empty(), "a certificate query has no code");
    cades_round_trip(&signer, &f, b"mobile-ID signed content");
    let codes = codes.borrow();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].as_str().len(), 4);
}

/// Smart-ID: certificate choice by semantics identifier, then the signature by the document
/// number it returned.
#[test]
fn smart_id_signs_cades() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let f = Fixture::sid();
    let p = server.sid();
    let signer = MobileSigner::connect(
        f.client(&p),
        etsi("60001019906"),
        f.trust(),
        SignerOptions::default(),
        NO_CODE,
    )
    .unwrap();
    assert_eq!(
        signer.identity().document_number.as_deref(),
        Some("PNOEE-60001019906-MOCK-Q")
    );
    cades_round_trip(&signer, &f, b"smart-ID signed content");
    // The raw signature over a digest verifies with the certificate's key.
    let hash = imza::crypto::digest(HashAlgorithm::Sha256, b"x");
    let v = signer.sign_digest(&hash).unwrap();
    assert_eq!(v.certificate, signer.certificate());
    assert!(signer.sign(b"x").is_ok());
}

/// Logins: the person asked for, with the authentication certificate.
#[test]
fn logins() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    for (f, p, person, cert) in [
        (
            Fixture::mid(),
            Box::new(server.mid()) as Box<dyn Provider>,
            phone("60001019906", "+37200000766"),
            "mobile/mid-confirm-auth.pem",
        ),
        (
            Fixture::sid(),
            Box::new(server.sid()),
            etsi("60001019906"),
            "mobile/sid-confirm-auth.pem",
        ),
        (
            Fixture::sid(),
            Box::new(server.sid()),
            Person::Document("PNOEE-60001019906-MOCK-Q".into()),
            "mobile/sid-confirm-auth.pem",
        ),
    ] {
        let hash = mobile::random_hash(HashAlgorithm::Sha256).unwrap();
        let auth = mobile::authenticate(
            &f.client(p.as_ref()),
            &person,
            &hash,
            &SignerOptions::default(),
            &f.trust(),
            NO_CODE,
            None,
        )
        .unwrap();
        assert_eq!(
            auth.identity.person.serial_number.as_deref(),
            Some("PNOEE-60001019906")
        );
        assert_eq!(auth.certificate, der_of(cert));
        assert_eq!(
            auth.verification_code,
            Some(p.verification_code(hash.as_ref()))
        );
    }
}

/// Signs (Mobile-ID or Smart-ID, by `sid`) as person `id` and returns the error.
fn sign_error(server: &Server, sid: bool, id: &str, phone_no: &str) -> MobileError {
    let f = if sid { Fixture::sid() } else { Fixture::mid() };
    let (mid, smart) = (server.mid(), server.sid());
    let (p, person): (&dyn Provider, Person) = if sid {
        (&smart, etsi(id))
    } else {
        (&mid, phone(id, phone_no))
    };
    let hash = imza::crypto::digest(HashAlgorithm::Sha256, b"content");
    // The certificate query first (it fails for some people), then the signature.
    let signer = match MobileSigner::connect(
        f.client(p),
        person,
        f.trust(),
        SignerOptions::default(),
        NO_CODE,
    ) {
        Ok(s) => s,
        Err(e) => return e,
    };
    match signer.sign_digest(&hash) {
        Ok(_) => panic!("person {id} ({}) signed", p.name()),
        Err(e) => e,
    }
}

/// Whether an error is the one expected.
type Check = fn(&MobileError) -> bool;

/// Signs as each `(id, phone, check)` person at once and checks each error.
fn check_sign_errors(server: &Server, sid: bool, cases: &[(&str, &str, Check)]) {
    std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(id, ph, _)| s.spawn(move || sign_error(server, sid, id, ph)))
            .collect();
        for ((id, _, check), h) in cases.iter().zip(handles) {
            let e = h.join().unwrap();
            assert!(check(&e), "person {id}: {e:?}");
        }
    });
}

/// Every scripted Mobile-ID failure has its own typed error; garbage, another key and an
/// untrusted CA never become a signature.
#[test]
fn mobile_id_failures_are_typed() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let cases: Vec<(&str, &str, Check)> = vec![
        ("60001019917", "+37200000767", |e| {
            *e == MobileError::UserCancelled
        }),
        ("60001019928", "+37200000768", |e| {
            *e == MobileError::Timeout
        }),
        ("60001019939", "+37200000769", |e| {
            *e == MobileError::NotMobileIdClient
        }),
        ("60001019940", "+37200000770", |e| {
            *e == MobileError::PhoneAbsent
        }),
        ("60001019951", "+37200000771", |e| {
            *e == MobileError::DeliveryError
        }),
        ("60001019962", "+37200000772", |e| {
            *e == MobileError::SimError
        }),
        ("60001019973", "+37200000773", |e| {
            *e == MobileError::SignatureHashMismatch
        }),
        ("60001020009", "+37200000776", |e| {
            matches!(e, MobileError::Malformed { .. })
        }),
        ("60001020010", "+37200000777", |e| {
            *e == MobileError::BadSignature
        }),
        ("60001020021", "+37200000778", |e| {
            matches!(e, MobileError::UntrustedCertificate(_))
        }),
        ("60001020043", "+37200000780", |e| {
            *e == MobileError::ServerError {
                status: 500,
                attempts: 4,
            }
        }),
        ("60001020054", "+37200000781", |e| {
            matches!(e, MobileError::BadRequest { .. })
        }),
        // A phone that is not this person's.
        ("60001019906", "+37200000767", |e| {
            *e == MobileError::NotMobileIdClient
        }),
    ];
    check_sign_errors(&server, false, &cases);
}

/// The same for Smart-ID, with its own results and HTTP statuses.
#[test]
fn smart_id_failures_are_typed() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let cases: Vec<(&str, Check)> = vec![
        ("60001019917", |e| *e == MobileError::UserCancelled),
        ("60001019928", |e| *e == MobileError::Timeout),
        ("60001019939", |e| *e == MobileError::NotMobileIdClient),
        ("60001020009", |e| {
            matches!(e, MobileError::Malformed { .. })
        }),
        ("60001020010", |e| *e == MobileError::BadSignature),
        ("60001020021", |e| {
            matches!(e, MobileError::UntrustedCertificate(_))
        }),
        ("60001020065", |e| *e == MobileError::WrongVerificationCode),
        ("60001020076", |e| {
            *e == MobileError::UserRefused {
                result: "USER_REFUSED_DISPLAYTEXTANDPIN".into(),
            }
        }),
        ("60001020087", |e| *e == MobileError::DocumentUnusable),
        ("60001020098", |e| *e == MobileError::NoSuitableAccount),
        ("60001020102", |e| *e == MobileError::ViewApp),
        ("60001020113", |e| *e == MobileError::Maintenance),
        ("99999999999", |e| *e == MobileError::NotMobileIdClient),
    ];
    let cases: Vec<(&str, &str, Check)> = cases.into_iter().map(|(id, c)| (id, "", c)).collect();
    check_sign_errors(&server, true, &cases);
}

/// A wrong relying-party UUID is 401 → Unauthorized, and the UUID is in no error text.
#[test]
fn unauthorized_relying_party() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let mut f = Fixture::mid();
    let secret = "11111111-2222-3333-4444-555555555555";
    f.rp = RelyingParty::new(secret, "DEMO").unwrap();
    let p = server.mid();
    let e = MobileSigner::connect(
        f.client(&p),
        phone("60001019906", "+37200000766"),
        f.trust(),
        SignerOptions::default(),
        NO_CODE,
    )
    .unwrap_err();
    assert_eq!(e, MobileError::Unauthorized);
    assert!(!format!("{e} {e:?} {:?}", f.rp).contains(secret));
    assert!(!format!("{:?}", f.client(&p)).contains(secret));
}

/// HTTP 500 twice, then the answer: polls are retried with backoff and the signature is good.
/// A slow server (2 s per response) still completes.
#[test]
fn retries_and_slow_server() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let f = Fixture::mid();
    let p = server.mid();
    for (id, ph) in [
        ("60001019995", "+37200000775"),
        ("60001019984", "+37200000774"),
    ] {
        let signer = MobileSigner::connect(
            f.client(&p),
            phone(id, ph),
            f.trust(),
            SignerOptions::default(),
            NO_CODE,
        )
        .unwrap();
        cades_round_trip(&signer, &f, b"after retries");
    }
}

/// A server that ignores `timeoutMs` and answers RUNNING at once is not hammered: the
/// server's own per-second counts stay at about one poll per second.
#[test]
fn poll_loop_never_busy_waits() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&[]);
    let f = Fixture::mid();
    let p = server.mid();
    let signer = MobileSigner::connect(
        f.client(&p),
        phone("60001020032", "+37200000779"),
        f.trust(),
        SignerOptions::default(),
        NO_CODE,
    )
    .unwrap();
    signer
        .sign_digest(&imza::crypto::digest(HashAlgorithm::Sha256, b"x"))
        .unwrap();
    let stats = server.stats();
    let sessions = stats["sessions"].as_object().unwrap();
    assert_eq!(sessions.len(), 1, "{stats}");
    let s = sessions.values().next().unwrap();
    let polls = s["polls"].as_u64().unwrap();
    // 3 s of immediate RUNNING answers: a busy loop would poll hundreds of times.
    assert!((2..=5).contains(&polls), "{stats}");
    assert!(s["max_polls_per_second"].as_u64().unwrap() <= 2, "{stats}");
    assert!(
        stats["max_requests_per_second"].as_u64().unwrap() <= 3,
        "{stats}"
    );
}

/// The caller's deadline ends a session whose person never answers; a cancellation from
/// another thread ends it too.
#[test]
fn deadline_and_cancel() {
    if !have_tools() {
        return;
    }
    let server = Server::start(&["--session-timeout", "30"]);
    let f = Fixture::mid();
    let p = server.mid();
    let person = phone("60001019928", "+37200000768");
    let hash = imza::crypto::digest(HashAlgorithm::Sha256, b"x");

    let mut client = f.client(&p);
    client.config.deadline = Duration::from_secs(2);
    let e = mobile::authenticate(
        &client,
        &person,
        &hash,
        &SignerOptions::default(),
        &f.trust(),
        NO_CODE,
        None,
    )
    .unwrap_err();
    assert_eq!(e, MobileError::DeadlineExceeded);

    let cancel = mobile::CancelToken::new();
    std::thread::scope(|s| {
        let h = s.spawn(|| {
            let mut client = f.client(&p);
            client.config.long_poll = Duration::from_secs(1);
            client.cancel = cancel.clone();
            mobile::authenticate(
                &client,
                &person,
                &hash,
                &SignerOptions::default(),
                &f.trust(),
                NO_CODE,
                None,
            )
        });
        std::thread::sleep(Duration::from_millis(1500));
        cancel.cancel();
        assert_eq!(h.join().unwrap().unwrap_err(), MobileError::Cancelled);
    });
}

/// Result validation on its own, with the fixtures: a certificate of another person, a
/// certificate other than the one fetched, an algorithm other than the hash sent.
#[test]
fn validation_refuses_mismatches() {
    let f = Fixture::mid();
    let hash = imza::crypto::digest(HashAlgorithm::Sha256, b"x");
    let other = der_of("mobile/mid-cancel-auth.pem");
    let mut c = Completed::default();
    c.certificate = Some(other.clone());
    c.signature = Some(vec![0; 64]);
    c.signature_algorithm = Some("SHA256WithECEncryption".into());
    let person = phone("60001019906", "+37200000766");
    let expect = |operation| Expect {
        operation,
        hash: Some(&hash),
        person: &person,
        certificate: None,
    };
    // The signature is checked before the person: a zero signature is BadSignature.
    assert_eq!(
        mobile::validate(&c, &expect(Operation::Authenticate), &f.trust(), None).unwrap_err(),
        MobileError::BadSignature
    );
    // A certificate query answered with another person's certificate: SubjectMismatch.
    let mut wrong_person = Completed::default();
    wrong_person.certificate = Some(der_of("mobile/mid-cancel-sign.pem"));
    assert!(matches!(
        mobile::validate(
            &wrong_person,
            &expect(Operation::Certificate),
            &f.trust(),
            None
        )
        .unwrap_err(),
        MobileError::SubjectMismatch { .. }
    ));
    // The signature came with another certificate than the one fetched.
    let mine = der_of("mobile/mid-confirm-sign.pem");
    let changed = Expect {
        certificate: Some(&mine),
        ..expect(Operation::Sign)
    };
    assert_eq!(
        mobile::validate(&c, &changed, &f.trust(), None).unwrap_err(),
        MobileError::CertificateChanged
    );
    // SHA-384 named for a SHA-256 hash, RSA named for an EC key, unknown names.
    for name in [
        "SHA384WithECEncryption",
        "SHA256WithRSAEncryption",
        "none",
        "",
    ] {
        c.signature_algorithm = Some(name.into());
        assert!(
            matches!(
                mobile::validate(&c, &expect(Operation::Authenticate), &f.trust(), None),
                Err(MobileError::AlgorithmMismatch { .. })
            ),
            "{name}"
        );
    }
    // An authentication certificate is not a signing certificate.
    let auth = der_of("mobile/mid-confirm-auth.pem");
    let mut c = Completed::default();
    c.certificate = Some(auth);
    assert!(matches!(
        mobile::validate(&c, &expect(Operation::Certificate), &f.trust(), None).unwrap_err(),
        MobileError::UntrustedCertificate(_)
    ));
}
