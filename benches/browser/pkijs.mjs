// imza against PKI.js in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), and the page's peak memory on a 2 GiB detached file streamed through
// DocumentVerifier.updateFrom(file). Not a test: it prints numbers and has no thresholds.
//
//   bash benches/browser/run.sh            # npm ci if needed, builds the package if missing
//   node benches/browser/pkijs.mjs [--runs N] [--no-big] [--big-size 2G]
//
// Fixtures are made with OpenSSL from test-vectors/pki/ecdsa-p256 (signer = P-256 Signer,
// SHA-256, with the intermediate embedded) into target/bench/browser/ and the 2 GiB ones are
// deleted at the end. One loopback server serves a bench page with an import map: "imza" is
// bindings/wasm/pkg/index.js (+ its .wasm), "pkijs" and its dependencies are the ESM builds in
// bindings/wasm/e2e/node_modules (no bundler). Timings are taken in the page with
// performance.now(): the median of N runs after a warm-up, each run parsing the signature
// anew (imza: verifyDocument; PKI.js: ContentInfo.fromBER + SignedData + verify).
//
// Memory (c): a 2 GiB sparse file (truncate -s 2G), signed detached by OpenSSL, given to an
// <input type=file> with setInputFiles (a path: nothing goes through the protocol), hashed four
// ways, each in a fresh browser: the package's DocumentVerifier.updateFrom(file); the same with
// a macrotask every 16 MiB (what www/app.js does); a BYOB reader reusing one 1 MiB buffer; and
// the page www/ itself. The renderer's RSS is read from /proc (VmRSS every 200 ms, VmHWM at the
// end; the renderers are found as the descendants of this process with --type=renderer). The JS
// heap and the WebAssembly memory are sampled in the page from the progress callback
// (performance.memory with --enable-precise-memory-info; the module's memory through the glue's
// init, which returns the exports): CDP's Performance.getMetrics and page.evaluate wait for the
// page's main thread, which a reader loop that never yields keeps busy for the whole file.
//
// Output: a table on stdout and target/bench/browser-pkijs.json.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const e2e = path.join(root, "bindings/wasm/e2e");
const pkg = path.join(root, "bindings/wasm/pkg");
const nodeModules = path.join(e2e, "node_modules");
const pki = path.join(root, "test-vectors/pki/ecdsa-p256");
const www = path.join(root, "bindings/wasm/www");
const work = path.join(root, "target/bench/browser");
const outJson = path.join(root, "target/bench/browser-pkijs.json");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const RUNS_SMALL = Number(option("--runs", "400"));
const RUNS_10M = Math.max(5, Math.round(RUNS_SMALL / 10));
const BIG_SIZE = option("--big-size", "2G");

const require = createRequire(path.join(e2e, "package.json"));
const { chromium } = require("playwright-core");
const { serve } = await import(path.join(e2e, "serve.mjs"));

for (const [what, p] of [
  ["the npm package (bash bindings/wasm/build.sh)", path.join(pkg, "index.js")],
  ["pkijs (cd bindings/wasm/e2e && npm ci)", path.join(nodeModules, "pkijs/build/index.js")],
  ["chromium (apt-get install chromium)", chromiumPath],
]) {
  if (!existsSync(p)) {
    console.error(`pkijs.mjs: missing ${what}: ${p}`);
    process.exit(1);
  }
}

// ---- fixtures ------------------------------------------------------------------------------
mkdirSync(work, { recursive: true });
const openssl = (...a) => execFileSync("openssl", a, { stdio: ["ignore", "ignore", "inherit"] });
const signer = ["-signer", path.join(pki, "signer.pem"), "-inkey", path.join(pki, "signer.key"), "-certfile", path.join(pki, "intermediate.pem")];
function sign(content, out, attached) {
  openssl("cms", "-sign", "-binary", "-md", "sha256", ...(attached ? ["-nodetach"] : []), ...signer, "-in", content, "-outform", "DER", "-out", out);
}

