//! Validating the signatures of a container with the same validators as loose files:
//! XAdES signature documents resolve their file references to the container's entries,
//! CAdES signatures sign an ASiCManifest (ASiC-E) or the one data object (ASiC-S), a
//! time-stamp token covers the one data object (ASiC-S), and a UYAP `.udf`'s `sign.sgn` is
//! a detached CAdES over `content.xml`.
//!
//! Every entry is hashed as a stream ([`Container::stream`]), once per digest algorithm,
//! and a digest only counts when the entry's size and CRC-32 held to its end. What the
//! container holds beyond what the signatures cover is reported on each signature, so an
//! unsigned file slipped into a signed container does not pass unnoticed.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Container, Kind, Role};
use crate::cades::{self, VerifyOptions};
use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::engine::fail;
use crate::error::{ContainerError, Error};
use crate::report::{Format, Indication, Report, SignatureReport, SignatureScope, SubIndication};

/// Validates every signature in `container`.
pub fn verify(container: &Container<'_>, opts: &VerifyOptions<'_>) -> Result<Report, Error> {
    let mut digests = Digests::default();
    let mut signatures: Vec<SignatureReport> = Vec::new();
    match container.kind() {
        Kind::Udf => {
            let sig = container.read_small("sign.sgn")?;
            signatures.extend(cades_over_entry(container, &sig, "content.xml", opts)?);
        }
        Kind::AsicS | Kind::AsicE => {
            let mut names: Vec<&str> = container
                .signature_entries()
                .filter(|e| {
                    matches!(
                        e.role,
                        Role::XadesSignatures | Role::CadesSignature | Role::Timestamp
                    )
                })
                .map(|e| e.name.as_str())
                .collect();
            names.sort_unstable();
            for name in names {
                let role = container.entry(name).map(|e| e.role);
                let found = match role {
                    Some(Role::XadesSignatures) => xades(container, name, &mut digests, opts)?,
                    Some(Role::CadesSignature) => cades_entry(container, name, &mut digests, opts)?,
                    Some(Role::Timestamp) if container.kind() == Kind::AsicS => {
                        let token = container.read_small(name)?;
                        let data = only_data_object(container)?;
                        cades_over_entry(container, &token, &data, opts)?
                    }
                    // Archive time-stamps of ASiC-E with CAdES: not validated yet.
                    _ => continue,
                };
                signatures.extend(found);
            }
        }
        Kind::Zip => {
            return Err(Error::UnsupportedFormat {
                format: "ZIP container without ASiC or UDF signatures",
            })
        }
    }
    if signatures.is_empty() {
        return Err(Error::UnsupportedFormat {
            format: "ASiC container without a signature",
        });
    }
    container_findings(container, &mut signatures)?;
    for (i, s) in signatures.iter_mut().enumerate() {
        s.id = alloc::format!("S-{}", i + 1);
    }
    Ok(Report::new(opts.time, signatures))
}

/// Each entry's digest per algorithm, computed once.
#[derive(Default)]
struct Digests(BTreeMap<(String, u8), DigestValue>);

impl Digests {
    fn get(
        &mut self,
        container: &Container<'_>,
        name: &str,
        alg: HashAlgorithm,
    ) -> Result<Option<DigestValue>, Error> {
        let key = (String::from(name), alg as u8);
        if let Some(d) = self.0.get(&key) {
            return Ok(Some(*d));
        }
        if container
            .entry(name)
            .is_none_or(|e| e.role != Role::DataObject)
        {
            return Ok(None);
        }
        let mut h = Hasher::new(alg);
        container.stream(name, &mut |chunk: &[u8]| -> Result<(), Error> {
            h.update(chunk);
            Ok(())
        })?;
        let d = h.finish();
        self.0.insert(key, d);
        Ok(Some(d))
    }
}

