//! What a signature's `/ByteRange` covers (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5.4.2).
//!
//! A sound ByteRange is `[0 a b c]`: it starts at the first byte, leaves out exactly the
//! `/Contents` string of its own signature dictionary (`a` is where `<` is, `b` is after `>`),
//! and ends where a revision ends (`b + c`). Everything else is an [`Anomaly`]: bytes signed
//! nowhere (a gap wider than `/Contents`, an uncovered tail inside the revision), ranges that
//! overlap or run past the file, a `/Contents` that is not where the ranges leave the hole
//! (the signature-wrapping and "incremental saving" attacks move it). pyHanko calls the sound
//! case "entire revision" and everything else "unclear"; imza lists what is wrong.

use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

use super::document::{Revision, SignatureValue};

/// Something wrong with what a ByteRange covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anomaly {
    /// Not four non-negative integers.
    Shape,
    /// The first range does not start at byte 0.
    NotFromStart,
    /// The second range starts before the first ends.
    Overlap,
    /// The ranges run past the end of the file.
    PastEnd {
        /// Where they end.
        end: u64,
        /// The file's length.
        len: u64,
    },
    /// The hole between the ranges is not exactly the `/Contents` string.
    HoleIsNotContents {
        /// The hole.
        hole: Range<u64>,
        /// Where `/Contents` is (`None`: not in the file, e.g. in an object stream).
        contents: Option<Range<u64>>,
    },
    /// The ranges end inside a revision, not at its end.
    NotAtRevisionEnd {
        /// Where they end.
        end: u64,
    },
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape => f.write_str("/ByteRange is not four non-negative integers"),
            Self::NotFromStart => f.write_str("/ByteRange does not start at the first byte"),
            Self::Overlap => f.write_str("the two ranges of /ByteRange overlap"),
            Self::PastEnd { end, len } => {
                write!(
                    f,
                    "/ByteRange ends at {end}, past the end of the file ({len})"
                )
            }
            Self::HoleIsNotContents { hole, contents } => match contents {
                Some(c) => write!(
                    f,
                    "/ByteRange leaves out bytes {}..{}, but /Contents is at {}..{}",
                    hole.start, hole.end, c.start, c.end
                ),
                None => write!(
                    f,
                    "/ByteRange leaves out bytes {}..{}, and /Contents is not a string in the file",
                    hole.start, hole.end
                ),
            },
            Self::NotAtRevisionEnd { end } => {
                write!(
                    f,
                    "/ByteRange ends at {end}, which is not the end of a revision"
                )
            }
        }
    }
}

/// What one signature covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The two signed ranges, when the ByteRange has the right shape.
    pub ranges: Option<[Range<u64>; 2]>,
    /// The revision the ranges end with (the one the signature signs).
    pub revision: Option<usize>,
    /// What is wrong; empty when the signature covers its revision exactly.
    pub anomalies: Vec<Anomaly>,
}

impl Coverage {
    /// The signature covers exactly its revision, all but its own `/Contents`.
    pub fn is_sound(&self) -> bool {
        self.anomalies.is_empty() && self.revision.is_some()
    }
}

/// Checks `sig`'s ByteRange against its `/Contents` and the file's revisions.
pub fn check(sig: &SignatureValue, revisions: &[Revision], file_len: u64) -> Coverage {
    let mut anomalies = Vec::new();
    let br: Option<[u64; 4]> = sig.byte_range.as_deref().and_then(|v| match v {
        [a, b, c, d] => Some([
            u64::try_from(*a).ok()?,
            u64::try_from(*b).ok()?,
            u64::try_from(*c).ok()?,
            u64::try_from(*d).ok()?,
        ]),
        _ => None,
    });
    let Some([o1, l1, o2, l2]) = br else {
        return Coverage {
            ranges: None,
            revision: None,
            anomalies: alloc::vec![Anomaly::Shape],
        };
    };
    let (Some(e1), Some(e2)) = (o1.checked_add(l1), o2.checked_add(l2)) else {
        return Coverage {
            ranges: None,
            revision: None,
            anomalies: alloc::vec![Anomaly::Shape],
        };
    };
    if o1 != 0 {
        anomalies.push(Anomaly::NotFromStart);
    }
    if o2 < e1 {
        anomalies.push(Anomaly::Overlap);
    }
    if e2 > file_len {
        anomalies.push(Anomaly::PastEnd {
            end: e2,
            len: file_len,
        });
    }
    let hole = e1..o2;
    if sig.contents_span.as_ref() != Some(&hole) {
        anomalies.push(Anomaly::HoleIsNotContents {
            hole,
            contents: sig.contents_span.clone(),
        });
    }
    let revision = revisions.iter().find(|r| r.end == e2).map(|r| r.number);
    if revision.is_none() && e2 <= file_len {
        anomalies.push(Anomaly::NotAtRevisionEnd { end: e2 });
    }
    Coverage {
        ranges: Some([o1..e1, o2..e2]),
        revision,
        anomalies,
    }
}
