// xadesjs as an interop peer (test tooling). Node >= 20, WebCrypto from node:crypto.
//
//   node xadesjs_tool.mjs sign ALG IN.xml KEY.pem CERTS.pem OUT.xml
//       XAdES-BES enveloped (reference URI="" with enveloped + exc-c14n transforms).
//       ALG: rsa-sha256 | ecdsa-sha256. CERTS.pem: signer certificate first, then intermediates.
//   node xadesjs_tool.mjs verify FILE.xml (--ca ROOT.pem [--untrusted INTERMEDIATES.pem] | --cert SIGNER.pem)
//       exit 0 valid, 1 invalid, 2 usage/tool error.
//
// The packages live in $IMZA_PEERS_NODE/node_modules (default: <repo>/target/peers/node).
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { X509Certificate, webcrypto } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const prefix = process.env.IMZA_PEERS_NODE || path.resolve(here, "../../../target/peers/node");
const require = createRequire(path.join(prefix, "package.json"));
const xadesjs = require("xadesjs");
const xmldom = require("@xmldom/xmldom");
const xpath = require("xpath");

xadesjs.setNodeDependencies({
  XMLSerializer: xmldom.XMLSerializer,
  DOMParser: xmldom.DOMParser,
  DOMImplementation: xmldom.DOMImplementation,
  xpath,
});
xadesjs.Application.setEngine("NodeJS", webcrypto);
const subtle = webcrypto.subtle;

const ALGS = {
  "rsa-sha256": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  "ecdsa-sha256": { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
};

function usage(msg) {
  console.error(`xadesjs_tool: ${msg}`);
  process.exit(2);
}

function pemBlocks(file) {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/-----BEGIN ([A-Z ]+)-----([^-]+)-----END \1-----/g)].map((m) =>
    Buffer.from(m[2].replace(/\s+/g, ""), "base64"),
  );
}

async function sign([alg, input, keyFile, certsFile, output]) {
  const a = ALGS[alg];
  if (!a || !output) usage("sign ALG IN.xml KEY.pem CERTS.pem OUT.xml");
  const key = await subtle.importKey("pkcs8", pemBlocks(keyFile)[0], a, false, ["sign"]);
  const certs = pemBlocks(certsFile).map((c) => c.toString("base64"));
  const doc = xadesjs.Parse(readFileSync(input, "utf8"));
  const signedXml = new xadesjs.SignedXml();
  const signature = await signedXml.Sign(a, key, doc, {
    x509: certs,
    signingCertificate: certs[0],
    references: [{ uri: "", hash: "SHA-256", transforms: ["enveloped", "exc-c14n"] }],
    signingTime: { value: new Date() },
  });
  doc.documentElement.appendChild(signature.GetXml());
  writeFileSync(output, new xmldom.XMLSerializer().serializeToString(doc));
}

// xadesjs checks the signature cryptographically but does no certificate path validation, so this
// harness does a minimal one with node:crypto: leaf -> untrusted/X509Data intermediates -> ROOT,
// issuer names, signatures and validity at the current time (no revocation, no policy).
function checkChain(leaf, pool, root) {
  let cert = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (!(new Date(cert.validFrom) <= new Date() && new Date() <= new Date(cert.validTo)))
      return `certificate ${cert.subject} is outside its validity period`;
    if (cert.checkIssued(root) && cert.verify(root.publicKey)) return null;
    const issuer = pool.find((c) => c.ca && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) return `no path from ${cert.subject.replace(/\n/g, ", ")} to the trusted root`;
    cert = issuer;
  }
  return "certificate path too long";
}

async function verify([file, ...rest]) {
  const opt = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!["--ca", "--untrusted", "--cert"].includes(rest[i]) || !rest[i + 1]) usage(`bad option ${rest[i]}`);
    opt[rest[i].slice(2)] = rest[i + 1];
  }
  if (!file || !(opt.ca || opt.cert)) usage("verify FILE.xml (--ca ROOT.pem [--untrusted PEM] | --cert SIGNER.pem)");
  const doc = xadesjs.Parse(readFileSync(file, "utf8"));
  const sigs = doc.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature");
  if (sigs.length !== 1) return fail(`expected one ds:Signature, found ${sigs.length}`);
  const signedXml = new xadesjs.SignedXml(doc);
  signedXml.LoadXml(sigs[0]);

  const embedded = [...sigs[0].getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "X509Certificate")].map(
    (n) => new X509Certificate(Buffer.from(n.textContent.replace(/\s+/g, ""), "base64")),
  );
  let signer;
  if (opt.cert) {
    signer = new X509Certificate(pemBlocks(opt.cert)[0]); // trust exactly this certificate
  } else {
    signer = embedded.find((c) => !c.ca);
    if (!signer) return fail("no end-entity X509Certificate in KeyInfo");
    const pool = [...embedded, ...(opt.untrusted ? pemBlocks(opt.untrusted).map((d) => new X509Certificate(d)) : [])];
    const err = checkChain(signer, pool, new X509Certificate(pemBlocks(opt.ca)[0]));
    if (err) return fail(`certificate path: ${err}`);
  }
  // Verify against the chosen certificate's key, not whatever KeyInfo offers.
  const sm = signedXml.XmlSignature.SignedInfo.SignatureMethod.Algorithm;
  const alg = sm.endsWith("ecdsa-sha256") ? ALGS["ecdsa-sha256"] : sm.endsWith("rsa-sha256") ? ALGS["rsa-sha256"] : null;
  if (!alg) return fail(`unsupported SignatureMethod ${sm}`);
  const key = await subtle.importKey("spki", signer.publicKey.export({ type: "spki", format: "der" }), alg, true, ["verify"]);
  // xmldsigjs quirk: Verify(key) re-imports the key as SPKI with the SignatureMethod's algorithm,
  // {name: "ECDSA", hash}, which lacks namedCurve; both node's WebCrypto and @peculiar/webcrypto
  // then throw. Adding the curve to that algorithm is all it takes.
  if (alg.name === "ECDSA") signedXml.Algorithm = { ...signedXml.Algorithm, namedCurve: key.algorithm.namedCurve };
  const ok = await signedXml.Verify(key);
  if (!ok) return fail("xadesjs SignedXml.Verify returned false");
  console.log(`xadesjs: OK (signer ${signer.subject.replace(/\n/g, ", ")})`);
  return 0;
}

function fail(msg) {
  console.error(`xadesjs: INVALID: ${msg}`);
  return 1;
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === "sign") {
    await sign(args);
    process.exit(0);
  } else if (cmd === "verify") {
    process.exit(await verify(args));
  } else usage("usage: sign ... | verify ...");
} catch (e) {
  // A document that fails to parse, or a reference that cannot be processed, is a rejection
  // by the peer (exit 1), not a tool error; the message says which.
  console.error(`xadesjs: INVALID (exception): ${e && e.stack ? e.stack.split("\n").slice(0, 8).join(" | ") : e}`);
  process.exit(cmd === "verify" ? 1 : 2);
}
