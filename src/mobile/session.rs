//! The session state machine. It decides what to send and until when to wait; the caller
//! (or [`run`]) moves the bytes and keeps the time. Nothing here sleeps or reads a clock.
//!
//! Times are monotonic [`Duration`]s from any origin the caller picks (an `Instant` at
//! start, a test's counter).

use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use super::{
    Completed, MobileError, Operation, Outgoing, Person, Polled, Provider, RelyingParty, Start,
    Started, VerificationCode,
};
use crate::error::Error;
use crate::transport::{Method, Request, Response, Transport};

/// Timing and retry settings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The whole session must end within this (from [`Session::new`]): the provider's own
    /// timeout is about two minutes, so the default is three.
    pub deadline: Duration,
    /// How long the server may hold one poll (`timeoutMs`); longer means fewer requests,
    /// shorter means a cancellation is noticed sooner.
    pub long_poll: Duration,
    /// Added to `long_poll` for the HTTP timeout of a poll, so the client never gives up
    /// before the server answers.
    pub http_margin: Duration,
    /// HTTP timeout of the start request.
    pub request_timeout: Duration,
    /// Polls start at least this far apart, even when a server answers at once: a server
    /// that ignores `timeoutMs` must not turn the loop into a busy wait.
    pub min_poll_interval: Duration,
    /// Attempts of one idempotent request (polls, certificate queries) on HTTP 5xx or a
    /// transport failure. Requests that open a session are sent once: a retry could prompt
    /// the phone twice.
    pub max_attempts: u32,
    /// Wait before the first retry; doubles with each further one.
    pub retry_backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(180),
            long_poll: Duration::from_secs(20),
            http_margin: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            min_poll_interval: Duration::from_secs(1),
            max_attempts: 4,
            retry_backoff: Duration::from_secs(1),
        }
    }
}

/// What the caller should do next.
#[derive(Debug)]
pub enum Action<'s> {
    /// Send this request and pass the outcome to [`Session::receive`].
    Send(Request<'s>),
    /// Call [`Session::next`] again at this time (not before).
    Wait(Duration),
    /// The session ended successfully; [`validate`](super::validate) the result next.
    Done(Completed),
}

#[derive(Clone, Debug)]
enum Phase {
    Start,
    Poll(String),
}

#[derive(Clone, Debug)]
enum State {
    /// `outgoing` is ready to send from this time on.
    Ready(Duration),
    /// `outgoing` was sent at this time; a response is due.
    Awaiting(Duration),
    Done(Completed),
    Failed(MobileError),
}

/// One mobile-ID session: a certificate query, a signature or an authentication.
pub struct Session<'p> {
    provider: &'p dyn Provider,
    operation: Operation,
    config: Config,
    deadline: Duration,
    phase: Phase,
    state: State,
    outgoing: Outgoing,
    attempts: u32,
    code: Option<VerificationCode>,
}

