//! Differential test of revocation checking: `imza cert verify` against `openssl verify
//! -crl_check_all` and `openssl ocsp`, on chains and CRL/OCSP sets made here at test time
//! (good, revoked, conflicting, stale, dated in the future, wrong issuer, revoked
//! intermediate, revoked after the validation time).
//!
//! Every case has the verdict imza's rules give (README, "How a signature is judged").
//! imza must give it; OpenSSL must give it too, unless the case names a documented
//! difference, which is printed with the table. Dates are relative to the real clock
//! because both tools judge freshness against it.
//!
//! Both tools trust the P-256 and the RSA test roots, so that the other CA's CRL and OCSP
//! responder are refused for speaking out of turn, not for an unknown chain. imza is run in
//! every order of the CRLs and of the OCSP responses, `openssl verify` in every order of the
//! CRLs; each must give one verdict whatever the order.
//!
//! Needs `openssl` and `faketime` (revocation dates and OCSP thisUpdate at chosen times);
//! under `CI` a missing one fails the test (`imza-test-support`). `IMZA_KEEP_FIXTURES=1`
//! keeps the generated PKI, CRLs and responses in the temporary folder it names.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400;

/// What a tool says about the leaf (and its chain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Revoked,
    /// No usable status: missing, stale, dated in the future, wrong issuer.
    Unknown,
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Seconds since the epoch → (`YYYYMMDDHHMMSSZ`, `YYYY-MM-DD HH:MM:SS`, RFC 3339).
fn dates(t: i64) -> (String, String, String) {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
    (
        format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}Z"),
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}"),
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
    )
}

fn pki(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/pki")
        .join(rel)
}

