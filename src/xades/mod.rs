//! XAdES (ETSI EN 319 132-1) validation over XMLDSig, judged by the shared engine.
//!
//! For each `ds:Signature` of a document: the XMLDSig core ([`crate::xmldsig`]) resolves
//! and digests the references and checks the value; this module finds the qualifying
//! properties the signature really signs (only a SignedProperties element that a
//! reference covers counts, so unsigned look-alikes claim nothing), identifies the signing
//! certificate by SigningCertificateV2 (or v1), reads the claimed signing time and the
//! policy, validates SignatureTimeStamps over the canonical SignatureValue, takes the
//! CertificateValues and RevocationValues into the engine's pool, and lets the engine judge
//! the chain in time, exactly as for CAdES.
//!
//! The report's scope lists what each data reference covered: the whole document, one
//! element of it (a partial document: what a signature-wrapping attack leaves signed), or
//! a file outside it.

mod detached;
pub mod sign;

pub use detached::Streamed;

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{self, DigestValue, HashAlgorithm, PublicKey};
use crate::engine::timestamp::{validate_token, Fault};
use crate::engine::{fail, Engine, COMPUTE};
use crate::error::{Error, XmlError};
use crate::path::{ParsedCert, Purpose};
use crate::report::{
    CertRef, Format, Indication, LegacyLevel, Level, Report, SignatureReport, SignatureScope,
    SignerRef, SubIndication, TimestampKind, TimestampReport,
};
use crate::time::UnixTime;
use crate::xml::c14n::{self, Method};
use crate::xml::{self, Document, Limits, Node};
use crate::xmldsig::{self, algorithms, External, Signature, Target};
use crate::VerifyOptions;

/// The XAdES 1.3.2 namespace.
pub const NS: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// The XAdES 1.4.1 namespace (ArchiveTimeStamp, SignatureTimeStampV2 ...).
pub const NS141: &str = "http://uri.etsi.org/01903/v1.4.1#";
/// The Type of the reference that signs SignedProperties.
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";
const MANIFEST_TYPE: &str = "http://www.w3.org/2000/09/xmldsig#Manifest";

/// Most signatures validated in one document.
pub const MAX_SIGNATURES: usize = 64;

/// Validates every XML signature in `input`. `external` digests the files that references
/// name outside the document (the detached content, or a container's files).
pub fn verify(
    input: &[u8],
    external: &mut External<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    let doc = xml::parse(input, &Limits::default())?;
    let nodes = xmldsig::signatures(&doc);
    if nodes.is_empty() {
        return Err(not_a_signature());
    }
    if nodes.len() > MAX_SIGNATURES {
        return Err(XmlError::Limit {
            what: "signatures in one document",
            limit: MAX_SIGNATURES,
        }
        .into());
    }
    let signatures = nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| validate(&doc, n, alloc::format!("S-{}", i + 1), external, opts))
        .collect();
    Ok(Report::new(opts.time, signatures))
}

/// An XML document without a signature is not a signature: the same answer as for any
/// other input that is none.
pub(crate) fn not_a_signature() -> Error {
    Error::UnsupportedFormat {
        format: "XML without a ds:Signature",
    }
}

fn el<'a>(n: Node<'a, 'a>, ns: &str, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| is(c, ns, name))
}

fn is(n: &Node<'_, '_>, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
}

fn xades<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    el(n, NS, name)
}

fn text<'a>(n: Node<'a, 'a>) -> &'a str {
    n.text().unwrap_or_default().trim()
}

/// The qualifying properties this signature signs.
struct Properties<'a> {
    signed: Option<Node<'a, 'a>>,
    unsigned: Option<Node<'a, 'a>>,
}

