// The public API of the npm package `imza`, over the wasm-bindgen glue (imza_wasm.js).
// What lives here is what JavaScript callers expect and a synchronous Rust call cannot
// give: promises whose online revocation goes through the caller's `fetch`, content from
// streams, files and async iterables, and errors that are `instanceof ImzaError`. Every
// verdict comes from the core (`imza::verify`, the same report `imza verify --json` prints).
import * as raw from "./imza_wasm.js";

/** An error from imza: `code` is the core's stable numeric code (the C ABI's too). */
export class ImzaError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "ImzaError";
    this.code = code;
  }
}

function rethrow(e) {
  if (e && e.name === "ImzaError" && typeof e.code === "number" && !(e instanceof ImzaError)) {
    throw new ImzaError(e.code, e.message);
  }
  throw e;
}

function call(f) {
  try {
    return f();
  } catch (e) {
    rethrow(e);
  }
}

const INVALID_OPTIONS = 105;

// Content read from a byte stream goes through one buffer of this size.
const CHUNK = 1 << 20;

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === "string") return new TextEncoder().encode(value);
  throw new ImzaError(INVALID_OPTIONS, `invalid options: ${what} must be a Uint8Array`);
}

function checkOnline(options) {
  if (options && options.revocation === "online" && typeof options.fetch !== "function") {
    throw new ImzaError(INVALID_OPTIONS, 'invalid options: revocation "online" needs a fetch callback');
  }
}

// Rounds of the host's network: run, fetch what the run could not answer, run again. A
// verification asks the same questions each time (no nonces), so the second run finds the
// answers; one that learns new URLs from them (an intermediate's responder) asks again.
const MAX_ROUNDS = 6;

async function fetchOne(fetch, exchanges, p) {
  try {
    const init = { method: p.method, headers: p.headers };
    if (p.method === "POST") init.body = p.body;
    const r = await fetch(p.url, init);
    const body = new Uint8Array(await r.arrayBuffer());
    const type = r.headers && typeof r.headers.get === "function" ? r.headers.get("content-type") : undefined;
    exchanges.answer(p.method, p.url, p.body, r.status, type ?? undefined, body);
  } catch (e) {
    exchanges.fail(p.method, p.url, p.body, String((e && e.message) || e));
  }
}

async function rounds(options, run) {
  const exchanges = new raw.Exchanges();
  try {
    for (let round = 1; ; round++) {
      const result = call(() => run(exchanges));
      const pending = exchanges.pending();
      if (pending.length === 0 || round >= MAX_ROUNDS) return result;
      await Promise.all(pending.map((p) => fetchOne(options.fetch, exchanges, p)));
    }
  } finally {
    exchanges.free();
  }
}

/**
 * The chunks of a Blob/File or a ReadableStream, to feed to update(). A byte stream
 * (File.stream() is one) is read into one reused 1 MiB buffer: with the default reader
 * every chunk is a fresh 2 MB array the garbage collector reclaims late, and a 2 GB file
 * took 1.3 GB of memory (with this one, 184 MB). So each chunk is valid only until the
 * next one is asked for: use it at once (update() copies it).
 */
