// verifyDocument and DocumentVerifier of the npm package, on the repository's OpenSSL-made
// fixtures: the verdicts, the report against `imza verify --json`, detached content in
// every shape a caller has it (bytes, Node stream, async iterable, Blob, web stream, chunks
// of many sizes), and the errors.
//   node --test bindings/wasm/tests/        (after bash bindings/wasm/build.sh)
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import * as imza from "../pkg/node.mjs";
import { readFileSync } from "node:fs";
import { cli, cliJson, read, shared, text, withoutTime } from "./support.mjs";

const AT = "2027-01-01T00:00:00Z";
const ROOT = "test-vectors/pki/ecdsa-p256/root.pem";
const CRLS = ["test-vectors/pki/ecdsa-p256/root.crl", "test-vectors/pki/ecdsa-p256/intermediate.crl"];
const CONTRACT = "test-vectors/sample/contract.p7m";
const DETACHED = "test-vectors/cms/ossl-ec-cades-detached.p7s";
const CONTENT = "test-vectors/cms/content.txt";
const TAMPERED = "test-vectors/cms/ossl-ec-attached-tampered.p7m";
const REVOKED_T = "test-vectors/sample/revoked-t.p7m";

const trust = () => text(ROOT);
const crls = () => CRLS.map(read);

/** The CLI's report for the same input: `imza verify --json --at AT ...`. */
function cliReport(exe, signature, { detached, crl = [], extra = [] } = {}) {
  const args = ["verify", "--json", "--at", AT, "--trust", ROOT];
  for (const c of crl) args.push("--crl", c);
  if (detached) args.push("--detached", detached);
  return cliJson(exe, [...args, ...extra, signature]);
}

/** Whether `fn` throws (or rejects with) an ImzaError of `code`, the core's message and a description. */
async function assertImzaError(fn, code, message) {
  let caught;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ImzaError ${code}, nothing was thrown`);
  assert.ok(caught instanceof imza.ImzaError, `not an ImzaError: ${caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, "ImzaError");
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  assert.equal(typeof imza.describe(code), "string");
  assert.ok(imza.describe(code).length > 0);
  return caught;
}

test("the sample contract (CAdES-B-LT) passes, and the report is the one imza verify --json prints", async (t) => {
  const report = await imza.verifyDocument(read(CONTRACT), { trust: trust(), at: AT });
  assert.equal(report.indication, "TOTAL_PASSED");
  assert.equal(report.sub_indication, null);
  assert.equal(report.validation_time, AT);
  assert.equal(report.signatures.length, 1);
  assert.equal(report.signatures[0].level, "CAdES-BASELINE-LT");
  assert.equal(report.signatures[0].signer.subject, "CN=P-256 Signer,O=Imza Test,C=AZ");
  const exe = cli(t);
  if (!exe) return;
  assert.deepEqual(withoutTime(report), withoutTime(cliReport(exe, CONTRACT)));
});

test("trust as DER bytes, as PEM text and as an array give the same report", async () => {
  const der = read("test-vectors/pki/ecdsa-p256/root.der");
  const a = await imza.verifyDocument(read(CONTRACT), { trust: trust(), at: AT });
  const b = await imza.verifyDocument(read(CONTRACT), { trust: der, at: AT });
  const c = await imza.verifyDocument(read(CONTRACT), { trust: [der.buffer.slice(0)], at: AT });
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
});

test("a detached CAdES with CRLs passes and matches the CLI", async (t) => {
  const report = await imza.verifyDocument(read(DETACHED), { trust: trust(), crls: crls(), at: AT, detached: read(CONTENT) });
  assert.equal(report.indication, "TOTAL_PASSED");
  assert.equal(report.signatures[0].scope[0].name, "detached content");
  assert.equal(report.signatures[0].scope[0].length, 45);
  assert.deepEqual(
    report.signatures[0].revocation.map((r) => [r.subject, r.status.status, r.source.kind]),
    [
      ["CN=P-256 Signer,O=Imza Test,C=AZ", "good", "crl"],
      ["CN=Imza Test P-256 Intermediate CA,O=Imza Test,C=AZ", "good", "crl"],
    ],
  );
  const exe = cli(t);
  if (!exe) return;
  assert.deepEqual(withoutTime(report), withoutTime(cliReport(exe, DETACHED, { detached: CONTENT, crl: CRLS })));
});

