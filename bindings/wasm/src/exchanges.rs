//! The network of an asynchronous host. The core's transport is synchronous and a
//! browser's `fetch` is not, so the package's JavaScript runs a verification, takes the
//! requests it could not answer ([`Exchanges::pending`]), fetches them through the
//! caller's `fetch` callback, gives the answers back, and runs it again (see
//! `imza::transport::Prefetched`). Nothing is fetched unless the caller asked for online
//! revocation and passed a callback.

use imza::transport::{Method, Prefetched, Response};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// Answers fetched by the host, and the requests still to fetch.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct Exchanges {
    pub(crate) inner: Prefetched,
}

fn method(name: &str) -> Result<Method, JsValue> {
    match name {
        "GET" => Ok(Method::Get),
        "POST" => Ok(Method::Post),
        _ => Err(crate::Failure::from(imza::Error::InvalidOptions {
            reason: "an exchange's method is GET or POST",
        })
        .into()),
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

#[wasm_bindgen]
impl Exchanges {
    /// No answers yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// The requests the last run could not answer: `[{ method, url, headers, body,
    /// maxResponseLength }]`, each once.
    pub fn pending(&self) -> Array {
        self.inner
            .take_pending()
            .into_iter()
            .map(|e| {
                let o = Object::new();
                let m = match e.method {
                    Method::Get => "GET",
                    _ => "POST",
                };
                set(&o, "method", &m.into());
                set(&o, "url", &e.url.as_str().into());
                let headers = Object::new();
                for (k, v) in &e.headers {
                    set(&headers, k, &v.as_str().into());
                }
                set(&o, "headers", &headers.into());
                set(&o, "body", &Uint8Array::from(e.body.as_slice()).into());
                #[allow(clippy::cast_precision_loss)]
                set(&o, "maxResponseLength", &(e.max_response_len as f64).into());
                JsValue::from(o)
            })
            .collect()
    }

    /// The response to one pending request.
    pub fn answer(
        &mut self,
        method_name: &str,
        url: &str,
        body: &[u8],
        status: u16,
        content_type: Option<String>,
        response: Vec<u8>,
    ) -> Result<(), JsValue> {
        let r = Response {
            status,
            content_type,
            body: response,
        };
        self.inner.answer(method(method_name)?, url, body, r);
        Ok(())
    }

    /// One pending request could not be fetched; the core sees a transport error.
    pub fn fail(
        &mut self,
        method_name: &str,
        url: &str,
        body: &[u8],
        reason: &str,
    ) -> Result<(), JsValue> {
        self.inner.fail(method(method_name)?, url, body, reason);
        Ok(())
    }
}
