//! Name constraints (RFC 5280 §4.2.1.10) for directory names, e-mail addresses, DNS names,
//! URIs and IP addresses.
//!
//! A name form imza cannot evaluate (otherName, x400Address, ediPartyName, registeredID)
//! fails the check when the certificate carries a name of that form and the constraints
//! restrict it: refusing is the safe answer to a constraint that cannot be checked.
//! Directory names are compared RDN by RDN as DER (no RFC 4518 string preparation).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use const_oid::db::rfc3280;
use x509_cert::ext::pkix::constraints::name::GeneralSubtrees;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::name::Name;

use super::ParsedCert;

/// The forms a name can take, as far as constraints go.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Form {
    Dir,
    Email,
    Dns,
    Uri,
    Ip,
    Other,
}

enum NameRef<'a> {
    Dir(&'a Name),
    Email(String),
    Dns(&'a str),
    Uri(&'a str),
    Ip(&'a [u8]),
    Other,
}

impl NameRef<'_> {
    fn form(&self) -> Form {
        match self {
            Self::Dir(_) => Form::Dir,
            Self::Email(_) => Form::Email,
            Self::Dns(_) => Form::Dns,
            Self::Uri(_) => Form::Uri,
            Self::Ip(_) => Form::Ip,
            Self::Other => Form::Other,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Dir(n) => alloc::format!("dirname:{n}"),
            Self::Email(e) => alloc::format!("email:{e}"),
            Self::Dns(d) => alloc::format!("dns:{d}"),
            Self::Uri(u) => alloc::format!("uri:{u}"),
            Self::Ip(ip) => alloc::format!("ip:{ip:?}"),
            Self::Other => "a name form imza cannot check".to_string(),
        }
    }
}

fn form_of(g: &GeneralName) -> Form {
    match g {
        GeneralName::DirectoryName(_) => Form::Dir,
        GeneralName::Rfc822Name(_) => Form::Email,
        GeneralName::DnsName(_) => Form::Dns,
        GeneralName::UniformResourceIdentifier(_) => Form::Uri,
        GeneralName::IpAddress(_) => Form::Ip,
        _ => Form::Other,
    }
}

/// The names of `cert` that constraints apply to: the subject DN (when not empty; for the
/// leaf and intermediates alike), e-mail addresses in the subject DN, and subjectAltName.
fn names_of(cert: &ParsedCert) -> Vec<NameRef<'_>> {
    let mut out = Vec::new();
    let subject = &cert.cert.tbs_certificate.subject;
    if !subject.0.is_empty() {
        out.push(NameRef::Dir(subject));
        // RFC 5280 §4.2.1.10: emailAddress attributes in the subject are rfc822 names.
        for rdn in subject.0.iter() {
            for atv in rdn.0.iter() {
                if atv.oid == rfc3280::EMAIL_ADDRESS {
                    let v = atv
                        .value
                        .decode_as::<der::asn1::Ia5StringRef<'_>>()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|_| String::from("<undecodable>"));
                    out.push(NameRef::Email(v));
                }
            }
        }
    }
    for g in &cert.subject_alt_names {
        out.push(match g {
            GeneralName::DirectoryName(n) => NameRef::Dir(n),
            GeneralName::Rfc822Name(s) => NameRef::Email(s.as_str().to_string()),
            GeneralName::DnsName(s) => NameRef::Dns(s.as_str()),
            GeneralName::UniformResourceIdentifier(s) => NameRef::Uri(s.as_str()),
            GeneralName::IpAddress(ip) => NameRef::Ip(ip.as_bytes()),
            _ => NameRef::Other,
        });
    }
    out
}

/// An upper bound on the comparisons [`check`] makes: names × subtrees.
pub(super) fn cost(nc: &NameConstraints, cert: &ParsedCert) -> usize {
    let subtrees = nc.permitted_subtrees.as_ref().map_or(0, Vec::len)
        + nc.excluded_subtrees.as_ref().map_or(0, Vec::len);
    let names = cert.subject_alt_names.len()
        + 1
        + cert
            .cert
            .tbs_certificate
            .subject
            .0
            .iter()
            .map(|rdn| rdn.0.len())
            .sum::<usize>();
    names.saturating_mul(subtrees)
}

/// Checks `cert` against `nc`. `Err` names the first offending name.
pub(super) fn check(nc: &NameConstraints, cert: &ParsedCert, _is_leaf: bool) -> Result<(), String> {
    let empty = GeneralSubtrees::new();
    let permitted = nc.permitted_subtrees.as_ref().unwrap_or(&empty);
    let excluded = nc.excluded_subtrees.as_ref().unwrap_or(&empty);
    for name in names_of(cert) {
        let form = name.form();
        let restricting = |trees: &GeneralSubtrees| trees.iter().any(|t| form_of(&t.base) == form);
        if form == Form::Other {
            if restricting(permitted) || restricting(excluded) {
                return Err(name.describe());
            }
            continue;
        }
        // Every subtree with minimum 0 and no maximum (RFC 5280: MUST); others are refused.
        let usable =
            |t: &&x509_cert::ext::pkix::constraints::name::GeneralSubtree| form_of(&t.base) == form;
        if excluded.iter().filter(usable).any(|t| {
            t.minimum != 0
                || t.maximum.is_some()
                || matches(&t.base, &name, Side::Excluded) != Some(false)
        }) {
            return Err(name.describe());
        }
        let mut same_form = permitted.iter().filter(usable).peekable();
        if same_form.peek().is_some()
            && !same_form.any(|t| {
                t.minimum == 0
                    && t.maximum.is_none()
                    && matches(&t.base, &name, Side::Permitted) == Some(true)
            })
        {
            return Err(name.describe());
        }
    }
    Ok(())
}

/// Which list a subtree is in. A name that stands for several names (a wildcard dNSName)
/// is permitted only when all of them are, and excluded when any of them is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Permitted,
    Excluded,
}

