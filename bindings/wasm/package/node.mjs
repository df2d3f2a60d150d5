// Node.js: the module is compiled from the file next to this one when the package is
// imported, so no init call is needed (init() exists and resolves at once).
import { readFileSync } from "node:fs";
import { initSync } from "./imza_wasm.js";

initSync({ module: readFileSync(new URL("./imza_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";

/** Nothing to do in Node.js: the module is loaded on import. */
export default function init() {
  return Promise.resolve();
}
export { init };
