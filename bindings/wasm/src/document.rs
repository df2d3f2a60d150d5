//! Signed documents, through the core's front door: `imza::verify`'s push-based form,
//! [`imza::DocumentVerifier`], so whole and streamed content take one path.

use wasm_bindgen::prelude::*;

use crate::exchanges::Exchanges;
use crate::options::Validation;
use crate::{report_value, Failure};

/// A signature and its options, waiting for detached content (`update`) and then judged
/// (`verify`, once per round of the host's network).
#[wasm_bindgen(js_name = DocumentVerifierCore)]
#[derive(Debug)]
pub struct DocumentVerifier {
    inner: imza::DocumentVerifier,
    options: Validation,
}

#[wasm_bindgen(js_class = DocumentVerifierCore)]
impl DocumentVerifier {
    /// Parses `signature` and reads `options` (`{ trust, intermediates, at, revocation,
    /// ocspResponses, crls }`).
    #[wasm_bindgen(constructor)]
    pub fn new(signature: &[u8], options: JsValue) -> Result<DocumentVerifier, Failure> {
        Ok(Self {
            options: Validation::from_js(&options)?,
            inner: imza::DocumentVerifier::new(signature)?,
        })
    }

    /// The format: `"CMS"` (later `"XML"`, `"ZIP"`, `"PDF"`).
    #[wasm_bindgen(getter)]
    pub fn format(&self) -> String {
        format!("{:?}", self.inner.format()).to_uppercase()
    }

    /// Whether the signature is detached, so the signed content must come through
    /// `update`.
    #[wasm_bindgen(getter, js_name = needsContent)]
    pub fn needs_content(&self) -> bool {
        self.inner.needs_content()
    }

    /// Hashes the next piece of the detached content.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), Failure> {
        Ok(self.inner.update(chunk)?)
    }

    /// The digest algorithms (Web Crypto names: `"SHA-256"` ...) a host that hashes the
    /// content itself must use for `setDigests`; empty when digests cannot stand for the
    /// content (then `update` it).
    #[wasm_bindgen(js_name = requiredDigests)]
    pub fn required_digests(&self) -> Vec<String> {
        self.inner
            .required_digests()
            .into_iter()
            .map(|a| a.name().to_string())
            .collect()
    }

    /// The content's digests computed by the host (Web Crypto), one per `requiredDigests`
    /// name, concatenated in that order in `values`, and the content's length; instead of
    /// `update`.
    #[wasm_bindgen(js_name = setDigests)]
    pub fn set_digests(
        &mut self,
        names: Vec<String>,
        values: &[u8],
        length: f64,
    ) -> Result<(), Failure> {
        let mut digests = Vec::new();
        let mut rest = values;
        for name in &names {
            let alg = self
                .inner
                .required_digests()
                .into_iter()
                .find(|a| a.name() == name.as_str())
                .ok_or_else(|| crate::options::invalid("a digest the signature does not need"))?;
            let (value, tail) = rest.split_at_checked(alg.output_len()).ok_or_else(|| {
                crate::options::invalid("the digests are shorter than their algorithms")
            })?;
            digests.push((alg, value));
            rest = tail;
        }
        if !length.is_finite() || length < 0.0 {
            return Err(crate::options::invalid(
                "the content length is a number of bytes",
            ));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let length = length as u64;
        Ok(self.inner.set_digests(&digests, length)?)
    }

    /// The number of content bytes hashed so far.
    #[wasm_bindgen(getter, js_name = bytesHashed)]
    pub fn bytes_hashed(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let n = self.inner.length() as f64;
        n
    }

    /// Validates the signatures over the content given so far and returns the report
    /// object (`imza verify --json`). Online revocation asks `exchanges`.
    pub fn verify(&mut self, exchanges: &Exchanges) -> Result<JsValue, Failure> {
        let opts = self.options.options(&exchanges.inner);
        let report = self.inner.verify(&opts)?;
        report_value(&report)
    }

    /// Whether the options ask for online revocation (the host then runs rounds).
    #[wasm_bindgen(getter)]
    pub fn online(&self) -> bool {
        self.options.revocation == crate::options::Revocation::Online
    }
}