// A deterministic pseudo-random filler (xorshift), fast enough for tens of MB.
function filler(size, seed) {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, Math.floor(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  return out;
}

const small = path.join(work, "small.txt");
writeFileSync(small, "imza browser benchmark: a small attached CAdES. ".repeat(7).slice(0, 320) + "\n");
sign(small, path.join(work, "small.p7m"), true);
const tenM = path.join(work, "10m.bin");
writeFileSync(tenM, filler(10 * 1024 * 1024, 0x1badb002));
sign(tenM, path.join(work, "10m.p7s"), false);
for (const f of ["small.p7m", "10m.p7s", "10m.bin"]) {
  console.error(`fixture ${f}: ${statSync(path.join(work, f)).size} bytes`);
}

// ---- the bench page ------------------------------------------------------------------------
const importMap = {
  imports: {
    imza: "/imza/index.js",
    pkijs: "/nm/pkijs/build/index.js",
    asn1js: "/nm/asn1js/build/index.js",
    bytestreamjs: "/nm/bytestreamjs/build/index.js",
    "@peculiar/utils": "/nm/@peculiar/utils/build/index.js",
    "@noble/hashes/": "/nm/@noble/hashes/",
  },
};
const benchPage = `<!doctype html>
<meta charset="utf-8">
<title>imza vs PKI.js</title>
<script type="importmap">${JSON.stringify(importMap)}</script>
<input type="file" id="big" aria-label="big detached content">
<pre id="state">loading</pre>
<script type="module">
import init, * as imza from "imza";
import * as pkijs from "pkijs";
import initWasm from "/imza/imza_wasm.js";
await init();

const get = async (name) => new Uint8Array(await (await fetch("/fixtures/" + name)).arrayBuffer());
const fx = {
  rootPem: await (await fetch("/fixtures/root.pem")).text(),
  rootDer: await get("root.der"),
  small: await get("small.p7m"),
  sig10m: await get("10m.p7s"),
  content10m: await get("10m.bin"),
};
const rootCert = pkijs.Certificate.fromBER(fx.rootDer);
const CHUNK = 1 << 20;

const cases = {
  async imzaSmall() {
    return imza.verifyDocument(fx.small, { trust: fx.rootPem, revocation: "skip" });
  },
  async pkijsSmallChain() {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(fx.small).content });
    return sd.verify({ signer: 0, checkChain: true, trustedCerts: [rootCert] });
  },
  async pkijsSmallNoChain() {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(fx.small).content });
    return sd.verify({ signer: 0, checkChain: false });
  },
  async imza10mWhole() {
    return imza.verifyDocument(fx.sig10m, { trust: fx.rootPem, revocation: "skip", detached: fx.content10m });
  },
  async imza10mChunks() {
    const v = new imza.DocumentVerifier(fx.sig10m, { trust: fx.rootPem, revocation: "skip" });
    const c = fx.content10m;
    for (let at = 0; at < c.length; at += CHUNK) v.update(c.subarray(at, Math.min(at + CHUNK, c.length)));
    return v.finish();
  },
  async pkijs10mChain() {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(fx.sig10m).content });
    return sd.verify({ signer: 0, checkChain: true, trustedCerts: [rootCert], data: fx.content10m.buffer });
  },
  async pkijs10mNoChain() {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(fx.sig10m).content });
    return sd.verify({ signer: 0, checkChain: false, data: fx.content10m.buffer });
  },
};

function outcome(r) {
  if (r === true || r === false) return r ? "verified" : "NOT verified";
  return r.indication + (r.sub_indication ? "/" + r.sub_indication : "");
}

window.check = async (name) => {
  try {
    return outcome(await cases[name]());
  } catch (e) {
    return "threw: " + (e.message ?? e);
  }
};

window.time = async (name, warm, runs) => {
  const f = cases[name];
  for (let i = 0; i < warm; i++) await f();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  const median = ms.length % 2 ? ms[(ms.length - 1) / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
  return { runs, median, min: ms[0], p90: q(0.9) };
};

// (c) the big file, chunk by chunk in constant memory (the JS heap and the WebAssembly memory
// are sampled here, every 200 ms, from the progress callback: the page's event loop may be
// too busy for the benchmark's own probes).
const wasmMemory = (await initWasm()).memory;
window.big = { state: "idle" };
window.startBig = async (sigName, mode) => {
  const file = document.getElementById("big").files[0];
  const sig = await get(sigName);
  const b = (window.big = { state: "hashing", mode, size: file.size, bytes: 0, chunks: 0, samples: [], t0: performance.now() });
  let last = 0;
  const sample = () => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    b.samples.push({ t_ms: Math.round(now - b.t0), bytes: b.bytes, heap_used: performance.memory?.usedJSHeapSize, wasm_memory: wasmMemory.buffer.byteLength });
  };
  const progress = (n) => { b.bytes = n; b.chunks++; sample(); };
  try {
    const v = new imza.DocumentVerifier(sig, { trust: fx.rootPem, revocation: "skip" });
    if (mode === "updateFrom") {
      await v.updateFrom(file, progress);
    } else if (mode === "byob") {
      // A BYOB reader over the Blob's byte stream: one 1 MiB buffer, handed back and forth,
      // no garbage per chunk.
      const reader = file.stream().getReader({ mode: "byob" });
      let buf = new ArrayBuffer(1 << 20);
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buf));
        if (done) break;
        v.update(value);
        progress(v.bytesHashed);
        buf = value.buffer;
      }
    } else {
      // What the page (www/app.js) does: its own reader loop, a macrotask every 16 MiB.
      const reader = file.stream().getReader();
      let since = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        v.update(value);
        progress(v.bytesHashed);
        since += value.byteLength;
        if (since >= 16 * 1024 * 1024) {
          since = 0;
          await new Promise((r) => setTimeout(r, 0));
        }
      }
    }
    b.hashedAt = performance.now();
    b.state = "finishing";
    const r = await v.finish();
    b.t1 = performance.now();
    b.outcome = outcome(r);
    b.wasm_memory_end = wasmMemory.buffer.byteLength;
    b.state = "done";
  } catch (e) {
    b.state = "error";
    b.error = String(e.message ?? e);
  }
};

document.getElementById("state").textContent = "ready " + imza.version();
window.ready = imza.version();
</script>
`;

// ---- helpers: the renderer's memory --------------------------------------------------------
function children() {
  const map = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!map.has(ppid)) map.set(ppid, []);
      map.get(ppid).push(Number(d));
    } catch {}
  }
  return map;
}
/** Renderer processes below this node process (Playwright spawns chromium as our child). */
function renderers() {
  const kids = children();
  const out = [];
  const stack = [...(kids.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    stack.push(...(kids.get(pid) ?? []));
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) out.push(pid);
    } catch {}
  }
  return out;
}
function memOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m")) ?? [])[1] ?? NaN);
    return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
  } catch {
    return null;
  }
}

