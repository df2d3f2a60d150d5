// Login tokens through the npm package: JWTs signed here with node:crypto (the test PKI's
// login key, so the signer is not imza), the JOSE cookbook's ES512 vector (RFC 7520 §4.3),
// OpenID Connect ID tokens, Web eID tokens of the reference validators' tests
// ($IMZA_SHARED_VECTORS/webeid, as tests/webeid.rs runs them) and challenges.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, sign as nodeSign } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as imza from "../pkg/node.mjs";
import { shared, text } from "./support.mjs";

const P256 = "test-vectors/pki/ecdsa-p256";
const NOW = 1_798_761_600; // 2027-01-01T00:00:00Z
const AT = "2027-01-01T00:00:00Z";
const b64url = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

/** A compact JWS signed with node:crypto: ES256 with the login key unless told otherwise. */
function jwt(claims, { header = { alg: "ES256", typ: "JWT" }, key = text(`${P256}/login.key`), hash = "sha256" } = {}) {
  const input = `${b64url(header)}.${b64url(claims)}`;
  const sig = nodeSign(hash, Buffer.from(input), { key: createPrivateKey(key), dsaEncoding: "ieee-p1363" });
  return `${input}.${sig.toString("base64url")}`;
}

const claims = { iss: "https://login.example.az", sub: "user-1", aud: "portal", iat: NOW - 60, exp: NOW + 600 };
const options = () => ({ key: text(`${P256}/login.pem`), algorithms: ["ES256"], iss: claims.iss, aud: "portal", at: AT });