/// Whether `name` is inside the subtree `base`; `None` when the base or the name cannot be
/// evaluated (malformed), which callers treat as a violation.
fn matches(base: &GeneralName, name: &NameRef<'_>, side: Side) -> Option<bool> {
    match (base, name) {
        (GeneralName::DirectoryName(b), NameRef::Dir(n)) => Some(dn_within(b, n)),
        // Not a mailbox: cannot be shown outside an excluded subtree either.
        (GeneralName::Rfc822Name(_), NameRef::Email(e)) if mailbox_parts(e).is_none() => None,
        (GeneralName::Rfc822Name(b), NameRef::Email(e)) => Some(email_within(b.as_str(), e)),
        (GeneralName::DnsName(b), NameRef::Dns(d)) => dns_in_subtree(b.as_str(), d, side),
        (GeneralName::UniformResourceIdentifier(b), NameRef::Uri(u)) => {
            uri_host(u).map(|h| host_within_uri_constraint(b.as_str(), h))
        }
        (GeneralName::IpAddress(b), NameRef::Ip(ip)) => ip_within(b.as_bytes(), ip),
        _ => None,
    }
}

/// `name` has `base`'s RDNs as a prefix.
/// RDNs compare as RFC 5280 §7.1 says (RFC 4518 preparation, [`crate::cert::name`]), so
/// a re-encoded name is neither outside a permitted subtree nor outside an excluded one.
fn dn_within(base: &Name, name: &Name) -> bool {
    base.0.len() <= name.0.len()
        && crate::cert::name::rdn_keys(base)
            .iter()
            .zip(crate::cert::name::rdn_keys(name).iter())
            .all(|(b, n)| b == n)
}

fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `a` equals `b` or is a subdomain of it (label boundary), case-insensitively.
fn domain_within(domain: &str, name: &str) -> bool {
    if eq_ci(domain, name) {
        return true;
    }
    name.len() > domain.len()
        && name
            .get(name.len() - domain.len()..)
            .is_some_and(|tail| eq_ci(tail, domain))
        && name.as_bytes().get(name.len() - domain.len() - 1) == Some(&b'.')
}

/// A DNS name as far as constraints go: ASCII, non-empty dot-separated labels, no `*`.
/// (Stricter syntax, RFC 1034 letters-digits-hyphens, is not required: underscores occur
/// in real names and do not make the comparison ambiguous.)
fn dns_name_ok(s: &str) -> bool {
    s.is_ascii() && !s.contains('*') && s.split('.').all(|l| !l.is_empty())
}

