//! Who a certificate names: names and the personal code from the subject, for Web eID
//! logins and mobile-ID results alike.
//!
//! ID-card certificates carry the person in `givenName`, `surname`, `commonName`, `country`
//! and `serialNumber`. The serial number follows ETSI EN 319 412-1 §5.1.3 ("natural person
//! semantics identifier") on most European cards: a three-letter type (`PNO` national
//! personal number, `IDC` identity card, `PAS` passport, `TIN`/`TAX` tax number), the
//! two-letter country, a hyphen and the identifier: `PNOEE-38001085718`. Older cards and
//! some countries (Finland, Belgium) put the bare identifier there.

use alloc::string::String;
use alloc::vec::Vec;

use const_oid::ObjectIdentifier;
use der::Tagged;
use x509_cert::name::Name;
use x509_cert::Certificate;

/// commonName.
const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// surname.
const SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
/// serialNumber.
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
/// countryName.
const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
/// givenName.
const GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");

/// ETSI EN 319 412-1 §5.1.3 natural-person identity type references.
const IDENTITY_TYPES: &[&str] = &["PAS", "IDC", "PNO", "TAX", "TIN"];

/// The person a certificate names: the subject's names and the personal code, as a Web eID
/// login ([`crate::webeid::AuthenticatedPerson`]) and a mobile-ID result
/// ([`crate::mobile::Identity`]) report it.
///
/// ```
/// use imza::{cert, Person};
///
/// # fn main() -> Result<(), imza::Error> {
/// let pem = include_bytes!("../../test-vectors/pki/ecdsa-p256/login.pem");
/// let person = Person::from_certificate(&cert::parse_any(pem)?[0]);
/// assert_eq!(person.common_name.as_deref(), Some("P-256 Login"));
/// assert_eq!(person.country.as_deref(), Some("AZ"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Person {
    /// Subject givenName.
    pub given_name: Option<String>,
    /// Subject surname.
    pub surname: Option<String>,
    /// Subject commonName.
    pub common_name: Option<String>,
    /// Subject countryName.
    pub country: Option<String>,
    /// Subject serialNumber as written (`PNOEE-38001085718`).
    pub serial_number: Option<String>,
    /// The personal code: from an ETSI EN 319 412-1 semantics identifier the part after
    /// the hyphen (`38001085718`), otherwise the serial number as written.
    pub personal_code: Option<String>,
    /// The country that issued the personal code: from the semantics identifier (`EE`),
    /// otherwise the subject country.
    pub personal_code_country: Option<String>,
    /// The identity type of a semantics identifier (`PNO` national personal number,
    /// `IDC`, `PAS`, `TIN`, `TAX`); `None` for a bare serial number.
    pub personal_code_type: Option<String>,
}

impl Person {
    /// The person `subject` names (the first value of each attribute: a multi-valued
    /// attribute is rare on ID cards, and the first one is the one card middleware shows).
    pub fn from_name(subject: &Name) -> Self {
        let names = subject_names(subject);
        let code = personal_code(&names);
        let (personal_code, personal_code_country, personal_code_type) = match code {
            Some(c) => (Some(c.code), c.country, c.kind),
            None => (None, None, None),
        };
        Self {
            given_name: names.given_name,
            surname: names.surname,
            common_name: names.common_name,
            country: names.country,
            serial_number: names.serial_number,
            personal_code,
            personal_code_country,
            personal_code_type,
        }
    }

    /// The person `cert`'s subject names.
    pub fn from_certificate(cert: &Certificate) -> Self {
        Self::from_name(&cert.tbs_certificate.subject)
    }
}

/// The subject attributes a login needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SubjectNames {
    pub(crate) given_name: Option<String>,
    pub(crate) surname: Option<String>,
    pub(crate) common_name: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) serial_number: Option<String>,
}

/// A personal identifier from the subject serialNumber.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PersonalCode {
    pub(crate) code: String,
    pub(crate) country: Option<String>,
    pub(crate) kind: Option<String>,
}

/// Reads the first value of each attribute of interest (a multi-valued attribute is rare
/// on ID cards; the first one is the one card middleware shows).
fn subject_names(name: &Name) -> SubjectNames {
    let mut out = SubjectNames::default();
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            let slot = match atv.oid {
                o if o == GIVEN_NAME => &mut out.given_name,
                o if o == SURNAME => &mut out.surname,
                o if o == CN => &mut out.common_name,
                o if o == COUNTRY => &mut out.country,
                o if o == SERIAL_NUMBER => &mut out.serial_number,
                _ => continue,
            };
            if slot.is_none() {
                *slot = attribute_string(&atv.value);
            }
        }
    }
    out
}