const MB = 1e6;
const MiB = 1024 * 1024;
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));

async function openBenchPage(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(server.url + "bench.html");
  await page.waitForFunction(() => window.ready, null, { timeout: 60_000 });
  return { context, page };
}

/** Streams the big file through one of the modes; samples the renderers' RSS from /proc every 200 ms. */
async function bigRun(mode, bigFile, bigSig) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--enable-precise-memory-info"],
    headless: true,
  });
  const rssSamples = [];
  let timer;
  try {
    let page;
    if (mode === "page") {
      page = await (await browser.newContext()).newPage();
      await page.goto(server.url + "www/");
      await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 60_000 });
      await page.locator("#demo-root").check();
      await page.locator("#revocation-skip").check();
    } else {
      ({ page } = await openBenchPage(browser, server));
      await page.locator("#big").setInputFiles(bigFile);
    }
    const pids = renderers();
    const before = Object.fromEntries(pids.map((p) => [p, memOf(p)]));
    const started = Date.now();
    timer = setInterval(() => {
      const mem = pids.map((p) => memOf(p)?.rss ?? 0);
      rssSamples.push({ t_ms: Date.now() - started, rss: Math.max(...mem) });
    }, 200);
    let b;
    if (mode === "page") {
      // The page: the signature, then the content it asks for; the verdict when data-state is "done".
      await page.locator("#signature-input").setInputFiles(bigSig);
      await page.locator("#content-input").setInputFiles(bigFile);
      const heap = [];
      for (;;) {
        const s = await page.evaluate(() => ({ st: document.body.dataset.state, v: document.getElementById("progress").value, heap: performance.memory?.usedJSHeapSize }));
        heap.push(s.heap);
        if (s.st === "done" || s.st === "error") break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const t1 = Date.now();
      const outcome = await page.evaluate(() => {
        const v = document.getElementById("verdict");
        const sec = document.querySelector("#result section.signature");
        return (v?.dataset.indication ?? document.getElementById("error")?.textContent) + (sec?.dataset.subIndication ? "/" + sec.dataset.subIndication : "");
      });
      b = { size: statSync(bigFile).size, outcome, seconds: (t1 - started) / 1000, samples: heap.map((h) => ({ heap_used: h })) };
    } else {
      await page.evaluate((m) => window.startBig("big.p7s", m), mode);
      b = await page.evaluate(() => ({ ...window.big }));
      b.seconds = (b.t1 - b.t0) / 1000;
    }
    clearInterval(timer);
    const after = Object.fromEntries(pids.map((p) => [p, memOf(p)]));
    const main = pids.reduce((best, p) => ((after[p]?.hwm ?? 0) > (after[best]?.hwm ?? 0) ? p : best), pids[0]);
    const heaps = (b.samples ?? []).map((x) => x.heap_used).filter((x) => x > 0);
    const wasm = (b.samples ?? []).map((x) => x.wasm_memory).filter((x) => x > 0);
    const r = {
      mode,
      size_bytes: b.size,
      outcome: b.outcome ?? b.error,
      chunks: b.chunks,
      seconds: +b.seconds.toFixed(2),
      throughput_mb_s: +(b.size / MB / b.seconds).toFixed(1),
      renderer_rss_before_mib: +((before[main]?.rss ?? NaN) / MiB).toFixed(1),
      renderer_peak_rss_sampled_mib: +(Math.max(...rssSamples.map((x) => x.rss)) / MiB).toFixed(1),
      renderer_vmhwm_mib: +((after[main]?.hwm ?? NaN) / MiB).toFixed(1),
      js_heap_used_peak_mib: heaps.length ? +(Math.max(...heaps) / MiB).toFixed(1) : null,
      wasm_memory_peak_mib: wasm.length ? +(Math.max(...wasm) / MiB).toFixed(1) : null,
    };
    writeFileSync(path.join(work, `big-${mode}-samples.json`), JSON.stringify({ rss: rssSamples, page: b.samples ?? [] }));
    console.error(`  ${mode}: ${JSON.stringify(r)}`);
    return r;
  } finally {
    clearInterval(timer);
    await browser.close();
  }
}

