// The WASM test cases, shared by Node (verify.test.mjs, node:test) and headless Chromium
// (browser.sh). Each case gets the loaded package and an `assert` with the node:assert
// subset used here: equal, deepEqual, throws(fn, { name, code, message }).
import { message, ed25519, rsa2048, p256 } from "./fixtures.mjs";

/** Hex to bytes. */
export function hex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A copy of `bytes` with one bit of byte `i` flipped. */
function flip(bytes, i) {
  const out = Uint8Array.from(bytes);
  out[i] ^= 0x01;
  return out;
}

const msg = hex(message);
const valid = [
  ["EdDSA", ed25519.spki, ed25519.eddsa],
  ["RS256", rsa2048.spki, rsa2048.rs256],
  ["PS256", rsa2048.spki, rsa2048.ps256],
  ["ES256", p256.spki, p256.es256],
];

/** What every thrown error must look like, for a code and a message. */
const imzaError = (code, text) => ({ name: "ImzaError", code, message: text });

/** The cases: [name, (imza, assert, expect) => void]; `expect.version` is the crate version. */
export const cases = [
  ["version() is the crate version", (imza, assert, expect) => {
    assert.equal(imza.version(), expect.version);
  }],
  ["algorithms() lists the JOSE names", (imza, assert) => {
    assert.deepEqual(imza.algorithms(), [
      "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA",
    ]);
  }],
  ...valid.map(([alg, spki, sig]) => [`an openssl ${alg} signature verifies`, (imza, assert) => {
    assert.equal(imza.verifySignature(alg, hex(spki), msg, hex(sig)), undefined);
  }]),
  ...valid.map(([alg, spki, sig]) => [`${alg} over a tampered message throws code 300`, (imza, assert) => {
    assert.throws(
      () => imza.verifySignature(alg, hex(spki), flip(msg, 3), hex(sig)),
      imzaError(300, "signature does not verify"),
    );
  }]),
  ...valid.map(([alg, spki, sig]) => [`a tampered ${alg} signature throws code 300`, (imza, assert) => {
    const s = hex(sig);
    assert.throws(
      () => imza.verifySignature(alg, hex(spki), msg, flip(s, s.length - 1)),
      imzaError(300, "signature does not verify"),
    );
  }]),
  ["an ES256 signature in DER instead of r || s throws code 300", (imza, assert) => {
    assert.throws(
      () => imza.verifySignature("ES256", hex(p256.spki), msg, hex(p256.es256Der)),
      imzaError(300, "signature does not verify"),
    );
  }],
  ["the thrown value is a real Error with a stack", (imza, assert) => {
    let caught;
    try {
      imza.verifySignature("ES256", hex(p256.spki), flip(msg, 0), hex(p256.es256));
    } catch (e) {
      caught = e;
    }
    assert.equal(caught instanceof Error, true);
    assert.equal(typeof caught.stack, "string");
    assert.equal(typeof caught.code, "number");
  }],
  ["an unknown or refused alg throws code 200", (imza, assert) => {
    for (const alg of ["HS256", "none", "es256", ""]) {
      assert.throws(
        () => imza.verifySignature(alg, hex(p256.spki), msg, hex(p256.es256)),
        imzaError(200, `unsupported algorithm: JOSE alg ${JSON.stringify(alg)}`),
      );
    }
  }],
  ["a key of the wrong type throws code 202", (imza, assert) => {
    assert.throws(
      () => imza.verifySignature("ES256", hex(ed25519.spki), msg, hex(p256.es256)),
      imzaError(202, /Ed25519.* key cannot be used with ECDSA-SHA256/),
    );
    assert.throws(
      () => imza.verifySignature("EdDSA", hex(rsa2048.spki), msg, hex(ed25519.eddsa)),
      imzaError(202, /RSA.* key cannot be used with Ed25519/),
    );
  }],
  ["a malformed key throws code 100", (imza, assert) => {
    assert.throws(
      () => imza.verifySignature("ES256", hex(p256.spki).slice(0, 20), msg, hex(p256.es256)),
      imzaError(100, /^malformed /),
    );
  }],
];
