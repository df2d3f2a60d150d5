//! PINs: held in zeroized memory, never printed, padded as each card wants.

use alloc::vec::Vec;

use zeroize::Zeroizing;

use super::{CardError, Command};

/// A PIN. Its bytes are wiped on drop; `Debug` prints nothing of it.
#[derive(Clone)]
pub struct Pin(Zeroizing<Vec<u8>>);

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl Pin {
    /// A PIN from what the person typed (trailing CR/LF removed). Only printable ASCII is
    /// accepted: cards compare bytes, and a PIN typed on another keyboard layout must not
    /// silently become other bytes.
    pub fn new(typed: &[u8]) -> Result<Self, CardError> {
        let mut end = typed.len();
        while end > 0 && matches!(typed.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        let pin = typed.get(..end).unwrap_or(&[]);
        if pin.is_empty() {
            return Err(CardError::PinFormat("the PIN is empty".into()));
        }
        if !pin.iter().all(|b| (0x20..0x7f).contains(b)) {
            return Err(CardError::PinFormat(
                "the PIN may hold printable ASCII characters only".into(),
            ));
        }
        Ok(Self(Zeroizing::new(pin.to_vec())))
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty (never, once built).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How a card wants one of its PINs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinFormat {
    /// The VERIFY P2 reference.
    pub reference: u8,
    /// Shortest PIN.
    pub min_len: usize,
    /// Longest PIN.
    pub max_len: usize,
    /// Padded to this many bytes (0: not padded).
    pub padded_len: usize,
    /// With this byte.
    pub pad: u8,
}

impl PinFormat {
    /// The VERIFY command for `pin`, after checking its length.
    pub fn verify(&self, pin: &Pin) -> Result<Command, CardError> {
        if pin.len() < self.min_len || pin.len() > self.max_len {
            return Err(CardError::PinFormat(alloc::format!(
                "{} characters; this PIN has {} to {}",
                pin.len(),
                self.min_len,
                self.max_len
            )));
        }
        let mut block = Zeroizing::new(pin.0.to_vec());
        while block.len() < self.padded_len {
            block.push(self.pad);
        }
        Ok(Command::new(0x00, 0x20, 0x00, self.reference).data(&block))
    }

    /// The PC/SC part 10 `PIN_VERIFY_STRUCTURE` for FEATURE_VERIFY_PIN_DIRECT: the reader
    /// asks for the PIN on its own keypad and puts it, padded, into the VERIFY command.
    pub fn pin_pad_structure(&self) -> Vec<u8> {
        let block_len = if self.padded_len > 0 {
            self.padded_len
        } else {
            self.max_len
        };
        let block = u8::try_from(block_len).unwrap_or(u8::MAX);
        let max = u8::try_from(self.max_len).unwrap_or(u8::MAX);
        let min = u8::try_from(self.min_len).unwrap_or(u8::MAX);
        // The VERIFY APDU the reader completes: header, Lc, and the pad bytes it
        // overwrites from the left with the typed PIN.
        let mut apdu = alloc::vec![0x00, 0x20, 0x00, self.reference, block];
        apdu.extend(core::iter::repeat_n(self.pad, block_len));
        let mut s = alloc::vec![
            0x1E,         // bTimerOut: 30 s
            0x1E,         // bTimerOut2
            0x82,         // bmFormatString: byte units, PIN at offset 0, left-justified, ASCII
            block & 0x0f, // bmPINBlockString: no length field, block size (low nibble)
            0x00,         // bmPINLengthFormat: no length in the block
            max,          // wPINMaxExtraDigit (little-endian): max, then min
            min,
            0x02, // bEntryValidationCondition: the OK key
            0x01, // bNumberMessage
            0x09, // wLangId 0x0409 (en-US), little-endian
            0x04,
            0x00, // bMsgIndex
            0x00, // bTeoPrologue
            0x00,
            0x00,
        ];
        let len = u32::try_from(apdu.len()).unwrap_or(0);
        s.extend_from_slice(&len.to_le_bytes());
        s.extend_from_slice(&apdu);
        s
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pins_are_checked_padded_and_redacted() {
        let f = PinFormat {
            reference: 0x80,
            min_len: 6,
            max_len: 8,
            padded_len: 8,
            pad: 0xFF,
        };
        let pin = Pin::new(b"123456\n").unwrap();
        assert_eq!(pin.len(), 6);
        assert_eq!(alloc::format!("{pin:?}"), "Pin(<redacted>)");
        let c = f.verify(&pin).unwrap();
        assert_eq!(
            c.encode().unwrap(),
            [0, 0x20, 0, 0x80, 8, b'1', b'2', b'3', b'4', b'5', b'6', 0xFF, 0xFF]
        );
        assert!(!alloc::format!("{c:?}").contains("31"));
        assert!(matches!(
            f.verify(&Pin::new(b"12").unwrap()),
            Err(CardError::PinFormat(_))
        ));
        assert!(Pin::new(b"").is_err());
        assert!(Pin::new("12é4".as_bytes()).is_err());
    }
}
