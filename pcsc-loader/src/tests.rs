//! What can be checked without a PC/SC daemon: loading failures, the symbol table against
//! the real library, the C layouts, code conversion and the multi-string parser.

use std::ffi::{CString, OsString};

use super::*;

fn names(list: &[CString]) -> Vec<&str> {
    list.iter().map(|n| n.to_str().unwrap()).collect()
}

#[test]
fn a_missing_library_is_an_error_naming_it() {
    let Err(attempts) = sys::load(&[OsString::from("/nonexistent/libpcsclite.so.1")]) else {
        panic!("a library that does not exist loaded");
    };
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert!(
        attempts[0].starts_with("/nonexistent/libpcsclite.so.1"),
        "{attempts:?}"
    );
    let e = LoadError::new(attempts);
    let text = Error::Unavailable(Box::leak(Box::new(e))).to_string();
    assert!(
        text.starts_with("the PC/SC library could not be loaded (/nonexistent/libpcsclite.so.1"),
        "{text}"
    );
}

#[test]
fn every_candidate_is_tried_and_reported() {
    let Err(attempts) = sys::load(&[
        OsString::from("/nonexistent/a.so"),
        OsString::from("/nonexistent/b.so"),
    ]) else {
        panic!("loaded");
    };
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(attempts[0].contains("a.so") && attempts[1].contains("b.so"));
}

#[test]
fn a_file_that_is_not_a_library_is_an_error() {
    let path = std::env::temp_dir().join(format!("imza-pcsc-not-a-lib-{}.so", std::process::id()));
    std::fs::write(&path, b"not an ELF file").unwrap();
    let result = sys::load(&[path.clone().into_os_string()]);
    std::fs::remove_file(&path).unwrap();
    let Err(attempts) = result else {
        panic!("a text file loaded as a library");
    };
    assert_eq!(attempts.len(), 1, "{attempts:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_library_without_the_pcsc_functions_is_an_error_naming_the_symbol() {
    // libc is always there, and has no SCard* function.
    let Err(attempts) = sys::load(&[OsString::from("libc.so.6")]) else {
        panic!("libc passed for PC/SC");
    };
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert!(
        attempts[0].starts_with("libc.so.6: missing symbol SCardEstablishContext"),
        "{attempts:?}"
    );
}

#[test]
fn the_symbol_table_names_each_function_imza_calls_once() {
    let mut expected = vec![
        "SCardEstablishContext",
        "SCardReleaseContext",
        "SCardListReaders",
        "SCardGetStatusChange",
        "SCardConnect",
        "SCardDisconnect",
        "SCardBeginTransaction",
        "SCardEndTransaction",
        "SCardTransmit",
        "SCardControl",
        "SCardGetAttrib",
    ];
    if cfg!(windows) {
        for s in &mut expected {
            if matches!(
                *s,
                "SCardListReaders" | "SCardGetStatusChange" | "SCardConnect"
            ) {
                *s = Box::leak(format!("{s}A").into_boxed_str());
            }
        }
    }
    if cfg!(target_os = "macos") {
        for s in &mut expected {
            if *s == "SCardControl" {
                *s = "SCardControl132";
            }
        }
    }
    let mut got = SYMBOLS.to_vec();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected);
}

#[test]
fn the_installed_pcsc_library_has_every_symbol() {
    match sys::load(&sys::candidates()) {
        Ok(lib) => assert!(!lib.name.is_empty()),
        Err(attempts) => imza_test_support::skip(format_args!(
            "no PC/SC library to resolve the symbols in (Debian: apt-get install libpcsclite1): {}",
            attempts.join("; ")
        )),
    }
}

/// pcsclite 1.9.9's headers on LP64 Linux, measured with gcc (sizeof/offsetof of
/// SCARD_READERSTATE and SCARD_IO_REQUEST): 80 bytes with fields at 0, 8, 16, 24, 32, 40;
/// 16 bytes.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[test]
fn the_structures_have_pcsclites_layout() {
    use core::mem::{offset_of, size_of};
    use sys::{IoRequest, ReaderStateRaw};
    assert_eq!(size_of::<Dword>(), 8);
    assert_eq!(size_of::<sys::Long>(), 8);
    assert_eq!(size_of::<Handle>(), 8);
    assert_eq!(size_of::<ReaderStateRaw>(), 80);
    assert_eq!(offset_of!(ReaderStateRaw, reader), 0);
    assert_eq!(offset_of!(ReaderStateRaw, user_data), 8);
    assert_eq!(offset_of!(ReaderStateRaw, current_state), 16);
    assert_eq!(offset_of!(ReaderStateRaw, event_state), 24);
    assert_eq!(offset_of!(ReaderStateRaw, atr_len), 32);
    assert_eq!(offset_of!(ReaderStateRaw, atr), 40);
    assert_eq!(size_of::<IoRequest>(), 16);
    // g_rgSCardT0Pci is { SCARD_PROTOCOL_T0, sizeof(SCARD_IO_REQUEST) } = { 1, 16 }.
    let pci = IoRequest::for_protocol(1);
    assert_eq!((pci.protocol, pci.pci_length), (1, 16));
}

