// The npm package under Node.js: node --test bindings/wasm/tests/
// Imports the package as Node resolves it (pkg/node.mjs: no init call); build it first with
// bash bindings/wasm/build.sh. The cases live in cases.mjs; browser.sh runs the same ones in
// headless Chromium through pkg/index.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as imza from "../pkg/node.mjs";
import { cases } from "./cases.mjs";
import { read } from "./support.mjs";

// The workspace version, which the crate inherits (`version.workspace = true`).
const cargoToml = readFileSync(new URL("../../../Cargo.toml", import.meta.url), "utf8");
const version = /\[workspace\.package\][^[]*?^version\s*=\s*"([^"]+)"/m.exec(cargoToml)?.[1];
const env = { version, load: async (path) => read(path) };

test("the workspace version is found in Cargo.toml, and package.json carries it", () => {
  assert.match(version ?? "", /^\d+\.\d+\.\d+/);
  const pkg = JSON.parse(readFileSync(new URL("../pkg/package.json", import.meta.url), "utf8"));
  assert.equal(pkg.name, "imza");
  assert.equal(pkg.version, version);
});

test("in Node the package needs no init: init() exists and resolves", async () => {
  assert.equal(typeof imza.default, "function");
  assert.equal(await imza.init(), undefined);
  assert.equal(typeof imza.version(), "string");
});

for (const [name, run] of cases) {
  test(name, () => run(imza, assert, env));
}
