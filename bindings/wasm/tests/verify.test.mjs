// The WASM package under Node.js: node --test bindings/wasm/tests/
// Loads the nodejs build from bindings/wasm/pkg/ (build it first: bash bindings/wasm/build.sh).
// The cases live in cases.mjs; browser.sh runs the same ones in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cases } from "./cases.mjs";

const require = createRequire(import.meta.url);
const imza = require("../pkg/imza_wasm.js");

// The workspace version, which the crate inherits (`version.workspace = true`).
const cargoToml = readFileSync(new URL("../../../Cargo.toml", import.meta.url), "utf8");
const version = /\[workspace\.package\][^[]*?^version\s*=\s*"([^"]+)"/m.exec(cargoToml)?.[1];

test("the workspace version is found in Cargo.toml", () => {
  assert.match(version ?? "", /^\d+\.\d+\.\d+/);
});

for (const [name, run] of cases) {
  test(name, () => run(imza, assert, { version }));
}