/// Finds QualifyingProperties for the signature in its Objects. SignedProperties count
/// only if a reference of this signature covers exactly that element.
fn properties<'a>(
    sig: &Signature<'a>,
    covered: &[Node<'a, 'a>],
    warnings: &mut Vec<String>,
) -> Properties<'a> {
    let mut out = Properties {
        signed: None,
        unsigned: None,
    };
    let qp = sig
        .objects
        .iter()
        .filter_map(|o| xades(*o, "QualifyingProperties"))
        .find(|qp| match (qp.attribute("Target"), sig.id) {
            (Some(t), Some(id)) => t.strip_prefix('#') == Some(id),
            // A signature without Id: its only QualifyingProperties.
            (_, None) => true,
            _ => false,
        });
    let Some(qp) = qp else {
        return out;
    };
    if let Some(sp) = xades(qp, "SignedProperties") {
        if covered.contains(&sp) {
            out.signed = Some(sp);
        } else {
            warnings.push(
                "the SignedProperties are not covered by a reference: they are ignored".into(),
            );
        }
    }
    out.unsigned =
        xades(qp, "UnsignedProperties").and_then(|u| xades(u, "UnsignedSignatureProperties"));
    out
}

fn validate<'a>(
    doc: &'a Document<'a>,
    node: Node<'a, 'a>,
    id: String,
    external: &mut External<'_>,
    opts: &VerifyOptions<'_>,
) -> SignatureReport {
    let mut rep = SignatureReport {
        id,
        format: Format::XAdES,
        level: Level::XmlDsig,
        legacy_level: None,
        indication: Indication::TOTAL_PASSED,
        sub_indication: None,
        intact: false,
        signer: None,
        claimed_signing_time: None,
        best_signature_time: opts.time,
        digest_algorithm: None,
        signature_algorithm: None,
        signature_policy: None,
        scope: Vec::new(),
        chain: Vec::new(),
        timestamps: Vec::new(),
        revocation: Vec::new(),
        counter_signatures: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        pdf: None,
    };
    let sig = match Signature::read(node) {
        Ok(s) => s,
        Err(e) => {
            let (ind, sub) = refusal(&e);
            fail(&mut rep, ind, sub, alloc::format!("{e}"));
            return rep;
        }
    };
    rep.signature_algorithm = Some(sig.algorithm.name());
    rep.digest_algorithm = sig.algorithm.hash();

    // References first: which elements are covered decides which properties count.
    let checked = match sig.check_references(doc, external) {
        Ok(c) => c,
        Err(e) => {
            let (ind, sub) = refusal(&e);
            fail(&mut rep, ind, sub, alloc::format!("{e}"));
            return rep;
        }
    };
    let covered: Vec<Node<'a, 'a>> = checked
        .iter()
        .filter_map(|c| match c.target {
            Target::Element(n) => Some(n),
            _ => None,
        })
        .collect();
    let props = properties(&sig, &covered, &mut rep.warnings);

    let mut engine = Engine::new(opts);
    for c in &sig.certificates {
        engine.add_certificate(c);
    }
    if let Some(u) = props.unsigned {
        add_values(&mut engine, u, &mut rep.warnings);
    }

    // The signing certificate: bound by SigningCertificate(V2) when signed, else the one
    // KeyInfo certificate whose key verifies the value.
    let signing_cert = props.signed.and_then(signing_certificate_property);
    let cert = match identify_signer(&sig, &engine, signing_cert.as_ref()) {
        Ok(c) => c,
        Err((ind, sub, msg)) => {
            rep.intact = ind != Indication::TOTAL_FAILED && all_intact(&checked);
            fail(&mut rep, ind, sub, msg);
            return rep;
        }
    };
    rep.signer = Some(SignerRef {
        subject: alloc::format!("{}", cert.cert.tbs_certificate.subject),
        issuer: alloc::format!("{}", cert.cert.tbs_certificate.issuer),
        serial: crate::util::hex(cert.serial()),
    });
    if let Some(sp) = props.signed {
        read_signed_properties(sp, &mut rep);
        if signing_cert.is_some() {
            rep.level = Level::XadesB;
            rep.legacy_level = Some(if rep.signature_policy.is_some() {
                LegacyLevel::XadesEpes
            } else {
                LegacyLevel::XadesBes
            });
        }
    }

    // What was signed.
    let mut data = 0;
    for c in &checked {
        let r = sig.references.get(c.index);
        let kind = r.and_then(|r| r.kind);
        let is_props = matches!(c.target, Target::Element(n) if Some(n) == props.signed);
        let in_key_info = matches!(c.target, Target::Element(n)
            if n.ancestors().any(|a| a.parent() == Some(sig.node) && is(&a, xmldsig::NS, "KeyInfo")));
        if is_props || in_key_info || kind == Some(SIGNED_PROPERTIES_TYPE) {
            continue;
        }
        if kind == Some(MANIFEST_TYPE) {
            rep.warnings.push(
                "a reference to a ds:Manifest: manifests are not processed, it covers no data"
                    .into(),
            );
            continue;
        }
        data += 1;
        rep.scope.push(scope(doc, &sig, c));
    }
    // EN 319 102-1 §5.2.7: the signed data must be found before digests and the value
    // are judged.
    if data == 0 {
        fail(
            &mut rep,
            Indication::INDETERMINATE,
            SubIndication::SIGNED_DATA_NOT_FOUND,
            "no reference covers a data object".into(),
        );
        return rep;
    }
    if !all_intact(&checked) {
        let which: Vec<String> = checked
            .iter()
            .filter(|c| !c.intact)
            .map(|c| describe(&c.target))
            .collect();
        fail(
            &mut rep,
            Indication::TOTAL_FAILED,
            SubIndication::HASH_FAILURE,
            alloc::format!("the digest of {} does not match", which.join(", ")),
        );
        return rep;
    }
    if let Err(e) = sig.verify_value(&cert.spki, &COMPUTE) {
        fail(
            &mut rep,
            Indication::TOTAL_FAILED,
            SubIndication::SIG_CRYPTO_FAILURE,
            alloc::format!("the signature value does not verify: {e}"),
        );
        return rep;
    }
    rep.intact = true;
    if props.signed.is_some() && signing_cert.is_none() {
        rep.warnings
            .push("no signed SigningCertificate(V2): not a XAdES baseline signature".into());
    }

    // Time-stamps: the best-signature-time.
    let poe = props
        .unsigned
        .and_then(|u| timestamps(&engine, &sig, u, &mut rep));
    if let Some(p) = poe.filter(|p| *p < cert.not_before) {
        let msg = alloc::format!(
            "the signature time-stamp {p} is before the signing certificate's notBefore {}",
            cert.not_before
        );
        fail(
            &mut rep,
            Indication::TOTAL_FAILED,
            SubIndication::NOT_YET_VALID,
            msg,
        );
        return rep;
    }

    match engine.judge_signer_chain(&cert, Purpose::DocumentSigning, poe, &mut rep.warnings) {
        Ok((path, evidence)) => {
            rep.chain = path.chain().map(CertRef::new).collect();
            rep.revocation = evidence;
        }
        Err(v) => {
            rep.revocation = v.evidence;
            fail(&mut rep, v.indication, v.sub_indication, v.message);
        }
    }
    if rep.indication == Indication::TOTAL_PASSED {
        judge_algorithms(&sig, &cert, opts, &mut rep);
    }
    rep
}

