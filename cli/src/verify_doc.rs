//! `imza verify`: CMS / CAdES and XMLDSig / XAdES validation (ETSI EN 319 102-1) from the command line.
//!
//! Attached signatures are read whole (at most [`imza::cms::MAX_CMS_LEN`]); detached content
//! is streamed through [`imza::verify`] (`Content::Reader`) and never held in memory.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use imza::cades::{self, Content, RevocationPolicy, VerifyOptions};
use imza::report::{Indication, Report, SignatureReport, TimestampKind};
use imza::time::UnixTime;
use imza::trust::TrustStore;
use serde::Serialize;

use crate::exit::{self, Failure};
use crate::inputs::{load_trust, now};

/// `imza verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The signature: CMS in DER, BER or PEM (`.p7s`, `.p7m`, `.pkcs7`), an XML document
    /// with XMLDSig / XAdES signatures (enveloped, enveloping or detached), or a container:
    /// ASiC-E (`.asice`, `.sce`, `.bdoc`), ASiC-S (`.asics`) or UYAP `.udf`, or a PDF with PAdES signatures.
    file: PathBuf,
    /// The signed content of a detached signature, or what a time-stamp token covers
    /// (streamed, any size). Refused (exit 64) with a signature that carries its content.
    #[arg(long, value_name = "CONTENT")]
    detached: Option<PathBuf>,
    /// Trust anchors: a PEM/DER file or a folder of them, repeatable. Without one no
    /// signature can pass: the best result is INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND).
    #[arg(long = "trust", value_name = "FILE|DIR")]
    trust: Vec<PathBuf>,
    /// Certificates to build the chain with (PEM bundles or DER), repeatable: intermediate
    /// CAs a signature does not carry (pyasice embeds only the signer's). Not trusted.
    #[arg(long = "intermediate", value_name = "FILE")]
    intermediate: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Revocation checking.
    #[command(flatten)]
    revocation: crate::revocation_args::RevocationArgs,
    /// Print the validation report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &VerifyArgs) -> Result<u8, Failure> {
    let time = match &args.at {
        Some(s) => UnixTime::parse_rfc3339(s).map_err(|e| Failure::usage(format!("--at: {e}")))?,
        None => now(),
    };
    let format = head_format(&args.file)?;
    let zip = format == Some(imza::SignatureFormat::Zip);
    let pdf = format == Some(imza::SignatureFormat::Pdf);
    let sig = if zip || pdf {
        Vec::new()
    } else {
        exit::read_limited(&args.file, imza::cms::MAX_CMS_LEN as u64)?
    };
    let trust = if args.trust.is_empty() {
        if !args.json {
            eprintln!(
                "imza: no --trust given: the signer's certificate cannot be validated, so no \
                 signature can pass"
            );
        }
        TrustStore::new()
    } else {
        load_trust(&args.trust, args.json)?
    };

    #[cfg(feature = "http")]
    let http = imza::transport::BlockingHttp::new();
    let mut opts = VerifyOptions::new(&trust, time);
    opts.now = now();
    for f in &args.intermediate {
        let bytes = exit::read_small(f)?;
        for c in imza::cert::parse_any(&bytes).map_err(|e| Failure::content(f, &e))? {
            let der = der::Encode::to_der(&c).map_err(|e| Failure {
                code: exit::DATA,
                message: format!("{}: {e}", f.display()),
            })?;
            opts.extra_certs.push(der);
        }
    }
    let rev = &args.revocation;
    opts.ocsp_responses = rev.ocsp()?;
    opts.crls = rev.crl_ders()?;
    if rev.no_revocation {
        opts.revocation = RevocationPolicy::Skip;
    }
    if rev.online {
        if !cfg!(feature = "http") {
            return Err(Failure {
                code: exit::UNAVAILABLE,
                message: "--online: this imza was built without the http feature".into(),
            });
        }
        #[cfg(feature = "http")]
        {
            opts.transport = Some(&http);
        }
    }

    let report = match &args.detached {
        // A container is read from the file on demand: a 2 GiB ASiC-E in constant memory.
        None if zip => {
            let file = std::fs::File::open(&args.file).map_err(|e| Failure::io(&args.file, &e))?;
            imza::verify_container(std::io::BufReader::new(file), &opts)
                .map_err(|e| Failure::content(&args.file, &e))?
        }
        // A PDF, like a container: from the file, its signed ranges streamed.
        None if pdf => {
            let file = std::fs::File::open(&args.file).map_err(|e| Failure::io(&args.file, &e))?;
            imza::verify_pdf(std::io::BufReader::new(file), &opts)
                .map_err(|e| Failure::content(&args.file, &e))?
        }
        Some(_) if zip || pdf => {
            return Err(Failure::usage(format!(
                "{}: a {} carries its content; --detached may not be given as well",
                args.file.display(),
                if zip { "container" } else { "PDF" }
            )))
        }
        None => imza::verify(&sig, imza::Content::Attached, &opts)
            .map_err(|e| Failure::content(&args.file, &e))?,
        Some(_) if attached(&sig) => {
            return Err(Failure::usage(format!(
                "{}: the signature carries its content; --detached may not be given as well",
                args.file.display()
            )))
        }
        Some(content) => verify_detached(&args.file, &sig, content, &opts, !args.json)?,
    };

    let text = if args.json {
        let mut json = report.to_json().map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
        json.push('\n');
        json
    } else {
        text(&report, args.detached.is_some())
    };
    exit::print_stdout(&text)?;
    Ok(match report.indication {
        Indication::TOTAL_PASSED => exit::OK,
        Indication::TOTAL_FAILED => exit::INVALID,
        Indication::INDETERMINATE => exit::INDETERMINATE,
    })
}

