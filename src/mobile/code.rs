//! Verification codes: four digits the portal shows next to the prompt on the phone, so the
//! person can see that the request on the phone is the one they started.
//!
//! Both are computed from the hash bytes sent to the provider (`../shared/notes/mobile-id.md`).

use alloc::string::String;

/// A four-digit verification code (`0000` to `9999`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VerificationCode(String);

impl VerificationCode {
    fn from_number(n: u32) -> Self {
        Self(alloc::format!("{:04}", n % 10_000))
    }

    /// The code as shown: four digits, zero-padded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Estonian Mobile-ID: the six high bits of the first byte and the seven low bits of the
/// last byte, `((hash[0] & 0xFC) << 5) | (hash[len-1] & 0x7F)`, so 0000 to 8191.
pub fn mobile_id(hash: &[u8]) -> VerificationCode {
    let first = u32::from(hash.first().copied().unwrap_or(0));
    let last = u32::from(hash.last().copied().unwrap_or(0));
    VerificationCode::from_number(((first & 0xFC) << 5) | (last & 0x7F))
}

/// Smart-ID: the last two bytes of SHA-256 over the hash, big-endian, modulo 10000.
pub fn smart_id(hash: &[u8]) -> VerificationCode {
    let d = crate::crypto::digest(crate::crypto::HashAlgorithm::Sha256, hash);
    let d = d.as_ref();
    let n = match d {
        [.., a, b] => u32::from(u16::from_be_bytes([*a, *b])),
        _ => 0,
    };
    VerificationCode::from_number(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> alloc::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The vector in `../shared/notes/mobile-id.md` §Mobile-ID 5.
    #[test]
    fn mobile_id_vector() {
        let h = unhex("2f665f6a6999e0ef0752e00ec9f453adf59d8cb6");
        assert_eq!(mobile_id(&h).as_str(), "1462");
    }

    /// The old client library's bug (middle byte instead of the last) gives another code.
    #[test]
    fn mobile_id_uses_last_byte_not_middle() {
        let h = unhex("2f665f6a6999e0ef0752e00ec9f453adf59d8cb6");
        let middle = ((u32::from(h[0]) & 0xFC) << 5) | (u32::from(h[h.len() / 2]) & 0x7F);
        assert_ne!(alloc::format!("{middle:04}"), mobile_id(&h).as_str());
    }

    #[test]
    fn mobile_id_range_and_padding() {
        assert_eq!(mobile_id(&[0x00, 0x05]).as_str(), "0005");
        assert_eq!(mobile_id(&[0xFF; 32]).as_str(), "8191");
        assert_eq!(mobile_id(&[]).as_str(), "0000");
    }

    /// The vector in `../shared/notes/mobile-id.md` §Smart-ID.
    #[test]
    fn smart_id_vector() {
        assert_eq!(smart_id(&[0, 0, 0, 0]).as_str(), "4377");
    }

    /// SHA-256("abc") ends in ...f20015ad: 0x15ad = 5549.
    #[test]
    fn smart_id_abc() {
        assert_eq!(smart_id(b"abc").as_str(), "5549");
    }
}
