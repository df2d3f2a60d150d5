//! HTTP transport (placeholder while the module is written).