/// dNSName constraint (RFC 5280 §4.2.1.10): `host.example.com` covers that name and every
/// name made by adding labels to the left; the empty name covers every name.
///
/// - A base with a leading period or a wildcard is malformed (RFC 5280 allows the leading
///   period for URI and mailbox constraints only); it gives `None`, a violation, rather than
///   a guess at what the CA meant (OpenSSL's "subdomains only" reading is what x509-limbo
///   `rfc5280::nc::invalid-dnsname-leading-period` rejects).
/// - A subjectAltName that is not a DNS name (`.example.com`) is inside no subtree.
/// - A wildcard name `*.example.com` stands for every `label.example.com` (RFC 9525 §6.3):
///   permitted only when `example.com` is inside the base, excluded when `example.com` is
///   inside the base or the base is one of those names (CVE-2025-61727: an excluded
///   `bar.example.com` must refuse `*.example.com`, which a client would accept for it).
fn dns_in_subtree(base: &str, name: &str, side: Side) -> Option<bool> {
    if !base.is_empty() && !dns_name_ok(base) {
        return None;
    }
    let wildcard_parent = name.strip_prefix("*.");
    let host = wildcard_parent.unwrap_or(name);
    if !dns_name_ok(host) {
        return None;
    }
    if base.is_empty() || domain_within(base, host) {
        return Some(true);
    }
    Some(match (wildcard_parent, side) {
        (Some(parent), Side::Excluded) => is_child(parent, base),
        _ => false,
    })
}

/// `name` is `parent` with exactly one label added to the left.
fn is_child(parent: &str, name: &str) -> bool {
    name.len() > parent.len() + 1
        && domain_within(parent, name)
        && name
            .get(..name.len() - parent.len() - 1)
            .is_some_and(|label| !label.contains('.'))
}

/// A name is a mailbox (RFC 5280 §4.2.1.6: rfc822Name is a `Mailbox`, RFC 5321 §4.1.2) as
/// far as constraints need: one `@`, a non-empty local part without `@`, and a host of
/// non-empty dot-separated labels. A quoted local part holding `@` is not accepted: it is
/// vanishingly rare and splitting it right is where constraint bypasses come from.
fn mailbox_parts(email: &str) -> Option<(&str, &str)> {
    let (local, host) = email.split_once('@')?;
    if local.is_empty() || host.is_empty() || host.contains('@') {
        return None;
    }
    if host.split('.').any(str::is_empty) {
        return None;
    }
    Some((local, host))
}

/// rfc822Name constraint: a full mailbox, a host (all mailboxes there), or `.domain`
/// (mailboxes on any host in the domain). A name that is not a mailbox is inside no
/// subtree (RFC 5280 §4.2.1.10: every name must be shown to lie in a permitted subtree;
/// `a@b@example.com` is not in `example.com`), and is refused by an excluded one.
fn email_within(base: &str, email: &str) -> bool {
    let Some((local, host)) = mailbox_parts(email) else {
        return false;
    };
    if base.contains('@') {
        // The local part is case-sensitive, the host is not.
        return match mailbox_parts(base) {
            Some((bl, bh)) => local == bl && eq_ci(bh, host),
            None => false,
        };
    }
    match base.strip_prefix('.') {
        Some(domain) => domain_within(domain, host) && !eq_ci(domain, host),
        None => eq_ci(base, host),
    }
}

/// The host of an absolute URI (`scheme://[userinfo@]host[:port]/...`); `None` when there
/// is no authority (RFC 5280: such a URI cannot satisfy a URI constraint).
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .map(|h| h.trim_start_matches('['))?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn host_within_uri_constraint(base: &str, host: &str) -> bool {
    match base.strip_prefix('.') {
        Some(domain) => domain_within(domain, host) && !eq_ci(domain, host),
        None => eq_ci(base, host),
    }
}

