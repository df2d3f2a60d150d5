//! Challenge nonces: 32 random bytes, base64, valid for 5 minutes, used once.
//!
//! The portal makes a [`Challenge`], keeps it in a [`ChallengeStore`] and sends the nonce to
//! the browser; when the token comes back it [`ChallengeStore::take`]s the challenge (which
//! removes it, so a second take of the same challenge fails) and passes the nonce to
//! [`super::validate`]. The token does not carry the nonce: a signature that verifies proves
//! it was made over this one.
//!
//! The store key is the portal's choice: the session identifier (one outstanding challenge
//! per session, as the Web eID reference libraries keep it in the HTTP session), or the
//! nonce itself when the front end sends it back with the token. Either way `take` is
//! atomic, so two nodes of a portal that share a store (the `redis` feature's
//! `RedisChallengeStore`) cannot both accept one challenge.
//!
//! Sans-IO as the rest of the core: the random bytes and the current time are arguments
//! ([`Challenge::generate`] with the `rand` feature reads the OS generator).

use alloc::collections::BTreeMap;
use alloc::string::String;
use core::fmt;

use base64ct::{Base64, Encoding};

use crate::time::UnixTime;

/// Random bytes in a challenge.
pub const CHALLENGE_RANDOM_BYTES: usize = 32;
/// How long a challenge is valid, seconds.
pub const CHALLENGE_LIFETIME_SECS: u64 = 300;
pub use crate::error::challenge::MAX_KEY_LEN;
pub use crate::error::ChallengeError;
/// Default most challenges a [`MemoryChallengeStore`] holds.
pub const DEFAULT_MEMORY_CAPACITY: usize = 100_000;

/// A challenge nonce and its validity period.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Challenge {
    /// The nonce the browser signs: the random bytes in standard base64 (44 characters).
    pub nonce: String,
    /// When it was made.
    pub issued_at: UnixTime,
    /// The last second it is valid.
    pub expires_at: UnixTime,
}

impl Challenge {
    /// A challenge from 32 random bytes the caller drew from a cryptographic generator,
    /// valid for [`CHALLENGE_LIFETIME_SECS`] from `now`.
    pub fn from_random(random: &[u8; CHALLENGE_RANDOM_BYTES], now: UnixTime) -> Self {
        Self::with_lifetime(random, now, CHALLENGE_LIFETIME_SECS)
    }

    /// Like [`Challenge::from_random`] with another lifetime (seconds).
    pub fn with_lifetime(
        random: &[u8; CHALLENGE_RANDOM_BYTES],
        now: UnixTime,
        lifetime_secs: u64,
    ) -> Self {
        Self {
            nonce: Base64::encode_string(random),
            issued_at: now,
            expires_at: UnixTime::from_secs(now.as_secs().saturating_add(lifetime_secs)),
        }
    }

    /// A challenge from the operating system's generator (getrandom; in browsers the Web
    /// Crypto API), valid for [`CHALLENGE_LIFETIME_SECS`] from `now`.
    #[cfg(feature = "rand")]
    pub fn generate(now: UnixTime) -> Result<Self, crate::Error> {
        let mut random = [0u8; CHALLENGE_RANDOM_BYTES];
        getrandom::getrandom(&mut random).map_err(|e| crate::Error::SigningFailed {
            reason: alloc::format!("no randomness for a challenge: {e}"),
        })?;
        let c = Self::from_random(&random, now);
        zeroize::Zeroize::zeroize(&mut random);
        Ok(c)
    }

    /// Whether the challenge has expired at `now` (it is valid through `expires_at`).
    pub fn is_expired(&self, now: UnixTime) -> bool {
        now > self.expires_at
    }
}

/// Where issued challenges wait for their token. `take` removes the challenge whatever it
/// returns, atomically: a challenge is taken at most once, by one caller, however many
/// callers (threads, portal nodes) race for it.
pub trait ChallengeStore {
    /// Stores `challenge` under `key`, replacing any challenge stored there before.
    fn put(&self, key: &str, challenge: &Challenge) -> Result<(), ChallengeError>;

