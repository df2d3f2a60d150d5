//! The network: imza's blocking HTTP client, or the host's own HTTP stack through a
//! callback (so a host keeps its proxies, certificates and logging).
//!
//! Thread safety: an `imza_transport` is immutable once made and may be shared by any number
//! of options and threads; options keep their own reference, so it may be freed after. A
//! callback transport calls the host's function on whichever thread runs the operation
//! (several at once when shared); an `imza_http_response` is only valid inside the callback
//! it was passed to, on that thread.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use imza::transport::{Method, Request, Response, Transport};

use crate::boundary::{bytes_arg, fail, free_handle, handle_mut, into_handle, out_arg, str_arg};
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_NULL_PARAMETER, IMZA_OK};

/// A way to reach OCSP responders, CRL distribution points, time-stamping and mobile-ID
/// services (opaque).
#[allow(non_camel_case_types)]
#[derive(Clone)]
pub struct imza_transport {
    pub(crate) inner: Arc<dyn Transport + Send + Sync>,
}

impl std::fmt::Debug for imza_transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("imza_transport")
    }
}

/// imza's built-in blocking HTTP client (HTTPS with the Mozilla roots).
pub(crate) fn http() -> imza_transport {
    imza_transport {
        inner: Arc::new(imza::transport::BlockingHttp::new()),
    }
}

/// Makes imza's built-in blocking HTTP/1.1 client (rustls, the Mozilla roots) in `*out`.
///
/// # Safety
///
/// `out` must be NULL or point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_transport_new_http(out: *mut *mut imza_transport) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        *out = into_handle(http());
        IMZA_OK
    })
}

/// Releases a transport. NULL is ignored. Options made with it keep their own reference.
///
/// # Safety
///
/// `t` must be NULL or a transport from an `imza_transport_new_*` function, not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_transport_free(t: *mut imza_transport) {
    let _ = ffi_guard!({
        // SAFETY: `t` is NULL or a transport handle, freed once (this function's contract).
        unsafe { free_handle(t) };
        IMZA_OK
    });
}

// ==== the host's HTTP stack ===================================================================

/// One HTTP request handed to an [`imza_transport_callback`]. Every pointer is valid only
/// during the callback; copy what you keep.
///
/// The body of a mobile-ID request carries the relying party's UUID (the API wants it
/// there): do not log bodies.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug)]
pub struct imza_http_request {
    /// `"GET"` or `"POST"`, NUL-terminated.
    pub method: *const c_char,
    /// The absolute URL, NUL-terminated.
    pub url: *const c_char,
    /// `header_count` header names (`"Content-Type"`, `"Accept"`), NUL-terminated.
    pub header_names: *const *const c_char,
    /// `header_count` header values, NUL-terminated, in the order of `header_names`.
    pub header_values: *const *const c_char,
    /// How many headers.
    pub header_count: usize,
    /// The body (`body_len` bytes; NULL when empty, as for a GET).
    pub body: *const u8,
    /// Its length.
    pub body_len: usize,
    /// Time allowed for the whole exchange, in milliseconds: give up (and return an error)
    /// after it.
    pub timeout_ms: u64,
    /// The largest response body imza accepts; appending more fails.
    pub max_response_len: usize,
}

/// Where an [`imza_transport_callback`] writes the response (opaque): its status with
/// [`imza_http_response_set_status`], its `Content-Type` with
/// [`imza_http_response_set_content_type`], its body with
/// [`imza_http_response_append_body`] (in pieces, as it arrives). imza owns it: the host
/// never allocates or frees anything for a response.
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct imza_http_response {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    max_len: usize,
}

/// The host's HTTP exchange: send `request` and write the answer (any HTTP status is an
/// answer) to `response`, then return `IMZA_OK`. Any other return value means the exchange
/// failed (no connection, timeout, TLS ...): imza reports `IMZA_TRANSPORT` with the value in
/// the message, and ignores what was written to `response`.
///
/// Called on the thread that runs the imza operation (a validation fetching revocation data,
/// a signature asking a time-stamp, a mobile-ID session): with one transport used by several
/// threads at once, it is called by several threads at once, and `userdata` must allow that.
#[allow(non_camel_case_types)]
pub type imza_transport_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        request: *const imza_http_request,
        response: *mut imza_http_response,
    ) -> imza_result,
>;

/// The host's callback as a [`Transport`].
struct CallbackTransport {
    send: unsafe extern "C" fn(
        *mut c_void,
        *const imza_http_request,
        *mut imza_http_response,
    ) -> imza_result,
    userdata: *mut c_void,
}

// SAFETY: the callback and its `userdata` are the host's; `imza_transport_new_callback`
// documents that they are called from any thread that uses the transport, at the same time
// when the transport is shared, and the host promises that this is safe.
unsafe impl Send for CallbackTransport {}
// SAFETY: as above; imza itself keeps no mutable state in it.
unsafe impl Sync for CallbackTransport {}

fn transport_failed(url: &str, what: impl std::fmt::Display) -> imza::Error {
    // Drop any query: it may carry credentials (as imza's own client does).
    let end = url.find(['?', '#']).unwrap_or(url.len());
    imza::Error::Transport {
        reason: format!("{}: {what}", url.get(..end).unwrap_or(url)),
    }
}

