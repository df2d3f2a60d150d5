//! vpcd's wire protocol (vsmartcard): the card is the TCP client. Every frame, both ways,
//! is a 2-byte big-endian length and a payload. A 1-byte frame from vpcd is a control byte
//! (00 power off, 01 power on, 02 reset, 04 get ATR: answered by one frame with the ATR);
//! a longer one is a command APDU, answered by exactly one frame with the response APDU.
//! Closing the socket removes the card.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::{Card, Reply};

/// vpcd's first reader, "Virtual PCD 00 00"; the second (00 01) listens on 35964.
pub const DEFAULT_PORT: u16 = 35963;

const POWER_OFF: u8 = 0x00;
const POWER_ON: u8 = 0x01;
const RESET: u8 = 0x02;
const GET_ATR: u8 = 0x04;

/// Why [`serve`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// vpcd closed the connection (pcscd stopped).
    Closed,
    /// The card answered a signing command by vanishing; the caller drops the connection.
    Vanished,
}

/// Connects to vpcd, retrying while nothing listens yet, for at most `patience`.
pub fn connect(host: &str, port: u16, patience: Duration) -> io::Result<TcpStream> {
    let start = Instant::now();
    loop {
        match TcpStream::connect((host, port)) {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) if start.elapsed() >= patience => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Reads one frame; `None` when the peer closed the connection.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 2];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    match r.read_exact(&mut payload) {
        Ok(()) => Ok(Some(payload)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes one frame.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 65535 bytes"))?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    w.write_all(&frame)?;
    w.flush()
}

/// Serves `card` on a vpcd connection until vpcd closes it or the card vanishes. With
/// `trace`, every frame is logged to stderr.
pub fn serve<S: Read + Write>(stream: &mut S, card: &mut Card, trace: bool) -> io::Result<End> {
    loop {
        let Some(frame) = read_frame(stream)? else {
            return Ok(End::Closed);
        };
        match frame.as_slice() {
            [] => {}
            [control] => {
                if trace {
                    eprintln!("vcard: control {control:02X}");
                }
                match *control {
                    POWER_OFF => card.power_off(),
                    POWER_ON => card.power_on(),
                    RESET => card.reset(),
                    GET_ATR => write_frame(stream, card.atr())?,
                    _ => {}
                }
            }
            apdu => {
                if trace {
                    eprintln!("vcard: > {}", hex(apdu));
                }
                match card.transmit(apdu) {
                    Reply::Apdu(resp) => {
                        if trace {
                            eprintln!("vcard: < {}", hex(&resp));
                        }
                        write_frame(stream, &resp)?;
                    }
                    Reply::Vanish => {
                        if trace {
                            eprintln!("vcard: signing command: vanishing");
                        }
                        return Ok(End::Vanished);
                    }
                }
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::card;
    use crate::{Card, CardConfig, Profile};
    use std::net::TcpListener;

    /// A fake vpcd on loopback: power on, ATR, two APDUs, then close.
    #[test]
    fn protocol_over_tcp() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let card_thread = std::thread::spawn(move || {
            let mut stream = connect("127.0.0.1", port, Duration::from_secs(5)).unwrap();
            let mut c = card(Profile::Piv);
            serve(&mut stream, &mut c, false).unwrap()
        });
        let (mut vpcd, _) = listener.accept().unwrap();
        write_frame(&mut vpcd, &[POWER_ON]).unwrap();
        write_frame(&mut vpcd, &[RESET]).unwrap();
        write_frame(&mut vpcd, &[GET_ATR]).unwrap();
        assert_eq!(read_frame(&mut vpcd).unwrap().unwrap(), crate::piv::ATR);
        write_frame(&mut vpcd, &hex::decode("00A4040005A000000308").unwrap()).unwrap();
        let resp = read_frame(&mut vpcd).unwrap().unwrap();
        assert_eq!(resp[resp.len() - 2..], [0x90, 0x00]);
        write_frame(&mut vpcd, &hex::decode("00200080").unwrap()).unwrap();
        assert_eq!(read_frame(&mut vpcd).unwrap().unwrap(), [0x63, 0xC3]);
        drop(vpcd);
        assert_eq!(card_thread.join().unwrap(), End::Closed);
    }

    /// With --vanish-on-sign the card hangs up instead of answering.
    #[test]
    fn vanish_closes_without_an_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let card_thread = std::thread::spawn(move || {
            let mut stream = connect("127.0.0.1", port, Duration::from_secs(5)).unwrap();
            let mut config = CardConfig::new(Profile::Eid);
            config.vanish_on_sign = true;
            let mut c = Card::new(&config).unwrap();
            let end = serve(&mut stream, &mut c, false).unwrap();
            drop(stream);
            end
        });
        let (mut vpcd, _) = listener.accept().unwrap();
        write_frame(&mut vpcd, &[POWER_ON]).unwrap();
        let mut ia = hex::decode("0088000020").unwrap();
        ia.extend([0; 32]);
        ia.push(0);
        write_frame(&mut vpcd, &ia).unwrap();
        assert_eq!(card_thread.join().unwrap(), End::Vanished);
        assert_eq!(read_frame(&mut vpcd).unwrap(), None);
    }
}