/// Splits an ETSI semantics identifier (`PNOEE-38001085718` → PNO, EE, 38001085718); a bare
/// serial number is the code itself, with the subject's country.
fn personal_code(names: &SubjectNames) -> Option<PersonalCode> {
    let serial = names.serial_number.as_deref()?;
    if serial.is_empty() {
        return None;
    }
    let etsi = serial.get(..3).zip(serial.get(3..5)).zip(serial.get(5..));
    if let Some(((kind, country), rest)) = etsi {
        if IDENTITY_TYPES.contains(&kind) && country.bytes().all(|b| b.is_ascii_uppercase()) {
            if let Some(code) = rest.strip_prefix('-').filter(|c| !c.is_empty()) {
                return Some(PersonalCode {
                    code: code.into(),
                    country: Some(country.into()),
                    kind: Some(kind.into()),
                });
            }
        }
    }
    Some(PersonalCode {
        code: serial.into(),
        country: names.country.clone(),
        kind: None,
    })
}

/// A directory string as text: UTF8String, PrintableString, IA5String, VisibleString,
/// BMPString (UTF-16BE) or TeletexString (read as Latin-1, as in practice it is).
pub(crate) fn attribute_string(any: &der::Any) -> Option<String> {
    let v = any.value();
    match any.tag() {
        der::Tag::Utf8String => core::str::from_utf8(v).ok().map(String::from),
        der::Tag::PrintableString | der::Tag::Ia5String | der::Tag::VisibleString => v
            .is_ascii()
            .then(|| v.iter().map(|&b| char::from(b)).collect()),
        der::Tag::TeletexString => Some(v.iter().map(|&b| char::from(b)).collect()),
        der::Tag::BmpString => {
            if v.len() % 2 != 0 {
                return None;
            }
            let units = v
                .chunks_exact(2)
                .map(|c| Some(u16::from_be_bytes([*c.first()?, *c.get(1)?])))
                .collect::<Option<Vec<u16>>>()?;
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// A name as a sorted list of (attribute type, normalised value): equal lists mean the
/// same name whatever the RDN order or letter case, as RFC 4517 §4.2.15 distinguishedName
/// matching with caseIgnoreMatch (RFC 4518 insignificant-space handling, simplified to
/// trimming and collapsing spaces) compares them. Undecodable values compare as raw bytes.
pub(crate) fn normalised(name: &Name) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            let value = match attribute_string(&atv.value) {
                Some(s) => s
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
                None => alloc::format!("{:02x?}", atv.value.value()),
            };
            out.push((alloc::format!("{}", atv.oid), value));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(serial: &str, country: Option<&str>) -> SubjectNames {
        SubjectNames {
            serial_number: Some(serial.into()),
            country: country.map(String::from),
            ..SubjectNames::default()
        }
    }

    #[test]
    fn etsi_semantics_identifier() {
        let p = personal_code(&names("PNOEE-38001085718", Some("EE"))).unwrap();
        assert_eq!(p.code, "38001085718");
        assert_eq!(p.country.as_deref(), Some("EE"));
        assert_eq!(p.kind.as_deref(), Some("PNO"));
        let lv = personal_code(&names("PNOLV-321922-33032", Some("LV"))).unwrap();
        assert_eq!(lv.code, "321922-33032");
        assert_eq!(lv.country.as_deref(), Some("LV"));
    }

    #[test]
    fn bare_serial_numbers() {
        for (serial, country) in [
            ("01050399864", "BE"),
            ("999020016", "FI"),
            ("36012345678", "EE"),
            ("PNOEE38001085718", "EE"),
            ("XYZEE-1", "EE"),
            ("PNOEE-", "EE"),
            ("PNØE-1", "EE"),
        ] {
            let p = personal_code(&names(serial, Some(country))).unwrap();
            assert_eq!(p.code, serial);
            assert_eq!(p.country.as_deref(), Some(country));
            assert_eq!(p.kind, None);
        }
        assert_eq!(personal_code(&names("", Some("EE"))), None);
    }
}
