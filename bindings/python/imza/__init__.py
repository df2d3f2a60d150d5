"""imza for Python: verify signed documents through libimza's C ABI (ctypes, no compiler).

    >>> import imza
    >>> report = imza.verify("contract.p7m", trust=["root.pem"])
    >>> report["indication"], report["sub_indication"]
    ('TOTAL_PASSED', None)

``verify`` returns the validation report (the JSON document ``imza verify --json`` prints)
as a dict, whatever its verdict; it raises :class:`ImzaError` only when the input could not
be processed at all. The library is found through ``IMZA_LIBRARY`` (a path), else
``ctypes.util.find_library("imza")`` (an installed ``libimza.so``), else this repository's
``target/release/libimza_ffi.so`` or ``target/debug/libimza_ffi.so``.
"""

import ctypes
import ctypes.util
import datetime as _dt
import json
import os
import threading
from pathlib import Path

__all__ = [
    "ImzaError",
    "verify",
    "verify_token",
    "version",
    "library_path",
    "OK",
    "NULL_PARAMETER",
    "PANIC",
    "INVALID_ARGUMENT",
    "MALFORMED",
    "LIMIT_EXCEEDED",
    "CONTENT_GIVEN_TWICE",
    "UNSUPPORTED_FORMAT",
    "READ_FAILED",
]

# Result codes (ffi/include/imza.h): blocks of 100, stable once released.
OK = 0
NULL_PARAMETER = 1
PANIC = 2
INVALID_ARGUMENT = 6
MALFORMED = 100
LIMIT_EXCEEDED = 101
CONTENT_GIVEN_TWICE = 102
UNSUPPORTED_FORMAT = 103
READ_FAILED = 104

_REVOCATION = {"skip": 0, "offline": 1, "online": 2}


class ImzaError(Exception):
    """The input could not be processed: ``code`` is imza's numeric result code (100
    malformed, 102 content given twice, 104 read failed, ...), ``message`` the detail
    ``imza_last_error_message`` gave (or the code's description)."""

    def __init__(self, code, message):
        super().__init__(f"{message} (imza error {code})")
        self.code = code
        self.message = message


# ---- the library ---------------------------------------------------------------------------

_V = ctypes.c_void_p
_PV = ctypes.POINTER(ctypes.c_void_p)
_R = ctypes.c_uint32  # imza_result
_BYTES = ctypes.c_char_p  # const uint8_t * (bytes passed with their length)
_READ_CALLBACK = ctypes.CFUNCTYPE(
    _R, _V, ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)
)

_SIGNATURES = {
    "imza_version": ([], ctypes.c_char_p),
    "imza_result_message": ([_R, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)], _R),
    "imza_last_error_message": ([ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)], _R),
    "imza_string_free": ([_V], None),
    "imza_trust_store_new": ([_PV], _R),
    "imza_trust_store_add_pem": ([_V, _BYTES, ctypes.c_size_t], _R),
    "imza_trust_store_add_path": ([_V, ctypes.c_char_p], _R),
    "imza_trust_store_free": ([_V], None),
    "imza_verify_options_new": ([_V, _PV], _R),
    "imza_verify_options_set_revocation": ([_V, ctypes.c_uint32], _R),
    "imza_verify_options_set_time": ([_V, ctypes.c_int64], _R),
    "imza_verify_options_add_intermediates": ([_V, _BYTES, ctypes.c_size_t], _R),
    "imza_verify_options_add_ocsp_response": ([_V, _BYTES, ctypes.c_size_t], _R),
    "imza_verify_options_add_crl": ([_V, _BYTES, ctypes.c_size_t], _R),
    "imza_verify_options_free": ([_V], None),
    "imza_verify_document": ([_V, _BYTES, ctypes.c_size_t, _BYTES, ctypes.c_size_t, _PV], _R),
    "imza_verify_document_file": ([_V, ctypes.c_char_p, ctypes.c_char_p, _PV], _R),
    "imza_verify_document_reader": ([_V, _BYTES, ctypes.c_size_t, _READ_CALLBACK, _V, _PV], _R),
    "imza_report_json": ([_V, _PV], _R),
    "imza_report_free": ([_V], None),
    "imza_token_verifier_builder_new": ([_PV], _R),
    "imza_token_verifier_builder_allow_algorithm": ([_V, ctypes.c_char_p], _R),
    "imza_token_verifier_builder_add_key": ([_V, _BYTES, ctypes.c_size_t], _R),
    "imza_token_verifier_builder_set_issuer": ([_V, ctypes.c_char_p], _R),
    "imza_token_verifier_builder_add_audience": ([_V, ctypes.c_char_p], _R),
    "imza_token_verifier_builder_set_leeway": ([_V, ctypes.c_uint64], _R),
    "imza_token_verifier_builder_set_time": ([_V, ctypes.c_int64], _R),
    "imza_token_verifier_build": ([_V, _PV], _R),
    "imza_token_verifier_builder_free": ([_V], None),
    "imza_token_verifier_free": ([_V], None),
    "imza_token_verify": ([_V, ctypes.c_char_p, _PV], _R),
    "imza_token_verify_id_token": ([_V, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, _PV], _R),
}

