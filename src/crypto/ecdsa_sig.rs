//! ECDSA signature encodings: DER `Ecdsa-Sig-Value` and fixed-width `r || s`.
//!
//! X.509 and CMS carry DER; JOSE, XMLDSig, smart cards and mobile-ID services return the
//! fixed form. Conversions are strict: non-minimal integers, negative values, trailing bytes
//! and values wider than the curve are rejected, never "repaired".

use alloc::vec::Vec;

use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};

use super::alg::Curve;
use crate::error::Error;

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3).
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// Converts a DER signature to fixed-width `r || s` for `curve`.
pub fn der_to_fixed(curve: Curve, der: &[u8]) -> Result<Vec<u8>, Error> {
    let v = EcdsaSigValue::from_der(der).map_err(|e| Error::malformed("ECDSA signature", e))?;
    let n = curve.field_len();
    let mut out = alloc::vec![0u8; 2 * n];
    for (i, int) in [v.r, v.s].iter().enumerate() {
        let bytes = int.as_bytes();
        if bytes.len() > n {
            return Err(Error::Malformed {
                what: "ECDSA signature",
                detail: alloc::format!("integer wider than {} bytes for {}", n, curve.name()),
            });
        }
        let start = (i + 1) * n - bytes.len();
        out.get_mut(start..(i + 1) * n)
            .ok_or(Error::BadSignature)?
            .copy_from_slice(bytes);
    }
    Ok(out)
}

/// Converts fixed-width `r || s` for `curve` to DER.
pub fn fixed_to_der(curve: Curve, fixed: &[u8]) -> Result<Vec<u8>, Error> {
    let n = curve.field_len();
    if fixed.len() != 2 * n {
        return Err(Error::Malformed {
            what: "ECDSA signature",
            detail: alloc::format!(
                "{} bytes; r || s for {} is {} bytes",
                fixed.len(),
                curve.name(),
                2 * n
            ),
        });
    }
    let (r, s) = fixed.split_at(n);
    let enc = |e| Error::malformed("ECDSA signature", e);
    EcdsaSigValue {
        r: UintRef::new(r).map_err(enc)?,
        s: UintRef::new(s).map_err(enc)?,
    }
    .to_der()
    .map_err(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_leading_zeros_and_high_bits() {
        let mut fixed = alloc::vec![0u8; 64];
        fixed[1] = 0x01; // r has a leading zero byte
        fixed[31] = 0x7f;
        fixed[32] = 0x80; // s has the high bit set: DER needs a 0x00 pad
        fixed[63] = 0x01;
        let der = fixed_to_der(Curve::P256, &fixed).unwrap();
        assert_eq!(der_to_fixed(Curve::P256, &der).unwrap(), fixed);
    }

    #[test]
    fn rejects_non_minimal_negative_trailing_and_wide() {
        // r = 0x00 0x01 (non-minimal), s = 1
        let non_minimal = [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01];
        assert!(der_to_fixed(Curve::P256, &non_minimal).is_err());
        // r = -1
        let negative = [0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x01];
        assert!(der_to_fixed(Curve::P256, &negative).is_err());
        let mut trailing = alloc::vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
        trailing.push(0);
        assert!(der_to_fixed(Curve::P256, &trailing).is_err());
        let wide = fixed_to_der(Curve::P384, &[0x11; 96]).unwrap();
        assert!(der_to_fixed(Curve::P256, &wide).is_err());
        assert!(fixed_to_der(Curve::P256, &[1; 63]).is_err());
    }
}
