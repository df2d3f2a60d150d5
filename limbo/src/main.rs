//! `imza-limbo LIMBO.json[.bz2] [--exceptions FILE] > results.json`
//!
//! Runs every x509-limbo testcase through imza's path validator, writes the limbo result
//! format to stdout and the summary (counts, skip reasons, known differences, wrong
//! answers) to stderr. Exit status: 0, or 1 when imza accepted a case that must be
//! rejected, 2 on a usage or input error.
#![forbid(unsafe_code)]

use std::process::ExitCode;

const USAGE: &str = "usage: imza-limbo LIMBO.json[.bz2] [--exceptions EXCEPTIONS.json]";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("imza-limbo: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut args = std::env::args().skip(1);
    let mut limbo_path = None;
    // The checked-in exceptions file, unless another is named.
    let mut exceptions_path =
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/exceptions.json"));
    while let Some(a) = args.next() {
        match a.as_str() {
            "--exceptions" => {
                exceptions_path = args.next().ok_or(USAGE)?.into();
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            _ if limbo_path.is_none() => limbo_path = Some(a),
            _ => return Err(USAGE.into()),
        }
    }
    let limbo_path = limbo_path.ok_or(USAGE)?;
    let started = std::time::Instant::now();
    let limbo = imza_limbo::load(std::path::Path::new(&limbo_path))?;
    let loaded = started.elapsed();
    let exceptions = std::fs::read_to_string(&exceptions_path)
        .map_err(|e| format!("{}: {e}", exceptions_path.display()))?;
    let exceptions = imza_limbo::exceptions::load(&exceptions)?;

    let started = std::time::Instant::now();
    let report = imza_limbo::run(&limbo, &exceptions)?;
    let ran = started.elapsed();
    let json = serde_json::to_string_pretty(&report.to_limbo_json())
        .map_err(|e| format!("writing results: {e}"))?;
    println!("{json}");
    eprint!("{}", report.summary());
    eprintln!(
        "\ntime: {:.2} s to read the file, {:.2} s to run the cases",
        loaded.as_secs_f64(),
        ran.as_secs_f64()
    );
    if limbo.testcases.iter().all(|t| t.validation_time.is_some()) {
        eprintln!();
    } else {
        eprintln!(
            "\nnote: testcases without validation_time were validated at {}",
            imza_limbo::FALLBACK_TIME
        );
    }
    Ok(if report.wrong_accepts().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
