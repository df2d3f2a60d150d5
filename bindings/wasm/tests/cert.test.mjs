// parseCertificate and validatePath of the npm package against `imza cert show --json` and
// `imza cert verify --json` on the test PKI (test-vectors/pki/README.md has the verdicts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as imza from "../pkg/node.mjs";
import { cli, cliJson, read, text } from "./support.mjs";

const AT = "2027-01-01T00:00:00Z";
const P256 = "test-vectors/pki/ecdsa-p256";
const ROOT = `${P256}/root.pem`;
const CRLS = [`${P256}/root.crl`, `${P256}/intermediate.crl`];

/** The CLI's document without the `file` it names (the package is given bytes, not a file). */
function withoutFile(doc) {
  const { file: _, ...rest } = doc;
  return rest;
}

test("parseCertificate gives the certificates of imza cert show --json, for PEM and DER", async (t) => {
  const exe = cli(t);
  for (const name of ["signer", "login", "tsa", "ocsp-responder", "intermediate", "root", "expired", "unknown-critical-ext"]) {
    const pem = imza.parseCertificate(text(`${P256}/${name}.pem`));
    const der = imza.parseCertificate(read(`${P256}/${name}.der`));
    assert.deepEqual(der, pem, name);
    assert.equal(pem.certificates.length, 1);
    if (exe) {
      const want = cliJson(exe, ["cert", "show", "--json", `${P256}/${name}.pem`]);
      assert.deepEqual(pem.certificates, want.certificates, name);
    }
  }
  if (!exe) return;
  // A PEM bundle: every certificate, in order.
  const chain = imza.parseCertificate(text(`${P256}/chain.pem`));
  assert.equal(chain.certificates.length, 2);
  assert.deepEqual(chain.certificates, cliJson(exe, ["cert", "show", "--json", `${P256}/chain.pem`]).certificates);
});

test("parseCertificate: what the summary says of the login certificate", () => {
  const [c] = imza.parseCertificate(text(`${P256}/login.pem`)).certificates;
  assert.equal(c.subject, "CN=P-256 Login,O=Imza Test,C=AZ");
  assert.equal(c.serial, "100b");
  assert.deepEqual(c.key_usage, ["digitalSignature"]);
  assert.deepEqual(c.extended_key_usage, ["clientAuth"]);
  assert.deepEqual(c.ocsp_urls, ["http://127.0.0.1:18080/"]);
  assert.equal(c.public_key.curve, "P-256");
});

test("parseCertificate: not a certificate is an ImzaError (100), a number is 105", () => {
  assert.throws(() => imza.parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), (e) => e instanceof imza.ImzaError && e.code === 100);
  assert.throws(() => imza.parseCertificate("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"), imza.ImzaError);
  assert.throws(() => imza.parseCertificate(42), (e) => e instanceof imza.ImzaError && e.code === 105);
});

/** validatePath and `imza cert verify --json` on the same input; both documents. */
async function both(t, leaf, purpose, { crls = CRLS, at = AT, revocation } = {}) {
  const got = await imza.validatePath(text(`${P256}/${leaf}.pem`), {
    purpose,
    trust: text(ROOT),
    intermediates: read(`${P256}/intermediate.der`),
    crls: crls.map(read),
    at,
    revocation,
  });
  const exe = cli(t);
  if (!exe) return [got, undefined];
  const args = ["cert", "verify", "--json", "--purpose", purpose, "--at", at, "--trust", ROOT];
  args.push("--intermediate", `${P256}/intermediate.pem`);
  for (const c of crls) args.push("--crl", c);
  if (revocation === "skip") args.push("--no-revocation");
  return [got, withoutFile(cliJson(exe, [...args, `${P256}/${leaf}.pem`]))];
}

test("validatePath: the login certificate is valid for auth, with its CRL evidence, as the CLI says", async (t) => {
  const [got, want] = await both(t, "login", "auth");
  assert.equal(got.indication, "TOTAL_PASSED");
  assert.equal(got.purpose, "authentication");
  assert.equal(got.path.length, 3);
  assert.equal(got.path[2].trust_anchor, true);
  assert.equal(got.revocation, "offline");
  assert.deepEqual(got.revocation_evidence.map((e) => e.status.status), ["good", "good"]);
  if (want) assert.deepEqual(got, want);
});

test("validatePath: the login certificate is not a TSA's", async (t) => {
  const [got, want] = await both(t, "login", "tsa");
  assert.notEqual(got.indication, "TOTAL_PASSED");
  if (want) assert.deepEqual(got, want);
});

test("validatePath: the expired certificate is EXPIRED in 2027 and valid in 2021", async (t) => {
  const [late, want] = await both(t, "expired", "signing");
  assert.equal(late.indication, "INDETERMINATE");
  assert.equal(late.sub_indication, "OUT_OF_BOUNDS_NO_POE");
  if (want) assert.deepEqual(late, want);
  const [early, want2021] = await both(t, "expired", "signing", { at: "2021-01-01T00:00:00Z", revocation: "skip", crls: [] });
  assert.equal(early.indication, "TOTAL_PASSED");
  assert.equal(early.revocation, "not_checked_by_request");
  if (want2021) assert.deepEqual(early, want2021);
});

test("validatePath: the revoked certificate with the CRLs is TOTAL_FAILED / REVOKED", async (t) => {
  const [got, want] = await both(t, "revoked", "signing");
  assert.equal(got.indication, "TOTAL_FAILED");
  assert.equal(got.sub_indication, "REVOKED");
  assert.equal(got.revocation_evidence[0].status.status, "revoked");
  if (want) assert.deepEqual(got, want);
  // Without revocation data: no status, TRY_LATER.
  const [none] = await both(t, "revoked", "signing", { crls: [] });
  assert.equal(none.indication, "INDETERMINATE");
  assert.equal(none.sub_indication, "TRY_LATER");
});

test("validatePath: purpose defaults to signing; an unknown purpose is ImzaError 105", async () => {
  const opts = { trust: text(ROOT), intermediates: text(`${P256}/intermediate.pem`), crls: CRLS.map(read), at: AT };
  const dflt = await imza.validatePath(text(`${P256}/signer.pem`), opts);
  const signing = await imza.validatePath(text(`${P256}/signer.pem`), { ...opts, purpose: "signing" });
  assert.deepEqual(dflt, signing);
  assert.equal(dflt.indication, "TOTAL_PASSED");
  await assert.rejects(
    imza.validatePath(text(`${P256}/signer.pem`), { ...opts, purpose: "everything" }),
    (e) => e instanceof imza.ImzaError && e.code === 105,
  );
});
