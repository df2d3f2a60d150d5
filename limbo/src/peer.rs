//! Peer-name matching: is the leaf valid for the host name, address or mailbox asked for?
//!
//! This is TLS business (RFC 6125 / RFC 9525), not path validation, so it lives in the
//! harness. Only subjectAltName is consulted; the subject common name is never used as a
//! fallback (RFC 9525 §6.3, CA/B Forum BR: the CN is informational and a copy of a SAN).
//!
//! - DNS: a reference name in LDH syntax is compared with each dNSName, ASCII
//!   case-insensitively. A presented name may carry one wildcard: the whole left-most label
//!   `*`, followed by at least two labels (`*.example.com`, not `*.com` or `*`); it matches
//!   exactly one non-empty label (RFC 6125 §6.4.3). Partial-label wildcards (`f*o`,
//!   `xn--*`), wildcards elsewhere and presented names not in preferred name syntax
//!   (RFC 5280 §4.2.1.6: underscores, non-ASCII, IP literals) never match. No Public Suffix
//!   List is consulted.
//! - IP: the address parsed from the reference (dotted-decimal IPv4 or IPv6 text) equals an
//!   iPAddress entry's octets.
//! - RFC822: an rfc822Name with the same local part (case-sensitive) and domain
//!   (case-insensitive).

use std::net::IpAddr;

use imza::path::ParsedCert;
use x509_cert::ext::pkix::name::GeneralName;

use crate::PeerName;

/// Checks `leaf` against one expected peer name.
pub fn check(leaf: &ParsedCert, name: &PeerName) -> Result<(), String> {
    let sans = &leaf.subject_alt_names;
    let found = match name.kind.as_str() {
        "DNS" => {
            let reference = reference_dns(&name.value)
                .ok_or_else(|| format!("expected peer name {:?} is not a host name", name.value))?;
            sans.iter().any(|g| match g {
                GeneralName::DnsName(d) => dns_matches(d.as_str(), &reference),
                _ => false,
            })
        }
        "IP" => {
            let ip: IpAddr = name
                .value
                .parse()
                .map_err(|_| format!("expected peer name {:?} is not an address", name.value))?;
            let want: Vec<u8> = match ip {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            };
            sans.iter().any(|g| match g {
                GeneralName::IpAddress(o) => o.as_bytes() == want.as_slice(),
                _ => false,
            })
        }
        "RFC822" => sans.iter().any(|g| match g {
            GeneralName::Rfc822Name(m) => mailbox_eq(m.as_str(), &name.value),
            _ => false,
        }),
        other => return Err(format!("unknown peer name kind {other}")),
    };
    if found {
        Ok(())
    } else {
        Err(format!(
            "leaf is not valid for {} {:?} (subjectAltName: {})",
            name.kind,
            name.value,
            describe_sans(leaf)
        ))
    }
}

fn describe_sans(leaf: &ParsedCert) -> String {
    if leaf.subject_alt_names.is_empty() {
        return "none".into();
    }
    leaf.subject_alt_names
        .iter()
        .map(|g| match g {
            GeneralName::DnsName(d) => format!("DNS:{}", d.as_str()),
            GeneralName::IpAddress(o) => format!("IP:{:02x?}", o.as_bytes()),
            GeneralName::Rfc822Name(m) => format!("email:{}", m.as_str()),
            GeneralName::UniformResourceIdentifier(u) => format!("URI:{}", u.as_str()),
            _ => "other".into(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One label in preferred name syntax (RFC 1034 §3.5, RFC 1123 §2.1): letters, digits and
/// inner hyphens, 1 to 63 characters.
fn ldh_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

/// A name in preferred name syntax, lowercased; a final root dot is dropped. A name whose
/// labels are all digits would be an IPv4 literal and is refused.
fn ldh_name(s: &str) -> Option<String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 || !s.split('.').all(ldh_label) {
        return None;
    }
    if s.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some(s.to_ascii_lowercase())
}

/// The reference identifier: the host name the client wants.
pub fn reference_dns(s: &str) -> Option<String> {
    ldh_name(s)
}

/// Whether a presented dNSName matches the (already valid, lowercased) reference.
pub fn dns_matches(presented: &str, reference: &str) -> bool {
    if let Some(base) = presented.strip_prefix("*.") {
        let Some(base) = ldh_name(base) else {
            return false;
        };
        // At least two labels after the wildcard: `*.com` spans a whole TLD.
        if !base.contains('.') {
            return false;
        }
        return match reference.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == base,
            None => false,
        };
    }
    ldh_name(presented).is_some_and(|p| p == reference)
}

fn mailbox_eq(presented: &str, reference: &str) -> bool {
    match (presented.rsplit_once('@'), reference.rsplit_once('@')) {
        (Some((pl, pd)), Some((rl, rd))) => pl == rl && pd.eq_ignore_ascii_case(rd),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(presented: &str, reference: &str) -> bool {
        dns_matches(presented, &reference_dns(reference).unwrap())
    }

    #[test]
    fn dns_exact_and_wildcard() {
        assert!(m("example.com", "EXAMPLE.com"));
        assert!(m("example.com.", "example.com"));
        assert!(!m("example.com", "example2.com"));
        assert!(!m("abc.example.com", "def.example.com"));
        assert!(!m("example.com", "abc.example.com"));
        assert!(m("*.example.com", "foo.example.com"));
        assert!(!m("*.example.com", "example.com"));
        assert!(!m("*.example.com", "foo.bar.example.com"));
        assert!(!m("ba*.example.com", "baz.example.com"));
        assert!(!m("foo.*.example.com", "foo.bar.example.com"));
        assert!(!m(
            "xn--*-1b3c148a.example.com",
            "xn--bliss-1b3c148a.example.com"
        ));
        assert!(!m("*.com", "example.com"));
        assert!(!m("*", "com"));
        assert!(!m("foo_bar.example.com", "foobar.example.com"));
        assert!(reference_dns("foo_bar.example.com").is_none());
        assert!(reference_dns("8.8.8.8").is_none());
        assert!(!m("\u{1f61c}.example.com", "xn--628h.example.com"));
    }

    #[test]
    fn mailboxes() {
        assert!(mailbox_eq("foo@Example.com", "foo@example.com"));
        assert!(!mailbox_eq("Foo@example.com", "foo@example.com"));
        assert!(!mailbox_eq("foo", "foo"));
    }
}