impl core::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("provider", &self.provider.name())
            .field("operation", &self.operation)
            .field("phase", &self.phase)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<'p> Session<'p> {
    /// A session starting `start` for `person` at time `now`. Checks every input (person,
    /// hash, display text) before anything is sent.
    pub fn new(
        provider: &'p dyn Provider,
        rp: &RelyingParty,
        person: &Person,
        start: &Start,
        config: Config,
        now: Duration,
    ) -> Result<Self, MobileError> {
        let outgoing = provider.start(rp, person, start, config.request_timeout)?;
        let code = start
            .hash
            .as_ref()
            .map(|h| provider.verification_code(h.as_ref()));
        Ok(Self {
            provider,
            operation: start.operation,
            deadline: now.saturating_add(config.deadline),
            config,
            phase: Phase::Start,
            state: State::Ready(now),
            outgoing,
            attempts: 0,
            code,
        })
    }

    /// The verification code to show while the person confirms (none for a certificate
    /// query).
    pub fn verification_code(&self) -> Option<&VerificationCode> {
        self.code.as_ref()
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Ends the session: the next [`Session::next`] returns [`MobileError::Cancelled`]. The
    /// providers have no cancel call; the phone's prompt times out on its own.
    pub fn cancel(&mut self) {
        if !matches!(self.state, State::Done(_) | State::Failed(_)) {
            self.state = State::Failed(MobileError::Cancelled);
        }
    }

    /// What to do at `now`.
    pub fn next(&mut self, now: Duration) -> Result<Action<'_>, MobileError> {
        match &self.state {
            State::Failed(e) => return Err(e.clone()),
            State::Done(c) => return Ok(Action::Done(c.clone())),
            State::Awaiting(_) => {
                return Err(MobileError::InvalidInput {
                    what: "session use",
                    detail: "next() called while a response is outstanding".into(),
                })
            }
            State::Ready(_) if now >= self.deadline => {
                self.state = State::Failed(MobileError::DeadlineExceeded);
                return Err(MobileError::DeadlineExceeded);
            }
            State::Ready(at) if now < *at => return Ok(Action::Wait((*at).min(self.deadline))),
            State::Ready(_) => {}
        }
        if let Phase::Poll(id) = &self.phase {
            // Never ask the server to hold a poll past the deadline.
            let (min, max) = self.provider.poll_bounds();
            let left = self.deadline.saturating_sub(now);
            let hold = self.config.long_poll.min(left).clamp(min, max);
            let http = hold.saturating_add(self.config.http_margin);
            self.outgoing = self.provider.poll(self.operation, id, hold, http);
        }
        self.state = State::Awaiting(now);
        Ok(Action::Send(self.outgoing.request()))
    }

    /// Takes the outcome of the request [`Session::next`] asked for. A terminal failure is
    /// returned here and by every later `next`.
    pub fn receive(
        &mut self,
        now: Duration,
        outcome: Result<Response, Error>,
    ) -> Result<(), MobileError> {
        let State::Awaiting(sent) = self.state else {
            return Err(MobileError::InvalidInput {
                what: "session use",
                detail: "receive() without a request outstanding".into(),
            });
        };
        let idempotent = self.outgoing.method == Method::Get
            || self.operation == Operation::Certificate && matches!(self.phase, Phase::Start);
        // Transport failures and 5xx (other than a declared maintenance) may be retried.
        let retryable = match &outcome {
            Err(e) => Some(match e {
                Error::LimitExceeded { what, limit } => {
                    return self.fail(MobileError::Transport {
                        reason: alloc::format!("{what} over {limit} bytes"),
                    })
                }
                other => MobileError::Transport {
                    reason: alloc::format!("{other}"),
                },
            }),
            Ok(r) if (500..=599).contains(&r.status) && r.status != 580 => {
                Some(MobileError::ServerError {
                    status: r.status,
                    attempts: self.attempts + 1,
                })
            }
            Ok(_) => None,
        };
        if let Some(err) = retryable {
            self.attempts += 1;
            if !idempotent || self.attempts >= self.config.max_attempts {
                let err = match err {
                    MobileError::ServerError { status, .. } => MobileError::ServerError {
                        status,
                        attempts: self.attempts,
                    },
                    e => e,
                };
                return self.fail(err);
            }
            let factor = 1u32 << (self.attempts - 1).min(6);
            let wait = self.config.retry_backoff.saturating_mul(factor);
            self.state = State::Ready(now.saturating_add(wait));
            return Ok(());
        }
        let Ok(resp) = outcome else {
            return self.fail(MobileError::Transport {
                reason: "no response".into(),
            });
        };
        self.attempts = 0;
        let result = match &self.phase {
            Phase::Start => self
                .provider
                .parse_start(self.operation, &resp)
                .map(|s| match s {
                    Started::Session(id) => Some(id),
                    Started::Done(c) => {
                        self.state = State::Done(c);
                        None
                    }
                }),
            Phase::Poll(_) => self
                .provider
                .parse_poll(self.operation, &resp)
                .map(|p| match p {
                    Polled::Running => None,
                    Polled::Done(c) => {
                        self.state = State::Done(c);
                        None
                    }
                }),
        };
        match result {
            Err(e) => self.fail(e),
            Ok(_) if matches!(self.state, State::Done(_)) => Ok(()),
            Ok(Some(id)) => {
                self.phase = Phase::Poll(id);
                self.state = State::Ready(now);
                Ok(())
            }
            Ok(None) => {
                // Still running: the next poll no sooner than min_poll_interval after this one
                // started, however fast the server answered.
                self.state =
                    State::Ready(sent.saturating_add(self.config.min_poll_interval).max(now));
                Ok(())
            }
        }
    }

    fn fail(&mut self, e: MobileError) -> Result<(), MobileError> {
        self.state = State::Failed(e.clone());
        Err(e)
    }
}

