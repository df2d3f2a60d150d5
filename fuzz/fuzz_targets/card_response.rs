//! Card answers from a hostile or broken card: response APDUs (61xx/6Cxx chains), PIV
//! certificate objects (BER-TLV), eID file control information and chunked READ BINARY,
//! through the real profiles over a scripted transport that answers every command with the
//! next piece of the input. Must never panic or loop.
#![no_main]

use imza::card::eid::{Eid, EidParams};
use imza::card::piv::Piv;
use imza::card::{CardSigner, KeyPurpose, Profile, Registry, Response, Scripted};
use libfuzzer_sys::fuzz_target;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Splits the input at 0xFF 0xFE markers into responses, each given to any command.
fn script(data: &[u8]) -> Scripted {
    let mut s = Scripted::new(&[]).with_atr(data.get(..8).unwrap_or(&[]));
    let mut rest = data;
    let mut n = 0;
    while !rest.is_empty() && n < 300 {
        let end = rest.windows(2).position(|w| w == [0xFF, 0xFE]).unwrap_or(rest.len());
        s = s.then("*", &hex(&rest[..end]));
        rest = rest.get(end + 2..).unwrap_or(&[]);
        n += 1;
    }
    s
}

fuzz_target!(|data: &[u8]| {
    let _ = Response::parse(data);
    let eid = Eid::new(EidParams::estonia_idemia());
    let profiles: [&dyn Profile; 2] = [&Piv, &eid];
    for p in profiles {
        let _ = p.certificates(&mut script(data));
        let _ = CardSigner::new(
            script(data),
            p,
            KeyPurpose::Signing,
            imza::card::PinEntry::PinPad,
        )
        .map(|s| s.sign_digest(imza::crypto::HashAlgorithm::Sha256, &[0; 32]));
    }
    let _ = Registry::default().detect(&mut script(data)).map(|p| p.name().to_string());
});
