//! `imza card`: readers, certificates, CAdES signatures and Web eID login tokens with a
//! smart card over PC/SC.
//!
//! The PIN comes from standard input (`--pin-stdin`), a prompt on the terminal without
//! echo, or the reader's PIN pad (`--pin-pad`); never from an argument, where `ps` and the
//! shell history would show it.

use std::io::{BufRead, Read as _, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use imza::card::pcsc::{Card, Context, Share};
use imza::card::{
    CardError, CardSigner, CardTransport, KeyPurpose, Pin, PinEntry, ReaderFeature, Registry,
};
use imza::crypto::EcdsaEncoding;

use crate::exit::{self, Failure};
use crate::sign::SignFormat;

/// `imza card ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum CardCommand {
    /// List readers, whether a card is in each and what kind of card it is.
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Show the certificates on a card, with their slots and purposes.
    Certs {
        #[command(flatten)]
        reader: ReaderArgs,
        /// JSON output (certificates as PEM).
        #[arg(long)]
        json: bool,
    },
    /// Sign a file with the card's signing key (CAdES baseline B).
    Sign(CardSignArgs),
    /// Sign a login challenge with the card's authentication key; prints a Web eID
    /// (web-eid:1.0) certificate login token.
    Login(CardLoginArgs),
}

/// Reader choice.
#[derive(Debug, Args)]
pub(crate) struct ReaderArgs {
    /// The reader (as `imza card list` names it); default: the first with a card.
    #[arg(long, value_name = "NAME")]
    reader: Option<String>,
    /// Hold the card exclusively for the whole command (default: shared, with short
    /// transactions).
    #[arg(long)]
    exclusive: bool,
}

/// PIN choice.
#[derive(Debug, Args)]
pub(crate) struct PinArgs {
    /// Read the PIN from the first line of standard input.
    #[arg(long, conflicts_with = "pin_pad")]
    pin_stdin: bool,
    /// Let the person type the PIN on the reader's PIN pad.
    #[arg(long)]
    pin_pad: bool,
    /// Spend the last PIN try if it comes to that (a wrong PIN then blocks the card).
    #[arg(long)]
    allow_last_try: bool,
    /// Print the number of APDUs and the time the card operation took to stderr.
    #[arg(long)]
    stats: bool,
}

/// `imza card sign`.
#[derive(Debug, Args)]
pub(crate) struct CardSignArgs {
    /// The file to sign; with --format asice, the files to put in the container.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    reader: ReaderArgs,
    #[command(flatten)]
    pin: PinArgs,
    /// The signature format.
    #[arg(long, value_enum)]
    format: SignFormat,
    /// Leave the content out (`.p7s`); it is streamed.
    #[arg(long)]
    detached: bool,
    /// Chain certificates to embed (PEM bundles or DER), repeatable.
    #[arg(long = "chain", value_name = "FILE")]
    chain: Vec<PathBuf>,
    /// Where to write the signature (or the container).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
}

/// `imza card login`.
#[derive(Debug, Args)]
pub(crate) struct CardLoginArgs {
    /// The portal's origin (`https://host[:port]`).
    #[arg(long)]
    origin: String,
    /// The challenge nonce the portal issued.
    #[arg(long)]
    challenge: String,
    #[command(flatten)]
    reader: ReaderArgs,
    #[command(flatten)]
    pin: PinArgs,
}

fn card_failure(e: &CardError) -> Failure {
    let code = match e {
        CardError::WrongPin { .. }
        | CardError::PinBlocked
        | CardError::LastTryRefused
        | CardError::PinPadCancelled
        | CardError::PinEntryCancelled(_)
        | CardError::PinPadTimeout
        | CardError::PinPadLength
        | CardError::PinFormat(_)
        | CardError::SecurityStatusNotSatisfied => exit::INVALID,
        CardError::Malformed(_) | CardError::UnknownCard | CardError::NoKey(_) => exit::DATA,
        _ => exit::UNAVAILABLE,
    };
    Failure {
        code,
        message: format!("card: {e}"),
    }
}

fn imza_failure(e: &imza::Error) -> Failure {
    match e {
        imza::Error::Card(c) => card_failure(c),
        e => Failure {
            code: exit::DATA,
            message: format!("card: {e}"),
        },
    }
}

pub(crate) fn run(cmd: CardCommand) -> Result<u8, Failure> {
    match cmd {
        CardCommand::List { json } => list(json),
        CardCommand::Certs { reader, json } => certs(&reader, json),
        CardCommand::Sign(args) => sign(&args),
        CardCommand::Login(args) => login(&args),
    }
}

fn context() -> Result<Context, Failure> {
    Context::establish().map_err(|e| card_failure(&e))
}