/// A shared flag to cancel a running session from another thread (a "Cancel" button).
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A fresh token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the session to stop at its next step (a long poll in flight finishes first).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Time for [`run`]: a monotonic clock and a way to wait.
pub trait Clock {
    /// Monotonic time since an origin of the clock's choosing.
    fn now(&self) -> Duration;
    /// Blocks until `until` (or returns early; [`run`] checks the time again).
    fn sleep_until(&self, until: Duration);
}

/// Longest single wait in [`run`], so that a cancellation is seen within it.
const WAIT_SLICE: Duration = Duration::from_millis(200);

/// Drives `session` to its end over `transport`, waiting with `clock`, stopping when
/// `cancel` is set.
pub fn run(
    session: &mut Session<'_>,
    transport: &dyn Transport,
    clock: &dyn Clock,
    cancel: &CancelToken,
) -> Result<Completed, MobileError> {
    loop {
        if cancel.is_cancelled() {
            session.cancel();
        }
        let sent = match session.next(clock.now())? {
            Action::Done(c) => return Ok(c),
            Action::Wait(until) => {
                let now = clock.now();
                clock.sleep_until(until.min(now.saturating_add(WAIT_SLICE)));
                continue;
            }
            Action::Send(req) => transport.send(&req),
        };
        session.receive(clock.now(), sent)?;
    }
}

#[cfg(feature = "http")]
pub use system::SystemClock;

#[cfg(feature = "http")]
mod system {
    use super::*;

    /// The operating system's monotonic clock; waits by putting the thread to sleep. This is
    /// the blocking I/O side, like [`BlockingHttp`](crate::transport::BlockingHttp).
    #[derive(Clone, Copy, Debug)]
    pub struct SystemClock {
        origin: std::time::Instant,
    }

    impl SystemClock {
        /// A clock whose origin is now.
        pub fn new() -> Self {
            Self {
                origin: std::time::Instant::now(),
            }
        }
    }

    impl Default for SystemClock {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Clock for SystemClock {
        fn now(&self) -> Duration {
            self.origin.elapsed()
        }

