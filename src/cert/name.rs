//! Distinguished-name comparison (RFC 5280 §7.1) with RFC 4518 string preparation.
//!
//! Two names are equal when they have the same RDNs in the same order and each RDN the same
//! set of attribute type/value pairs, where string values compare after preparation: a CA
//! that re-encodes its name (PrintableString in its own certificate, UTF8String in the
//! issuer field of what it signs), changes letter case or doubles a space still chains, and
//! a directoryName constraint cannot be dodged by such a re-encoding. OpenSSL compares a
//! canonical form in the same spirit (`x509_name_canon`: UTF-8, ASCII lower case, spaces
//! collapsed); rustls-webpki and Go compare bytes.
//!
//! Preparation of PrintableString, UTF8String, IA5String, VisibleString and BMPString
//! values, RFC 4518 §2 step by step (the `der` crate does not decode UniversalString, so a
//! certificate with one does not parse):
//! 1. transcode to Unicode (a value that does not decode is compared as bytes);
//! 2. map: the characters of RFC 3454 table B.1 and the control characters to nothing,
//!    the other white space (tab, line breaks, NEL, every Zs separator) to SPACE, and case
//!    fold (caseIgnoreMatch, which RFC 5280 §7.1 requires) by Unicode lower-casing;
//! 3. normalize: **not done**. NFKC needs Unicode's composition tables (about 25 KB
//!    gzipped in the browser build, whose budget is 400 KB); a name that differs only in
//!    its normal form (a precomposed é against e + U+0301) therefore does not match, which
//!    can refuse a chain but never joins two names RFC 4518 keeps apart;
//! 4. prohibit and 5. check bidi: not done (they only make comparisons fail);
//! 6. insignificant space: leading and trailing spaces removed, inner runs made one.
//!
//! TeletexString and every other value type compare as DER bytes (RFC 5280 §7.1: "other
//! attribute types ... binary comparison"; T.61 has no dependable mapping to Unicode).
//! The attribute type is part of the key, so a CN never equals an O with the same text.

use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::Any;
use der::{Encode, Tag, Tagged};
use x509_cert::name::{Name, RelativeDistinguishedName};

/// A name in comparable form: equal keys mean equal names under RFC 5280 §7.1.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameKey(Vec<u8>);

impl NameKey {
    /// The key of `name`.
    pub fn of(name: &Name) -> Self {
        let mut out = Vec::new();
        for rdn in name.0.iter() {
            push_field(&mut out, &rdn_key(rdn));
        }
        Self(out)
    }

    /// The key of a DER-encoded name; bytes that do not decode are their own key (so they
    /// equal only themselves).
    pub fn of_der(der: &[u8]) -> Self {
        use der::Decode;
        match Name::from_der(der) {
            Ok(n) => Self::of(&n),
            Err(_) => {
                let mut out = alloc::vec![0xFF];
                out.extend_from_slice(der);
                Self(out)
            }
        }
    }
}

/// The keys of `name`'s RDNs, in order (for directoryName subtrees: a prefix match).
pub fn rdn_keys(name: &Name) -> Vec<Vec<u8>> {
    name.0.iter().map(rdn_key).collect()
}

/// One RDN: its attribute keys, sorted (an RDN is a SET: order carries no meaning).
fn rdn_key(rdn: &RelativeDistinguishedName) -> Vec<u8> {
    let mut atvs: Vec<Vec<u8>> = rdn
        .0
        .iter()
        .map(|atv| {
            let mut k = Vec::new();
            push_field(&mut k, atv.oid.as_bytes());
            match prepared(&atv.value) {
                Some(s) => {
                    k.push(b'S');
                    push_field(&mut k, s.as_bytes());
                }
                None => {
                    k.push(b'B');
                    push_field(&mut k, &atv.value.to_der().unwrap_or_default());
                }
            }
            k
        })
        .collect();
    atvs.sort();
    let mut out = Vec::new();
    for a in &atvs {
        push_field(&mut out, a);
    }
    out
}