fn list(json: bool) -> Result<u8, Failure> {
    let ctx = context()?;
    let registry = Registry::default();
    let mut out = Vec::new();
    for r in ctx.readers().map_err(|e| card_failure(&e))? {
        let profile = if r.card_present && !r.exclusive_elsewhere {
            ctx.connect(&r.name, Share::Shared)
                .ok()
                .and_then(|mut c| registry.detect(&mut c).ok().map(|p| p.name().to_string()))
        } else {
            None
        };
        out.push((r, profile));
    }
    if json {
        let v: Vec<serde_json::Value> = out
            .iter()
            .map(|(r, p)| {
                serde_json::json!({
                    "name": r.name,
                    "card_present": r.card_present,
                    "exclusive_elsewhere": r.exclusive_elsewhere,
                    "atr": r.atr,
                    "profile": p,
                })
            })
            .collect();
        exit::print_stdout(&format!("{}\n", serde_json::Value::Array(v)))?;
        return Ok(exit::OK);
    }
    if out.is_empty() {
        exit::print_stdout("no readers\n")?;
    }
    let mut text = String::new();
    for (r, p) in &out {
        let state = match (r.card_present, p, r.exclusive_elsewhere) {
            (false, _, _) => "empty".to_string(),
            (true, _, true) => "card in use by another application".to_string(),
            (true, Some(p), _) => format!("{p} card"),
            (true, None, _) => "unknown card".to_string(),
        };
        text.push_str(&format!("{}: {state}\n", r.name));
        if let Some(atr) = &r.atr {
            text.push_str(&format!("  ATR {atr}\n"));
        }
    }
    exit::print_stdout(&text)?;
    Ok(exit::OK)
}

/// Connects to the chosen reader's card.
fn connect(ctx: &Context, args: &ReaderArgs) -> Result<Card, Failure> {
    let share = if args.exclusive {
        Share::Exclusive
    } else {
        Share::Shared
    };
    let name = match &args.reader {
        Some(n) => n.clone(),
        None => ctx
            .readers()
            .map_err(|e| card_failure(&e))?
            .into_iter()
            .find(|r| r.card_present)
            .map(|r| r.name)
            .ok_or_else(|| card_failure(&CardError::NoCard))?,
    };
    ctx.connect(&name, share).map_err(|e| card_failure(&e))
}

fn certs(args: &ReaderArgs, json: bool) -> Result<u8, Failure> {
    let ctx = context()?;
    let mut card = connect(&ctx, args)?;
    let registry = Registry::default();
    let profile = registry.detect(&mut card).map_err(|e| card_failure(&e))?;
    let mut found = Vec::new();
    card.transaction(&mut |t| {
        found = profile.certificates(t)?;
        Ok(())
    })
    .map_err(|e| card_failure(&e))?;
    let mut entries = Vec::new();
    let mut text = format!("{} card in {}\n", profile.name(), card.reader());
    for c in &found {
        let parsed = imza::cert::parse_der(&c.der).map_err(|e| Failure {
            code: exit::DATA,
            message: format!("card certificate {}: {e}", c.slot),
        })?;
        let t = &parsed.tbs_certificate;
        text.push_str(&format!(
            "{} ({}): {}\n  issuer {}\n  valid until {}\n",
            c.slot,
            c.purpose.name(),
            t.subject,
            t.issuer,
            imza::time::UnixTime::from_x509(&t.validity.not_after)
        ));
        let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &c.der)
            .map_err(|e| Failure {
                code: exit::SOFTWARE,
                message: format!("PEM: {e}"),
            })?;
        entries.push(serde_json::json!({
            "slot": c.slot,
            "purpose": c.purpose,
            "subject": t.subject.to_string(),
            "issuer": t.issuer.to_string(),
            "serial": hex(t.serial_number.as_bytes()),
            "pem": pem,
        }));
    }
    if json {
        exit::print_stdout(&format!(
            "{}\n",
            serde_json::json!({"reader": card.reader(), "profile": profile.name(), "certificates": entries})
        ))?;
    } else {
        exit::print_stdout(&text)?;
    }
    Ok(exit::OK)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Reads the PIN: stdin, or a prompt on the terminal with echo off (`stty`), or the pad.
fn pin_entry(args: &PinArgs, what: &str) -> Result<PinEntry, Failure> {
    if args.pin_pad {
        return Ok(PinEntry::PinPad);
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    if args.pin_stdin {
        std::io::stdin()
            .lock()
            .take(128)
            .read_line(&mut line)
            .map_err(|e| Failure::usage(format!("reading the PIN from stdin: {e}")))?;
    } else {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .map_err(|_| {
                Failure::usage("no terminal to ask for the PIN: use --pin-stdin or --pin-pad")
            })?;
        let stty = |arg: &str| {
            std::process::Command::new("stty")
                .arg(arg)
                .stdin(
                    tty.try_clone()
                        .map_or(std::process::Stdio::null(), Into::into),
                )
                .status()
        };
        let _ = stty("-echo");
        let _ = write!(&tty, "{what} PIN: ");
        let read = std::io::BufReader::new(&tty).take(128).read_line(&mut line);
        let _ = stty("echo");
        let _ = writeln!(&tty);
        read.map_err(|e| Failure::usage(format!("reading the PIN: {e}")))?;
    }
    Pin::new(line.as_bytes())
        .map(PinEntry::Keyboard)
        .map_err(|e| card_failure(&e))
}

/// Counts the APDUs a card operation sends (shared, so it can be read while a signer
/// owns the transport).
struct Counting<T> {
    inner: T,
    apdus: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<T: CardTransport> CardTransport for Counting<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        self.apdus.set(self.apdus.get() + 1);
        self.inner.transmit(apdu)
    }

    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        let apdus = self.apdus.clone();
        self.inner.transaction(&mut |t| {
            body(&mut Counting {
                inner: Borrowed(t),
                apdus: apdus.clone(),
            })
        })
    }

    fn atr(&self) -> Vec<u8> {
        self.inner.atr()
    }

    fn features(&mut self) -> Vec<ReaderFeature> {
        self.inner.features()
    }

    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        self.inner.control(code, data)
    }
}

