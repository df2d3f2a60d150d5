// What a user of the npm package writes, run from a folder where `imza` was installed from
// the packed tarball (install-check.sh). argv[2] is the repository root (the fixtures).
import { verifyDocument, version, ImzaError } from "imza";
import { readFileSync } from "node:fs";
import path from "node:path";

const repo = process.argv[2];
const read = (p) => new Uint8Array(readFileSync(path.join(repo, p)));
const trust = readFileSync(path.join(repo, "test-vectors/pki/ecdsa-p256/root.pem"), "utf8");

function expect(what, got, want) {
  if (got !== want) {
    console.error(`check: ${what}: expected ${want}, got ${got}`);
    process.exit(1);
  }
  console.log(`ok: ${what}: ${got}`);
}

console.log(`imza ${version()} from ${import.meta.resolve("imza")}`);
const good = await verifyDocument(read("test-vectors/sample/contract.p7m"), { trust });
expect("the sample contract", good.indication, "TOTAL_PASSED");
expect("its signer", good.signatures[0].signer.subject, "CN=P-256 Signer,O=Imza Test,C=AZ");
const bad = await verifyDocument(read("test-vectors/cms/ossl-ec-attached-tampered.p7m"), { trust, revocation: "skip" });
expect("the tampered signature", `${bad.indication}/${bad.sub_indication}`, "TOTAL_FAILED/HASH_FAILURE");
try {
  await verifyDocument(new TextEncoder().encode("%PDF-1.7\n"));
  expect("a truncated PDF", "no error", "ImzaError 1400");
} catch (e) {
  expect("a truncated PDF", `${e instanceof ImzaError ? "ImzaError" : e.name} ${e.code}`, "ImzaError 1400");
}
