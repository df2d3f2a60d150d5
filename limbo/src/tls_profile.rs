//! The TLS server-certificate profile the harness applies to limbo's SERVER cases.
//!
//! A TLS client built on imza would check, beyond RFC 5280 path validation, that the
//! certificates follow the CA/Browser Forum Baseline Requirements (BR) profile for TLS
//! server certificates. That profile is TLS business: imza's core validates signing, login,
//! time-stamping and OCSP certificates, many issued long ago under other profiles (eIDAS,
//! national eID schemes), and must not refuse them for breaking a TLS-only rule. So the
//! rules live here, as pyca/cryptography keeps its "Web PKI" extension policies apart from
//! its path builder. Each rule cites the BR section (BR 2.0) and, where the BR restates it,
//! RFC 5280.
//!
//! Roles: the leaf is the subscriber certificate (BR 7.1.2.7), the certificates between it
//! and the anchor are subordinate CAs (BR 7.1.2.6 / 7.1.2.10), the anchor is the root CA
//! (BR 7.1.2.1).

use const_oid::db::{rfc5280 as o, rfc5912};
use const_oid::ObjectIdentifier;
use der::Decode;
use imza::crypto::{Curve, KeyKind, PublicKey};
use imza::path::{ParsedCert, ValidPath};
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::Version;

fn subject(c: &ParsedCert) -> String {
    c.cert.tbs_certificate.subject.to_string()
}

fn ext(c: &ParsedCert, oid: ObjectIdentifier) -> Option<&Extension> {
    c.cert
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .find(|e| e.extn_id == oid)
}

/// Checks the validated path against the BR profile.
pub fn check_server(path: &ValidPath) -> Result<(), String> {
    let leaf = path.certs.first().ok_or_else(|| "empty path".to_string())?;
    let leaf_is_anchor = path.certs.len() == 1 && leaf.der == path.anchor.cert.der;
    subscriber(leaf).map_err(|e| format!("TLS profile, leaf [{}]: {e}", subject(leaf)))?;
    if leaf_is_anchor {
        // A directly trusted leaf: there is no CA certificate to check.
        return Ok(());
    }
    for ca in path.certs.iter().skip(1) {
        ca_common(ca, Role::Issued)
            .map_err(|e| format!("TLS profile, CA [{}]: {e}", subject(ca)))?;
    }
    let anchor = &path.anchor.cert;
    let checked = if anchor.is_self_issued() {
        root_ca(anchor)
    } else {
        // A trusted intermediate or cross-signed root: the subordinate CA rules.
        ca_common(anchor, Role::Anchor)
    };
    checked.map_err(|e| format!("TLS profile, anchor [{}]: {e}", subject(anchor)))
}

/// Where a certificate sits. A trust anchor is trusted as given (RFC 5280 §6.1.1 (d): its
/// name and key are inputs, not checked), so the rules about how it was issued (its serial
/// number, an authorityKeyIdentifier pointing at its issuer) are not applied to it: real
/// roots in every store break them (Starfield Root G2 has serial number 0), and a
/// cross-signed root without an authorityKeyIdentifier is accepted (limbo
/// `cve::cve-2024-0567`). Its extensions are still checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Issued,
    Anchor,
}

