// A static server for browser.sh: the test page at /, the web build at /pkg-web/ and the
// test modules at /tests/, all from bindings/wasm/. Listens on 127.0.0.1 on a free port and
// prints its URL as the first line of stdout.
//   node browser-server.mjs <crate version>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const version = process.argv[2] ?? "";
const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

const page = `<!doctype html>
<meta charset="utf-8">
<title>imza-wasm tests</title>
<pre id="agent"></pre>
<pre id="result">RUNNING</pre>
<script type="module">
import init, * as imza from "./pkg-web/imza_wasm.js";
import { cases } from "./tests/cases.mjs";
import { assert } from "./tests/browser-assert.mjs";

const result = document.getElementById("result");
document.getElementById("agent").textContent = navigator.userAgent;
try {
  await init();
  const failures = [];
  for (const [name, run] of cases) {
    try {
      run(imza, assert, { version: ${JSON.stringify(version)} });
    } catch (e) {
      failures.push(name + ": " + e.message);
    }
  }
  result.textContent = failures.length
    ? "FAIL " + failures.length + "/" + cases.length + "\\n" + failures.join("\\n")
    : "PASS " + cases.length;
} catch (e) {
  result.textContent = "FAIL could not load the module: " + e;
}
</script>
`;

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    return;
  }
  const file = path.normalize(path.join(root, url.pathname));
  const allowed = ["pkg-web", "tests"].some((dir) => file.startsWith(path.join(root, dir) + path.sep));
  try {
    if (!allowed) throw new Error("outside the served folders");
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
