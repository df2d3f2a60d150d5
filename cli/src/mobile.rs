//! `imza mobile`: sign a file or log in with a phone (Estonian Mobile-ID, Smart-ID).
//!
//! The verification code goes to stderr as soon as it is known, so the person can compare
//! it with the phone while the command waits. The relying-party UUID is a credential: pass
//! it in `IMZA_RP_UUID` rather than on the command line where `ps` shows it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use imza::mobile::{
    self, mid::MobileId, smartid::SmartId, Client, Identity, Language, MobileError, MobileSigner,
    Person, Provider, RelyingParty, SignerOptions, SystemClock, Trust, VerificationCode,
};
use imza::transport::BlockingHttp;

use crate::exit::{self, Failure};
use crate::sign::SignFormat;

/// `imza mobile ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum MobileCommand {
    /// Sign a file (CAdES baseline B) with the person's mobile ID.
    Sign(MobileSignArgs),
    /// Authenticate the person with their mobile ID and print who they are.
    Login(MobileLoginArgs),
}

/// The service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProviderName {
    /// Estonian Mobile-ID REST API.
    Mid,
    /// Smart-ID RP API v2.
    Smartid,
}

/// The prompt language (Mobile-ID).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LanguageArg {
    /// Estonian.
    Est,
    /// English.
    Eng,
    /// Russian.
    Rus,
    /// Lithuanian.
    Lit,
}

/// Mobile-ID display-text limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextLimitsArg {
    /// 100 GSM-7 septets / 50 UCS-2 characters.
    Notes,
    /// 40 GSM-7 septets / 20 UCS-2 characters.
    Sk,
}

/// Service, relying party, person, trust.
#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    /// The service's API.
    #[arg(long, value_enum)]
    provider: ProviderName,
    /// The service's base URL (`https://.../mid-api`, `https://.../v2`).
    #[arg(long, value_name = "URL")]
    url: String,
    /// The relying party's UUID.
    #[arg(
        long,
        env = "IMZA_RP_UUID",
        hide_env_values = true,
        value_name = "UUID"
    )]
    rp_uuid: String,
    /// The relying party's registered name.
    #[arg(long, value_name = "NAME")]
    rp_name: String,
    /// Mobile-ID: the person's phone number (`+372...`).
    #[arg(long, value_name = "NUMBER", requires = "id")]
    phone: Option<String>,
    /// The national identity number (Mobile-ID with --phone; Smart-ID alone).
    #[arg(long, value_name = "CODE")]
    id: Option<String>,
    /// Smart-ID: the country of --id.
    #[arg(long, value_name = "CC", default_value = "EE")]
    country: String,
    /// Smart-ID: the document number.
    #[arg(long, value_name = "NUMBER", conflicts_with_all = ["phone", "id"])]
    document: Option<String>,
    /// The service's root CAs (PEM bundles, DER, or folders), repeatable.
    #[arg(long = "trust", value_name = "FILE", required = true)]
    trust: Vec<PathBuf>,
    /// The service's intermediate CAs (PEM bundles or DER), repeatable; a signature embeds
    /// them.
    #[arg(long = "intermediate", value_name = "FILE")]
    intermediates: Vec<PathBuf>,
    /// The text shown on the phone.
    #[arg(long, value_name = "TEXT")]
    display_text: Option<String>,
    /// Mobile-ID display-text limits: `notes` (100 GSM-7 / 50 UCS-2 characters) or `sk`
    /// (40 / 20, SK's current MID REST specification).
    #[arg(long, value_enum, default_value = "notes")]
    mid_text_limits: TextLimitsArg,
    /// The prompt language (Mobile-ID).
    #[arg(long, value_enum, default_value = "eng")]
    language: LanguageArg,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 180)]
    timeout: u64,
    /// How long the service may hold one poll, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20, hide = true)]
    long_poll: u64,
}

