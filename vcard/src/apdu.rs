//! Command and response APDUs (ISO 7816-4 §5.1): short and extended lengths, status words.

/// Status words the cards answer.
pub mod sw {
    /// Success.
    pub const OK: u16 = 0x9000;
    /// Wrong length (Lc or Le, or the data field).
    pub const WRONG_LENGTH: u16 = 0x6700;
    /// Command chaining: the last command of the chain was expected.
    pub const LAST_OF_CHAIN_EXPECTED: u16 = 0x6883;
    /// Security status not satisfied (PIN not verified).
    pub const SECURITY_NOT_SATISFIED: u16 = 0x6982;
    /// Authentication method blocked (PIN blocked).
    pub const BLOCKED: u16 = 0x6983;
    /// Conditions of use not satisfied (no security environment, nothing to GET RESPONSE).
    pub const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
    /// Command not allowed: no current EF.
    pub const NO_CURRENT_EF: u16 = 0x6986;
    /// Incorrect parameters in the data field.
    pub const WRONG_DATA: u16 = 0x6A80;
    /// File or application not found.
    pub const NOT_FOUND: u16 = 0x6A82;
    /// Incorrect parameters P1-P2.
    pub const WRONG_P1P2: u16 = 0x6A86;
    /// Wrong parameters P1-P2: offset outside the EF.
    pub const OFFSET_OUTSIDE: u16 = 0x6B00;
    /// Instruction not supported.
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    /// Class not supported.
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;

    /// `63 Cx`: verification failed, `x` tries left.
    pub fn tries_left(x: u8) -> u16 {
        0x63C0 | u16::from(x & 0x0F)
    }
}

/// A parsed command APDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// The data field (Lc bytes; empty when there is none).
    pub data: Vec<u8>,
    /// Ne, the number of response bytes expected (`Le` 00 is 256 short, 65536 extended);
    /// `None` when the command has no Le field.
    pub le: Option<usize>,
    /// Whether Lc/Le used the extended form.
    pub extended: bool,
}

impl Command {
    /// Parses a command APDU. A length that does not add up is [`sw::WRONG_LENGTH`].
    pub fn parse(raw: &[u8]) -> Result<Self, u16> {
        let (header, body) = match raw.split_first_chunk::<4>() {
            Some(split) => split,
            None => return Err(sw::WRONG_LENGTH),
        };
        let [cla, ins, p1, p2] = *header;
        let mut cmd = Self {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
            extended: false,
        };
        match body {
            // Case 1.
            [] => {}
            // Case 2 short.
            [le] => cmd.le = Some(short_ne(*le)),
            // Extended: a zero byte, then Le (case 2E) or Lc, data and maybe Le.
            [0, rest @ ..] => {
                cmd.extended = true;
                match rest {
                    [a, b] => cmd.le = Some(extended_ne(*a, *b)),
                    [a, b, tail @ ..] => {
                        let lc = usize::from(u16::from_be_bytes([*a, *b]));
                        if lc == 0 {
                            return Err(sw::WRONG_LENGTH);
                        }
                        if tail.len() == lc {
                            cmd.data = tail.to_vec();
                        } else if tail.len() == lc + 2 {
                            let (data, le) = tail.split_at(lc);
                            cmd.data = data.to_vec();
                            if let [a, b] = le {
                                cmd.le = Some(extended_ne(*a, *b));
                            }
                        } else {
                            return Err(sw::WRONG_LENGTH);
                        }
                    }
                    _ => return Err(sw::WRONG_LENGTH),
                }
            }
            // Short Lc (non-zero), data and maybe Le.
            [lc, tail @ ..] => {
                let lc = usize::from(*lc);
                if tail.len() == lc {
                    cmd.data = tail.to_vec();
                } else if tail.len() == lc + 1 {
                    let (data, le) = tail.split_at(lc);
                    cmd.data = data.to_vec();
                    cmd.le = le.first().map(|b| short_ne(*b));
                } else {
                    return Err(sw::WRONG_LENGTH);
                }
            }
        }
        Ok(cmd)
    }

    /// P1 and P2 as one number.
    pub fn p1p2(&self) -> u16 {
        u16::from_be_bytes([self.p1, self.p2])
    }
}

fn short_ne(le: u8) -> usize {
    if le == 0 {
        256
    } else {
        usize::from(le)
    }
}

fn extended_ne(a: u8, b: u8) -> usize {
    match u16::from_be_bytes([a, b]) {
        0 => 65536,
        n => usize::from(n),
    }
}

/// A response APDU: data and status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The response data.
    pub data: Vec<u8>,
    /// SW1 SW2.
    pub sw: u16,
}

impl Response {
    /// Data with 9000.
    pub fn ok(data: Vec<u8>) -> Self {
        Self { data, sw: sw::OK }
    }

    /// A status word alone.
    pub fn status(sw: u16) -> Self {
        Self {
            data: Vec::new(),
            sw,
        }
    }

    /// The bytes on the wire: data, SW1, SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_be_bytes());
        out
    }
}

impl From<u16> for Response {
    fn from(sw: u16) -> Self {
        Self::status(sw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let c = Command::parse(&[0, 0xA4, 0, 0x0C]).unwrap();
        assert_eq!((c.data.len(), c.le, c.extended), (0, None, false));
        let c = Command::parse(&[0, 0xB0, 0, 0, 0]).unwrap();
        assert_eq!(c.le, Some(256));
        let c = Command::parse(&[0, 0x20, 0, 0x80, 2, 1, 2]).unwrap();
        assert_eq!((c.data, c.le), (vec![1, 2], None));
        let c = Command::parse(&[0, 0x87, 0x11, 0x9A, 2, 1, 2, 0x10]).unwrap();
        assert_eq!((c.data, c.le), (vec![1, 2], Some(16)));
        let c = Command::parse(&[0, 0xCB, 0x3F, 0xFF, 0, 0, 0]).unwrap();
        assert_eq!((c.le, c.extended), (Some(65536), true));
        let c = Command::parse(&[0, 0x87, 7, 0x9A, 0, 0, 2, 1, 2]).unwrap();
        assert_eq!((c.data, c.le, c.extended), (vec![1, 2], None, true));
        let c = Command::parse(&[0, 0x87, 7, 0x9A, 0, 0, 2, 1, 2, 1, 0]).unwrap();
        assert_eq!((c.data, c.le), (vec![1, 2], Some(256)));
        for bad in [
            &[0, 0xA4, 0][..],
            &[0, 0x20, 0, 0x80, 3, 1, 2],
            &[0, 0x20, 0, 0x80, 1, 1, 2, 3],
            &[0, 0x20, 0, 0x80, 0, 1],
            &[0, 0x20, 0, 0x80, 0, 0, 0, 1],
            &[0, 0x20, 0, 0x80, 0, 0, 3, 1],
        ] {
            assert_eq!(Command::parse(bad), Err(sw::WRONG_LENGTH), "{bad:02X?}");
        }
    }
}