/// Whether `path` starts as a ZIP file does (a container: ASiC, BDOC, UDF).
/// The format of a file by its first bytes: containers and PDFs are read from the file on
/// demand rather than whole.
fn head_format(path: &Path) -> Result<Option<imza::SignatureFormat>, Failure> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let mut head = Vec::with_capacity(8);
    file.take(8)
        .read_to_end(&mut head)
        .map_err(|e| Failure::io(path, &e))?;
    Ok(match imza::SignatureFormat::detect(&head) {
        Some(f @ (imza::SignatureFormat::Zip | imza::SignatureFormat::Pdf)) => Some(f),
        _ => None,
    })
}

/// Whether the signature carries its content (a time-stamp token's TSTInfo does not count:
/// `--detached` is what its imprint covers).
fn attached(sig: &[u8]) -> bool {
    let Ok(der) = cades::unarmor(sig) else {
        return false;
    };
    imza::cms::parse(&der)
        .is_ok_and(|sd| cades::check_content(&sd, Content::DetachedDigests(&[])).is_err())
}

/// Streams `content` through the signature's digest algorithms, with a progress bar on a
/// terminal.
fn verify_detached(
    sig_path: &Path,
    sig: &[u8],
    content: &Path,
    opts: &VerifyOptions<'_>,
    may_draw: bool,
) -> Result<Report, Failure> {
    let file = std::fs::File::open(content).map_err(|e| Failure::io(content, &e))?;
    let meta = file.metadata().map_err(|e| Failure::io(content, &e))?;
    if meta.is_dir() {
        return Err(Failure {
            code: exit::NO_INPUT,
            message: format!("{}: is a directory, not a file", content.display()),
        });
    }
    let total = if meta.is_file() { meta.len() } else { 0 };
    let mut bar = Progress::new(total, may_draw && std::io::stderr().is_terminal());
    let mut reader = Counted {
        inner: file,
        done: 0,
        bar: &mut bar,
    };
    let result = imza::verify(sig, imza::Content::Reader(&mut reader), opts);
    bar.clear();
    match result {
        Ok(r) => Ok(r),
        // The content could not be read (the signature was read whole before).
        Err(imza::Error::Read { reason }) => Err(Failure {
            code: exit::NO_INPUT,
            message: format!("{}: cannot read: {reason}", content.display()),
        }),
        Err(e) => Err(Failure::content(sig_path, &e)),
    }
}

/// A reader that moves the progress bar.
struct Counted<'b, R> {
    inner: R,
    done: u64,
    bar: &'b mut Progress,
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        self.bar.update(self.done);
        Ok(n)
    }
}

// ==== progress bar ==========================================================================

/// `\r[#########           ] 45% 460 MiB / 1.0 GiB` on stderr, redrawn at most every
/// 100 ms or every 1 %; nothing for the first 100 ms (quick checks show no bar at all).
#[derive(Debug)]
struct Progress {
    total: u64,
    enabled: bool,
    start: Instant,
    last_draw: Option<Instant>,
    last_percent: u64,
    /// Width of the last line drawn, to blank it.
    drawn: usize,
}

const BAR_WIDTH: u64 = 20;
const REDRAW: Duration = Duration::from_millis(100);

impl Progress {
    fn new(total: u64, enabled: bool) -> Self {
        Self {
            total,
            enabled,
            start: Instant::now(),
            last_draw: None,
            last_percent: 0,
            drawn: 0,
        }
    }