/// `imza mobile sign`.
#[derive(Debug, Args)]
pub(crate) struct MobileSignArgs {
    /// The file to sign; with --format asice, the files to put in the container.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    session: SessionArgs,
    /// The signature format.
    #[arg(long, value_enum)]
    format: SignFormat,
    /// Leave the content out (`.p7s`); it is streamed.
    #[arg(long)]
    detached: bool,
    /// Where to write the signature (or the container).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
}

/// `imza mobile login`.
#[derive(Debug, Args)]
pub(crate) struct MobileLoginArgs {
    #[command(flatten)]
    session: SessionArgs,
    /// JSON output (with the certificate as PEM).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: MobileCommand) -> Result<u8, Failure> {
    match cmd {
        MobileCommand::Sign(args) => sign(&args),
        MobileCommand::Login(args) => login(&args),
    }
}

/// One line per failure, with an exit code by who must act: the person (1), the operator
/// or the service (69), a response imza refused (65), the command line (64).
pub(crate) fn mobile_failure(e: &MobileError) -> Failure {
    let code = match e {
        e if e.is_person_outcome() => exit::INVALID,
        MobileError::InvalidInput { .. }
        | MobileError::DisplayTextTooLong { .. }
        | MobileError::DisplayTextNotEncodable { .. } => exit::USAGE,
        MobileError::Malformed { .. }
        | MobileError::BadSignature
        | MobileError::AlgorithmMismatch { .. }
        | MobileError::UntrustedCertificate(_)
        | MobileError::SubjectMismatch { .. }
        | MobileError::CertificateChanged
        | MobileError::UnknownResult { .. } => exit::DATA,
        _ => exit::UNAVAILABLE,
    };
    Failure {
        code,
        message: format!("mobile ID: {e}"),
    }
}

struct Setup {
    provider: Box<dyn Provider>,
    rp: RelyingParty,
    person: Person,
    store: imza::trust::TrustStore,
    intermediates: Vec<Vec<u8>>,
    options: SignerOptions,
    config: mobile::Config,
}

fn setup(a: &SessionArgs) -> Result<Setup, Failure> {
    let fail = |e: MobileError| mobile_failure(&e);
    let provider: Box<dyn Provider> = match a.provider {
        ProviderName::Mid => {
            let mut p = MobileId::new(&a.url).map_err(fail)?;
            if a.mid_text_limits == TextLimitsArg::Sk {
                p.text_limits = mobile::display::MobileIdLimits::SK_MID_REST;
            }
            Box::new(p)
        }
        ProviderName::Smartid => Box::new(SmartId::new(&a.url).map_err(fail)?),
    };
    let person = match (a.provider, &a.phone, &a.id, &a.document) {
        (ProviderName::Mid, Some(phone), Some(id), None) => Person::Phone {
            phone: phone.clone(),
            national_id: id.clone(),
        },
        (ProviderName::Mid, ..) => {
            return Err(Failure::usage("--provider mid needs --phone and --id"))
        }
        (ProviderName::Smartid, None, Some(id), None) => {
            Person::Etsi(format!("PNO{}-{id}", a.country.to_ascii_uppercase()))
        }
        (ProviderName::Smartid, None, None, Some(doc)) => Person::Document(doc.clone()),
        (ProviderName::Smartid, ..) => {
            return Err(Failure::usage(
                "--provider smartid needs --id or --document",
            ))
        }
    };
    person.check().map_err(fail)?;
    let rp = RelyingParty::new(&a.rp_uuid, &a.rp_name).map_err(fail)?;
    let store = crate::inputs::load_trust(&a.trust, false)?;
    let mut intermediates = Vec::new();
    for f in &a.intermediates {
        let bytes = exit::read_small(f)?;
        for c in imza::cert::parse_any(&bytes).map_err(|e| Failure::content(f, &e))? {
            intermediates.push(
                der::Encode::to_der(&c)
                    .map_err(|e| Failure::content(f, &crate::inputs::malformed(e)))?,
            );
        }
    }
    let mut options = SignerOptions::default();
    options.display_text = a.display_text.clone();
    options.language = match a.language {
        LanguageArg::Est => Language::Est,
        LanguageArg::Eng => Language::Eng,
        LanguageArg::Rus => Language::Rus,
        LanguageArg::Lit => Language::Lit,
    };
    let mut config = mobile::Config::default();
    config.deadline = Duration::from_secs(a.timeout.max(1));
    config.long_poll = Duration::from_secs(a.long_poll.clamp(1, 120));
    Ok(Setup {
        provider,
        rp,
        person,
        store,
        intermediates,
        options,
        config,
    })
}

