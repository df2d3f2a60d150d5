//! Small helpers with no home of their own, used across modules; private to the crate.

use alloc::string::String;

use const_oid::ObjectIdentifier;

/// Lowercase hexadecimal, as reports and summaries print serial numbers and fingerprints.
pub(crate) fn hex(b: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A readable name for an OID: its registered short name when the OID database knows it.
pub(crate) fn oid_name(oid: &ObjectIdentifier) -> String {
    match const_oid::db::DB.by_oid(oid) {
        Some(name) => alloc::format!("{name} ({oid})"),
        None => alloc::format!("{oid}"),
    }
}