impl Transport for CallbackTransport {
    fn send(&self, req: &Request<'_>) -> Result<Response, imza::Error> {
        let fail = |what: &str| transport_failed(req.url, what);
        let method = match req.method {
            Method::Post => c"POST",
            _ => c"GET",
        };
        let url = CString::new(req.url).map_err(|_| fail("a NUL byte in the URL"))?;
        let mut names = Vec::with_capacity(req.headers.len());
        let mut values = Vec::with_capacity(req.headers.len());
        for (k, v) in req.headers {
            names.push(CString::new(*k).map_err(|_| fail("a NUL byte in a header"))?);
            values.push(CString::new(*v).map_err(|_| fail("a NUL byte in a header"))?);
        }
        let name_ptrs: Vec<*const c_char> = names.iter().map(|s| s.as_ptr()).collect();
        let value_ptrs: Vec<*const c_char> = values.iter().map(|s| s.as_ptr()).collect();
        let request = imza_http_request {
            method: method.as_ptr(),
            url: url.as_ptr(),
            header_names: name_ptrs.as_ptr(),
            header_values: value_ptrs.as_ptr(),
            header_count: req.headers.len(),
            body: if req.body.is_empty() {
                std::ptr::null()
            } else {
                req.body.as_ptr()
            },
            body_len: req.body.len(),
            timeout_ms: u64::try_from(req.timeout.as_millis()).unwrap_or(u64::MAX),
            max_response_len: req.max_response_len,
        };
        let mut response = imza_http_response {
            max_len: req.max_response_len,
            ..imza_http_response::default()
        };
        // SAFETY: `request` and every pointer in it (the CStrings, the pointer arrays, the
        // body) live until this call returns; `response` is a valid, exclusively borrowed
        // handle for the same time. The callback's own contract is the host's to keep.
        let code = unsafe { (self.send)(self.userdata, &request, &mut response) };
        if code != IMZA_OK {
            return Err(fail(&format!(
                "the host's transport callback failed with code {code}"
            )));
        }
        if response.status == 0 {
            return Err(fail("the host's transport callback set no HTTP status"));
        }
        Ok(Response {
            status: response.status,
            content_type: response.content_type,
            body: response.body,
        })
    }
}

/// Makes a transport that sends every request through the host's HTTP stack (its proxies,
/// TLS settings, certificates and logging) in `*out`: imza calls `send` for each exchange
/// (see [`imza_transport_callback`]), with `userdata` unchanged.
///
/// Thread safety: `send` is called on whichever thread runs an operation that uses the
/// transport, several at once when options holding it are used by several threads; it and
/// `userdata` must allow that. `userdata` must stay valid until the transport and every
/// options object holding it are freed.
///
/// # Safety
///
/// `send` must be NULL (`IMZA_NULL_PARAMETER`) or a function with the signature of
/// [`imza_transport_callback`] that keeps its contract; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_transport_new_callback(
    send: imza_transport_callback,
    userdata: *mut c_void,
    out: *mut *mut imza_transport,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        let Some(send) = send else {
            return IMZA_NULL_PARAMETER;
        };
        *out = into_handle(imza_transport {
            inner: Arc::new(CallbackTransport { send, userdata }),
        });
        IMZA_OK
    })
}

/// Sets the response's HTTP status (100 to 999; another value gives
/// `IMZA_INVALID_ARGUMENT`). A response without a status is a failed exchange.
///
/// # Safety
///
/// `response` must be NULL or the handle imza passed to the running callback.
#[no_mangle]
pub unsafe extern "C" fn imza_http_response_set_status(
    response: *mut imza_http_response,
    status: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `response` is NULL or the live handle of the running callback (contract).
        let r = try_ffi!(unsafe { handle_mut(response) });
        match u16::try_from(status) {
            Ok(s) if (100..=999).contains(&s) => {
                r.status = s;
                IMZA_OK
            }
            _ => IMZA_INVALID_ARGUMENT,
        }
    })
}

/// Sets the response's `Content-Type` header value (copied).
///
/// # Safety
///
/// `response` as in [`imza_http_response_set_status`]; `content_type` NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imza_http_response_set_content_type(
    response: *mut imza_http_response,
    content_type: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `response` is NULL or the live handle of the running callback (contract).
        let r = try_ffi!(unsafe { handle_mut(response) });
        // SAFETY: `content_type` is NULL or NUL-terminated (this function's contract).
        let ct = try_ffi!(unsafe { str_arg(content_type) });
        r.content_type = Some(ct.to_owned());
        IMZA_OK
    })
}

/// Appends `len` bytes to the response body (copied). More than the request's
/// `max_response_len` in all gives `IMZA_LIMIT_EXCEEDED`; stop and return an error from the
/// callback then.
///
/// # Safety
///
/// `response` as in [`imza_http_response_set_status`]; `data` NULL (with `len` 0) or `len`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_http_response_append_body(
    response: *mut imza_http_response,
    data: *const u8,
    len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `response` is NULL or the live handle of the running callback (contract).
        let r = try_ffi!(unsafe { handle_mut(response) });
        // SAFETY: `data` is NULL or `len` readable bytes (this function's contract).
        let data = try_ffi!(unsafe { bytes_arg(data, len) });
        if r.body.len().saturating_add(data.len()) > r.max_len {
            return fail(&imza::Error::LimitExceeded {
                what: "HTTP response body",
                limit: r.max_len,
            });
        }
        r.body.extend_from_slice(data);
        IMZA_OK
    })
}
