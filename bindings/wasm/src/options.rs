//! Reading the options objects JavaScript passes: plain objects whose properties are
//! strings, numbers, `Date`s, `Uint8Array`s or arrays of them. Unknown properties are
//! ignored, as JavaScript APIs do; a property of the wrong type is `InvalidOptions` (105).

use imza::{RevocationPolicy, TrustStore, UnixTime, VerifyOptions};
use js_sys::{Array, Date, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::Failure;

/// `obj[name]`, `None` when the object or the property is missing, `undefined` or `null`.
pub(crate) fn get(obj: &JsValue, name: &str) -> Option<JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return None;
    }
    Reflect::get(obj, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

pub(crate) fn invalid(reason: &'static str) -> Failure {
    Failure::from(imza::Error::InvalidOptions { reason })
}

/// A string property.
pub(crate) fn string(
    obj: &JsValue,
    name: &str,
    wrong: &'static str,
) -> Result<Option<String>, Failure> {
    get(obj, name)
        .map(|v| v.as_string().ok_or_else(|| invalid(wrong)))
        .transpose()
}

/// A string or an array of strings.
pub(crate) fn strings(
    obj: &JsValue,
    name: &str,
    wrong: &'static str,
) -> Result<Vec<String>, Failure> {
    let Some(v) = get(obj, name) else {
        return Ok(Vec::new());
    };
    if let Some(s) = v.as_string() {
        return Ok(vec![s]);
    }
    if !Array::is_array(&v) {
        return Err(invalid(wrong));
    }
    Array::from(&v)
        .iter()
        .map(|x| x.as_string().ok_or_else(|| invalid(wrong)))
        .collect()
}

/// Bytes: a `Uint8Array`, an `ArrayBuffer`, or a string (its UTF-8, for PEM text).
pub(crate) fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(s) = v.as_string() {
        return Some(s.into_bytes());
    }
    if v.is_instance_of::<Uint8Array>() || v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Some(Uint8Array::new(v).to_vec());
    }
    None
}

/// One item or an array of items, each bytes or text.
pub(crate) fn byte_list(
    obj: &JsValue,
    name: &str,
    wrong: &'static str,
) -> Result<Vec<Vec<u8>>, Failure> {
    let Some(v) = get(obj, name) else {
        return Ok(Vec::new());
    };
    if Array::is_array(&v) {
        Array::from(&v)
            .iter()
            .map(|x| bytes_of(&x).ok_or_else(|| invalid(wrong)))
            .collect()
    } else {
        bytes_of(&v).map(|b| vec![b]).ok_or_else(|| invalid(wrong))
    }
}

/// The current time by the host's clock (the core reads none).
pub(crate) fn now() -> UnixTime {
    let ms = Date::now();
    // Milliseconds since 1970 as a float; a clock before 1970 counts as 1970.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let secs = (ms / 1000.0).max(0.0) as u64;
    UnixTime::from_secs(secs)
}

/// A time property: a `Date`, an RFC 3339 string, or seconds since 1970.
pub(crate) fn time(obj: &JsValue, name: &str) -> Result<Option<UnixTime>, Failure> {
    const WRONG: &str = "a time must be a Date, an RFC 3339 string or seconds since 1970";
    let Some(v) = get(obj, name) else {
        return Ok(None);
    };
    let secs = if let Some(d) = v.dyn_ref::<Date>() {
        d.get_time() / 1000.0
    } else if let Some(s) = v.as_string() {
        return UnixTime::parse_rfc3339(&s)
            .map(Some)
            .map_err(|_| invalid(WRONG));
    } else if let Some(n) = v.as_f64() {
        n
    } else {
        return Err(invalid(WRONG));
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(invalid(WRONG));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Some(UnixTime::from_secs(secs as u64)))
}

/// How revocation is checked: `"offline"` (the default), `"online"`, `"skip"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Revocation {
    Offline,
    Online,
    Skip,
}

pub(crate) fn revocation(obj: &JsValue) -> Result<Revocation, Failure> {
    const WRONG: &str = "revocation must be \"offline\", \"online\" or \"skip\"";
    match string(obj, "revocation", WRONG)?.as_deref() {
        None | Some("offline") => Ok(Revocation::Offline),
        Some("online") => Ok(Revocation::Online),
        Some("skip") => Ok(Revocation::Skip),
        Some(_) => Err(invalid(WRONG)),
    }
}

/// The DER of every certificate in each item (PEM with one or many, or DER).
pub(crate) fn certificates(items: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::new();
    for item in items {
        for c in imza::cert::parse_any(item)? {
            out.push(der::Encode::to_der(&c).map_err(|e| {
                Failure::from(imza::Error::Malformed {
                    what: "certificate",
                    detail: e.to_string(),
                })
            })?);
        }
    }
    Ok(out)
}

/// The document and certificate validation options, owned, from a JS object:
/// `{ trust, intermediates, at, revocation, ocspResponses, crls }`.
#[derive(Debug)]
pub(crate) struct Validation {
    pub(crate) trust: TrustStore,
    pub(crate) intermediates: Vec<Vec<u8>>,
    pub(crate) at: Option<UnixTime>,
    pub(crate) revocation: Revocation,
    pub(crate) ocsp_responses: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Vec<u8>>,
}

impl Validation {
    pub(crate) fn from_js(obj: &JsValue) -> Result<Self, Failure> {
        let mut trust = TrustStore::new();
        for t in byte_list(obj, "trust", "trust must be PEM strings or DER bytes")? {
            trust.add_pem_or_der(&t)?;
        }
        let intermediates = certificates(&byte_list(
            obj,
            "intermediates",
            "intermediates must be PEM strings or DER bytes",
        )?)?;
        Ok(Self {
            trust,
            intermediates,
            at: time(obj, "at")?,
            revocation: revocation(obj)?,
            ocsp_responses: byte_list(obj, "ocspResponses", "ocspResponses must be DER bytes")?,
            crls: byte_list(obj, "crls", "crls must be DER bytes")?,
        })
    }

    /// The core's options; online revocation goes through `transport`, the exchanges the
    /// host answers.
    pub(crate) fn options<'a>(
        &'a self,
        transport: &'a dyn imza::transport::Transport,
    ) -> VerifyOptions<'a> {
        let now = now();
        let mut o = VerifyOptions::new(&self.trust, self.at.unwrap_or(now));
        o.now = now;
        o.extra_certs.clone_from(&self.intermediates);
        o.ocsp_responses.clone_from(&self.ocsp_responses);
        o.crls.clone_from(&self.crls);
        match self.revocation {
            Revocation::Skip => o.revocation = RevocationPolicy::Skip,
            Revocation::Offline => {}
            Revocation::Online => o.transport = Some(transport),
        }
        o
    }
}
