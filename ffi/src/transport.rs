//! The network: imza's blocking HTTP client, or the host's own HTTP stack through a
//! callback (so a host keeps its proxies, certificates and logging).
//!
//! Thread safety: an `imza_transport` is immutable once made and may be shared by any number
//! of options and threads; options keep their own reference, so it may be freed after.

use std::sync::Arc;

use imza::transport::Transport;

use crate::boundary::{free_handle, into_handle, out_arg};
use crate::{imza_result, IMZA_OK};

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