    /// Removes and returns the challenge under `key`: [`ChallengeError::NotFound`] when
    /// there is none, [`ChallengeError::Expired`] when it had expired at `now`.
    fn take(&self, key: &str, now: UnixTime) -> Result<Challenge, ChallengeError>;
}

pub(crate) fn check_key(key: &str) -> Result<(), ChallengeError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        Err(ChallengeError::InvalidKey)
    } else {
        Ok(())
    }
}

pub(crate) fn check_expiry(c: Challenge, now: UnixTime) -> Result<Challenge, ChallengeError> {
    if c.is_expired(now) {
        Err(ChallengeError::Expired {
            expired_at: c.expires_at,
        })
    } else {
        Ok(c)
    }
}

#[cfg(feature = "std")]
struct Lock<T>(std::sync::Mutex<T>);

#[cfg(feature = "std")]
impl<T> Lock<T> {
    fn new(v: T) -> Self {
        Self(std::sync::Mutex::new(v))
    }
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // A panic elsewhere while holding the lock cannot leave the map half-updated (each
        // operation is one map call), so a poisoned lock is still usable.
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

#[cfg(not(feature = "std"))]
struct Lock<T>(core::cell::RefCell<T>);

#[cfg(not(feature = "std"))]
impl<T> Lock<T> {
    fn new(v: T) -> Self {
        Self(core::cell::RefCell::new(v))
    }
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

/// A [`ChallengeStore`] in this process's memory, for one-node portals and tests. With the
/// `std` feature it is `Sync` (a mutex); without it, single-threaded (wasm32).
///
/// Bounded: when it holds `capacity` challenges, a `put` first drops the expired ones and
/// then refuses with [`ChallengeError::StoreFull`].
pub struct MemoryChallengeStore {
    entries: Lock<BTreeMap<String, Challenge>>,
    capacity: usize,
}

impl MemoryChallengeStore {
    /// An empty store holding at most [`DEFAULT_MEMORY_CAPACITY`] challenges.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_MEMORY_CAPACITY)
    }

    /// An empty store holding at most `capacity` challenges.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Lock::new(BTreeMap::new()),
            capacity,
        }
    }

    /// How many challenges it holds (expired ones included until they are dropped).
    pub fn len(&self) -> usize {
        self.entries.with(|m| m.len())
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops the challenges expired at `now`.
    pub fn purge_expired(&self, now: UnixTime) {
        self.entries.with(|m| m.retain(|_, c| !c.is_expired(now)));
    }
}

impl Default for MemoryChallengeStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryChallengeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryChallengeStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl ChallengeStore for MemoryChallengeStore {
    fn put(&self, key: &str, challenge: &Challenge) -> Result<(), ChallengeError> {
        check_key(key)?;
        let capacity = self.capacity;
        self.entries.with(|m| {
            if !m.contains_key(key) && m.len() >= capacity {
                m.retain(|_, c| !c.is_expired(challenge.issued_at));
                if m.len() >= capacity {
                    return Err(ChallengeError::StoreFull { capacity });
                }
            }
            m.insert(key.into(), challenge.clone());
            Ok(())
        })
    }

