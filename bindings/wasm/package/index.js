// Browsers and bundlers: `await init()` loads imza_wasm_bg.wasm (next to this file, or
// from `input`: a URL, a Response, bytes or a WebAssembly.Module) before any other call.
import initWasm from "./imza_wasm.js";

export * from "./api.js";

let ready;

/** Loads the WebAssembly module once; later calls return the same promise. */
export default function init(input) {
  ready ??= initWasm(input === undefined ? undefined : { module_or_path: input });
  return ready.then(() => undefined);
}
export { init };