fn all_intact(checked: &[xmldsig::CheckedReference<'_>]) -> bool {
    checked.iter().all(|c| c.intact)
}

/// How an input that cannot be processed is reported: a missing target is
/// SIGNED_DATA_NOT_FOUND (as DSS), anything else about the structure FORMAT_FAILURE.
fn refusal(e: &Error) -> (Indication, SubIndication) {
    match e {
        Error::Xml(x) if matches!(**x, XmlError::NotFound(_)) => (
            Indication::INDETERMINATE,
            SubIndication::SIGNED_DATA_NOT_FOUND,
        ),
        Error::UnsupportedAlgorithm { .. } => (
            Indication::INDETERMINATE,
            SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
        ),
        _ => (Indication::TOTAL_FAILED, SubIndication::FORMAT_FAILURE),
    }
}

fn describe(t: &Target<'_>) -> String {
    match t {
        Target::Document => "the XML document".into(),
        Target::Element(n) => match n.attribute("Id").or_else(|| n.attribute("ID")) {
            Some(id) => alloc::format!("the element {} (Id {id})", xml::element_qname(*n)),
            None => alloc::format!("the element {}", xml::element_qname(*n)),
        },
        Target::External(u) => alloc::format!("the file {u}"),
    }
}

fn scope(
    doc: &Document<'_>,
    sig: &Signature<'_>,
    c: &xmldsig::CheckedReference<'_>,
) -> SignatureScope {
    let enveloped = sig
        .references
        .get(c.index)
        .is_some_and(|r| r.transforms.contains(&xmldsig::Transform::Enveloped));
    let name = match c.target {
        Target::Document if enveloped => "the whole XML document (without the signature)".into(),
        Target::Document => "the whole XML document".into(),
        Target::Element(n) if n == doc.tree().root_element() => {
            alloc::format!("the whole XML document ({})", describe(&c.target))
        }
        Target::Element(_) => alloc::format!("part of the XML document: {}", describe(&c.target)),
        Target::External(u) => u.into(),
    };
    SignatureScope {
        name,
        content_type: match c.target {
            Target::External(_) => None,
            _ => Some("XML".into()),
        },
        length: None,
    }
}

/// What SigningCertificate(V2) says: the digest algorithm and value of the signer's
/// certificate (the first Cert; the others are CA certificates).
struct CertDigest {
    hash: HashAlgorithm,
    value: Vec<u8>,
}

fn signing_certificate_property(sp: Node<'_, '_>) -> Option<CertDigest> {
    let ssp = xades(sp, "SignedSignatureProperties")?;
    let sc = xades(ssp, "SigningCertificateV2").or_else(|| xades(ssp, "SigningCertificate"))?;
    let cert = xades(sc, "Cert")?;
    let digest = xades(cert, "CertDigest")?;
    let method = el(digest, xmldsig::NS, "DigestMethod")?.attribute("Algorithm")?;
    let value = xmldsig::base64(el(digest, xmldsig::NS, "DigestValue")?).ok()?;
    Some(CertDigest {
        hash: algorithms::digest(method).ok()?,
        value,
    })
}

type Refusal = (Indication, SubIndication, String);

fn identify_signer(
    sig: &Signature<'_>,
    engine: &Engine<'_, '_>,
    bound: Option<&CertDigest>,
) -> Result<ParsedCert, Refusal> {
    if let Some(b) = bound {
        // The pool has KeyInfo's certificates, CertificateValues and the caller's.
        let found = engine
            .pool
            .iter()
            .find(|c| crypto::digest(b.hash, &c.der).as_ref() == b.value.as_slice());
        return found.cloned().ok_or_else(|| {
            (
                Indication::INDETERMINATE,
                SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
                "no certificate matches the signed SigningCertificate digest".into(),
            )
        });
    }
    // Unbound: among KeyInfo's certificates, those whose key verifies the value. Sorted,
    // so which one is reported does not depend on their order in KeyInfo.
    let mut verifying: Vec<ParsedCert> = engine
        .pool
        .iter()
        .filter(|c| sig.certificates.contains(&c.der))
        .filter(|c| sig.verify_value(&c.spki, &COMPUTE).is_ok())
        .cloned()
        .collect();
    verifying.sort_by(|a, b| a.der.cmp(&b.der));
    match verifying.into_iter().next() {
        Some(c) => Ok(c),
        None if sig.certificates.is_empty() => Err((
            Indication::INDETERMINATE,
            SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
            "no certificate in KeyInfo and no signed SigningCertificate".into(),
        )),
        None => Err((
            Indication::TOTAL_FAILED,
            SubIndication::SIG_CRYPTO_FAILURE,
            "the signature value does not verify with any KeyInfo certificate".into(),
        )),
    }
}

fn read_signed_properties(sp: Node<'_, '_>, rep: &mut SignatureReport) {
    let Some(ssp) = xades(sp, "SignedSignatureProperties") else {
        return;
    };
    if let Some(t) = xades(ssp, "SigningTime") {
        match UnixTime::parse_rfc3339(text(t)) {
            Ok(t) => rep.claimed_signing_time = Some(t),
            Err(_) => rep.warnings.push(alloc::format!(
                "SigningTime {:?} is not a date and time",
                text(t)
            )),
        }
    }
    if let Some(p) = xades(ssp, "SignaturePolicyIdentifier") {
        rep.signature_policy = Some(
            xades(p, "SignaturePolicyId")
                .and_then(|id| xades(id, "SigPolicyId"))
                .and_then(|id| xades(id, "Identifier"))
                .map(|i| String::from(text(i)))
                .unwrap_or_else(|| "implied".into()),
        );
    }
}

/// CertificateValues and RevocationValues into the engine's pool.
fn add_values(engine: &mut Engine<'_, '_>, usp: Node<'_, '_>, warnings: &mut Vec<String>) {
    let mut bad = 0;
    for cv in usp.children().filter(|c| is(c, NS, "CertificateValues")) {
        for c in cv
            .children()
            .filter(|c| is(c, NS, "EncapsulatedX509Certificate"))
        {
            match xmldsig::base64(c) {
                Ok(der) => engine.add_certificate(&der),
                Err(_) => bad += 1,
            }
        }
    }
    for rv in usp.children().filter(|c| is(c, NS, "RevocationValues")) {
        for list in rv.children().filter(Node::is_element) {
            for v in list.children().filter(Node::is_element) {
                let Ok(der) = xmldsig::base64(v) else {
                    bad += 1;
                    continue;
                };
                match v.tag_name().name() {
                    "EncapsulatedCRLValue" => engine.add_crl(&der),
                    // XAdES carries the whole OCSPResponse (EN 319 132-1 §5.4.2.2); some
                    // signers put the BasicOCSPResponse: told apart by the ENUMERATED
                    // responseStatus that only the former starts with.
                    "EncapsulatedOCSPValue" => engine.add_ocsp(if starts_with_enumerated(&der) {
                        der
                    } else {
                        crate::cms::attr::wrap_basic_ocsp(&der)
                    }),
                    _ => {}
                }
            }
        }
    }
    if bad > 0 {
        warnings.push(alloc::format!(
            "{bad} certificate or revocation values are not base64"
        ));
    }
}

/// Whether a DER SEQUENCE's first element is an ENUMERATED.
fn starts_with_enumerated(der: &[u8]) -> bool {
    let Some(&len) = der.get(1) else {
        return false;
    };
    let header = if len < 0x80 {
        2
    } else {
        2 + usize::from(len & 0x7f)
    };
    der.first() == Some(&0x30) && der.get(header) == Some(&0x0a)
}

/// Validates SignatureTimeStamps (and reports ArchiveTimeStamps); returns the earliest
/// genTime of a signature time-stamp that passed.
fn timestamps(
    engine: &Engine<'_, '_>,
    sig: &Signature<'_>,
    usp: Node<'_, '_>,
    rep: &mut SignatureReport,
) -> Option<UnixTime> {
    let mut poe: Option<UnixTime> = None;
    let mut has_values = (false, false);
    for p in usp.children().filter(Node::is_element) {
        let name = p.tag_name().name();
        let ns = p.tag_name().namespace();
        let kind = match (ns, name) {
            (Some(NS), "SignatureTimeStamp") => TimestampKind::Signature,
            (Some(NS141), "ArchiveTimeStamp") | (Some(NS), "ArchiveTimeStamp") => {
                TimestampKind::XadesArchive
            }
            (Some(NS), "CertificateValues") => {
                has_values.0 = true;
                continue;
            }
            (Some(NS), "RevocationValues") => {
                has_values.1 = true;
                continue;
            }
            _ => continue,
        };
        let method = el(p, xmldsig::NS, "CanonicalizationMethod")
            .and_then(|m| m.attribute("Algorithm"))
            .map_or(
                Some(Method::new(c14n::Algorithm::C14n10, false)),
                Method::from_uri,
            );
        for token in p.children().filter(|c| is(c, NS, "EncapsulatedTimeStamp")) {
            if rep.timestamps.len() >= crate::cades::MAX_TIMESTAMPS {
                rep.warnings.push(alloc::format!(
                    "only the first {} time-stamps are validated",
                    crate::cades::MAX_TIMESTAMPS
                ));
                break;
            }
            let r = match (xmldsig::base64(token), &method) {
                (Ok(der), Some(m)) => validate_token(
                    engine,
                    kind,
                    &der,
                    &mut |t, r| signature_value_imprint(sig, m, t, r),
                    &|_| engine.opts.time,
                ),
                (Err(e), _) => broken(kind, alloc::format!("{e}")),
                (_, None) => broken(kind, "an unknown canonicalization method".into()),
            };
            if kind == TimestampKind::Signature && r.indication == Indication::TOTAL_PASSED {
                if let Some(t) = r.gen_time {
                    poe = Some(poe.map_or(t, |p| p.min(t)));
                }
            }
            rep.timestamps.push(r);
        }
    }
    let has_ts = rep
        .timestamps
        .iter()
        .any(|t| t.kind == TimestampKind::Signature);
    let has_archive = rep
        .timestamps
        .iter()
        .any(|t| t.kind == TimestampKind::XadesArchive);
    if rep.level == Level::XadesB && has_ts {
        rep.level = match (has_values, has_archive) {
            (_, true) => Level::XadesLta,
            ((true, true), false) => Level::XadesLt,
            _ => Level::XadesT,
        };
        rep.legacy_level = Some(match (has_values, has_archive) {
            (_, true) => LegacyLevel::XadesA,
            ((true, true), false) => LegacyLevel::XadesXl,
            _ => LegacyLevel::XadesT,
        });
    }
    if has_ts && poe.is_none() && rep.level != Level::XmlDsig {
        // A SignatureTimeStamp is there, but none proves anything.
        rep.level = Level::XadesB;
    }
    for t in &rep.timestamps {
        if !t.checked {
            rep.warnings.push(alloc::format!(
                "a {} time-stamp was not checked; it proves nothing",
                t.kind.name()
            ));
        } else if t.indication != Indication::TOTAL_PASSED {
            rep.warnings.push(alloc::format!(
                "a {} time-stamp did not pass ({}); it proves nothing",
                t.kind.name(),
                t.errors.first().map(String::as_str).unwrap_or("")
            ));
        }
    }
    if let Some(p) = poe {
        rep.best_signature_time = p;
    }
    poe
}

fn broken(kind: TimestampKind, msg: String) -> TimestampReport {
    TimestampReport {
        kind,
        gen_time: None,
        tsa: None,
        digest_algorithm: None,
        imprint_intact: None,
        checked: true,
        indication: Indication::TOTAL_FAILED,
        sub_indication: Some(SubIndication::FORMAT_FAILURE),
        chain: Vec::new(),
        errors: alloc::vec![msg],
        warnings: Vec::new(),
    }
}

/// A SignatureTimeStamp covers the canonical ds:SignatureValue element (EN 319 132-1
/// §5.3).
fn signature_value_imprint(
    sig: &Signature<'_>,
    method: &Method,
    token: &crate::tsp::Token<'_>,
    rep: &mut TimestampReport,
) -> Result<(), Fault> {
    let mut sink = DigestSink(crypto::Hasher::new(token.info.hash));
    if let Err(e) = c14n::canonicalize(sig.value_node, None, method, &mut sink) {
        return Err(Fault(
            Indication::TOTAL_FAILED,
            SubIndication::FORMAT_FAILURE,
            alloc::format!("{e}"),
        ));
    }
    let d: DigestValue = sink.0.finish();
    let ok = d.as_ref() == token.info.imprint.as_slice();
    rep.imprint_intact = Some(ok);
    if ok {
        Ok(())
    } else {
        Err(Fault(
            Indication::TOTAL_FAILED,
            SubIndication::HASH_FAILURE,
            "the message imprint does not match the signature value".into(),
        ))
    }
}

struct DigestSink(crypto::Hasher);

impl c14n::Sink for DigestSink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The signature algorithm, key and every reference digest, by the policy at the
/// best-signature-time.
fn judge_algorithms(
    sig: &Signature<'_>,
    cert: &ParsedCert,
    opts: &VerifyOptions<'_>,
    rep: &mut SignatureReport,
) {
    let Ok(key) = PublicKey::from_spki_der(&cert.spki).map(|k| k.kind()) else {
        return;
    };
    let mut digests: Vec<HashAlgorithm> = sig.references.iter().map(|r| r.digest).collect();
    digests.extend(sig.algorithm.hash());
    digests.dedup();
    for d in digests {
        if let Err(why) = opts
            .policy
            .check(d, sig.algorithm, key, rep.best_signature_time)
        {
            let sub = SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE;
            fail(rep, Indication::INDETERMINATE, sub, why);
            return;
        }
    }
}