/** Asserts that `fn` throws an ImzaError with `code`. */
function throwsCode(fn, code, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof imza.ImzaError, `not an ImzaError: ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.ok((imza.describe(code) ?? "").length > 0);
    return true;
  });
}

test("verifyToken: a good ES256 JWT (node:crypto, the login key) gives its claims", () => {
  const r = imza.verifyToken(jwt(claims), options());
  assert.equal(r.valid, true);
  assert.equal(r.alg, "ES256");
  assert.deepEqual(r.header, { alg: "ES256", typ: "JWT" });
  assert.deepEqual(r.claims, claims);
});

test("verifyToken: the key as a certificate, an SPKI (PEM and DER), a JWK and a JWKS", () => {
  const token = jwt(claims);
  const pub = createPublicKey(createPrivateKey(text(`${P256}/login.key`)));
  const jwk = { ...pub.export({ format: "jwk" }), kid: "login", alg: "ES256", use: "sig" };
  const keys = [
    text(`${P256}/login.pem`),
    pub.export({ format: "pem", type: "spki" }),
    new Uint8Array(pub.export({ format: "der", type: "spki" })),
    jwk,
    JSON.stringify(jwk),
    { keys: [jwk] },
  ];
  for (const key of keys) assert.equal(imza.verifyToken(token, { ...options(), key }).valid, true);
  assert.equal(imza.verifyToken(token, { ...options(), key: undefined, jwks: { keys: [jwk] } }).valid, true);
  assert.equal(imza.verifyToken(token, { ...options(), key: undefined, jwks: JSON.stringify({ keys: [jwk] }) }).valid, true);
});

test("verifyToken: expired (1152), not yet valid (1153), and the leeway", () => {
  const expired = jwt({ ...claims, exp: NOW - 120 });
  throwsCode(() => imza.verifyToken(expired, options()), 1152);
  assert.equal(imza.verifyToken(expired, { ...options(), leeway: 300 }).valid, true);
  throwsCode(() => imza.verifyToken(jwt({ ...claims, nbf: NOW + 3600 }), options()), 1153);
});

test("verifyToken: the wrong audience (1156) and the wrong issuer (1155)", () => {
  throwsCode(() => imza.verifyToken(jwt({ ...claims, aud: "another-portal" }), options()), 1156);
  throwsCode(() => imza.verifyToken(jwt(claims), { ...options(), aud: ["x", "y"] }), 1156);
  assert.equal(imza.verifyToken(jwt({ ...claims, aud: ["x", "portal"] }), options()).valid, true);
  throwsCode(() => imza.verifyToken(jwt(claims), { ...options(), iss: "https://evil.example" }), 1155);
});

test("verifyToken: an algorithm outside the allow-list is refused (1103)", () => {
  throwsCode(() => imza.verifyToken(jwt(claims), { ...options(), algorithms: ["RS256"] }), 1103);
  // ES384 over P-256 does not fit ES256's curve binding even when ES384 is allowed.
  const es384 = jwt(claims, { header: { alg: "ES384" }, hash: "sha384" });
  assert.throws(() => imza.verifyToken(es384, { ...options(), algorithms: ["ES256", "ES384"] }), imza.ImzaError);
});

test('verifyToken: alg "none" is refused whatever the allow-list says', () => {
  const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
  throwsCode(() => imza.verifyToken(none, options()), 1103);
  assert.throws(() => imza.verifyToken(none, { ...options(), algorithms: ["none"] }), imza.ImzaError);
  // HS256 with the public key's bytes as the MAC key (the old confusion attack).
  throwsCode(() => imza.verifyToken(jwt(claims), { ...options(), algorithms: [] }), 1103);
});

test("verifyToken: a changed payload or signature does not verify (1108)", () => {
  const [h, p, s] = jwt(claims).split(".");
  throwsCode(() => imza.verifyToken(`${h}.${b64url({ ...claims, sub: "admin" })}.${s}`, options()), 1108);
  const bad = Buffer.from(s, "base64url");
  bad[5] ^= 1;
  throwsCode(() => imza.verifyToken(`${h}.${p}.${bad.toString("base64url")}`, options()), 1108);
  throwsCode(() => imza.verifyToken("not.a.jwt!", options()), 1100);
});

test("verifyToken: the JOSE cookbook's ES512 signature (RFC 7520 §4.3) with its JWK", (t) => {
  const dir = shared(t, "jose/jws/4_3.ecdsa_signature.json");
  if (!dir) return;
  const v = JSON.parse(readFileSync(dir, "utf8"));
  const jwk = JSON.parse(readFileSync(path.join(path.dirname(dir), "../jwk/3_1.ec_public_key.json"), "utf8"));
  const compact = v.output.compact;
  // The payload is a sentence, not a JSON claims set: the signature verifies (a changed one
  // is 1108), then the claims cannot be read (1100, "malformed claims").
  throwsCode(() => imza.verifyToken(compact, { key: jwk, algorithms: ["ES512"], at: AT }), 1100, /malformed claims/);
  const [h, p, s] = compact.split(".");
  const bad = Buffer.from(s, "base64url");
  bad[0] ^= 1;
  throwsCode(() => imza.verifyToken(`${h}.${p}.${bad.toString("base64url")}`, { key: jwk, algorithms: ["ES512"], at: AT }), 1108);
  throwsCode(() => imza.verifyToken(compact, { key: jwk, algorithms: ["ES256"], at: AT }), 1103);
});

test("verifyIdToken: a good ID token, then a wrong nonce, client and issuer", () => {
  const id = { ...claims, aud: "client-7", nonce: "n-0S6_WzA2Mj", auth_time: NOW - 120 };
  const opts = { key: text(`${P256}/login.pem`), algorithms: ["ES256"], iss: claims.iss, clientId: "client-7", nonce: id.nonce, at: AT };
  const r = imza.verifyIdToken(jwt(id), opts);
  assert.equal(r.valid, true);
  assert.equal(r.claims.nonce, id.nonce);
  throwsCode(() => imza.verifyIdToken(jwt(id), { ...opts, nonce: "another" }), 1158);
  throwsCode(() => imza.verifyIdToken(jwt(id), { ...opts, clientId: "client-8" }), 1156);
  throwsCode(() => imza.verifyIdToken(jwt(id), { ...opts, iss: "https://other.example" }), 1155);
  throwsCode(() => imza.verifyIdToken(jwt({ ...id, exp: NOW - 3600 }), opts), 1152);
  // iss and clientId are required.
  throwsCode(() => imza.verifyIdToken(jwt(id), { ...opts, clientId: undefined }), 105);
  throwsCode(() => imza.verifyIdToken(jwt(id), { ...opts, iss: undefined }), 105);
});

test("createChallenge: 32 random bytes as 44 base64 characters, new on every call", () => {
  const seen = new Set();
  for (let i = 0; i < 50; i++) {
    const c = imza.createChallenge();
    assert.match(c.nonce, /^[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(c.nonce, "base64").length, 32);
    assert.ok(Date.parse(c.expiresAt) > Date.parse(c.issuedAt));
    seen.add(c.nonce);
  }
  assert.equal(seen.size, 50);
  const fixed = imza.createChallenge({ at: AT });
  assert.equal(fixed.issuedAt, AT);
});

// --- Web eID: the reference validators' vectors --------------------------------------------

/** The vectors and their folder, or undefined (skipped; CI or IMZA_REQUIRE_WEBEID: failed). */
function webeid(t) {
  const file = shared(t, "webeid/webeid-test-tokens.json", "IMZA_REQUIRE_WEBEID");
  if (!file) return undefined;
  return { dir: path.dirname(file), vectors: JSON.parse(readFileSync(file, "utf8")).vectors };
}

/** A vector's validation time, as tests/webeid.rs chooses it (inside the certificate's validity). */
function validationTime(v) {
  if (v.mocked_validation_date) return `${v.mocked_validation_date}T00:00:00Z`;
  return (
    { "estonian-es384-valid-dotnet": "2021-08-01T00:00:00Z", "latvian-rs256-signature-only": "2020-01-01T00:00:00Z" }[v.id] ??
    "2024-08-01T00:00:00Z"
  );
}

async function runVector(dir, v, edit = {}) {
  const trust = v.trusted_ca_files.map((f) => new Uint8Array(readFileSync(path.join(dir, "certs", f))));
  // The vectors' OCSP responders cannot be asked again: revocation is skipped, as in Rust.
  return imza.validateWebEidToken(v.token, {
    origin: v.origin,
    challenge: v.challenge_nonce,
    trust,
    at: validationTime(v),
    revocation: "skip",
    ...edit,
  });
}

test("validateWebEidToken: every reference vector gives its expected result", async (t) => {
  const w = webeid(t);
  if (!w) return;
  assert.equal(w.vectors.length, 10, "vector count changed");
  for (const v of w.vectors) {
    let got;
    try {
      got = { ok: await runVector(w.dir, v) };
    } catch (e) {
      assert.ok(e instanceof imza.ImzaError, `${v.id}: ${e}`);
      got = { code: e.code, message: e.message };
    }
    if (v.expected.startsWith("SUCCESS")) {
      assert.ok(got.ok, `${v.id}: ${got.message}`);
    } else if (v.expected === "FAILURE:AuthTokenSignatureValidationException") {
      assert.equal(got.code, 1223, `${v.id}: ${got.message}`); // SignatureInvalid
    } else if (v.expected === "SIGNATURE_VALID") {
      // No CA for it: the chain fails (NotTrusted), not the signature.
      assert.equal(got.code, 1216, `${v.id}: ${got.message}`);
    } else {
      assert.fail(`${v.id}: unknown expectation ${v.expected}`);
    }
  }
});

test("validateWebEidToken: the Estonian person, the token as an object and as JSON text", async (t) => {
  const w = webeid(t);
  if (!w) return;
  const v = w.vectors.find((x) => x.id === "estonian-es384-valid");
  const person = await runVector(w.dir, v);
  assert.equal(person.given_name, "JAAK-KRISTJAN");
  assert.equal(person.surname, "JÕEORG");
  assert.equal(person.personal_code, "38001085718");
  assert.equal(person.personal_code_country, "EE");
  assert.equal(person.revocation.result, "not_checked");
  assert.equal(person.validation_time, "2024-08-01T00:00:00Z");
  const fromText = await runVector(w.dir, { ...v, token: JSON.stringify(v.token) });
  assert.deepEqual(fromText, person);
});

test("validateWebEidToken: wrong origin, wrong challenge, after expiry, no trust, online without fetch", async (t) => {
  const w = webeid(t);
  if (!w) return;
  const v = w.vectors.find((x) => x.id === "estonian-es384-valid");
  const code = async (edit) => {
    try {
      await runVector(w.dir, v, edit);
      return "ok";
    } catch (e) {
      assert.ok(e instanceof imza.ImzaError);
      return e.code;
    }
  };
  assert.equal(await code({ origin: "https://ria.ee.evil.example" }), 1223);
  assert.equal(await code({ challenge: imza.createChallenge().nonce }), 1223);
  assert.equal(await code({ at: "2026-08-01T00:00:00Z" }), 1215); // the certificate expired 2026-07-09
  assert.equal(await code({ trust: [] }), 1216);
  assert.equal(await code({ revocation: "online" }), 105);
  assert.equal(await code({ origin: undefined }), 105);
  assert.equal(await code({ origin: "not an origin" }), 1219);
});