/// iPAddress constraint: address followed by mask, 8 bytes (IPv4) or 32 (IPv6).
fn ip_within(base: &[u8], ip: &[u8]) -> Option<bool> {
    let n = ip.len();
    if (n != 4 && n != 16) || base.len() != 2 * n {
        return if base.len() == 8 || base.len() == 32 {
            Some(false) // other address family: outside
        } else {
            None
        };
    }
    let (addr, mask) = base.split_at(n);
    Some(
        ip.iter()
            .zip(addr)
            .zip(mask)
            .all(|((i, a), m)| i & m == a & m),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_rules() {
        let p = |b, n| dns_in_subtree(b, n, Side::Permitted);
        let x = |b, n| dns_in_subtree(b, n, Side::Excluded);
        assert_eq!(p("imza.test", "imza.test"), Some(true));
        assert_eq!(p("imza.test", "a.b.IMZA.test"), Some(true));
        assert_eq!(p("imza.test", "notimza.test"), Some(false));
        assert_eq!(p("imza.test", "imza.test.evil"), Some(false));
        assert_eq!(p("", "anything.test"), Some(true));
        // RFC 5280 §4.2.1.10: no leading period and no wildcard in a dNSName constraint.
        // x509-limbo rfc5280::nc::invalid-dnsname-leading-period, invalid-dnsname-wildcard.
        assert_eq!(p(".imza.test", "a.imza.test"), None);
        assert_eq!(x(".imza.test", "imza.test"), None);
        assert_eq!(p("*.imza.test", "a.imza.test"), None);
        // A subjectAltName that is no DNS name is inside nothing (nc-permits-invalid-dns-san).
        assert_eq!(p("imza.test", ".imza.test"), None);
        assert_eq!(p("imza.test", "a..imza.test"), None);
        assert_eq!(p("imza.test", "ba*.imza.test"), None);
    }

    #[test]
    fn dns_wildcard_names_against_subtrees() {
        let p = |b, n| dns_in_subtree(b, n, Side::Permitted);
        let x = |b, n| dns_in_subtree(b, n, Side::Excluded);
        // webpki::nc::nc-permits-dns-san-pattern: every foo.com child is inside foo.com.
        assert_eq!(p("foo.com", "*.foo.com"), Some(true));
        // cve-2025-61727-nc-permits-variant: `*.example.com` also stands for names outside
        // `foo.example.com`.
        assert_eq!(p("foo.example.com", "*.example.com"), Some(false));
        // CVE-2025-61727 / rfc5280::nc::nc-forbids-dnsname-wildcard-san: the wildcard
        // stands for the excluded name.
        assert_eq!(x("bar.example.com", "*.example.com"), Some(true));
        assert_eq!(x("example.com", "*.example.com"), Some(true));
        assert_eq!(x("com", "*.example.com"), Some(true));
        // Deeper than one label: the wildcard cannot reach it.
        assert_eq!(x("a.bar.example.com", "*.example.com"), Some(false));
        assert_eq!(x("other.test", "*.example.com"), Some(false));
        assert!(is_child("example.com", "bar.example.com"));
        assert!(!is_child("example.com", "a.bar.example.com"));
        assert!(!is_child("example.com", "barexample.com"));
    }

    #[test]
    fn email_rules() {
        assert!(email_within("imza.test", "a@imza.test"));
        assert!(!email_within("imza.test", "a@x.imza.test"));
        assert!(email_within(".imza.test", "a@x.imza.test"));
        assert!(!email_within(".imza.test", "a@imza.test"));
        assert!(email_within("a@imza.test", "a@IMZA.test"));
        assert!(!email_within("a@imza.test", "A@imza.test"));
        assert!(!email_within("imza.test", "no-at-sign"));
        // x509-limbo rfc5280::nc::nc-permits-invalid-email-san: splitting at the last `@`
        // put this "inside" example.com.
        assert!(!email_within("example.com", "invalid@address@example.com"));
        assert!(!email_within(".example.com", "a@@x.example.com"));
        assert!(!email_within("example.com", "@example.com"));
        assert!(!email_within("example.com", "a@example..com"));
    }

    #[test]
    fn uri_and_ip_rules() {
        assert_eq!(
            uri_host("https://user@Host.imza.test:8443/p?q"),
            Some("Host.imza.test")
        );
        assert_eq!(uri_host("urn:isbn:123"), None);
        assert_eq!(uri_host("http://[::1]:80/"), Some("::1"));
        assert!(host_within_uri_constraint(".imza.test", "host.imza.test"));
        assert!(!host_within_uri_constraint("imza.test", "host.imza.test"));
        let base = [10, 0, 0, 0, 255, 0, 0, 0];
        assert_eq!(ip_within(&base, &[10, 1, 2, 3]), Some(true));
        assert_eq!(ip_within(&base, &[11, 1, 2, 3]), Some(false));
        assert_eq!(ip_within(&base, &[0u8; 16]), Some(false));
        assert_eq!(ip_within(&[1, 2, 3], &[10, 1, 2, 3]), None);
    }
}
