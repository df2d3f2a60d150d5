// What the Node tests of the npm package share: the package, the repository's fixtures, the
// CLI, and the one skip rule of test-support/ (README "A test whose tool ... is missing").
//
// Under CI=true a missing tool, vector or port FAILS the test (a suite that passes because
// it did not run proves nothing); elsewhere the test is skipped with `SKIPPED <test>: <why>`
// on stderr. IMZA_REQUIRE_SHARED / IMZA_REQUIRE_WEBEID do what CI=true does for the shared
// vectors, as they do in Rust.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../../../", import.meta.url));

/** The package as a user imports it in Node (no init call). */
export const pkgEntry = new URL("../pkg/node.mjs", import.meta.url);

/** Whether the environment variable `name` is on: set, and not empty, "0" or "false". */
export function on(name) {
  const v = (process.env[name] ?? "").trim();
  return v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * Skips the test `t` because an input is missing (`why` says which and how to get it):
 * under CI (or one of the `require` switches) it throws, failing the test; elsewhere it
 * prints `SKIPPED <test>: <why>` to stderr and marks the test skipped. The caller returns.
 */
export function skip(t, why, ...require) {
  const switchOn = ["CI", ...require].find(on);
  if (switchOn) throw new Error(`${t.name}: ${why} (${switchOn} is set: a missing input fails the test)`);
  if (skipped.has(t)) return; // said once per test
  skipped.add(t);
  process.stderr.write(`SKIPPED ${t.name}: ${why}\n`);
  t.skip(why);
}

const skipped = new WeakSet();

/** A file of the repository, as bytes. */
export function read(rel) {
  return new Uint8Array(readFileSync(path.join(root, rel)));
}

/** A file of the repository, as text. */
export function text(rel) {
  return readFileSync(path.join(root, rel), "utf8");
}

/** Whether `program args` runs and exits 0; else skip(t) and false. */
export function haveTool(t, program, args = ["--version"]) {
  const r = spawnSync(program, args, { stdio: ["ignore", "pipe", "pipe"] });
  if (r.status === 0) return true;
  skip(t, `\`${program}\` is not available (${r.error?.message ?? `exit ${r.status}`})`);
  return false;
}

/** The shared test-vector folder: IMZA_SHARED_VECTORS (relative to the root) or ../shared/test-vectors. */
export function sharedVectors() {
  const v = process.env.IMZA_SHARED_VECTORS;
  return v ? path.resolve(root, v) : path.resolve(root, "../shared/test-vectors");
}

/** `rel` inside the shared vectors, or undefined after skip(t) (IMZA_REQUIRE_SHARED and `require` fail too). */
export function shared(t, rel, ...require) {
  const p = path.join(sharedVectors(), rel);
  if (existsSync(p)) return p;
  skip(
    t,
    `shared test vectors not found: ${p} (set IMZA_SHARED_VECTORS to the folder of ../shared/test-vectors)`,
    "IMZA_REQUIRE_SHARED",
    ...require,
  );
  return undefined;
}

/** The cargo target directory (CARGO_TARGET_DIR or <root>/target). */
export function targetDir() {
  return process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target");
}

/**
 * The `imza` CLI (IMZA_CLI, or target/debug/imza; run.sh builds it with `cargo build -p
 * imza-cli`), or undefined after skip(t).
 */
export function cli(t) {
  const exe = process.env.IMZA_CLI || path.join(targetDir(), "debug", "imza");
  if (existsSync(exe)) return exe;
  skip(t, `the imza CLI is not built: ${exe} (cargo build -p imza-cli, or set IMZA_CLI)`);
  return undefined;
}

/** Runs the CLI (exit codes 0/1/2 are verdicts, not failures) and parses its JSON stdout. */
export function cliJson(exe, args) {
  const r = spawnSync(exe, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (![0, 1, 2].includes(r.status)) throw new Error(`imza ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * A port free right now on every interface: `openssl ocsp -port` binds the wildcard
 * address, and a port free on 127.0.0.1 alone may be the local end of an outgoing
 * connection on another address.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port (a bind attempt: no probe connection). */
function bound(port) {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.once("error", () => resolve(true));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(false)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * An `openssl ocsp` responder on a free loopback port over the test PKI's ecdsa-p256
 * intermediate database (as tests/revocation.rs starts it), signed by the delegated
 * responder. `{ port, stop() }`.
 */
export async function ocspResponder() {
  // The port may be taken between freePort() and openssl's bind: try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ocspResponderOn(await freePort());
    } catch (e) {
      if (attempt >= 5 || !/Address already in use/.test(e.message)) throw e;
    }
  }
}

async function ocspResponderOn(port) {
  const pki = path.join(root, "test-vectors/pki");
  const child = spawn(
    "openssl",
    [
      "ocsp", "-index", "ecdsa-p256/intermediate/index.txt", "-CA", "ecdsa-p256/intermediate.pem",
      "-rsigner", "ecdsa-p256/ocsp-responder.pem", "-rkey", "ecdsa-p256/ocsp-responder.key",
      "-port", String(port), "-nmin", "60", "-ignore_err",
    ],
    { cwd: pki, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  let exited = null;
  child.on("exit", (code) => (exited = code ?? "signal"));
  const stop = () => {
    if (exited === null) child.kill();
  };
  for (let i = 0; i < 100; i++) {
    if (exited !== null) throw new Error(`openssl ocsp exited at start (${exited}): ${stderr}`);
    // OpenSSL listens on all interfaces; a failed bind on 127.0.0.1 means it is up.
    if (await bound(port)) return { port, stop };
    await sleep(50);
  }
  stop();
  throw new Error(`openssl ocsp did not listen on ${port}`);
}

/**
 * Serves the test PKI's CRLs at the paths its certificates' distribution points name
 * (http://127.0.0.1:18090/ecdsa-p256.crl and .../ecdsa-p256-root.crl) on a free port.
 * `{ port, requests: [paths], stop() }`.
 */
export async function crlServer() {
  const files = {
    "/ecdsa-p256.crl": "test-vectors/pki/ecdsa-p256/intermediate.crl",
    "/ecdsa-p256-root.crl": "test-vectors/pki/ecdsa-p256/root.crl",
  };
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const file = files[req.url];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/pkix-crl", connection: "close" }).end(read(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    requests,
    stop: () => new Promise((r) => server.close(r)),
  };
}

/**
 * globalThis.fetch, with the fixed addresses the test PKI's certificates name
 * (127.0.0.1:18080 for OCSP, 127.0.0.1:18090 for CRLs) moved to the ports the test's
 * servers got, as a DNS name or a proxy would move them (tests/revocation.rs does the
 * same): no fixed port can be busy. `calls` records the URLs imza asked for.
 */
export function remappingFetch(ocspPort, crlPort) {
  const calls = [];
  const f = (url, init) => {
    calls.push({ url, method: init?.method });
    const moved = url
      .replace("//127.0.0.1:18080/", `//127.0.0.1:${ocspPort}/`)
      .replace("//127.0.0.1:18090/", `//127.0.0.1:${crlPort}/`);
    return globalThis.fetch(moved, init);
  };
  f.calls = calls;
  return f;
}

/** The report without its validation_time (the one field two runs at a fixed `at` may word differently). */
export function withoutTime(report) {
  const { validation_time: _, ...rest } = report;
  return rest;
}

/** `openssl version`, or undefined. */
export function opensslVersion() {
  try {
    return execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}
