//! Entry-name rules: a name must mean one file, inside the container, on every system.
//!
//! A verifier never extracts, but the names it reports (and that a person or a tool may later
//! extract under) must not point outside a folder or collide, and a signature that covers
//! `a\b` must not be read as covering the file `b` in folder `a` by one tool and not by
//! another.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};

use crate::error::ContainerError;

fn unsafe_name(name: &str, reason: &'static str) -> ContainerError {
    ContainerError::UnsafeName {
        name: name.to_string(),
        reason,
    }
}

/// Checks one raw central-directory name and returns it as text.
///
/// A name ending in `/` is a folder entry; its last (empty) segment is allowed. Names are
/// taken as UTF-8 whether or not the entry sets the language-encoding flag (bit 11): that
/// is what the signing tools write, and a name that is not UTF-8 is refused rather than
/// read as CP437.
pub(crate) fn check(raw: &[u8]) -> Result<String, ContainerError> {
    let name = core::str::from_utf8(raw).map_err(|_| ContainerError::UnsafeName {
        name: String::from_utf8_lossy(raw).into_owned(),
        reason: "not UTF-8",
    })?;
    if name.is_empty() {
        return Err(unsafe_name(name, "empty name"));
    }
    if name.chars().any(char::is_control) {
        return Err(unsafe_name(name, "control character"));
    }
    if name.contains('\\') {
        return Err(unsafe_name(name, "backslash"));
    }
    if name.starts_with('/') {
        return Err(unsafe_name(name, "absolute path"));
    }
    let body = name.strip_suffix('/').unwrap_or(name);
    if has_drive_prefix(body) {
        return Err(unsafe_name(name, "drive letter"));
    }
    for segment in body.split('/') {
        match segment {
            "" => return Err(unsafe_name(name, "empty path segment")),
            "." => return Err(unsafe_name(name, "'.' path segment")),
            ".." => return Err(unsafe_name(name, "'..' path segment")),
            _ => {}
        }
    }
    Ok(name.to_string())
}

/// `C:` and the like: Windows reads `C:x` relative to drive C's current folder.
fn has_drive_prefix(name: &str) -> bool {
    let mut b = name.bytes();
    matches!((b.next(), b.next()), (Some(l), Some(b':')) if l.is_ascii_alphabetic())
}

/// Finds exact and case-only duplicates among names already checked one by one.
///
/// Case is folded with Unicode lower-casing, close to what NTFS and APFS do; names that
/// differ only in Unicode normalization (NFC against NFD) are not caught.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    folded: BTreeMap<String, String>,
}

impl Seen {
    pub(crate) fn insert(&mut self, name: &str) -> Result<(), ContainerError> {
        let key = name.to_lowercase();
        if let Some(first) = self.folded.get(&key) {
            return Err(ContainerError::DuplicateName {
                name: name.to_string(),
                first: first.clone(),
            });
        }
        self.folded.insert(key, name.to_string());
        Ok(())
    }
}