test("tampered attached content fails with HASH_FAILURE, as the CLI says", async (t) => {
  const report = await imza.verifyDocument(read(TAMPERED), { trust: trust(), crls: crls(), at: AT });
  assert.equal(report.indication, "TOTAL_FAILED");
  assert.equal(report.sub_indication, "HASH_FAILURE");
  assert.equal(report.signatures[0].intact, false);
  const exe = cli(t);
  if (!exe) return;
  assert.deepEqual(withoutTime(report), withoutTime(cliReport(exe, TAMPERED, { crl: CRLS })));
});

test("other detached content than was signed fails with HASH_FAILURE", async () => {
  const other = new TextEncoder().encode("not what was signed\n");
  const report = await imza.verifyDocument(read(DETACHED), { trust: trust(), crls: crls(), at: AT, detached: other });
  assert.equal(report.indication, "TOTAL_FAILED");
  assert.equal(report.sub_indication, "HASH_FAILURE");
});

test("another CA's root gives INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND", async (t) => {
  const report = await imza.verifyDocument(read(CONTRACT), { trust: text("test-vectors/pki/rsa/root.pem"), at: AT });
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
  const none = await imza.verifyDocument(read(CONTRACT), { at: AT });
  assert.equal(none.sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
  const exe = cli(t);
  if (!exe) return;
  const args = ["verify", "--json", "--at", AT, "--trust", "test-vectors/pki/rsa/root.pem", CONTRACT];
  assert.deepEqual(withoutTime(report), withoutTime(cliJson(exe, args)));
});

test('revocation "skip" passes and is recorded in the report, as --no-revocation', async (t) => {
  const report = await imza.verifyDocument(read(DETACHED), { trust: trust(), at: AT, revocation: "skip", detached: read(CONTENT) });
  assert.equal(report.indication, "TOTAL_PASSED");
  assert.deepEqual(report.signatures[0].revocation, []);
  assert.ok(
    report.signatures[0].warnings.some((w) => /revocation not checked, by request/.test(w)),
    JSON.stringify(report.signatures[0].warnings),
  );
  const exe = cli(t);
  if (!exe) return;
  const want = cliReport(exe, DETACHED, { detached: CONTENT, extra: ["--no-revocation"] });
  assert.deepEqual(withoutTime(report), withoutTime(want));
});

test("without revocation data (offline, the default) a status is required: TRY_LATER", async (t) => {
  const report = await imza.verifyDocument(read(DETACHED), { trust: trust(), at: AT, detached: read(CONTENT) });
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "TRY_LATER");
  const offline = await imza.verifyDocument(read(DETACHED), { trust: trust(), at: AT, revocation: "offline", detached: read(CONTENT) });
  assert.deepEqual(offline, report);
  const exe = cli(t);
  if (!exe) return;
  assert.deepEqual(withoutTime(report), withoutTime(cliReport(exe, DETACHED, { detached: CONTENT })));
});

test("a certificate revoked before the time-stamp: INDETERMINATE / REVOKED_NO_POE, as the CLI says", async (t) => {
  const report = await imza.verifyDocument(read(REVOKED_T), { trust: trust(), crls: crls(), at: AT });
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "REVOKED_NO_POE");
  assert.equal(report.signatures[0].revocation[0].status.status, "revoked");
  const exe = cli(t);
  if (!exe) return;
  assert.deepEqual(withoutTime(report), withoutTime(cliReport(exe, REVOKED_T, { crl: CRLS })));
});

test("a detached signature without its content: SIGNED_DATA_NOT_FOUND", async () => {
  const report = await imza.verifyDocument(read(DETACHED), { trust: trust(), crls: crls(), at: AT });
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "SIGNED_DATA_NOT_FOUND");
});

// Detached content in every shape: the report is the same as for the whole bytes.
const shapes = {
  "a Uint8Array": (c) => c,
  "an ArrayBuffer": (c) => c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength),
  "a Node Readable": (c) => Readable.from([c.subarray(0, 10), c.subarray(10)]),
  "an async generator": (c) =>
    (async function* () {
      for (let i = 0; i < c.length; i += 4) yield c.subarray(i, i + 4);
    })(),
  "a Blob": (c) => new Blob([c.subarray(0, 20), c.subarray(20)]),
  "a web ReadableStream": (c) => new Blob([c]).stream(),
};

for (const [name, shape] of Object.entries(shapes)) {
  test(`detached content as ${name} gives the same report`, async () => {
    const content = read(CONTENT);
    const opts = { trust: trust(), crls: crls(), at: AT };
    const whole = await imza.verifyDocument(read(DETACHED), { ...opts, detached: content });
    const seen = [];
    const report = await imza.verifyDocument(read(DETACHED), {
      ...opts,
      detached: shape(content),
      onProgress: (n) => seen.push(n),
    });
    assert.equal(report.indication, "TOTAL_PASSED");
    assert.deepEqual(report, whole);
    assert.equal(seen.at(-1), content.length, `progress: ${seen}`);
  });
}

