// signDocument → verifyDocument round trips (attached and detached), and OpenSSL, a peer
// that is not imza, accepts what the package signed (`openssl cms -verify`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as imza from "../pkg/node.mjs";
import { haveTool, read, root, text } from "./support.mjs";

const P256 = "test-vectors/pki/ecdsa-p256";
const AT = "2027-01-01T00:00:00Z";
const SIGNED_AT = "2026-12-01T10:00:00Z";
const content = new TextEncoder().encode("Müqavilə № 7: imza WASM test content, signed in Node.\n");

function sign(detached, extra = {}) {
  return imza.signDocument(content, {
    key: text(`${P256}/signer.key`),
    certificate: text(`${P256}/signer.pem`),
    chain: text(`${P256}/intermediate.pem`),
    detached,
    signingTime: SIGNED_AT,
    ...extra,
  });
}

const verifyOpts = () => ({
  trust: text(`${P256}/root.pem`),
  crls: [read(`${P256}/root.crl`), read(`${P256}/intermediate.crl`)],
  at: AT,
});

test("signDocument attached: a CAdES-BASELINE-B that verifyDocument passes", async () => {
  const sig = sign(false);
  assert.ok(sig instanceof Uint8Array);
  assert.equal(sig[0], 0x30);
  const report = await imza.verifyDocument(sig, verifyOpts());
  assert.equal(report.indication, "TOTAL_PASSED", JSON.stringify(report.signatures[0]?.errors));
  const s = report.signatures[0];
  assert.equal(s.level, "CAdES-BASELINE-B");
  assert.equal(s.claimed_signing_time, SIGNED_AT);
  assert.equal(s.signer.subject, "CN=P-256 Signer,O=Imza Test,C=AZ");
  assert.deepEqual(s.scope.map((x) => [x.name, x.length]), [["attached content", content.length]]);
  assert.equal(s.chain.length, 3);
});

test("signDocument detached: verifies with its content only", async () => {
  const sig = sign(true);
  const v = new imza.DocumentVerifier(sig, verifyOpts());
  assert.equal(v.needsContent, true);
  v.free();
  const good = await imza.verifyDocument(sig, { ...verifyOpts(), detached: content });
  assert.equal(good.indication, "TOTAL_PASSED");
  assert.equal(good.signatures[0].scope[0].name, "detached content");
  const other = await imza.verifyDocument(sig, { ...verifyOpts(), detached: content.subarray(1) });
  assert.equal(other.sub_indication, "HASH_FAILURE");
});

test("signDocument: the key and certificate as DER bytes sign the same way", async () => {
  const { createPrivateKey } = await import("node:crypto");
  const keyDer = new Uint8Array(createPrivateKey(text(`${P256}/signer.key`)).export({ format: "der", type: "pkcs8" }));
  const sig = imza.signDocument(content, {
    key: keyDer,
    certificate: read(`${P256}/signer.der`),
    chain: [read(`${P256}/intermediate.der`)],
    signingTime: new Date(SIGNED_AT),
  });
  assert.equal((await imza.verifyDocument(sig, verifyOpts())).indication, "TOTAL_PASSED");
});

test("signDocument: errors are ImzaErrors (no key 105, level T 105, another's key 202)", () => {
  const code = (fn) => {
    try {
      fn();
      return "ok";
    } catch (e) {
      assert.ok(e instanceof imza.ImzaError, String(e));
      return e.code;
    }
  };
  assert.equal(code(() => imza.signDocument(content, { certificate: text(`${P256}/signer.pem`) })), 105);
  assert.equal(code(() => sign(false, { level: "T" })), 105);
  assert.equal(code(() => imza.signDocument(content, { key: text(`${P256}/signer.key`) })), 105);
  // The login key with the signer's certificate: refused before anything is signed.
  assert.equal(code(() => sign(false, { key: text(`${P256}/login.key`) })), 202);
});

test("openssl cms -verify accepts what signDocument made, attached and detached", (t) => {
  if (!haveTool(t, "openssl", ["version"])) return;
  const dir = mkdtempSync(path.join(tmpdir(), "imza-wasm-sign-"));
  try {
    const files = {
      attached: path.join(dir, "attached.p7m"),
      detached: path.join(dir, "detached.p7s"),
      content: path.join(dir, "content.txt"),
      out: path.join(dir, "out.txt"),
    };
    writeFileSync(files.attached, sign(false));
    writeFileSync(files.detached, sign(true));
    writeFileSync(files.content, content);
    const ca = path.join(root, P256, "root.pem");
    const run = (args) => spawnSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-CAfile", ca, "-purpose", "any", ...args], { encoding: "utf8" });
    const a = run(["-in", files.attached, "-out", files.out]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /Verification successful/);
    assert.deepEqual(new Uint8Array(readFileSync(files.out)), content);
    const d = run(["-in", files.detached, "-content", files.content, "-out", files.out]);
    assert.equal(d.status, 0, d.stderr);
    // And OpenSSL refuses other content, so the check above means something.
    writeFileSync(files.content, "other\n");
    const bad = run(["-in", files.detached, "-content", files.content, "-out", files.out]);
    assert.notEqual(bad.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
