//! `imza cert show` end to end: the real binary on the generated fixtures, checked against
//! what OpenSSL says about the same files, plus the exit-code contract.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn imza(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imza"))
        .args(args)
        .output()
        .expect("imza runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/certs")
        .join(name)
}

fn stderr_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// (fixture stem, algorithm, curve, bits)
const KEYS: &[(&str, &str, Option<&str>, usize)] = &[
    ("rsa2048", "RSA", None, 2048),
    ("p256", "EC", Some("P-256"), 256),
    ("p384", "EC", Some("P-384"), 384),
    ("p521", "EC", Some("P-521"), 521),
    ("ed25519", "Ed25519", None, 256),
];

/// Serial and SHA-256 fingerprint as OpenSSL reports them, lowercase without colons.
fn openssl_facts(pem: &Path) -> Option<(String, String)> {
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-serial",
            "-fingerprint",
            "-sha256",
            "-in",
        ])
        .arg(pem)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut serial = None;
    let mut fp = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("serial=") {
            serial = Some(v.trim_start_matches('0').to_lowercase());
        } else if let Some((_, v)) = line.split_once("Fingerprint=") {
            fp = Some(v.replace(':', "").to_lowercase());
        }
    }
    Some((serial?, fp?))
}

#[test]
fn every_key_type_in_pem_and_der_text_and_json() {
    for &(stem, alg, curve, bits) in KEYS {
        let facts = openssl_facts(&fixture(&format!("{stem}.pem")));
        for ext in ["pem", "der"] {
            let path = fixture(&format!("{stem}.{ext}"));
            let p = path.to_str().unwrap();

            let text = imza(&["cert", "show", p]);
            assert_eq!(
                text.status.code(),
                Some(0),
                "{p}: {:?}",
                stderr_lines(&text)
            );
            let out = String::from_utf8(text.stdout).unwrap();
            let key_line = match curve {
                Some(c) => format!("Public key:         {alg} {c} ({bits} bits)"),
                None => format!("Public key:         {alg} ({bits} bits)"),
            };
            assert!(
                out.contains(&key_line),
                "{p}: missing {key_line:?} in\n{out}"
            );
            assert!(out.contains("Key usage:          digitalSignature, nonRepudiation"));
            assert!(out.contains("OCSP:               http://127.0.0.1:8888/ocsp"));
            assert!(out.contains("QcType (esign)"), "{out}");
            assert!(text.stderr.is_empty());

            let json = imza(&["cert", "show", "--json", p]);
            assert_eq!(json.status.code(), Some(0));
            assert!(json.stderr.is_empty(), "--json writes to stdout only");
            let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
            let c = &v["certificates"][0];
            assert_eq!(c["public_key"]["algorithm"], alg, "{p}");
            assert_eq!(c["public_key"]["bits"], bits, "{p}");
            assert_eq!(c["public_key"]["curve"].as_str(), curve, "{p}");
            assert_eq!(c["version"], 3);
            assert_eq!(c["issuer"], "CN=Imza Test Root CA,O=Imza Test,C=AZ");
            assert_eq!(c["basic_constraints"]["ca"], false);
            assert_eq!(
                c["extended_key_usage"],
                serde_json::json!(["clientAuth", "emailProtection"])
            );
            assert_eq!(c["certificate_policies"][0], "1.3.6.1.4.1.51361.1.1.1");
            assert_eq!(c["subject_alt_names"][0], "email:citizen@imza.test");
            assert_eq!(c["subject_alt_names"][3], "ip:127.0.0.1");
            assert_eq!(c["ca_issuer_urls"][0], "http://pki.imza.test/root.crt");
            assert_eq!(
                c["crl_distribution_points"][0],
                "http://pki.imza.test/root.crl"
            );
            let qc_names: Vec<&str> = c["qc_statements"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|q| q["name"].as_str())
                .collect();
            assert_eq!(
                qc_names,
                [
                    "QcCompliance",
                    "QcSSCD",
                    "QcType",
                    "QcRetentionPeriod",
                    "QcPDS"
                ]
            );
            assert!(c["warnings"].as_array().unwrap().is_empty());
            // The same facts as OpenSSL, when OpenSSL is installed.
            if let Some((serial, fp)) = &facts {
                assert_eq!(
                    c["serial"].as_str().unwrap().trim_start_matches('0'),
                    serial
                );
                assert_eq!(c["sha256_fingerprint"].as_str().unwrap(), fp);
            }
        }
    }
}

#[test]
fn pem_bundle_lists_every_certificate() {
    let dir = std::env::temp_dir().join(format!("imza-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("bundle.pem");
    let mut text = std::fs::read_to_string(fixture("p256.pem")).unwrap();
    text.push_str(&std::fs::read_to_string(fixture("root-p384.pem")).unwrap());
    std::fs::write(&bundle, text).unwrap();
    let o = imza(&["cert", "show", "--json", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["certificates"].as_array().unwrap().len(), 2);
    assert_eq!(v["certificates"][1]["basic_constraints"]["ca"], true);
    assert_eq!(
        v["certificates"][1]["key_usage"],
        serde_json::json!(["keyCertSign", "cRLSign"])
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_file_exits_66_with_one_line() {
    let o = imza(&["cert", "show", "/nonexistent/imza/cert.pem"]);
    assert_eq!(o.status.code(), Some(66));
    let lines = stderr_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("/nonexistent/imza/cert.pem"), "{lines:?}");
    assert!(lines[0].contains("no such file"), "{lines:?}");
    assert!(o.stdout.is_empty());
}

#[test]
fn directory_exits_66() {
    let dir = fixture("");
    let o = imza(&["cert", "show", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(66));
    assert_eq!(stderr_lines(&o).len(), 1);
}

#[test]
fn non_certificate_exits_65_with_one_line() {
    for name in ["not-a-cert.txt", "p256.key"] {
        let path = fixture(name);
        let o = imza(&["cert", "show", "--json", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(65), "{name}");
        let lines = stderr_lines(&o);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains(name), "{lines:?}");
        assert!(lines[0].contains("malformed"), "{lines:?}");
        assert!(o.stdout.is_empty(), "nothing on stdout on failure");
    }
}

#[test]
fn truncated_der_exits_65() {
    let der = std::fs::read(fixture("p256.der")).unwrap();
    let dir = std::env::temp_dir().join(format!("imza-trunc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trunc.der");
    std::fs::write(&path, &der[..der.len() / 2]).unwrap();
    let o = imza(&["cert", "show", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65));
    assert_eq!(stderr_lines(&o).len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_64_and_version_exits_0() {
    assert_eq!(imza(&["cert", "show"]).status.code(), Some(64));
    assert_eq!(imza(&["cert", "frobnicate"]).status.code(), Some(64));
    assert_eq!(imza(&["--no-such-flag"]).status.code(), Some(64));
    let v = imza(&["--version"]);
    assert_eq!(v.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(v.stdout).unwrap().trim(),
        format!("imza {}", env!("CARGO_PKG_VERSION"))
    );
}