/// A borrowed transport as an owned one (inside a transaction).
struct Borrowed<'a>(&'a mut dyn CardTransport);

impl CardTransport for Borrowed<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        self.0.transmit(apdu)
    }

    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        body(self.0)
    }

    fn atr(&self) -> Vec<u8> {
        self.0.atr()
    }

    fn features(&mut self) -> Vec<ReaderFeature> {
        self.0.features()
    }

    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        self.0.control(code, data)
    }
}

/// Opens the card's `purpose` key as a signer and reports the PIN state.
fn open_signer<'r>(
    registry: &'r Registry,
    reader: &ReaderArgs,
    pin: &PinArgs,
    purpose: KeyPurpose,
) -> Result<CardSigner<'r, Counting<Card>>, Failure> {
    let ctx = context()?;
    let card = connect(&ctx, reader)?;
    let mut counting = Counting {
        inner: card,
        apdus: Default::default(),
    };
    let profile = registry
        .detect(&mut counting)
        .map_err(|e| card_failure(&e))?;
    let signer = CardSigner::open(counting, profile, purpose)
        .map_err(|e| card_failure(&e))?
        .allow_last_try(pin.allow_last_try);
    // The PIN state first: a blocked PIN is said before anyone types, and the tries left
    // are shown before the prompt.
    match signer.pin_status() {
        Ok(s) if s.blocked => return Err(card_failure(&CardError::PinBlocked)),
        Ok(s) => match s.tries_left {
            Some(n) => eprintln!("imza: {} PIN: {n} tries left", purpose.name()),
            None => eprintln!("imza: {} PIN: ready", purpose.name()),
        },
        Err(e) => eprintln!("imza: {} PIN state unknown: {e}", purpose.name()),
    }
    let signer = signer.with_pin(pin_entry(pin, purpose.name())?);
    Ok(signer)
}

/// The APDUs sent so far through the signer's transport.
fn apdus_so_far<T: CardTransport>(signer: &CardSigner<'_, Counting<T>>) -> usize {
    signer.with_transport(|t| t.apdus.get()).unwrap_or(0)
}

fn report_stats(enabled: bool, session: usize, signature: usize, took: Duration) {
    if enabled {
        eprintln!(
            "imza: card signature: {signature} APDUs, {:.1} ms (whole session {session} APDUs)",
            took.as_secs_f64() * 1000.0
        );
    }
}

fn sign(args: &CardSignArgs) -> Result<u8, Failure> {
    crate::sign::check_files(&args.files, args.format, args.detached)?;
    let mut chain: Vec<Vec<u8>> = Vec::new();
    for f in &args.chain {
        let bytes = exit::read_small(f)?;
        for c in imza::cert::parse_any(&bytes).map_err(|e| Failure::content(f, &e))? {
            let der = der::Encode::to_der(&c).map_err(|e| Failure {
                code: exit::DATA,
                message: format!("{}: {e}", f.display()),
            })?;
            chain.push(der);
        }
    }
    let registry = Registry::default();
    let signer = open_signer(&registry, &args.reader, &args.pin, KeyPurpose::Signing)?;
    let cert = signer.certificate().to_vec();
    let mut opts = imza::SignOptions::new(crate::inputs::now());
    opts.detached = args.detached;
    opts.chain = chain;
    let before = apdus_so_far(&signer);
    let started = Instant::now();
    crate::sign::sign_to(
        &args.files,
        args.format,
        &mut opts,
        &signer,
        &cert,
        &args.output,
        &imza_failure,
    )?;
    let took = started.elapsed();
    let total = apdus_so_far(&signer);
    report_stats(args.pin.stats, total, total - before, took);
    Ok(exit::OK)
}

fn login(args: &CardLoginArgs) -> Result<u8, Failure> {
    let registry = Registry::default();
    let signer = open_signer(
        &registry,
        &args.reader,
        &args.pin,
        KeyPurpose::Authentication,
    )?
    .with_encoding(EcdsaEncoding::Fixed);
    let cert = signer.certificate().to_vec();
    let before = apdus_so_far(&signer);
    let started = Instant::now();
    let token = imza::webeid::create_token(
        &signer,
        &cert,
        &args.origin,
        &args.challenge,
        concat!("imza ", env!("CARGO_PKG_VERSION")),
    )
    .map_err(|e| imza_failure(&e))?;
    let took = started.elapsed();
    let total = apdus_so_far(&signer);
    report_stats(args.pin.stats, total, total - before, took);
    exit::print_stdout(&format!("{token}\n"))?;
    Ok(exit::OK)
}