    fn update(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let percent = (done.saturating_mul(100))
            .checked_div(self.total)
            .map_or(0, |p| p.min(100));
        let due = match self.last_draw {
            None => now.duration_since(self.start) >= REDRAW,
            Some(t) => now.duration_since(t) >= REDRAW || percent > self.last_percent,
        };
        if !due {
            return;
        }
        let line = if self.total == 0 {
            format!("{} read", size(done))
        } else {
            let filled = usize::try_from(percent * BAR_WIDTH / 100).unwrap_or(0);
            let empty = usize::try_from(BAR_WIDTH)
                .unwrap_or(0)
                .saturating_sub(filled);
            format!(
                "[{}{}] {percent:>3}% {} / {}",
                "#".repeat(filled),
                " ".repeat(empty),
                size(done),
                size(self.total)
            )
        };
        let pad = self.drawn.saturating_sub(line.len());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}{}", " ".repeat(pad));
        let _ = err.flush();
        self.drawn = line.len();
        self.last_draw = Some(now);
        self.last_percent = percent;
    }

    /// Blanks the bar's line, if one was drawn.
    fn clear(&mut self) {
        if self.drawn > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(self.drawn));
            let _ = err.flush();
            self.drawn = 0;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// `512 B`, `64 KiB`, `460 MiB`, `1.0 GiB`.
fn size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * 1024;
    const GIB: u64 = MIB * 1024;
    if n >= GIB {
        // Tenths of a GiB, in integers (no float casts).
        let tenths = n / (GIB / 10);
        format!("{}.{} GiB", tenths / 10, tenths % 10)
    } else if n >= MIB {
        format!("{} MiB", n / MIB)
    } else if n >= KIB {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} B")
    }
}

// ==== text output ===========================================================================

/// The serde name of an enum value (`CAdES-BASELINE-T`, `NO_CERTIFICATE_CHAIN_FOUND`).
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

fn verdict(indication: Indication, sub: Option<imza::report::SubIndication>) -> String {
    match sub {
        Some(s) => format!("{} / {}", name(&indication), name(&s)),
        None => name(&indication),
    }
}

fn text(r: &Report, detached: bool) -> String {
    let mut out = String::new();
    if r.signatures.is_empty() {
        let _ = writeln!(out, "no signature found");
    }
    for s in &r.signatures {
        signature_text(&mut out, s, 0, detached);
    }
    let _ = writeln!(out, "overall: {}", verdict(r.indication, r.sub_indication));
    out
}