_lib = None
_lib_path = None
_lock = threading.Lock()


def _candidates():
    env = os.environ.get("IMZA_LIBRARY")
    if env:
        return [env]
    found = ctypes.util.find_library("imza")
    if found:
        return [found]
    root = Path(__file__).resolve().parents[3]
    return [str(root / "target" / p / "libimza_ffi.so") for p in ("release", "debug")]


def _load():
    global _lib, _lib_path
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for path in _candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append(f"{path}: not found")
                continue
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                tried.append(f"{path}: {e}")
                continue
            for name, (args, res) in _SIGNATURES.items():
                fn = getattr(lib, name)
                fn.argtypes = args
                fn.restype = res
            _lib, _lib_path = lib, path
            return lib
        raise OSError(
            "libimza not found (set IMZA_LIBRARY to its path, install it with "
            "`cargo cinstall -p imza-ffi`, or `cargo build -p imza-ffi --release`): "
            + "; ".join(tried)
        )


def library_path():
    """The path (or name) of the libimza that was loaded."""
    _load()
    return _lib_path


def version():
    """imza's version, e.g. ``"0.1.0"``."""
    return _load().imza_version().decode()


def _message(lib, fn, *args):
    buf = ctypes.create_string_buffer(1024)
    n = ctypes.c_size_t(0)
    fn(*args, buf, len(buf), ctypes.byref(n))
    return buf.raw[: n.value].decode("utf-8", "replace")


def _check(lib, code):
    """Raises ImzaError for a non-OK code, with the calling thread's last error detail."""
    if code == OK:
        return
    detail = _message(lib, lib.imza_last_error_message)
    raise ImzaError(code, detail or _message(lib, lib.imza_result_message, code))


# ---- arguments -----------------------------------------------------------------------------

_BYTES_TYPES = (bytes, bytearray, memoryview)


def _is_path(x):
    return isinstance(x, (str, os.PathLike))


def _fs(path):
    return os.fsencode(os.fspath(path))


