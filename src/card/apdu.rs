//! ISO 7816-4 APDUs: command encoding (short and extended), responses, status words, and
//! the exchanges every card needs (GET RESPONSE on `61xx`, resend on `6Cxx`, command
//! chaining, chunked READ BINARY).

use alloc::vec::Vec;

use super::transport::CardTransport;
use super::CardError;

/// Most GET RESPONSE rounds for one command (a 64 KiB answer in 256-byte pieces).
const MAX_GET_RESPONSE: usize = 256;
/// Largest response data assembled from one command.
pub const MAX_RESPONSE_LEN: usize = 64 * 1024;

/// The low byte of `n`.
pub(crate) fn lo(n: usize) -> u8 {
    u8::try_from(n & 0xff).unwrap_or(0)
}

/// A command APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// CLA.
    pub cla: u8,
    /// INS.
    pub ins: u8,
    /// P1.
    pub p1: u8,
    /// P2.
    pub p2: u8,
    /// Command data.
    pub data: Vec<u8>,
    /// Expected response length: `None` for no data expected, `Some(0)` for "as much as
    /// there is" (256 short, 65536 extended).
    pub le: Option<usize>,
}

impl core::fmt::Debug for Command {
    /// Header and lengths only: command data may hold a PIN.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}, {} data bytes, le {:?})",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.le
        )
    }
}

impl Drop for Command {
    fn drop(&mut self) {
        // The data of VERIFY is a PIN.
        zeroize::Zeroize::zeroize(&mut self.data);
    }
}

impl Command {
    /// A command without data.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    /// Sets the command data.
    pub fn data(mut self, data: &[u8]) -> Self {
        self.data = data.to_vec();
        self
    }

    /// Sets Le (`0`: as much as the card has).
    pub fn le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Whether the command needs extended lengths (data over 255 bytes or Le over 256).
    pub fn needs_extended(&self) -> bool {
        self.data.len() > 255 || self.le.is_some_and(|l| l > 256)
    }

    /// Encodes the APDU, short when it fits, else extended (ISO 7816-4 §5.1).
    pub fn encode(&self) -> Result<Vec<u8>, CardError> {
        if self.data.len() > 65_535 || self.le.is_some_and(|l| l > 65_536) {
            return Err(CardError::WrongLength);
        }
        let mut out = Vec::with_capacity(self.data.len() + 9);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        let be16 = |n: usize| [lo(n >> 8), lo(n)];
        if self.needs_extended() {
            out.push(0);
            if !self.data.is_empty() {
                out.extend_from_slice(&be16(self.data.len()));
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.extend_from_slice(&be16(if le >= 65_536 { 0 } else { le }));
            }
        } else {
            if !self.data.is_empty() {
                out.push(lo(self.data.len()));
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push(if le >= 256 { 0 } else { lo(le) });
            }
        }
        Ok(out)
    }
}

/// A response APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// Response data.
    pub data: Vec<u8>,
    /// SW1 SW2.
    pub sw: u16,
}

impl core::fmt::Debug for Response {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Response({} data bytes, SW {:04X})",
            self.data.len(),
            self.sw
        )
    }
}

impl Response {
    /// Splits raw response bytes into data and status word.
    pub fn parse(raw: &[u8]) -> Result<Self, CardError> {
        match raw {
            [data @ .., sw1, sw2] => Ok(Self {
                data: data.to_vec(),
                sw: u16::from_be_bytes([*sw1, *sw2]),
            }),
            _ => Err(CardError::Malformed(alloc::format!(
                "response of {} bytes has no status word",
                raw.len()
            ))),
        }
    }

    /// `Ok(data)` for 9000, else the typed error for the status word.
    pub fn ok(self) -> Result<Vec<u8>, CardError> {
        match self.sw {
            0x9000 => Ok(self.data),
            sw => Err(status_error(sw)),
        }
    }
}

/// The error a status word stands for (ISO 7816-4 §5.6).
pub fn status_error(sw: u16) -> CardError {
    match sw {
        0x6983 => CardError::PinBlocked,
        sw if sw & 0xfff0 == 0x63c0 => CardError::WrongPin {
            tries_left: (sw & 0x0f) as u8,
        },
        0x6982 => CardError::SecurityStatusNotSatisfied,
        0x6a82 => CardError::FileNotFound,
        0x6700 => CardError::WrongLength,
        0x6a88 => CardError::FileNotFound,
        0x6985 => CardError::ConditionsNotSatisfied,
        0x6d00 | 0x6e00 => CardError::NotSupported,
        0x6400 => CardError::PinPadTimeout,
        0x6401 => CardError::PinPadCancelled,
        0x6403 => CardError::PinPadLength,
        sw => CardError::Status { sw },
    }
}

/// Sends one command, with the ISO exchanges around it: `61xx` fetches the rest with GET
/// RESPONSE, `6Cxx` resends once with Le = xx, and data over 255 bytes goes by command
/// chaining unless `extended` allows extended lengths.
pub fn exchange(
    t: &mut dyn CardTransport,
    cmd: &Command,
    extended: bool,
) -> Result<Response, CardError> {
    if cmd.data.len() > 255 && !extended {
        return chained(t, cmd);
    }
    let mut resp = Response::parse(&t.transmit(&cmd.encode()?)?)?;
    if resp.sw & 0xff00 == 0x6c00 {
        let mut again = cmd.clone();
        again.le = Some(match resp.sw & 0xff {
            0 => 256,
            n => usize::from(n & 0xff),
        });
        resp = Response::parse(&t.transmit(&again.encode()?)?)?;
    }
    let mut data = core::mem::take(&mut resp.data);
    let mut rounds = 0;
    while resp.sw & 0xff00 == 0x6100 {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE || data.len() > MAX_RESPONSE_LEN {
            return Err(CardError::Malformed("response longer than 64 KiB".into()));
        }
        let le = match resp.sw & 0xff {
            0 => 256,
            n => usize::from(n & 0xff),
        };
        let get = Command::new(cmd.cla & 0x03, 0xC0, 0, 0).le(le);
        resp = Response::parse(&t.transmit(&get.encode()?)?)?;
        data.extend_from_slice(&resp.data);
    }
    Ok(Response { data, sw: resp.sw })
}