/// Rules every certificate in the path follows.
fn common(c: &ParsedCert, role: Role) -> Result<(), String> {
    // BR 7.1.1: X.509 v3.
    if c.cert.tbs_certificate.version != Version::V3 {
        return Err("not an X.509 v3 certificate (BR 7.1.1)".into());
    }
    // RFC 5280 §4.1.2.2 (restated in BR 7.1.2.7, 7.1.2.10): a positive serial number of at
    // most 20 octets. `der` already refuses a non-minimal encoding.
    if role == Role::Issued {
        let serial = c.serial();
        if serial.len() > 20 {
            return Err(format!(
                "serial number of {} octets (RFC 5280 §4.1.2.2: at most 20)",
                serial.len()
            ));
        }
        if serial.first().is_some_and(|b| b & 0x80 != 0) || serial.iter().all(|b| *b == 0) {
            return Err("serial number is not positive (RFC 5280 §4.1.2.2)".into());
        }
    }
    key(c)?;
    // BR 7.1.2.x: authorityKeyIdentifier, subjectKeyIdentifier and authorityInformationAccess
    // are never critical (RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.2.1 say the same).
    for (oid, name) in [
        (o::ID_CE_AUTHORITY_KEY_IDENTIFIER, "authorityKeyIdentifier"),
        (o::ID_CE_SUBJECT_KEY_IDENTIFIER, "subjectKeyIdentifier"),
        (o::ID_PE_AUTHORITY_INFO_ACCESS, "authorityInfoAccess"),
    ] {
        if ext(c, oid).is_some_and(|e| e.critical) {
            return Err(format!("{name} is critical"));
        }
    }
    // BR 7.1.2.7.7 / 7.1.2.10.3: authorityInformationAccess holds one or more
    // AccessDescriptions.
    if let Some(e) = ext(c, o::ID_PE_AUTHORITY_INFO_ACCESS) {
        let aia = AuthorityInfoAccessSyntax::from_der(e.extn_value.as_bytes())
            .map_err(|e| format!("malformed authorityInfoAccess: {e}"))?;
        if aia.0.is_empty() {
            return Err("authorityInfoAccess without an AccessDescription".into());
        }
    }
    // BR 7.1.2.x: every certificate but a self-signed root carries an
    // authorityKeyIdentifier with a keyIdentifier (RFC 5280 §4.2.1.1).
    if !c.is_self_issued() && role == Role::Issued {
        match aki(c)? {
            Some(a) if a.key_identifier.is_some() => {}
            Some(_) => return Err("authorityKeyIdentifier without keyIdentifier".into()),
            None => return Err("no authorityKeyIdentifier (RFC 5280 §4.2.1.1)".into()),
        }
    }
    Ok(())
}

fn aki(c: &ParsedCert) -> Result<Option<AuthorityKeyIdentifier>, String> {
    ext(c, o::ID_CE_AUTHORITY_KEY_IDENTIFIER)
        .map(|e| {
            AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes())
                .map_err(|e| format!("malformed authorityKeyIdentifier: {e}"))
        })
        .transpose()
}

fn ski(c: &ParsedCert) -> Result<Option<SubjectKeyIdentifier>, String> {
    ext(c, o::ID_CE_SUBJECT_KEY_IDENTIFIER)
        .map(|e| {
            SubjectKeyIdentifier::from_der(e.extn_value.as_bytes())
                .map_err(|e| format!("malformed subjectKeyIdentifier: {e}"))
        })
        .transpose()
}

/// BR 6.1.5 / 7.1.3.1: RSA with a modulus of at least 2048 bits, a multiple of 8; or ECDSA
/// on P-256, P-384 or P-521 as a named curve.
fn key(c: &ParsedCert) -> Result<(), String> {
    let k = PublicKey::from_spki_der(&c.spki).map_err(|e| format!("public key: {e}"))?;
    match k.kind() {
        KeyKind::Rsa { bits } if bits >= 2048 && bits % 8 == 0 => Ok(()),
        KeyKind::Ec(Curve::P256 | Curve::P384 | Curve::P521) => Ok(()),
        other => Err(format!(
            "{} key is not allowed (BR 6.1.5: RSA >= 2048 bits and a multiple of 8, or \
             P-256/P-384/P-521)",
            other.describe()
        )),
    }
}

/// BR 7.1.2.7: the subscriber (leaf) certificate.
fn subscriber(c: &ParsedCert) -> Result<(), String> {
    common(c, Role::Issued)?;
    // BR 7.1.2.7.8: basicConstraints cA, when present, is FALSE.
    if c.is_ca() {
        return Err(
            "a CA certificate (basicConstraints cA) used as the leaf (BR 7.1.2.7.8)".into(),
        );
    }
    // BR 7.1.2.7.11: keyCertSign and cRLSign are not asserted.
    if let Some(ku) = &c.key_usage {
        if ku.0.contains(KeyUsages::KeyCertSign) || ku.0.contains(KeyUsages::CRLSign) {
            return Err("keyUsage asserts keyCertSign or cRLSign (BR 7.1.2.7.11)".into());
        }
    }
    // BR 7.1.2.7.10: extKeyUsage present, non-critical (BR 7.1.2.7.6), serverAuth, never
    // anyExtendedKeyUsage.
    match &c.ext_key_usage {
        None => return Err("no extKeyUsage (BR 7.1.2.7.6)".into()),
        Some((_, true)) => return Err("extKeyUsage is critical (BR 7.1.2.7.6)".into()),
        Some((ekus, false)) => {
            if ekus.contains(&rfc5912::ANY_EXTENDED_KEY_USAGE) {
                return Err("extKeyUsage has anyExtendedKeyUsage (BR 7.1.2.7.10)".into());
            }
            if !ekus.contains(&o::ID_KP_SERVER_AUTH) {
                return Err("extKeyUsage lacks serverAuth (BR 7.1.2.7.10)".into());
            }
        }
    }
    // BR 7.1.2.7.12: subjectAltName present; critical exactly when the subject is empty.
    let san = ext(c, o::ID_CE_SUBJECT_ALT_NAME)
        .ok_or_else(|| "no subjectAltName (BR 7.1.2.7.12)".to_string())?;
    let empty_subject = c.cert.tbs_certificate.subject.0.is_empty();
    if san.critical != empty_subject {
        return Err(if empty_subject {
            "subject is empty and subjectAltName is not critical (RFC 5280 §4.1.2.6)".into()
        } else {
            "subjectAltName is critical with a non-empty subject (BR 7.1.2.7.12)".into()
        });
    }
    // BR 7.1.4.3 (the subject CN copies a SAN entry) is not checked: the CN is not a name
    // (RFC 6125 §6.4.4, RFC 9525 §6.3), the host name is matched on the SAN only, and
    // BetterTLS expects leaves with `CN=EE` or a CN outside the SAN to be accepted, as
    // rustls-webpki does. limbo's `webpki::cn::*` lint cases are exceptions.
    Ok(())
}