/// A URI reference as an entry name: percent-decoded (RFC 3986), a leading `./` dropped.
fn entry_name(uri: &str) -> Option<String> {
    let uri = uri.strip_prefix("./").unwrap_or(uri);
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let s = core::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn xades(
    container: &Container<'_>,
    name: &str,
    digests: &mut Digests,
    opts: &VerifyOptions<'_>,
) -> Result<Vec<SignatureReport>, Error> {
    let xml = container.read_small(name)?;
    let mut external = |uri: &str, alg: HashAlgorithm| match entry_name(uri) {
        Some(n) => digests.get(container, &n, alg),
        None => Ok(None),
    };
    match crate::xades::verify(&xml, &mut external, opts) {
        Ok(mut r) => {
            // The report names the file, not its URI (`a%20b.txt` is the file `a b.txt`).
            for s in &mut r.signatures {
                for sc in &mut s.scope {
                    if let Some(n) = entry_name(&sc.name).filter(|n| container.entry(n).is_some()) {
                        *sc = scope(container, &n);
                    }
                }
            }
            Ok(r.signatures)
        }
        // A signature entry that holds no signature: say so on the container's report.
        Err(e) => Ok(alloc::vec![broken(name, &e, Format::XAdES, opts)]),
    }
}

/// A CAdES signature in ASiC-E signs the ASiCManifest that names it; in ASiC-S, the one
/// data object.
fn cades_entry(
    container: &Container<'_>,
    name: &str,
    digests: &mut Digests,
    opts: &VerifyOptions<'_>,
) -> Result<Vec<SignatureReport>, Error> {
    let sig = container.read_small(name)?;
    if container.kind() == Kind::AsicS {
        let data = only_data_object(container)?;
        return cades_over_entry(container, &sig, &data, opts);
    }
    // The manifest whose SigReference names this signature.
    let mut manifest = None;
    for m in container.entries_with(Role::AsicManifest) {
        match container.asic_manifest(&m.name) {
            Ok(parsed) if entry_name(&parsed.sig_reference.uri).as_deref() == Some(name) => {
                manifest = Some((m.name.clone(), parsed));
                break;
            }
            Ok(_) => {}
            Err(e) => {
                // A manifest that cannot be read may be this signature's: nothing it
                // covers can be trusted.
                let mut r = broken(name, &Error::from(e), Format::CAdES, opts);
                r.errors.push(alloc::format!("{} cannot be read", m.name));
                return Ok(alloc::vec![r]);
            }
        }
    }
    let Some((manifest_name, manifest)) = manifest else {
        let mut r = SignatureReport::new(Format::CAdES, opts.time);
        fail(
            &mut r,
            Indication::INDETERMINATE,
            SubIndication::SIGNED_DATA_NOT_FOUND,
            alloc::format!("no ASiCManifest names {name}"),
        );
        return Ok(alloc::vec![r]);
    };
    let manifest_bytes = container.read_small(&manifest_name)?;
    let mut report = cades::verify(&sig, cades::Content::Detached(&manifest_bytes), opts)?;
    for s in &mut report.signatures {
        s.scope.clear();
        let mut not_found = Vec::new();
        let mut differ = Vec::new();
        for r in &manifest.references {
            let Some(entry) = entry_name(&r.uri) else {
                not_found.push(r.uri.clone());
                continue;
            };
            let Some(alg) = r.hash else {
                not_found.push(alloc::format!("{} ({})", r.uri, r.digest_method));
                continue;
            };
            match digests.get(container, &entry, alg) {
                Ok(Some(d)) if d.as_ref() == r.digest_value.as_slice() => {
                    s.scope.push(scope(container, &entry));
                }
                Ok(Some(_)) => differ.push(entry),
                Ok(None) => not_found.push(entry),
                Err(e) => differ.push(alloc::format!("{entry} ({e})")),
            }
        }
        if s.indication == Indication::TOTAL_FAILED {
            continue;
        }
        if !differ.is_empty() {
            s.intact = false;
            let msg = alloc::format!(
                "the digest of {} differs from {manifest_name}",
                differ.join(", ")
            );
            fail(
                s,
                Indication::TOTAL_FAILED,
                SubIndication::HASH_FAILURE,
                msg,
            );
        } else if !not_found.is_empty() || manifest.references.is_empty() {
            let msg = alloc::format!(
                "{manifest_name} names what the container does not hold: {}",
                not_found.join(", ")
            );
            fail(
                s,
                Indication::INDETERMINATE,
                SubIndication::SIGNED_DATA_NOT_FOUND,
                msg,
            );
        }
    }
    Ok(report.signatures)
}

/// A detached CMS signature or time-stamp token over one entry, streamed.
fn cades_over_entry(
    container: &Container<'_>,
    sig: &[u8],
    data: &str,
    opts: &VerifyOptions<'_>,
) -> Result<Vec<SignatureReport>, Error> {
    let mut streamed = match cades::Streamed::new(sig) {
        Ok(s) => s,
        Err(e) => return Ok(alloc::vec![broken(data, &e, Format::CAdES, opts)]),
    };
    if !streamed.needs_content() {
        let mut r = streamed.verify(opts)?;
        for s in &mut r.signatures {
            s.warnings.push(alloc::format!(
                "the signature carries its own content instead of signing {data}"
            ));
            fail(
                s,
                Indication::TOTAL_FAILED,
                SubIndication::FORMAT_FAILURE,
                alloc::format!("a container signature must be detached over {data}"),
            );
        }
        return Ok(r.signatures);
    }
    if container.entry(data).is_none() {
        return Ok(streamed.verify(opts)?.signatures);
    }
    streamed.update(&[])?;
    container.stream(data, &mut |chunk: &[u8]| streamed.update(chunk))?;
    let mut r = streamed.verify(opts)?;
    for s in &mut r.signatures {
        for sc in &mut s.scope {
            sc.name = String::from(data);
        }
        if s.scope.is_empty() {
            s.scope.push(scope(container, data));
        }
    }
    Ok(r.signatures)
}

fn scope(container: &Container<'_>, name: &str) -> SignatureScope {
    SignatureScope {
        name: String::from(name),
        content_type: None,
        length: container.entry(name).map(|e| e.size),
    }
}

fn only_data_object(container: &Container<'_>) -> Result<String, Error> {
    let mut data = container.data_objects();
    match (data.next(), data.next()) {
        (Some(one), None) => Ok(one.name.clone()),
        _ => Err(ContainerError::Malformed {
            name: None,
            detail: "an ASiC-S container holds exactly one data object".into(),
        }
        .into()),
    }
}

/// A signature entry that cannot be processed, as a failed signature.
fn broken(name: &str, e: &Error, format: Format, opts: &VerifyOptions<'_>) -> SignatureReport {
    let mut r = SignatureReport::new(format, opts.time);
    fail(
        &mut r,
        Indication::TOTAL_FAILED,
        SubIndication::FORMAT_FAILURE,
        alloc::format!("{name}: {e}"),
    );
    r
}

/// What the container says beyond the signatures: its own deviations, files no signature
/// covers, and (ASiC-E with XAdES) signed files its manifest does not list.
fn container_findings(
    container: &Container<'_>,
    signatures: &mut [SignatureReport],
) -> Result<(), Error> {
    let mut notes: Vec<String> = container
        .warnings()
        .iter()
        .map(|w| alloc::format!("container: {w}"))
        .collect();
    let covered: Vec<&str> = signatures
        .iter()
        .flat_map(|s| s.scope.iter().map(|sc| sc.name.as_str()))
        .collect();
    let mut unsigned = Vec::new();
    for e in container.data_objects() {
        let uri = crate::xades::sign::uri_of(&e.name);
        if !covered.iter().any(|c| *c == e.name || *c == uri) {
            unsigned.push(e.name.clone());
        }
    }
    if !unsigned.is_empty() {
        notes.push(alloc::format!(
            "the container holds files no signature covers: {}",
            unsigned.join(", ")
        ));
    }
    if container.kind() == Kind::AsicE {
        if let Ok(Some(m)) = container.odf_manifest() {
            let missing: Vec<&str> = covered
                .iter()
                .filter_map(|c| {
                    let name = entry_name(c)?;
                    (container.entry(&name).is_some()
                        && !m.entries.iter().any(|f| f.full_path == name))
                    .then_some(*c)
                })
                .collect();
            if !missing.is_empty() {
                notes.push(alloc::format!(
                    "META-INF/manifest.xml does not list the signed files {}",
                    missing.join(", ")
                ));
            }
        }
    }
    for s in signatures.iter_mut() {
        s.warnings.extend(notes.iter().cloned());
        // A signature that covers none of the container's files signs nothing in it.
        let in_container = s
            .scope
            .iter()
            .any(|sc| entry_name(&sc.name).is_some_and(|n| container.entry(&n).is_some()));
        if s.indication != Indication::TOTAL_FAILED && !in_container && s.intact {
            fail(
                s,
                Indication::TOTAL_FAILED,
                SubIndication::FORMAT_FAILURE,
                "the signature covers no file of the container".into(),
            );
        }
    }
    Ok(())
}