// ---- run -----------------------------------------------------------------------------------
const load = os.loadavg();
const machine = {
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model,
  memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  load_before: load.map((x) => +x.toFixed(2)),
};
writeFileSync(path.join(work, "root.pem"), readFileSync(path.join(pki, "root.pem")));
writeFileSync(path.join(work, "root.der"), readFileSync(path.join(pki, "root.der")));

const server = await serve({ "/imza/": pkg, "/nm/": nodeModules, "/fixtures/": work, "/www/": www }, { "/bench.html": benchPage }, {
  // Cross-origin isolated: performance.now() at 5 µs instead of 100 µs.
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
});
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
  headless: true,
});
const result = { machine, browser: `Chromium ${browser.version()}`, imza: null, pkijs: "4.0.0", cases: [], big: null };
try {
  const { context, page } = await openBenchPage(browser, server);
  result.imza = await page.evaluate(() => window.ready);
  result.cross_origin_isolated = await page.evaluate(() => crossOriginIsolated);
  result.pkijs = JSON.parse(readFileSync(path.join(nodeModules, "pkijs/package.json"), "utf8")).version;
  console.error(`imza ${result.imza}, PKI.js ${result.pkijs}, ${result.browser}; load ${machine.load_before.join(" ")}`);

  const names = ["imzaSmall", "pkijsSmallChain", "pkijsSmallNoChain", "imza10mWhole", "imza10mChunks", "pkijs10mChain", "pkijs10mNoChain"];
  const outcomes = {};
  for (const n of names) outcomes[n] = await page.evaluate((n) => window.check(n), n);
  console.error("outcomes:", JSON.stringify(outcomes));
  const timings = {};
  for (const n of names) {
    const big = n.includes("10m");
    timings[n] = await page.evaluate(([n, w, r]) => window.time(n, w, r), [n, big ? 3 : 20, big ? RUNS_10M : RUNS_SMALL]);
    timings[n].outcome = outcomes[n];
    console.error(`  ${n}: median ${fmt(timings[n].median)} ms (${timings[n].runs} runs)`);
  }
  const rows = [
    ["small attached CAdES (320 B), chain to the root", "imzaSmall", "pkijsSmallChain"],
    ["small attached CAdES (320 B), PKI.js checkChain:false", "imzaSmall", "pkijsSmallNoChain"],
    ["10 MB detached, imza verifyDocument(detached: Uint8Array) (Web Crypto hash)", "imza10mWhole", "pkijs10mChain"],
    ["10 MB detached, imza DocumentVerifier.update 1 MiB chunks (WASM hash)", "imza10mChunks", "pkijs10mChain"],
    ["10 MB detached, verifyDocument vs PKI.js checkChain:false", "imza10mWhole", "pkijs10mNoChain"],
  ];
  for (const [label, a, b] of rows) {
    result.cases.push({
      case: label,
      imza: a,
      pkijs: b,
      imza_median_ms: +timings[a].median.toFixed(3),
      pkijs_median_ms: +timings[b].median.toFixed(3),
      ratio_imza_over_pkijs: +(timings[a].median / timings[b].median).toFixed(3),
      imza_outcome: timings[a].outcome,
      pkijs_outcome: timings[b].outcome,
    });
  }
  result.timings = timings;
  await context.close();

  // (c) 2 GiB streamed, three ways, each in a fresh browser (so the renderer's VmHWM is that
  // run's alone): the package's updateFrom(file); the same loop with a macrotask every 16 MiB
  // (what www/app.js does); a BYOB reader reusing one buffer; and the page itself (www/, demo root, revocation not checked).
  if (!flag("--no-big")) {
    const bigFile = path.join(work, "big.bin");
    const bigSig = path.join(work, "big.p7s");
    try {
      rmSync(bigFile, { force: true });
      execFileSync("truncate", ["-s", BIG_SIZE, bigFile]);
      const t0 = Date.now();
      sign(bigFile, bigSig, false);
      console.error(`big: ${statSync(bigFile).size} bytes (sparse zeros), signed by openssl in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      result.big = [];
      for (const mode of ["updateFrom", "yielding", "byob", "page"]) {
        if (mode === "page" && !existsSync(path.join(www, "index.html"))) continue;
        result.big.push(await bigRun(mode, bigFile, bigSig));
      }
    } finally {
      rmSync(bigFile, { force: true });
      rmSync(bigSig, { force: true });
    }
  }
} finally {
  await browser.close();
  await server.close();
}

result.machine.load_after = os.loadavg().map((x) => +x.toFixed(2));
mkdirSync(path.dirname(outJson), { recursive: true });
writeFileSync(outJson, JSON.stringify(result, null, 2) + "\n");

// ---- the table -----------------------------------------------------------------------------
const w = Math.max(...result.cases.map((c) => c.case.length));
console.log(`imza ${result.imza} vs PKI.js ${result.pkijs}, ${result.browser} headless; ${machine.cpus} x ${machine.cpu_model}; median of ${RUNS_SMALL} (small) / ${RUNS_10M} (10 MB) runs`);
console.log(`${"case".padEnd(w)} | imza ms | PKI.js ms | imza/PKI.js`);
console.log(`${"-".repeat(w)}-|---------|-----------|------------`);
for (const c of result.cases) {
  console.log(`${c.case.padEnd(w)} | ${fmt(c.imza_median_ms).padStart(7)} | ${fmt(c.pkijs_median_ms).padStart(9)} | ${fmt(c.ratio_imza_over_pkijs).padStart(11)}`);
}
for (const c of result.cases) {
  if (c.imza_outcome !== "TOTAL_PASSED" || c.pkijs_outcome !== "verified") {
    console.log(`note: ${c.case}: imza ${c.imza_outcome}, PKI.js ${c.pkijs_outcome}`);
  }
}
for (const b of result.big ?? []) {
  const how = { updateFrom: "DocumentVerifier.updateFrom(File)", yielding: "update() loop, a macrotask every 16 MiB", byob: "update() from a BYOB reader, one 1 MiB buffer", page: "the page www/ (demo root, revocation skipped)" }[b.mode];
  console.log(
    `${(b.size_bytes / 2 ** 30).toFixed(2)} GiB detached, ${how}: ${b.outcome}, ${b.seconds} s, ${b.throughput_mb_s} MB/s; ` +
      `renderer RSS ${b.renderer_rss_before_mib} MiB before, peak ${b.renderer_peak_rss_sampled_mib} MiB (VmHWM ${b.renderer_vmhwm_mib} MiB); ` +
      `JS heap peak ${b.js_heap_used_peak_mib ?? "-"} MiB; WebAssembly memory ${b.wasm_memory_peak_mib ?? "-"} MiB`,
  );
}
console.log(`written: ${path.relative(root, outJson)}`);