        fn sleep_until(&self, until: Duration) {
            let now = self.now();
            if until > now {
                std::thread::sleep(until - now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::HashAlgorithm;
    use crate::mobile::{hash_value, mid::MobileId};
    use alloc::vec::Vec;

    fn ok(body: &str) -> Result<Response, Error> {
        status(200, body)
    }

    fn status(status: u16, body: &str) -> Result<Response, Error> {
        Ok(Response {
            status,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
        })
    }

    const SECS: fn(u64) -> Duration = Duration::from_secs;

    fn session(p: &MobileId, config: Config) -> Session<'_> {
        let rp = RelyingParty::new("00000000-0000-0000-0000-000000000000", "DEMO").unwrap();
        let person = Person::Phone {
            phone: "+37200000766".into(),
            national_id: "60001019906".into(),
        };
        let hash = hash_value(HashAlgorithm::Sha256, &[7; 32]).unwrap();
        Session::new(p, &rp, &person, &Start::sign(hash), config, SECS(0)).unwrap()
    }

    /// Sends whatever the session asks for at `now`, returning the URL.
    fn send(s: &mut Session<'_>, now: Duration) -> String {
        match s.next(now).unwrap() {
            Action::Send(r) => r.url.into(),
            other => panic!("expected a request, got {other:?}"),
        }
    }

    #[test]
    fn start_poll_complete() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let mut s = session(&p, Config::default());
        // ((0x07 & 0xFC) << 5) | (0x07 & 0x7F) = 135
        assert_eq!(s.verification_code().unwrap().as_str(), "0135");
        assert!(send(&mut s, SECS(0)).ends_with("/mid-api/signature"));
        s.receive(SECS(0), ok(r#"{"sessionID":"abc-1"}"#)).unwrap();
        let url = send(&mut s, SECS(0));
        assert!(
            url.ends_with("/signature/session/abc-1?timeoutMs=20000"),
            "{url}"
        );
        s.receive(SECS(20), ok(r#"{"state":"RUNNING"}"#)).unwrap();
        send(&mut s, SECS(20));
        s.receive(
            SECS(21),
            ok(r#"{"state":"COMPLETE","result":"OK","signature":{"value":"AAAA","algorithm":"SHA256WithECEncryption"}}"#),
        )
        .unwrap();
        assert!(
            matches!(s.next(SECS(21)), Ok(Action::Done(c)) if c.signature == Some(alloc::vec![0, 0, 0]))
        );
    }

    /// A server that answers RUNNING at once is polled no more than once per
    /// `min_poll_interval`.
    #[test]
    fn fast_running_answers_do_not_busy_wait() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let mut s = session(&p, Config::default());
        send(&mut s, SECS(0));
        s.receive(SECS(0), ok(r#"{"sessionID":"abc"}"#)).unwrap();
        let t = Duration::from_millis(100);
        send(&mut s, t);
        s.receive(t + Duration::from_millis(5), ok(r#"{"state":"RUNNING"}"#))
            .unwrap();
        match s.next(t + Duration::from_millis(6)).unwrap() {
            Action::Wait(until) => assert_eq!(until, t + SECS(1)),
            other => panic!("{other:?}"),
        }
        // Asking again early changes nothing.
        assert!(matches!(
            s.next(t + Duration::from_millis(500)),
            Ok(Action::Wait(_))
        ));
        send(&mut s, t + SECS(1));
    }

    #[test]
    fn polls_retry_5xx_with_backoff_then_give_up() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let mut s = session(&p, Config::default());
        send(&mut s, SECS(0));
        s.receive(SECS(0), ok(r#"{"sessionID":"abc"}"#)).unwrap();
        let mut now = SECS(0);
        let mut waits = Vec::new();
        for _ in 0..3 {
            send(&mut s, now);
            s.receive(now, status(500, "{}")).unwrap();
            match s.next(now).unwrap() {
                Action::Wait(until) => {
                    waits.push(until - now);
                    now = until;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(waits, [SECS(1), SECS(2), SECS(4)]);
        send(&mut s, now);
        assert_eq!(
            s.receive(now, status(503, "")),
            Err(MobileError::ServerError {
                status: 503,
                attempts: 4
            })
        );
        assert!(s.next(now).is_err());
    }

    #[test]
    fn session_start_is_not_retried() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let mut s = session(&p, Config::default());
        send(&mut s, SECS(0));
        assert_eq!(
            s.receive(SECS(0), status(500, "")),
            Err(MobileError::ServerError {
                status: 500,
                attempts: 1
            })
        );
    }

    #[test]
    fn deadline_and_long_poll_never_outlast_it() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let config = Config {
            deadline: SECS(30),
            ..Config::default()
        };
        let mut s = session(&p, config);
        send(&mut s, SECS(0));
        s.receive(SECS(0), ok(r#"{"sessionID":"abc"}"#)).unwrap();
        send(&mut s, SECS(0));
        s.receive(SECS(20), ok(r#"{"state":"RUNNING"}"#)).unwrap();
        let url = send(&mut s, SECS(25));
        assert!(url.ends_with("timeoutMs=5000"), "{url}");
        s.receive(SECS(30), ok(r#"{"state":"RUNNING"}"#)).unwrap();
        assert_eq!(s.next(SECS(30)).unwrap_err(), MobileError::DeadlineExceeded);
    }

    #[test]
    fn cancel_and_misuse() {
        let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
        let mut s = session(&p, Config::default());
        assert!(s.receive(SECS(0), ok("{}")).is_err());
        send(&mut s, SECS(0));
        assert!(s.next(SECS(0)).is_err());
        s.cancel();
        assert_eq!(s.next(SECS(1)).unwrap_err(), MobileError::Cancelled);
    }
}
