//! Validation time. The core never reads a clock: every check takes the time as an argument,
//! because signatures are judged at signing or timestamp time, often years ago.

use alloc::string::String;
use core::fmt;

/// Seconds since 1970-01-01T00:00:00Z (UTC, no leap seconds), as X.509 times convert to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "alloc::string::String")]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// From seconds since the epoch.
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// From an X.509 / CMS time.
    pub fn from_x509(t: &x509_cert::time::Time) -> Self {
        Self(t.to_unix_duration().as_secs())
    }

    /// Parses an RFC 3339 timestamp: `2027-01-01T00:00:00Z` or with an offset
    /// (`2027-01-01T02:00:00+02:00`); fractional seconds are accepted and dropped.
    pub fn parse_rfc3339(s: &str) -> Result<Self, InvalidTime> {
        let bad = |detail: &str| InvalidTime {
            detail: alloc::format!("{s:?}: {detail}"),
        };
        let b = s.as_bytes();
        if b.len() < 20 || b.len() > 40 {
            return Err(bad("expected YYYY-MM-DDTHH:MM:SSZ"));
        }
        let num = |r: core::ops::Range<usize>| -> Result<u64, InvalidTime> {
            let part = s.get(r).ok_or_else(|| bad("truncated"))?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad("expected digits"));
            }
            part.parse::<u64>().map_err(|_| bad("expected digits"))
        };
        let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = s.get(19..).unwrap_or("");
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad("empty fraction"));
            }
            rest = frac.get(digits..).unwrap_or("");
        }
        let offset: i64 = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
                let h = num(rest_start(s, rest) + 1..rest_start(s, rest) + 3)?;
                let m = num(rest_start(s, rest) + 4..rest_start(s, rest) + 6)?;
                if rest.as_bytes().get(3) != Some(&b':') || h > 23 || m > 59 {
                    return Err(bad("bad UTC offset"));
                }
                let o = i64::try_from(h * 3600 + m * 60).map_err(|_| bad("bad UTC offset"))?;
                if rest.starts_with('-') {
                    -o
                } else {
                    o
                }
            }
            _ => return Err(bad("expected Z or a ±HH:MM offset")),
        };
        if year < 1970
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 60
        {
            return Err(bad("date or time out of range"));
        }
        let days = days_from_civil(year, month, day);
        let local = i64::try_from(days * 86_400 + hour * 3600 + min * 60 + sec.min(59))
            .map_err(|_| bad("out of range"))?;
        let utc = local - offset;
        u64::try_from(utc).map(Self).map_err(|_| bad("before 1970"))
    }
}

/// Why a text time could not be read. It converts into [`crate::Error::Malformed`] (code
/// 100), whose message it keeps; `time` has no error type of its own in the code table
/// because it sits below [`crate::error`] (error fields carry times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTime {
    detail: String,
}

impl InvalidTime {
    /// What was wrong, quoting the input.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed RFC 3339 time: {}", self.detail)
    }
}

impl core::error::Error for InvalidTime {}

fn rest_start(whole: &str, rest: &str) -> usize {
    whole.len() - rest.len()
}

const fn is_leap(y: u64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

const fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days from 1970-01-01 to the given date (proleptic Gregorian), for years ≥ 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let mut days = 0;
    for year in 1970..y {
        days += if is_leap(year) { 366 } else { 365 };
    }
    for month in 1..m {
        days += days_in_month(y, month);
    }
    days + d - 1
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(mut days: u64) -> (u64, u64, u64) {
    let mut y = 1970;
    loop {
        let len = if is_leap(y) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        y += 1;
    }
    let mut m = 1;
    while days >= days_in_month(y, m) {
        days -= days_in_month(y, m);
        m += 1;
    }
    (y, m, days + 1)
}

impl UnixTime {
    /// Year, month, day, hour, minute, second (UTC).
    pub(crate) fn civil(self) -> [u64; 6] {
        let (y, mo, d) = civil_from_days(self.0 / 86_400);
        let s = self.0 % 86_400;
        [y, mo, d, s / 3600, s % 3600 / 60, s % 60]
    }
}

impl fmt::Display for UnixTime {
    /// RFC 3339 in UTC: `2027-01-01T00:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d) = civil_from_days(self.0 / 86_400);
        let s = self.0 % 86_400;
        write!(
            f,
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s % 3600 / 60,
            s % 60
        )
    }
}

impl From<UnixTime> for String {
    fn from(t: UnixTime) -> Self {
        alloc::format!("{t}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = UnixTime::parse_rfc3339("2027-01-01T00:00:00Z").unwrap();
        assert_eq!(t.as_secs(), 1_798_761_600);
        assert_eq!(alloc::format!("{t}"), "2027-01-01T00:00:00Z");
        let leap = UnixTime::parse_rfc3339("2024-02-29T23:59:59.123Z").unwrap();
        assert_eq!(alloc::format!("{leap}"), "2024-02-29T23:59:59Z");
        let off = UnixTime::parse_rfc3339("2027-01-01T02:30:00+02:30").unwrap();
        assert_eq!(off, t);
        assert_eq!(
            UnixTime::parse_rfc3339("1970-01-01T00:00:00Z")
                .unwrap()
                .as_secs(),
            0
        );
    }

    #[test]
    fn rejects_bad_times() {
        for bad in [
            "",
            "2027-01-01",
            "2027-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:00:00",
            "2027-01-01T00:00:00+0200",
            "1969-12-31T23:59:59Z",
            "2027-01-01T00:00:00.Z",
            "２０２７-01-01T00:00:00Z",
        ] {
            assert!(UnixTime::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
