// A static server for browser.sh: the test page at /, the npm package as built at /pkg/
// (bindings/wasm/pkg), the test modules at /tests/ and the repository's fixtures at
// /test-vectors/. Listens on 127.0.0.1 on a free port and prints its URL as the first line
// of stdout.
//   node browser-server.mjs <crate version>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const wasmDir = fileURLToPath(new URL("..", import.meta.url));
const repo = fileURLToPath(new URL("../../..", import.meta.url));
const version = process.argv[2] ?? "";
const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

// Each served prefix and the folder it comes from; nothing else is served.
const folders = [
  ["/pkg/", path.join(wasmDir, "pkg")],
  ["/tests/", path.join(wasmDir, "tests")],
  ["/test-vectors/", path.join(repo, "test-vectors")],
];

const page = `<!doctype html>
<meta charset="utf-8">
<title>imza npm package tests</title>
<pre id="agent"></pre>
<pre id="result">RUNNING</pre>
<script type="module">
import init, * as imza from "./pkg/index.js";
import { cases } from "./tests/cases.mjs";
import { assert } from "./tests/browser-assert.mjs";

const result = document.getElementById("result");
document.getElementById("agent").textContent = navigator.userAgent;
const load = async (p) => {
  const r = await fetch("/" + p);
  if (!r.ok) throw new Error("fixture " + p + ": HTTP " + r.status);
  return new Uint8Array(await r.arrayBuffer());
};
try {
  await init();
  const failures = [];
  for (const [name, run] of cases) {
    try {
      await run(imza, assert, { version: ${JSON.stringify(version)}, load });
    } catch (e) {
      failures.push(name + ": " + (e && e.message));
    }
  }
  result.textContent = failures.length
    ? "FAIL " + failures.length + "/" + cases.length + "\\n" + failures.join("\\n")
    : "PASS " + cases.length;
} catch (e) {
  result.textContent = "FAIL could not load the package: " + e;
}
</script>
`;

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    return;
  }
  try {
    const hit = folders.find(([prefix]) => url.pathname.startsWith(prefix));
    if (!hit) throw new Error("outside the served folders");
    const [prefix, dir] = hit;
    const file = path.normalize(path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
    if (!file.startsWith(dir + path.sep)) throw new Error("outside the served folders");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${server.address().port}/`);
});
