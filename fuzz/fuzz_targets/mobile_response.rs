//! Mobile-ID and Smart-ID answers from a hostile or broken service: every response parser
//! of both providers with the input as the body (under several statuses), the validation of
//! whatever parses, and whole sessions fed the input split into responses. Must never panic,
//! accept a signature that was not checked, or loop.
#![no_main]

use core::time::Duration;

use imza::crypto::HashAlgorithm;
use imza::mobile::{
    self, mid::MobileId, smartid::SmartId, Action, Config, Expect, Operation, Person, Polled,
    Provider, RelyingParty, Session, Start, Started,
};
use imza::transport::Response;
use libfuzzer_sys::fuzz_target;

const OPS: [Operation; 3] = [Operation::Certificate, Operation::Sign, Operation::Authenticate];

fn response(status: u16, body: &[u8]) -> Response {
    Response {
        status,
        content_type: Some("application/json".into()),
        body: body.to_vec(),
    }
}

fuzz_target!(|data: &[u8]| {
    let mid = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
    let sid = SmartId::new("http://127.0.0.1:1/v2").unwrap();
    let providers: [(&dyn Provider, Person); 2] = [
        (
            &mid,
            Person::Phone {
                phone: "+37200000766".into(),
                national_id: "60001019906".into(),
            },
        ),
        (&sid, Person::Etsi("PNOEE-60001019906".into())),
    ];
    let store = imza::trust::TrustStore::new();
    let trust = mobile::Trust {
        store: &store,
        intermediates: &[],
        time: imza::time::UnixTime::from_secs(1_800_000_000),
        policy: imza::crypto::Policy::STRICT,
    };
    let hash = imza::crypto::digest(HashAlgorithm::Sha256, b"fuzz");
    let status = data
        .get(..2)
        .map_or(200, |b| u16::from_be_bytes([b[0], b[1]]) % 600);
    for (p, person) in &providers {
        for op in OPS {
            for st in [200, status] {
                let r = response(st, data);
                let done = match (p.parse_start(op, &r), p.parse_poll(op, &r)) {
                    (Ok(Started::Done(c)), _) | (_, Ok(Polled::Done(c))) => Some(c),
                    _ => None,
                };
                if let Some(c) = done {
                    let expect = Expect {
                        operation: op,
                        hash: Some(&hash),
                        person,
                        certificate: None,
                    };
                    // An empty trust store: nothing may validate.
                    assert!(mobile::validate(&c, &expect, &trust, None).is_err());
                }
            }
        }
        // A whole session over responses split at 0xFF 0xFE.
        let rp = RelyingParty::new("00000000-0000-0000-0000-000000000000", "DEMO").unwrap();
        let start = Start::sign(hash);
        let Ok(mut s) = Session::new(*p, &rp, person, &start, Config::default(), Duration::ZERO)
        else {
            continue;
        };
        let mut now = Duration::ZERO;
        let mut pieces = data.split(|&b| b == 0xFF).take(64);
        for _ in 0..256 {
            match s.next(now) {
                Ok(Action::Send(_)) => {
                    let body = pieces.next().unwrap_or(b"{\"state\":\"RUNNING\"}");
                    let st = if body.first() == Some(&0xFE) { 500 } else { 200 };
                    if s.receive(now, Ok(response(st, body))).is_err() {
                        break;
                    }
                }
                Ok(Action::Wait(until)) => {
                    assert!(until > now, "a wait must move time forward");
                    now = until;
                }
                Ok(Action::Done(_)) | Err(_) => break,
            }
            now += Duration::from_millis(300);
        }
    }
});
