// The WASM test cases, shared by Node (verify.test.mjs, node:test) and headless Chromium
// (browser.sh): the npm package as each platform loads it (Node: pkg/node.mjs, no init;
// browser: pkg/index.js after `await init()`). Each case gets the package, an `assert` with
// the node:assert subset used here (equal, deepEqual, ok, throws(fn, { name, code, message }),
// rejects(promise, { ... })) and `env`: `{ version, load(path) }`, where load gives the bytes
// of a repository file (Node: the file system; browser: the test server). A case may be async.
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

const AT = "2027-01-01T00:00:00Z";
const P256 = "test-vectors/pki/ecdsa-p256";

/** The cases: [name, (imza, assert, env) => void | Promise]; `env.version` is the crate version. */
export const cases = [
  ["version() is the crate version", (imza, assert, env) => {
    assert.equal(imza.version(), env.version);
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
  ["the thrown value is an instance of the package's ImzaError", (imza, assert) => {
    let caught;
    try {
      imza.verifySignature("ES256", hex(p256.spki), flip(msg, 0), hex(p256.es256));
    } catch (e) {
      caught = e;
    }
    assert.equal(caught instanceof imza.ImzaError, true);
    assert.equal(caught.code, 300);
    assert.equal(typeof imza.describe(300), "string");
  }],
  // Real documents: the same verdicts in every JavaScript engine.
  ["the sample contract (CAdES-B-LT) verifies: TOTAL_PASSED", async (imza, assert, env) => {
    const report = await imza.verifyDocument(await env.load("test-vectors/sample/contract.p7m"), {
      trust: await env.load(`${P256}/root.pem`),
      at: AT,
    });
    assert.equal(report.indication, "TOTAL_PASSED");
    assert.equal(report.validation_time, AT);
    assert.equal(report.signatures[0].level, "CAdES-BASELINE-LT");
    assert.equal(report.signatures[0].signer.subject, "CN=P-256 Signer,O=Imza Test,C=AZ");
  }],
  ["a tampered attached signature: TOTAL_FAILED / HASH_FAILURE", async (imza, assert, env) => {
    const report = await imza.verifyDocument(await env.load("test-vectors/cms/ossl-ec-attached-tampered.p7m"), {
      trust: await env.load(`${P256}/root.pem`),
      at: AT,
      revocation: "skip",
    });
    assert.deepEqual([report.indication, report.sub_indication], ["TOTAL_FAILED", "HASH_FAILURE"]);
  }],
  ["detached content as bytes, as a Blob and in 7-byte chunks: the same report", async (imza, assert, env) => {
    const signature = await env.load("test-vectors/cms/ossl-ec-cades-detached.p7s");
    const content = await env.load("test-vectors/cms/content.txt");
    const options = {
      trust: await env.load(`${P256}/root.pem`),
      crls: [await env.load(`${P256}/root.crl`), await env.load(`${P256}/intermediate.crl`)],
      at: AT,
    };
    const whole = await imza.verifyDocument(signature, { ...options, detached: content });
    assert.equal(whole.indication, "TOTAL_PASSED");
    const blob = await imza.verifyDocument(signature, { ...options, detached: new Blob([content]) });
    assert.deepEqual(blob, whole);
    const v = new imza.DocumentVerifier(signature, options);
    for (let i = 0; i < content.length; i += 7) v.update(content.subarray(i, i + 7));
    assert.deepEqual(await v.finish(), whole);
  }],
  ["an untrusted root: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND", async (imza, assert, env) => {
    const report = await imza.verifyDocument(await env.load("test-vectors/sample/contract.p7m"), {
      trust: await env.load("test-vectors/pki/rsa/root.pem"),
      at: AT,
    });
    assert.deepEqual([report.indication, report.sub_indication], ["INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"]);
  }],
  ["not a signature (XML): ImzaError 103", async (imza, assert) => {
    await assert.rejects(imza.verifyDocument(new TextEncoder().encode("<?xml version='1.0'?><a/>")), {
      name: "ImzaError",
      code: 103,
    });
  }],
  ["parseCertificate and createChallenge work here too", async (imza, assert, env) => {
    const { certificates } = imza.parseCertificate(await env.load(`${P256}/login.der`));
    assert.equal(certificates[0].subject, "CN=P-256 Login,O=Imza Test,C=AZ");
    const a = imza.createChallenge();
    const b = imza.createChallenge();
    assert.equal(a.nonce.length, 44);
    assert.ok(a.nonce !== b.nonce, "two challenges differ");
  }],
];