#[test]
fn constants_match_the_headers() {
    // SCARD_CTL_CODE(3400) and SCARD_ATTR_ATR_STRING, printed by gcc with pcsclite's headers.
    #[cfg(not(windows))]
    assert_eq!(ctl_code(3400), 0x4200_0D48);
    assert_eq!(Attribute::AtrString.raw(), 0x0009_0303);
    assert_eq!(MAX_BUFFER_SIZE_EXTENDED, 65548);
    assert_eq!(PNP_NOTIFICATION.to_bytes(), br"\\?PnP?\Notification");
}

#[test]
fn codes_are_read_in_either_long_width() {
    // LP64 pcsclite: the code arrives as a positive 64-bit value.
    assert_eq!(Error::from_raw(0x8010_0069), Error::RemovedCard);
    assert_eq!(Error::from_raw(0x8010_002E), Error::NoReadersAvailable);
    // A 32-bit LONG (macOS, Windows): the same bits, negative.
    let negative = i32::from_ne_bytes(0x8010_0068u32.to_ne_bytes());
    #[allow(clippy::useless_conversion, reason = "LONG is i64 here, i32 elsewhere")]
    let raw = sys::Long::from(negative);
    assert_eq!(Error::from_raw(raw), Error::ResetCard);
    assert_eq!(Error::from_raw(0x8010_0068).code(), Some(0x8010_0068));
    // Unknown codes stay numbers; nothing is transmuted.
    assert_eq!(Error::from_raw(0x1234), Error::Unknown(0x1234));
    assert_eq!(Error::from_raw(0x8010_00FF), Error::Unknown(0x8010_00FF));
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    assert_eq!(
        Error::from_raw(0x7_8010_0069),
        Error::Unknown(0x7_8010_0069),
        "a value beyond 32 bits is not folded onto a known code"
    );
    assert!(Error::from_raw(0x8010_000A)
        .to_string()
        .contains("timeout value has expired"));
    assert_eq!(check(0), Ok(()));
}

#[test]
fn reader_lists_are_parsed_as_bounded_multi_strings() {
    assert_eq!(
        names(&parse_multi_string(
            b"Virtual PCD 00 00\0Virtual PCD 00 01\0\0"
        )),
        ["Virtual PCD 00 00", "Virtual PCD 00 01"]
    );
    // Empty lists.
    assert!(parse_multi_string(b"").is_empty());
    assert!(parse_multi_string(b"\0").is_empty());
    assert!(parse_multi_string(b"\0\0").is_empty());
    // An empty string ends the list; what follows is not read.
    assert_eq!(names(&parse_multi_string(b"a\0\0b\0\0")), ["a"]);
    // Without the final NUL (a length that cut the list short): the complete names only.
    assert_eq!(names(&parse_multi_string(b"a\0b\0")), ["a", "b"]);
    assert_eq!(names(&parse_multi_string(b"a\0bc")), ["a"]);
    assert!(parse_multi_string(b"abc").is_empty());
    // Non-UTF-8 names survive as bytes.
    assert_eq!(
        parse_multi_string(b"\xff\xfe\0\0")[0].as_bytes(),
        b"\xff\xfe"
    );
}

#[test]
fn lengths_from_the_library_never_exceed_the_buffer() {
    assert_eq!(returned_len(10, 10), Ok(10));
    assert_eq!(returned_len(0, 10), Ok(0));
    assert_eq!(returned_len(11, 10), Err(Error::InsufficientBuffer));
    assert_eq!(returned_len(Dword::MAX, 10), Err(Error::InsufficientBuffer));
}

#[test]
fn reader_states_keep_the_flags_apart_from_the_event_counter() {
    let mut r = ReaderState::new(PNP_NOTIFICATION, State::UNAWARE);
    assert_eq!(r.name(), PNP_NOTIFICATION);
    assert_eq!(r.current_state(), State::UNAWARE);
    // pcsclite's event counter lives in the high 16 bits of dwEventState.
    r.event = (3 << 16) | Dword::from((State::PRESENT | State::CHANGED).bits());
    assert!(r.event_state().contains(State::PRESENT));
    assert!(r.event_state().contains(State::CHANGED));
    assert!(!r.event_state().contains(State::EMPTY));
    assert_eq!(r.event_state().bits(), 0x22);
    assert_eq!(r.event_count(), 3);
    r.sync_current_state();
    assert_eq!(r.current_state(), State::PRESENT | State::CHANGED);
    assert_eq!(r.current, r.event, "the counter goes back with the state");
    // The ATR is bounded by the structure whatever cbAtr said.
    r.atr_len = 5;
    assert_eq!(r.atr().len(), 5);
    assert_eq!(
        format!("{:?}", State::PRESENT | State::EXCLUSIVE),
        "State(PRESENT | EXCLUSIVE)"
    );
    assert_eq!(format!("{:?}", State::UNAWARE), "State(UNAWARE)");
}
