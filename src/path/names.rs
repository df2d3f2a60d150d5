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
use der::Encode;
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
            t.minimum != 0 || t.maximum.is_some() || matches(&t.base, &name) != Some(false)
        }) {
            return Err(name.describe());
        }
        let mut same_form = permitted.iter().filter(usable).peekable();
        if same_form.peek().is_some()
            && !same_form.any(|t| {
                t.minimum == 0 && t.maximum.is_none() && matches(&t.base, &name) == Some(true)
            })
        {
            return Err(name.describe());
        }
    }
    Ok(())
}

/// Whether `name` is inside the subtree `base`; `None` when the base cannot be evaluated
/// (a malformed constraint), which callers treat as a violation.
fn matches(base: &GeneralName, name: &NameRef<'_>) -> Option<bool> {
    match (base, name) {
        (GeneralName::DirectoryName(b), NameRef::Dir(n)) => Some(dn_within(b, n)),
        (GeneralName::Rfc822Name(b), NameRef::Email(e)) => Some(email_within(b.as_str(), e)),
        (GeneralName::DnsName(b), NameRef::Dns(d)) => Some(dns_within(b.as_str(), d)),
        (GeneralName::UniformResourceIdentifier(b), NameRef::Uri(u)) => {
            uri_host(u).map(|h| host_within_uri_constraint(b.as_str(), h))
        }
        (GeneralName::IpAddress(b), NameRef::Ip(ip)) => ip_within(b.as_bytes(), ip),
        _ => None,
    }
}

/// `name` has `base`'s RDNs as a prefix.
fn dn_within(base: &Name, name: &Name) -> bool {
    base.0.len() <= name.0.len()
        && base
            .0
            .iter()
            .zip(name.0.iter())
            .all(|(b, n)| b.to_der().ok() == n.to_der().ok())
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

/// dNSName constraint: zero or more labels added to the left. A leading dot is tolerated
/// as "subdomains only" (common in practice).
fn dns_within(base: &str, name: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    match base.strip_prefix('.') {
        Some(domain) => {
            name.len() > domain.len() && domain_within(domain, name) && !eq_ci(domain, name)
        }
        None => domain_within(base, name),
    }
}

/// rfc822Name constraint: a full mailbox, a host (all mailboxes there), or `.domain`
/// (mailboxes on any host in the domain).
fn email_within(base: &str, email: &str) -> bool {
    let Some((_, host)) = email.rsplit_once('@') else {
        return false;
    };
    if base.contains('@') {
        // The local part is case-sensitive, the host is not.
        return match base.rsplit_once('@') {
            Some((bl, bh)) => {
                email.rsplit_once('@').is_some_and(|(l, _)| l == bl) && eq_ci(bh, host)
            }
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
        assert!(dns_within("imza.test", "imza.test"));
        assert!(dns_within("imza.test", "a.b.IMZA.test"));
        assert!(!dns_within("imza.test", "notimza.test"));
        assert!(!dns_within("imza.test", "imza.test.evil"));
        assert!(dns_within(".imza.test", "a.imza.test"));
        assert!(!dns_within(".imza.test", "imza.test"));
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
