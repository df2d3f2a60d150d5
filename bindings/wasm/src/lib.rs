//! WASM
