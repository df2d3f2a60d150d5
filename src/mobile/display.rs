//! Display text: what the phone shows next to the prompt. Checked before anything is sent,
//! because a provider either refuses a text that does not fit (HTTP 400 after the person
//! was already waiting) or, worse, cuts it.

use alloc::string::String;

use super::MobileError;

/// How Mobile-ID sends the display text over SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    /// The GSM 03.38 default alphabet: at most 100 septets (characters of the extension
    /// table, such as `€` or `[`, take two).
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UCS-2 (UTF-16 without surrogates): at most 50 characters of the Basic Multilingual
    /// Plane.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl TextEncoding {
    /// The name the Mobile-ID API uses.
    pub const fn api_name(self) -> &'static str {
        match self {
            Self::Gsm7 => "GSM-7",
            Self::Ucs2 => "UCS-2",
        }
    }
}

/// How long a Mobile-ID display text may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MobileIdLimits {
    /// Most GSM-7 septets (a character of the extension table takes two).
    pub gsm7_septets: usize,
    /// Most UCS-2 characters.
    pub ucs2_chars: usize,
}

impl MobileIdLimits {
    /// 100 GSM-7 septets or 50 UCS-2 characters: the project's reference
    /// (`../shared/notes/mobile-id.md`), and the default.
    pub const NOTES: Self = Self {
        gsm7_septets: 100,
        ucs2_chars: 50,
    };

    /// 40 bytes, so 40 GSM-7 septets or 20 UCS-2 characters: SK's current MID REST
    /// specification (`SK-EID/MID`, §3.2.3), which cuts longer texts rather than refusing them.
    pub const SK_MID_REST: Self = Self {
        gsm7_septets: 40,
        ucs2_chars: 20,
    };
}

impl Default for MobileIdLimits {
    fn default() -> Self {
        Self::NOTES
    }
}
/// Most characters in a Smart-ID `displayText60`.
pub const SMART_ID_SHORT_MAX: usize = 60;
/// Most characters in a Smart-ID `displayText200`.
pub const SMART_ID_LONG_MAX: usize = 200;

