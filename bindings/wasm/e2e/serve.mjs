// A tiny static server on 127.0.0.1 for the end-to-end test (page.test.mjs) and the browser
// benchmark (benches/browser/pkijs.mjs): no dependency, correct MIME types (application/wasm
// for WebAssembly.instantiateStreaming, text/javascript for modules), a free port.
//
//   const server = await serve({ "/": "/path/to/www" }, { "/bench.html": htmlText });
//   server.url   // "http://127.0.0.1:PORT/"
//   server.log   // every request served: { method, path, status }
//   await server.close();
//
// `headers` are added to every response (the benchmark sends COOP/COEP so that
// performance.now() has its fine resolution in a cross-origin-isolated page).
//
// `mounts` maps a URL prefix ending in "/" to a folder; the longest prefix wins. `pages` maps
// exact paths to in-memory bodies (served as HTML unless the extension says otherwise).
// Paths that leave their folder are refused; "/" and "/dir/" serve index.html.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".pem": "application/x-pem-file",
  ".crt": "application/x-x509-ca-cert",
  ".der": "application/octet-stream",
  ".p7m": "application/pkcs7-mime",
  ".p7s": "application/pkcs7-signature",
};

export function mimeOf(file) {
  return MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

export function serve(mounts, pages = {}, headers = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const log = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    const entry = { method: req.method, path: url.pathname, status: 0 };
    log.push(entry);
    const send = (status, extra, body) => {
      entry.status = status;
      res.writeHead(status, { "cache-control": "no-cache", ...headers, ...extra });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, {}, "");
    if (Object.hasOwn(pages, pathname)) {
      const type = path.extname(pathname) ? mimeOf(pathname) : MIME[".html"];
      return send(200, { "content-type": type }, req.method === "HEAD" ? "" : pages[pathname]);
    }
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (!prefix) return send(404, {}, "");
    const dir = path.resolve(mounts[prefix]);
    let file = path.resolve(dir, "." + path.sep + pathname.slice(prefix.length));
    if (file !== dir && !file.startsWith(dir + path.sep)) return send(403, {}, "");
    try {
      let st = await stat(file);
      if (st.isDirectory()) {
        file = path.join(file, "index.html");
        st = await stat(file);
      }
      entry.status = 200;
      res.writeHead(200, {
        "content-type": mimeOf(file),
        "content-length": st.size,
        "cache-control": "no-cache",
        ...headers,
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(file).pipe(res);
    } catch {
      send(404, {}, "");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        origin: `http://127.0.0.1:${port}`,
        port,
        log,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
