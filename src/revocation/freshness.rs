//! The time rules OCSP responses and CRLs share: what "fresh" means, what "dated in the
//! future" means, and the status they answer with. Both `ocsp` and `crl` use them; neither
//! depends on the other.

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::Policy;
use crate::time::UnixTime;

/// How to judge revocation data (OCSP responses and CRLs alike).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// The time the status is wanted for.
    pub time: UnixTime,
    /// The current time, by the caller's clock (the core reads no clock). Data issued after
    /// it (thisUpdate, producedAt) is refused as dated in the future, whatever the
    /// validation time: a response cannot speak for a time after the moment we judge it.
    /// `None` (what [`Options::new`] sets) means `time`; front ends set the real clock.
    pub now: Option<UnixTime>,
    /// Clock skew tolerated on thisUpdate/nextUpdate, seconds.
    pub skew: u64,
    /// For a response older than `time` without nextUpdate: how old it may be, seconds.
    pub max_age: u64,
    /// The nonce sent, which the response must echo.
    pub nonce: Option<Vec<u8>>,
    /// Acceptable signature algorithms and key sizes.
    pub crypto_policy: Policy,
}

impl Options {
    /// At `time`, 5 minutes skew, 7 days maximum age, no nonce.
    pub fn new(time: UnixTime) -> Self {
        Self {
            time,
            now: None,
            skew: 300,
            max_age: 7 * 86_400,
            nonce: None,
            crypto_policy: Policy::STRICT,
        }
    }
}

/// A certificate's status at the validation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    /// Not revoked at the validation time. A certificate revoked only after it is `Good`.
    Good,
    /// Revoked at or before the validation time.
    Revoked {
        /// When.
        time: UnixTime,
        /// The CRLReason code, when given.
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// Refuses a time later than the current time plus the skew.
pub(crate) fn not_in_future(what: &str, t: UnixTime, opts: &Options) -> Result<(), Stale> {
    let now = opts.now.unwrap_or(opts.time);
    if t.as_secs() > now.as_secs().saturating_add(opts.skew) {
        return Err(Stale::IssuedInFuture(alloc::format!(
            "{what} {t} is after the current time {now}"
        )));
    }
    Ok(())
}

/// Does this response (or CRL) speak for the validation time? A response made after it does (a
/// revocation is permanent, and a later "good" covers earlier times); an older one must
/// still be within nextUpdate, or, without nextUpdate, within the maximum age.
pub(crate) fn freshness(
    this_update: UnixTime,
    next_update: Option<UnixTime>,
    opts: &Options,
) -> Result<(), Stale> {
    not_in_future("thisUpdate", this_update, opts)?;
    let t = opts.time.as_secs();
    let this = this_update.as_secs();
    if let Some(next) = next_update {
        if next < this_update {
            return Err(Stale::NotFresh("nextUpdate is before thisUpdate".into()));
        }
    }
    if this + opts.skew >= t {
        return Ok(());
    }
    match next_update {
        Some(next) if next.as_secs() + opts.skew >= t => Ok(()),
        Some(next) => Err(Stale::NotFresh(alloc::format!(
            "nextUpdate {next} is before the validation time {}",
            opts.time
        ))),
        None if t - this <= opts.max_age => Ok(()),
        None => Err(Stale::NotFresh(alloc::format!(
            "thisUpdate {this_update} is more than {} s before the validation time {}",
            opts.max_age,
            opts.time
        ))),
    }
}

/// Why revocation data does not speak for the validation time; `ocsp` and `crl` turn it
/// into their own error's variant of the same name.
#[derive(Debug)]
pub(crate) enum Stale {
    /// Too old for the validation time.
    NotFresh(String),
    /// Dated after the current time plus the skew.
    IssuedInFuture(String),
}