/// Runs openssl in `dir`, under faketime at `at` when given; panics on failure.
fn openssl(dir: &Path, at: Option<i64>, args: &[&str]) -> String {
    let out = openssl_raw(dir, at, args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn openssl_raw(dir: &Path, at: Option<i64>, args: &[&str]) -> std::process::Output {
    let mut c = match at {
        Some(t) => {
            let mut c = Command::new("faketime");
            c.arg(dates(t).1).arg("openssl");
            c
        }
        None => Command::new("openssl"),
    };
    c.args(args).current_dir(dir).output().unwrap()
}

/// Copies of the test PKI's P-256 root and intermediate `openssl ca` databases, so that
/// certificates, revocations, CRLs and OCSP responses can be made at any date.
struct Pki {
    dir: PathBuf,
    n: std::cell::Cell<usize>,
}

impl Pki {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("imza-differential-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for ca in ["root", "intermediate"] {
            let db = dir.join(ca);
            std::fs::create_dir_all(db.join("newcerts")).unwrap();
            for f in [
                "openssl.cnf",
                "index.txt",
                "index.txt.attr",
                "serial",
                "crlnumber",
            ] {
                std::fs::copy(pki(&format!("ecdsa-p256/{ca}/{f}")), db.join(f)).unwrap();
            }
            for ext in ["pem", "key"] {
                std::fs::copy(
                    pki(&format!("ecdsa-p256/{ca}.{ext}")),
                    dir.join(format!("{ca}.{ext}")),
                )
                .unwrap();
            }
        }
        for (from, to) in [
            ("rsa/intermediate.crl.pem", "rsa-intermediate.crl.pem"),
            ("rsa/root.pem", "rsa-root.pem"),
            ("rsa/intermediate.pem", "rsa-intermediate.pem"),
            ("ecdsa-p256/ocsp-responder.pem", "ocsp-responder.pem"),
            ("ecdsa-p256/ocsp-responder.key", "ocsp-responder.key"),
            ("ecdsa-p256/ocsp-rogue.pem", "ocsp-rogue.pem"),
            ("ecdsa-p256/ocsp-rogue.key", "ocsp-rogue.key"),
        ] {
            std::fs::copy(pki(from), dir.join(to)).unwrap();
        }
        // Both tools trust both roots and get both intermediates, so that a CRL or OCSP
        // responder of the other CA has a valid chain of its own and is refused only for
        // speaking about certificates that are not its CA's.
        let cat = |files: [&str; 2], out: &str| {
            let mut all = String::new();
            for f in files {
                all.push_str(&std::fs::read_to_string(dir.join(f)).unwrap());
            }
            std::fs::write(dir.join(out), all).unwrap();
        };
        cat(["root.pem", "rsa-root.pem"], "trust.pem");
        cat(
            ["intermediate.pem", "rsa-intermediate.pem"],
            "untrusted.pem",
        );
        Self {
            dir,
            n: std::cell::Cell::new(0),
        }
    }

    fn next(&self) -> usize {
        self.n.set(self.n.get() + 1);
        self.n.get()
    }

    /// A leaf from the intermediate, valid from a year ago for five years.
    fn leaf(&self, name: &str) -> PathBuf {
        let d = &self.dir;
        openssl(
            d,
            None,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}.key"),
            ],
        );
        openssl(
            d,
            None,
            &[
                "req",
                "-new",
                "-key",
                &format!("{name}.key"),
                "-subj",
                &format!("/C=AZ/O=Imza Test/CN={name}"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
        let (start, end) = (dates(now() - 365 * DAY).0, dates(now() + 4 * 365 * DAY).0);
        openssl(
            &d.join("intermediate"),
            None,
            &[
                "ca",
                "-batch",
                "-config",
                "openssl.cnf",
                "-extensions",
                "leaf_signer",
                "-notext",
                "-startdate",
                &start,
                "-enddate",
                &end,
                "-in",
                &format!("../{name}.csr"),
                "-out",
                &format!("../{name}.pem"),
            ],
        );
        d.join(format!("{name}.pem"))
    }

    /// Revokes `cert` (keyCompromise) by `ca`, dated `at`.
    fn revoke(&self, ca: &str, cert: &Path, at: i64) {
        let c = cert.display().to_string();
        openssl(
            &self.dir.join(ca),
            Some(at),
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-revoke",
                &c,
                "-crl_reason",
                "keyCompromise",
            ],
        );
    }

    /// A PEM CRL of `ca` from its current database.
    fn crl(&self, ca: &str, this: i64, next: i64) -> PathBuf {
        self.crl_signed(ca, this, next, &[])
    }

    /// A PEM CRL of `ca` from its current database; `signer` (`-cert`/`-keyfile`) overrides
    /// the CA's own certificate and key.
    fn crl_signed(&self, ca: &str, this: i64, next: i64, signer: &[&str]) -> PathBuf {
        let out = self.dir.join(format!("{ca}-{}.crl.pem", self.next()));
        let o = out.display().to_string();
        let (this, next) = (dates(this).0, dates(next).0);
        let mut args = vec![
            "ca",
            "-config",
            "openssl.cnf",
            "-gencrl",
            "-crl_lastupdate",
            &this,
            "-crl_nextupdate",
            &next,
            "-out",
            &o,
        ];
        args.extend_from_slice(signer);
        openssl(&self.dir.join(ca), None, &args);
        out
    }

    /// A self-signed CA certificate with the intermediate's exact name and a key of its own:
    /// what signs a forged CRL. Returns the `openssl ca` arguments that sign with it.
    fn impostor(&self) -> [&'static str; 4] {
        let d = &self.dir;
        openssl(
            d,
            None,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "impostor.key",
            ],
        );
        let subject = |f: &str| openssl(d, None, &["x509", "-in", f, "-noout", "-subject"]);
        openssl(
            d,
            None,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "impostor.key",
                "-subj",
                "/C=AZ/O=Imza Test/CN=Imza Test P-256 Intermediate CA",
                "-days",
                "3650",
                "-out",
                "impostor.pem",
            ],
        );
        assert_eq!(subject("impostor.pem"), subject("intermediate.pem"));
        ["-cert", "../impostor.pem", "-keyfile", "../impostor.key"]
    }

    /// A DER OCSP response about `cert` by the intermediate itself, made at `at`, valid for
    /// 30 days.
    fn ocsp(&self, cert: &Path, at: i64) -> PathBuf {
        self.ocsp_by(cert, at, 30, "intermediate")
    }

    /// A DER OCSP response about `cert` from the intermediate's database, made at `at`, valid
    /// for `days`, signed by `responder` (`intermediate`, `ocsp-responder`: the CA's delegated
    /// responder, or `ocsp-rogue`: a responder of the RSA CA).
    fn ocsp_by(&self, cert: &Path, at: i64, days: u32, responder: &str) -> PathBuf {
        let n = self.next();
        let (req, resp) = (format!("req-{n}.der"), format!("resp-{n}.der"));
        let c = cert.display().to_string();
        let db = self.dir.join("intermediate");
        openssl(
            &db,
            None,
            &[
                "ocsp",
                "-issuer",
                "../intermediate.pem",
                "-cert",
                &c,
                "-no_nonce",
                "-reqout",
                &format!("../{req}"),
            ],
        );
        openssl(
            &db,
            Some(at),
            &[
                "ocsp",
                "-index",
                "index.txt",
                "-rsigner",
                &format!("../{responder}.pem"),
                "-rkey",
                &format!("../{responder}.key"),
                "-rother",
                "../untrusted.pem",
                "-CA",
                "../intermediate.pem",
                "-reqin",
                &format!("../{req}"),
                "-respout",
                &format!("../{resp}"),
                "-ndays",
                &days.to_string(),
            ],
        );
        self.dir.join(resp)
    }

    /// Takes every revocation off the intermediate's database (the next CRL lists none).
    fn unrevoke_all(&self) {
        let index = self.dir.join("intermediate/index.txt");
        let text = std::fs::read_to_string(&index).unwrap();
        let out: String = text
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split('\t').collect();
                if f.first() == Some(&"R") && f.len() > 2 {
                    f[0] = "V";
                    f[2] = "";
                }
                f.join("\t") + "\n"
            })
            .collect();
        std::fs::write(index, out).unwrap();
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.join(f)
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        if std::env::var_os("IMZA_KEEP_FIXTURES").is_some() {
            let line = format!("kept the generated PKI in {}\n", self.dir.display());
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One case: a leaf, the revocation data, the validation time, and what is expected.
struct Case {
    name: &'static str,
    leaf: PathBuf,
    crls: Vec<PathBuf>,
    ocsp: Vec<PathBuf>,
    at: Option<i64>,
    expected: Verdict,
    /// Why OpenSSL answers otherwise, when it does.
    openssl_differs: Option<(Verdict, &'static str)>,
}

/// `imza cert verify --json` with the data in the given order.
fn imza(p: &Pki, c: &Case, crls: &[PathBuf], ocsp: &[PathBuf]) -> (Verdict, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imza"));
    cmd.args(["cert", "verify", "--json", "--purpose", "any"])
        .arg(&c.leaf)
        .arg("--intermediate")
        .arg(p.path("untrusted.pem"))
        .arg("--trust")
        .arg(p.path("trust.pem"));
    for f in crls {
        cmd.arg("--crl").arg(f);
    }
    for f in ocsp {
        cmd.arg("--ocsp-response").arg(f);
    }
    if let Some(t) = c.at {
        cmd.args(["--at", &dates(t).2]);
    }
    let out = cmd.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    // The exit code and the report's verdict fields must tell the same story.
    let v = match (
        out.status.code(),
        json["indication"].as_str(),
        json["sub_indication"].as_str(),
        json["revocation"].as_str(),
    ) {
        (Some(0), Some("TOTAL_PASSED"), None, Some("offline")) => Verdict::Valid,
        (Some(1), Some("TOTAL_FAILED"), Some("REVOKED"), Some("offline")) => Verdict::Revoked,
        (Some(2), Some("INDETERMINATE"), Some("TRY_LATER"), Some("offline")) => Verdict::Unknown,
        other => panic!(
            "{}: unexpected imza result {other:?}: {}{}",
            c.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    };
    let conflict = json["revocation_evidence"]
        .as_array()
        .is_some_and(|a| a.iter().any(|e| e["conflict"] == true));
    (
        v,
        if conflict {
            "conflict".into()
        } else {
            String::new()
        },
    )
}

/// OpenSSL's answer with the CRLs in the given order: `openssl verify -crl_check_all` over
/// the CRLs (always, also without any: then it says "unable to get certificate CRL") unless
/// the case has only OCSP responses, and `openssl ocsp` over each response. A revocation from
/// either is a revocation (OpenSSL judges each OCSP response alone, so that combination is
/// this table's, the same rule imza applies), then a "good" from either.
///
/// `openssl verify` reports every error it meets and goes on after "CRL has expired" and "CRL
/// is not yet valid", so it can say "certificate revoked" from such a CRL: that is its answer
/// (revoked) whatever else it said; any other failure is unknown.
fn openssl_verdict(p: &Pki, c: &Case, crls: &[PathBuf]) -> Verdict {
    let mut answers = Vec::new();
    if !crls.is_empty() || c.ocsp.is_empty() {
        let mut args: Vec<String> = [
            "verify",
            "-crl_check_all",
            "-CAfile",
            "trust.pem",
            "-untrusted",
            "untrusted.pem",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for f in crls {
            args.extend(["-CRLfile".into(), f.display().to_string()]);
        }
        if let Some(t) = c.at {
            args.extend(["-attime".into(), t.to_string()]);
        }
        args.push(c.leaf.display().to_string());
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = openssl_raw(&p.dir, None, &a);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        answers.push(if out.status.success() {
            Verdict::Valid
        } else if text.contains("certificate revoked") {
            Verdict::Revoked
        } else {
            Verdict::Unknown
        });
    }
    for r in &c.ocsp {
        let (resp, leaf) = (r.display().to_string(), c.leaf.display().to_string());
        let mut args = vec![
            "ocsp",
            "-respin",
            &resp,
            "-issuer",
            "intermediate.pem",
            "-cert",
            &leaf,
            "-CAfile",
            "trust.pem",
            "-verify_other",
            "untrusted.pem",
            "-no_nonce",
            "-resp_text",
        ];
        let at;
        if let Some(t) = c.at {
            at = t.to_string();
            args.extend(["-attime", &at]);
        }
        let out = openssl_raw(&p.dir, None, &args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // "Response verify OK" is printed only when the signature and the responder's
        // authority check out; `-resp_text` prints the status even when they do not.
        let verified = text.contains("Response verify OK");
        let leaf_line = text
            .lines()
            .find(|l| l.starts_with(&leaf) && l.contains(": "))
            .unwrap_or("");
        answers.push(
            if !out.status.success() || !verified || text.contains("Status times invalid") {
                Verdict::Unknown
            } else if leaf_line.ends_with(": revoked") {
                Verdict::Revoked
            } else if leaf_line.ends_with(": good") {
                Verdict::Valid
            } else {
                Verdict::Unknown
            },
        );
    }
    if answers.contains(&Verdict::Revoked) {
        Verdict::Revoked
    } else if answers.contains(&Verdict::Valid) {
        Verdict::Valid
    } else {
        Verdict::Unknown
    }
}

#[test]
fn imza_and_openssl_agree_on_revocation_or_the_difference_is_documented() {
    if !(imza_test_support::have_tool("openssl", &["version"])
        && imza_test_support::have_tool("faketime", &["--version"]))
    {
        return;
    }
    let p = Pki::new();
    let t = now();
    let root_crl = pki("ecdsa-p256/root.crl.pem");
    let fresh = |p: &Pki| p.crl("intermediate", t - 2 * DAY, t + 30 * DAY);

    let good = p.leaf("good");
    let good_crl = fresh(&p);
    let good_ocsp = p.ocsp(&good, t - DAY);
    let delegated_ocsp = p.ocsp_by(&good, t - DAY, 30, "ocsp-responder");

    // Revoked ten days ago; a "good" CRL and OCSP response from before that.
    let revoked = p.leaf("revoked");
    let before_crl = p.crl("intermediate", t - 20 * DAY, t + 30 * DAY);
    let before_ocsp = p.ocsp(&revoked, t - 20 * DAY);
    p.revoke("intermediate", &revoked, t - 10 * DAY);
    let after_crl = p.crl("intermediate", t - 5 * DAY, t + 30 * DAY);
    let after_ocsp = p.ocsp(&revoked, t - 5 * DAY);
    let stale_revoking_crl = p.crl("intermediate", t - 9 * DAY, t - DAY);
    let future_revoking_crl = p.crl("intermediate", t + 30 * DAY, t + 60 * DAY);

    // Revoked, listed, then taken off a newer CRL (as a released certificateHold would be).
    let unlisted = p.leaf("unlisted-later");
    p.revoke("intermediate", &unlisted, t - 12 * DAY);
    let listing_crl = p.crl("intermediate", t - 11 * DAY, t + 30 * DAY);
    p.unrevoke_all();
    let unlisting_crl = p.crl("intermediate", t - 3 * DAY, t + 30 * DAY);

    // Freshness: stale, and dated ahead of the real clock inside and outside the 5-minute
    // skew imza allows (OpenSSL's `ocsp` allows 5 minutes too, `verify` none for CRLs).
    let stale = p.crl("intermediate", t - 60 * DAY, t - 30 * DAY);
    let stale_ocsp = p.ocsp_by(&good, t - 40 * DAY, 30, "intermediate");
    let future_crl = p.crl("intermediate", t + 30 * DAY, t + 60 * DAY);
    let hour_crl = p.crl("intermediate", t + 3600, t + 30 * DAY);
    let skew_crl = p.crl("intermediate", t + 120, t + 30 * DAY);
    let future_ocsp = p.ocsp(&good, t + 3650 * DAY);
    let hour_ocsp = p.ocsp(&good, t + 3600);
    let skew_ocsp = p.ocsp(&good, t + 120);
    let wrong_issuer = p.path("rsa-intermediate.crl.pem");

    // The intermediate itself revoked by the root five days ago.
    let under_revoked = p.leaf("under-revoked-intermediate");
    let under_crl = fresh(&p);
    p.revoke("root", &p.path("intermediate.pem"), t - 5 * DAY);
    let root_revoking = p.crl("root", t - 2 * DAY, t + 30 * DAY);

    // Last, as it lists "good" in the intermediate's database: revocations of "good" that
    // nobody entitled to speak for its CA signed. A CRL with the intermediate's name signed
    // by another key, and an OCSP response by the RSA CA's responder.
    p.revoke("intermediate", &good, t - DAY);
    let impostor = p.impostor();
    let forged_crl = p.crl_signed("intermediate", t - DAY, t + 30 * DAY, &impostor);
    let rogue_ocsp = p.ocsp_by(&good, t - DAY, 30, "ocsp-rogue");

    let case = |name, leaf: &PathBuf, crls: Vec<&PathBuf>, ocsp: Vec<&PathBuf>, expected| Case {
        name,
        leaf: leaf.clone(),
        crls: crls.into_iter().cloned().collect(),
        ocsp: ocsp.into_iter().cloned().collect(),
        at: None,
        expected,
        openssl_differs: None,
    };
    let differs = |mut c: Case, openssl: Verdict, why: &'static str| {
        c.openssl_differs = Some((openssl, why));
        c
    };
    let at = |mut c: Case, time: i64| {
        c.at = Some(time);
        c
    };
    use Verdict::{Revoked, Unknown, Valid};
    const NEWEST_CRL_ONLY: &str = "OpenSSL uses only the newest CRL it scores best and ignores \
         older ones; imza lets a signed listing win over any 'good' (issue 12 rule 1: the order or \
         age of the inputs cannot hide a revocation; removeFromCRL exists only in delta CRLs, which \
         imza refuses)";
    const REVOKED_LATER: &str = "OpenSSL treats a listed certificate as revoked whatever its \
         revocation date; imza compares the revocation date with the validation time, so a \
         certificate revoked after it was valid then (what judging a signature at its time-stamp \
         needs, EN 319 102-1)";
    const FUTURE_REVOCATION: &str = "OpenSSL's `verify` reports \"CRL is not yet valid\" and \
         reads the CRL all the same, so it also reports \"certificate revoked\"; imza refuses \
         revocation data dated after the current time plus 5 minutes whatever it says (issue 12 \
         rule 2, README rule 8): its date cannot be trusted, nor can what it says";
    const CRL_SKEW: &str = "OpenSSL `verify` allows no clock skew for a CRL's lastUpdate (\"CRL \
         is not yet valid\"); imza allows 5 minutes for every item, as OpenSSL's own `ocsp` does \
         for thisUpdate (README rule 8)";
    let cases = vec![
        differs(
            case(
                "revoking CRL + newer CRL without the entry",
                &unlisted,
                vec![&listing_crl, &unlisting_crl, &root_crl],
                vec![],
                Revoked,
            ),
            Valid,
            NEWEST_CRL_ONLY,
        ),
        case("good CRL", &good, vec![&good_crl, &root_crl], vec![], Valid),
        case("good OCSP", &good, vec![&root_crl], vec![&good_ocsp], Valid),
        case(
            "good OCSP by the CA's delegated responder",
            &good,
            vec![&root_crl],
            vec![&delegated_ocsp],
            Valid,
        ),
        case(
            "revoking CRL",
            &revoked,
            vec![&after_crl, &root_crl],
            vec![],
            Revoked,
        ),
        case(
            "revoking OCSP",
            &revoked,
            vec![&root_crl],
            vec![&after_ocsp],
            Revoked,
        ),
        case(
            "older good CRL + newer revoking CRL",
            &revoked,
            vec![&before_crl, &after_crl, &root_crl],
            vec![],
            Revoked,
        ),
        case(
            "good OCSP + revoking CRL",
            &revoked,
            vec![&after_crl, &root_crl],
            vec![&before_ocsp],
            Revoked,
        ),
        case(
            "good OCSP + revoking OCSP",
            &revoked,
            vec![&root_crl],
            vec![&before_ocsp, &after_ocsp],
            Revoked,
        ),
        case(
            "stale CRL (nextUpdate past)",
            &good,
            vec![&stale, &root_crl],
            vec![],
            Unknown,
        ),
        case(
            "stale OCSP (nextUpdate past)",
            &good,
            vec![&root_crl],
            vec![&stale_ocsp],
            Unknown,
        ),
        // A signed revocation is permanent: it counts however old (README rule 8). OpenSSL's
        // `verify` says "CRL has expired" and then "certificate revoked" from the same CRL.
        case(
            "stale revoking CRL",
            &revoked,
            vec![&stale_revoking_crl, &root_crl],
            vec![],
            Revoked,
        ),
        case(
            "CRL dated 30 days ahead",
            &good,
            vec![&future_crl, &root_crl],
            vec![],
            Unknown,
        ),
        differs(
            case(
                "revoking CRL dated 30 days ahead",
                &revoked,
                vec![&future_revoking_crl, &root_crl],
                vec![],
                Unknown,
            ),
            Revoked,
            FUTURE_REVOCATION,
        ),
        case(
            "CRL dated 1 hour ahead",
            &good,
            vec![&hour_crl, &root_crl],
            vec![],
            Unknown,
        ),
        differs(
            case(
                "CRL dated 2 minutes ahead (inside the skew)",
                &good,
                vec![&skew_crl, &root_crl],
                vec![],
                Valid,
            ),
            Unknown,
            CRL_SKEW,
        ),
        case(
            "OCSP dated 10 years ahead",
            &good,
            vec![&root_crl],
            vec![&future_ocsp],
            Unknown,
        ),
        case(
            "OCSP dated 1 hour ahead",
            &good,
            vec![&root_crl],
            vec![&hour_ocsp],
            Unknown,
        ),
        case(
            "OCSP dated 2 minutes ahead (inside the skew)",
            &good,
            vec![&root_crl],
            vec![&skew_ocsp],
            Valid,
        ),
        case(
            "CRL of another CA",
            &good,
            vec![&wrong_issuer, &root_crl],
            vec![],
            Unknown,
        ),
        case(
            "forged revoking CRL (the CA's name, another key)",
            &good,
            vec![&forged_crl, &root_crl],
            vec![],
            Unknown,
        ),
        case(
            "good CRL + forged revoking CRL",
            &good,
            vec![&good_crl, &forged_crl, &root_crl],
            vec![],
            Valid,
        ),
        case(
            "revoking OCSP by another CA's responder",
            &good,
            vec![&root_crl],
            vec![&rogue_ocsp],
            Unknown,
        ),
        case(
            "good OCSP + revoking OCSP by another CA's responder",
            &good,
            vec![&root_crl],
            vec![&good_ocsp, &rogue_ocsp],
            Valid,
        ),
        case("no revocation data", &good, vec![], vec![], Unknown),
        case(
            "intermediate revoked by the root",
            &under_revoked,
            vec![&under_crl, &root_revoking],
            vec![],
            Revoked,
        ),
        // Validated at a time before the revocation, with data issued after it.
        differs(
            at(
                case(
                    "revoked after the validation time (CRL, --at / -attime)",
                    &revoked,
                    vec![&after_crl, &root_crl],
                    vec![],
                    Valid,
                ),
                t - 15 * DAY,
            ),
            Revoked,
            REVOKED_LATER,
        ),
        differs(
            at(
                case(
                    "revoked after the validation time (OCSP, --at)",
                    &revoked,
                    vec![&root_crl],
                    vec![&after_ocsp],
                    Valid,
                ),
                t - 15 * DAY,
            ),
            Revoked,
            REVOKED_LATER,
        ),
    ];

    let mut table = String::from(
        "\ncase | expected | imza (orders tried) | openssl (orders tried) | documented difference\n",
    );
    let mut failures = Vec::new();
    for c in &cases {
        // OpenSSL in every order of the CRLs (each OCSP response is judged alone).
        let openssl_says: Vec<Verdict> = imza_test_support::permutations(&c.crls)
            .iter()
            .map(|crls| openssl_verdict(&p, c, crls))
            .collect();
        let mut imza_says = Vec::new();
        // imza in every order of the CRLs and of the OCSP responses.
        for crls in imza_test_support::permutations(&c.crls) {
            for ocsp in imza_test_support::permutations(&c.ocsp) {
                imza_says.push(imza(&p, c, &crls, &ocsp));
            }
        }
        let first = imza_says[0].clone();
        if imza_says.iter().any(|v| v.0 != first.0) {
            failures.push(format!(
                "{}: imza's verdict depends on the order: {imza_says:?}",
                c.name
            ));
        }
        if first.0 != c.expected {
            failures.push(format!(
                "{}: imza says {:?}, expected {:?}",
                c.name, first.0, c.expected
            ));
        }
        let openssl_expected = c.openssl_differs.map_or(c.expected, |(v, _)| v);
        if let Some(o) = openssl_says.iter().find(|&&o| o != openssl_expected) {
            failures.push(format!(
                "{}: OpenSSL says {o:?} (in the orders tried: {openssl_says:?}), expected \
                 {openssl_expected:?} (an undocumented difference)",
                c.name
            ));
        }
        let _ = writeln!(
            table,
            "{} | {:?} | {:?}{} ({}) | {:?} ({}) | {}",
            c.name,
            c.expected,
            first.0,
            if first.1.is_empty() {
                String::new()
            } else {
                format!(", {}", first.1)
            },
            imza_says.len(),
            openssl_says[0],
            openssl_says.len(),
            c.openssl_differs.map_or("", |(_, why)| why)
        );
    }
    let _ = writeln!(
        table,
        "{} cases, {} with a documented difference",
        cases.len(),
        cases.iter().filter(|c| c.openssl_differs.is_some()).count()
    );
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(table.as_bytes());
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}