/// Rules for CA certificates, subordinate (BR 7.1.2.10, 7.1.2.3 - 7.1.2.6) and root
/// (BR 7.1.2.1.2): a critical basicConstraints with cA, and a subjectKeyIdentifier.
fn ca_common(c: &ParsedCert, role: Role) -> Result<(), String> {
    common(c, role)?;
    match ext(c, o::ID_CE_BASIC_CONSTRAINTS) {
        Some(e) if e.critical && c.is_ca() => {}
        Some(_) if c.is_ca() => return Err("basicConstraints is not critical".into()),
        _ => return Err("basicConstraints cA is not asserted".into()),
    }
    if ski(c)?.is_none() {
        return Err("no subjectKeyIdentifier (RFC 5280 §4.2.1.2)".into());
    }
    Ok(())
}

/// BR 7.1.2.1: the root CA certificate.
fn root_ca(c: &ParsedCert) -> Result<(), String> {
    ca_common(c, Role::Anchor)?;
    // BR 7.1.2.1.2: no extKeyUsage on a root.
    if c.ext_key_usage.is_some() {
        return Err("a root CA with extKeyUsage (BR 7.1.2.1.2)".into());
    }
    // BR 7.1.2.1.3: a root's authorityKeyIdentifier, when present, has only a
    // keyIdentifier, equal to its subjectKeyIdentifier.
    if let Some(a) = aki(c)? {
        if a.authority_cert_issuer.is_some() || a.authority_cert_serial_number.is_some() {
            return Err("authorityKeyIdentifier has authorityCertIssuer or \
                        authorityCertSerialNumber (BR 7.1.2.1.3)"
                .into());
        }
        let ski = ski(c)?;
        match (&a.key_identifier, &ski) {
            (Some(k), Some(s)) if k.as_bytes() == s.0.as_bytes() => {}
            (None, _) => {
                return Err("authorityKeyIdentifier without keyIdentifier (BR 7.1.2.1.3)".into())
            }
            _ => {
                return Err("authorityKeyIdentifier differs from subjectKeyIdentifier \
                            (BR 7.1.2.1.3)"
                    .into())
            }
        }
    }
    Ok(())
}

/// BR 7.2.2 (restating RFC 5280 §5.2.1 and §5.2.3): a CRL carries a non-critical
/// authorityKeyIdentifier and a non-critical cRLNumber. imza's `crl` module reads CRLs
/// without requiring either (it only refuses unknown critical extensions), so a TLS
/// client built on it checks this profile, like the certificate profile, itself.
pub fn check_crl(der: &[u8]) -> Result<(), String> {
    let list = CertificateList::from_der(der).map_err(|e| format!("CRL: {e}"))?;
    let exts = list.tbs_cert_list.crl_extensions.as_deref().unwrap_or(&[]);
    for (oid, name) in [
        (o::ID_CE_CRL_NUMBER, "cRLNumber"),
        (o::ID_CE_AUTHORITY_KEY_IDENTIFIER, "authorityKeyIdentifier"),
    ] {
        match exts.iter().find(|e| e.extn_id == oid) {
            None => return Err(format!("TLS profile: CRL without {name} (BR 7.2.2)")),
            Some(e) if e.critical => {
                return Err(format!(
                    "TLS profile: CRL with a critical {name} (BR 7.2.2)"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
