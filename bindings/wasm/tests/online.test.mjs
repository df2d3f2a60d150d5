// Online revocation through the caller's fetch, against a real responder: `openssl ocsp` on
// loopback over the test PKI's CA database (as tests/revocation.rs runs it) and the PKI's
// CRLs served over HTTP. The certificates name http://127.0.0.1:18080/ (OCSP) and
// http://127.0.0.1:18090/... (CRLs); the servers get free ports and the fetch given to imza
// is globalThis.fetch with those two addresses moved there (support.mjs remappingFetch), so
// a busy fixed port cannot break the run. The URLs imza asks for are the certificates'.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as imza from "../pkg/node.mjs";
import { crlServer, haveTool, ocspResponder, read, remappingFetch, skip, text } from "./support.mjs";

const ROOT = "test-vectors/pki/ecdsa-p256/root.pem";
const DETACHED = "test-vectors/cms/ossl-ec-cades-detached.p7s";
const CONTENT = "test-vectors/cms/content.txt";
const P256 = "test-vectors/pki/ecdsa-p256";
const SIGNER = "CN=P-256 Signer,O=Imza Test,C=AZ";
const INTERMEDIATE = "CN=Imza Test P-256 Intermediate CA,O=Imza Test,C=AZ";

// The responder stamps its answers with the real clock (thisUpdate now, nextUpdate now + 60
// min), so these validations run at the current time (the leaves are valid to 2035).

let ocsp;
let crl;
let setupError;

before(async () => {
  try {
    ocsp = await ocspResponder();
    crl = await crlServer();
  } catch (e) {
    setupError = e;
  }
});

after(async () => {
  ocsp?.stop();
  await crl?.stop();
});

/** Whether the servers run; else skip (CI: fail). */
function servers(t) {
  if (!haveTool(t, "openssl", ["version"])) return false;
  if (setupError) {
    skip(t, `the loopback OCSP responder or CRL server did not start: ${setupError.message}`);
    return false;
  }
  return true;
}

/** A CAdES-B over `content` signed now by `name` of the ecdsa-p256 PKI (signDocument). */
function signedBy(name, content) {
  return imza.signDocument(content, {
    key: text(`${P256}/${name}.key`),
    certificate: text(`${P256}/${name}.pem`),
    chain: text(`${P256}/intermediate.pem`),
  });
}

test("online: the signer's status comes from the OCSP responder its AIA names, through the caller's fetch", async (t) => {
  if (!servers(t)) return;
  const fetch = remappingFetch(ocsp.port, crl.port);
  const report = await imza.verifyDocument(read(DETACHED), {
    trust: text(ROOT),
    detached: read(CONTENT),
    revocation: "online",
    fetch,
  });
  assert.equal(report.indication, "TOTAL_PASSED", JSON.stringify(report.signatures[0].errors));
  const [leaf, ca] = report.signatures[0].revocation;
  assert.equal(leaf.subject, SIGNER);
  assert.equal(leaf.status.status, "good");
  assert.equal(leaf.source.kind, "ocsp");
  assert.equal(leaf.source.url, "http://127.0.0.1:18080/");
  // The intermediate names no OCSP responder: the root's CRL, from its distribution point.
  assert.equal(ca.subject, INTERMEDIATE);
  assert.equal(ca.status.status, "good");
  assert.equal(ca.source.kind, "crl");
  assert.match(ca.source.url, /\/ecdsa-p256-root\.crl$/);
  // What imza asked the host to fetch: the certificates' own URLs, each once. (The leaf's
  // CRL is asked for too: in the first round the OCSP answer is not there yet, so the core
  // also asks for the fallback; the blocking transport of tests/revocation.rs does without.)
  const urls = fetch.calls.map((c) => `${c.method} ${c.url}`);
  assert.ok(urls.includes("POST http://127.0.0.1:18080/"), urls.join(", "));
  assert.ok(urls.includes("GET http://127.0.0.1:18090/ecdsa-p256-root.crl"), urls.join(", "));
  assert.equal(new Set(urls).size, urls.length, `a URL fetched twice: ${urls}`);
  for (const u of urls) {
    assert.match(u, /^(POST http:\/\/127\.0\.0\.1:18080\/|GET http:\/\/127\.0\.0\.1:18090\/ecdsa-p256(-root)?\.crl)$/);
  }
});

