//! `imza-vcard`: a virtual smart card on vpcd (see the library documentation).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use imza_vcard::vpcd::{self, End};
use imza_vcard::{Card, CardConfig, Profile};

const USAGE: &str = "\
usage: imza-vcard --profile piv|piv-rsa|eid [options]

Connects to vpcd (the vsmartcard reader driver of pcscd) as a card: connecting inserts it,
exiting removes it. Prints `connected` once connected.

options:
  --profile P           piv (ECC P-256), piv-rsa (RSA 2048) or eid (P-256 auth, P-384 signing)
  --host H              vpcd's host (default 127.0.0.1)
  --port N              vpcd's port (default 35963 = \"Virtual PCD 00 00\"; 35964 = \"00 01\")
  --keys DIR            the test PKI (default test-vectors/pki)
  --pin PIN             PIV PIN (default 123456)
  --pin1 PIN            eID PIN1, authentication (default 1234)
  --pin2 PIN            eID PIN2, signing (default 12345)
  --vanish-on-sign      on the signing command, close the connection unanswered and exit 0
  --stop-on-stdin-eof   exit when stdin reaches end of file
  --connect-timeout S   keep trying to connect for S seconds (default 5)
  --trace               log every frame to stderr
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("imza-vcard: {msg}");
            ExitCode::from(1)
        }
    }
}

struct Args {
    config: CardConfig,
    host: String,
    port: u16,
    stop_on_stdin_eof: bool,
    connect_timeout: Duration,
    trace: bool,
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("imza-vcard: {msg}\n\n{USAGE}");
    ExitCode::from(64)
}

fn parse_args() -> Result<Args, ExitCode> {
    let mut profile = None;
    let mut keys = None;
    let mut host = "127.0.0.1".to_string();
    let mut port = vpcd::DEFAULT_PORT;
    let (mut pin, mut pin1, mut pin2) = (None, None, None);
    let mut vanish = false;
    let mut stop_on_stdin_eof = false;
    let mut connect_timeout = Duration::from_secs(5);
    let mut trace = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| usage_error(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--profile" => {
                profile = Some(
                    value("--profile")?
                        .parse::<Profile>()
                        .map_err(|e| usage_error(&e.to_string()))?,
                );
            }
            "--host" => host = value("--host")?,
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|_| usage_error("--port: a port number"))?;
            }
            "--keys" => keys = Some(PathBuf::from(value("--keys")?)),
            "--pin" => pin = Some(value("--pin")?),
            "--pin1" => pin1 = Some(value("--pin1")?),
            "--pin2" => pin2 = Some(value("--pin2")?),
            "--vanish-on-sign" => vanish = true,
            "--stop-on-stdin-eof" => stop_on_stdin_eof = true,
            "--connect-timeout" => {
                let s: f64 = value("--connect-timeout")?
                    .parse()
                    .map_err(|_| usage_error("--connect-timeout: seconds"))?;
                connect_timeout = Duration::try_from_secs_f64(s)
                    .map_err(|_| usage_error("--connect-timeout: seconds"))?;
            }
            "--trace" => trace = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Err(ExitCode::SUCCESS);
            }
            other => return Err(usage_error(&format!("unknown argument {other:?}"))),
        }
    }
    let Some(profile) = profile else {
        return Err(usage_error("--profile is required"));
    };
    let is_piv = matches!(profile, Profile::Piv | Profile::PivRsa);
    if is_piv && (pin1.is_some() || pin2.is_some()) {
        return Err(usage_error(
            "--pin1/--pin2 are for --profile eid; PIV has --pin",
        ));
    }
    if !is_piv && pin.is_some() {
        return Err(usage_error(
            "--pin is for PIV; the eID card has --pin1 and --pin2",
        ));
    }
    let mut config = CardConfig::new(profile);
    if let Some(keys) = keys {
        config.keys_dir = keys;
    }
    if let Some(p) = pin {
        config.piv_pin = p;
    }
    if let Some(p) = pin1 {
        config.pin1 = p;
    }
    if let Some(p) = pin2 {
        config.pin2 = p;
    }
    config.vanish_on_sign = vanish;
    Ok(Args {
        config,
        host,
        port,
        stop_on_stdin_eof,
        connect_timeout,
        trace,
    })
}

fn run() -> Result<ExitCode, String> {
    let args = match parse_args() {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let mut card = Card::new(&args.config).map_err(|e| e.to_string())?;
    let mut stream = vpcd::connect(&args.host, args.port, args.connect_timeout)
        .map_err(|e| format!("cannot connect to vpcd at {}:{}: {e}", args.host, args.port))?;
    if args.stop_on_stdin_eof {
        let watched = stream.try_clone().map_err(|e| format!("socket: {e}"))?;
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            // Card removed: vpcd sees the connection close.
            let _ = watched.shutdown(std::net::Shutdown::Both);
            std::process::exit(0);
        });
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "connected").map_err(|e| format!("stdout: {e}"))?;
        out.flush().map_err(|e| format!("stdout: {e}"))?;
    }
    match vpcd::serve(&mut stream, &mut card, args.trace) {
        Ok(End::Closed) => {
            if args.trace {
                eprintln!("vcard: vpcd closed the connection");
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(End::Vanished) => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(format!("vpcd connection: {e}")),
    }
}
