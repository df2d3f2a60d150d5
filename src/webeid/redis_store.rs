//! A [`ChallengeStore`] over Redis, so that every node of a portal sees one set of
//! challenges and each challenge is accepted at most once across them.
//!
//! A challenge is one string key, `PREFIX + key`, holding `v1:<expires_at>:<nonce>` with a
//! Redis TTL a minute past the expiry (the TTL only collects garbage; expiry is judged
//! against the caller's `now`, as everywhere in imza). `take` is `GETDEL` (Redis 6.2 and
//! later), a single atomic command: of two nodes racing for one challenge, one gets the
//! value and the other nil. On an older server, which answers "unknown command", the
//! same get-and-delete runs as a Lua script, which Redis also executes atomically.

use std::string::String;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::challenge::{check_expiry, check_key, Challenge, ChallengeError, ChallengeStore};
use crate::time::UnixTime;

/// Seconds the Redis TTL outlives a challenge's expiry, so that a late `take` still says
/// "expired" rather than "not found".
const TTL_SLACK_SECS: u64 = 60;

const GETDEL_SCRIPT: &str = "local v = redis.call('GET', KEYS[1]) \
                             if v then redis.call('DEL', KEYS[1]) end \
                             return v";

/// A [`ChallengeStore`] on a Redis server (the `redis` feature). One connection is kept
/// and reopened after an I/O error; the store is `Sync`, and calls from several threads
/// take turns on the connection.
pub struct RedisChallengeStore {
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    conn: Mutex<Option<redis::Connection>>,
    getdel_unsupported: AtomicBool,
}

impl core::fmt::Debug for RedisChallengeStore {
    // The URL may hold a password: not printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisChallengeStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What went wrong, for a person: the I/O error (`Connection refused`), or the category
/// and the server's detail. Never the URL, which may hold a password.
fn store_error(what: &str, e: &redis::RedisError) -> ChallengeError {
    let reason = if e.is_io_error() {
        alloc::format!("Redis {what}: {e}")
    } else {
        match e.detail() {
            Some(d) => alloc::format!("Redis {what}: {}: {d}", e.category()),
            None => alloc::format!("Redis {what}: {}", e.category()),
        }
    };
    ChallengeError::Store { reason }
}

impl RedisChallengeStore {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "imza:webeid:challenge:";

    /// A store on the server at `url` (`redis://127.0.0.1:6379/0`,
    /// `redis://:password@host/`). No connection is made until the first call.
    pub fn open(url: &str) -> Result<Self, ChallengeError> {
        let client = redis::Client::open(url).map_err(|e| store_error("URL", &e))?;
        Ok(Self {
            client,
            prefix: Self::DEFAULT_PREFIX.into(),
            timeout: Duration::from_secs(2),
            conn: Mutex::new(None),
            getdel_unsupported: AtomicBool::new(false),
        })
    }

    /// Uses `prefix` before every key instead of [`Self::DEFAULT_PREFIX`] (several portals on
    /// one server).
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Connect, read and write timeout (default 2 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn run<T>(
        &self,
        what: &str,
        mut op: impl FnMut(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, ChallengeError> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let conn = match guard.take() {
            Some(c) => guard.insert(c),
            None => {
                let c = self
                    .client
                    .get_connection_with_timeout(self.timeout)
                    .map_err(|e| store_error("connect", &e))?;
                c.set_read_timeout(Some(self.timeout))
                    .and_then(|()| c.set_write_timeout(Some(self.timeout)))
                    .map_err(|e| store_error("connect", &e))?;
                guard.insert(c)
            }
        };
        match op(conn) {
            Ok(v) => Ok(v),
            Err(e) => {
                if e.is_io_error() || e.is_connection_dropped() || e.is_timeout() {
                    // A half-read reply would desynchronise the next command: reconnect.
                    *guard = None;
                }
                Err(store_error(what, &e))
            }
        }
    }

    fn full_key(&self, key: &str) -> String {
        let mut k = String::with_capacity(self.prefix.len() + key.len());
        k.push_str(&self.prefix);
        k.push_str(key);
        k
    }

    fn get_and_delete(&self, key: &str) -> Result<Option<String>, ChallengeError> {
        if !self.getdel_unsupported.load(Ordering::Relaxed) {
            let mut unknown_command = false;
            let r = self.run("GETDEL", |c| {
                let r = redis::cmd("GETDEL").arg(key).query::<Option<String>>(c);
                if let Err(e) = &r {
                    unknown_command = e.code() == Some("ERR")
                        && e.detail().is_some_and(|d| d.contains("unknown command"));
                }
                r
            });
            if !unknown_command {
                return r;
            }
            // Redis before 6.2: fall back to the script from now on.
            self.getdel_unsupported.store(true, Ordering::Relaxed);
        }
        let script = redis::Script::new(GETDEL_SCRIPT);
        self.run("get-and-delete script", |c| {
            script.key(key).invoke::<Option<String>>(c)
        })
    }
}

fn encode(c: &Challenge) -> String {
    alloc::format!(
        "v1:{}:{}:{}",
        c.issued_at.as_secs(),
        c.expires_at.as_secs(),
        c.nonce
    )
}

fn decode(v: &str) -> Result<Challenge, ChallengeError> {
    let bad = || ChallengeError::Store {
        reason: "Redis holds a value that is not a challenge".into(),
    };
    let rest = v.strip_prefix("v1:").ok_or_else(bad)?;
    let mut parts = rest.splitn(3, ':');
    let mut num = || {
        parts
            .next()
            .and_then(|p| p.parse::<u64>().ok())
            .map(UnixTime::from_secs)
            .ok_or_else(bad)
    };
    let (issued_at, expires_at) = (num()?, num()?);
    let nonce = parts.next().filter(|n| !n.is_empty()).ok_or_else(bad)?;
    Ok(Challenge {
        nonce: nonce.into(),
        issued_at,
        expires_at,
    })
}

impl ChallengeStore for RedisChallengeStore {
    fn put(&self, key: &str, challenge: &Challenge) -> Result<(), ChallengeError> {
        check_key(key)?;
        let ttl = challenge
            .expires_at
            .as_secs()
            .saturating_sub(challenge.issued_at.as_secs())
            .saturating_add(TTL_SLACK_SECS)
            .max(1);
        let (k, v) = (self.full_key(key), encode(challenge));
        self.run("SET", |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg(&v)
                .arg("EX")
                .arg(ttl)
                .query::<()>(c)
        })
    }

    fn take(&self, key: &str, now: UnixTime) -> Result<Challenge, ChallengeError> {
        check_key(key)?;
        let value = self
            .get_and_delete(&self.full_key(key))?
            .ok_or(ChallengeError::NotFound)?;
        check_expiry(decode(&value)?, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_junk_is_refused() {
        let c = Challenge::from_random(&[1u8; 32], UnixTime::from_secs(1000));
        assert_eq!(decode(&encode(&c)), Ok(c));
        for junk in [
            "",
            "v1:",
            "v1:1:2",
            "v1:1:2:",
            "v2:1:2:n",
            "v1:x:2:n",
            "v1:1:-2:n",
        ] {
            assert!(decode(junk).is_err(), "{junk:?}");
        }
    }
}