test("online: a revoked signer is REVOKED by OCSP, as the CRL says offline", async (t) => {
  if (!servers(t)) return;
  const content = new TextEncoder().encode("signed by a revoked key\n");
  const sig = signedBy("revoked", content);
  const online = await imza.verifyDocument(sig, {
    trust: text(ROOT),
    revocation: "online",
    fetch: remappingFetch(ocsp.port, crl.port),
  });
  const offline = await imza.verifyDocument(sig, {
    trust: text(ROOT),
    crls: [read(`${P256}/root.crl`), read(`${P256}/intermediate.crl`)],
  });
  // Revoked (2026-06-01) before any proof of the signing time: REVOKED_NO_POE.
  assert.equal(online.indication, "INDETERMINATE");
  assert.equal(online.sub_indication, "REVOKED_NO_POE");
  assert.equal(online.sub_indication, offline.sub_indication);
  const leaf = online.signatures[0].revocation[0];
  assert.equal(leaf.subject, "CN=P-256 Revoked,O=Imza Test,C=AZ");
  assert.equal(leaf.status.status, "revoked");
  assert.equal(leaf.status.time, "2026-06-01T00:00:00Z");
  assert.equal(leaf.source.kind, "ocsp");
});

test("online validatePath: good signer, revoked certificate TOTAL_FAILED / REVOKED", async (t) => {
  if (!servers(t)) return;
  const fetch = remappingFetch(ocsp.port, crl.port);
  const opts = { trust: text(ROOT), intermediates: text(`${P256}/intermediate.pem`), revocation: "online", fetch };
  const good = await imza.validatePath(text(`${P256}/signer.pem`), opts);
  assert.equal(good.indication, "TOTAL_PASSED");
  assert.equal(good.revocation_evidence[0].source.kind, "ocsp");
  const revoked = await imza.validatePath(text(`${P256}/revoked.pem`), opts);
  assert.equal(revoked.indication, "TOTAL_FAILED");
  assert.equal(revoked.sub_indication, "REVOKED");
  // OCSP "unknown" (deleted from the CA's index) is no proof: the status comes from the
  // CRL its distribution point names, which does not list it.
  const unknown = await imza.validatePath(text(`${P256}/not-in-index.pem`), opts);
  assert.equal(unknown.indication, "TOTAL_PASSED");
  assert.equal(unknown.revocation_evidence[0].source.kind, "crl");
  assert.equal(unknown.revocation_evidence[0].source.url, "http://127.0.0.1:18090/ecdsa-p256.crl");
});

test("online: a fetch that throws gives INDETERMINATE / TRY_LATER, not an exception", async () => {
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new TypeError("fetch failed: network unreachable");
  };
  const report = await imza.verifyDocument(read(DETACHED), {
    trust: text(ROOT),
    detached: read(CONTENT),
    revocation: "online",
    fetch: failing,
  });
  assert.ok(calls > 0, "the callback was asked");
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "TRY_LATER");
});

test("online: an HTTP error status from the responder gives TRY_LATER", async () => {
  const report = await imza.verifyDocument(read(DETACHED), {
    trust: text(ROOT),
    detached: read(CONTENT),
    revocation: "online",
    fetch: async () => new Response("down for maintenance", { status: 503 }),
  });
  assert.equal(report.indication, "INDETERMINATE");
  assert.equal(report.sub_indication, "TRY_LATER");
});

test('offline and "skip" never call the fetch callback', async () => {
  let calls = 0;
  const spy = async (...args) => {
    calls++;
    return globalThis.fetch(...args);
  };
  const base = { trust: text(ROOT), detached: read(CONTENT), fetch: spy };
  const offline = await imza.verifyDocument(read(DETACHED), { ...base, revocation: "offline" });
  assert.equal(offline.sub_indication, "TRY_LATER");
  const dflt = await imza.verifyDocument(read(DETACHED), base);
  assert.equal(dflt.sub_indication, "TRY_LATER");
  const skipped = await imza.verifyDocument(read(DETACHED), { ...base, revocation: "skip" });
  assert.equal(skipped.indication, "TOTAL_PASSED");
  await imza.validatePath(text(`${P256}/signer.pem`), { trust: text(ROOT), intermediates: text(`${P256}/intermediate.pem`), fetch: spy });
  assert.equal(calls, 0, "no request without revocation: \"online\"");
});
