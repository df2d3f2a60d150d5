// Types of the npm package `imza` (hand-written; the report types mirror the core's
// serde output, the document `imza verify --json` prints).

/** Browser and bundlers: loads the WebAssembly module (next to the package's index.js by
 * default). Node.js: resolves at once, the module is loaded on import. */
export default function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** Thrown for input that cannot be processed at all; `code` is the core's numeric code
 * (the C ABI's too): 100 malformed, 102 content given twice, 103 unsupported format,
 * 105 invalid options, 300 bad signature, 1100-1199 JOSE, 1200-1299 Web eID, 1300-1349 XML,
 * 1350-1399 ZIP containers ... */
export class ImzaError extends Error {
  readonly name: "ImzaError";
  readonly code: number;
  constructor(code: number, message: string);
}

export function version(): string;
/** The core's one-line description of an error code. */
export function describe(code: number): string | undefined;
/** The JOSE `alg` names imza verifies. */
export function algorithms(): string[];
/** Verifies a JOSE-style signature (ECDSA as r||s) over `message` with a DER SubjectPublicKeyInfo; throws ImzaError 300 when it does not verify. */
export function verifySignature(alg: string, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): void;

/** PEM text (one or many certificates) or DER bytes. */
export type CertificateInput = string | Uint8Array | ArrayBuffer;

/** A `fetch`-like callback: the only way imza reaches the network, and only when asked
 * (`revocation: "online"`). The global `fetch` fits. */
export type FetchLike = (
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: Uint8Array },
) => Promise<{
  status: number;
  headers?: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** A time: a Date, an RFC 3339 string, or seconds since 1970. */
export type TimeInput = Date | string | number;

export interface ValidationOptions {
  /** Trust anchors. */
  trust?: CertificateInput | CertificateInput[];
  /** Extra certificates to build chains with, besides those in the signature. */
  intermediates?: CertificateInput | CertificateInput[];
  /** Validation time; default now. */
  at?: TimeInput;
  /** "offline" (default): embedded and supplied data, a status required (else INDETERMINATE/TRY_LATER);
   * "online": also through `fetch`; "skip": not checked, by request (the report says so). */
  revocation?: "offline" | "online" | "skip";
  /** Required with revocation "online"; never called otherwise. */
  fetch?: FetchLike;
  /** Extra DER OCSP responses. */
  ocspResponses?: Uint8Array | Uint8Array[];
  /** Extra DER CRLs. */
  crls?: Uint8Array | Uint8Array[];
}

/** Detached content: bytes, a Blob/File, a ReadableStream or an async iterable of chunks (streamed). */
export type ContentInput =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

export interface VerifyOptions extends ValidationOptions {
  /** The detached content, for a detached signature (`.p7s`). */
  detached?: ContentInput;
  /** Called with the number of content bytes hashed so far. */
  onProgress?: (bytesHashed: number) => void;
}

export type Indication = "TOTAL_PASSED" | "TOTAL_FAILED" | "INDETERMINATE";
export type SubIndication =
  | "FORMAT_FAILURE" | "NO_CERTIFICATE_CHAIN_FOUND" | "CHAIN_CONSTRAINTS_FAILURE"
  | "CERTIFICATE_CHAIN_GENERAL_FAILURE" | "CRYPTO_CONSTRAINTS_FAILURE" | "EXPIRED"
  | "NOT_YET_VALID" | "REVOKED" | "REVOKED_NO_POE" | "TRY_LATER" | "OUT_OF_BOUNDS_NO_POE"
  | "OUT_OF_BOUNDS_NOT_REVOKED" | "HASH_FAILURE" | "SIG_CRYPTO_FAILURE" | "SIGNED_DATA_NOT_FOUND"
  | "NO_SIGNING_CERTIFICATE_FOUND" | "CRYPTO_CONSTRAINTS_FAILURE_NO_POE" | "SIG_CONSTRAINTS_FAILURE"
  | "TIMESTAMP_ORDER_FAILURE" | "NO_POE";

/** An RFC 3339 UTC time, e.g. "2026-12-05T00:33:00Z". */
export type Rfc3339 = string;

export interface CertRef {
  subject: string;
  issuer: string;
  serial: string;
  not_before: Rfc3339;
  not_after: Rfc3339;
  sha256: string;
}

export interface SignerRef {
  subject: string;
  issuer: string;
  serial: string;
}

export interface SignatureScope {
  /** "attached content", "detached content", "the signature value of S-1" ... */
  name: string;
  content_type: string | null;
  length: number | null;
}

export interface TimestampReport {
  kind: "content" | "signature" | "references" | "archive_v2" | "archive_v3";
  gen_time: Rfc3339 | null;
  tsa: string | null;
  digest_algorithm: string | null;
  imprint_intact: boolean | null;
  checked: boolean;
  indication: Indication;
  sub_indication: SubIndication | null;
  chain: CertRef[];
  errors: string[];
  warnings: string[];
}

export interface RevocationItem {
  status: { status: "good" | "revoked" | "unknown" | string; [k: string]: unknown };
  source: { kind: "ocsp" | "crl" | string; this_update?: Rfc3339; url?: string | null; [k: string]: unknown };
}

export interface RevocationEvidence extends RevocationItem {
  subject: string;
  items: RevocationItem[];
  conflict: boolean;
}

export interface SignatureReport {
  /** "S-1", "S-2" ...; counter-signatures "S-1-C-1". */
  id: string;
  format: "CAdES" | string;
  level: "CMS" | "CAdES-BASELINE-B" | "CAdES-BASELINE-T" | "CAdES-BASELINE-LT" | "CAdES-BASELINE-LTA" | string;
  legacy_level: string | null;
  indication: Indication;
  sub_indication: SubIndication | null;
  intact: boolean;
  signer: SignerRef | null;
  /** The signing-time attribute: a claim, not a proof. */
  claimed_signing_time: Rfc3339 | null;
  /** The earliest proven time (a valid signature time-stamp), else the validation time. */
  best_signature_time: Rfc3339;
  digest_algorithm: string | null;
  signature_algorithm: string | null;
  signature_policy: string | null;
  scope: SignatureScope[];
  /** Leaf first, anchor last. */
  chain: CertRef[];
  timestamps: TimestampReport[];
  revocation: RevocationEvidence[];
  counter_signatures: SignatureReport[];
  errors: string[];
  warnings: string[];
}

/** The report `imza verify --json` prints. */
export interface Report {
  indication: Indication;
  sub_indication: SubIndication | null;
  validation_time: Rfc3339;
  signatures: SignatureReport[];
}

/** A signature whose detached content is given in pieces; memory does not grow with it. */
export class DocumentVerifier {
  /** Throws ImzaError for input that is not a supported signature. */
  constructor(signature: Uint8Array | ArrayBuffer | string, options?: ValidationOptions);
  /** "CMS" (later "XML", "ZIP", "PDF"). */
  readonly format: string;
  /** Whether the signature is detached: the signed content must come through update(). */
  readonly needsContent: boolean;
  /** Content bytes hashed so far. */
  readonly bytesHashed: number;
  /** Hashes the next piece of the content (ImzaError 102 for a signature that carries its content). */
  update(chunk: Uint8Array | ArrayBuffer): void;
  /** Gives the whole content at once, hashed with Web Crypto when the platform has it. */
  updateWhole(content: Uint8Array | ArrayBuffer): Promise<void>;
  /** Reads `content` to its end: bytes through updateWhole(), streams and files chunk by chunk through update(). */
  updateFrom(content: ContentInput, onProgress?: (bytesHashed: number) => void): Promise<void>;
  /** Validates every signature over the content given; releases the verifier. */
  finish(): Promise<Report>;
  /** Releases the WASM memory without verifying. */
  free(): void;
}

/** The chunks of a Blob/File or ReadableStream, read into one reused buffer (BYOB) when the
 * stream allows: each chunk is valid only until the next is asked for (update() copies it). */
export function chunks(content: Blob | ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined>;

/** Validates every signature in `signature` (format detected from its bytes). */
export function verifyDocument(signature: Uint8Array | ArrayBuffer | string, options?: VerifyOptions): Promise<Report>;

/** The `imza cert show --json` summary of one certificate. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  version: number;
  not_before: Rfc3339;
  not_after: Rfc3339;
  signature_algorithm: string;
  public_key: { algorithm: string; bits: number | null; curve: string | null; [k: string]: unknown };
  sha256_fingerprint: string;
  basic_constraints: { ca: boolean; path_len: number | null } | null;
  key_usage: string[];
  extended_key_usage: string[];
  certificate_policies: string[];
  subject_alt_names: string[];
  ocsp_urls: string[];
  ca_issuer_urls: string[];
  crl_distribution_points: string[];
  qc_statements: string[];
  subject_key_id: string | null;
  authority_key_id: string | null;
  extensions: { id: string; critical: boolean }[];
  warnings: string[];
  [k: string]: unknown;
}

/** Parses PEM (one or many certificates) or DER; `imza cert show --json`. */
export function parseCertificate(cert: CertificateInput): { certificates: CertificateSummary[] };

export type Purpose = "signing" | "auth" | "tsa" | "ocsp" | "server" | "any";

export interface PathOptions extends ValidationOptions {
  /** Default "signing". */
  purpose?: Purpose;
}

/** The `imza cert verify --json` document. */
export interface CertificateReport {
  at: Rfc3339;
  purpose: string;
  indication: Indication;
  sub_indication: SubIndication | null;
  reason: string | null;
  path: (CertRef & { sha256_fingerprint?: string; trust_anchor?: boolean; [k: string]: unknown })[];
  checks: unknown;
  leaf_policies: string[];
  /** Policies valid for the whole path (RFC 5280 §6.1.5), anchor's domain; "2.5.29.32.0" = any. */
  valid_policies: string[];
  revocation: "not_checked_by_request" | "offline" | "online";
  revocation_evidence: RevocationEvidence[];
  [k: string]: unknown;
}

/** Validates a certificate (the first in PEM or DER) to a trust anchor, with revocation. */
export function validatePath(cert: CertificateInput, options?: PathOptions): Promise<CertificateReport>;

export interface TokenOptions {
  /** A public key (SPKI DER or PEM), a certificate (its key), one JWK (object or JSON), or a JWKS. */
  key?: CertificateInput | JsonWebKey | { keys: JsonWebKey[] };
  /** A JWKS (object or JSON text). */
  jwks?: { keys: JsonWebKey[] } | string;
  /** The allowed `alg` values (required: no algorithm is accepted by default). */
  algorithms: string[];
  /** Required `iss`. */
  iss?: string;
  /** Accepted audiences: `aud` must contain one. */
  aud?: string | string[];
  /** Validation time; default now. */
  at?: TimeInput;
  /** Clock leeway in seconds for exp/nbf/iat. */
  leeway?: number;
  /** Trust anchors for keys in an `x5c` header. */
  trust?: CertificateInput | CertificateInput[];
}

export interface VerifiedToken {
  valid: true;
  alg: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Verifies a compact JWS/JWT: signature (allow-listed algorithms, given keys), then exp/nbf/iat/iss/aud. Throws ImzaError (1100-1199). */
export function verifyToken(jwt: string, options: TokenOptions): VerifiedToken;

export interface IdTokenOptions extends TokenOptions {
  /** The issuer (required). */
  iss: string;
  /** The relying party's client_id, which `aud` must contain. */
  clientId: string;
  /** The nonce sent in the authentication request, when one was. */
  nonce?: string;
}

/** Verifies an OpenID Connect ID token (Core §3.1.3.7). */
export function verifyIdToken(jwt: string, options: IdTokenOptions): VerifiedToken;

export interface Challenge {
  /** base64, to send to the Web eID extension. */
  nonce: string;
  issuedAt: Rfc3339;
  expiresAt: Rfc3339;
}

/** A fresh Web eID challenge nonce from the platform's CSPRNG. Store it server-side; use it once. */
export function createChallenge(options?: { at?: TimeInput }): Challenge;

export interface WebEidOptions {
  /** The site's origin, e.g. "https://portal.example". */
  origin: string;
  /** The challenge nonce the token must answer. */
  challenge: string;
  /** The card issuers' CA certificates. */
  trust: CertificateInput | CertificateInput[];
  at?: TimeInput;
  /** Default "offline": supplied OCSP responses; "online" through `fetch`; "skip". */
  revocation?: "offline" | "online" | "skip";
  fetch?: FetchLike;
  ocspResponses?: Uint8Array | Uint8Array[];
}

/** The person a Web eID token authenticates (from the certificate's subject). */
export interface AuthenticatedPerson {
  [k: string]: unknown;
}

/** Validates a Web eID authentication token (JSON text or object). */
export function validateWebEidToken(token: string | object, options: WebEidOptions): Promise<AuthenticatedPerson>;

export interface SignOptions {
  /** PKCS#8 private key, PEM or DER. */
  key: string | Uint8Array;
  /** The signer's certificate. */
  certificate: CertificateInput;
  /** Certificates to embed besides the signer's. */
  chain?: CertificateInput | CertificateInput[];
  /** Leave the content out (.p7s). */
  detached?: boolean;
  signingTime?: TimeInput;
  /** "B" only in this package. */
  level?: "B";
}

/** Signs with a software key: DER CMS (CAdES-BASELINE-B). */
export function signDocument(content: Uint8Array, options: SignOptions): Uint8Array;