/// The GSM 03.38 default alphabet (without the escape code).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: two septets each (escape + code).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets `c` takes in GSM-7, or `None` when it is not in the alphabet.
fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Refuses control characters other than line breaks (they render differently on every
/// phone) and bidirectional overrides and isolates, which can make the phone show text in
/// another order than the portal meant ("Trojan Source", CVE-2021-42574).
fn check_controls(text: &str, encoding: &'static str) -> Result<(), MobileError> {
    let hidden = |c: &char| {
        (c.is_control() && !matches!(c, '\n' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    match text.chars().find(hidden) {
        Some(c) => Err(MobileError::DisplayTextNotEncodable {
            character: c,
            encoding,
        }),
        None => Ok(()),
    }
}

/// A Mobile-ID display text with the encoding it will be sent in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MobileIdText {
    /// The text.
    pub text: String,
    /// Its encoding.
    pub encoding: TextEncoding,
}

/// Checks a Mobile-ID display text against `limits`. With `encoding: None` GSM-7 is chosen
/// when every character is in its alphabet, UCS-2 otherwise (as the Mobile-ID clients do).
pub fn mobile_id(
    text: &str,
    encoding: Option<TextEncoding>,
    limits: MobileIdLimits,
) -> Result<MobileIdText, MobileError> {
    let gsm: Option<usize> = text.chars().map(gsm7_septets).sum();
    let encoding = match (encoding, gsm) {
        (Some(e), _) => e,
        (None, Some(_)) => TextEncoding::Gsm7,
        (None, None) => TextEncoding::Ucs2,
    };
    check_controls(text, encoding.api_name())?;
    match encoding {
        TextEncoding::Gsm7 => {
            let septets = match gsm {
                Some(n) => n,
                None => {
                    let bad = text
                        .chars()
                        .find(|&c| gsm7_septets(c).is_none())
                        .unwrap_or('\u{fffd}');
                    return Err(MobileError::DisplayTextNotEncodable {
                        character: bad,
                        encoding: "GSM-7",
                    });
                }
            };
            if septets > limits.gsm7_septets {
                return Err(MobileError::DisplayTextTooLong {
                    length: septets,
                    max: limits.gsm7_septets,
                    encoding: "GSM-7",
                });
            }
        }
        TextEncoding::Ucs2 => {
            if let Some(c) = text.chars().find(|c| c.len_utf16() > 1) {
                return Err(MobileError::DisplayTextNotEncodable {
                    character: c,
                    encoding: "UCS-2",
                });
            }
            let n = text.chars().count();
            if n > limits.ucs2_chars {
                return Err(MobileError::DisplayTextTooLong {
                    length: n,
                    max: limits.ucs2_chars,
                    encoding: "UCS-2",
                });
            }
        }
    }
    Ok(MobileIdText {
        text: text.into(),
        encoding,
    })
}

/// Which Smart-ID interaction carries the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmartIdField {
    /// `displayTextAndPIN` with `displayText60`.
    Short,
    /// `confirmationMessage` with `displayText200`.
    Long,
}

/// Checks a Smart-ID display text: up to 60 characters go with the PIN screen, up to 200
/// need the separate confirmation screen. Characters are Unicode scalar values.
pub fn smart_id(text: &str) -> Result<SmartIdField, MobileError> {
    check_controls(text, "UTF-8")?;
    match text.chars().count() {
        n if n <= SMART_ID_SHORT_MAX => Ok(SmartIdField::Short),
        n if n <= SMART_ID_LONG_MAX => Ok(SmartIdField::Long),
        n => Err(MobileError::DisplayTextTooLong {
            length: n,
            max: SMART_ID_LONG_MAX,
            encoding: "UTF-8",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: MobileIdLimits = MobileIdLimits::NOTES;

    #[test]
    fn sk_limits_are_stricter() {
        let sk = MobileIdLimits::SK_MID_REST;
        assert!(mobile_id(&"a".repeat(40), None, sk).is_ok());
        assert!(mobile_id(&"a".repeat(41), None, sk).is_err());
        assert!(mobile_id(&"õ".repeat(20), None, sk).is_ok());
        assert!(mobile_id(&"õ".repeat(21), None, sk).is_err());
    }

    #[test]
    fn gsm7_chosen_for_latin_and_counted_in_septets() {
        let t = mobile_id("Allkirjasta leping nr 12", None, L).unwrap();
        assert_eq!(t.encoding, TextEncoding::Gsm7);
        // 50 euro signs are 100 septets: the limit exactly.
        assert!(mobile_id(&"€".repeat(50), None, L).is_ok());
        assert_eq!(
            mobile_id(&"€".repeat(51), None, L),
            Err(MobileError::DisplayTextTooLong {
                length: 102,
                max: 100,
                encoding: "GSM-7"
            })
        );
        assert!(mobile_id(&"a".repeat(100), None, L).is_ok());
        assert!(mobile_id(&"a".repeat(101), None, L).is_err());
    }

    #[test]
    fn ucs2_for_other_scripts_with_its_own_limit() {
        // Azerbaijani ə and Estonian š/õ are not in GSM-7.
        let t = mobile_id("Müqaviləni imzala", None, L).unwrap();
        assert_eq!(t.encoding, TextEncoding::Ucs2);
        assert!(mobile_id(&"õ".repeat(50), None, L).is_ok());
        assert!(matches!(
            mobile_id(&"õ".repeat(51), None, L),
            Err(MobileError::DisplayTextTooLong { max: 50, .. })
        ));
        // Outside the BMP: not UCS-2.
        assert!(matches!(
            mobile_id("sign 😀", None, L),
            Err(MobileError::DisplayTextNotEncodable {
                character: '😀',
                ..
            })
        ));
    }

    #[test]
    fn forced_gsm7_refuses_what_it_cannot_carry() {
        assert!(matches!(
            mobile_id("Şəhər", Some(TextEncoding::Gsm7), L),
            Err(MobileError::DisplayTextNotEncodable {
                encoding: "GSM-7",
                ..
            })
        ));
    }

    #[test]
    fn control_characters_refused() {
        assert!(mobile_id("a\u{1b}b", None, L).is_err());
        assert!(mobile_id("a\u{202e}b", None, L).is_err()); // right-to-left override
        assert!(smart_id("a\u{7}b").is_err());
        assert!(mobile_id("line\nbreak", None, L).is_ok());
    }

    #[test]
    fn smart_id_fields() {
        assert_eq!(smart_id(&"ä".repeat(60)), Ok(SmartIdField::Short));
        assert_eq!(smart_id(&"ä".repeat(61)), Ok(SmartIdField::Long));
        assert!(smart_id(&"ä".repeat(201)).is_err());
    }
}