def _read(path):
    """A file's bytes; an unreadable file is imza's READ_FAILED, as in the C functions."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ImzaError(READ_FAILED, f"reading the content failed: {os.fspath(path)}: {e.strerror}") from e


def _data(x, what):
    if isinstance(x, _BYTES_TYPES):
        return bytes(x)
    if _is_path(x):
        return _read(x)
    raise TypeError(f"{what}: expected bytes or a path, got {type(x).__name__}")


def _unix_seconds(at):
    if isinstance(at, str):
        at = _dt.datetime.fromisoformat(at.replace("Z", "+00:00").replace("z", "+00:00"))
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise ValueError("at: a datetime without a time zone is ambiguous; give tzinfo (UTC)")
        return int(at.timestamp())
    if isinstance(at, int) and not isinstance(at, bool):
        return at
    raise TypeError(f"at: expected a datetime, an RFC 3339 string or Unix seconds, got {type(at).__name__}")


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (str, os.PathLike) + _BYTES_TYPES):
        return [x]
    return list(x)


# ---- verification --------------------------------------------------------------------------


def verify(
    signature,
    detached=None,
    trust=(),
    intermediates=(),
    at=None,
    revocation="offline",
    ocsp=(),
    crls=(),
):
    """Validates a signed document (CMS/CAdES today) and returns its report as a dict.

    - ``signature``: a path (``str`` or ``os.PathLike``) or the bytes of the signature.
    - ``detached``: the signed content of a detached signature: a path (streamed), bytes,
      or a binary file object (streamed with ``read``); ``None`` when it is attached.
    - ``trust``: trust anchors: paths of PEM/DER files or folders, or PEM/DER bytes.
    - ``intermediates``: extra certificates to build chains with (paths or bytes).
    - ``at``: the validation time: an aware ``datetime``, an RFC 3339 string
      (``"2030-01-01T00:00:00Z"``) or Unix seconds; ``None`` for now.
    - ``revocation``: ``"offline"`` (the default: embedded and supplied OCSP/CRLs, a status
      is required), ``"online"`` (also fetched over HTTP) or ``"skip"``.
    - ``ocsp``, ``crls``: DER OCSP responses and CRLs (bytes or paths).

    Returns the report whatever its verdict (``report["indication"]`` is
    ``"TOTAL_PASSED"``, ``"TOTAL_FAILED"`` or ``"INDETERMINATE"``). Raises
    :class:`ImzaError` when the input cannot be processed (not a signature: 103, malformed:
    100, content given twice: 102, a file missing: 104, ...).
    """
    if revocation not in _REVOCATION:
        raise ValueError(f"revocation: expected one of {sorted(_REVOCATION)}, got {revocation!r}")
    lib = _load()
    store = _V()
    opts = _V()
    report = _V()
    text = _V()
    try:
        _check(lib, lib.imza_trust_store_new(ctypes.byref(store)))
        for t in _as_list(trust):
            if isinstance(t, _BYTES_TYPES):
                t = bytes(t)
                _check(lib, lib.imza_trust_store_add_pem(store, t, len(t)))
            elif _is_path(t):
                _check(lib, lib.imza_trust_store_add_path(store, _fs(t)))
            else:
                raise TypeError(f"trust: expected bytes or a path, got {type(t).__name__}")
        _check(lib, lib.imza_verify_options_new(store, ctypes.byref(opts)))
        _check(lib, lib.imza_verify_options_set_revocation(opts, _REVOCATION[revocation]))
        if at is not None:
            _check(lib, lib.imza_verify_options_set_time(opts, _unix_seconds(at)))
        for fn, items, what in (
            (lib.imza_verify_options_add_intermediates, intermediates, "intermediates"),
            (lib.imza_verify_options_add_ocsp_response, ocsp, "ocsp"),
            (lib.imza_verify_options_add_crl, crls, "crls"),
        ):
            for item in _as_list(items):
                b = _data(item, what)
                _check(lib, fn(opts, b, len(b)))
        _verify_into(lib, opts, signature, detached, report)
        _check(lib, lib.imza_report_json(report, ctypes.byref(text)))
        return json.loads(ctypes.string_at(text).decode("utf-8"))
    finally:
        lib.imza_string_free(text)
        lib.imza_report_free(report)
        lib.imza_verify_options_free(opts)
        lib.imza_trust_store_free(store)


def _verify_into(lib, opts, signature, detached, report):
    out = ctypes.byref(report)
    if _is_path(signature) and (detached is None or _is_path(detached)):
        d = None if detached is None else _fs(detached)
        _check(lib, lib.imza_verify_document_file(opts, _fs(signature), d, out))
        return
    sig = _data(signature, "signature")
    if detached is None or isinstance(detached, _BYTES_TYPES):
        d = None if detached is None else bytes(detached)
        _check(lib, lib.imza_verify_document(opts, sig, len(sig), d, 0 if d is None else len(d), out))
        return
    if _is_path(detached):
        try:
            f = open(detached, "rb")
        except OSError as e:
            raise ImzaError(READ_FAILED, f"reading the content failed: {os.fspath(detached)}: {e.strerror}") from e
        with f:
            _verify_reader(lib, opts, sig, f, out)
        return
    if hasattr(detached, "read"):
        _verify_reader(lib, opts, sig, detached, out)
        return
    raise TypeError(f"detached: expected bytes, a path or a binary file, got {type(detached).__name__}")


def _verify_reader(lib, opts, sig, f, out):
    """Streams the detached content from the file object ``f`` through a read callback."""
    failure = []

    def read(_userdata, buf, length, out_n):
        try:
            chunk = f.read(length)
            if not isinstance(chunk, _BYTES_TYPES):
                raise TypeError(f"read() returned {type(chunk).__name__}, not bytes")
            n = min(len(chunk), length)
            ctypes.memmove(buf, bytes(chunk[:n]), n)
            out_n[0] = n
            return OK
        except BaseException as e:  # nothing may unwind into Rust
            failure.append(e)
            return 1

    callback = _READ_CALLBACK(read)  # kept alive for the whole call
    code = lib.imza_verify_document_reader(opts, sig, len(sig), callback, None, out)
    if failure:
        raise ImzaError(code or READ_FAILED, f"reading the content failed: {failure[0]}") from failure[0]
    _check(lib, code)


# ---- tokens (JWS/JWT, OpenID Connect ID tokens) --------------------------------------------


def _key_bytes(key):
    """A verification key as the C function takes it: PEM/DER bytes, JWK/JWKS JSON."""
    if isinstance(key, dict):
        return json.dumps(key).encode()
    if isinstance(key, _BYTES_TYPES):
        return bytes(key)
    if isinstance(key, str) and key.lstrip().startswith(("{", "-----BEGIN")):
        return key.encode()
    if _is_path(key):
        return _read(key)
    raise TypeError(f"keys: expected bytes, JWK/JWKS JSON, a dict or a path, got {type(key).__name__}")


def _utf8(s, what):
    if not isinstance(s, str):
        raise TypeError(f"{what}: expected str, got {type(s).__name__}")
    return s.encode()


def verify_token(
    token,
    keys,
    algorithms,
    issuer=None,
    audience=None,
    leeway=None,
    at=None,
    client_id=None,
    nonce=None,
):
    """Verifies a compact JWS/JWT and returns ``{"valid": True, "alg", "header", "claims"}``.

    - ``keys``: verification keys: a JWKS or JWK (JSON text, bytes or a dict), a public key
      (``PUBLIC KEY`` PEM or SPKI DER) or a certificate (PEM or DER), or paths to them; one
      or a list. A token's ``kid`` picks among keys that have one.
    - ``algorithms``: the allow-list of JOSE names (``"ES256"``, ``"RS256"``, ``"EdDSA"``,
      ...); required, ``none`` is never accepted.
    - ``issuer``: the expected ``iss`` (required with ``client_id``); ``audience``: one
      accepted ``aud`` or a list (with none, a token naming an audience is refused).
    - ``leeway``: clock tolerance in seconds for ``exp``, ``nbf``, ``iat`` (imza's default:
      60); ``at``: check at this time instead of now (as in :func:`verify`).
    - ``client_id`` (and ``nonce``): verify an OpenID Connect ID token for this client.

    Raises :class:`ImzaError` for a refused token (a JOSE code 1100-1199: bad signature,
    algorithm not allowed, expired, wrong audience, ...) with the reason as the message.
    """
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    if not algorithms:
        raise ValueError("algorithms: at least one algorithm must be allowed")
    lib = _load()
    builder = _V()
    verifier = _V()
    text = _V()
    try:
        _check(lib, lib.imza_token_verifier_builder_new(ctypes.byref(builder)))
        for alg in algorithms:
            _check(lib, lib.imza_token_verifier_builder_allow_algorithm(builder, _utf8(alg, "algorithms")))
        for key in _as_list(keys) if not isinstance(keys, dict) else [keys]:
            b = _key_bytes(key)
            _check(lib, lib.imza_token_verifier_builder_add_key(builder, b, len(b)))
        if issuer is not None:
            _check(lib, lib.imza_token_verifier_builder_set_issuer(builder, _utf8(issuer, "issuer")))
        for aud in [audience] if isinstance(audience, str) else list(audience or []):
            _check(lib, lib.imza_token_verifier_builder_add_audience(builder, _utf8(aud, "audience")))
        if leeway is not None:
            if isinstance(leeway, bool) or not isinstance(leeway, int) or leeway < 0:
                raise ValueError("leeway: expected a non-negative number of seconds")
            _check(lib, lib.imza_token_verifier_builder_set_leeway(builder, leeway))
        if at is not None:
            secs = _unix_seconds(at)
            if secs < 0:
                raise ValueError("at: before 1970")
            _check(lib, lib.imza_token_verifier_builder_set_time(builder, secs))
        _check(lib, lib.imza_token_verifier_build(builder, ctypes.byref(verifier)))
        tok = _utf8(token, "token")
        if client_id is None:
            if nonce is not None:
                raise ValueError("nonce: only for ID tokens (give client_id)")
            _check(lib, lib.imza_token_verify(verifier, tok, ctypes.byref(text)))
        else:
            n = None if nonce is None else _utf8(nonce, "nonce")
            _check(
                lib,
                lib.imza_token_verify_id_token(
                    verifier, tok, _utf8(client_id, "client_id"), n, ctypes.byref(text)
                ),
            )
        return json.loads(ctypes.string_at(text).decode("utf-8"))
    finally:
        lib.imza_string_free(text)
        lib.imza_token_verifier_free(verifier)
        lib.imza_token_verifier_builder_free(builder)