    fn take(&self, key: &str, now: UnixTime) -> Result<Challenge, ChallengeError> {
        check_key(key)?;
        let found = self.entries.with(|m| m.remove(key));
        check_expiry(found.ok_or(ChallengeError::NotFound)?, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: UnixTime = UnixTime::from_secs(1_722_470_400); // 2024-08-01T00:00:00Z

    #[test]
    fn nonce_is_base64_of_32_bytes_valid_5_minutes() {
        let c = Challenge::from_random(&[7u8; 32], T0);
        assert_eq!(c.nonce.len(), 44);
        assert_eq!(Base64::decode_vec(&c.nonce).unwrap(), [7u8; 32]);
        assert_eq!(c.expires_at.as_secs() - c.issued_at.as_secs(), 300);
        assert!(!c.is_expired(UnixTime::from_secs(T0.as_secs() + 300)));
        assert!(c.is_expired(UnixTime::from_secs(T0.as_secs() + 301)));
    }

    #[cfg(feature = "rand")]
    #[test]
    fn generated_challenges_differ() {
        let a = Challenge::generate(T0).unwrap();
        let b = Challenge::generate(T0).unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(Base64::decode_vec(&a.nonce).unwrap().len(), 32);
    }

    #[test]
    fn taken_once() {
        let store = MemoryChallengeStore::new();
        let c = Challenge::from_random(&[1u8; 32], T0);
        store.put("session-1", &c).unwrap();
        assert_eq!(store.take("session-1", T0), Ok(c));
        assert_eq!(store.take("session-1", T0), Err(ChallengeError::NotFound));
        assert!(store.is_empty());
    }

    #[test]
    fn expired_challenge_is_refused_and_removed() {
        let store = MemoryChallengeStore::new();
        let c = Challenge::from_random(&[2u8; 32], T0);
        store.put(&c.nonce, &c).unwrap();
        let late = UnixTime::from_secs(T0.as_secs() + 301);
        assert_eq!(
            store.take(&c.nonce, late),
            Err(ChallengeError::Expired {
                expired_at: c.expires_at
            })
        );
        assert_eq!(store.take(&c.nonce, T0), Err(ChallengeError::NotFound));
    }

    #[test]
    fn wrong_nonce_is_not_found_and_leaves_the_right_one() {
        let store = MemoryChallengeStore::new();
        let c = Challenge::from_random(&[3u8; 32], T0);
        store.put(&c.nonce, &c).unwrap();
        let wrong = Challenge::from_random(&[4u8; 32], T0).nonce;
        assert_eq!(store.take(&wrong, T0), Err(ChallengeError::NotFound));
        assert_eq!(store.take(&c.nonce, T0).map(|t| t.nonce), Ok(c.nonce));
    }

    #[test]
    fn a_new_challenge_replaces_the_sessions_old_one() {
        let store = MemoryChallengeStore::new();
        let old = Challenge::from_random(&[5u8; 32], T0);
        let new = Challenge::from_random(&[6u8; 32], T0);
        store.put("s", &old).unwrap();
        store.put("s", &new).unwrap();
        assert_eq!(store.take("s", T0), Ok(new));
    }

    #[test]
    fn keys_and_capacity_are_bounded() {
        let store = MemoryChallengeStore::with_capacity(2);
        let c = Challenge::from_random(&[8u8; 32], T0);
        assert_eq!(store.put("", &c), Err(ChallengeError::InvalidKey));
        let long = "k".repeat(MAX_KEY_LEN + 1);
        assert_eq!(store.put(&long, &c), Err(ChallengeError::InvalidKey));
        assert_eq!(store.take(&long, T0), Err(ChallengeError::InvalidKey));
        store.put("a", &c).unwrap();
        store.put("b", &c).unwrap();
        assert_eq!(
            store.put("c", &c),
            Err(ChallengeError::StoreFull { capacity: 2 })
        );
        // Replacing an existing key is not growth.
        store.put("a", &c).unwrap();
        // Once those have expired, a later put makes room.
        let later = Challenge::from_random(&[9u8; 32], UnixTime::from_secs(T0.as_secs() + 600));
        store.put("c", &later).unwrap();
        assert_eq!(store.len(), 1);
    }

    #[cfg(feature = "std")]
    #[test]
    fn concurrent_takers_get_a_challenge_at_most_once() {
        use std::sync::{Arc, Barrier};
        let store = Arc::new(MemoryChallengeStore::new());
        for round in 0u8..50 {
            let c = Challenge::from_random(&[round; 32], T0);
            store.put(&c.nonce, &c).unwrap();
            let barrier = Arc::new(Barrier::new(2));
            let takers: std::vec::Vec<_> = (0..2)
                .map(|_| {
                    let (store, barrier, key) =
                        (Arc::clone(&store), Arc::clone(&barrier), c.nonce.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        store.take(&key, T0).is_ok()
                    })
                })
                .collect();
            let wins = takers
                .into_iter()
                .map(|t| t.join().unwrap())
                .filter(|&ok| ok)
                .count();
            assert_eq!(wins, 1, "round {round}");
        }
    }
}