/** A detached CAdES-B made by signDocument over `content` (the signer of the test PKI). */
function signDetached(content) {
  return imza.signDocument(content, {
    key: text("test-vectors/pki/ecdsa-p256/signer.key"),
    certificate: text("test-vectors/pki/ecdsa-p256/signer.pem"),
    chain: text("test-vectors/pki/ecdsa-p256/intermediate.pem"),
    detached: true,
    signingTime: "2026-12-01T00:00:00Z",
  });
}

/** Feeds `content` to a DocumentVerifier in chunks of `size` and finishes it. */
async function inChunks(signature, content, size, options) {
  const v = new imza.DocumentVerifier(signature, options);
  assert.equal(v.format, "CMS");
  assert.equal(v.needsContent, true);
  for (let i = 0; i < content.length; i += size) v.update(content.subarray(i, i + size));
  assert.equal(v.bytesHashed, content.length);
  return v.finish();
}

test("DocumentVerifier: chunks of 1, 7 and 64 KiB bytes give the report of the whole content", async () => {
  const options = { trust: trust(), crls: crls(), at: AT };
  // The OpenSSL-made signature over its 45 bytes ...
  const whole = await imza.verifyDocument(read(DETACHED), { ...options, detached: read(CONTENT) });
  for (const size of [1, 7, 64 << 10]) {
    assert.deepEqual(await inChunks(read(DETACHED), read(CONTENT), size, options), whole, `chunks of ${size}`);
  }
  // ... and a 200 KB content, so that 64 KiB chunks are several (and one short one).
  const big = new Uint8Array(200_003);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  const sig = signDetached(big);
  const bigWhole = await imza.verifyDocument(sig, { ...options, detached: big });
  assert.equal(bigWhole.indication, "TOTAL_PASSED");
  assert.equal(bigWhole.signatures[0].scope[0].length, big.length);
  for (const size of [1, 7, 64 << 10]) {
    assert.deepEqual(await inChunks(sig, big, size, options), bigWhole, `chunks of ${size}`);
  }
  // A stream whose chunks cross the 64 KiB boundaries oddly.
  const odd = await imza.verifyDocument(sig, { ...options, detached: Readable.from([big.subarray(0, 65537), big.subarray(65537, 65540), big.subarray(65540)]) });
  assert.deepEqual(odd, bigWhole);
});

test("DocumentVerifier: an empty chunk changes nothing, one byte more fails", async () => {
  const options = { trust: trust(), crls: crls(), at: AT };
  const v = new imza.DocumentVerifier(read(DETACHED), options);
  v.update(new Uint8Array(0));
  v.update(read(CONTENT));
  v.update(new Uint8Array(0));
  assert.equal((await v.finish()).indication, "TOTAL_PASSED");
  const w = new imza.DocumentVerifier(read(DETACHED), options);
  w.update(read(CONTENT));
  w.update(new Uint8Array([0x0a]));
  assert.equal((await w.finish()).sub_indication, "HASH_FAILURE");
});

test("DocumentVerifier: update() on an attached signature throws ImzaError 102", async () => {
  const v = new imza.DocumentVerifier(read(CONTRACT), { trust: trust(), at: AT });
  assert.equal(v.needsContent, false);
  await assertImzaError(() => v.update(new Uint8Array([1, 2, 3])), 102, /carries its content/);
  // The attached signature itself still verifies.
  assert.equal((await v.finish()).indication, "TOTAL_PASSED");
  // verifyDocument with `detached` for an attached signature: the same error.
  await assertImzaError(
    () => imza.verifyDocument(read(CONTRACT), { trust: trust(), at: AT, detached: read(CONTENT) }),
    102,
  );
});

test("DocumentVerifier: after finish() it is released and refuses more work", async () => {
  const v = new imza.DocumentVerifier(read(DETACHED), { trust: trust(), crls: crls(), at: AT });
  v.update(read(CONTENT));
  await v.finish();
  await assertImzaError(() => v.update(new Uint8Array(1)), 105, /finished/);
  await assertImzaError(() => v.finish(), 105);
  v.free(); // a second free is harmless
});