/// Appends `bytes` with a length prefix, so concatenated fields cannot run into each other.
fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The prepared form of a string value, or `None` for a value compared as bytes.
fn prepared(value: &Any) -> Option<String> {
    let v = value.value();
    let text: String = match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::VisibleString => {
            let s = core::str::from_utf8(v).ok()?;
            if value.tag() != Tag::Utf8String && !s.is_ascii() {
                return None;
            }
            s.into()
        }
        Tag::BmpString => {
            if v.len() % 2 != 0 {
                return None;
            }
            let units = v
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes(c.try_into().unwrap_or_default()));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()?
        }
        _ => return None,
    };
    Some(prepare(&text))
}

/// RFC 4518 steps 2 and 6 (see the module documentation for what is not done).
pub(crate) fn prepare(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = match c {
            // RFC 3454 B.1: mapped to nothing.
            '\u{00AD}'
            | '\u{034F}'
            | '\u{1806}'
            | '\u{180B}'..='\u{180D}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFFC}' => continue,
            // RFC 4518 §2.2: these control characters are white space ...
            '\u{0009}'..='\u{000D}' | '\u{0085}' => ' ',
            // ... the others map to nothing.
            '\u{0000}'..='\u{0008}'
            | '\u{000E}'..='\u{001F}'
            | '\u{007F}'..='\u{0084}'
            | '\u{0086}'..='\u{009F}' => continue,
            // Separators (Zs, and the line and paragraph separators) to SPACE.
            '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => ' ',
            c => c,
        };
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use der::Decode;

    fn name(s: &str) -> Name {
        use core::str::FromStr;
        Name::from_str(s).unwrap()
    }

    /// A one-RDN name `CN=<value>` with the value under `tag`.
    fn cn_with(tag: u8, value: &[u8]) -> Name {
        let mut atv = alloc::vec![0x06, 0x03, 0x55, 0x04, 0x03, tag, value.len() as u8];
        atv.extend_from_slice(value);
        let mut set = alloc::vec![0x30, atv.len() as u8];
        set.extend_from_slice(&atv);
        let mut rdn = alloc::vec![0x31, set.len() as u8];
        rdn.extend_from_slice(&set);
        let mut der = alloc::vec![0x30, rdn.len() as u8];
        der.extend_from_slice(&rdn);
        Name::from_der(&der).unwrap()
    }

    #[test]
    fn preparation() {
        assert_eq!(prepare("  Imza   Test\tCA "), "imza test ca");
        assert_eq!(prepare("Soft\u{00AD}Hyphen"), "softhyphen");
        assert_eq!(prepare("NO\u{00A0}BREAK"), "no break");
        assert_eq!(prepare("ŞİRKƏT"), "şi\u{307}rkət");
        assert_eq!(prepare("   "), "");
    }

    #[test]
    fn encodings_case_and_spaces_match() {
        let printable = cn_with(0x13, b"Imza Test CA");
        let utf8 = cn_with(0x0C, b"imza  TEST ca ");
        let bmp = cn_with(
            0x1E,
            &"IMZA TEST CA"
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<_>>(),
        );
        assert_ne!(printable.to_der().unwrap(), utf8.to_der().unwrap());
        assert_eq!(NameKey::of(&printable), NameKey::of(&utf8));
        assert_eq!(NameKey::of(&printable), NameKey::of(&bmp));
        // Teletex is compared as bytes.
        assert_ne!(
            NameKey::of(&cn_with(0x14, b"Imza Test CA")),
            NameKey::of(&printable)
        );
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(
            NameKey::of(&name("CN=Imza Test CA")),
            NameKey::of(&name("CN=Imza Test CB"))
        );
        // Same text, other attribute type.
        assert_ne!(NameKey::of(&name("CN=Imza")), NameKey::of(&name("O=Imza")));
        // RDN order matters; the split between RDNs matters.
        assert_ne!(
            NameKey::of(&name("CN=A,O=B")),
            NameKey::of(&name("O=B,CN=A"))
        );
        assert_ne!(
            NameKey::of(&name("CN=A+O=B")),
            NameKey::of(&name("CN=A,O=B"))
        );
        // A multi-valued RDN is a set.
        assert_eq!(
            NameKey::of(&name("CN=A+O=B")),
            NameKey::of(&name("O=B+CN=A"))
        );
        // A printable value with a non-ASCII byte is not a string: bytes.
        assert_ne!(
            NameKey::of(&cn_with(0x13, "é".as_bytes())),
            NameKey::of(&cn_with(0x0C, "é".as_bytes()))
        );
    }
}