export async function* chunks(content) {
  const stream = typeof content.stream === "function" ? content.stream() : content;
  let byob = null;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    byob = null;
  }
  const reader = byob ?? stream.getReader();
  let buffer = new ArrayBuffer(CHUNK);
  let finished = false;
  try {
    for (;;) {
      const { done, value } = byob ? await reader.read(new Uint8Array(buffer, 0, CHUNK)) : await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (byob) buffer = value.buffer;
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** The imza version. */
export function version() {
  return raw.version();
}

/** The core's one-line description of an error code, or undefined. */
export function describe(code) {
  return raw.describe(code);
}

/** The JOSE algorithm names imza verifies. */
export function algorithms() {
  return raw.algorithms();
}

/** Verifies a raw JOSE-style signature over `message` with a DER SubjectPublicKeyInfo. */
export function verifySignature(alg, spki, message, signature) {
  call(() => raw.verifySignature(alg, bytes(spki, "spki"), bytes(message, "message"), bytes(signature, "signature")));
}

/**
 * A signature whose detached content is given in pieces with `update(chunk)`; `finish()`
 * validates it. Memory does not grow with the content.
 */
export class DocumentVerifier {
  #core;
  #options;

  constructor(signature, options = {}) {
    checkOnline(options);
    this.#options = options;
    this.#core = call(() => new raw.DocumentVerifierCore(bytes(signature, "signature"), options));
  }

  #live() {
    if (!this.#core) throw new ImzaError(INVALID_OPTIONS, "invalid options: this DocumentVerifier is finished");
    return this.#core;
  }

  /** "CMS" (later "XML", "ZIP", "PDF"). */
  get format() {
    return this.#live().format;
  }

  /** Whether the signature is detached: its content must come through update(). */
  get needsContent() {
    return this.#live().needsContent;
  }

  /** Content bytes hashed so far. */
  get bytesHashed() {
    return this.#live().bytesHashed;
  }

  /** Hashes the next piece of the detached content. */
  update(chunk) {
    const core = this.#live();
    call(() => core.update(bytes(chunk, "content")));
  }

  /**
   * Gives the whole content at once: hashed with the platform's Web Crypto when it has one
   * (several times faster than hashing in WebAssembly), else through update().
   */
  async updateWhole(content) {
    const core = this.#live();
    const data = bytes(content, "content");
    const subtle = globalThis.crypto && globalThis.crypto.subtle;
    const names = core.needsContent ? core.requiredDigests() : [];
    if (!subtle || names.length === 0) {
      this.update(data);
      return;
    }
    const digests = await Promise.all(names.map((n) => subtle.digest(n, data)));
    const joined = new Uint8Array(digests.reduce((n, d) => n + d.byteLength, 0));
    let at = 0;
    for (const d of digests) {
      joined.set(new Uint8Array(d), at);
      at += d.byteLength;
    }
    call(() => core.setDigests(names, joined, data.byteLength));
  }

  /**
   * Reads `content` to its end into update(): a Uint8Array, an ArrayBuffer, a Blob or
   * File (streamed), a ReadableStream or any async iterable of Uint8Array.
   * `onProgress(bytesHashed)` is called after each chunk.
   */
  async updateFrom(content, onProgress) {
    const report = (n) => onProgress && onProgress(n);
    if (content && (typeof content.stream === "function" || typeof content.getReader === "function")) {
      for await (const chunk of chunks(content)) {
        this.update(chunk);
        report(this.bytesHashed);
      }
    } else if (content && typeof content[Symbol.asyncIterator] === "function") {
      for await (const chunk of content) {
        this.update(chunk);
        report(this.bytesHashed);
      }
    } else {
      await this.updateWhole(content);
      report(this.bytesHashed);
    }
  }

  /** Validates every signature over the content given; the report `imza verify --json` prints. */
  async finish() {
    const core = this.#live();
    try {
      return await rounds(this.#options, (ex) => core.verify(ex));
    } finally {
      this.free();
    }
  }

  /** Releases the WASM memory (finish() does it). */
  free() {
    if (this.#core) {
      this.#core.free();
      this.#core = undefined;
    }
  }
}

/**
 * Validates every signature in `signature` (format detected from the bytes) and returns
 * the report `imza verify --json` prints. `options.detached` is the detached content: bytes,
 * a Blob/File, a ReadableStream or an async iterable (streamed).
 */
export async function verifyDocument(signature, options = {}) {
  const v = new DocumentVerifier(signature, options);
  try {
    if (options.detached !== undefined && options.detached !== null) {
      await v.updateFrom(options.detached, options.onProgress);
    }
    return await v.finish();
  } finally {
    v.free();
  }
}

/** The `imza cert show --json` document for the certificates in `cert` (PEM or DER). */
export function parseCertificate(cert) {
  return call(() => raw.parseCertificate(typeof cert === "string" ? cert : bytes(cert, "certificate")));
}

/** Validates a certificate's path for `options.purpose`; the `imza cert verify --json` document. */
export async function validatePath(cert, options = {}) {
  checkOnline(options);
  const c = typeof cert === "string" ? cert : bytes(cert, "certificate");
  return rounds(options, (ex) => raw.validatePathCore(c, options.purpose, options, ex));
}

/** Verifies a compact JWS/JWT and its claims; `{ valid, alg, header, claims }`. */
export function verifyToken(jwt, options = {}) {
  return call(() => raw.verifyToken(jwt, options));
}

/** Verifies an OpenID Connect ID token (Core §3.1.3.7); `{ valid, alg, header, claims }`. */
export function verifyIdToken(jwt, options = {}) {
  return call(() => raw.verifyIdToken(jwt, options));
}

/** A fresh Web eID challenge nonce: `{ nonce, issuedAt, expiresAt }`. */
export function createChallenge(options = {}) {
  return call(() => raw.createChallenge(options));
}

/** Validates a Web eID authentication token; the authenticated person. */
export async function validateWebEidToken(token, options = {}) {
  checkOnline(options);
  const t = typeof token === "string" ? token : JSON.stringify(token);
  return rounds(options, (ex) => raw.validateWebEidTokenCore(t, options, ex));
}

/** Signs `content` with a software key (CAdES-BASELINE-B); the DER CMS. Not in the verify-only build. */
export function signDocument(content, options = {}) {
  if (typeof raw.signDocument !== "function") {
    throw new ImzaError(INVALID_OPTIONS, "invalid options: this build of imza verifies only");
  }
  return call(() => raw.signDocument(bytes(content, "content"), options));
}