/// Command chaining (ISO 7816-4 §5.3.3): CLA bit 0x10 on every part but the last.
fn chained(t: &mut dyn CardTransport, cmd: &Command) -> Result<Response, CardError> {
    let parts: Vec<&[u8]> = cmd.data.chunks(255).collect();
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let mut c = Command::new(cmd.cla, cmd.ins, cmd.p1, cmd.p2).data(part);
        if i < last {
            c.cla |= 0x10;
            Response::parse(&t.transmit(&c.encode()?)?)?.ok()?;
        } else {
            c.le = cmd.le;
            return exchange(t, &c, false);
        }
    }
    Err(CardError::Malformed("empty chained command".into()))
}

/// Reads a transparent file of `len` bytes with READ BINARY in `chunk`-byte pieces.
pub fn read_binary(
    t: &mut dyn CardTransport,
    len: usize,
    chunk: usize,
) -> Result<Vec<u8>, CardError> {
    if len > MAX_RESPONSE_LEN || chunk == 0 {
        return Err(CardError::Malformed(alloc::format!(
            "file of {len} bytes is larger than {MAX_RESPONSE_LEN}"
        )));
    }
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let offset = out.len();
        let want = chunk.min(len - offset).min(256);
        let c = Command::new(0x00, 0xB0, lo(offset >> 8) & 0x7f, lo(offset)).le(want);
        let part = exchange(t, &c, false)?.ok()?;
        if part.is_empty() {
            break;
        }
        out.extend_from_slice(part.get(..want.min(part.len())).unwrap_or(&[]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::card::transport::Scripted;

    #[test]
    fn short_and_extended_encodings() {
        let c = Command::new(0, 0xA4, 4, 0).data(&[1, 2]).le(0);
        assert_eq!(c.encode().unwrap(), [0, 0xA4, 4, 0, 2, 1, 2, 0]);
        let c = Command::new(0, 0x20, 0, 0x80);
        assert_eq!(c.encode().unwrap(), [0, 0x20, 0, 0x80]);
        let c = Command::new(0, 0x87, 7, 0x9C).data(&[0xAB; 300]).le(0);
        let e = c.encode().unwrap();
        assert_eq!(&e[..7], &[0, 0x87, 7, 0x9C, 0, 0x01, 0x2C]);
        assert_eq!(&e[e.len() - 2..], &[0, 0]);
        let c = Command::new(0, 0xB0, 0, 0).le(1000);
        assert_eq!(c.encode().unwrap(), [0, 0xB0, 0, 0, 0, 0x03, 0xE8]);
    }

    #[test]
    fn get_response_and_resend_and_chaining() {
        let mut t = Scripted::new(&[("00CB3FFF00", "0102036103"), ("00C0000003", "0405069000")]);
        let r = exchange(&mut t, &Command::new(0, 0xCB, 0x3F, 0xFF).le(0), false).unwrap();
        assert_eq!((r.data, r.sw), (alloc::vec![1, 2, 3, 4, 5, 6], 0x9000));
        t.assert_done();

        let mut t = Scripted::new(&[("00B0000000", "6C02"), ("00B0000002", "AABB9000")]);
        let r = exchange(&mut t, &Command::new(0, 0xB0, 0, 0).le(0), false).unwrap();
        assert_eq!(r.data, alloc::vec![0xAA, 0xBB]);
        t.assert_done();

        let first = alloc::format!("10870000FF{}", "11".repeat(255));
        let mut t = Scripted::new(&[(&first, "9000"), ("0087000002111100", "CAFE9000")]);
        let r = exchange(
            &mut t,
            &Command::new(0, 0x87, 0, 0).data(&[0x11; 257]).le(0),
            false,
        )
        .unwrap();
        assert_eq!(r.data, alloc::vec![0xCA, 0xFE]);
        t.assert_done();
    }

    #[test]
    fn status_words_are_typed() {
        assert_eq!(status_error(0x63C2), CardError::WrongPin { tries_left: 2 });
        assert_eq!(status_error(0x6983), CardError::PinBlocked);
        assert_eq!(status_error(0x6982), CardError::SecurityStatusNotSatisfied);
        assert_eq!(status_error(0x6A82), CardError::FileNotFound);
        assert_eq!(status_error(0x6700), CardError::WrongLength);
        assert_eq!(status_error(0x6F00), CardError::Status { sw: 0x6F00 });
        assert!(Response::parse(&[0x90]).is_err());
    }

    #[test]
    fn read_binary_in_chunks() {
        let mut t = Scripted::new(&[
            ("00B00000C0", &alloc::format!("{}9000", "01".repeat(0xC0))),
            ("00B000C00A", &alloc::format!("{}9000", "02".repeat(10))),
        ]);
        let d = read_binary(&mut t, 0xCA, 0xC0).unwrap();
        assert_eq!(d.len(), 0xCA);
        assert_eq!(d[0xC0], 2);
        t.assert_done();
    }
}