fn signature_text(out: &mut String, s: &SignatureReport, depth: usize, detached: bool) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}{}: {} ({})",
        s.id,
        verdict(s.indication, s.sub_indication),
        name(&s.level)
    );
    let pad = "  ".repeat(depth + 1);
    match &s.signer {
        Some(signer) if !signer.subject.is_empty() => {
            let _ = writeln!(out, "{pad}signer: {}", signer.subject);
        }
        Some(signer) => {
            let _ = writeln!(
                out,
                "{pad}signer: certificate not found (issuer {}, serial {})",
                signer.issuer, signer.serial
            );
        }
        None => {
            let _ = writeln!(out, "{pad}signer: unknown");
        }
    }
    if s.indication != Indication::TOTAL_PASSED {
        let _ = writeln!(
            out,
            "{pad}intact: {}",
            if s.intact {
                "yes (the content and the signature value verify)"
            } else {
                "no"
            }
        );
    }
    if let Some(p) = &s.pdf {
        let rev = p
            .revision
            .map_or_else(|| "no revision".into(), |r| format!("revision {r}"));
        let _ = writeln!(
            out,
            "{pad}PDF field {:?} ({}): covers {} ({})",
            p.field, p.sub_filter, rev, p.coverage
        );
        if let Some(m) = &p.modification {
            let _ = writeln!(out, "{pad}changed after signing: {m}");
            for c in &p.changes {
                let _ = writeln!(out, "{pad}  {c}");
            }
        }
    }
    if let Some(t) = s.claimed_signing_time {
        let _ = writeln!(out, "{pad}signed at (claimed): {t}");
    }
    let poe = s.timestamps.iter().find(|t| {
        t.kind == TimestampKind::Signature
            && t.indication == Indication::TOTAL_PASSED
            && t.gen_time == Some(s.best_signature_time)
    });
    match poe {
        Some(t) => {
            let by = t.tsa.as_deref().unwrap_or("an unnamed TSA");
            let _ = writeln!(
                out,
                "{pad}proven existence: {} (signature time-stamp by {by})",
                s.best_signature_time
            );
        }
        None if !s.timestamps.is_empty() => {
            let _ = writeln!(
                out,
                "{pad}proven existence: none (no valid signature time-stamp)"
            );
        }
        None => {}
    }
    match (&s.digest_algorithm, &s.signature_algorithm) {
        (Some(d), Some(a)) => {
            let _ = writeln!(out, "{pad}algorithms: {d} / {a}");
        }
        (Some(d), None) => {
            let _ = writeln!(out, "{pad}algorithms: {d}");
        }
        (None, Some(a)) => {
            let _ = writeln!(out, "{pad}algorithms: {a}");
        }
        (None, None) => {}
    }
    if let Some(p) = &s.signature_policy {
        let _ = writeln!(out, "{pad}signature policy: {p}");
    }
    if let Some(anchor) = s.chain.last() {
        let _ = writeln!(
            out,
            "{pad}chain: {} certificates, trust anchor {}",
            s.chain.len(),
            anchor.subject
        );
    }
    out.push_str(&crate::evidence::evidence_text(&s.revocation, &pad));
    for e in &s.errors {
        let _ = writeln!(out, "{pad}error: {e}");
    }
    if s.sub_indication == Some(imza::report::SubIndication::TRY_LATER) {
        let _ = writeln!(out, "{pad}hint: {}", crate::evidence::TRY_LATER_HINT);
    }
    if !detached && s.sub_indication == Some(imza::report::SubIndication::SIGNED_DATA_NOT_FOUND) {
        let _ = writeln!(
            out,
            "{pad}hint: a detached signature: give the signed file with --detached"
        );
    }
    for w in &s.warnings {
        let _ = writeln!(out, "{pad}warning: {w}");
    }
    for c in &s.counter_signatures {
        signature_text(out, c, depth + 1, detached);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn pki(rel: &str) -> Vec<u8> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../test-vectors/pki")
            .join(rel);
        std::fs::read(p).unwrap()
    }

    fn der(pem: &[u8]) -> Vec<u8> {
        let c = imza::cert::parse_any(pem).unwrap();
        der::Encode::to_der(c.first().unwrap()).unwrap()
    }

    /// Counter-signatures are indented under the signature they sign.
    #[test]
    fn counter_signatures_nest_in_the_text() {
        use imza::cades::sign::{add_counter_signature, sign, SignOptions, ToSign};
        use imza::crypto::SigningKey;
        let key = |h: &str| {
            let pem = String::from_utf8(pki(&format!("{h}/signer.key"))).unwrap();
            SigningKey::from_pkcs8_pem(&pem).unwrap()
        };
        let t = UnixTime::from_secs(1_798_761_600); // 2027-01-01
        let chain = vec![
            der(&pki("ecdsa-p256/intermediate.pem")),
            der(&pki("rsa/intermediate.pem")),
        ];
        let cms = sign(
            ToSign::Bytes(b"counter-signed"),
            &key("ecdsa-p256"),
            &der(&pki("ecdsa-p256/signer.pem")),
            &chain,
            &SignOptions::new(t),
        )
        .unwrap();
        let cms =
            add_counter_signature(&cms, &key("rsa"), &der(&pki("rsa/signer.pem")), t).unwrap();
        let mut trust = TrustStore::new();
        trust.add_pem_or_der(&pki("ecdsa-p256/root.pem")).unwrap();
        trust.add_pem_or_der(&pki("rsa/root.pem")).unwrap();
        let mut opts = VerifyOptions::new(&trust, t);
        for h in ["ecdsa-p256", "rsa"] {
            for c in ["root.crl", "intermediate.crl"] {
                opts.crls.push(pki(&format!("{h}/{c}")));
            }
        }
        let report = cades::verify(&cms, Content::Attached, &opts).unwrap();
        let out = text(&report, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines.first(),
            Some(&"S-1: TOTAL_PASSED (CAdES-BASELINE-B)"),
            "{out}"
        );
        assert!(
            lines.contains(&"  S-1-C-1: TOTAL_PASSED (CAdES-BASELINE-B)"),
            "{out}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("    signer: ") && l.contains("RSA Signer")),
            "{out}"
        );
        assert_eq!(lines.last(), Some(&"overall: TOTAL_PASSED"), "{out}");
    }

    #[test]
    fn sizes() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(460 * 1024 * 1024 + 5), "460 MiB");
        assert_eq!(size(1024 * 1024 * 1024), "1.0 GiB");
        assert_eq!(size(1536 * 1024 * 1024), "1.5 GiB");
    }
}