test("XAdES: the DSS sample is intact, and the report is the one imza verify --json prints", async (t) => {
  const file = shared(t, "docsig/xades/dss-signed.xml");
  if (!file) return;
  const bytes = new Uint8Array(readFileSync(file));
  const report = await imza.verifyDocument(bytes, { revocation: "skip", at: AT });
  assert.deepEqual([report.indication, report.sub_indication], ["INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"]);
  const s = report.signatures[0];
  assert.equal(s.level, "XAdES-BASELINE-B");
  assert.equal(s.intact, true);
  assert.equal(s.signer.subject, "C=LU,OU=PKI-TEST,O=Nowina Solutions,CN=good-user");
  const exe = cli(t);
  if (!exe) return;
  const expected = cliJson(exe, ["verify", "--json", "--at", AT, "--no-revocation", file]);
  assert.deepEqual(withoutTime(report), withoutTime(expected));
});

test("XAdES: an empty ds:Signature is a report (TOTAL_FAILED / FORMAT_FAILURE), not an error", async () => {
  const bytes = new TextEncoder().encode('<?xml version="1.0"?><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>');
  const report = await imza.verifyDocument(bytes, { revocation: "skip", at: AT });
  assert.deepEqual([report.indication, report.sub_indication], ["TOTAL_FAILED", "FORMAT_FAILURE"]);
});

test("a ZIP that is not one is ImzaError 1350 (malformed ZIP), from verifyDocument and DocumentVerifier", async () => {
  const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(60)]);
  await assertImzaError(() => imza.verifyDocument(bytes, { trust: trust() }), 1350, /ZIP/);
  await assertImzaError(() => new imza.DocumentVerifier(bytes), 1350);
});

const notSignatures = {
  "XML without a signature": new TextEncoder().encode('<?xml version="1.0"?><a/>'),
  "text garbage": new TextEncoder().encode("garbage, not a signature"),
  "empty input": new Uint8Array(0),
};

test("a PDF without its cross-reference section is ImzaError 1400 (malformed PDF), from verifyDocument and DocumentVerifier", async () => {
  const bytes = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
  await assertImzaError(() => imza.verifyDocument(bytes, { trust: trust() }), 1400, /PDF/);
  await assertImzaError(() => new imza.DocumentVerifier(bytes), 1400);
});

for (const [name, bytes] of Object.entries(notSignatures)) {
  test(`${name}: verifyDocument throws ImzaError 103`, async () => {
    await assertImzaError(() => imza.verifyDocument(bytes, { trust: trust() }), 103, /not a signature format imza verifies/);
    await assertImzaError(() => new imza.DocumentVerifier(bytes), 103);
  });
}

test('revocation "online" without a fetch callback throws ImzaError 105', async () => {
  await assertImzaError(
    () => imza.verifyDocument(read(CONTRACT), { trust: trust(), revocation: "online" }),
    105,
    /fetch/,
  );
  await assertImzaError(() => new imza.DocumentVerifier(read(CONTRACT), { revocation: "online", fetch: "no" }), 105);
});

test("options of the wrong type throw ImzaError 105 with the reason", async () => {
  await assertImzaError(() => imza.verifyDocument(read(CONTRACT), { revocation: "sometimes" }), 105, /revocation/);
  await assertImzaError(() => imza.verifyDocument(read(CONTRACT), { at: "yesterday" }), 105, /time/);
  await assertImzaError(() => imza.verifyDocument(read(CONTRACT), { trust: 42 }), 105, /trust/);
  await assertImzaError(() => imza.verifyDocument(42), 105, /signature/);
});

test("a malformed trust anchor is ImzaError 100, and every error has a describe() text", async () => {
  await assertImzaError(() => imza.verifyDocument(read(CONTRACT), { trust: new Uint8Array([0x30, 0x03, 1, 2, 3]) }), 100);
  for (const code of [100, 101, 102, 103, 104, 105, 200, 300, 1103, 1152, 1223]) {
    assert.ok((imza.describe(code) ?? "").length > 0, `describe(${code})`);
  }
  assert.equal(imza.describe(99999), undefined);
});

test("the time may be a Date, an RFC 3339 string or seconds since 1970", async () => {
  const opts = { trust: trust() };
  const s = await imza.verifyDocument(read(CONTRACT), { ...opts, at: AT });
  const d = await imza.verifyDocument(read(CONTRACT), { ...opts, at: new Date(AT) });
  const n = await imza.verifyDocument(read(CONTRACT), { ...opts, at: Date.parse(AT) / 1000 });
  assert.deepEqual(d, s);
  assert.deepEqual(n, s);
  // Without `at`: now, by the host's clock.
  const now = await imza.verifyDocument(read(CONTRACT), opts);
  assert.ok(Math.abs(Date.parse(now.validation_time) - Date.now()) < 120_000, now.validation_time);
});