impl Setup {
    fn client<'a>(&'a self, transport: &'a BlockingHttp, clock: &'a SystemClock) -> Client<'a> {
        let mut client = Client::new(self.provider.as_ref(), transport, clock, &self.rp);
        client.config = self.config.clone();
        client
    }

    fn trust(&self) -> Trust<'_> {
        Trust {
            store: &self.store,
            intermediates: &self.intermediates,
            time: crate::inputs::now(),
            policy: imza::crypto::Policy::STRICT,
        }
    }
}

fn show_code(code: &VerificationCode) {
    eprintln!(
        "Verification code: {code}\nCheck that the phone shows the same code before confirming."
    );
}

fn describe(id: &Identity) -> String {
    let id = &id.person;
    let name = match (&id.given_name, &id.surname) {
        (Some(g), Some(s)) => format!("{g} {s}"),
        _ => id.common_name.clone().unwrap_or_default(),
    };
    match &id.serial_number {
        Some(sn) => format!("{name} ({sn})"),
        None => name,
    }
}

fn sign(args: &MobileSignArgs) -> Result<u8, Failure> {
    crate::sign::check_files(&args.files, args.format, args.detached)?;
    let s = setup(&args.session)?;
    let (transport, clock) = (BlockingHttp::new(), SystemClock::new());
    let client = s.client(&transport, &clock);
    let trust = s.trust();
    let on_code: &dyn Fn(&VerificationCode) = &show_code;
    // --timeout covers the whole command: the certificate query and the signature.
    let started = std::time::Instant::now();
    let mut signer =
        MobileSigner::connect(client, s.person.clone(), trust, s.options.clone(), on_code)
            .map_err(|e| mobile_failure(&e))?;
    let left = s.config.deadline.saturating_sub(started.elapsed());
    if left.is_zero() {
        return Err(mobile_failure(&MobileError::DeadlineExceeded));
    }
    signer.config_mut().deadline = left;
    eprintln!("Signing as {}", describe(signer.identity()));
    let cert = signer.certificate().to_vec();
    let mut opts = imza::SignOptions::new(crate::inputs::now());
    opts.detached = args.detached;
    opts.chain.clone_from(&s.intermediates);
    let written = crate::sign::sign_to(
        &args.files,
        args.format,
        &mut opts,
        &signer,
        &cert,
        &args.output,
        &|e| match e {
            imza::Error::Mobile(m) => mobile_failure(m),
            e => Failure {
                code: exit::DATA,
                message: format!("signing failed: {e}"),
            },
        },
    )?;
    eprintln!("Signed; wrote {} ({written} bytes)", args.output.display(),);
    Ok(exit::OK)
}

fn login(args: &MobileLoginArgs) -> Result<u8, Failure> {
    let s = setup(&args.session)?;
    let (transport, clock) = (BlockingHttp::new(), SystemClock::new());
    let client = s.client(&transport, &clock);
    let trust = s.trust();
    let hash =
        mobile::random_hash(imza::crypto::HashAlgorithm::Sha256).map_err(|e| mobile_failure(&e))?;
    let auth = mobile::authenticate(
        &client, &s.person, &hash, &s.options, &trust, &show_code, None,
    )
    .map_err(|e| mobile_failure(&e))?;
    if args.json {
        let out = auth.report(s.provider.name()).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
        let text = serde_json::to_string_pretty(&out).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: format!("JSON: {e}"),
        })?;
        exit::print_stdout(&format!("{text}\n"))?;
    } else {
        exit::print_stdout(&format!("authenticated: {}\n", describe(&auth.identity)))?;
    }
    Ok(exit::OK)
}
